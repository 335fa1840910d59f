//go:build !amd64 || purego

package kernels

// convKernel is the dispatching micro-kernel; without assembly it is the
// generic one.
func convKernel(k int, a, b, c *float32, ldc int, acc bool) {
	convKernelGeneric(k, a, b, c, ldc, acc)
}

// convEpilogueFull is convEpilogue for a full 6×16 tile whose rows take
// bias[0:6] (nil: no bias).
func convEpilogueFull(c []float32, ldc int, bias []float32, relu bool) {
	convEpilogue(c, ldc, convMR, convNR, bias, 0, relu)
}
