// This file benchmarks Sgemm per implementation on the shapes issue 3 asks
// for (squares, VGG16 convolutions as GEMM, VGG16 FC layers at batch 8),
// side by side with gonum's pure-Go Sgemm. Run, for example:
//
//	go test -run '^$' -bench 'Sgemm/m=1024,n=1024,k=1024/' -cpu 1,2 ./kernels/
//
// -cpu sets GOMAXPROCS and so the worker count.

package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// benchShapes are (m, n, k, transB) of C(m×n) = A(m×k)·op(B): NN, and
// the FC layers also NT, the layout of nn.Linear's forward (weights
// [out][in], the dot-product path).
var benchShapes = []benchShape{
	{256, 256, 256, false}, {512, 512, 512, false}, {1024, 1024, 1024, false}, {2048, 2048, 2048, false},
	{64, 50176, 27, false}, {64, 50176, 576, false}, {128, 12544, 1152, false}, {256, 3136, 2304, false},
	{512, 784, 4608, false}, {512, 196, 4608, false},
	{8, 4096, 25088, false}, {8, 4096, 4096, false},
	{8, 4096, 25088, true}, {8, 4096, 4096, true},
}

// benchShape is a product C(m×n) = A(m×k)·op(B) to benchmark.
type benchShape struct {
	m, n, k int
	transB  bool
}

// run runs fn as the sub-benchmark named after the shape, with random
// operands, B's leading dimension and transpose for gonum, and the
// product's floating-point operations.
func (sh benchShape) run(b *testing.B, seed uint64, fn func(b *testing.B, a, bb, c []float32, ldb int,
	opB blas.Transpose, flops float64)) {
	m, n, k := sh.m, sh.n, sh.k
	name := fmt.Sprintf("m=%d,n=%d,k=%d", m, n, k)
	ldb, opB := n, blas.NoTrans
	if sh.transB {
		name += ",transb"
		ldb, opB = k, blas.Trans
	}
	b.Run(name, func(b *testing.B) {
		rng := rand.New(rand.NewPCG(seed, seed))
		a, bb, c := randFloats(rng, m*k), randFloats(rng, k*n), make([]float32, m*n)
		fn(b, a, bb, c, ldb, opB, 2*float64(m)*float64(n)*float64(k))
	})
}

func BenchmarkSgemm(b *testing.B) {
	for _, sh := range benchShapes {
		m, n, k, tb := sh.m, sh.n, sh.k, sh.transB
		sh.run(b, 1, func(b *testing.B, a, bb, c []float32, ldb int, opB blas.Transpose, flops float64) {
			for _, kr := range sgemmKernels() {
				b.Run("impl="+kr.name, func(b *testing.B) {
					if kr == &genericKernel && flops > 2e9 {
						b.Skip("pure Go on a large shape: minutes")
					}
					benchFlops(b, flops, func() { sgemm(kr, false, tb, m, n, k, 1, a, k, bb, ldb, 0, c, n) })
				})
			}
			b.Run("impl=gonum", func(b *testing.B) {
				var impl gonum.Implementation
				benchFlops(b, flops, func() { impl.Sgemm(blas.NoTrans, opB, m, n, k, 1, a, k, bb, ldb, 0, c, n) })
			})
		})
	}
}
