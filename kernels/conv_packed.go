// This file holds packed weights: a convolution's weights prepared once for
// a run of forward passes that do not change them (inference), as oneDNN
// and cuDNN users keep weights in the layout their primitive wants. For a
// Winograd plan that is the weight transform U = G g Gᵀ, which Forward
// otherwise recomputes on every call: on VGG16's deep layers it is a sixth
// to a third of the forward time (512->512 at 14x14: 5.8 -> 4.5 ms at batch
// 1, 36 -> 24 ms at batch 8, measured interleaved on 2 Zen 3 cores).

package kernels

import "fmt"

// PackedWeights holds a convolution's weights in the form a plan's forward
// pass reads (see Conv.PackWeights). It is tied to the weights' shape, not
// to one plan: plans of the same C, K, R and S (other batch or image sizes)
// can use it.
type PackedWeights struct {
	c, k, r, s int
	w          []float32 // the weights as given
	u          []float32 // Winograd: U in the plans' layout; nil otherwise
}

// Bytes returns the memory the packed form holds beyond w itself (the
// Winograd transform: 36 floats per filter and input channel, four times
// w's size).
func (pw *PackedWeights) Bytes() int { return 4 * len(pw.u) }

// PackWeights returns w [K,C,R,S] prepared for ForwardPacked: for a
// Winograd plan the weight transform, made now; for the other algorithms,
// which read the weights as they are, a reference to w. dst, when not nil,
// is reused (its transform buffer too). w must not change while the result
// is in use: pack again after changing it. It panics when w is too short.
func (c *Conv) PackWeights(w []float32, dst *PackedWeights) *PackedWeights {
	p := c.p
	checkLen("Conv.PackWeights", "w", w, p.K*p.C*p.R*p.S)
	if dst == nil {
		dst = &PackedWeights{}
	}
	dst.c, dst.k, dst.r, dst.s, dst.w = p.C, p.K, p.R, p.S, w
	if c.wino == nil {
		dst.u = dst.u[:0]
		return dst
	}
	dst.u = growFloats(dst.u, 36*c.wino.uStride())
	c.wino.packWeights(w, dst.u)
	return dst
}

// ForwardPacked is Forward with weights from PackWeights (of this plan or
// another of the same C, K, R and S): a Winograd plan given a transform
// skips its weight transform, any other case runs Forward on the packed
// weights. It gives the same results as Forward on those weights.
func (c *Conv) ForwardPacked(x []float32, pw *PackedWeights, bias, y []float32, relu bool) {
	p := c.p
	if pw == nil || pw.c != p.C || pw.k != p.K || pw.r != p.R || pw.s != p.S {
		panic(fmt.Sprintf("kernels: Conv.ForwardPacked: weights packed for another shape than %v", p))
	}
	if c.wino == nil || len(pw.u) == 0 {
		c.Forward(x, pw.w, bias, y, relu)
		return
	}
	c.checkIO("Conv.ForwardPacked", x, bias, y)
	if p.N == 0 {
		return
	}
	s := getConvScratch()
	c.bind(s)
	c.wino.forwardU(x, pw.w, pw.u, bias, y, relu)
	c.bind(nil)
	putConvScratch(s)
}
