// This file holds ReLU, torch.nn.ReLU, on kernels.ReluForward/Backward.

package nn

import (
	"github.com/gocnn/gocnn/kernels"
	"github.com/gocnn/gocnn/tensor"
)

// ReLU is torch.nn.ReLU: y = max(x, 0). It caches its output y (backward
// needs only the sign of y) and writes into its own buffer, never in place,
// so the previous layer's output stays valid for that layer's backward.
type ReLU struct {
	y, dx    *tensor.Tensor
	noInGrad bool
}

// NewReLU returns a ReLU layer.
func NewReLU() *ReLU { return &ReLU{} }

// Forward returns max(x, 0).
func (r *ReLU) Forward(x *tensor.Tensor) *tensor.Tensor {
	r.y = ensure(r.y, dimsOf(x))
	kernels.ReluForward(x.Data(), r.y.Data())
	return r.y
}

// Backward returns dy where y > 0, else 0 (nil when the input gradient is
// switched off).
func (r *ReLU) Backward(dy *tensor.Tensor) *tensor.Tensor {
	mustSameShape("ReLU", dy, r.y)
	if r.noInGrad {
		return nil
	}
	r.dx = ensure(r.dx, dimsOf(dy))
	kernels.ReluBackward(r.y.Data(), dy.Data(), r.dx.Data())
	return r.dx
}

// SetInputGrad sets whether Backward computes dx (default true).
func (r *ReLU) SetInputGrad(need bool) { r.noInGrad = !need }

// Params returns nil.
func (r *ReLU) Params() []*Param { return nil }

// Buffers returns nil.
func (r *ReLU) Buffers() []*Buffer { return nil }

// SetTrain does nothing.
func (r *ReLU) SetTrain(bool) {}
