// This file tests Sgemm and its micro-kernels against the float64 reference
// (internal/ref): shape sweeps over sizes around every register tile and
// cache block, all transposes, wide leading dimensions, alpha/beta, NaN in C,
// guards around C, unchanged inputs, worker-count determinism, concurrency
// and allocations.

package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"unsafe"

	"github.com/gocnn/gocnn/kernels/internal/ref"
)

// sgemmCase is one Sgemm call with its operands laid out in memory with
// guard values around C.
type sgemmCase struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	lda, ldb, ldc  int
	a, b           []float32
	c              []float32 // whole buffer: guard, C, guard
	cOff           int       // offset of C[0][0] in c
}

const sgemmGuard = float32(-7.25e11)

// newSgemmCase lays out a case with leading dimensions widened by pad and
// random operands drawn from rng. When beta == 0 C is filled with NaN, which
// must not survive.
func newSgemmCase(rng *rand.Rand, transA, transB bool, m, n, k int, alpha, beta float32, pad int) *sgemmCase {
	t := &sgemmCase{transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	t.lda, t.ldb, t.ldc = max(ac, 1)+pad, max(bc, 1)+pad, max(n, 1)+pad
	t.a = randFloats(rng, ar*t.lda)
	t.b = randFloats(rng, br*t.ldb)
	t.cOff = 5
	t.c = make([]float32, t.cOff+m*t.ldc+7)
	for i := range t.c {
		t.c[i] = sgemmGuard
	}
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			v := float32(rng.Float64()*2 - 1)
			if beta == 0 {
				v = float32(math.NaN())
			}
			t.c[t.cOff+i*t.ldc+j] = v
		}
	}
	return t
}

func randFloats(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.Float64()*2 - 1)
	}
	return s
}

func (t *sgemmCase) String() string {
	return fmt.Sprintf("transA=%v transB=%v m=%d n=%d k=%d alpha=%v beta=%v lda=%d ldb=%d ldc=%d",
		t.transA, t.transB, t.m, t.n, t.k, t.alpha, t.beta, t.lda, t.ldb, t.ldc)
}

// run calls gemm on the case and checks the result against ref.Sgemm, the
// guards and the inputs; it returns C (without guards) for bit comparisons.
type sgemmFunc func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int)

func (t *sgemmCase) run(tb testing.TB, gemm sgemmFunc) []float32 {
	tb.Helper()
	a0, b0, c0 := clone(t.a), clone(t.b), clone(t.c)
	c := t.c[t.cOff:]
	gemm(t.transA, t.transB, t.m, t.n, t.k, t.alpha, t.a, t.lda, t.b, t.ldb, t.beta, c, t.ldc)

	if !sameBits(t.a, a0) || !sameBits(t.b, b0) {
		tb.Fatalf("%v: an input was modified", t)
	}
	want := clone(c0)
	ref.Sgemm(t.transA, t.transB, t.m, t.n, t.k, t.alpha, t.a, t.lda, t.b, t.ldb, t.beta, want[t.cOff:], t.ldc)
	bad, maxErr := 0, 0.0
	for idx := range t.c {
		got, w := t.c[idx], want[idx]
		i, j := (idx-t.cOff)/t.ldc, (idx-t.cOff)%t.ldc
		inC := idx >= t.cOff && i < t.m && j < t.n
		if !inC {
			if math.Float32bits(got) != math.Float32bits(c0[idx]) {
				tb.Errorf("%v: guard at buffer index %d changed: got %v, want %v", t, idx, got, c0[idx])
				return nil
			}
			continue
		}
		bound := ref.SgemmAbsBound(t.transA, t.transB, i, j, t.k, t.alpha, t.a, t.lda, t.b, t.ldb, t.beta, c0[t.cOff:], t.ldc)
		tol := 2*float64(t.k+2)*0x1p-24*bound + 1e-30
		e := math.Abs(float64(got) - float64(w))
		if !(e <= tol) { // also catches NaN
			if bad < 5 {
				tb.Errorf("%v: C[%d][%d] = %v, want %v (err %.3g, tol %.3g)", t, i, j, got, w, e, tol)
			}
			bad++
		}
		if e > maxErr {
			maxErr = e
		}
	}
	if bad > 0 {
		tb.Fatalf("%v: %d wrong elements, max error %.3g", t, bad, maxErr)
	}
	out := make([]float32, 0, t.m*t.n)
	for i := 0; i < t.m; i++ {
		out = append(out, c[i*t.ldc:i*t.ldc+t.n]...)
	}
	return out
}

func clone(s []float32) []float32 { return append([]float32(nil), s...) }

