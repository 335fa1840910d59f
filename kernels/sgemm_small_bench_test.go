// This file benchmarks the small-batch products (one to four rows of C:
// VGG16's FC layers at batch 1 and 4, and products with B in cache) and
// the gonum adapter's Sgemv, each beside gonum's own. Run, for example:
//
//	go test -run '^$' -bench 'SgemmSmallBatch|Sgemv' -cpu 1,2 ./kernels/

package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// smallBatchShapes are (m, n, k, transB): the FC forward pass N×K (transB)
// and its backward data pass (K×N) at batch 1 and 4 on fc6 and fc7, and the
// same products with B of 4 MiB (in L3).
var smallBatchShapes = []benchShape{
	{1, 4096, 25088, true}, {4, 4096, 25088, true}, {1, 25088, 4096, false}, {4, 25088, 4096, false},
	{1, 4096, 4096, true}, {1, 4096, 4096, false}, {4, 4096, 4096, false},
	{1, 1024, 1024, true}, {4, 1024, 1024, true}, {1, 1024, 1024, false}, {4, 1000, 1024, false},
}

func BenchmarkSgemmSmallBatch(b *testing.B) {
	for _, sh := range smallBatchShapes {
		m, n, k, tb := sh.m, sh.n, sh.k, sh.transB
		sh.run(b, 3, func(b *testing.B, a, bb, c []float32, ldb int, opB blas.Transpose, flops float64) {
			b.Run("impl=gocnn", func(b *testing.B) {
				benchFlops(b, flops, func() { Sgemm(false, tb, m, n, k, 1, a, k, bb, ldb, 0, c, n) })
			})
			b.Run("impl=gonum", func(b *testing.B) {
				var impl gonum.Implementation
				benchFlops(b, flops, func() { impl.Sgemm(blas.NoTrans, opB, m, n, k, 1, a, k, bb, ldb, 0, c, n) })
			})
		})
	}
}

// BenchmarkSgemv times y = op(A)·x through the adapter (kernels.Gonum) and
// through gonum's own Sgemv, on A in L2, in L3 and from memory.
func BenchmarkSgemv(b *testing.B) {
	for _, sh := range [][2]int{{256, 256}, {1024, 1024}, {4096, 1000}, {4096, 25088}} {
		m, n := sh[0], sh[1]
		rng := rand.New(rand.NewPCG(4, 4))
		a, x, y := randFloats(rng, m*n), randFloats(rng, max(m, n)), make([]float32, max(m, n))
		flops := 2 * float64(m) * float64(n)
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			for _, impl := range []struct {
				name string
				f    blas.Float32Level2
			}{{"gocnn", Gonum{}}, {"gonum", gonum.Implementation{}}} {
				b.Run(fmt.Sprintf("m=%d,n=%d,t=%c/impl=%s", m, n, tA, impl.name), func(b *testing.B) {
					benchFlops(b, flops, func() { impl.f.Sgemv(tA, m, n, 1, a, n, x, 1, 0, y, 1) })
				})
			}
		}
	}
}

// benchFlops runs f b.N times after a warm-up call (packing buffers, page
// faults) and reports GFLOP/s.
func benchFlops(b *testing.B, flops float64, f func()) {
	b.ReportAllocs()
	f()
	b.ResetTimer()
	for range b.N {
		f()
	}
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
