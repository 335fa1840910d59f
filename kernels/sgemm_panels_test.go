// This file tests the panel-claiming path (sgemm_panels.go): the shapes it
// takes, its results against the reference, its bits against the
// per-worker grid's on any worker count, and the claims that share out its
// panels.

package kernels

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
)

// TestSgemmPanels runs shapes that take the path (checked) with each
// kernel, op(A) plain and transposed, every beta: against the reference on
// one worker, then the same bits on 2, 3 and 7 and on the per-worker grid.
func TestSgemmPanels(t *testing.T) {
	defer SetThreads(SetThreads(1))
	forEachKernel(t, func(t *testing.T, kr *sgemmKernel) {
		rng := rand.New(rand.NewPCG(31, 32))
		kc, mc, _ := kr.blocking()
		// Eight panels a worker at least: one worker takes 8*nr columns,
		// two leave them to the grid.
		if j := (&sgemmJob{kr: kr, m: mc, n: 8 * kr.nr, k: kc}); !j.usePanels(1) || j.usePanels(2) {
			t.Fatalf("%s: %d panels on 1 and 2 workers: %v, %v; want the path on one only", kr.name, 8, j.usePanels(1), j.usePanels(2))
		}
		// n+3 (B's leading dimension) is never a multiple of 16, so that B
		// is not read in place (directB) with few rows.
		// The path takes the first two on up to 7 workers, the others on
		// fewer (then the grid computes them: the same bits).
		shapes := [][3]int{{mc, 56*kr.nr + 3, kc}, {min(mc, 37), 57*kr.nr + 1, 70}, {mc - 1, 300, kc - 7}, {kr.mr + 1, 9*kr.nr + 5, 129}, {mc - kr.mr + 1, 8*kr.nr + 1, 65}}
		for i, sh := range shapes {
			m, n, k := sh[0], sh[1], sh[2]
			c := newSgemmCase(rng, i%2 == 1, false, m, n, k, 0.75, scalars[i%3], 3)
			w := 1
			if i < 2 {
				w = 7
			}
			if j := (&sgemmJob{kr: kr, transA: c.transA, m: m, n: n, k: k}); !j.usePanels(w) {
				t.Fatalf("%s %v: not on the panel path with %d workers", kr.name, c, w)
			}
			c0 := clone(c.c)
			SetThreads(1)
			c.run(t, kernelGemm(kr))
			want := clone(c.c)
			for _, w := range []int{2, 3, 7} {
				SetThreads(w)
				got := clone(c0)
				kernelGemm(kr)(c.transA, false, m, n, k, c.alpha, c.a, c.lda, c.b, c.ldb, c.beta, got[c.cOff:], c.ldc)
				if !sameBits(got, want) {
					t.Fatalf("%s %v: %d workers differ from one", kr.name, c, w)
				}
			}
			sgemmPanels = false
			SetThreads(2)
			got := clone(c0)
			kernelGemm(kr)(c.transA, false, m, n, k, c.alpha, c.a, c.lda, c.b, c.ldb, c.beta, got[c.cOff:], c.ldc)
			sgemmPanels = true
			if !sameBits(got, want) {
				t.Fatalf("%s %v: the per-worker grid's bits differ", kr.name, c)
			}
		}
	})
}

// TestSgemmPanelClaims has w goroutines claim panels as the path's workers
// do, concurrently: every panel is claimed exactly once, and a worker walks
// its own segment forward and the others' backward.
func TestSgemmPanelClaims(t *testing.T) {
	for _, tn := range []int{1, 5, 1000} {
		for _, w := range []int{1, 2, 3, 7} {
			w := min(w, tn)
			var j sgemmJob
			j.initSegs(tn, w)
			counts := make([]atomic.Int32, tn)
			var wg sync.WaitGroup
			for lo := range w {
				wg.Add(1)
				go func() {
					defer wg.Done()
					last, lastDir := -1, 0
					for d := 0; ; {
						p, dir := j.nextClaim(lo, &d)
						if p < 0 {
							return
						}
						counts[p].Add(1)
						if own := p >= lo*tn/w && p < (lo+1)*tn/w; own != (dir == 1) {
							t.Errorf("tn %d, w %d: worker %d took panel %d going %d", tn, w, lo, p, dir)
						}
						if dir == lastDir && dir == 1 && p != last+1 {
							t.Errorf("tn %d, w %d: worker %d went from panel %d to %d in its own segment", tn, w, lo, last, p)
						}
						last, lastDir = p, dir
					}
				}()
			}
			wg.Wait()
			for p := range counts {
				if c := counts[p].Load(); c != 1 {
					t.Fatalf("tn %d, w %d: panel %d claimed %d times", tn, w, p, c)
				}
			}
		}
	}
}
