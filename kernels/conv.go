// This file is the entry point of the 2-D convolution: the shape description,
// the algorithm choice and the per-shape plan that owns every scratch buffer.
// The algorithms live in im2col.go (general path), winograd.go (3x3 stride 1)
// and the direct ones in conv_blocked.go (NCHW8c), conv_direct_fast.go
// (first layers) and conv_direct.go (plain loops); im2col and Winograd run
// on the packed-panel product of conv_gemm.go.

package kernels

import (
	"fmt"
	"strings"
)

// ConvParams describes a 2-D convolution (cross-correlation, as in PyTorch) on
// NCHW float32 data: N batch, C in-channels, H×W input, K out-channels, R×S
// kernel, strides, zero padding and dilation. Strides and dilations of 0 mean 1.
type ConvParams struct {
	N, C, H, W, K, R, S int
	StrideH, StrideW    int
	PadH, PadW          int
	DilH, DilW          int
}

// norm returns p with zero strides and dilations replaced by 1.
func (p ConvParams) norm() ConvParams {
	for _, v := range []*int{&p.StrideH, &p.StrideW, &p.DilH, &p.DilW} {
		if *v == 0 {
			*v = 1
		}
	}
	return p
}

// OutH returns the output height (H + 2*PadH - DilH*(R-1) - 1)/StrideH + 1.
func (p ConvParams) OutH() int {
	p = p.norm()
	return (p.H+2*p.PadH-p.DilH*(p.R-1)-1)/p.StrideH + 1
}

// OutW returns the output width (W + 2*PadW - DilW*(S-1) - 1)/StrideW + 1.
func (p ConvParams) OutW() int {
	p = p.norm()
	return (p.W+2*p.PadW-p.DilW*(p.S-1)-1)/p.StrideW + 1
}

// FLOPs returns the direct-convolution operation count 2*N*C*K*R*S*OH*OW,
// the numerator of every effective GFLOP/s figure whatever the algorithm.
func (p ConvParams) FLOPs() float64 {
	return 2 * float64(p.N) * float64(p.C) * float64(p.K) * float64(p.R*p.S) * float64(p.OutH()*p.OutW())
}

// String formats p as N,C,H,W,K,R,S,stride,pad(,dilation), the form of
// `gocnn bench conv -shape`.
func (p ConvParams) String() string {
	p = p.norm()
	s := fmt.Sprintf("N=%d,C=%d,H=%d,W=%d,K=%d,R=%d,S=%d,stride=%dx%d,pad=%dx%d",
		p.N, p.C, p.H, p.W, p.K, p.R, p.S, p.StrideH, p.StrideW, p.PadH, p.PadW)
	if p.DilH != 1 || p.DilW != 1 {
		s += fmt.Sprintf(",dil=%dx%d", p.DilH, p.DilW)
	}
	return s
}

// check panics, naming the values, unless p describes a non-empty output.
func (p ConvParams) check() {
	bad := p.N < 0 || p.C < 1 || p.H < 1 || p.W < 1 || p.K < 1 || p.R < 1 || p.S < 1 ||
		p.StrideH < 1 || p.StrideW < 1 || p.PadH < 0 || p.PadW < 0 || p.DilH < 1 || p.DilW < 1
	if bad || p.OutH() < 1 || p.OutW() < 1 {
		panic(fmt.Sprintf("kernels: NewConv: invalid convolution %v (output %dx%d)", p, p.OutH(), p.OutW()))
	}
}

// Algo selects a convolution algorithm.
type Algo int

