package kernels

import (
	"math/rand/v2"
	"testing"
)

// TestSgemmGemv checks the dot path's lane-summing kernels (NT, one to
// four rows of C): k with every remainder the kernels treat apart (k%16
// of 0, 1, 7, 8, 9 and 15: the 16-float blocks, an 8-float step and a
// masked tail), n = 8 (one call), 13 (a last call overlapping the one
// before) and 100 with k = 4103 (calls reading rows seven apart, then the
// rest), op(A) transposed or not, rows of B on cache lines or not, alpha
// and beta, against the reference on every kernel, with 2 and 3 workers
// giving the bits of one. It also checks that useGemv takes these shapes
// (m = 3 only with B in L3, taken as 4 MiB through sgemmFarBytes; m = 4
// with k <= 2048 and B in an eighth of it) and not m = 5 or fewer than
// eight rows of B.
func TestSgemmGemv(t *testing.T) {
	defer func(old int) { sgemmFarBytes = old }(sgemmFarBytes)
	sgemmFarBytes = 4 << 20
	defer SetThreads(SetThreads(1))
	forEachKernel(t, func(t *testing.T, kr *sgemmKernel) {
		rng := rand.New(rand.NewPCG(51, 52))
		has := kr.gemv[1] != nil
		for _, m := range []int{1, 2, 3, 4} {
			for _, nk := range [][2]int{{8, 64}, {13, 65}, {8, 71}, {13, 72}, {8, 73}, {13, 79}, {100, 1001}, {100, 4103}, {8, 4103}} {
				n, k := nk[0], nk[1]
				j := sgemmJob{kr: kr, m: m, n: n, k: k, dot: true}
				if got, want := j.useGemv(), has && (m < 4 || k <= 2048); got != want {
					t.Fatalf("m=%d n=%d k=%d: useGemv %v, want %v", m, n, k, got, want)
				}
				c := newSgemmCase(rng, k%2 == 1, true, m, n, k, -0.5, scalars[k%3], n%2)
				checkWorkers(t, c, kr, 2, 3)
			}
		}
		for _, s := range [][3]int{{3, 1100, 1000}, {4, 200, 1000}, {4, 8, 3000}, {5, 100, 1000}, {1, 7, 1000}} {
			if j := (sgemmJob{kr: kr, m: s[0], n: s[1], k: s[2], dot: true}); j.useGemv() {
				t.Errorf("m=%d n=%d k=%d: the gemv kernels, want the broadcast ones", s[0], s[1], s[2])
			}
		}
	})
}
