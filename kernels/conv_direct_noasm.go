//go:build !amd64 || purego

package kernels

// directFastAvailable reports whether the fast direct kernel can run: never
// without assembly (AlgoDirect runs the plain loops).
func directFastAvailable() bool { return false }

// directTile is never called without assembly.
func directTile(x, w, y *float32, c, r, s, xcs, xrs, ycs int, bias *float32, floor float32) {
	panic("kernels: direct tile kernel without assembly")
}
