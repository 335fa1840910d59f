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

// TestStepAllocatesNothing covers the serial and the parallel (large
// parameter) paths of every optimizer, with clipping and a scheduler.
func TestStepAllocatesNothing(t *testing.T) {
	rng := tensor.NewRNG(1)
	mk := func() []*nn.Param {
		return []*nn.Param{
			nn.NewParam("small", tensor.RandN(rng, 1, 10)),
			nn.NewParam("big", tensor.RandN(rng, 1, 3*grain+5)),
		}
	}
	opts := map[string]Optimizer{
		"sgd":   NewSGD(ParamsOf(mk(), 0.1, 1e-4), SGDConfig{Momentum: 0.9, Nesterov: true}),
		"adam":  NewAdam(ParamsOf(mk(), 1e-3, 1e-4), AdamConfig{AMSGrad: true}),
		"adamw": NewAdamW(ParamsOf(mk(), 1e-3, 1e-2), AdamConfig{}),
	}
	for name, o := range opts {
		s := NewCosineAnnealingLR(o, 10, 0)
		ps := o.Groups()[0].Params
		step := func() {
			o.ZeroGrad()
			for _, p := range ps {
				p.Grad.Fill(0.5)
			}
			ClipGradNorm(ps, 1)
			o.Step()
			s.Step()
		}
		step()
		if n := testing.AllocsPerRun(5, step); n != 0 {
			t.Errorf("%s: a step allocates %v times", name, n)
		}
	}
}

func TestFrozenParamsAreSkipped(t *testing.T) {
	a := nn.NewParam("a", tensor.Full(1, 3))
	b := nn.NewParam("b", tensor.Full(1, 3))
	a.RequiresGrad = false
	o := NewSGD(ParamsOf([]*nn.Param{a, b}, 0.5, 0), SGDConfig{})
	a.Grad.Fill(1)
	b.Grad.Fill(1)
	o.Step()
	if a.Value.Data()[0] != 1 || b.Value.Data()[0] != 0.5 {
		t.Fatalf("frozen %v trainable %v", a.Value, b.Value)
	}
}
