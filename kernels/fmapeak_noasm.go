//go:build !amd64 || purego

// This file runs the pure-Go FMA probe where the assembly is compiled out.

package kernels

// fmaPeakFlopsPerIter is the flops of one fmaPeakLoopGeneric iteration.
const fmaPeakFlopsPerIter = 12 * 2

var fmaPeakSink float32

func fmaPeakLoop(iters int) { fmaPeakSink += fmaPeakLoopGeneric(iters) }
