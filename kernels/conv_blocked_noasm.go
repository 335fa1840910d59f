//go:build !amd64 || purego

package kernels

// blockedTile computes one 16-channel × 6-pixel tile of the blocked direct
// convolution (strides in floats) in Go.
func blockedTile(x, w, y []float32, cb, r, s, xcs, xrs, xss, xjs, ybs int, bias []float32, floor float32, flags int) {
	blockedTileCheck(x, w, y, cb, r, s, xcs, xrs, xss, xjs, ybs, bias)
	blockedTileGo(x, w, y, cb, r, s, xcs, xrs, xss, xjs, ybs, bias, floor, flags)
}
