//go:build !purego

package kernels

// winoInput8 dispatches to the AVX2 input transform or its generic twin.
func winoInput8(n int, d, v *float32, xs, cs int) {
	if active >= AVX2 {
		winoInput8AVX2(n, d, v, xs, cs)
		return
	}
	winoInput8Generic(n, d, v, xs, cs)
}

// winoOutput8 dispatches to the AVX2 output transform or its generic twin.
func winoOutput8(n int, m *float32, ms, xs int, bias *float32, lo float32, o, s *float32) {
	if active >= AVX2 {
		winoOutput8AVX2(n, m, ms, xs, bias, lo, o, s)
		return
	}
	winoOutput8Generic(n, m, ms, xs, bias, lo, o, s)
}

// winoInput8AVX2 must match winoInput8Generic. Preconditions: n >= 1; d holds
// n*288 floats, v reaches (n-1)*cs + 35*xs + 8 floats; needs AVX2 and FMA.
//
//go:noescape
func winoInput8AVX2(n int, d, v *float32, xs, cs int)

// winoOutput8AVX2 must match winoOutput8Generic. Preconditions: n >= 1; m
// reaches (n-1)*ms + 35*xs + 8 floats, bias n floats, o n*128, s 192;
// needs AVX2 and FMA.
//
//go:noescape
func winoOutput8AVX2(n int, m *float32, ms, xs int, bias *float32, lo float32, o, s *float32)

// winoGatherW6 interleaves six rows of 8*n8 floats, rs apart, into g's
// lanes (see winoGatherW6AVX2) and reports true, or reports false without
// AVX2 (the caller gathers in Go).
func winoGatherW6(src []float32, rs, n8 int, g []float32) bool {
	if active < AVX2 || n8 < 1 {
		return false
	}
	_ = src[5*rs+8*n8-1] // the last row's end
	_ = g[64*n8-1]
	winoGatherW6AVX2(&src[0], rs, n8, &g[0])
	return true
}

// winoGatherW6AVX2: preconditions in winograd_weights_amd64.s.
//
//go:noescape
func winoGatherW6AVX2(src *float32, rs, n8 int, gw *float32)

// winoWeights6 dispatches to the AVX2 weight transform or its generic twin.
func winoWeights6(n int, g, up *float32, xs int, t *float32) {
	if active >= AVX2 {
		winoWeights6AVX2(n, g, up, xs, t)
		return
	}
	winoWeights6Generic(n, g, up, xs, t)
}

// winoWeights6AVX2 must match winoWeights6Generic. Preconditions: n >= 1; g
// holds n*72 floats, up reaches (n-1)*6 + 35*xs + 6 floats, t 144 floats;
// needs AVX2 and FMA.
//
//go:noescape
func winoWeights6AVX2(n int, gw, up *float32, xs int, t *float32)

// winoDY8 dispatches the output-gradient transform; t is 192 floats of
// scratch for the assembly.
func winoDY8(n int, d, z *float32, xs, cs int, t *float32) {
	if active >= AVX2 {
		winoDY8AVX2(n, d, z, xs, cs, t)
		return
	}
	winoDY8Generic(n, d, z, xs, cs)
}

// winoDY8AVX2 must match winoDY8Generic. Preconditions: n >= 1; d holds
// n*128 floats, z reaches (n-1)*cs + 35*xs + 8 floats, t 192 floats; needs
// AVX2 and FMA.
//
//go:noescape
func winoDY8AVX2(n int, d, z *float32, xs, cs int, t *float32)

// winoNT4x3 dispatches the 4x3 tile of tile-reduced products.
func winoNT4x3(n int, a *float32, lda int, b *float32, ldb int, out *float32) {
	if active >= AVX2 {
		winoNT4x3AVX2(n, a, lda, b, ldb, out)
		return
	}
	winoNTGeneric(n, a, lda, b, ldb, out, 4, 3)
}

// winoNT4x3AVX2 must match winoNTGeneric with mr = 4, nr = 3: out[j*4+i] =
// Σ_{t<n} a[i*lda+t]*b[j*ldb+t]. Preconditions: n >= 8 and a multiple of 8;
// needs AVX2 and FMA.
//
//go:noescape
func winoNT4x3AVX2(n int, a *float32, lda int, b *float32, ldb int, out *float32)

// winoTilesAVX2 reports whether the assembly gathers and scatters whole
// rows of eight tiles (winoGather8AVX2, winoScatter8AVX2).
func winoTilesAVX2() bool { return active >= AVX2 }

// winoGather8AVX2 gathers the input windows of two runs of four
// consecutive tiles into transform lanes (see winograd_tiles_amd64.s).
// Preconditions: n >= 1; xa and xb reach (n-1)*cs + 5*w + 20 floats, d
// n*288; AVX.
//
//go:noescape
func winoGather8AVX2(xa, xb *float32, w, cs, n int, d *float32)

// winoScatter8AVX2 writes two runs of four consecutive tiles' outputs from
// transform lanes (see winograd_tiles_amd64.s). Preconditions: n >= 1; o
// holds n*128 floats, ya and yb reach (n-1)*cs + 3*w + 16; AVX.
//
//go:noescape
func winoScatter8AVX2(o *float32, n int, ya, yb *float32, w, cs int)
