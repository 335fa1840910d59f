//go:build !amd64 || purego

package kernels

// convKernel is the dispatching micro-kernel; without assembly it is the
// generic one.
func convKernel(k int, a, b, c *float32, ldc int, acc bool) {
	convKernelGeneric(k, a, b, c, ldc, acc)
}

// convKernelEpi is convKernel followed by convEpilogue on the full tile.
func convKernelEpi(k int, a, b *float32, c []float32, ldc int, acc bool, bias []float32, relu bool) {
	convKernelGeneric(k, a, b, &c[0], ldc, acc)
	convEpilogue(c, ldc, convMR, convNR, bias, 0, relu)
}

// convPackers returns the SGEMM packing loops (pure Go here).
func convPackers() *sgemmPackers { return &genericKernel.pack }
