package optim

import (
	"testing"

	"github.com/gocnn/gocnn/nn"
	"github.com/gocnn/gocnn/tensor"
)

func TestAdamDecreasesQuadratic(t *testing.T) {
	p := nn.NewParam("w", tensor.FromSlice([]float32{3, -2}, 2))
	o := NewAdam(ParamsOf([]*nn.Param{p}, 0.1, 0), AdamConfig{})
	for i := 0; i < 200; i++ {
		o.ZeroGrad()
		copy(p.Grad.Data(), p.Value.Data()) // d/dp ½p²
		o.Step()
	}
	if v := p.Value.Data(); v[0]*v[0]+v[1]*v[1] > 1e-2 {
		t.Fatalf("Adam did not converge: %v", v)
	}
}
