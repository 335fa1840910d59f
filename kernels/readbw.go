// This file holds the memory-read probe: it measures how fast this machine
// streams memory now, so that a benchmark of a memory-bound shape (the FC
// layers at small batch read each weight once) can state its ceiling and
// the percentage of it reached, measured in the same sitting, instead of
// quoting a bandwidth measured on another day or machine.

package kernels

import "runtime"

// ReadBandwidth returns the rate, in GB/s (1e9 bytes per second), at which
// threads goroutines, each locked to an OS thread, read disjoint parts of a
// buffer of about bytes bytes (at least 1 MiB) with wide loads, summing
// them: the best of reps passes after one untimed pass that faults the pages
// in (noise from other processes only lowers a pass, as with FMAPeak). A
// buffer larger than the last-level cache measures memory, a smaller one the
// cache it fits in. With the assembly compiled out it measures the pure-Go
// loop, which may be slower than memory.
func ReadBandwidth(bytes, threads, reps int) float64 {
	p := NewReadProbe(bytes, threads)
	best := 0.0
	for r := 0; r < max(reps, 1); r++ {
		best = max(best, p.Pass())
	}
	return best
}

// ReadProbe is ReadBandwidth's buffer and threads, kept so that single
// passes can be timed between other work: a benchmark of a memory-bound
// kernel pairs each of its runs with a pass, so that both see the same
// load from other processes.
type ReadProbe struct {
	x       []float32
	threads int
	sink    float32
}

// NewReadProbe allocates the buffer of about bytes bytes (at least 1 MiB)
// that threads goroutines will read, and reads it once, untimed, to fault
// its pages in.
func NewReadProbe(bytes, threads int) *ReadProbe {
	threads = max(threads, 1)
	n := max(bytes, 1<<20) / 4 / (readChunk * threads) * (readChunk * threads)
	p := &ReadProbe{x: alignedFloats(n), threads: threads}
	for i := range p.x {
		p.x[i] = float32(i & 7)
	}
	p.Pass()
	return p
}

// Pass reads the buffer once and returns the rate, in GB/s.
func (p *ReadProbe) Pass() float64 {
	per := len(p.x) / p.threads
	sums := make([]float32, p.threads)
	_, el := onLockedThreads(p.threads, func(t int) { sums[t] = readSum(p.x[t*per : (t+1)*per]) })
	for _, s := range sums {
		p.sink += s
	}
	runtime.KeepAlive(p.sink)
	return float64(len(p.x)) * 4 / el.Seconds() / 1e9
}

// readChunk is the floats readSum's loops take per step: len(x) passed to
// it is a multiple of readChunk.
const readChunk = 64

// readSumGeneric returns the sum of x (len(x) a multiple of readChunk) in
// eight independent chains.
func readSumGeneric(x []float32) float32 {
	var s [8]float32
	for i := 0; i+8 <= len(x); i += 8 {
		v := (*[8]float32)(x[i : i+8])
		s[0] += v[0]
		s[1] += v[1]
		s[2] += v[2]
		s[3] += v[3]
		s[4] += v[4]
		s[5] += v[5]
		s[6] += v[6]
		s[7] += v[7]
	}
	return s[0] + s[1] + s[2] + s[3] + s[4] + s[5] + s[6] + s[7]
}
