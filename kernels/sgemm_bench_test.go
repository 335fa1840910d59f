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
var benchShapes = []struct {
	m, n, k int
	transB  bool
}{
	{256, 256, 256, false}, {512, 512, 512, false}, {1024, 1024, 1024, false}, {2048, 2048, 2048, false},
	{64, 50176, 27, false}, {64, 50176, 576, false}, {128, 12544, 1152, false}, {256, 3136, 2304, false},
	{512, 784, 4608, false}, {512, 196, 4608, false},
	{8, 4096, 25088, false}, {8, 4096, 4096, false},
	{8, 4096, 25088, true}, {8, 4096, 4096, true},
}

func BenchmarkSgemm(b *testing.B) {
	for _, sh := range benchShapes {
		m, n, k, tb := sh.m, sh.n, sh.k, sh.transB
		name := fmt.Sprintf("m=%d,n=%d,k=%d", m, n, k)
		ldb, opB := n, blas.NoTrans
		if tb {
			name += ",transb"
			ldb, opB = k, blas.Trans
		}
		b.Run(name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			a, bb, c := randFloats(rng, m*k), randFloats(rng, k*n), make([]float32, m*n)
			flops := 2 * float64(m) * float64(n) * float64(k)
			run := func(b *testing.B, f func()) {
				b.ReportAllocs()
				f() // warm-up: packing buffers, page faults
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					f()
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			}
			for _, kr := range sgemmKernels() {
				b.Run("impl="+kr.name, func(b *testing.B) {
					if kr == &genericKernel && flops > 2e9 {
						b.Skip("pure Go on a large shape: minutes")
					}
					run(b, func() { sgemm(kr, false, tb, m, n, k, 1, a, k, bb, ldb, 0, c, n) })
				})
			}
			b.Run("impl=gonum", func(b *testing.B) {
				var impl gonum.Implementation
				run(b, func() {
					impl.Sgemm(blas.NoTrans, opB, m, n, k, 1, a, k, bb, ldb, 0, c, n)
				})
			})
		})
	}
}
