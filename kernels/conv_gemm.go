// This file holds the packed-panel matrix product that every convolution
// algorithm runs on. It is separate from Sgemm because the convolutions pack
// their operands themselves, straight from the image (im2col without the
// intermediate matrix) or from the Winograd transforms, and keep the packed
// weights in the plan; only the panel product and its epilogue are shared.
//
// Packed layouts: A (m×k) is cut into 6-row panels, panel i holding
// A[6i+r][p] at ap[i*aps + p*6 + r]; B (k×n) into 16-column panels, panel j
// holding B[p][16j+c] at bp[j*bps + p*16 + c]. Rows and columns beyond m and n
// are zero in the panels. aps, bps >= 6k, 16k.

package kernels

import "unsafe"

const (
	convMR = 6  // rows of a micro-tile (A panel height)
	convNR = 16 // columns of a micro-tile (B panel width: two 8-float vectors)
	convKC = 256
	convMC = 96 // rows of A kept in L2 while a B block is swept
)

// convFloats returns a zeroed slice of n float32 starting on a 64-byte boundary.
func convFloats(n int) []float32 {
	s := make([]float32, n+16)
	off := 0
	for off < 16 && uintptr(unsafe.Pointer(&s[off]))%64 != 0 {
		off++
	}
	return s[off : off+n : off+n]
}

// growFloats returns s when it holds n floats, else a new aligned slice.
func growFloats(s []float32, n int) []float32 {
	if cap(s) >= n {
		return s[:n]
	}
	return convFloats(n)
}

// convPanels returns the number of q-wide panels covering n.
func convPanels(n, q int) int { return (n + q - 1) / q }

// convGemm computes C[m×n] = (acc ? C : 0) + A·B over packed operands, then,
// if bias != nil, adds bias[i] to row i and, if relu, clamps at 0. C has row
// stride ldc. k >= 1.
func convGemm(m, n, k int, ap []float32, aps int, bp []float32, bps int,
	c []float32, ldc int, acc bool, bias []float32, relu bool) {
	var tile [convMR * convNR]float32
	mp, np := convPanels(m, convMR), convPanels(n, convNR)
	for p0 := 0; p0 < k; p0 += convKC {
		kk := min(convKC, k-p0)
		a0 := acc || p0 > 0
		last := p0+kk == k
		for i0 := 0; i0 < mp; i0 += convMC / convMR {
			i1 := min(mp, i0+convMC/convMR)
			for jp := 0; jp < np; jp++ {
				b := &bp[jp*bps+p0*convNR]
				cols := min(convNR, n-jp*convNR)
				for ip := i0; ip < i1; ip++ {
					a := &ap[ip*aps+p0*convMR]
					rows := min(convMR, m-ip*convMR)
					co := ip*convMR*ldc + jp*convNR
					if rows == convMR && cols == convNR {
						if last && (bias != nil || relu) {
							var bt []float32
							if bias != nil {
								bt = bias[ip*convMR : ip*convMR+convMR]
							}
							convKernelEpi(kk, a, b, c[co:], ldc, a0, bt, relu)
							continue
						}
						convKernel(kk, a, b, &c[co], ldc, a0)
						continue
					}
					// Edge tile: run the full kernel on a local tile.
					for r := 0; r < rows; r++ {
						for q := 0; q < cols; q++ {
							if a0 {
								tile[r*convNR+q] = c[co+r*ldc+q]
							}
						}
					}
					convKernel(kk, a, b, &tile[0], convNR, a0)
					for r := 0; r < rows; r++ {
						copy(c[co+r*ldc:co+r*ldc+cols], tile[r*convNR:r*convNR+cols])
					}
					if last && (bias != nil || relu) {
						convEpilogue(c[co:], ldc, rows, cols, bias, ip*convMR, relu)
					}
				}
			}
		}
	}
}

