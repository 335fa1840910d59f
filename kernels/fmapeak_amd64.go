//go:build !purego

// This file selects the assembly FMA probe on amd64.

package kernels

import "runtime"

// fmaPeakFlopsPerIter is the flops of one fmaPeakLoop iteration: 12 FMAs on
// 16 lanes with AVX-512, on 8 with AVX2 (or 12 scalar multiply-adds without
// either).
var fmaPeakFlopsPerIter = func() float64 {
	if hasAVX512 {
		return 12 * 16 * 2
	}
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

// fmaPeakLoopAVX512 is fmaPeakLoopAVX2 on Z registers, 16 lanes a chain (see
// fmapeak_amd64.s). Precondition: the CPU has AVX-512F; iters >= 0.
//
//go:noescape
func fmaPeakLoopAVX512(iters int)

// fmaPeakLoop runs the widest probe this CPU has: the machine's peak, whatever
// ISA the kernels were forced to (on Intel server cores 512-bit FMAs double
// the 256-bit rate; on Zen 4 they match it).
func fmaPeakLoop(iters int) {
	if hasAVX512 {
		fmaPeakLoopAVX512(iters)
		return
	}
	if hasAVX2 {
		fmaPeakLoopAVX2(iters)
		return
	}
	runtime.KeepAlive(fmaPeakLoopGeneric(iters)) // the sums must be computed
}
