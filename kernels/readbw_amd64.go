//go:build !purego

// This file selects the assembly read probe on amd64.

package kernels

// readSumAVX2 returns the sum of the n floats at x in eight 8-lane chains
// (see readbw_amd64.s). Preconditions: AVX2; n a positive multiple of
// readChunk; x 32-byte aligned.
//
//go:noescape
func readSumAVX2(x *float32, n int) float32

func readSum(x []float32) float32 {
	if hasAVX2 && len(x) > 0 {
		return readSumAVX2(&x[0], len(x))
	}
	return readSumGeneric(x)
}
