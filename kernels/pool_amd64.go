//go:build !purego

package kernels

// maxPool2x2Row8 dispatches one output row of the 2x2/stride-2 max pool to
// the AVX2 loop (8 outputs per step) or its generic twin; it returns the
// number of outputs done (a multiple of 8).
func maxPool2x2Row8(r0, r1, d []float32, a []int32, base, w int) int {
	n := len(d) / 8
	if active >= AVX2 && n > 0 {
		_, _, _ = r0[16*n-1], r1[16*n-1], a[8*n-1]
		maxPool2x2Row8AVX2(&r0[0], &r1[0], &d[0], &a[0], n, base, w)
		return 8 * n
	}
	return maxPool2x2Row8Generic(r0, r1, d, a, base, w)
}

// maxPool2x2Row8AVX2 must match maxPool2x2Row8Generic on n groups of 8
// outputs: d[j] = max of r0[2j], r0[2j+1], r1[2j], r1[2j+1] (first NaN wins,
// else first maximum), a[j] its flat index (base + 2j, +1, +w, +w+1).
// Preconditions: n >= 1; r0, r1 hold 16n floats, d and a 8n; needs AVX2.
//
//go:noescape
func maxPool2x2Row8AVX2(r0, r1, d *float32, a *int32, n, base, w int)
