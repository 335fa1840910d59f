// This file holds the focal losses: SigmoidFocal as
// torchvision.ops.sigmoid_focal_loss computes it, and SoftmaxFocal, the
// multi-class form with a per-class alpha.

package nn

import (
	"fmt"
	"math"

	"github.com/gocnn/gocnn/tensor"
)

// SigmoidFocal is torchvision.ops.sigmoid_focal_loss. For logit x and
// target t in [0, 1], with p = sigmoid(x):
//
//	ce  = BCEWithLogits(x, t)
//	p_t = p*t + (1-p)*(1-t)
//	l   = alpha_t * ce * (1-p_t)^gamma,  alpha_t = alpha*t + (1-alpha)*(1-t)
//
// A negative Alpha disables the alpha_t factor. Mean divides by the number
// of elements.
type SigmoidFocal struct {
	Alpha     float64 // torchvision's default 0.25
	Gamma     float64 // torchvision's default 2
	Reduction Reduction

	g   *tensor.Tensor // cached d l_i / d x_i per element: all backward needs
	out lossOut
}

// NewSigmoidFocal returns the loss with the given alpha, gamma and reduction
// (torchvision's defaults are 0.25, 2 and none).
func NewSigmoidFocal(alpha, gamma float64, r Reduction) *SigmoidFocal {
	return &SigmoidFocal{Alpha: alpha, Gamma: gamma, Reduction: r}
}

// Forward returns the loss of logits x against targets t (same shape).
func (l *SigmoidFocal) Forward(x, t *tensor.Tensor) *tensor.Tensor {
	if !x.SameShape(t) || x.Rank() > 4 {
		panic(fmt.Sprintf("nn: SigmoidFocal: input shape %v, target shape %v (want equal, rank <= 4)", x.Shape(), t.Shape()))
	}
	xs, ts := x.Data(), t.Data()
	l.g = ensure(l.g, dimsOf(x))
	g := l.g.Data()
	var per []float32
	if l.Reduction == ReduceNone {
		per = l.out.result(ReduceNone, dimsOf(x), 0).Data()
	}
	gm := l.Gamma
	var sum float64
	for i := range xs {
		xi, ti := float64(xs[i]), float64(ts[i])
		p := sigmoid(xi)
		ce := (1-ti)*xi + softplus(-xi)
		pt := p*ti + (1-p)*(1-ti)
		q := 1 - pt
		mod := math.Pow(q, gm)
		at := 1.0
		if l.Alpha >= 0 {
			at = l.Alpha*ti + (1-l.Alpha)*(1-ti)
		}
		li := at * ce * mod
		// d/dx: (p-t)*(1-p_t)^γ - ce*γ*(1-p_t)^(γ-1) * dp_t/dx, dp_t/dx = p(1-p)(2t-1).
		d := (p - ti) * mod
		if gm != 0 && q > 0 {
			d -= ce * gm * math.Pow(q, gm-1) * p * (1 - p) * (2*ti - 1)
		}
		g[i] = float32(at * d)
		if per != nil {
			per[i] = float32(li)
		}
		sum += li
	}
	switch l.Reduction {
	case ReduceMean:
		return l.out.result(ReduceMean, shape4{}, sum/float64(len(xs)))
	case ReduceSum:
		return l.out.result(ReduceSum, shape4{}, sum)
	}
	return l.out.none
}

// Backward returns the gradient with respect to the logits (dy nil means 1).
func (l *SigmoidFocal) Backward(dy *tensor.Tensor) *tensor.Tensor {
	return l.out.elementwiseBackward("SigmoidFocal", l.Reduction, dy, l.g)
}

