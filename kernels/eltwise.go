// This file holds the carrier that lets the element-wise and pooling
// kernels go parallel without allocating: a closure handed to ParallelFor
// escapes to the heap on every call, so each call instead fills a pooled job
// (its operands plus a plain function for one range) whose bound run method
// was created once.

package kernels

import "sync"

// eltJob is one element-wise call: its operands and the function that
// processes the range [lo, hi) of its work items.
type eltJob struct {
	body       func(j *eltJob, lo, hi int)
	a, b, c, d []float32
	e, f, g, h []float32
	mask       []uint8
	idx        []int32
	n          [6]int
	x0         float32
	seed       uint64
	p          ConvParams
	flag       bool
	run        func(lo, hi int) // j.do, bound once
}

func (j *eltJob) do(lo, hi int) { j.body(j, lo, hi) }

var eltJobs = sync.Pool{New: func() any {
	j := new(eltJob)
	j.run = j.do
	return j
}}

// newElt returns a pooled job that will run body.
func newElt(body func(j *eltJob, lo, hi int)) *eltJob {
	j := eltJobs.Get().(*eltJob)
	j.body = body
	return j
}

// parallel runs j.body over [0, n) in ranges of at least grain, then clears
// j (dropping its references to the operands) and returns it to the pool.
func (j *eltJob) parallel(n, grain int) {
	ParallelFor(n, grain, j.run)
	run := j.run
	*j = eltJob{run: run}
	eltJobs.Put(j)
}
