// This file holds the pure-Go twin of the convolution micro-kernel, always
// compiled so that tests can compare it with the assembly on any machine,
// and the kernel of purego and non-amd64 builds.

package kernels

import "unsafe"

// convKernelGeneric computes the 6×16 tile C = (acc ? C : 0) + Σ_p a[p*6+i] *
// b[p*16+j] for p < k, C with row stride ldc. a points at a packed 6×k panel,
// b at a packed k×16 panel; k >= 1. The tile is computed as eight 3×4 blocks
// whose twelve sums stay in registers across the whole k loop.
func convKernelGeneric(k int, a, b, c *float32, ldc int, acc bool) {
	as := unsafe.Slice(a, k*convMR)
	bs := unsafe.Slice(b, k*convNR)
	cs := unsafe.Slice(c, (convMR-1)*ldc+convNR)
	for i0 := 0; i0 < convMR; i0 += 3 {
		for j0 := 0; j0 < convNR; j0 += 4 {
			var c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23 float32
			for p := 0; p < k; p++ {
				ap := (*[3]float32)(as[p*convMR+i0:])
				bp := (*[4]float32)(bs[p*convNR+j0:])
				a0, a1, a2 := ap[0], ap[1], ap[2]
				b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
				c00 += a0 * b0
				c01 += a0 * b1
				c02 += a0 * b2
				c03 += a0 * b3
				c10 += a1 * b0
				c11 += a1 * b1
				c12 += a1 * b2
				c13 += a1 * b3
				c20 += a2 * b0
				c21 += a2 * b1
				c22 += a2 * b2
				c23 += a2 * b3
			}
			r0 := (*[4]float32)(cs[i0*ldc+j0:])
			r1 := (*[4]float32)(cs[(i0+1)*ldc+j0:])
			r2 := (*[4]float32)(cs[(i0+2)*ldc+j0:])
			if acc {
				c00, c01, c02, c03 = c00+r0[0], c01+r0[1], c02+r0[2], c03+r0[3]
				c10, c11, c12, c13 = c10+r1[0], c11+r1[1], c12+r1[2], c13+r1[3]
				c20, c21, c22, c23 = c20+r2[0], c21+r2[1], c22+r2[2], c23+r2[3]
			}
			*r0 = [4]float32{c00, c01, c02, c03}
			*r1 = [4]float32{c10, c11, c12, c13}
			*r2 = [4]float32{c20, c21, c22, c23}
		}
	}
}