func sameBits(x, y []float32) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if math.Float32bits(x[i]) != math.Float32bits(y[i]) {
			return false
		}
	}
	return true
}

// kernelGemm returns an sgemmFunc that runs kernel kr through the blocked
// driver, whatever the dispatch.
func kernelGemm(kr *sgemmKernel) sgemmFunc {
	return func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
		b []float32, ldb int, beta float32, c []float32, ldc int) {
		checkSgemm("test", transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
		sgemm(kr, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
}

// forEachKernel runs fn once per micro-kernel this machine can run.
func forEachKernel(t *testing.T, fn func(t *testing.T, kr *sgemmKernel)) {
	for _, kr := range sgemmKernels() {
		t.Run("kernel="+kr.name, func(t *testing.T) { fn(t, kr) })
	}
}

var sweepSizes = []int{0, 1, 2, 3, 5, 7, 8, 15, 16, 17, 31, 33, 63, 65}

var scalars = []float32{0, 1, -0.5}

// TestSgemmSweep runs every m, n, k of sweepSizes, cycling through the four
// transposes, alpha/beta pairs and leading-dimension padding, through Sgemm
// with each ISA forced.
func TestSgemmSweep(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		idx := 0
		for _, m := range sweepSizes {
			for _, n := range sweepSizes {
				for _, k := range sweepSizes {
					idx++
					if raceEnabled && idx%3 != 0 {
						continue // the race detector is ~10x slower; a third still covers every size
					}
					tr := idx % 4
					alpha := scalars[(idx/4)%3]
					if alpha == 0 && idx%7 != 0 {
						alpha = 1.5 // keep alpha == 0 rare: it skips the kernels
					}
					beta := scalars[(idx/12)%3]
					c := newSgemmCase(rng, tr&1 != 0, tr&2 != 0, m, n, k, alpha, beta, idx%3)
					c.run(t, Sgemm)
				}
			}
		}
	})
}

// TestSgemmTransposesScalars runs all four transposes with every alpha/beta
// pair on shapes that are not multiples of any tile.
func TestSgemmTransposesScalars(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		for _, sh := range [][3]int{{19, 37, 29}, {7, 50, 300}, {70, 9, 13}, {8, 21, 1100}} {
			for tr := 0; tr < 4; tr++ {
				for _, alpha := range scalars {
					for _, beta := range scalars {
						c := newSgemmCase(rng, tr&1 != 0, tr&2 != 0, sh[0], sh[1], sh[2], alpha, beta, 3)
						c.run(t, Sgemm)
					}
				}
			}
		}
	})
}

// TestSgemmKernelEdges runs each micro-kernel directly on sizes at its
// register tile and cache blocks ±1.
func TestSgemmKernelEdges(t *testing.T) {
	forEachKernel(t, func(t *testing.T, kr *sgemmKernel) {
		rng := rand.New(rand.NewPCG(5, 6))
		kc, mc, nc := kr.blocking()
		mr, nr := kr.mr, kr.nr
		shapes := [][3]int{
			{mr - 1, nr - 1, 3}, {mr, nr, 1}, {mr, nr/2 - 1, 9}, {2 * mr, nr/2 + 1, 6}, {mr + 1, nr + nr/2, 13}, {mr + 1, nr + 1, 2}, {2*mr - 1, 2*nr + 1, 9},
			{mr, nr, kc - 1}, {mr + 1, nr, kc}, {mr, nr - 1, kc + 1}, {3, 2*nr + 3, 2*kc + 1},
			{mc - 1, nr + 1, 7}, {mc + 1, 3, 5}, {2*mc + mr + 1, 2*nr - 1, 3},
			{2, nc - 1, 4}, {mr + 1, nc + 1, 3}, {1, 2*nc + nr + 1, 2},
		}
		for i, sh := range shapes {
			tr := i % 4
			beta := scalars[i%3]
			c := newSgemmCase(rng, tr&1 != 0, tr&2 != 0, sh[0], sh[1], sh[2], -0.5, beta, 1+i%2)
			c.run(t, kernelGemm(kr))
		}
	})
}

// smallBlocked returns a copy of kr with tiny cache blocks, so that modest
// shapes cross many kc, mc and nc boundaries.
func smallBlocked(kr *sgemmKernel) *sgemmKernel {
	s := &sgemmKernel{name: kr.name + "-small", mr: kr.mr, nr: kr.nr, micro: kr.micro, edge: kr.edge, half: kr.half, direct: kr.direct,
		dot: kr.dot, dot6: kr.dot6, dot8: kr.dot8, dot16: kr.dot16, pack: kr.pack}
	s.once.Do(func() {})
	s.kc, s.mc, s.nc = 5, 2*kr.mr, 3*kr.nr
	s.bufs = newFreeList(4, s.newBuf)
	return s
}

