// This file holds the packing routines of Sgemm: they copy a block of op(A)
// or op(B) into the contiguous, zero-padded micro-panel layout the
// micro-kernels stream through, so that the kernels read memory in order
// whatever the transposes and leading dimensions.

package kernels

// packA packs rows [i0, i0+mb) × columns [p0, p0+kb) of op(A) into dst as
// ceil(mb/mr) panels of mr×kb; in panel q, element (i, p) sits at
// dst[q*mr*kb + p*mr + i]. Rows past mb are zero.
func packA(dst []float32, trans bool, a []float32, lda, i0, mb, p0, kb, mr int) {
	for ir := 0; ir < mb; ir += mr {
		rows := min(mr, mb-ir)
		d := dst[ir*kb : ir*kb+mr*kb]
		if trans {
			// op(A)[i][p] = a[p*lda+i]: each p gives mr contiguous values.
			for p := 0; p < kb; p++ {
				src := a[(p0+p)*lda+i0+ir:]
				dp := d[p*mr : p*mr+mr]
				copy(dp, src[:rows])
				clear(dp[rows:])
			}
			continue
		}
		// op(A)[i][p] = a[i*lda+p]: row i is contiguous, scattered with stride mr.
		for i := 0; i < rows; i++ {
			src := a[(i0+ir+i)*lda+p0:]
			src = src[:kb]
			for p, v := range src {
				d[p*mr+i] = v
			}
		}
		for i := rows; i < mr; i++ {
			for p := 0; p < kb; p++ {
				d[p*mr+i] = 0
			}
		}
	}
}

// packB packs rows [p0, p0+kb) × columns [j0, j0+nb) of op(B) into dst as
// ceil(nb/nr) panels of kb×nr; in panel q, element (p, j) sits at
// dst[q*nr*kb + p*nr + j]. Columns past nb are zero.
func packB(dst []float32, trans bool, b []float32, ldb, p0, kb, j0, nb, nr int) {
	for jr := 0; jr < nb; jr += nr {
		cols := min(nr, nb-jr)
		d := dst[jr*kb : jr*kb+nr*kb]
		if !trans {
			// op(B)[p][j] = b[p*ldb+j]: each p gives nr contiguous values.
			for p := 0; p < kb; p++ {
				src := b[(p0+p)*ldb+j0+jr:]
				dp := d[p*nr : p*nr+nr]
				copy(dp, src[:cols])
				clear(dp[cols:])
			}
			continue
		}
		// op(B)[p][j] = b[j*ldb+p]: column j of op(B) is contiguous.
		for j := 0; j < cols; j++ {
			src := b[(j0+jr+j)*ldb+p0:]
			src = src[:kb]
			for p, v := range src {
				d[p*nr+j] = v
			}
		}
		for j := cols; j < nr; j++ {
			for p := 0; p < kb; p++ {
				d[p*nr+j] = 0
			}
		}
	}
}
