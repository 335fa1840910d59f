// This file holds Flatten, which turns [N, ...] into [N, rest] as
// torch.flatten(x, 1) does in torchvision's VGG.forward.

package nn

import (
	"fmt"

	"github.com/gocnn/gocnn/tensor"
)

// Flatten reshapes [N, d1, d2, …] to [N, d1*d2*…] without copying; Backward
// reshapes the gradient back. It caches the input shape (backward needs
// only that) and the two views, rebuilt only when the tensors change.
type Flatten struct {
	in       shape4
	fwd, bwd viewCache
}

// NewFlatten returns a Flatten layer.
func NewFlatten() *Flatten { return &Flatten{} }

// Forward returns a [N, rest] view of x.
func (f *Flatten) Forward(x *tensor.Tensor) *tensor.Tensor {
	if x.Rank() < 1 || x.Rank() > 4 {
		panic(fmt.Sprintf("nn: Flatten: input shape %v, want rank 1..4", x.Shape()))
	}
	f.in = dimsOf(x)
	n := x.Dim(0)
	rest := 1
	if n > 0 {
		rest = x.Len() / n
	} else {
		rest = 1
		for _, d := range x.Shape()[1:] {
			rest *= d
		}
	}
	return f.fwd.get(x, dims2(n, rest))
}

// Backward returns dy viewed with the input's shape.
func (f *Flatten) Backward(dy *tensor.Tensor) *tensor.Tensor {
	if f.in.rank == 0 {
		panic("nn: Flatten: Backward before Forward")
	}
	if dy.Len() != x4len(f.in) {
		panic(fmt.Sprintf("nn: Flatten: Backward: dy shape %v does not match input %v", dy.Shape(), f.in.d[:f.in.rank]))
	}
	return f.bwd.get(dy, f.in)
}

func x4len(s shape4) int {
	n := 1
	for _, d := range s.d[:s.rank] {
		n *= d
	}
	return n
}

// SetInputGrad is a no-op: the input gradient is a free view.
func (f *Flatten) SetInputGrad(bool) {}

// Params returns nil: Flatten has no parameters.
func (f *Flatten) Params() []*Param { return nil }

// Buffers returns nil.
func (f *Flatten) Buffers() []*Buffer { return nil }

// SetTrain does nothing.
func (f *Flatten) SetTrain(bool) {}
