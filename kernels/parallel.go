// This file holds the one helper that splits kernel work across goroutines.
// Work is split by output ownership: each index range has one writer, so no
// locks are needed and sums are deterministic for a given worker count.
//
// The helpers are a persistent pool of goroutines, started on first need and
// never stopped, so that ParallelFor allocates nothing in steady state (a
// training step must not allocate). A helper that runs out of work, and a
// caller waiting for its helpers, poll for a while (SetSpinWait) before they
// block: waking a parked goroutine on an idle core took long enough here to
// eat most of a small product's parallel gain (256x256x256 on 2 threads:
// 86-90 GFLOP/s medians without the polling, 142-145 with it; a VGG training
// step at 32x32 the same within noise). The wait covers the gaps between
// calls too, when it is longer than they are: on a 2-core Zen 4 VM, 256^3
// on 2 threads right after the caller's own 2 ms of other work took 390-430
// us with the default 50 us of polling (more than one thread's 340: the late
// helper still took half the product), 230-250 with 3 ms, against 190 back
// to back; after 200 us of other work 286-330 against 170-197 with 0.5-3 ms
// (interleaved in one process). Sgemm's panel path (sgemm_panels.go) since
// lets a late helper take less (BenchmarkSgemmAfterWork, 200 us of work: 50
// us of polling 134-144 GFLOP/s, 2 ms 194-198). Polling has a price,
// though (see SetSpinWait), so the default stays short. A caller
// always works on its own task and, while it waits, helps with whatever is
// queued; so a ParallelFor nested in another one's fn (discouraged, but
// possible through library calls) cannot deadlock, it just runs with fewer
// helpers.

package kernels

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
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

// spinNanos is how long, in nanoseconds, an idle helper or a waiting caller
// polls before it blocks (see SetSpinWait).
var spinNanos atomic.Int64

func init() { spinNanos.Store(int64(DefaultSpinWait)) }

// DefaultSpinWait is the polling time kernels start with: enough for
// back-to-back calls, short enough not to hold processors from other
// goroutines (see SetSpinWait).
const DefaultSpinWait = 50 * time.Microsecond

// SetSpinWait sets how long a helper goroutine with no work, and a caller
// waiting for its helpers, keep polling (yielding their processor between
// polls) before they block; d <= 0 makes them block at once. Polling keeps
// a core busy for up to d after the last parallel call, and spares the next
// call the time the operating system takes to wake a parked thread, which
// on a virtual machine can exceed a small product's whole run; but a
// polling helper holds its processor against the process's other
// goroutines (it yields to the global run queue, where it finds itself
// again, so its processor steals no work from the others): gonum's Sgemm
// on 2 threads, run between gocnn's products, fell from 22-25 to 12-14
// GFLOP/s (256^3) with 2 ms of polling. Raise it for a process that runs
// parallel kernels with short serial gaps and little else. It returns the
// previous setting.
func SetSpinWait(d time.Duration) time.Duration {
	return time.Duration(spinNanos.Swap(int64(max(d, 0))))
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
	parallelRun(n, w, w, fn)
}

// parallelParts calls fn(i, i+1) for each i in [0, parts), each part on
// whichever of at most w goroutines (the caller among them) claims it
// next, so that a worker slowed down by other processes takes fewer parts
// and the rest are not held up by it. It returns when every part is done.
func parallelParts(parts, w int, fn func(lo, hi int)) {
	w = min(w, parts)
	if w <= 1 {
		fn(0, parts)
		return
	}
	parallelRun(parts, parts, w, fn)
}

// parallelRun calls fn on the parts ranges [i*n/parts, (i+1)*n/parts),
// claimed in turn by the caller and w-1 helpers.
func parallelRun(n, parts, w int, fn func(lo, hi int)) {
	t := pfTasks.get()
	t.fn, t.n, t.parts = fn, n, parts
	t.next.Store(0)
	t.pending.Store(int64(parts))
	t.refs.Store(1) // the caller's reference
	pool.ensure(w - 1)
	for i := 1; i < w; i++ {
		t.refs.Add(1)
		select {
		case pool.work <- t:
		default: // every queue slot taken: the caller and current helpers do it
			t.refs.Add(-1)
			i = w
		}
	}
	t.run()
	// Wait for every range to finish, helping with queued tasks meanwhile.
	pool.waitHelping(t.allDone)
	// Wait until no helper still holds t, then recycle it.
	if t.refs.Add(-1) != 0 {
		pool.waitHelping(t.released)
	}
	t.fn = nil
	pfTasks.put(t)
}

