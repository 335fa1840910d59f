//go:build !purego

package kernels

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
