// This file holds what every loss shares: the reduction modes, the buffers
// a loss reuses between steps, and the guard that turns a non-finite loss
// into an error.

package nn

import (
	"fmt"
	"math"

	"github.com/gocnn/gocnn/tensor"
)

// Reduction selects how a loss combines per-element losses, as PyTorch's
// reduction argument: ReduceMean (the zero value), ReduceSum or ReduceNone.
type Reduction int

const (
	ReduceMean Reduction = iota // average (weighted, for CrossEntropy with class weights)
	ReduceSum                   // sum
	ReduceNone                  // one loss per element (per sample for CrossEntropy)
)

// String returns PyTorch's name: "mean", "sum" or "none".
func (r Reduction) String() string {
	switch r {
	case ReduceMean:
		return "mean"
	case ReduceSum:
		return "sum"
	case ReduceNone:
		return "none"
	}
	return fmt.Sprintf("Reduction(%d)", int(r))
}

// ParseReduction parses "mean", "sum" or "none".
func ParseReduction(s string) (Reduction, error) {
	switch s {
	case "mean":
		return ReduceMean, nil
	case "sum":
		return ReduceSum, nil
	case "none":
		return ReduceNone, nil
	}
	return ReduceMean, fmt.Errorf("nn: unknown reduction %q (want mean, sum or none)", s)
}

// NonFiniteLossError reports a NaN or infinite loss at a training step.
type NonFiniteLossError struct {
	Step  int
	Value float64
}

func (e *NonFiniteLossError) Error() string {
	return fmt.Sprintf("nn: non-finite loss %v at step %d (diverged: lower the learning rate or check the data)", e.Value, e.Step)
}

// CheckLoss returns a *NonFiniteLossError naming step when loss is NaN or
// infinite, and nil otherwise. It allocates only when it fails.
func CheckLoss(step int, loss float64) error {
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return &NonFiniteLossError{Step: step, Value: loss}
	}
	return nil
}

// lossOut holds a loss's reusable output: a scalar for mean/sum or a tensor
// of per-element losses for none.
type lossOut struct {
	scalar *tensor.Tensor
	none   *tensor.Tensor
	grad   *tensor.Tensor
}

// result returns the output tensor for reduction r: the scalar set to v, or
// the per-element tensor (shape s) for ReduceNone, which the caller fills.
func (o *lossOut) result(r Reduction, s shape4, v float64) *tensor.Tensor {
	if r == ReduceNone {
		o.none = ensure(o.none, s)
		return o.none
	}
	if o.scalar == nil {
		o.scalar = tensor.Zeros()
	}
	o.scalar.Data()[0] = float32(v)
	return o.scalar
}

// upstream returns, for element i of a ReduceNone loss, the upstream gradient
// dy[i] (1 when dy is nil); for mean/sum it returns the scalar dy (1 when
// nil) whatever i is.
func upstream(r Reduction, dy []float32, i int) float64 {
	switch {
	case dy == nil:
		return 1
	case r == ReduceNone:
		return float64(dy[i])
	}
	return float64(dy[0])
}

// checkUpstream panics unless dy is nil, a one-element tensor (mean/sum) or
// the per-element loss shape (none), and returns its data.
func checkUpstream(op string, r Reduction, dy *tensor.Tensor, out *tensor.Tensor) []float32 {
	if out == nil {
		panic(fmt.Sprintf("nn: %s: Backward before Forward", op))
	}
	if dy == nil {
		return nil
	}
	if (r == ReduceNone && !dy.SameShape(out)) || (r != ReduceNone && dy.Len() != 1) {
		panic(fmt.Sprintf("nn: %s: Backward: dy shape %v for reduction %v with output shape %v", op, dy.Shape(), r, out.Shape()))
	}
	return dy.Data()
}

// softplus returns log(1+exp(x)) without overflow.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// sigmoid returns 1/(1+exp(-x)) without overflow.
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// elementwiseBackward is the backward pass of a loss whose forward cached
// g = d l_i / d x_i per element: dx[i] = g[i] · upstream_i, divided by the
// element count for a mean. op names the loss in panics.
func (o *lossOut) elementwiseBackward(op string, r Reduction, dy, g *tensor.Tensor) *tensor.Tensor {
	out := o.scalar
	if r == ReduceNone {
		out = o.none
	}
	d := checkUpstream(op, r, dy, out)
	o.grad = ensure(o.grad, dimsOf(g))
	gs, dx := g.Data(), o.grad.Data()
	scale := 1.0
	if r == ReduceMean {
		scale = 1 / float64(len(gs))
	}
	for i := range gs {
		dx[i] = float32(float64(gs[i]) * scale * upstream(r, d, i))
	}
	return o.grad
}
