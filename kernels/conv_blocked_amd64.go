//go:build !purego

package kernels

// blockedTile computes one 16-channel × 6-pixel tile of the blocked direct
// convolution (strides in floats): the assembly kernel on AVX2, Go
// otherwise.
func blockedTile(x, w, y []float32, cb, r, s, xcs, xrs, xss, xjs, ybs int, bias []float32, floor float32, flags int) {
	blockedTileCheck(x, w, y, cb, r, s, xcs, xrs, xss, xjs, ybs, bias)
	if active < AVX2 {
		blockedTileGo(x, w, y, cb, r, s, xcs, xrs, xss, xjs, ybs, bias, floor, flags)
		return
	}
	convBlocked16x6AVX2(&x[0], &w[0], &y[0], cb, r, s, 4*xcs, 4*xrs, 4*xss, 4*xjs, 4*ybs, &bias[0], floor, flags)
}

// convBlocked16x6AVX2 computes a 16-channel × 6-pixel tile of a direct
// convolution on NCHW8c data; see conv_blocked_amd64.s for the contract.
// Needs AVX2 and FMA.
//
//go:noescape
func convBlocked16x6AVX2(x, w, y *float32, cb, r, s, xcs, xrs, xss, xjs, ybs int, bias *float32, floor float32, flags int)
