// This file holds Sgemm's paths for a transposed B with few rows of C (the
// fully-connected layers' forward pass at small batch): op(A) packed
// transposed or row by row, the choice of dot-product or lane-summing
// kernel, and the walk over B's rows (dotBlock).

package kernels

// packAT packs op(A) transposed and times alpha into j.at for the dot and
// rows kernels, in passes of width rows (8 or 16): pass h holds rows
// [h*width, h*width+width) as at[h*width*k + p*width + i] =
// alpha*op(A)[h*width+i][p], zero for rows past m.
func (j *sgemmJob) packAT(width int) {
	scale := j.alpha
	size := (j.m + width - 1) / width * width * j.k
	j.at = growFloats(j.at, size)
	at := j.at[:size]
	if j.m%width != 0 {
		clear(at)
	}
	for i := 0; i < j.m; i++ {
		pass := at[i/width*width*j.k:]
		ii := i % width
		if j.transA {
			for p := 0; p < j.k; p++ {
				pass[p*width+ii] = scale * j.a[p*j.lda+i]
			}
			continue
		}
		for p, v := range j.a[i*j.lda : i*j.lda+j.k] {
			pass[p*width+ii] = scale * v
		}
	}
}

// packARows packs alpha*op(A) row by row for the gemv kernels: row i at
// at[i*k8:], k8 the k rounded up to a multiple of 8, zero past k.
func (j *sgemmJob) packARows() {
	k8 := (j.k + 7) &^ 7
	j.at = growFloats(j.at, j.m*k8)
	for i := 0; i < j.m; i++ {
		row := j.at[i*k8 : (i+1)*k8]
		clear(row[j.k:])
		if j.transA {
			for p := range j.k {
				row[p] = j.alpha * j.a[p*j.lda+i]
			}
			continue
		}
		for p, v := range j.a[i*j.lda : i*j.lda+j.k] {
			row[p] = j.alpha * v
		}
	}
}

// gemvRows[m] is how many rows of B a call of kr.gemv[m] reads.
var gemvRows = [5]int{0, 8, 6, 4, 2}

// useGemv says whether the dot path (NT, m <= 8) takes the lane-summing
// kernels kr.gemv: with one or two rows of C, three with B in L3, or four
// with B in an eighth of L3 and k <= 2048 (op(A)'s four rows in L1), and
// at least eight rows of B. The broadcast kernels give each of eight lanes
// a row of C, so that at m = 1 seven lanes in eight multiply zeros: they
// ran at 0.72x gonum's Sgemm on 1x1024x1024 (B in L3) and at 60-67% of
// the streaming-read ceiling on fc6 at batch 1 on one thread, where the
// FMAs nearly kept up with the reads. In-process A/B on Zen 4, 1 and 2
// threads: B in cache 1x1024x1024 3.0-3.2x, 2x1024x1024 2.8x, 3x1024x1024
// 2.3x, 1x256x512 3.9-4.1x, 3x2048x2048 1.6-2.1x, 3x4096x1000 1.3-2.0x; B
// from memory 1x4096x25088 1.39x and 1.08x, 1x4096x4096 1.44-1.50x,
// 2x4096x25088 1.05x and 1.21x, 2x4096x4096 1.15x, but 3x4096x25088
// 0.91-0.98x and 3x4096x4096 0.98x (four rows of B a call against eight).
// Four rows of C take two rows of B a call: 4x256x512 2.1x, 4x64x1024
// 1.9-2.0x, 4x1024x1024 1.8x, 4x2048x512 2.3-2.4x; but 4x4096x1024 (B 16
// MiB) 0.91x and 1.52x, 4x1000x4096 (op(A) 64 KiB) 0.81-0.97x, B from
// memory 0.58-0.78x.
func (j *sgemmJob) useGemv() bool {
	if !j.dot || j.n < 8 || j.m > 4 || j.kr.gemv[j.m] == nil {
		return false
	}
	switch j.m {
	case 3:
		return !j.bBeyondL3()
	case 4:
		return j.k <= 2048 && int64(j.n)*int64(j.k)*4 <= l3Bytes()/8
	}
	return true
}

// bBeyondL3 says whether op(B) is larger than L3, so that it comes from
// memory on every call.
func (j *sgemmJob) bBeyondL3() bool {
	return beyondL3(int64(j.k) * int64(j.n) * 4)
}

// beyondL3 says whether bytes overflow L3 (or sgemmFarBytes, when set).
func beyondL3(bytes int64) bool {
	return bytes > l3Bytes()
}

// l3Bytes returns L3's size, or sgemmFarBytes when set.
func l3Bytes() int64 {
	l3 := sgemmFarBytes
	if l3 <= 0 {
		_, _, l3 = cacheSizes()
	}
	return int64(l3)
}

// sgemmFarBytes, when positive, stands for L3's size in bBeyondL3: tests set
// it so that a B of a few MiB takes the far kernels on any machine (one
// with 300 MiB of L3 would otherwise need a B of 300 MiB and its float64
// reference).
var sgemmFarBytes int

