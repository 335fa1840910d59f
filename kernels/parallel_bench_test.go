// This file benchmarks how the helpers' polling (SetSpinWait) serves a
// parallel product that follows other work of the caller's, as the layers of
// a training step follow each other. Run on several cores, for example:
//
//	go test -run '^$' -bench SgemmAfterWork -cpu 2 ./kernels/

package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkSgemmAfterWork times 256x256x256 right after the caller spent
// work (200 us or 2 ms) on other things, with the helpers polling for
// DefaultSpinWait (50 us) or 2 ms (what gocnn's model commands set);
// GFLOP/s counts the products' time only.
func BenchmarkSgemmAfterWork(b *testing.B) {
	const m, n, k = 256, 256, 256
	rng := rand.New(rand.NewPCG(5, 5))
	a, bb, c := randFloats(rng, m*k), randFloats(rng, k*n), make([]float32, m*n)
	scratch := make([]float32, 4096)
	for _, work := range []time.Duration{200 * time.Microsecond, 2 * time.Millisecond} {
		for _, spin := range []time.Duration{DefaultSpinWait, 2 * time.Millisecond} {
			b.Run(fmt.Sprintf("work=%v/spin=%v", work, spin), func(b *testing.B) {
				defer SetSpinWait(SetSpinWait(spin))
				Sgemm(false, false, m, n, k, 1, a, k, bb, n, 0, c, n)
				var inGemm time.Duration
				for range b.N {
					for t0 := time.Now(); time.Since(t0) < work; {
						for i := range scratch {
							scratch[i] = scratch[i]*0.5 + 1
						}
					}
					t0 := time.Now()
					Sgemm(false, false, m, n, k, 1, a, k, bb, n, 0, c, n)
					inGemm += time.Since(t0)
				}
				b.ReportMetric(2*m*n*k*float64(b.N)/inGemm.Seconds()/1e9, "GFLOP/s")
				b.ReportMetric(float64(inGemm.Microseconds())/float64(b.N), "us/product")
			})
		}
	}
}