// TestSgemmSmallBlocks checks the blocking loops with tiny blocks, every
// transpose and beta.
func TestSgemmSmallBlocks(t *testing.T) {
	forEachKernel(t, func(t *testing.T, kr *sgemmKernel) {
		s := smallBlocked(kr)
		rng := rand.New(rand.NewPCG(7, 8))
		for tr := 0; tr < 4; tr++ {
			for _, beta := range scalars {
				for _, sh := range [][3]int{{3*s.mc + 1, 4*s.nc - 1, 3*s.kc + 2}, {s.mc, s.nc, s.kc}} {
					c := newSgemmCase(rng, tr&1 != 0, tr&2 != 0, sh[0], sh[1], sh[2], 1, beta, 2)
					c.run(t, kernelGemm(s))
				}
			}
		}
	})
}

// TestSgemmSmallM checks the small-m paths: B read in place (NN, rows on
// cache lines, kc capped), eight rows of B at a time into C (NN, m = 8,
// with k%8 rows and n%8 columns left over, K in one, four and eight
// chunks, vectors of 8 columns in groups of three and one or two left; two
// to four groups of eight rows of C) and dot products (NT: eight rows
// of B per kernel call, or six and four when the rows sit a multiple of
// 4 KiB apart (k = 2048), odd and even k, a last group of 1-7 rows that
// overlaps the one before it, op(A) transposed or not; with 9 to 32 rows,
// sixteen rows of op(A) a pass, one or two passes), across their k
// blocks.
func TestSgemmSmallM(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(19, 20))
		for _, m := range []int{1, 6, 8, 13, 16, 24, 32} {
			for ki, k := range []int{127, 129, 300, 1030, 2048, 9733, 17011} {
				if k > 10000 && m != 8 {
					continue // eight K chunks: the rows path's, m = 8 only
				}
				for _, transB := range []bool{false, true} {
					ns := []int{8, 40, 80, 83}
					if transB {
						ns = []int{4, 7, 80, 83}
					}
					if k <= 1030 || (!transB && m == 16) {
						ns = append(ns, 16*m+5) // dot16 or rows for m > 8
					}
					for _, n := range ns {
						c := newSgemmCase(rng, transB && ki%2 == 1, transB, m, n, k, -0.5, scalars[k%3], 0)
						if uintptr(unsafe.Pointer(&c.b[0]))%64 != 0 {
							t.Log("B not 64-byte aligned: the in-place path is not exercised")
						}
						c.run(t, Sgemm)
					}
				}
			}
		}
	})
}

// TestSgemmGenericMatchesRef checks the exported pure-Go twin.
func TestSgemmGenericMatchesRef(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for tr := 0; tr < 4; tr++ {
		c := newSgemmCase(rng, tr&1 != 0, tr&2 != 0, 37, 41, 300, -0.5, 1, 1)
		c.run(t, SgemmGeneric)
	}
}

// TestSgemmWorkersSameBits checks that 2, 3 and 4 workers give the bits of
// one, on shapes large enough to be split.
func TestSgemmWorkersSameBits(t *testing.T) {
	defer SetThreads(SetThreads(1))
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(11, 12))
		// The fourth figure, when 1, makes B non-transposed: with m = 8 the
		// rows path, whose K chunks (4500: two) are shared out to workers
		// and whose column bands (600: one chunk) start and end off the
		// 24-column tiles of its kernel (the leftover vectors go to another
		// kernel, which must give the same bits).
		// With m <= 8 and B transposed, the dot products: eight rows of B a
		// call (k = 1500), or six and four (k = 2047: with the pad, rows
		// 8 KiB apart), the last band ending off the tiles.
		shapes := [][4]int{{130, 150, 300, 0}, {8, 1000, 600, 0}, {500, 20, 300, 0}, {8, 203, 4500, 1}, {8, 203, 600, 1}, {20, 403, 700, 0}, {16, 261, 4500, 1}, {8, 203, 1500, 0}, {6, 203, 2047, 0}}
		if testing.Short() {
			shapes = [][4]int{{70, 100, 300, 0}, {8, 600, 450, 0}, {300, 20, 350, 0}, {8, 203, 4500, 1}, {8, 203, 600, 1}, {20, 403, 700, 0}, {16, 261, 4500, 1}, {8, 203, 1500, 0}, {6, 203, 2047, 0}}
		}
		for _, sh := range shapes {
			base := newSgemmCase(rng, false, sh[3] == 0, sh[0], sh[1], sh[2], 1, -0.5, 1)
			c0 := clone(base.c)
			SetThreads(1)
			want := base.run(t, Sgemm)
			for _, w := range []int{2, 3, 4} {
				SetThreads(w)
				copy(base.c, c0)
				got := base.run(t, Sgemm)
				if !sameBits(got, want) {
					t.Fatalf("%v: %d workers differ from 1 worker", base, w)
				}
			}
		}
	})
}

