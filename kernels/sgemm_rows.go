// This file holds Sgemm's small-m, non-transposed-B path: C = alpha*op(A)·B
// + beta*C with m <= 32 (an FC layer's backward data pass at batch 1 to 32,
// or its forward with the weights stored K×N; see sgemmJob.useRows). B is read once from
// memory, so the path is bound by how fast its rows stream in: the kernel
// (kr.rows) adds eight rows of B at a time into eight rows of C held
// interleaved, and the work is split along K, not along C's columns, so
// that each worker reads whole rows of B, a chunk of K after another, as
// one contiguous region (splitting C's columns instead gave each worker
// eight half-rows of B at a time; measured interleaved in one process on 2
// threads, the K split with the 4×24 kernel was 1.12x on fc6 K×N, 1.11x on
// fc7 and 1.07x on fc6's backward data pass, m=8 n=25088 k=4096). With
// more than eight rows of C, each group of eight (the last zero-padded in
// op(A)) meets the same rows of B in turn, a block of columns at a time
// small enough that the later groups read B from L1.

package kernels

// rowsChunkRows is about how many rows of B a K chunk holds, and
// rowsMaxChunks caps the chunks (each keeps its own partial C: 8n floats
// per group of eight rows).
const (
	rowsChunkRows = 2048
	rowsMaxChunks = 8
)

// rowsAheadBytes is the most bytes eight rows of B may span for the far
// kernels to ask for the next eight while they read these (ahead): when a
// call reads whole rows (one group of eight rows of C, one column band),
// the next call's rows are one run of memory, and asking for it in order
// turns eight streams into one for the memory controller. In-process A/B
// on Zen 4 (rows of 16 KiB): 8x4096x4096 1.22x on 2 threads and 1.22-1.27x
// on 1, fc6's 8x4096x25088 1.11-1.12x and 1.18-1.23x; with rows of 98 KiB
// (8x25088x4096, 784 KiB a call, L2 1 MiB) 1.00-1.02x.
const rowsAheadBytes = 256 << 10

// rowsMaxM is the most rows of C the path takes.
const rowsMaxM = 32

// rowsBlockVectors is how many vectors of 8 columns each group of eight
// rows of C takes in turn when there are several: 96 (768 columns) keep
// eight rows of B in 24 KiB, in L1 for the groups after the first.
const rowsBlockVectors = 96

// rowsChunks returns how many chunks K is split into: from k alone, so that
// the sums, added chunk by chunk in a fixed order, do not depend on the
// worker count.
func rowsChunks(k int) int {
	return min(max(k/8*8/rowsChunkRows, 1), rowsMaxChunks)
}

// rowsChunk returns chunk q's rows of B, [p0, p1), multiples of 8 (the k%8
// last rows are the last chunk's too, done apart).
func (j *sgemmJob) rowsChunk(q int) (p0, p1 int) {
	g := j.k / 8
	return q * g / j.chunks * 8, (q + 1) * g / j.chunks * 8
}

// rowsGroups returns how many groups of eight rows of C there are.
func (j *sgemmJob) rowsGroups() int { return (j.m + 7) / 8 }

// rowsPart returns the partial C of chunk q and group h: 64 floats per
// vector of 8 columns, the group's eight rows interleaved.
func (j *sgemmJob) rowsPart(q, h int) []float32 {
	size := 64 * (j.n / 8)
	off := (q*j.rowsGroups() + h) * size
	return j.part[off : off+size]
}

// runRows computes C with up to w workers: chunks × column bands of
// partial sums into j.part, then their sum into C, split by columns.
func (j *sgemmJob) runRows(w int) {
	nvt := j.n / 8
	j.chunks = rowsChunks(j.k)
	j.part = growFloats(j.part, j.chunks*j.rowsGroups()*64*nvt)
	j.pn = min(max(1, (w+j.chunks-1)/j.chunks), nvt)
	// The cells are claimed in turn: each chunk's partial sums are added
	// in chunk order whoever made them, so the bits do not change, and a
	// worker slowed by another process takes fewer (fc6 K×N on 2 threads,
	// eight chunks: 1.03x quiet, 1.21x beside a busy loop, Zen 4).
	parallelParts(j.chunks*j.pn, w, j.rowsCell)
	tail := 0
	if j.n%8 != 0 {
		tail = 1
	}
	ParallelFor(nvt+tail, 64, j.rowsSum)
}