const (
	// AlgoAuto picks per shape; see NewConv.
	AlgoAuto Algo = iota
	// AlgoDirect computes outputs straight from the image, without im2col
	// or transforms: with at least 8 input channels, any stride, padding
	// and dilation, on the blocked layout NCHW8c (conv_blocked.go: the
	// image reordered into a padded blocked copy, a 16-channel × 6-pixel
	// assembly tile on AVX2); with fewer, for stride 1 and dilation 1 on
	// AVX2, an NCHW kernel over a zero-padded copy (conv_direct_fast.go, for
	// first layers); backward data as the flipped forward (stride 1) and the
	// weight gradient on im2col. Other shapes and CPUs run the definition as
	// plain nested loops.
	AlgoDirect
	// AlgoIm2col packs image patches straight into GEMM panels (any shape).
	AlgoIm2col
	// AlgoWinograd runs Winograd F(4x4,3x3) (3x3 kernels, stride 1,
	// dilation 1; other shapes fall back to im2col).
	AlgoWinograd
)

// String returns the name ParseAlgo accepts.
func (a Algo) String() string {
	switch a {
	case AlgoAuto:
		return "auto"
	case AlgoDirect:
		return "direct"
	case AlgoIm2col:
		return "im2col"
	case AlgoWinograd:
		return "winograd"
	}
	return fmt.Sprintf("Algo(%d)", int(a))
}

// ParseAlgo parses "auto", "direct", "im2col" or "winograd".
func ParseAlgo(s string) (Algo, error) {
	for a := AlgoAuto; a <= AlgoWinograd; a++ {
		if strings.EqualFold(strings.TrimSpace(s), a.String()) {
			return a, nil
		}
	}
	return AlgoAuto, fmt.Errorf("kernels: unknown convolution algorithm %q (want auto, direct, im2col or winograd)", s)
}

// winogradApplies reports whether Winograd F(4x4,3x3) computes p.
func winogradApplies(p ConvParams) bool {
	return p.R == 3 && p.S == 3 && p.StrideH == 1 && p.StrideW == 1 && p.DilH == 1 && p.DilW == 1
}

// Conv is a convolution plan for one shape. Its working memory (packed
// weights, packed image panels, Winograd transforms) comes for each call
// from a process-wide free list of scratch spaces that only grow
// (conv_scratch.go), so that the layers of a network share one, and after
// the first call of each pass at the largest shape nothing is allocated. A
// Conv is not safe for concurrent use (different Convs are); its calls use
// up to Threads() workers and give the same bits for the same worker count.
type Conv struct {
	p      ConvParams
	algo   Algo
	oh, ow int

	im      *im2colPlan   // forward (im2col), backward weights (all but plain direct)
	wino    *winogradPlan // forward (winograd)
	direct  *directPlan   // forward (direct, stride 1, C < 8, when the CPU has AVX2)
	blocked *blockedPlan  // forward (direct, C >= 8: the NCHW8c kernel)

	// Backward data of a stride-1 convolution is the forward convolution of
	// dy with the flipped, transposed kernel and padding Dil*(R-1)-Pad; flip
	// is that plan (Winograd plans only; nil when the col2im path is used),
	// wflip its weights (in the call's scratch).
	flip    *Conv
	wflip   []float32
	noFlip  bool // the plan is itself a flip plan: never build another
	flipFn  func(lo, hi int)
	flipW   []float32
	biasSum func(lo, hi int)
	dy, db  []float32
}

// NewConv returns a plan for p using algo. It panics on invalid parameters.
// An algorithm that does not apply to p (Winograd on a non-3x3 or strided
// shape) falls back to im2col; Algo reports the choice.
//
// AlgoAuto times the candidates that apply (im2col; for 3x3 stride-1
// shapes, Winograd, whose error bound is documented in winograd.go; the
// direct kernels: the blocked one for 8 or more input channels, the NCHW
// one for stride-1 shapes on AVX2) on a
// forward pass of synthetic data (as many images of the batch as make about
// a GFLOP, so that small images are timed as they run batched; best of
// three after a warm-up, in process CPU time so that other processes' load
// matters less) the first time it meets a shape at a given worker count and
// ISA, and caches the winner for the life of the process, like cuDNN's
// benchmark mode; calls under 20 MFLOP skip the timing and use im2col, and
// GOCNN_CONV_AUTO=heuristic replaces the timing by a fixed rule (see
// autoAlgo). The plain-loop direct algorithm is never auto-selected. Timing makes the
// choice, and so the rounding of the results, depend on the machine's load.
func NewConv(p ConvParams, algo Algo) *Conv {
	p = p.norm()
	p.check()
	if algo < AlgoAuto || algo > AlgoWinograd {
		panic(fmt.Sprintf("kernels: NewConv: unknown algorithm %d", int(algo)))
	}
	return newConv(p, algo, false)
}

