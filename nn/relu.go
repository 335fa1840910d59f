// This file holds ReLU, torch.nn.ReLU, on kernels.ReluForward/Backward.

package nn

import (
	"github.com/gocnn/gocnn/kernels"
	"github.com/gocnn/gocnn/tensor"
)

// ReLU is torch.nn.ReLU: y = max(x, 0). It caches its output y (backward
// needs only the sign of y). Called directly it writes y into its own
// buffer; in a Sequential after a layer that owns its output and does not
// read it in backward, y is that output rectified in place (or rectified by
// the Conv2d's own output pass, or, before a MaxPool2d, the pooled output
// rectified in place), and Backward masks dy in place when dy is in the
// Sequential's shared buffers.
type ReLU struct {
	y        *tensor.Tensor
	noInGrad bool
	linkage
}

// NewReLU returns a ReLU layer.
func NewReLU() *ReLU { return &ReLU{} }

// Forward returns max(x, 0).
func (r *ReLU) Forward(x *tensor.Tensor) *tensor.Tensor {
	r.y = r.output(dimsOf(x), x)
	kernels.ReluForward(x.Data(), r.y.Data())
	return r.y
}

// forwardInPlace sets x = max(x, 0) and returns x.
func (r *ReLU) forwardInPlace(x *tensor.Tensor) *tensor.Tensor {
	kernels.ReluForward(x.Data(), x.Data())
	r.y = x
	return x
}

// forwardApplied returns x, which the previous layer already rectified.
func (r *ReLU) forwardApplied(x *tensor.Tensor) *tensor.Tensor {
	r.y = x
	return x
}

// Backward returns dy where y > 0, else 0 (nil when the input gradient is
// switched off): in place when dy is in a Sequential's shared buffers.
func (r *ReLU) Backward(dy *tensor.Tensor) *tensor.Tensor {
	mustSameShape("ReLU", dy, r.y)
	if r.noInGrad {
		return nil
	}
	dx := dy
	if !r.scratch(dy) {
		dx = r.inputGrad(dimsOf(dy), dy)
	}
	kernels.ReluBackward(r.y.Data(), dy.Data(), dx.Data())
	return dx
}

// SetInputGrad sets whether Backward computes dx (default true).
func (r *ReLU) SetInputGrad(need bool) { r.noInGrad = !need }

// Params returns nil.
func (r *ReLU) Params() []*Param { return nil }

// Buffers returns nil.
func (r *ReLU) Buffers() []*Buffer { return nil }

// SetTrain does nothing.
func (r *ReLU) SetTrain(bool) {}
