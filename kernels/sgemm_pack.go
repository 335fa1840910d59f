// This file holds the packing routines of Sgemm and the per-worker buffers
// they fill (pooled, so steady-state calls allocate nothing). Packing copies
// a block of op(A) or op(B) into the contiguous, zero-padded micro-panel
// layout the micro-kernels stream through, so that the kernels read memory
// in order whatever the transposes and leading dimensions.

package kernels

import "unsafe"

// sgemmBuf is one worker's packing space: an mc×kc block of A, a kc×nc block
// of B and an mr×nr tile for edges, each 64-byte aligned.
type sgemmBuf struct {
	a, b, tile []float32
}

// getBuf returns a packing buffer for kr, a kept one when there is one.
func (kr *sgemmKernel) getBuf() *sgemmBuf {
	kr.blocking()
	return kr.bufs.get()
}

// newBuf allocates a packing buffer for kr (blocking must have run).
func (kr *sgemmKernel) newBuf() *sgemmBuf {
	kc, mc, nc := kr.kc, kr.mc, kr.nc
	return &sgemmBuf{
		a:    alignedFloats(mc*kc + 8), // the 4-column kernel reads two floats on
		b:    alignedFloats((nc + kr.nr - 1) / kr.nr * panelStride(kc, kr.nr)),
		tile: alignedFloats(kr.mr * kr.nr),
	}
}

// alignedFloats returns a zeroed slice of n float32 starting on a 64-byte
// boundary.
func alignedFloats(n int) []float32 {
	s := make([]float32, n+16)
	off := 0
	for off < 16 && uintptr(unsafe.Pointer(&s[off]))%64 != 0 {
		off++
	}
	return s[off : off+n : off+n]
}

// sgemmPackers are a kernel's assembly packing loops; a nil field (all of
// them for the generic kernel, so that it stays pure Go) means the Go loop.
type sgemmPackers struct {
	b16 func(dst, src *float32, ldb, kb, panels, ps int) // packB, nr=16, full panels
	b32 func(dst, src *float32, ldb, kb, panels, ps int) // packB, nr=32, full panels
	t16 func(dst, src *float32, ld, kb8, dw int)         // packCols, 16 or 32 full rows
	a6  func(dst, src *float32, ld, nblk int)            // packCols, 6 full rows
	// prefetch, when not nil, asks for the cache lines of n rows of B, 64
	// bytes from p on each, stride bytes apart (see block's onePass case).
	prefetch func(p *float32, stride, n int)
}

// packA packs rows [i0, i0+mb) × columns [p0, p0+kb) of op(A) into dst as
// ceil(mb/mr) panels of mr×kb; in panel q, element (i, p) sits at
// dst[q*mr*kb + p*mr + i]. Rows past mb are zero, or, when tight is set, a
// last panel of r < mr rows is r×kb (element (i, p) at p*r + i), for the
// kernels' r-row edge twins.
func packA(pk *sgemmPackers, dst []float32, trans bool, a []float32, lda, i0, mb, p0, kb, mr int, tight bool) {
	for ir := 0; ir < mb; ir += mr {
		rows := min(mr, mb-ir)
		w := mr
		if tight {
			w = rows
		}
		d := dst[ir*kb : ir*kb+w*kb]
		if trans {
			// op(A)[i][p] = a[p*lda+i]: each p gives rows contiguous values.
			packRows(d, a, lda, p0, kb, i0+ir, rows, w)
		} else {
			// op(A)[i][p] = a[i*lda+p]: rows of A are interleaved.
			packCols(pk, d, a, lda, i0+ir, rows, p0, kb, w)
		}
	}
}

