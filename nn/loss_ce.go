// This file holds CrossEntropy, softmax cross-entropy on logits with class
// indices as targets, as torch.nn.CrossEntropyLoss computes it (class
// weights, label smoothing, ignore_index).

package nn

import (
	"fmt"
	"math"

	"github.com/gocnn/gocnn/tensor"
)

// CrossEntropy is torch.nn.CrossEntropyLoss for logits z of shape [N, C] and
// class indices y. With log-probabilities lp = log_softmax(z), class weights
// w (1 when nil) and smoothing ε, sample i's loss is
//
//	l_i = (1-ε) * (-w[y_i] * lp[i, y_i]) + ε/C * (-Σ_c w[c] * lp[i, c])
//
// Samples whose target is IgnoreIndex contribute nothing. Mean reduction
// divides the sum by Σ w[y_i] over the samples not ignored (PyTorch's
// weighted mean; NaN when every sample is ignored).
type CrossEntropy struct {
	Reduction      Reduction
	Weight         *tensor.Tensor // [C] class weights; nil means 1
	LabelSmoothing float64        // ε in [0, 1]
	IgnoreIndex    int            // target value to skip; PyTorch's default is -100

	// Cached for backward: the softmax probabilities, the targets and the
	// mean's denominator.
	prob   *tensor.Tensor
	target []int
	denom  float64
	out    lossOut
}

// NewCrossEntropy returns the loss with reduction r, no class weights, no
// smoothing and IgnoreIndex -100 (PyTorch's defaults).
func NewCrossEntropy(r Reduction) *CrossEntropy {
	return &CrossEntropy{Reduction: r, IgnoreIndex: -100}
}

// logSoftmaxRow writes softmax(z) into p and returns max(z) and
// log Σ exp(z - max), so that lp[c] = z[c] - max - lse.
func logSoftmaxRow(z, p []float32) (mx, lse float64) {
	mx = math.Inf(-1)
	for _, v := range z {
		mx = math.Max(mx, float64(v))
	}
	var s float64
	for _, v := range z {
		s += math.Exp(float64(v) - mx)
	}
	lse = math.Log(s)
	for c, v := range z {
		p[c] = float32(math.Exp(float64(v) - mx - lse))
	}
	return mx, lse
}

// checkTargets panics unless z is [N, C] and target has N entries in [0, C)
// or equal to ignore.
func checkTargets(op string, z *tensor.Tensor, target []int, ignore int, weight *tensor.Tensor) (n, c int) {
	if z.Rank() != 2 || len(target) != z.Dim(0) {
		panic(fmt.Sprintf("nn: %s: logits shape %v with %d targets (want [N C] and N targets)", op, z.Shape(), len(target)))
	}
	n, c = z.Dim(0), z.Dim(1)
	if weight != nil && weight.Len() != c {
		panic(fmt.Sprintf("nn: %s: class weight length %d for %d classes", op, weight.Len(), c))
	}
	for i, y := range target {
		if y != ignore && (y < 0 || y >= c) {
			panic(fmt.Sprintf("nn: %s: target[%d] = %d out of range [0, %d)", op, i, y, c))
		}
	}
	return n, c
}

// Forward returns the loss of logits z [N, C] against class indices target
// (length N): a scalar for mean/sum, or [N] for none. target is kept until
// Backward and must not change in between.
func (l *CrossEntropy) Forward(z *tensor.Tensor, target []int) *tensor.Tensor {
	n, c := checkTargets("CrossEntropy", z, target, l.IgnoreIndex, l.Weight)
	var w []float32
	if l.Weight != nil {
		w = l.Weight.Data()
	}
	wt := func(k int) float64 {
		if w == nil {
			return 1
		}
		return float64(w[k])
	}
	eps := l.LabelSmoothing
	l.prob = ensure(l.prob, dims2(n, c))
	l.target = target
	zs, ps := z.Data(), l.prob.Data()
	var per []float32
	if l.Reduction == ReduceNone {
		per = l.out.result(ReduceNone, shape4{[4]int{n}, 1}, 0).Data()
	}
	var sum, denom float64
	for i := 0; i < n; i++ {
		zi, pi := zs[i*c:(i+1)*c], ps[i*c:(i+1)*c]
		mx, lse := logSoftmaxRow(zi, pi)
		y := target[i]
		li := 0.0
		if y != l.IgnoreIndex {
			nll := -wt(y) * (float64(zi[y]) - mx - lse)
			li = (1 - eps) * nll
			if eps != 0 {
				var sm float64
				for k := 0; k < c; k++ {
					sm -= wt(k) * (float64(zi[k]) - mx - lse)
				}
				li += eps / float64(c) * sm
			}
			denom += wt(y)
		}
		if per != nil {
			per[i] = float32(li)
		}
		sum += li
	}
	l.denom = denom
	switch l.Reduction {
	case ReduceMean:
		return l.out.result(ReduceMean, shape4{}, sum/denom)
	case ReduceSum:
		return l.out.result(ReduceSum, shape4{}, sum)
	}
	return l.out.none
}

// Backward returns the gradient with respect to the logits:
//
//	dz[i, j] = s_i * ((1-ε) w[y_i] (p[i,j] - [j = y_i]) + ε/C (p[i,j] Σw - w[j]))
//
// with s_i the upstream gradient (divided by the weight sum for mean). dy
// nil means 1 (all ones for none).
func (l *CrossEntropy) Backward(dy *tensor.Tensor) *tensor.Tensor {
	out := l.out.scalar
	if l.Reduction == ReduceNone {
		out = l.out.none
	}
	d := checkUpstream("CrossEntropy", l.Reduction, dy, out)
	n, c := l.prob.Dim(0), l.prob.Dim(1)
	l.out.grad = ensure(l.out.grad, dims2(n, c))
	ps, dz := l.prob.Data(), l.out.grad.Data()
	var w []float32
	wsum := float64(c)
	if l.Weight != nil {
		w = l.Weight.Data()
		wsum = 0
		for _, v := range w {
			wsum += float64(v)
		}
	}
	eps := l.LabelSmoothing
	for i := 0; i < n; i++ {
		gi, pi := dz[i*c:(i+1)*c], ps[i*c:(i+1)*c]
		y := l.target[i]
		if y == l.IgnoreIndex {
			clear(gi)
			continue
		}
		s := upstream(l.Reduction, d, i)
		if l.Reduction == ReduceMean {
			s /= l.denom
		}
		wy := 1.0
		if w != nil {
			wy = float64(w[y])
		}
		for j := 0; j < c; j++ {
			p := float64(pi[j])
			hard := p
			if j == y {
				hard = p - 1
			}
			v := (1 - eps) * wy * hard
			if eps != 0 {
				wj := 1.0
				if w != nil {
					wj = float64(w[j])
				}
				v += eps / float64(c) * (p*wsum - wj)
			}
			gi[j] = float32(s * v)
		}
	}
	return l.out.grad
}
