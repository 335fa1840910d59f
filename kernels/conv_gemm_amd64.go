//go:build !purego

package kernels

import "math"

// convKernel is the dispatching micro-kernel: the AVX2+FMA assembly when the
// active ISA has it, else the generic twin.
func convKernel(k int, a, b, c *float32, ldc int, acc bool) {
	if active >= AVX2 {
		convKernel6x16AVX2(k, a, b, c, ldc, acc)
		return
	}
	convKernelGeneric(k, a, b, c, ldc, acc)
}

// convKernel6x16AVX2 must match convKernelGeneric: the 6×16 tile C = (acc ?
// C : 0) + Σ_p a[p*6+i]*b[p*16+j]. Preconditions: k >= 1; a holds 6k floats,
// b 16k floats, c 6 rows of 16 at stride ldc; needs AVX2 and FMA.
//
//go:noescape
func convKernel6x16AVX2(k int, a, b, c *float32, ldc int, acc bool)

// convEpilogue6x16AVX2 adds bias[i] to row i of the full 6×16 tile at c
// (row stride ldc) and clamps from below at floor: 0 for a fused ReLU,
// -Inf for none. NaN stays NaN, as in convEpilogue. Needs AVX2.
//
//go:noescape
func convEpilogue6x16AVX2(c *float32, ldc int, bias *float32, floor float32)

// convEpilogueFull is convEpilogue for a full 6×16 tile whose rows take
// bias[0:6] (nil: no bias).
func convEpilogueFull(c []float32, ldc int, bias []float32, relu bool) {
	if active < AVX2 {
		convEpilogue(c, ldc, convMR, convNR, bias, 0, relu)
		return
	}
	_ = c[(convMR-1)*ldc+convNR-1] // the tile is in bounds
	b := &convZeroBias[0]
	if bias != nil {
		_ = bias[convMR-1]
		b = &bias[0]
	}
	floor := float32(math.Inf(-1))
	if relu {
		floor = 0
	}
	convEpilogue6x16AVX2(&c[0], ldc, b, floor)
}

// convZeroBias is the bias of a tile without one.
var convZeroBias [convMR]float32
