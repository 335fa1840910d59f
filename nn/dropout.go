// This file holds Dropout, torch.nn.Dropout's inverted dropout, on the
// counter-based kernels.DropoutForward: the mask of a step depends only on
// the layer's seed and its call count, so runs are reproducible.

package nn

import (
	"fmt"

	"github.com/gocnn/gocnn/kernels"
	"github.com/gocnn/gocnn/tensor"
)

// Dropout zeroes each element with probability P in training and scales the
// rest by 1/(1-P); in evaluation it is the identity (and returns its input).
// The mask of the k-th training Forward is a function of Seed and k only. It
// caches the mask (all backward needs); Backward masks dy in place when dy is
// in a Sequential's shared buffers.
type Dropout struct {
	P    float64
	Seed uint64
	// Calls counts training Forward calls; a checkpoint that saves it (with
	// Seed) resumes the same masks.
	Calls uint64

	train    bool
	applied  bool // the last Forward dropped (training and P > 0)
	mask     []uint8
	y        *tensor.Tensor
	noInGrad bool
	shape    shape4
	linkage
}

// NewDropout returns a dropout layer with probability p in [0, 1) and seed,
// in training mode.
func NewDropout(p float64, seed uint64) *Dropout {
	if !(p >= 0 && p < 1) {
		panic(fmt.Sprintf("nn: NewDropout: p = %v, want 0 <= p < 1", p))
	}
	return &Dropout{P: p, Seed: seed, train: true}
}

// Forward applies dropout in training mode and returns x itself otherwise.
func (d *Dropout) Forward(x *tensor.Tensor) *tensor.Tensor {
	d.shape = dimsOf(x)
	d.applied = d.train && d.P > 0
	if !d.applied {
		return x
	}
	d.y = d.output(d.shape, x)
	if len(d.mask) != x.Len() {
		d.mask = make([]uint8, x.Len())
	}
	seed := d.Seed + d.Calls*0x9e3779b97f4a7c15
	d.Calls++
	kernels.DropoutForward(x.Data(), d.y.Data(), d.mask, float32(d.P), seed)
	return d.y
}

// Backward returns dy masked and scaled as in Forward (dy itself after an
// identity Forward; nil when the input gradient is switched off).
func (d *Dropout) Backward(dy *tensor.Tensor) *tensor.Tensor {
	if !d.shape.is(dy) {
		panic(fmt.Sprintf("nn: Dropout: Backward: dy shape %v, forward input shape %v", dy.Shape(), d.shape.d[:d.shape.rank]))
	}
	if d.noInGrad {
		return nil
	}
	if !d.applied {
		return dy
	}
	dx := dy
	if !d.scratch(dy) {
		dx = d.inputGrad(d.shape, dy)
	}
	kernels.DropoutBackward(dy.Data(), d.mask, float32(d.P), dx.Data())
	return dx
}

// SetInputGrad sets whether Backward computes dx (default true).
func (d *Dropout) SetInputGrad(need bool) { d.noInGrad = !need }

// Params returns nil.
func (d *Dropout) Params() []*Param { return nil }

// Buffers returns nil.
func (d *Dropout) Buffers() []*Buffer { return nil }

// SetTrain switches dropout on (true) or off.
func (d *Dropout) SetTrain(train bool) { d.train = train }
