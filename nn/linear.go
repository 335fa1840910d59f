// This file holds Linear, the fully connected layer y = x Wᵀ + b of
// torch.nn.Linear, on top of kernels.Sgemm.

package nn

import (
	"fmt"

	"github.com/gocnn/gocnn/kernels"
	"github.com/gocnn/gocnn/tensor"
)

// Linear is torch.nn.Linear: for x [N, C], weight [K, C] and bias [K],
// y = x·weightᵀ + bias, of shape [N, K]. It caches a reference to its input
// x (backward needs only x, for dw); x must not change until Backward.
// Backward does not read y, so a Sequential lets the next ReLU rectify y in
// place.
type Linear struct {
	In, Out int
	Weight  *Param // "weight", [K, C]
	Bias    *Param // "bias", [K]; nil without bias

	params   []*Param
	x        *tensor.Tensor // cached input
	y        *tensor.Tensor
	noInGrad bool
	linkage
}

// NewLinear returns a Linear layer with in inputs and out outputs and
// PyTorch's default initialisation (weight and bias uniform in
// ±1/sqrt(in)), drawn from g. A nil g leaves weight and bias zero, for a
// layer whose parameters are about to be loaded.
func NewLinear(in, out int, bias bool, g *tensor.RNG) *Linear {
	if in <= 0 || out <= 0 {
		panic(fmt.Sprintf("nn: NewLinear: in %d, out %d (want > 0)", in, out))
	}
	l := &Linear{In: in, Out: out, Weight: NewParam("weight", tensor.Zeros(out, in))}
	l.params = []*Param{l.Weight}
	if bias {
		l.Bias = NewParam("bias", tensor.Zeros(out))
		l.params = append(l.params, l.Bias)
	}
	if g != nil {
		l.ResetParameters(g)
	}
	return l
}

// ResetParameters applies PyTorch's default initialisation: kaiming_uniform
// with a=√5 for the weight (bound 1/√in) and U(±1/√in) for the bias.
func (l *Linear) ResetParameters(g *tensor.RNG) {
	KaimingUniformDefault(l.Weight.Value, g)
	if l.Bias != nil {
		BiasUniformDefault(l.Bias.Value, l.In, g)
	}
}

// Forward computes y = x·weightᵀ + bias for x of shape [N, In].
func (l *Linear) Forward(x *tensor.Tensor) *tensor.Tensor {
	if x.Rank() != 2 || x.Dim(1) != l.In {
		panic(fmt.Sprintf("nn: Linear(%d, %d): input shape %v, want [N %d]", l.In, l.Out, x.Shape(), l.In))
	}
	n := x.Dim(0)
	l.x = x
	l.y = l.output(dims2(n, l.Out), x)
	y := l.y.Data()
	kernels.Sgemm(false, true, n, l.Out, l.In, 1, x.Data(), l.In, l.Weight.Value.Data(), l.In, 0, y, l.Out)
	if l.Bias != nil {
		b := l.Bias.Value.Data()
		for i := 0; i < n; i++ {
			row := y[i*l.Out : (i+1)*l.Out]
			for k := range row {
				row[k] += b[k]
			}
		}
	}
	return l.y
}

// Backward accumulates dw += dyᵀ·x and db += Σ_N dy (for parameters with
// RequiresGrad) and returns dx = dy·weight (nil when the input gradient is
// switched off).
func (l *Linear) Backward(dy *tensor.Tensor) *tensor.Tensor {
	mustSameShape("Linear", dy, l.y)
	n := dy.Dim(0)
	d := dy.Data()
	if l.Weight.RequiresGrad {
		kernels.Sgemm(true, false, l.Out, l.In, n, 1, d, l.Out, l.x.Data(), l.In, 1, l.Weight.Grad.Data(), l.In)
	}
	if l.Bias != nil && l.Bias.RequiresGrad {
		db := l.Bias.Grad.Data()
		for i := 0; i < n; i++ {
			row := d[i*l.Out : (i+1)*l.Out]
			for k, v := range row {
				db[k] += v
			}
		}
	}
	if l.noInGrad {
		return nil
	}
	dx := l.inputGrad(dims2(n, l.In), dy)
	kernels.Sgemm(false, false, n, l.In, l.Out, 1, d, l.Out, l.Weight.Value.Data(), l.In, 0, dx.Data(), l.In)
	return dx
}

// SetInputGrad sets whether Backward computes dx (default true).
func (l *Linear) SetInputGrad(need bool) { l.noInGrad = !need }

// Params returns weight and bias (if any).
func (l *Linear) Params() []*Param { return l.params }

// Buffers returns nil.
func (l *Linear) Buffers() []*Buffer { return nil }

// SetTrain does nothing: Linear behaves the same in both modes.
func (l *Linear) SetTrain(bool) {}
