package kernels

import (
	"math/rand/v2"
	"testing"
)

// TestSgemmShared checks the shared packing path against the reference and
// against one worker's bits, for every micro-kernel (and each with tiny cache
// blocks, so that the k blocks, row blocks, column blocks and chunks of B
// panels all have ragged ends), all transposes, beta 0 and not, and worker
// counts from the path's least to more than this machine has cores, with K
// long and short (tiles along C's columns, and along its rows). Each
// shape is one the per-worker grid would split into several bands of rows,
// so that the path is taken.
func TestSgemmShared(t *testing.T) {
	defer SetThreads(SetThreads(1))
	shapes := [][3]int{{300, 90, 300}, {131, 77, 529}, {250, 40, 260}, {150, 130, 120}, {400, 64, 97}, {600, 100, 40}, {420, 196, 150}}
	workers := []int{sgemmSharedMinWorkers, 7, 16}
	forEachKernel(t, func(t *testing.T, kr *sgemmKernel) {
		rng := rand.New(rand.NewPCG(21, 22))
		for _, k := range []*sgemmKernel{kr, smallBlocked(kr)} {
			kc, mc, nc := k.blocking()
			for i, sh := range shapes {
				m, n, kk := sh[0], sh[1], sh[2]
				tr := i % 4
				c := newSgemmCase(rng, tr&1 != 0, tr&2 != 0, m, n, kk, 0.75, [2]float32{0, -0.5}[i%2], 1+i%3)
				c0 := clone(c.c)
				SetThreads(1) // the reference checks this run
				c.run(t, kernelGemm(k))
				want := clone(c.c) // the whole buffer: C and the guards around it
				for _, w := range workers {
					if pm, _ := sgemmGrid(w, m, n, k.mr, k.nr); pm < 2 {
						t.Fatalf("%s %v, %d workers: the per-worker grid has one band of rows; the shared path would not be taken", k.name, c, w)
					}
					SetThreads(w)
					got := clone(c0)
					kernelGemm(k)(c.transA, c.transB, m, n, kk, c.alpha, c.a, c.lda, c.b, c.ldb, c.beta, got[c.cOff:], c.ldc)
					if !sameBits(got, want) {
						t.Fatalf("%s (kc %d, mc %d, nc %d) %v: %d workers differ from one", k.name, kc, mc, nc, c, w)
					}
				}
			}
		}
	})
}

// TestSgemmSharedNoAllocs checks that the shared path allocates nothing in
// steady state.
func TestSgemmSharedNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	defer SetThreads(SetThreads(sgemmSharedMinWorkers))
	rng := rand.New(rand.NewPCG(23, 24))
	m, n, k := 130, 150, 300
	a, b, c := randFloats(rng, m*k), randFloats(rng, k*n), make([]float32, m*n)
	f := func() { Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n) }
	f()
	if got := testing.AllocsPerRun(10, f); got != 0 {
		t.Errorf("%d workers, %dx%dx%d: %v allocations per call, want 0", sgemmSharedMinWorkers, m, n, k, got)
	}
}
