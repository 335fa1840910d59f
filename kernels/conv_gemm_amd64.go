//go:build !purego

package kernels

import "math"

// convKernel is the dispatching micro-kernel: the AVX2+FMA assembly when the
// active ISA has it, else the generic twin.
func convKernel(k int, a, b, c *float32, ldc int, acc bool) {
	if active >= AVX2 {
		convKernel6x16AVX2(k, a, b, c, ldc, acc, nil, 0)
		return
	}
	convKernelGeneric(k, a, b, c, ldc, acc)
}

// convKernelEpi is convKernel followed by convEpilogue on the full tile
// (rows take bias[0:6], nil for none; ReLU when relu), fused into the
// assembly kernel's store.
func convKernelEpi(k int, a, b *float32, c []float32, ldc int, acc bool, bias []float32, relu bool) {
	if active < AVX2 {
		convKernelGeneric(k, a, b, &c[0], ldc, acc)
		convEpilogue(c, ldc, convMR, convNR, bias, 0, relu)
		return
	}
	_ = c[(convMR-1)*ldc+convNR-1] // the tile is in bounds
	bp := &convZeroBias[0]
	if bias != nil {
		_ = bias[convMR-1]
		bp = &bias[0]
	}
	floor := float32(math.Inf(-1))
	if relu {
		floor = 0
	}
	convKernel6x16AVX2(k, a, b, &c[0], ldc, acc, bp, floor)
}

// convZeroBias is the bias of a tile without one.
var convZeroBias [convMR]float32

// convKernel6x16AVX2 must match convKernelGeneric: the 6×16 tile C = (acc ?
// C : 0) + Σ_p a[p*6+i]*b[p*16+j], and then, when bias != nil, C[i][j] =
// max(C[i][j]+bias[i], floor) (floor 0 for ReLU, -Inf for none; NaN kept).
// Preconditions: k >= 1; a holds 6k floats, b 16k floats, c 6 rows of 16 at
// stride ldc, bias nil or 6 floats; needs AVX2 and FMA.
//
//go:noescape
func convKernel6x16AVX2(k int, a, b, c *float32, ldc int, acc bool, bias *float32, floor float32)

// convPackers returns the SGEMM packing loops for the active ISA (the AVX2
// ones wherever AVX2 is active; their work does not depend on the kernel).
func convPackers() *sgemmPackers {
	if active >= AVX2 {
		return &avx2Kernel.pack
	}
	return &genericKernel.pack
}
