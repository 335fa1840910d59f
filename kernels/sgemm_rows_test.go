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
// 2 and 3 workers giving the bits of one (one worker's calls read whole
// rows, so that the far kernels also ask for the next rows, ahead; three
// split the columns, and they do not). It also checks that useRows
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
				checkWorkers(t, c, kr, 2, 3)
			}
		}
		for _, s := range [][3]int{{4, 16, 20000}, {6, 256, 512}} {
			if j := (sgemmJob{kr: kr, m: s[0], n: s[1], k: s[2]}); j.useRows() {
				t.Errorf("m=%d n=%d k=%d: the rows path, want the general one", s[0], s[1], s[2])
			}
		}
	})
}

// TestSgemmRowsFewRowsInL3 checks the rows path with fewer than eight rows
// of C and B in L3 (L3 taken as very large through sgemmFarBytes): B just
// larger than L2 with its rows not a multiple of 16 floats apart (the
// general path would pack it), k >= 256, m = 1 (the one-row kernel, twelve
// vectors a call, and the four-row one on the six left), 4 (the four-row
// kernel without prefetches) and 6, against the reference on every kernel,
// 2 workers giving the bits of one; and that useRows leaves the same shape
// to the general path when B's rows are 16 floats apart (but for m = 1),
// or B fits in L2, or k < 256.
func TestSgemmRowsFewRowsInL3(t *testing.T) {
	defer func(old int) { sgemmFarBytes = old }(sgemmFarBytes)
	sgemmFarBytes = 1 << 40
	defer SetThreads(SetThreads(1))
	_, l2, _ := cacheSizes()
	const k = 300
	n := l2/(4*k) + 40
	if (n+1)%16 == 0 {
		n++
	}
	forEachKernel(t, func(t *testing.T, kr *sgemmKernel) {
		rng := rand.New(rand.NewPCG(43, 44))
		for _, m := range []int{1, 4, 6} {
			c := newSgemmCase(rng, false, false, m, n, k, 1, scalars[m%3], 1) // ldb = n+1
			j := sgemmJob{kr: kr, m: m, n: n, k: k, ldb: c.ldb}
			if got := j.useRows(); got != (kr.rows != nil) {
				t.Fatalf("m=%d n=%d k=%d ldb=%d: useRows %v with kr.rows set %v", m, n, k, c.ldb, got, kr.rows != nil)
			}
			checkWorkers(t, c, kr, 2)
			for i, s := range [][4]int{{n, k, (n + 15) / 16 * 16}, {n / 4, k, n/4 + 1}, {n * 5, 250, n*5 + 1}} {
				want := i == 0 && m == 1 && kr.rows != nil // one row of C: B read in place too
				if j := (sgemmJob{kr: kr, m: m, n: s[0], k: s[1], ldb: s[2]}); j.useRows() != want {
					t.Errorf("m=%d n=%d k=%d ldb=%d: useRows %v, want %v", m, s[0], s[1], s[2], !want, want)
				}
			}
		}
	})
}

// checkWorkers runs case c with kernel kr on one worker and then on each
// count in workers, each time from the same C, against the reference, and
// fails unless every count gives the bits of one worker.
func checkWorkers(t *testing.T, c *sgemmCase, kr *sgemmKernel, workers ...int) {
	t.Helper()
	c0 := clone(c.c)
	SetThreads(1)
	want := c.run(t, kernelGemm(kr))
	for _, w := range workers {
		SetThreads(w)
		copy(c.c, c0)
		if got := c.run(t, kernelGemm(kr)); !sameBits(got, want) {
			t.Fatalf("%v: %d workers differ from 1 worker", c, w)
		}
	}
}
