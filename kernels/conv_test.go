// Tests of the convolution plans against the float64 reference in
// internal/ref: every algorithm and ISA, forward, backward data, backward
// weights and bias, over shapes with odd sizes, strides, padding, dilation
// and channel counts that are not multiples of the block sizes.

package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/gocnn/gocnn/kernels/internal/ref"
)

func refShape(p ConvParams) ref.ConvShape {
	p = p.norm()
	return ref.ConvShape{N: p.N, C: p.C, H: p.H, W: p.W, K: p.K, R: p.R, S: p.S,
		StrideH: p.StrideH, StrideW: p.StrideW, PadH: p.PadH, PadW: p.PadW, DilH: p.DilH, DilW: p.DilW}
}

func convRand(rng *rand.Rand, n int, scale float32) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = (rng.Float32()*2 - 1) * scale
	}
	return s
}

// convTestShapes is the sweep of issue 4: batch 1-3, H and W in 1..17, odd
// channel counts, stride 2, pad 0/2, dilation 2, 1x1 and 5x5 kernels.
func convTestShapes() []ConvParams {
	ps := []ConvParams{
		{N: 1, C: 3, H: 7, W: 9, K: 5, R: 3, S: 3, PadH: 1, PadW: 1},
		{N: 2, C: 13, H: 17, W: 15, K: 19, R: 3, S: 3, PadH: 1, PadW: 1},
		{N: 3, C: 5, H: 11, W: 13, K: 7, R: 3, S: 3},
		{N: 1, C: 1, H: 1, W: 1, K: 1, R: 1, S: 1},
		{N: 1, C: 9, H: 1, W: 5, K: 3, R: 3, S: 3, PadH: 1, PadW: 1},
		{N: 2, C: 17, H: 9, W: 9, K: 23, R: 1, S: 1},
		{N: 2, C: 6, H: 13, W: 11, K: 9, R: 5, S: 5, PadH: 2, PadW: 2},
		{N: 1, C: 7, H: 15, W: 17, K: 8, R: 3, S: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1},
		{N: 2, C: 4, H: 16, W: 13, K: 5, R: 3, S: 3, DilH: 2, DilW: 2, PadH: 2, PadW: 2},
		{N: 1, C: 5, H: 12, W: 10, K: 6, R: 3, S: 2, StrideH: 2, StrideW: 1, PadH: 0, PadW: 2},
		{N: 3, C: 2, H: 5, W: 3, K: 33, R: 3, S: 3, PadH: 2, PadW: 2},
		{N: 1, C: 31, H: 17, W: 17, K: 37, R: 3, S: 3, PadH: 1, PadW: 1},
		{N: 0, C: 3, H: 5, W: 5, K: 2, R: 3, S: 3},
		// Small images in larger batches: im2col packs several whole images
		// side by side per block (forward and backward data group columns,
		// backward weights groups pixels along k), with partial last groups.
		{N: 37, C: 20, H: 2, W: 3, K: 21, R: 3, S: 3, PadH: 1, PadW: 1},
		{N: 11, C: 9, H: 4, W: 4, K: 13, R: 3, S: 3, PadH: 1, PadW: 1},
		{N: 7, C: 5, H: 9, W: 7, K: 10, R: 3, S: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1},
		// Rows of several 24-pixel tiles of the fast direct kernel and a
		// ragged last one, K not a multiple of its 4-channel blocks, a
		// non-square kernel.
		{N: 2, C: 5, H: 6, W: 53, K: 9, R: 3, S: 3, PadH: 1, PadW: 1},
		{N: 1, C: 3, H: 7, W: 50, K: 6, R: 2, S: 5, PadH: 0, PadW: 2},
		// The blocked direct kernel (C >= 8): channel counts at and past
		// its 8-channel blocks, an odd number of output blocks (its tiles
		// pair them), rows of several 6-pixel tiles and a ragged one,
		// stride 2, dilation, a 5x5 kernel and no padding.
		{N: 2, C: 8, H: 9, W: 14, K: 8, R: 3, S: 3, PadH: 1, PadW: 1},
		{N: 1, C: 16, H: 5, W: 29, K: 40, R: 3, S: 3, PadH: 1, PadW: 1},
		{N: 2, C: 11, H: 13, W: 15, K: 17, R: 3, S: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1},
		{N: 1, C: 12, H: 14, W: 13, K: 9, R: 3, S: 3, DilH: 2, DilW: 3, PadH: 2, PadW: 1},
		{N: 1, C: 10, H: 11, W: 12, K: 24, R: 5, S: 5, StrideH: 1, StrideW: 2},
		// Rows of more than eight Winograd tiles: halves of a tile group
		// that are four whole tiles inside one row take the assembly
		// gather (both halves, either one) and scatter, the other lanes
		// (borders, rows' ends) the Go loops.
		{N: 2, C: 17, H: 10, W: 70, K: 9, R: 3, S: 3, PadH: 1, PadW: 1},
		{N: 1, C: 6, H: 13, W: 56, K: 7, R: 3, S: 3},
	}
	return ps
}