func newConv(p ConvParams, algo Algo, noFlip bool) *Conv {
	if algo == AlgoAuto {
		algo = autoAlgo(p)
	}
	if algo == AlgoWinograd && !winogradApplies(p) {
		algo = AlgoIm2col
	}
	c := &Conv{p: p, algo: algo, oh: p.OutH(), ow: p.OutW(), noFlip: noFlip}
	c.im = newIm2colPlan(p)
	if algo == AlgoWinograd {
		c.wino = newWinogradPlan(p)
	}
	if algo == AlgoDirect && blockedApplies(p) {
		c.blocked = newBlockedPlan(p)
	} else if algo == AlgoDirect && directFastApplies(p) {
		c.direct = newDirectPlan(p)
	}
	c.flipFn = c.flipWorker
	c.biasSum = c.biasWorker
	return c
}

// Params returns the (normalised) shape of the plan.
func (c *Conv) Params() ConvParams { return c.p }

// Algo returns the algorithm the plan runs (never AlgoAuto).
func (c *Conv) Algo() Algo { return c.algo }

// checkLen panics unless s holds n floats.
func checkLen(op, name string, s []float32, n int) {
	if len(s) < n {
		panic(fmt.Sprintf("kernels: %s: len(%s) = %d, want at least %d", op, name, len(s), n))
	}
}

// Forward computes y = conv(x, w) + bias, then max(0,·) when relu is set:
// x is [N,C,H,W], w [K,C,R,S], bias [K] or nil, y [N,K,OH,OW] (overwritten).
func (c *Conv) Forward(x, w, bias, y []float32, relu bool) {
	p := c.p
	checkLen("Conv.Forward", "w", w, p.K*p.C*p.R*p.S)
	c.checkIO("Conv.Forward", x, bias, y)
	if p.N == 0 {
		return
	}
	s := getConvScratch()
	c.forward(s, x, w, bias, y, relu)
	putConvScratch(s)
}

// checkIO panics, naming op, unless x, y and bias (when not nil) hold the
// plan's NCHW input, output and K floats.
func (c *Conv) checkIO(op string, x, bias, y []float32) {
	p := c.p
	checkLen(op, "x", x, p.N*p.C*p.H*p.W)
	checkLen(op, "y", y, p.N*p.K*c.oh*c.ow)
	if bias != nil {
		checkLen(op, "bias", bias, p.K)
	}
}

// ForwardBlocked is Forward on the NCHW8c layout (layout.go): x holds
// BlockedLen(N,C,H,W) floats, y BlockedLen(N,K,OH,OW) (overwritten; the
// channels past K in its last block are set to zero); w and bias are as in
// Forward. It runs the blocked direct kernel whatever the plan's algorithm,
// so that a network can chain convolutions without reordering between them.
func (c *Conv) ForwardBlocked(x, w, bias, y []float32, relu bool) {
	p := c.p
	checkLen("Conv.ForwardBlocked", "x", x, BlockedLen(p.N, p.C, p.H, p.W))
	checkLen("Conv.ForwardBlocked", "w", w, p.K*p.C*p.R*p.S)
	checkLen("Conv.ForwardBlocked", "y", y, BlockedLen(p.N, p.K, c.oh, c.ow))
	if bias != nil {
		checkLen("Conv.ForwardBlocked", "bias", bias, p.K)
	}
	if p.N == 0 {
		return
	}
	if c.blocked == nil {
		c.blocked = newBlockedPlan(p)
	}
	s := getConvScratch()
	c.blocked.forward(s, x, w, bias, y, relu, false)
	putConvScratch(s)
}