// dotLaneBytes is how many bytes of B one lane of dotBlock reads in one
// run when B's rows are short: a call's g rows lie lanes rows apart, and a
// lane goes on to the next row, which starts where its row ended. Each row
// read as a stream of its own starts the hardware prefetcher again (and the
// kernel's own prefetch ahead runs into rows another call reads), which
// short rows pay for: on Zen 4, in-process A/B against one row a lane,
// 8x98304x1024 (B from memory) 1.20-1.27x on 1 and 2 threads,
// 8x49152x2048 1.09x, fc7 (8x4096x4096, dot6) 0.98-1.08x, 8x256x1000 (B in
// L2) 1.10x. Rows of 98 KiB (fc6) read best one row a lane (two: 0.89x),
// so runs are 128 KiB: at most 64 KiB rows take lanes.
const dotLaneBytes = 128 << 10

// dotPartBytes is about how much of B one band of columns holds on the dot
// paths (NT, m <= 32) when more than one worker runs: the bands are claimed
// in turn, so that a worker slowed down by another process takes fewer of
// them instead of holding up the call (every row of B is summed the same
// way in any band, so the bits do not change). On Zen 4, 2 threads,
// in-process A/B against one band a worker: fc6 1.10x (4 and 16 MiB bands,
// 1 MiB: 0.97x), fc7 0.99-1.02x; with a busy loop beside it, fc6 1.17x and
// fc7 1.11x.
const dotPartBytes = 4 << 20

// useDot8 says whether dotBlock takes eight rows of B a call: when the
// kernel has dot8, n >= 8 and the rows of B are not a multiple of 4 KiB
// apart. It depends on the shape alone, never on the worker split.
func (j *sgemmJob) useDot8() bool {
	return j.kr.dot8 != nil && j.n >= 8 && j.ldb*4%4096 != 0
}

// dotBlock computes columns [j0, j1) of C = alpha*op(A)·Bᵀ + beta*C for
// m <= 8 with kr.dot8 (eight rows of B per call), kr.dot6 (six) or kr.dot
// (four), each row read once along its whole length: few streams from
// memory, each long, which is what the hardware prefetcher serves best (the
// earlier layout, which kept op(A) in L1 and so read 12 rows of B in turn
// in 2 KiB runs, reached 58-65% of the streaming-read ceiling on fc6 here).
// The packed op(A) (8 floats a column) comes from L2 or L3, at B's bytes
// with eight rows a call, 4/3 of them with six (twice with four). A last
// group of fewer rows than a call takes the rows ending at j1 and keeps its
// own. When useDot8 holds, every call is dot8; otherwise dot6 and dot4,
// which make each row's sums the same way: either way every row's bits are
// the same whatever the worker split, and whatever lane (below) reads it.
func (j *sgemmJob) dotBlock(buf *sgemmBuf, j0, j1 int) {
	out := buf.tile[:64] // not a local array: it would escape through kr.dot
	eight := j.useDot8()
	dot6 := j.kr.dot6
	if j.kr.dot6Far != nil && j.bBeyondL3() {
		dot6 = j.kr.dot6Far
	}
	g := 4
	switch {
	case j.gemv:
		g = gemvRows[j.m]
	case eight:
		g = 8
	case j.kr.dot6 != nil && j1-j0 >= 6:
		g = 6
	}
	// Lanes: each of the g rows a call reads is a lane that walks on to
	// the next row when its row ends; rows lie ldb floats apart, so with
	// ldb == k a lane reads one run of lanes*k floats. Rows of at least
	// dotLaneBytes/2 keep one row a lane (lanes == 1, the loop below).
	jj := j0
	if lanes := dotLaneBytes / (j.k * 4); lanes > 1 {
		dot := j.kr.dot
		switch {
		case j.gemv:
			dot = j.kr.gemv[j.m]
		case g == 8:
			dot = j.kr.dot8
		case g == 6:
			dot = dot6
		}
		for ; jj+g*lanes <= j1; jj += g * lanes {
			for t := 0; t < lanes; t++ {
				dot(j.k, &j.at[0], &j.b[(jj+t)*j.ldb], lanes*j.ldb, &out[0])
				for r := 0; r < g; r++ {
					j.dotStore(out[r*8:r*8+8], jj+r*lanes+t)
				}
			}
		}
	}
	for jj < j1 {
		g, dot := 4, j.kr.dot
		switch {
		case j.gemv:
			g, dot = gemvRows[j.m], j.kr.gemv[j.m] // n >= 8: j1 >= g
		case eight:
			g, dot = 8, j.kr.dot8 // j1 >= 8: a band starts on a tile of 16 or is all n
		case j.kr.dot6 != nil && j1-jj >= 6:
			g, dot = 6, dot6
		}
		base := min(jj, j1-g)
		dot(j.k, &j.at[0], &j.b[base*j.ldb], j.ldb, &out[0])
		for r := jj; r < base+g; r++ {
			j.dotStore(out[(r-base)*8:(r-base)*8+8], r)
		}
		jj = base + g
	}
}

// dotStore writes column r of C from o, the m sums of one row of B.
func (j *sgemmJob) dotStore(o []float32, r int) {
	for i := 0; i < j.m; i++ {
		c := &j.c[i*j.ldc+r]
		v := o[i] // alpha is in j.at
		if j.beta != 0 {
			v += float32(j.beta * *c)
		}
		*c = v
	}
}
