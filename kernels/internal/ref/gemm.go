// Package ref holds naive reference implementations of gocnn's kernels. They
// accumulate in float64, follow the definitions literally and are never
// optimised: tests of the generic and assembly kernels (and of nn layers)
// compare against them.
package ref

// This file holds the GEMM reference.

// Sgemm computes C = alpha*op(A)*op(B) + beta*C on row-major matrices, where
// op(X) is X or its transpose, op(A) is m×k, op(B) is k×n and C is m×n. Sums
// run in float64 in order p = 0..k-1 and are rounded once. As in BLAS, C is
// not read when beta == 0 (NaN in C is overwritten) and A, B are not read when
// alpha == 0 or k == 0. Arguments are trusted: this is a test oracle.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			if alpha != 0 {
				for p := 0; p < k; p++ {
					s += float64(At(transA, a, lda, i, p)) * float64(At(transB, b, ldb, p, j))
				}
			}
			v := float64(alpha) * s
			if beta != 0 {
				v += float64(beta) * float64(c[i*ldc+j])
			}
			c[i*ldc+j] = float32(v)
		}
	}
}

// SgemmAbsBound returns, for element (i, j) of an Sgemm result, the sum
// |alpha|*Σ|op(A)[i,p]*op(B)[p,j]| + |beta*C[i,j]|: the scale against which a
// float32 implementation's rounding error is measured (the error of a float32
// sum of k terms is at most about k*eps times this bound).
func SgemmAbsBound(transA, transB bool, i, j, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) float64 {
	var s float64
	if alpha != 0 {
		for p := 0; p < k; p++ {
			x := float64(At(transA, a, lda, i, p)) * float64(At(transB, b, ldb, p, j))
			if x < 0 {
				x = -x
			}
			s += x
		}
	}
	s *= abs64(float64(alpha))
	if beta != 0 {
		s += abs64(float64(beta) * float64(c[i*ldc+j]))
	}
	return s
}

// At returns element (r, col) of op(X) for a row-major X with leading dimension
// ld: X[r*ld+col], or X[col*ld+r] when trans is set.
func At(trans bool, x []float32, ld, r, col int) float32 {
	if trans {
		return x[col*ld+r]
	}
	return x[r*ld+col]
}

func abs64(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