// convEpilogue adds bias[row0+r] to row r of the rows×cols tile at c and
// clamps at zero when relu is set.
func convEpilogue(c []float32, ldc, rows, cols int, bias []float32, row0 int, relu bool) {
	for r := 0; r < rows; r++ {
		row := c[r*ldc : r*ldc+cols]
		var b float32
		if bias != nil {
			b = bias[row0+r]
		}
		if relu {
			for q := range row {
				row[q] = max(row[q]+b, 0)
			}
		} else if b != 0 {
			for q := range row {
				row[q] += b
			}
		}
	}
}

// convPackA packs rows [0,m) and columns [0,k) of A into 6-row panels of
// stride k*6, where A[i][p] = a[i*rs + p*cs] (rs, cs are the row and column
// strides, so a transposed operand is packed by swapping them). Rows beyond m
// are zero.
func convPackA(dst []float32, a []float32, rs, cs, m, k int) {
	convPackAS(dst, k*convMR, a, rs, cs, m, k)
}

// convPackAS is convPackA with an explicit panel stride aps >= 6k: it fills
// columns [0,k) of panels that may be wider, so that several sources can be
// packed side by side along k (dst offset by 6*p0 for columns from p0).
func convPackAS(dst []float32, aps int, a []float32, rs, cs, m, k int) {
	for ip := 0; ip < convPanels(m, convMR); ip++ {
		d := dst[ip*aps : ip*aps+k*convMR]
		rows := min(convMR, m-ip*convMR)
		if cs == 1 {
			// Rows of A are contiguous: SGEMM's interleaving loop (AVX2
			// assembly for full panels).
			packCols(convPackers(), d, a, rs, ip*convMR, rows, 0, k, convMR)
			continue
		}
		for r := 0; r < convMR; r++ {
			if r >= rows {
				for p := 0; p < k; p++ {
					d[p*convMR+r] = 0
				}
				continue
			}
			src := (ip*convMR + r) * rs
			for p := 0; p < k; p++ {
				d[p*convMR+r] = a[src+p*cs]
			}
		}
	}
}

// convPackB packs rows [0,k) and columns [0,n) of B into 16-column panels of
// stride k*16, where B[p][j] = b[p*rs + j*cs]. Columns beyond n are zero.
func convPackB(dst []float32, b []float32, rs, cs, k, n int) {
	for jp := 0; jp < convPanels(n, convNR); jp++ {
		d := dst[jp*k*convNR : (jp+1)*k*convNR]
		cols := min(convNR, n-jp*convNR)
		for p := 0; p < k; p++ {
			row := d[p*convNR : p*convNR+convNR]
			src := p*rs + jp*convNR*cs
			if cs == 1 {
				copy(row[:cols], b[src:src+cols])
			} else {
				for q := 0; q < cols; q++ {
					row[q] = b[src+q*cs]
				}
			}
			clear(row[cols:])
		}
	}
}

// convPackBAt packs rows [0,k) and columns [0,n) of B (B[p][j] = b[p*rs+j])
// into columns [t0, t0+n) of 16-column panels of stride ps, so that several
// sources can sit side by side along n. Columns past t0+n are not touched
// (see convZeroTail).
func convPackBAt(dst []float32, ps int, b []float32, rs, k, n, t0 int) {
	for p := 0; p < k; p++ {
		src := b[p*rs : p*rs+n]
		for j := 0; j < n; {
			t := t0 + j
			e := min(n, j+convNR-t%convNR)
			copy(dst[t/convNR*ps+p*convNR+t%convNR:][:e-j], src[j:e])
			j = e
		}
	}
}

// convZeroTail zeroes columns [n, 16*ceil(n/16)) of the last of the
// 16-column panels (stride ps, k rows) holding n columns.
func convZeroTail(dst []float32, ps, k, n int) {
	if n%convNR == 0 {
		return
	}
	base := n / convNR * ps
	for p := 0; p < k; p++ {
		clear(dst[base+p*convNR+n%convNR : base+(p+1)*convNR])
	}
}
