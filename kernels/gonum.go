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
// parallel micro-kernels (the active ISA, Threads() workers); every other
// routine is gonum's native pure-Go implementation, embedded. Sgemv is left
// to gonum: a matrix-vector product streams A once and gains nothing from
// GEMM blocking. The zero value is ready to use.
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
