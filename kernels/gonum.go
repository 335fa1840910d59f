// This file adapts Sgemm to gonum's BLAS interface, so that a gonum user
// speeds up existing blas32 (and mat-on-float32) code with one call:
//
//	blas32.Use(kernels.Gonum{})

package kernels

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Gonum satisfies gonum's blas.Float32: Sgemm runs on gocnn's packed,
// parallel micro-kernels (the active ISA, Threads() workers), Sgemv on its
// small-m kernels where they measured faster (see Sgemv); every other
// routine is gonum's native pure-Go implementation, embedded. The zero
// value is ready to use.
type Gonum struct {
	gonum.Implementation
}

var _ blas.Float32 = Gonum{}

// Sgemm computes C = alpha*op(A)*op(B) + beta*C with gonum's row-major
// conventions; it is Sgemm with blas.Trans or blas.ConjTrans (the same for
// real matrices) as transposed. It panics on an invalid transpose or the
// argument errors Sgemm panics on.
func (Gonum) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) {
	Sgemm(gonumTrans("tA", tA), gonumTrans("tB", tB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gonumTrans maps a blas.Transpose to Sgemm's flag.
func gonumTrans(name string, t blas.Transpose) bool {
	switch t {
	case blas.NoTrans:
		return false
	case blas.Trans, blas.ConjTrans:
		return true
	}
	panic(fmt.Sprintf("kernels: Gonum.Sgemm: bad transpose %s=%d", name, t))
}

// gemvMinElems is the fewest elements of A for which Gonum.Sgemv computes
// A·x itself: on Zen 4 gonum's Sgemv was the faster on a 64x64 A (16.6
// against 11.9 GFLOP/s on one thread) and the slower from 100x300 on.
const gemvMinElems = 128 * 128

// Sgemv computes y = alpha*op(A)*x + beta*y. With unit strides it runs on
// gocnn's kernels where they measured faster than gonum's Sgemv (SSE, one
// goroutine): A·x with at least gemvMinElems elements and 64 columns in A,
// as Sgemm's one-row product with Bᵀ (the lane-summing dot kernels); Aᵀ·x
// with 256 rows and A larger than L2 but within a quarter of L3, or A
// larger than L3, as Sgemm's one-row product with B (the rows path, A read
// once). On Zen 4, GFLOP/s against gonum's on 1 and 2 threads: A·x 100x300
// 1.7-1.8x, 256x256 1.9x, 1024x1024 1.6-1.7x, 4096x4096 1.8-2.2x,
// 4096x25088 2.1-2.5x; Aᵀ·x 1024x1024 1.3-1.4x, 4096x4096 1.5-1.8x,
// 4096x25088 1.6-2.2x. With A in L2 gonum's was faster (512x512
// 0.72-0.74x), and with A of 16 MiB (half of L3, shared with other
// processes) it was on one thread (4096x1000 0.5-0.6x, 1.7-1.9x on two).
// Everything else, argument errors included, is gonum's Sgemv.
func (g Gonum) Sgemv(tA blas.Transpose, m, n int, alpha float32, a []float32, lda int,
	x []float32, incX int, beta float32, y []float32, incY int) {
	switch gemvRoute(tA, m, n, len(a), lda, len(x), incX, len(y), incY) {
	case blas.NoTrans:
		Sgemm(false, true, 1, m, n, alpha, x, n, a, lda, beta, y, m)
	case blas.Trans:
		Sgemm(false, false, 1, n, m, alpha, x, m, a, lda, beta, y, n)
	default:
		g.Implementation.Sgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
	}
}

// gemvRoute returns blas.NoTrans or blas.Trans when Gonum.Sgemv computes
// op(A)·x on gocnn's kernels (the arguments valid, the shape one where
// they pay), and 0 when gonum's Sgemv does.
func gemvRoute(tA blas.Transpose, m, n, lenA, lda, lenX, incX, lenY, incY int) blas.Transpose {
	if incX != 1 || incY != 1 || m <= 0 || n <= 0 || lda < n || lenA < lda*(m-1)+n {
		return 0
	}
	switch tA {
	case blas.NoTrans:
		if lenX >= n && lenY >= m && m*n >= gemvMinElems && n >= 64 {
			return blas.NoTrans
		}
	case blas.Trans, blas.ConjTrans:
		_, l2, _ := cacheSizes()
		bytes := int64(m) * int64(n) * 4
		inL3 := m >= 256 && bytes > int64(l2) && bytes <= l3Bytes()/4
		if lenX >= m && lenY >= n && n >= 24 && (inL3 || m >= 64 && beyondL3(bytes)) {
			return blas.Trans
		}
	}
	return 0
}