// fastDirect reports whether AlgoDirect runs a packed path now: the blocked
// kernel, or the plan has the NCHW assembly kernel and the active ISA has
// AVX2 (SetISA may have changed it). Otherwise it runs the plain loops.
func (c *Conv) fastDirect() bool {
	return c.blocked != nil || c.direct != nil && directFastAvailable()
}

// bind points the plans at s for one call (nil unbinds).
func (c *Conv) bind(s *convScratch) {
	c.im.s = s
	if c.wino != nil {
		c.wino.s = s
		if s == nil {
			c.wino.workers = nil
		}
	}
}

// forward is Forward on the working memory s.
func (c *Conv) forward(s *convScratch, x, w, bias, y []float32, relu bool) {
	c.bind(s)
	defer c.bind(nil)
	switch c.algo {
	case AlgoWinograd:
		c.wino.forward(x, w, bias, y, relu)
	case AlgoDirect:
		if c.blocked != nil {
			c.blocked.forward(s, x, w, bias, y, relu, true)
			return
		}
		if c.fastDirect() {
			c.direct.forward(s, x, w, bias, y, relu)
			return
		}
		convDirectForward(c.p, x, w, bias, y, relu)
	default:
		c.im.forward(x, w, bias, y, relu)
	}
}

// BackwardData computes dx[n,c,h,w] = Σ dy[n,k,oh,ow]*w[k,c,r,s] over the
// positions where input (h,w) met weight (r,s) in Forward: dy is [N,K,OH,OW],
// w [K,C,R,S], dx [N,C,H,W] (overwritten). A ReLU fused in Forward is not
// undone here: multiply dy by the ReLU mask first (ReluBackward).
func (c *Conv) BackwardData(dy, w, dx []float32) {
	p := c.p
	checkLen("Conv.BackwardData", "dy", dy, p.N*p.K*c.oh*c.ow)
	checkLen("Conv.BackwardData", "w", w, p.K*p.C*p.R*p.S)
	checkLen("Conv.BackwardData", "dx", dx, p.N*p.C*p.H*p.W)
	if p.N == 0 {
		return
	}
	if c.algo == AlgoDirect && !c.fastDirect() {
		convDirectBackwardData(p, dy, w, dx)
		return
	}
	s := getConvScratch()
	c.backwardData(s, dy, w, dx)
	putConvScratch(s)
}

// backwardData is BackwardData (not direct) on the working memory s.
func (c *Conv) backwardData(s *convScratch, dy, w, dx []float32) {
	p := c.p
	// The flipped forward pays off through Winograd; on the im2col path it
	// would pack K*R*S rows per pixel where col2im packs K (and VGG's first
	// layer, K*R*S = 576 for 3 outputs, would run 5x slower).
	if (c.algo == AlgoWinograd || c.algo == AlgoDirect) && !c.noFlip && p.StrideH == 1 && p.StrideW == 1 &&
		p.PadH <= p.DilH*(p.R-1) && p.PadW <= p.DilW*(p.S-1) {
		if c.flip == nil {
			fp := p
			fp.C, fp.K = p.K, p.C
			fp.H, fp.W = c.oh, c.ow
			fp.PadH, fp.PadW = p.DilH*(p.R-1)-p.PadH, p.DilW*(p.S-1)-p.PadW
			c.flip = newConv(fp, c.algo, true)
		}
		s.wflip = growFloats(s.wflip, p.K*p.C*p.R*p.S)
		c.wflip, c.flipW = s.wflip, w
		ParallelFor(p.C, 1+4096/(p.K*p.R*p.S), c.flipFn)
		c.flipW = nil
		c.flip.forward(s, dy, c.wflip, nil, dx, false)
		c.wflip = nil
		return
	}
	c.bind(s)
	defer c.bind(nil)
	c.im.backwardData(dy, w, dx)
}

