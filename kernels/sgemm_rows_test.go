package kernels

import (
	"math/rand/v2"
	"testing"
)

// TestSgemmRowsFewRows checks the rows path with fewer than eight rows of C
// (NN, B larger than L3, taken as 1 MiB here through sgemmFarBytes): m = 1
// to 7 (the four-row far kernel up to four rows, the eight-row one with
// op(A) zero-padded beyond), n = 24 (one group of three vectors) and 83
// (three groups, one vector and three columns left over), k with k%8 rows
// left over in one, two and five K chunks, op(A) transposed or not, rows
// of B on cache lines or not, against the reference on every kernel, and
// 2 and 3 workers giving the bits of one. It also checks that useRows
// takes these shapes and leaves 16 columns, or B in L3, to the general
// path.
func TestSgemmRowsFewRows(t *testing.T) {
	defer func(old int) { sgemmFarBytes = old }(sgemmFarBytes)
	sgemmFarBytes = 1 << 20
	defer SetThreads(SetThreads(1))
	forEachKernel(t, func(t *testing.T, kr *sgemmKernel) {
		rng := rand.New(rand.NewPCG(41, 42))
		for _, m := range []int{1, 2, 3, 4, 5, 7} {
			for _, nk := range [][2]int{{24, 12007}, {83, 3999}, {83, 4503}} {
				n, k := nk[0], nk[1]
				j := sgemmJob{kr: kr, m: m, n: n, k: k}
				if got := j.useRows(); got != (kr.rows != nil) {
					t.Fatalf("m=%d n=%d k=%d: useRows %v with kr.rows set %v", m, n, k, got, kr.rows != nil)
				}
				c := newSgemmCase(rng, m%2 == 1, false, m, n, k, -0.5, scalars[m%3], m%2)
				c0 := clone(c.c)
				SetThreads(1)
				want := c.run(t, kernelGemm(kr))
				for _, w := range []int{2, 3} {
					SetThreads(w)
					copy(c.c, c0)
					if got := c.run(t, kernelGemm(kr)); !sameBits(got, want) {
						t.Fatalf("%v: %d workers differ from 1 worker", c, w)
					}
				}
			}
		}
		for _, s := range [][3]int{{4, 16, 20000}, {6, 256, 512}} {
			if j := (sgemmJob{kr: kr, m: s[0], n: s[1], k: s[2]}); j.useRows() {
				t.Errorf("m=%d n=%d k=%d: the rows path, want the general one", s[0], s[1], s[2])
			}
		}
	})
}
