// This file holds the peer implementations `gocnn bench gemm -peer` times
// beside gocnn's Sgemm.

package bench

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// GemmPeers lists the implementations GemmConfig.Peer may name.
var GemmPeers = []string{"gonum"}

// gemmFunc computes C(m×n) = op(A)·op(B) (alpha 1, beta 0), row-major.
type gemmFunc func(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int)

// gemmPeers maps the names in GemmPeers (and, in tests, others) to their
// implementations.
var gemmPeers = map[string]gemmFunc{"gonum": gonumSgemm}

// gonumSgemm is gonum's pure-Go Sgemm (blas/gonum), the implementation
// blas32 uses unless told otherwise; it runs on up to GOMAXPROCS goroutines.
func gonumSgemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	var impl gonum.Implementation
	impl.Sgemm(blasOp(transA), blasOp(transB), m, n, k, 1, a, lda, b, ldb, 0, c, ldc)
}

// gemmPeer returns the implementation named name.
func gemmPeer(name string) (gemmFunc, error) {
	if f, ok := gemmPeers[name]; ok {
		return f, nil
	}
	return nil, fmt.Errorf("bench gemm: unknown peer %q (known: %v)", name, GemmPeers)
}

func blasOp(trans bool) blas.Transpose {
	if trans {
		return blas.Trans
	}
	return blas.NoTrans
}
