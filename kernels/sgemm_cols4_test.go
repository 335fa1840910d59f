package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSgemmCols4Bits checks each kernel's cols4 (two packed row panels of
// op(A), apart in memory, times the first four columns of a B panel) against
// what it stands in for: the half kernel on each panel into a tile, then mergeTile. The
// 4×12 corner of C must get the same bits for every kc (odd, prime, a
// multiple of the unroll), beta 0, 1, -0.5 and 0.3 (NaN in C with beta 0; 0.3 rounds beta*C) and B
// rows further apart than 16, and C's other columns and rows must stay
// untouched.
func TestSgemmCols4Bits(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, kr := range sgemmKernels() {
		if kr.cols4 == nil {
			continue
		}
		t.Run("kernel="+kr.name, func(t *testing.T) {
			mr := kr.mr
			for _, kc := range []int{1, 2, 3, 4, 5, 7, 16, 31, 97, 256} {
				for _, ldb := range []int{kr.nr, 37} {
					for _, beta := range []float32{0, 1, -0.5, 0.3} {
						// Two panels apart (as the shared path's may be), each with
						// the two floats the kernel reads past it.
						a, a2 := randFloats(rng, mr*kc+2), randFloats(rng, mr*kc+2)
						b := randFloats(rng, (kc-1)*ldb+kr.nr)
						const ldc = 9
						c := randFloats(rng, (2*mr+1)*ldc)
						if beta == 0 {
							for i := range c {
								c[i] = float32(math.NaN())
							}
						}
						got, want := clone(c), clone(c)
						kr.cols4(kc, &a[0], &a2[0], &b[0], ldb, &got[0], ldc, 0.75, beta)
						tile := make([]float32, mr*kr.nr)
						for q, ap := range [][]float32{a, a2} {
							kr.half(kc, &ap[0], &b[0], ldb, &tile[0], kr.nr, 0.75, 0)
							mergeTile(tile, kr.nr, want[q*mr*ldc:], ldc, mr, 4, beta)
						}
						for i := range got {
							if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
								t.Fatalf("kc=%d ldb=%d beta=%v: C[%d][%d] = %v, want %v (the half kernel and mergeTile)",
									kc, ldb, beta, i/ldc, i%ldc, got[i], want[i])
							}
						}
					}
				}
			}
		})
	}
}