// packB packs rows [p0, p0+kb) × columns [j0, j0+nb) of op(B) into dst as
// ceil(nb/nr) panels of kb×nr; in panel q, element (p, j) sits at
// dst[q*ps + p*nr + j] with ps = panelStride(kb, nr). Columns past nb are
// zero.
func packB(pk *sgemmPackers, dst []float32, trans bool, b []float32, ldb, p0, kb, j0, nb, nr int) {
	ps := panelStride(kb, nr)
	if trans {
		// op(B)[p][j] = b[j*ldb+p]: rows of B (columns of op(B)) are interleaved.
		for jr := 0; jr < nb; jr += nr {
			q := jr / nr
			packCols(pk, dst[q*ps:q*ps+nr*kb], b, ldb, j0+jr, min(nr, nb-jr), p0, kb, nr)
		}
		return
	}
	// op(B)[p][j] = b[p*ldb+j]: walk each row of B once, dealing nr-wide
	// pieces to the panels.
	full := nb / nr * nr
	if full > 0 && nr == 16 && pk.b16 != nil {
		_ = b[(p0+kb-1)*ldb+j0+full-1]       // bounds for the assembly
		_ = dst[(full/16-1)*ps+(kb-1)*16+15] // likewise
		pk.b16(&dst[0], &b[p0*ldb+j0], ldb, kb, full/16, ps)
	} else if full > 0 && nr == 32 && pk.b32 != nil {
		_ = b[(p0+kb-1)*ldb+j0+full-1]       // bounds for the assembly
		_ = dst[(full/32-1)*ps+(kb-1)*32+31] // likewise
		pk.b32(&dst[0], &b[p0*ldb+j0], ldb, kb, full/32, ps)
	} else {
		for p := 0; p < kb; p++ {
			src := b[(p0+p)*ldb+j0 : (p0+p)*ldb+j0+full]
			d := dst[p*nr:]
			for jr := 0; jr < full; jr += nr {
				q := jr / nr
				copy(d[q*ps:q*ps+nr], src[jr:jr+nr])
			}
		}
	}
	if full < nb {
		q := full / nr
		packRows(dst[q*ps:q*ps+nr*kb], b, ldb, p0, kb, j0+full, nb-full, nr)
	}
}

// panelStride is the distance in floats between packed B panels: kb*nr plus
// one cache line, so that the panels, and the rows the packing writes to all
// of them at once, do not start at the same offset modulo 4 KiB and fight
// over the same L1 and L2 sets (with kb*nr*4 a multiple of 4 KiB they would).
func panelStride(kb, nr int) int { return kb*nr + 16 }

// packRows copies, for p in [0, kb), the n values x[(p0+p)*ld+c0 : ...+n] to
// d[p*w : p*w+n] and zeroes d[p*w+n : p*w+w].
func packRows(d, x []float32, ld, p0, kb, c0, n, w int) {
	for p := 0; p < kb; p++ {
		dp := d[p*w : p*w+w]
		copy(dp, x[(p0+p)*ld+c0:(p0+p)*ld+c0+n])
		clear(dp[n:])
	}
}

// packCols interleaves n rows of x, x[(r0+i)*ld+p0 : ...+kb] for i < n, into
// d as d[p*w+i], zeroing d[p*w+i] for n <= i < w.
func packCols(pk *sgemmPackers, d, x []float32, ld, r0, n, p0, kb, w int) {
	d = d[:kb*w]
	if n == w && (w == 16 || w == 32) && kb >= 8 && pk.t16 != nil {
		kb8 := kb / 8
		_ = x[(r0+w-1)*ld+p0+8*kb8-1] // bounds for the assembly
		for i := 0; i < w; i += 16 {
			pk.t16(&d[i], &x[(r0+i)*ld+p0], ld, kb8, w)
		}
		if kb8*8 == kb {
			return
		}
		// The last kb%8 columns, in Go.
		for i := 0; i < n; i++ {
			xi := x[(r0+i)*ld+p0+kb8*8 : (r0+i)*ld+p0+kb]
			for p, v := range xi {
				d[(kb8*8+p)*w+i] = v
			}
		}
		return
	}
	if n == 6 && w == 6 {
		// The assembly handles whole 8-column blocks that leave at least one
		// column after them (its last store spills two floats into it).
		if nblk := (kb - 1) / 8; nblk > 0 && pk.a6 != nil {
			_ = x[(r0+5)*ld+p0+8*nblk-1] // bounds for the assembly
			pk.a6(&d[0], &x[r0*ld+p0], ld, nblk)
			p0, d, kb = p0+8*nblk, d[48*nblk:], kb-8*nblk
		}
		x0 := x[r0*ld+p0 : r0*ld+p0+kb]
		x1 := x[(r0+1)*ld+p0 : (r0+1)*ld+p0+kb]
		x2 := x[(r0+2)*ld+p0 : (r0+2)*ld+p0+kb]
		x3 := x[(r0+3)*ld+p0 : (r0+3)*ld+p0+kb]
		x4 := x[(r0+4)*ld+p0 : (r0+4)*ld+p0+kb]
		x5 := x[(r0+5)*ld+p0 : (r0+5)*ld+p0+kb]
		for p := range x0 {
			dp := (*[6]float32)(d[p*6:])
			dp[0], dp[1], dp[2], dp[3], dp[4], dp[5] = x0[p], x1[p], x2[p], x3[p], x4[p], x5[p]
		}
		return
	}
	if n < w {
		clear(d)
	}
	for i := 0; i < n; i++ {
		xi := x[(r0+i)*ld+p0 : (r0+i)*ld+p0+kb]
		for p, v := range xi {
			d[p*w+i] = v
		}
	}
}
