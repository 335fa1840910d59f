//go:build !purego

// This file selects the assembly FMA probe on amd64.

package kernels

import "runtime"

// fmaPeakFlopsPerIter is the flops of one fmaPeakLoop iteration: 12 FMAs on
// 8 lanes (or 12 scalar multiply-adds without AVX2).
var fmaPeakFlopsPerIter = func() float64 {
	if hasAVX2 {
		return 12 * 8 * 2
	}
	return 12 * 2
}()

// fmaPeakLoopAVX2 runs 12 independent VFMADD231PS chains on Y registers, iters
// times (see fmapeak_amd64.s). Precondition: the CPU has AVX2 and FMA; iters >= 0.
//
//go:noescape
func fmaPeakLoopAVX2(iters int)

func fmaPeakLoop(iters int) {
	if hasAVX2 {
		fmaPeakLoopAVX2(iters)
		return
	}
	runtime.KeepAlive(fmaPeakLoopGeneric(iters)) // the sums must be computed
}
