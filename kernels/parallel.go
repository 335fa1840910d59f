// This file holds the one helper that splits kernel work across goroutines.
// Work is split by output ownership: each index range has one writer, so no
// locks are needed and sums are deterministic for a given worker count.

package kernels

import (
	"runtime"
	"sync"
	"sync/atomic"
)

var threads atomic.Int32 // 0 means GOMAXPROCS

// SetThreads sets the number of worker goroutines kernels may use; n <= 0
// restores the default (GOMAXPROCS, which respects container CPU quotas). It
// returns the previous setting.
func SetThreads(n int) int {
	if n < 0 {
		n = 0
	}
	return int(threads.Swap(int32(n)))
}

// Threads returns the number of workers kernels use.
func Threads() int {
	if n := int(threads.Load()); n > 0 {
		return n
	}
	return runtime.GOMAXPROCS(0)
}

// ParallelFor calls fn over disjoint ranges [lo, hi) covering [0, n), using at
// most Threads() goroutines, each range at least grain long (grain <= 0 means
// 1). It runs serially in the caller when one worker suffices, and returns
// only after every call has finished. The split depends only on n, grain and
// the worker count, so results are reproducible for a given Threads().
func ParallelFor(n, grain int, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	if grain < 1 {
		grain = 1
	}
	w := Threads()
	if maxW := (n + grain - 1) / grain; w > maxW {
		w = maxW
	}
	if w <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	wg.Add(w - 1)
	for i := 1; i < w; i++ {
		lo, hi := i*n/w, (i+1)*n/w
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	fn(0, n/w)
	wg.Wait()
}
