// This file holds the pure-Go twin of the convolution micro-kernel, always
// compiled so that tests can compare it with the assembly on any machine.

package kernels

import "unsafe"

// convKernelGeneric computes the 6×16 tile C = (acc ? C : 0) + Σ_p a[p*6+i] *
// b[p*16+j] for p < k, C with row stride ldc. a points at a packed 6×k panel,
// b at a packed k×16 panel; k >= 1.
func convKernelGeneric(k int, a, b, c *float32, ldc int, acc bool) {
	as := unsafe.Slice(a, k*convMR)
	bs := unsafe.Slice(b, k*convNR)
	cs := unsafe.Slice(c, (convMR-1)*ldc+convNR)
	var t [convMR][convNR]float32
	for p := 0; p < k; p++ {
		ap := as[p*convMR : p*convMR+convMR : p*convMR+convMR]
		bp := (*[convNR]float32)(bs[p*convNR : p*convNR+convNR])
		for i := range convMR {
			ai := ap[i]
			ti := &t[i]
			for j := range convNR {
				ti[j] += ai * bp[j]
			}
		}
	}
	for i := range convMR {
		row := cs[i*ldc : i*ldc+convNR]
		if acc {
			for j := range row {
				row[j] += t[i][j]
			}
		} else {
			copy(row, t[i][:])
		}
	}
}
