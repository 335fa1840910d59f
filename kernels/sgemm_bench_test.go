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

// benchShapes are (m, n, k) of C(m×n) = A(m×k)·B(k×n), all NN.
var benchShapes = [][3]int{
	{256, 256, 256}, {512, 512, 512}, {1024, 1024, 1024}, {2048, 2048, 2048},
	{64, 50176, 27}, {64, 50176, 576}, {128, 12544, 1152}, {256, 3136, 2304},
	{512, 784, 4608}, {512, 196, 4608},
	{8, 4096, 25088}, {8, 4096, 4096},
}

func BenchmarkSgemm(b *testing.B) {
	for _, sh := range benchShapes {
		m, n, k := sh[0], sh[1], sh[2]
		b.Run(fmt.Sprintf("m=%d,n=%d,k=%d", m, n, k), func(b *testing.B) {
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
					run(b, func() { sgemm(kr, false, false, m, n, k, 1, a, k, bb, n, 0, c, n) })
				})
			}
			b.Run("impl=gonum", func(b *testing.B) {
				var impl gonum.Implementation
				run(b, func() {
					impl.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, bb, n, 0, c, n)
				})
			})
		})
	}
}
