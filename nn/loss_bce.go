// This file holds BCEWithLogits, binary cross-entropy on logits as
// torch.nn.BCEWithLogitsLoss computes it, stable for large logits.

package nn

import (
	"fmt"

	"github.com/gocnn/gocnn/tensor"
)

// BCEWithLogits is torch.nn.BCEWithLogitsLoss. For logit x, target t in
// [0, 1], positive weight pw (of the element's class, the last dimension)
// and weight w:
//
//	l = w * ((1-t)*x + (1+(pw-1)*t) * softplus(-x))
//
// with softplus(-x) = log1p(exp(-|x|)) + max(-x, 0). Mean reduction divides
// the sum by the number of elements.
type BCEWithLogits struct {
	Reduction Reduction
	// PosWeight holds one weight per class (the input's last dimension) for
	// positive targets; nil means 1.
	PosWeight *tensor.Tensor
	// Weight rescales each element: either the input's shape, or one value
	// per sample (length N, PyTorch's weight of shape [N, 1]); nil means 1.
	Weight *tensor.Tensor

	// g caches d l_i / d x_i per element (before reduction): all backward needs.
	g   *tensor.Tensor
	out lossOut
}

// NewBCEWithLogits returns the loss with reduction r and no weights.
func NewBCEWithLogits(r Reduction) *BCEWithLogits { return &BCEWithLogits{Reduction: r} }

// Forward returns the loss of logits x against targets t (same shape): a
// scalar for mean/sum, or x's shape for none.
func (l *BCEWithLogits) Forward(x, t *tensor.Tensor) *tensor.Tensor {
	if !x.SameShape(t) || x.Rank() > 4 {
		panic(fmt.Sprintf("nn: BCEWithLogits: input shape %v, target shape %v (want equal, rank <= 4)", x.Shape(), t.Shape()))
	}
	xs, ts := x.Data(), t.Data()
	n := len(xs)
	var pw, w []float32
	c, perSample := 1, 0
	if x.Rank() > 0 {
		c = x.Dim(-1)
	}
	if l.PosWeight != nil {
		if l.PosWeight.Len() != c {
			panic(fmt.Sprintf("nn: BCEWithLogits: pos_weight length %d, input last dimension %d", l.PosWeight.Len(), c))
		}
		pw = l.PosWeight.Data()
	}
	if l.Weight != nil {
		w = l.Weight.Data()
		switch {
		case len(w) == n:
		case x.Rank() > 0 && len(w) == x.Dim(0):
			perSample = n / max(x.Dim(0), 1)
		default:
			panic(fmt.Sprintf("nn: BCEWithLogits: weight shape %v for input %v (want the input's shape or [N])", l.Weight.Shape(), x.Shape()))
		}
	}
	l.g = ensure(l.g, dimsOf(x))
	g := l.g.Data()
	var per []float32
	if l.Reduction == ReduceNone {
		per = l.out.result(ReduceNone, dimsOf(x), 0).Data()
	}
	var sum float64
	for i := 0; i < n; i++ {
		xi, ti := float64(xs[i]), float64(ts[i])
		lw := 1.0
		if pw != nil {
			lw = 1 + (float64(pw[i%c])-1)*ti
		}
		wi := 1.0
		if w != nil {
			if perSample > 0 {
				wi = float64(w[i/perSample])
			} else {
				wi = float64(w[i])
			}
		}
		li := wi * ((1-ti)*xi + lw*softplus(-xi))
		g[i] = float32(wi * ((1 - ti) - lw*sigmoid(-xi)))
		if per != nil {
			per[i] = float32(li)
		}
		sum += li
	}
	switch l.Reduction {
	case ReduceMean:
		return l.out.result(ReduceMean, shape4{}, sum/float64(n))
	case ReduceSum:
		return l.out.result(ReduceSum, shape4{}, sum)
	}
	return l.out.none
}

// Backward returns the gradient with respect to the logits. dy is the
// upstream gradient of the output (nil means 1, or all ones for none).
func (l *BCEWithLogits) Backward(dy *tensor.Tensor) *tensor.Tensor {
	return l.out.elementwiseBackward("BCEWithLogits", l.Reduction, dy, l.g)
}
