//go:build !amd64 || purego

package kernels

func maxPool2x2Row8(r0, r1, d []float32, a []int32, base, w int) int {
	return maxPool2x2Row8Generic(r0, r1, d, a, base, w)
}
