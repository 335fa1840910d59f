// This file holds Sgemm's transposed-B path for 9 to 32 rows of C: C =
// alpha*op(A)·Bᵀ + beta*C, the FC forward pass at batch 16 or 32, where
// nn.Linear keeps its weights N×K. As with at most eight rows (dotBlock),
// the rows of B stream from memory along their whole length, a few at a
// time, with no packing of B; here each group of six rows meets sixteen rows
// of op(A), packed transposed (16 floats a column), per kernel call, and a
// second pass for rows 17-32 reads the same six rows again from cache. The
// general path packs B (a read and a write of all of it) and reached less
// than a third of the streaming-read ceiling at m = 16 here.

package kernels

// dot16Block computes columns [j0, j1) of C for 8 < m <= 32 with kr.dot16:
// six rows of B per call, one call per pass of sixteen rows of op(A). A
// last group of fewer than six rows takes the six ending at j1 (n >= 6)
// and keeps its own; every row's sums are made by the same kernel, so its
// bits are the same whatever the worker split.
func (j *sgemmJob) dot16Block(buf *sgemmBuf, j0, j1 int) {
	out := buf.tile[:96] // not a local array: it would escape through kr.dot16
	passes := (j.m + 15) / 16
	for jj := j0; jj < j1; {
		base := min(jj, j1-6)
		for h := 0; h < passes; h++ {
			j.kr.dot16(j.k, &j.at[h*16*j.k], &j.b[base*j.ldb], j.ldb, &out[0])
			rows := min(16, j.m-h*16)
			for r := jj; r < base+6; r++ {
				o := out[(r-base)*16 : (r-base)*16+rows]
				for i, v := range o { // alpha is in j.at
					c := &j.c[(h*16+i)*j.ldc+r]
					if j.beta != 0 {
						v += j.beta * *c
					}
					*c = v
				}
			}
		}
		jj = base + 6
	}
}