// pfTask is one ParallelFor or parallelParts call: parts ranges of [0, n),
// claimed in turn by the caller and by helpers. Its channels are created
// once and reused.
type pfTask struct {
	fn       func(lo, hi int)
	n, parts int
	next     atomic.Int64  // next range index to claim
	pending  atomic.Int64  // ranges not yet finished
	refs     atomic.Int64  // goroutines (caller and helpers) holding the task
	allDone  chan struct{} // receives once when pending reaches 0
	released chan struct{} // receives once when a helper drops the last ref
}

var pfTasks = newFreeList(64, func() *pfTask {
	return &pfTask{allDone: make(chan struct{}, 1), released: make(chan struct{}, 1)}
})

// freeList keeps up to cap(ch) reusable objects. Unlike a sync.Pool it is
// not emptied by the garbage collector, so a kernel that reuses its scratch
// space allocates nothing in steady state even when collections run (with
// a pool, each collection dropped multi-megabyte packing buffers, which
// were then allocated again, which brought on the next collection).
type freeList[T any] struct {
	ch  chan *T
	new func() *T
}

func newFreeList[T any](n int, new func() *T) *freeList[T] {
	return &freeList[T]{ch: make(chan *T, n), new: new}
}

// get returns a kept object, or a new one when none is kept.
func (f *freeList[T]) get() *T {
	select {
	case x := <-f.ch:
		return x
	default:
		return f.new()
	}
}

// put keeps x for a later get, or drops it when the list is full.
func (f *freeList[T]) put(x *T) {
	select {
	case f.ch <- x:
	default:
	}
}

// run claims and runs ranges until none is left.
func (t *pfTask) run() {
	for {
		i := int(t.next.Add(1) - 1)
		if i >= t.parts {
			return
		}
		t.fn(i*t.n/t.parts, (i+1)*t.n/t.parts)
		if t.pending.Add(-1) == 0 {
			t.allDone <- struct{}{}
		}
	}
}

// help runs t's remaining ranges on behalf of a helper and drops the helper's
// reference.
func (t *pfTask) help() {
	t.run()
	if t.refs.Add(-1) == 0 {
		t.released <- struct{}{}
	}
}

// workerPool is the set of persistent helper goroutines.
type workerPool struct {
	mu      sync.Mutex
	started int
	work    chan *pfTask
}

// maxQueued bounds the number of queued task references.
const maxQueued = 1024

var pool = workerPool{work: make(chan *pfTask, maxQueued)}

// ensure starts helpers until at least n are running.
func (p *workerPool) ensure(n int) {
	p.mu.Lock()
	for p.started < n {
		p.started++
		go func() {
			for {
				t := p.poll()
				if t == nil {
					t = <-p.work
				}
				t.help()
			}
		}()
	}
	p.mu.Unlock()
}

// poll returns a queued task, polling for up to the spin wait, or nil. It
// yields its processor between polls, to goroutines queued on that
// processor (not to those queued on others: see SetSpinWait).
func (p *workerPool) poll() *pfTask {
	start, wait := time.Now(), time.Duration(spinNanos.Load())
	for {
		select {
		case t := <-p.work:
			return t
		default:
		}
		if time.Since(start) > wait {
			return nil
		}
		runtime.Gosched()
	}
}

// waitHelping blocks until done receives, running queued tasks meanwhile.
func (p *workerPool) waitHelping(done chan struct{}) {
	wait := time.Duration(spinNanos.Load())
	for start := time.Now(); time.Since(start) <= wait; {
		select {
		case <-done:
			return
		case o := <-p.work:
			o.help()
			start = time.Now()
		default:
			runtime.Gosched()
		}
	}
	for {
		select {
		case <-done:
			return
		case o := <-p.work:
			o.help()
		}
	}
}