// checkClose compares got with want, element i allowed tol*abs[i] (+ a tiny
// absolute slack); it reports the first failures with index and max error.
func checkClose(t *testing.T, what string, got []float32, want, abs []float64, tol float64) {
	t.Helper()
	bad, maxErr := 0, 0.0
	for i := range want {
		e := math.Abs(float64(got[i]) - want[i])
		maxErr = max(maxErr, e)
		if !(e <= tol*abs[i]+1e-30) {
			if bad < 3 {
				t.Errorf("%s[%d] = %g, want %g (err %.3g, bound %.3g)", what, i, got[i], want[i], e, tol*abs[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d wrong, max error %.3g", what, bad, len(want), maxErr)
	}
}

// convScale returns the error scale of each output for algo: Σ|w*x| of that
// output for the direct paths; for Winograd the largest such sum in the
// tensor, because its transforms mix each output with its tile neighbours
// (an output whose taps mostly hit padding still carries the rounding of
// the tile's other inputs), so its error is bounded relative to the tensor's
// scale (issue 4's max-abs normalisation), not per element.
func convScale(algo Algo, abs []float64) []float64 {
	if algo != AlgoWinograd {
		return abs
	}
	m := 0.0
	for _, v := range abs {
		m = max(m, v)
	}
	out := make([]float64, len(abs))
	for i := range out {
		out[i] = m
	}
	return out
}

// convTol returns the per-element relative tolerance for algo and shape:
// float32 rounding grows with the reduction length; Winograd's transforms
// amplify it (see winograd.go).
func convTol(p ConvParams, algo Algo, red int) float64 {
	tol := 2 * 6e-8 * float64(red+8)
	if algo == AlgoWinograd {
		tol = 64 * 6e-8 * float64(red+8)
	}
	return tol
}

func TestConv(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		for _, algo := range []Algo{AlgoDirect, AlgoIm2col, AlgoWinograd, AlgoAuto} {
			for si, p := range convTestShapes() {
				for _, relu := range []bool{false, true} {
					t.Run(fmt.Sprintf("%v/%d/relu=%v", algo, si, relu), func(t *testing.T) {
						testConvShape(t, p, algo, relu, uint64(si))
					})
				}
			}
		}
	})
}

func testConvShape(t *testing.T, p ConvParams, algo Algo, relu bool, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	c := NewConv(p, algo)
	p = c.Params()
	oh, ow := p.OutH(), p.OutW()
	x := convRand(rng, p.N*p.C*p.H*p.W, 1)
	w := convRand(rng, p.K*p.C*p.R*p.S, 0.5)
	bias := convRand(rng, p.K, 1)
	dy := convRand(rng, p.N*p.K*oh*ow, 1)
	x0, w0, dy0 := append([]float32(nil), x...), append([]float32(nil), w...), append([]float32(nil), dy...)

	const guard = 4
	y := make([]float32, p.N*p.K*oh*ow+guard)
	for i := range y {
		y[i] = float32(math.NaN())
	}
	var b []float32
	if seed%2 == 0 {
		b = bias
	}
	c.Forward(x, w, b, y[:len(y)-guard], relu)
	want, abs := ref.ConvForward(refShape(p), x, w, b, relu)
	red := p.C * p.R * p.S
	checkClose(t, "y", y, want, convScale(c.Algo(), abs), convTol(p, c.Algo(), red))
	for i := len(y) - guard; i < len(y); i++ {
		if !math.IsNaN(float64(y[i])) {
			t.Fatalf("Forward wrote past y: y[%d] = %g", i, y[i])
		}
	}
	if relu {
		return // backward is independent of the fused ReLU
	}

	dx := make([]float32, p.N*p.C*p.H*p.W)
	for i := range dx {
		dx[i] = float32(math.NaN())
	}
	c.BackwardData(dy, w, dx)
	wantDx, absDx := ref.ConvBackwardData(refShape(p), dy, w)
	checkClose(t, "dx", dx, wantDx, convScale(c.Algo(), absDx), convTol(p, c.Algo(), p.K*p.R*p.S))

	dw := convRand(rng, p.K*p.C*p.R*p.S, 1)
	db := convRand(rng, p.K, 1)
	dwPrev, dbPrev := append([]float32(nil), dw...), append([]float32(nil), db...)
	c.BackwardWeights(x, dy, dw, db)
	wantDw, absDw, wantDb, absDb := ref.ConvBackwardWeights(refShape(p), x, dy)
	for i := range wantDw {
		wantDw[i] += float64(dwPrev[i])
		absDw[i] += math.Abs(float64(dwPrev[i]))
	}
	for i := range wantDb {
		wantDb[i] += float64(dbPrev[i])
		absDb[i] += math.Abs(float64(dbPrev[i]))
	}
	red = p.N * oh * ow
	dwAlgo := c.Algo()
	if dwAlgo == AlgoWinograd && c.wino.tiles < winoBwdMinTiles {
		dwAlgo = AlgoIm2col
	}
	checkClose(t, "dw", dw, wantDw, convScale(dwAlgo, absDw), convTol(p, dwAlgo, red))
	checkClose(t, "db", db, wantDb, absDb, convTol(p, AlgoIm2col, red))

	for i := range x {
		if x[i] != x0[i] {
			t.Fatalf("x[%d] changed", i)
		}
	}
	for i := range w {
		if w[i] != w0[i] {
			t.Fatalf("w[%d] changed", i)
		}
	}
	for i := range dy {
		if dy[i] != dy0[i] {
			t.Fatalf("dy[%d] changed", i)
		}
	}
}

// TestConvWorkersSameBits checks that every algorithm gives the same bits for
// 1, 2 and 3 workers (the reduction order never depends on the split).
func TestConvWorkersSameBits(t *testing.T) {
	for _, p := range []ConvParams{
		{N: 2, C: 19, H: 13, W: 11, K: 14, R: 3, S: 3, PadH: 1, PadW: 1},
		{N: 4, C: 5, H: 32, W: 30, K: 9, R: 3, S: 3, PadH: 1, PadW: 1},  // Winograd weight gradient
		{N: 29, C: 14, H: 3, W: 2, K: 17, R: 3, S: 3, PadH: 1, PadW: 1}, // small images grouped
	} {
		testConvWorkersSameBits(t, p)
	}
}

func testConvWorkersSameBits(t *testing.T, p ConvParams) {
	rng := rand.New(rand.NewPCG(3, 3))
	x := convRand(rng, p.N*p.C*p.H*p.W, 1)
	w := convRand(rng, p.K*p.C*9, 1)
	dy := convRand(rng, p.N*p.K*p.OutH()*p.OutW(), 1)
	defer SetThreads(SetThreads(0))
	for _, algo := range []Algo{AlgoIm2col, AlgoWinograd, AlgoDirect} {
		var ref0 [][]float32
		for _, th := range []int{1, 2, 3} {
			SetThreads(th)
			c := NewConv(p, algo)
			y := make([]float32, len(dy))
			dx := make([]float32, len(x))
			dw := make([]float32, len(w))
			c.Forward(x, w, nil, y, false)
			c.BackwardData(dy, w, dx)
			c.BackwardWeights(x, dy, dw, nil)
			got := [][]float32{y, dx, dw}
			if ref0 == nil {
				ref0 = got
				continue
			}
			for i := range got {
				for j := range got[i] {
					if got[i][j] != ref0[i][j] {
						t.Fatalf("%v, %d workers: output %d element %d = %g, 1 worker gave %g", algo, th, i, j, got[i][j], ref0[i][j])
					}
				}
			}
		}
	}
}

// TestConvAllocs checks that a plan allocates nothing after its first call
// of each pass.
func TestConvAllocs(t *testing.T) {
	for _, p := range []ConvParams{
		{N: 2, C: 16, H: 12, W: 12, K: 16, R: 3, S: 3, PadH: 1, PadW: 1},
		{N: 4, C: 5, H: 32, W: 32, K: 7, R: 3, S: 3, PadH: 1, PadW: 1}, // Winograd weight gradient
	} {
		testConvAllocs(t, p)
	}
}

func testConvAllocs(t *testing.T, p ConvParams) {
	x := make([]float32, p.N*p.C*p.H*p.W)
	w := make([]float32, p.K*p.C*9)
	y := make([]float32, p.N*p.K*p.OutH()*p.OutW())
	b := make([]float32, p.K)
	xb := make([]float32, BlockedLen(p.N, p.C, p.H, p.W))
	yb := make([]float32, BlockedLen(p.N, p.K, p.OutH(), p.OutW()))
	for _, algo := range []Algo{AlgoIm2col, AlgoWinograd, AlgoDirect} {
		c := NewConv(p, algo)
		step := func() {
			c.Forward(x, w, b, y, true)
			c.BackwardData(y, w, x)
			c.BackwardWeights(x, y, w, b)
			ToNCHW8c(xb, x, p.N, p.C, p.H, p.W)
			c.ForwardBlocked(xb, w, b, yb, true)
			FromNCHW8c(y, yb, p.N, p.K, p.OutH(), p.OutW())
		}
		step()
		if raceEnabled {
			continue // sync.Pool drops items at random under -race
		}
		if n := testing.AllocsPerRun(5, step); n != 0 {
			t.Errorf("%v: %v allocations per step, want 0", algo, n)
		}
	}
}

// TestWinogradVGGAccuracy checks issue 4's bound on VGG16-like shapes with
// real-scale (Kaiming-normal-sized) weights: max|y - ref| / max|ref| <= 1e-3
// for Winograd F(4x4,3x3), and logs the measured error. Few output channels
// keep the float64 reference cheap; the error depends on C, not K.
func TestWinogradVGGAccuracy(t *testing.T) {
	for _, c := range []int{3, 64, 256, 512} {
		p := ConvParams{N: 1, C: c, H: 14, W: 14, K: 6, R: 3, S: 3, PadH: 1, PadW: 1}
		rng := rand.New(rand.NewPCG(uint64(c), 1))
		x := convRand(rng, p.N*p.C*p.H*p.W, 1)
		for i := range x {
			x[i] = max(x[i], 0) * 2 // post-ReLU activations
		}
		w := convRand(rng, p.K*p.C*9, float32(math.Sqrt(3*2/float64(9*c)))) // std sqrt(2/(9C))
		conv := NewConv(p, AlgoWinograd)
		y := make([]float32, p.N*p.K*p.OutH()*p.OutW())
		conv.Forward(x, w, nil, y, false)
		want, _ := ref.ConvForward(refShape(p), x, w, nil, false)
		var maxErr, maxRef float64
		for i := range want {
			maxErr = max(maxErr, math.Abs(float64(y[i])-want[i]))
			maxRef = max(maxRef, math.Abs(want[i]))
		}
		rel := maxErr / maxRef
		t.Logf("C=%d: Winograd max-abs normalised error %.2e", c, rel)
		if rel > 1e-3 {
			t.Errorf("C=%d: Winograd error %.2e > 1e-3", c, rel)
		}
	}
}

// TestConvFiniteDifference checks BackwardData and BackwardWeights against
// central differences of L = Σ g*y (computed with the float64 reference), so
// the gradients are right as derivatives, not only as formulas.
func TestConvFiniteDifference(t *testing.T) {
	p := ConvParams{N: 2, C: 3, H: 6, W: 5, K: 4, R: 3, S: 2, StrideH: 2, StrideW: 1, PadH: 1, PadW: 1, DilH: 1, DilW: 2}
	rng := rand.New(rand.NewPCG(5, 5))
	p = p.norm()
	x := convRand(rng, p.N*p.C*p.H*p.W, 1)
	w := convRand(rng, p.K*p.C*p.R*p.S, 1)
	g := convRand(rng, p.N*p.K*p.OutH()*p.OutW(), 1)
	loss := func(x, w []float32) float64 {
		y, _ := ref.ConvForward(refShape(p), x, w, nil, false)
		var s float64
		for i := range y {
			s += y[i] * float64(g[i])
		}
		return s
	}
	for _, algo := range []Algo{AlgoDirect, AlgoIm2col} {
		c := NewConv(p, algo)
		dx := make([]float32, len(x))
		dw := make([]float32, len(w))
		c.BackwardData(g, w, dx)
		c.BackwardWeights(x, g, dw, nil)
		const h = 1e-2
		for _, v := range []struct {
			name string
			s    []float32
			grad []float32
		}{{"dx", x, dx}, {"dw", w, dw}} {
			for i := range v.s {
				old := v.s[i]
				v.s[i] = old + h
				lp := loss(x, w)
				v.s[i] = old - h
				lm := loss(x, w)
				v.s[i] = old
				fd := (lp - lm) / (2 * h)
				if math.Abs(fd-float64(v.grad[i])) > 1e-3*(1+math.Abs(fd)) {
					t.Fatalf("%v: %s[%d] = %g, finite difference %g", algo, v.name, i, v.grad[i], fd)
				}
			}
		}
	}
}

// TestWinogradBlocks covers Winograd with several tile blocks per worker
// (U transformed once and shared), forward and weight gradient (several
// tile blocks summed, K and C not multiples of the 4x3 product tile), for 1
// and 2 workers and every ISA.
func TestWinogradBlocks(t *testing.T) {
	p := ConvParams{N: 2, C: 70, H: 61, W: 66, K: 13, R: 3, S: 3, PadH: 1, PadW: 0}
	rng := rand.New(rand.NewPCG(8, 8))
	x := convRand(rng, p.N*p.C*p.H*p.W, 1)
	w := convRand(rng, p.K*p.C*9, 0.1)
	b := convRand(rng, p.K, 1)
	want, abs := ref.ConvForward(refShape(p.norm()), x, w, b, true)
	dy := convRand(rng, len(want), 1)
	wantDw, absDw, _, _ := ref.ConvBackwardWeights(refShape(p.norm()), x, dy)
	forEachISA(t, func(t *testing.T) {
		defer SetThreads(SetThreads(0))
		for _, th := range []int{1, 2} {
			SetThreads(th)
			c := NewConv(p, AlgoWinograd)
			y := make([]float32, len(want))
			c.Forward(x, w, b, y, true)
			if c.wino.blocks <= th {
				t.Errorf("threads=%d: %d tile blocks, want more than one per worker", th, c.wino.blocks)
			}
			checkClose(t, fmt.Sprintf("threads=%d y", th), y, want, convScale(AlgoWinograd, abs), convTol(p, AlgoWinograd, p.C*9))
			dw := make([]float32, len(w))
			c.BackwardWeights(x, dy, dw, nil)
			checkClose(t, fmt.Sprintf("threads=%d dw", th), dw, wantDw, convScale(AlgoWinograd, absDw), convTol(p, AlgoWinograd, p.N*p.OutH()*p.OutW()))
		}
	})
}

// FuzzConvForward checks every algorithm's forward pass against the
// reference on small fuzz-chosen shapes (sizes, stride, padding, dilation).
func FuzzConvForward(f *testing.F) {
	f.Add(uint8(1), uint8(3), uint8(7), uint8(9), uint8(5), uint8(3), uint8(3), uint8(1), uint8(1), uint8(1), uint64(1))
	f.Add(uint8(2), uint8(17), uint8(5), uint8(4), uint8(9), uint8(1), uint8(5), uint8(2), uint8(2), uint8(2), uint64(2))
	f.Fuzz(func(t *testing.T, n, c, h, w, k, r, s, stride, pad, dil uint8, seed uint64) {
		p := ConvParams{N: int(n%3) + 1, C: int(c%20) + 1, H: int(h%18) + 1, W: int(w%18) + 1, K: int(k%20) + 1,
			R: int(r%5) + 1, S: int(s%5) + 1, StrideH: int(stride%3) + 1, StrideW: int(stride/3%3) + 1,
			PadH: int(pad % 3), PadW: int(pad / 3 % 3), DilH: int(dil%2) + 1, DilW: int(dil/2%2) + 1}
		if p.OutH() < 1 || p.OutW() < 1 {
			return
		}
		rng := rand.New(rand.NewPCG(seed, 1))
		x := convRand(rng, p.N*p.C*p.H*p.W, 1)
		wt := convRand(rng, p.K*p.C*p.R*p.S, 1)
		want, abs := ref.ConvForward(refShape(p), x, wt, nil, false)
		for _, algo := range []Algo{AlgoIm2col, AlgoWinograd, AlgoDirect} {
			cv := NewConv(p, algo)
			y := make([]float32, len(want))
			cv.Forward(x, wt, nil, y, false)
			checkClose(t, fmt.Sprintf("%v %v y", p, cv.Algo()), y, want, convScale(cv.Algo(), abs), convTol(p, cv.Algo(), p.C*p.R*p.S))
		}
	})
}

// TestConvConcurrentPlans runs different plans from several goroutines at
// once (each call takes its own scratch from the shared free list) and
// checks every result against the same call made alone.
func TestConvConcurrentPlans(t *testing.T) {
	shapes := []ConvParams{
		{N: 3, C: 24, H: 21, W: 19, K: 20, R: 3, S: 3, PadH: 1, PadW: 1},
		{N: 41, C: 32, H: 2, W: 2, K: 16, R: 3, S: 3, PadH: 1, PadW: 1},
		{N: 2, C: 15, H: 22, W: 21, K: 17, R: 3, S: 3},
	}
	type job struct {
		c         *Conv
		x, w, dy  []float32
		want, got [3][]float32
	}
	rng := rand.New(rand.NewPCG(9, 9))
	var jobs []*job
	for _, p := range shapes {
		for _, algo := range []Algo{AlgoIm2col, AlgoWinograd} {
			j := &job{c: NewConv(p, algo), x: convRand(rng, p.N*p.C*p.H*p.W, 1),
				w: convRand(rng, p.K*p.C*9, 1), dy: convRand(rng, p.N*p.K*p.OutH()*p.OutW(), 1)}
			jobs = append(jobs, j)
		}
	}
	run := func(j *job, out *[3][]float32) {
		out[0] = make([]float32, len(j.dy))
		out[1] = make([]float32, len(j.x))
		out[2] = make([]float32, len(j.w))
		j.c.Forward(j.x, j.w, nil, out[0], false)
		j.c.BackwardData(j.dy, j.w, out[1])
		j.c.BackwardWeights(j.x, j.dy, out[2], nil)
	}
	for _, j := range jobs {
		run(j, &j.want)
	}
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Go(func() {
			for range 10 {
				run(j, &j.got)
			}
		})
	}
	wg.Wait()
	for ji, j := range jobs {
		for i := range j.want {
			if !slices.Equal(j.got[i], j.want[i]) {
				t.Errorf("job %d (%v %v) output %d differs when run concurrently", ji, j.c.Params(), j.c.Algo(), i)
			}
		}
	}
}

// TestConvReluKeepsNaN checks that a fused ReLU does not turn a NaN input
// into zeros (a non-finite value must reach the loss, where the trainer's
// health check stops the run), on the full-tile and edge-tile paths.
func TestConvReluKeepsNaN(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		p := ConvParams{N: 1, C: 2, H: 8, W: 8, K: 12, R: 3, S: 3, PadH: 1, PadW: 1}
		for _, algo := range []Algo{AlgoIm2col, AlgoWinograd, AlgoDirect} {
			rng := rand.New(rand.NewPCG(4, 4))
			x := convRand(rng, p.C*p.H*p.W, 1)
			x[3*p.W+3] = float32(math.NaN())
			w := convRand(rng, p.K*p.C*9, 1)
			bias := convRand(rng, p.K, 1)
			y := make([]float32, p.K*p.H*p.W)
			NewConv(p, algo).Forward(x, w, bias, y, true)
			for k := 0; k < p.K; k++ {
				if v := y[k*p.H*p.W+3*p.W+3]; !math.IsNaN(float64(v)) {
					t.Errorf("%v: y[%d] at the NaN input = %g, want NaN", algo, k, v)
				}
			}
		}
	})
}

// TestSumPlane checks the bias-gradient sum against float64 on a long plane
// whose values share a large offset (the case that defeats one float32
// chain, off by ~1e-3 here): the error must stay at the float32 rounding of
// the result (it is stored as float32), a few 1e-8 relative.
func TestSumPlane(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, n := range []int{0, 1, 7, 511, 512, 513, 50177} {
		x := make([]float32, n)
		var want float64
		for i := range x {
			x[i] = 1000 + rng.Float32()*2 - 1
			want += float64(x[i])
		}
		got := sumPlane(x)
		if e := math.Abs(got - want); e > 3e-7*max(1, math.Abs(want)) {
			t.Errorf("n=%d: sumPlane = %.9g, want %.9g (error %.3g)", n, got, want, e)
		}
	}
}
