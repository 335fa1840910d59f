//go:build !amd64 || purego

// This file runs the pure-Go FMA probe where the assembly is compiled out.

package kernels

import "runtime"

// fmaPeakFlopsPerIter is the flops of one fmaPeakLoopGeneric iteration.
const fmaPeakFlopsPerIter = 12 * 2

// fmaPeakLoop runs the generic probe; its sums must be computed.
func fmaPeakLoop(iters int) { runtime.KeepAlive(fmaPeakLoopGeneric(iters)) }