// TestSgemmConcurrent calls Sgemm from several goroutines at once (run it
// with -race): each must get the result of a lone call.
func TestSgemmConcurrent(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	m, n, k := 70, 90, 140
	if !testing.Short() {
		m, n, k = 140, 150, 200
	}
	a, b := randFloats(rng, m*k), randFloats(rng, k*n)
	want := make([]float32, m*n)
	Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, want, n)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := make([]float32, m*n)
			for r := 0; r < 3; r++ {
				Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
				if !sameBits(c, want) {
					errs <- fmt.Sprintf("goroutine %d rep %d: result differs", g, r)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestSgemmInsideParallelFor calls Sgemm from ParallelFor workers, as a
// layer that parallelises over images might: the nested parallel regions
// must neither deadlock nor change the result.
func TestSgemmInsideParallelFor(t *testing.T) {
	defer SetThreads(SetThreads(2))
	rng := rand.New(rand.NewPCG(17, 18))
	m, n, k := 64, 200, 192 // above the parallel threshold
	a, b := randFloats(rng, m*k), randFloats(rng, k*n)
	want := make([]float32, m*n)
	Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, want, n)
	outs := make([][]float32, 6)
	ParallelFor(len(outs), 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			outs[i] = make([]float32, m*n)
			Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, outs[i], n)
		}
	})
	for i, o := range outs {
		if !sameBits(o, want) {
			t.Fatalf("nested call %d differs from a lone call", i)
		}
	}
}

// TestSgemmNoAllocs checks that Sgemm allocates nothing in steady state, on
// one worker and on two, on the packed, dot-product and in-place-B paths,
// and with one to four rows of C the gemv kernels (NT) and the rows path
// with B in L3 (NN).
func TestSgemmNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	defer SetThreads(SetThreads(1))
	rng := rand.New(rand.NewPCG(15, 16))
	cases := []struct {
		transB  bool
		m, n, k int
	}{{true, 128, 160, 192}, {true, 8, 400, 700}, {false, 8, 512, 600}, {false, 8, 100, 4500}, {true, 16, 300, 700}, {false, 16, 300, 4500},
		{true, 1, 400, 700}, {true, 4, 100, 700}, {false, 1, 1000, 600}, {false, 3, 1000, 600}, {false, 128, 300, 200}}
	for _, w := range []int{1, 2} {
		SetThreads(w)
		forEachISA(t, func(t *testing.T) {
			for _, cs := range cases {
				m, n, k := cs.m, cs.n, cs.k
				ldb := n
				if cs.transB {
					ldb = k
				}
				a, b, c := randFloats(rng, m*k), randFloats(rng, k*n), make([]float32, m*n)
				f := func() { Sgemm(false, cs.transB, m, n, k, 1, a, k, b, ldb, 0.5, c, n) }
				f()
				if got := testing.AllocsPerRun(10, f); got != 0 {
					t.Errorf("%d workers, transB=%v %dx%dx%d: %v allocations per call, want 0",
						w, cs.transB, m, n, k, got)
				}
			}
		})
	}
}

// TestSgemmPanics checks the argument errors name the problem.
func TestSgemmPanics(t *testing.T) {
	buf := make([]float32, 100)
	cases := []struct {
		name string
		call func()
	}{
		{"negative", func() { Sgemm(false, false, -1, 2, 2, 1, buf, 2, buf, 2, 0, buf, 2) }},
		{"lda", func() { Sgemm(false, false, 2, 2, 3, 1, buf, 2, buf, 2, 0, buf, 2) }},
		{"ldb trans", func() { Sgemm(false, true, 2, 2, 3, 1, buf, 3, buf, 2, 0, buf, 2) }},
		{"ldc", func() { Sgemm(false, false, 2, 3, 2, 1, buf, 2, buf, 3, 0, buf, 2) }},
		{"short a", func() { Sgemm(false, false, 20, 2, 10, 1, buf, 10, buf, 2, 0, buf, 2) }},
		{"short c", func() { Sgemm(false, false, 2, 60, 2, 1, buf, 2, buf[:], 60, 0, buf, 60) }},
	}
	for _, c := range cases {
		func() {
			defer func() {
				r := recover()
				if r == nil {
					t.Errorf("%s: no panic", c.name)
					return
				}
				t.Logf("%s: %v", c.name, r)
			}()
			c.call()
		}()
	}
}