// SoftmaxFocal is the multi-class focal loss (Lin et al. 2017) on logits z
// [N, C] with class indices y and a per-class alpha (1 when nil). With
// q = softmax(z)[i, y_i]:
//
//	l_i = -alpha[y_i] * (1-q)^gamma * log q
//
// Samples whose target is IgnoreIndex contribute nothing; mean divides by
// the number of samples not ignored. With gamma 0 and no alpha it equals
// CrossEntropy.
type SoftmaxFocal struct {
	Alpha       *tensor.Tensor // [C]; nil means 1
	Gamma       float64
	Reduction   Reduction
	IgnoreIndex int // default -100

	// Cached for backward: probabilities, targets, mean's denominator.
	prob   *tensor.Tensor
	target []int
	count  float64
	out    lossOut
}

// NewSoftmaxFocal returns the loss with per-class alpha (nil for none),
// gamma and reduction r, ignoring target -100.
func NewSoftmaxFocal(alpha *tensor.Tensor, gamma float64, r Reduction) *SoftmaxFocal {
	return &SoftmaxFocal{Alpha: alpha, Gamma: gamma, Reduction: r, IgnoreIndex: -100}
}

// Forward returns the loss of logits z [N, C] against class indices target.
// target is kept until Backward and must not change in between.
func (l *SoftmaxFocal) Forward(z *tensor.Tensor, target []int) *tensor.Tensor {
	n, c := checkTargets("SoftmaxFocal", z, target, l.IgnoreIndex, l.Alpha)
	l.prob = ensure(l.prob, dims2(n, c))
	l.target = target
	zs, ps := z.Data(), l.prob.Data()
	var per []float32
	if l.Reduction == ReduceNone {
		per = l.out.result(ReduceNone, shape4{[4]int{n}, 1}, 0).Data()
	}
	var sum, count float64
	for i := 0; i < n; i++ {
		zi := zs[i*c : (i+1)*c]
		mx, lse := logSoftmaxRow(zi, ps[i*c:(i+1)*c])
		y := target[i]
		li := 0.0
		if y != l.IgnoreIndex {
			lq := float64(zi[y]) - mx - lse
			q := math.Exp(lq)
			li = -l.alpha(y) * math.Pow(1-q, l.Gamma) * lq
			count++
		}
		if per != nil {
			per[i] = float32(li)
		}
		sum += li
	}
	l.count = count
	switch l.Reduction {
	case ReduceMean:
		return l.out.result(ReduceMean, shape4{}, sum/count)
	case ReduceSum:
		return l.out.result(ReduceSum, shape4{}, sum)
	}
	return l.out.none
}

func (l *SoftmaxFocal) alpha(y int) float64 {
	if l.Alpha == nil {
		return 1
	}
	return float64(l.Alpha.Data()[y])
}

// Backward returns the gradient with respect to the logits:
//
//	dz[i, j] = s_i * alpha[y] * ((1-q)^γ - γ (1-q)^(γ-1) q log q) * (p[i,j] - [j = y])
//
// dy nil means 1 (all ones for none).
func (l *SoftmaxFocal) Backward(dy *tensor.Tensor) *tensor.Tensor {
	out := l.out.scalar
	if l.Reduction == ReduceNone {
		out = l.out.none
	}
	d := checkUpstream("SoftmaxFocal", l.Reduction, dy, out)
	n, c := l.prob.Dim(0), l.prob.Dim(1)
	l.out.grad = ensure(l.out.grad, dims2(n, c))
	ps, dz := l.prob.Data(), l.out.grad.Data()
	for i := 0; i < n; i++ {
		gi, pi := dz[i*c:(i+1)*c], ps[i*c:(i+1)*c]
		y := l.target[i]
		if y == l.IgnoreIndex {
			clear(gi)
			continue
		}
		s := upstream(l.Reduction, d, i)
		if l.Reduction == ReduceMean {
			s /= l.count
		}
		q := float64(pi[y])
		f := math.Pow(1-q, l.Gamma)
		if l.Gamma != 0 && 1-q > 0 && q > 0 {
			f -= l.Gamma * math.Pow(1-q, l.Gamma-1) * q * math.Log(q)
		}
		f *= s * l.alpha(y)
		for j := 0; j < c; j++ {
			v := float64(pi[j])
			if j == y {
				v--
			}
			gi[j] = float32(f * v)
		}
	}
	return l.out.grad
}