// flipWorker writes wflip[c,k,r,s] = w[k,c,R-1-r,S-1-s] for c in [lo, hi).
func (c *Conv) flipWorker(lo, hi int) {
	p := c.p
	rs := p.R * p.S
	for ch := lo; ch < hi; ch++ {
		for k := 0; k < p.K; k++ {
			src := c.flipW[(k*p.C+ch)*rs : (k*p.C+ch+1)*rs]
			dst := c.wflip[(ch*p.K+k)*rs : (ch*p.K+k+1)*rs]
			for i := range rs {
				dst[i] = src[rs-1-i]
			}
		}
	}
}

// BackwardWeights accumulates dw[k,c,r,s] += Σ_{n,oh,ow} dy[n,k,oh,ow] *
// x[n,c,oh*sh-ph+r*dh, ow*sw-pw+s*dw] and, when db != nil, db[k] += Σ dy[n,k,·,·]:
// x is [N,C,H,W], dy [N,K,OH,OW], dw [K,C,R,S], db [K].
func (c *Conv) BackwardWeights(x, dy, dw, db []float32) {
	p := c.p
	checkLen("Conv.BackwardWeights", "x", x, p.N*p.C*p.H*p.W)
	checkLen("Conv.BackwardWeights", "dy", dy, p.N*p.K*c.oh*c.ow)
	checkLen("Conv.BackwardWeights", "dw", dw, p.K*p.C*p.R*p.S)
	if db != nil {
		checkLen("Conv.BackwardWeights", "db", db, p.K)
	}
	if p.N == 0 {
		return
	}
	if db != nil {
		c.dy, c.db = dy, db
		ParallelFor(p.K, 1+65536/(p.N*c.oh*c.ow), c.biasSum)
		c.dy, c.db = nil, nil
	}
	if c.algo == AlgoDirect && !c.fastDirect() {
		convDirectBackwardWeights(p, x, dy, dw)
		return
	}
	s := getConvScratch()
	c.bind(s)
	defer putConvScratch(s)
	defer c.bind(nil)
	switch c.algo {
	case AlgoWinograd:
		// The Winograd weight gradient reduces over tiles; with few tiles its
		// fixed costs (Z of 36*K*C sums, their inverse transform) outweigh
		// the saved multiply-adds (measured on VGG16 layers: 16 tiles lose
		// 4x to im2col, 128 tie, 196 win 1.5x, 392 win 1.6x).
		if c.wino.tiles >= winoBwdMinTiles {
			c.wino.backwardWeights(x, dy, dw)
		} else {
			c.im.backwardWeights(x, dy, dw)
		}
	default:
		c.im.backwardWeights(x, dy, dw)
	}
}

// biasWorker adds Σ_{n,oh,ow} dy[n,k,·,·] to db[k] for k in [lo, hi)
// (sumPlane per plane, the planes added in float64).
func (c *Conv) biasWorker(lo, hi int) {
	p, hw := c.p, c.oh*c.ow
	for k := lo; k < hi; k++ {
		var s float64
		for n := 0; n < p.N; n++ {
			s += sumPlane(c.dy[(n*p.K+k)*hw : (n*p.K+k+1)*hw])
		}
		c.db[k] += float32(s)
	}
}

// sumPlane returns Σ x: blocks of 512 summed in 8 float32 chains (64 terms
// each), the block sums added in float64: within a few float32 roundings of
// the exact sum whatever the plane's length, at a fraction of a float64
// chain's cost.
func sumPlane(x []float32) float64 {
	var t float64
	for len(x) >= 512 {
		t += bnSum(x[:512])
		x = x[512:]
	}
	return t + bnSum(x)
}
