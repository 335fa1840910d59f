//go:build !amd64 || purego

package kernels

// winoInput8 is the generic input transform (no assembly in this build).
func winoInput8(n int, d, v *float32, xs, cs int) { winoInput8Generic(n, d, v, xs, cs) }

// winoOutput8 is the generic output transform (no assembly in this build).
func winoOutput8(n int, m *float32, ms, xs int, bias *float32, lo float32, o, s *float32) {
	winoOutput8Generic(n, m, ms, xs, bias, lo, o, s)
}

// winoWeights6 is the generic weight transform (no assembly in this build).
func winoWeights6(n int, g, up *float32, xs int, t *float32) { winoWeights6Generic(n, g, up, xs, t) }

// winoGatherW6 reports false: no assembly in this build (the caller
// gathers in Go).
func winoGatherW6(src []float32, rs, n8 int, g []float32) bool { return false }

// winoDY8 is the generic output-gradient transform (no assembly in this build).
func winoDY8(n int, d, z *float32, xs, cs int, t *float32) { winoDY8Generic(n, d, z, xs, cs) }

// winoNT4x3 is the generic 4x3 tile of tile-reduced products (no assembly).
func winoNT4x3(n int, a *float32, lda int, b *float32, ldb int, out *float32) {
	winoNTGeneric(n, a, lda, b, ldb, out, 4, 3)
}

// winoTilesAVX2 reports false: no assembly in this build.
func winoTilesAVX2() bool { return false }

func winoGather8AVX2(xa, xb *float32, w, cs, n int, d *float32) {
	panic("kernels: winoGather8AVX2 without assembly")
}

func winoScatter8AVX2(o *float32, n int, ya, yb *float32, w, cs int) {
	panic("kernels: winoScatter8AVX2 without assembly")
}
