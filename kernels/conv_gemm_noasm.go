//go:build !amd64 || purego

package kernels

// convKernel is the dispatching micro-kernel; without assembly it is the
// generic one.
func convKernel(k int, a, b, c *float32, ldc int, acc bool) {
	convKernelGeneric(k, a, b, c, ldc, acc)
}
