// This file holds the FMA-throughput probe: it measures this machine's
// single-precision peak so that benchmarks can say "84% of peak" anywhere,
// instead of quoting a figure measured on another CPU.

package kernels

import (
	"runtime"
	"sync"
	"time"
)

// fmaPeakIters is the number of loop iterations of one probe run (each does
// fmaPeakFlopsPerIter flops): about 10 ms on a 3 GHz core.
const fmaPeakIters = 1 << 21

// FMAPeak returns the single-precision multiply-add peak of threads cores in
// GFLOP/s, measured now: threads goroutines, each locked to an OS thread, run
// independent FMA chains (12 registers, longer than latency × ports on every
// x86 core) for about 10 ms; the best of reps runs counts (noise from other
// processes only lowers a run). With the assembly compiled out it measures the
// pure-Go loop instead, which is the generic kernels' ceiling, not the CPU's.
func FMAPeak(threads, reps int) float64 {
	threads, reps = max(threads, 1), max(reps, 1)
	best := 0.0
	for r := 0; r < reps; r++ {
		elapsed, _ := onLockedThreads(threads, func(int) { fmaPeakLoop(fmaPeakIters) })
		gf := 0.0
		for _, e := range elapsed {
			gf += float64(fmaPeakIters) * fmaPeakFlopsPerIter / e.Seconds() / 1e9
		}
		best = max(best, gf)
	}
	return best
}

// onLockedThreads runs f(t) for t < threads on as many goroutines, each
// locked to an OS thread and all released at once, and returns each one's
// run time and the wall time until the last finished: the harness of the
// machine probes (FMAPeak, ReadBandwidth).
func onLockedThreads(threads int, f func(t int)) (each []time.Duration, wall time.Duration) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	each = make([]time.Duration, threads)
	for t := 0; t < threads; t++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			<-start
			t0 := time.Now()
			f(t)
			each[t] = time.Since(t0)
		}()
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	return each, time.Since(t0)
}

// fmaPeakLoopGeneric is the pure-Go probe: 12 independent scalar
// multiply-add chains, iters times. It returns a sum so the loop stays.
func fmaPeakLoopGeneric(iters int) float32 {
	const a, b = float32(0.9999999), float32(1e-7)
	var c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11 float32 = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
	for i := 0; i < iters; i++ {
		c0, c1, c2, c3 = c0*a+b, c1*a+b, c2*a+b, c3*a+b
		c4, c5, c6, c7 = c4*a+b, c5*a+b, c6*a+b, c7*a+b
		c8, c9, c10, c11 = c8*a+b, c9*a+b, c10*a+b, c11*a+b
	}
	return c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11
}
