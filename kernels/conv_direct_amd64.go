//go:build !purego

package kernels

// directFastAvailable reports whether the fast direct kernel can run (AVX2
// and FMA active).
func directFastAvailable() bool { return active >= AVX2 }

// directTile runs the assembly tile kernel (see convDirect4x24AVX2).
func directTile(x, w, y *float32, c, r, s, xcs, xrs, ycs int, bias *float32, floor float32) {
	convDirect4x24AVX2(x, w, y, c, r, s, xcs, xrs, ycs, bias, floor)
}

// convDirect4x24AVX2 computes a 4-channel × 24-pixel tile of a stride-1
// convolution from a padded image; see conv_direct_amd64.s for the
// contract. Needs AVX2 and FMA.
//
//go:noescape
func convDirect4x24AVX2(x, w, y *float32, c, r, s, xcs, xrs, ycs int, bias *float32, floor float32)