// runRowsCells computes the cells [lo, hi): cell c is chunk c/pn of K over
// column band c%pn (whole vectors of 8 columns), into that chunk's partial
// C, cleared first.
func (j *sgemmJob) runRowsCells(lo, hi int) {
	nvt, groups := j.n/8, j.rowsGroups()
	block := nvt
	if groups > 1 {
		block = rowsBlockVectors
	}
	rows, far := j.kr.rows, j.kr.rowsFar
	if j.m <= 4 && j.kr.rows4 != nil {
		rows, far = j.kr.rows4, j.kr.rows4Far
	}
	if j.m == 1 && j.kr.rows1 != nil {
		rows = j.kr.rows1
	}
	if !j.bBeyondL3() {
		far = nil
	}
	for c := lo; c < hi; c++ {
		q, r := c/j.pn, c%j.pn
		v0, v1 := r*nvt/j.pn, (r+1)*nvt/j.pn
		if v0 >= v1 {
			continue
		}
		for h := range groups {
			clear(j.rowsPart(q, h)[64*v0 : 64*v1])
		}
		ahead := 0
		if groups == 1 && v0 == 0 && v1 == nvt && 8*j.ldb*4 <= rowsAheadBytes {
			ahead = 8 * j.ldb * 4
		}
		p0, p1 := j.rowsChunk(q)
		for p := p0; p < p1; p += 8 {
			for vb := v0; vb < v1; vb += block {
				nv := min(block, v1-vb)
				for h := range groups {
					sc := j.rowsPart(q, h)
					if far != nil {
						far(&j.at[h*8*j.k+p*8], &j.b[p*j.ldb+8*vb], j.ldb, &sc[64*vb], nv, ahead)
					} else {
						rows(&j.at[h*8*j.k+p*8], &j.b[p*j.ldb+8*vb], j.ldb, &sc[64*vb], nv)
					}
				}
			}
		}
		if q == j.chunks-1 {
			for h := range groups {
				j.rowsLeftover(j.rowsPart(q, h)[64*v0:64*v1], j.at[h*8*j.k:], p1, v0, v1)
			}
		}
	}
}

// rowsLeftover adds B's rows [p1, k) (fewer than eight) over vectors
// [v0, v1) into the interleaved partial sc of one group (which starts at
// vector v0), at being the group's packed op(A).
func (j *sgemmJob) rowsLeftover(sc, at []float32, p1, v0, v1 int) {
	for p := p1; p < j.k; p++ {
		brow := j.b[p*j.ldb+8*v0 : p*j.ldb+8*v1]
		for v := 0; v < v1-v0; v++ {
			bv := brow[v*8 : v*8+8]
			for i := 0; i < 8; i++ {
				a := at[p*8+i]
				s := sc[(v*8+i)*8 : (v*8+i)*8+8]
				for l, x := range bv {
					s[l] += a * x
				}
			}
		}
	}
}

// sumRowsParts writes C's columns of vectors [lo, hi): the chunks' partial
// sums added in chunk order, plus beta*C (alpha is in j.at). Index n/8
// stands for the n%8 last columns, computed whole here in Go, so that no
// column's sums depend on the split.
func (j *sgemmJob) sumRowsParts(lo, hi int) {
	nvt := j.n / 8
	if hi > nvt {
		j.rowsLastColumns()
		hi = nvt
	}
	if lo >= hi {
		return
	}
	stride := j.rowsGroups() * 64 * nvt
	for i := 0; i < j.m; i++ {
		part := j.rowsPart(0, i/8)
		ci := j.c[i*j.ldc+8*lo : i*j.ldc+8*hi]
		for x := range ci {
			off := ((lo+x/8)*8+i%8)*8 + x%8
			s := part[off]
			for q := 1; q < j.chunks; q++ {
				s += j.part[q*stride+(i/8)*64*nvt+off]
			}
			if j.beta != 0 {
				s += j.beta * ci[x]
			}
			ci[x] = s
		}
	}
}

// rowsLastColumns computes the n%8 last columns of C by dot products over
// all of K, a row of B's last columns at a time (each of C's elements sums
// its products in the order of p, as the kernels do).
func (j *sgemmJob) rowsLastColumns() {
	j0 := j.n / 8 * 8
	cols := j.n - j0
	var acc [rowsMaxM * 7]float32 // acc[i*7+c]: row i, column j0+c
	for p := 0; p < j.k; p++ {
		brow := j.b[p*j.ldb+j0 : p*j.ldb+j.n]
		for i := 0; i < j.m; i++ {
			a := j.at[i/8*8*j.k+p*8+i%8]
			s := acc[i*7 : i*7+cols]
			for c, x := range brow {
				s[c] += a * x
			}
		}
	}
	for i := 0; i < j.m; i++ {
		ci := j.c[i*j.ldc+j0 : i*j.ldc+j.n]
		for c, v := range acc[i*7 : i*7+cols] {
			if j.beta != 0 {
				v += j.beta * ci[c]
			}
			ci[c] = v
		}
	}
}
