// This file holds Sgemm, the single-precision matrix product every
// convolution and fully-connected layer reduces to: the exported entry points
// (argument checks), the cache blocking and packing loops of the
// GotoBLAS/BLIS scheme, the split of C into disjoint blocks across workers,
// and three small-m variants (B read in place; dot products against the
// rows of a transposed B; eight rows of B at a time into eight rows of C,
// in sgemm_rows.go). The micro-kernels that do the arithmetic live in
// sgemm_generic.go (pure Go), sgemm_avx2_amd64.s, sgemm_avx512_amd64.s and
// sgemm_dot_amd64.s (the small-m ones); packing and the packing buffers are
// in sgemm_pack.go.

package kernels

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major float32
// matrices, where op(X) is X, or its transpose when transX is set; op(A) is
// m×k, op(B) is k×n and C is m×n. A is stored m×k (k×m when transA) with
// leading dimension lda, B k×n (n×k when transB) with ldb, C with ldc.
//
// As in BLAS, C is not read when beta == 0 (NaN or Inf in C is overwritten),
// and A and B are not read when alpha == 0 or k == 0. Sgemm panics on a
// negative size, a leading dimension smaller than its row or a slice too
// short for its matrix. It runs on up to Threads() goroutines, splitting C
// into disjoint blocks, and dispatches to the micro-kernel of the active ISA.
// Results are bit-identical for a given ISA whatever the worker count. It is
// safe for concurrent use on distinct C; it allocates nothing in steady state.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkSgemm("Sgemm", transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	sgemm(sgemmKernelFor(active, m, n, k), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// SgemmGeneric is Sgemm on the pure-Go micro-kernel, whatever the active ISA:
// blocked, packed and parallel like Sgemm, and the twin the assembly kernels
// are tested against.
func SgemmGeneric(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkSgemm("SgemmGeneric", transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	sgemm(&genericKernel, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// checkSgemm panics, naming op and the values, on inconsistent arguments.
func checkSgemm(op string, transA, transB bool, m, n, k int, a []float32, lda int,
	b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("kernels: %s: negative size m=%d n=%d k=%d", op, m, n, k))
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	checkMatrix(op, "A", transA, ar, ac, len(a), lda, "lda")
	checkMatrix(op, "B", transB, br, bc, len(b), ldb, "ldb")
	checkMatrix(op, "C", false, m, n, len(c), ldc, "ldc")
}

// checkMatrix panics unless a rows×cols row-major matrix with leading
// dimension ld fits in a slice of length size.
func checkMatrix(op, name string, trans bool, rows, cols, size, ld int, ldName string) {
	t := ""
	if trans {
		t = " (transposed)"
	}
	if ld < max(1, cols) {
		panic(fmt.Sprintf("kernels: %s: %s=%d < %d, the row length of %s%s (%d×%d)",
			op, ldName, ld, max(1, cols), name, t, rows, cols))
	}
	if rows == 0 || cols == 0 {
		return
	}
	if need := (rows-1)*ld + cols; size < need {
		panic(fmt.Sprintf("kernels: %s: len(%s)=%d < %d needed for %s%s (%d×%d, %s=%d)",
			op, sliceName(name), size, need, name, t, rows, cols, ldName, ld))
	}
}

// sliceName maps a matrix name to its slice name in messages ("A" -> "a").
func sliceName(name string) string { return string(name[0] + 'a' - 'A') }

// sgemmMicro is the signature of the micro-kernels (see sgemmKernel.micro).
type sgemmMicro func(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

// sgemmKernel describes one micro-kernel and the blocking tuned for it.
type sgemmKernel struct {
	name   string
	mr, nr int // register tile: mr rows × nr columns of C
	// micro computes the mr×nr tile C = alpha*Ap·B + beta*C, where Ap is a
	// packed mr×kc panel (column p at Ap[p*mr:]), B a kc×nr panel with rows
	// ldb floats apart (nr when packed) and C has row stride ldc. kc >= 1.
	// When beta == 0 C is only written.
	micro sgemmMicro
	// direct, when not nil, replaces micro for a B read in place.
	direct sgemmMicro
	// packing, when not nil, is direct that also copies the kc×nr panel of
	// B it reads to bp (rows nr apart), with micro's bits: the first tile
	// of a panel packed just before use (onePass), so that packing it
	// costs no pass of its own.
	packing func(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, bp *float32)
	// dot, when not nil, computes the dot products of four rows of B with
	// the 8 columns of op(A) packed transposed (see sgemmDot4AVX2): the
	// transposed-B, m <= 8 case.
	dot func(k int, at, b *float32, ldb int, out *float32)
	// dot6, when not nil, is dot for six rows of B, with the same bits per
	// row (out holds 48 floats).
	dot6 func(k int, at, b *float32, ldb int, out *float32)
	// dot6Far, when not nil, is dot6 with the same bits for B larger than
	// L3, which it streams from memory (see sgemmDot6FarAVX2).
	dot6Far func(k int, at, b *float32, ldb int, out *float32)
	// dot8, when not nil, is dot for eight rows of B with its own bits
	// (out holds 64 floats). It takes every row of a product with n >= 8
	// whose rows of B do not sit a multiple of 4 KiB apart (see
	// sgemmDot8AVX2), so that the bits do not depend on the worker split.
	dot8 func(k int, at, b *float32, ldb int, out *float32)
	// gemv[m], when not nil, computes the dot products of gemvRows[m] rows
	// of B with m = 1..3 rows of op(A) packed row by row (see packARows and
	// sgemmGemv1AVX2): out[j*8+i], each row's sum across eight lanes; the
	// transposed-B case with at most three rows of C.
	gemv [5]func(k int, at, b *float32, ldb int, out *float32)
	// dot16, when not nil, computes the dot products of six rows of B with
	// sixteen columns of op(A) packed transposed: out[j*16+i] (see
	// sgemmDot6x16AVX2), the transposed-B, 8 < m <= 32 case.
	dot16 func(k int, at, b *float32, ldb int, out *float32)
	// rows, when not nil, adds eight rows of B times eight columns of
	// op(A) packed transposed into eight rows of C held interleaved (see
	// sgemmRows8AVX2): the non-transposed-B, m = 8 case.
	rows func(ap, b *float32, ldb int, c *float32, nv int)
	// rowsFar, when not nil, is rows with the same bits for B larger than
	// L3, which it streams from memory; with ahead > 0 it also asks for the
	// next eight rows of B, ahead bytes on, in order (see
	// sgemmRows8x24FarAVX2 and rowsAhead).
	rowsFar func(ap, b *float32, ldb int, c *float32, nv, ahead int)
	// rows4 and rows4Far, when not nil, are rows and rowsFar for at most
	// four rows of C: rows 0-3 get rows's bits, rows 4-7 of c are left
	// alone (see sgemmRows4x24FarAVX2).
	rows4    func(ap, b *float32, ldb int, c *float32, nv int)
	rows4Far func(ap, b *float32, ldb int, c *float32, nv, ahead int)
	// rows1, when not nil, is rows for one row of C with B in cache: row
	// 0 gets rows's bits, rows 1-7 of c are left alone (see
	// sgemmRows1x96AVX2).
	rows1 func(ap, b *float32, ldb int, c *float32, nv int)
	// cols4, when not nil, computes a 2mr×4 tile from two packed panels
	// of op(A) (the second mr*kc floats on, two floats past it readable)
	// and the first four columns of a B panel, with the bits half and
	// mergeTile give those columns: the last, ragged panel when cols <= 4.
	cols4 sgemmMicro
	// half, when not nil, is micro for an mr×(nr/2) tile on the first nr/2
	// columns of the B panel: the last, ragged panel when cols <= nr/2.
	half sgemmMicro
	// edge[r], when not nil, is micro for an r×nr tile (the last r < mr rows
	// of C; Ap is then an r×kc panel).
	edge []sgemmMicro
	// pack holds the kernel's assembly packing loops.
	pack sgemmPackers
	// panelL1 is how many L1s a kc×nr panel of B fills (0: one half):
	// a kernel with enough registers to hide L2 latency takes longer panels.
	panelL1 float64

	once       sync.Once
	kc, mc, nc int                 // cache blocks: kc (L1), mc rows of A (L2), nc columns of B (L3)
	bufs       *freeList[sgemmBuf] // packing buffers sized for this kernel
}

// blocking returns kc, mc, nc, derived once from the cache sizes: a kc×nr
// panel of B fills half of L1 (or panelL1 of it), an mc×kc block of A
// about 28% of L2 (measured on Zen 3 with 512 KiB L2: mc=144 beats 96, 192
// and 252 for kc=256, as in BLIS's Zen tuning; on Zen 4, 1 MiB, mc=288 and
// 144 are the same within noise), a kc×nc block of B a quarter of L3.
func (kr *sgemmKernel) blocking() (kc, mc, nc int) {
	kr.once.Do(func() {
		l1, l2, l3 := cacheSizes()
		share := kr.panelL1
		if share == 0 {
			share = 0.5
		}
		kr.kc = clampRound(int(float64(l1)*share)/(kr.nr*4), 64, 512, 8)
		kr.mc = clampRound(l2*9/32/(kr.kc*4), kr.mr, 480, kr.mr)
		kr.nc = clampRound(l3/4/(kr.kc*4), kr.nr, 4096, kr.nr)
		// Enough buffers for every worker of two concurrent calls.
		kr.bufs = newFreeList(max(4, 2*runtime.GOMAXPROCS(0)), kr.newBuf)
	})
	return kr.kc, kr.mc, kr.nc
}

// clampRound rounds x down to a multiple of q and clamps it to [lo, hi].
func clampRound(x, lo, hi, q int) int {
	x = min(max(x, lo), hi)
	return max(x/q*q, q)
}

// sgemmParallelMin is the number of multiply-adds below which Sgemm runs in
// the caller alone: waking a helper costs a few microseconds.
const sgemmParallelMin = 1 << 21

// sgemmDirectBMaxM is the largest m for which a non-transposed B is read in
// place instead of packed.
var sgemmDirectBMaxM = 16

// sgemmDirectKC caps kc when B is read in place: a panel's kc rows of B sit
// ldb apart, often a multiple of 4 KiB, so they compete for few cache sets;
// 128 measured best on Zen 3 (8x4096x25088: kc 512: 18, 256: 31, 128: 35,
// 64: 34, 32: 30 GFLOP/s, one thread).
const sgemmDirectKC = 128

// sgemmJob is one Sgemm call's arguments, shared read-only by its workers.
// Jobs are pooled with their cell function bound once, so that a call
// allocates nothing.
type sgemmJob struct {
	kr             *sgemmKernel
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int
	pm, pn         int             // worker grid: pm row bands × pn column bands
	directB        bool            // the kernel reads B in place (NN, few rows of C)
	dot            bool            // dot products against B's rows (NT, m <= 8)
	rows           bool            // B's rows eight at a time into C's (NN, m = 8)
	dot16          bool            // dot products, sixteen rows of op(A) at a time (NT, 8 < m <= 32)
	gemv           bool            // dot: the lane-summing kernels kr.gemv (m <= 3)
	at             []float32       // dot, rows, dot16: alpha*op(A) transposed (see packAT; kept between calls)
	part           []float32       // rows: the K chunks' partial sums of C, interleaved (kept)
	chunks         int             // rows: how many K chunks
	shared         *sgemmShared    // the packed operands of the shared path (see sgemm_shared.go), or nil
	segs           []atomic.Uint64 // the panel-claiming path's segments of panels: first<<32 | end (see sgemm_panels.go)
	panelsCell     func(lo, hi int)
	cell           func(lo, hi int)
	rowsCell       func(lo, hi int) // rows: runRowsCells, bound once
	rowsSum        func(lo, hi int) // rows: sumRowsParts, bound once
}

var sgemmJobs = newFreeList(64, func() *sgemmJob {
	j := new(sgemmJob)
	j.cell, j.rowsCell, j.rowsSum, j.panelsCell = j.runCells, j.runRowsCells, j.sumRowsParts, j.runPanelCells
	return j
})

// sgemm runs the blocked product with kernel kr on checked arguments.
func sgemm(kr *sgemmKernel, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if alpha == 0 || k == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	j := sgemmJobs.get()
	w := j.plan(kr, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	switch {
	case j.gemv:
		j.packARows()
	case j.dot || j.rows:
		j.packAT(8)
	case j.dot16:
		j.packAT(16)
	}
	p := j.path(w)
	if sgemmTrace != nil {
		sgemmTrace(p.String())
	}
	switch p {
	case pathPanels:
		j.runPanels(w)
	case pathShared:
		j.startShared()
		parallelParts(j.pm*j.pn, w, j.cell)
		j.endShared()
	case pathRows:
		j.runRows(w)
	default: // the cells: packed, dot, dot16
		switch {
		case j.pn > w:
			parallelParts(j.pn, w, j.cell)
		case j.pm*j.pn == 1:
			j.runCells(0, 1)
		default:
			ParallelFor(j.pm*j.pn, 1, j.cell)
		}
	}
	j.a, j.b, j.c = nil, nil, nil
	sgemmJobs.put(j)
}

// sgemmTrace, when not nil, is told the path each Sgemm call takes (tests
// check SgemmImpl against it).
var sgemmTrace func(path string)

// sgemmPath is one of Sgemm's ways through a product.
type sgemmPath int

const (
	pathPacked sgemmPath = iota // the worker grid's cells, cache-blocked (block)
	pathPanels                  // one block of op(A), column panels claimed (sgemm_panels.go)
	pathShared                  // the grid's cells, each block packed once for all (sgemm_shared.go)
	pathRows                    // B's rows eight at a time (sgemm_rows.go)
	pathDot                     // dot products with B's rows, m <= 8 (dotBlock)
	pathDot16                   // dot products, 8 < m <= 32 (sgemm_dot16.go)
)

// String names p as SgemmImpl does.
func (p sgemmPath) String() string {
	return [...]string{"packed", "panels", "shared", "rows", "dot", "dot16"}[p]
}

// path chooses the planned job's path on w workers; for the shared path it
// also sets the grid (planShared), so it is called once a job.
func (j *sgemmJob) path(w int) sgemmPath {
	switch {
	case j.usePanels(w):
		return pathPanels
	case j.planShared(w):
		return pathShared
	case j.rows:
		return pathRows
	case j.dot:
		return pathDot
	case j.dot16:
		return pathDot16
	}
	return pathPacked
}

// plan sets the job's arguments and chooses its path (the flags below) and
// worker grid for Threads() workers, which it returns. It reads no operand,
// only B's address, so that SgemmImpl can describe a call without making it.
func (j *sgemmJob) plan(kr *sgemmKernel, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) int {
	j.kr, j.transA, j.transB, j.m, j.n, j.k = kr, transA, transB, m, n, k
	j.alpha, j.beta, j.a, j.b, j.c, j.lda, j.ldb, j.ldc = alpha, beta, a, b, c, lda, ldb, ldc
	w := Threads()
	if int64(m)*int64(n)*int64(k) < sgemmParallelMin {
		w = 1
	}
	j.pm, j.pn = sgemmGrid(w, m, n, kr.mr, kr.nr)
	// With few rows of C each element of B is used by one or two tiles, so
	// packing B (a read and a write of all of it) costs more than reading
	// B's rows in place, when they start on cache lines (16-float rows
	// straddling two lines made it 30% slower than packing).
	j.directB = !transB && m <= sgemmDirectBMaxM && ldb%16 == 0 &&
		uintptr(unsafe.Pointer(&b[0]))%64 == 0
	// C = A·Bᵀ with a few rows (the FC forward pass): dot products stream
	// each row of B once, along its whole length, eight, six or four rows
	// at a time, with no packing of B at all.
	j.dot = transB && m <= 8 && k >= 64 && n >= 4 && kr.dot != nil
	j.gemv = j.useGemv()
	// C = A·B with at most eight rows and B from memory, or 16, 24 or 32
	// rows: B's rows stream eight at a time (see useRows).
	j.rows = j.useRows()
	// C = A·Bᵀ with 9 to 32 rows (the FC forward pass at batch 16 or 32):
	// dot products of six rows of B with sixteen of op(A) at a time, in one
	// or two passes (see sgemm_dot16.go). With fewer than 16*m rows of B
	// the packed op(A), read once per six rows, costs more than packing B
	// (32x64x25088: 45 GFLOP/s against the general path's 89); at m = 64
	// the general path won on B in cache (64x1024x4096) and lost on B in
	// memory (64x1024x25088, 64x4096x25088), so 32 is the cap.
	j.dot16 = transB && m > 8 && m <= 32 && n >= 16*m && k >= 64 && kr.dot16 != nil
	if j.dot || j.rows || j.dot16 {
		j.directB = false
		j.pm, j.pn = 1, min(w, (n+kr.nr-1)/kr.nr)
	}
	if (j.dot || j.dot16) && w > 1 {
		// Bands of about dotPartBytes of B, claimed in turn.
		j.pn = max(j.pn, min((n+kr.nr-1)/kr.nr, n*k*4/dotPartBytes))
	}
	return w
}

// sgemmGrid chooses how up to w workers split C: pm bands of rows × pn
// bands of columns (pm*pn <= w, each band at least one tile), minimising the
// largest worker's multiply-adds plus its packing (each worker packs its own
// rows of A and columns of B).
func sgemmGrid(w, m, n, mr, nr int) (pm, pn int) {
	tm, tn := (m+mr-1)/mr, (n+nr-1)/nr // tiles along each side
	best := -1.0
	pm, pn = 1, 1
	for p := 1; p <= min(w, tm); p++ {
		for q := 1; q <= min(w/p, tn); q++ {
			rows := float64((tm+p-1)/p*mr) + 0.5 // largest band, in rows
			cols := float64((tn+q-1)/q*nr) + 0.5
			cost := rows*cols + 16*(rows+cols)
			if best < 0 || cost < best {
				best, pm, pn = cost, p, q
			}
		}
	}
	return pm, pn
}

// useRows says whether the rows path computes C = alpha*op(A)·B + beta*C
// (see sgemm_rows.go): B's rows stream eight at a time, each worker through
// its own chunks of K. It takes 8, 16, 24 or 32 rows (an FC layer's
// backward data pass at those batch sizes), beyond eight only with at least
// 16*m columns (with B in cache the general path won: 16x64x25088 93
// against 63 GFLOP/s; other row counts would zero-pad the last group:
// 12x4096x4096 77 against its 84). With fewer than eight rows (batch 1 to
// 7) op(A) is zero-padded to eight rows (kr.rows4 and rows4Far take four),
// and the path is taken when B has at least 24 columns and is larger than
// L3, or than L2 with k >= 256 where the general path would pack B (ldb
// not a multiple of 16, see directB; from the shape alone, not B's
// address, so that the bits do not depend on it) or m = 1. With B in L3 and packed,
// the general path packed all of B for a row or two of C: in-process A/B on
// Zen 4, one thread, 1x1000x4096 1.5-1.7x, 3x1000x4096 2.0x, 6x1000x4096
// 2.1x (1.7x on 2), 7x1000x4096 1.9x, 4x520x600 1.3x, 7x520x600 1.6x,
// 2x1000x1000 1.2x, 1x300x3000 1.2x, 6x300x3000 0.9x; with B in L2
// (4x100x1000 0.93x, 6x100x1000 0.78x) or k = 64 (6x1000x64 0.52x) it
// lost. The four-row kernel against the eight-row one there: 1.2-1.6x.
// One row of C takes the path with B read in place too, and its own
// kernel (kr.rows1, twelve vectors a call, no zero rows): against the
// general path 1x1024x1024 1.9-2.2x, 1x4096x1024 2.2-2.9x, 1x2048x2048
// 2.6-2.7x, 1x256x4096 0.96-0.99x; against the four-row kernel 1x1000x4096
// 1.25x and 1.77x, 1x300x3000 1.4-1.5x, 1x520x600 1.4-1.5x.
// Beyond L3 the general path reads B's rows in place, kc at a time, and
// reached a quarter to a third of the streaming-read ceiling (Zen 4, 2
// threads: 1x25088x4096 5.7 against 14.9 GFLOP/s, 3x25088x4096 16 against 49,
// 4x4096x25088 14 against 50, 5x4096x4096 16 against 72, 6x4096x4096 39
// against 64, 7x4096x4096 56 against 78; one thread 1.5-3.6x; down to
// 2x24x400000 4.2 against 11.3 and 4x32x300000 17 against 21). With 16
// columns B is one panel, read in one stream (4x16x600000: 17-27 against
// 10-11). With B in L3 and read in place the general path was as fast or
// faster where its tiles fit (6x2000x2000 74-84 against 33-50, 2x256x4096
// 40-49 against 28, one thread) and slower elsewhere (4x1024x1024 38-43
// against 62-69): it keeps them.
func (j *sgemmJob) useRows() bool {
	if j.transB || j.k < 64 || j.n < 8 || j.kr.rows == nil {
		return false
	}
	if j.m < 8 {
		_, l2, _ := cacheSizes()
		inL3 := (j.ldb%16 != 0 || j.m == 1) && j.k >= 256 && int64(j.k)*int64(j.n)*4 > int64(l2)
		return j.n >= 24 && (inL3 || j.bBeyondL3())
	}
	return j.m%8 == 0 && j.m <= rowsMaxM && (j.m == 8 || j.n >= 16*j.m)
}

// runCells computes the worker-grid cells [lo, hi), each a disjoint block of C.
func (j *sgemmJob) runCells(lo, hi int) {
	kr := j.kr
	buf := kr.getBuf()
	tm, tn := (j.m+kr.mr-1)/kr.mr, (j.n+kr.nr-1)/kr.nr
	for cell := lo; cell < hi; cell++ {
		r, q := cell/j.pn, cell%j.pn
		i0, i1 := r*tm/j.pm*kr.mr, min((r+1)*tm/j.pm*kr.mr, j.m)
		j0, j1 := q*tn/j.pn*kr.nr, min((q+1)*tn/j.pn*kr.nr, j.n)
		switch {
		case i0 >= i1 || j0 >= j1:
		case j.dot:
			j.dotBlock(buf, j0, j1)
		case j.dot16:
			j.dot16Block(buf, j0, j1)
		case j.shared != nil:
			j.blockShared(buf, i0, i1, j0, j1)
		default:
			j.block(buf, i0, i1, j0, j1)
		}
	}
	kr.bufs.put(buf)
}

// block computes rows [i0, i1) × columns [j0, j1) of C, i0 a multiple of mr
// and j0 of nr, so that the register tiles sit on one grid for every worker
// count and the results do not depend on it.
func (j *sgemmJob) block(buf *sgemmBuf, i0, i1, j0, j1 int) {
	kr := j.kr
	mr, nr := kr.mr, kr.nr
	kc, mc, nc := kr.blocking()
	if j.directB {
		kc = min(kc, sgemmDirectKC)
	} else if !j.transB && j.m <= mc {
		kc = j.evenKC(kc)
	}
	for jc := j0; jc < j1; jc += nc {
		nb := min(nc, j1-jc)
		for pc := 0; pc < j.k; pc += kc {
			kb := min(kc, j.k-pc)
			beta := j.beta
			if pc > 0 {
				beta = 1
			}
			// A short K walks the tiles along C's rows (see
			// sgemmRowWiseMaxK). Otherwise one band of rows (i1-i0 <= mc)
			// uses each panel of B once: pack it just before use, into L1,
			// rather than the whole block into L3.
			rowWise := !j.directB && j.k <= sgemmRowWiseMaxK
			onePass := !j.directB && !j.transB && i1-i0 <= mc && !rowWise
			if !j.directB && !onePass {
				packB(&kr.pack, buf.b, j.transB, j.b, j.ldb, pc, kb, jc, nb, nr)
			}
			for ic := i0; ic < i1; ic += mc {
				mb := min(mc, i1-ic)
				// Packing op(A) is 6-9% of 512x196x4608 (each value meets
				// only 196 columns) and waits on its loads, but asking L2
				// for the next block while this one's tiles run (a slice of
				// its rows before each tile) measured 0.97x and worse: the
				// prefetches stalled about as long as the packing had. The
				// packing loop asking for the next six rows as it reads
				// these: 1.00-1.05x, no less time in it. Alone, it packs
				// 29-46 GB/s from cache and 10-12 from memory (1 KiB of
				// each row, rows 18 KiB apart), the same with twelve rows
				// at a time; operands on 2 MiB pages: 1.00-1.03x (Zen 4).
				packA(&kr.pack, buf.a, j.transA, j.a, j.lda, ic, mb, pc, kb, mr, kr.edge != nil)
				if rowWise {
					for ir := 0; ir < mb; ir += mr {
						for jr := 0; jr < nb; jr += nr {
							bp := &buf.b[jr/nr*panelStride(kb, nr)]
							j.tile(buf, kb, &buf.a[ir*kb], bp, nr, ic+ir, jc+jr, min(mr, mb-ir), min(nr, nb-jr), beta)
						}
					}
					continue
				}
				for jr := 0; jr < nb; jr += nr {
					cols := min(nr, nb-jr)
					// The first tile of a full panel packs it (kr.packing)
					// as it reads B, rather than a pass of its own.
					fuse := sgemmFusePack && onePass && cols == nr && mb >= mr && kr.packing != nil
					var bp *float32
					var ldb int
					if fuse {
						_ = buf.b[kb*nr-1] // bounds for the assembly
						bp, ldb = &buf.b[0], nr
					} else {
						bp, ldb = j.panelB(buf, pc, kb, jc, jr, cols, onePass)
					}
					if cols <= 4 && kr.cols4 != nil {
						j.cols4(buf, kb, bp, ldb, ic, mb, jc+jr, cols, beta)
						continue
					}
					ahead := onePass && kb >= sgemmAheadMinKC && kr.pack.prefetch != nil &&
						jr+sgemmAheadPanels*nr < nb
					calls := (mb + mr - 1) / mr
					for ir := 0; ir < mb; ir += mr {
						if ahead {
							j.prefetchPanel(pc, kb, jc+jr+sgemmAheadPanels*nr, ir/mr, calls)
						}
						if fuse && ir == 0 {
							_ = j.b[(pc+kb-1)*j.ldb+jc+jr+nr-1] // bounds for the assembly
							kr.packing(kb, &buf.a[0], &j.b[pc*j.ldb+jc+jr], j.ldb, &j.c[ic*j.ldc+jc+jr], j.ldc,
								j.alpha, beta, bp)
							continue
						}
						j.tile(buf, kb, &buf.a[ir*kb], bp, ldb, ic+ir, jc+jr, min(mr, mb-ir), cols, beta)
					}
				}
			}
		}
	}
}

// tile computes the rows×cols tile of C at (i, jj), rows <= mr and cols <=
// nr, from a packed panel of op(A) at ap (kb steps) and a panel of B at bp
// (rows ldb apart): the kernel for its shape (the edge twins, the half
// kernel, the in-place-B one), or the full kernel into buf.tile and the
// corner merged into C. A call from Go a tile costs nothing measurable: an
// assembly loop running a panel's full tiles in one call (and warming the
// next tile's C) measured 0.99-1.01x on 1024^3, 2048^3, 512x784x4608 and
// 512x196x4608, 1 and 2 threads (Zen 4, in-process A/B).
func (j *sgemmJob) tile(buf *sgemmBuf, kb int, ap, bp *float32, ldb, i, jj, rows, cols int, beta float32) {
	kr := j.kr
	mr, nr := kr.mr, kr.nr
	micro := kr.micro
	if ldb != nr && kr.direct != nil {
		micro = kr.direct
	}
	if rows < mr && kr.edge != nil {
		micro = kr.edge[rows]
	}
	co := i*j.ldc + jj
	if rows == mr && cols <= nr/2 && kr.half != nil {
		micro = kr.half
		if cols == nr/2 {
			micro(kb, ap, bp, ldb, &j.c[co], j.ldc, j.alpha, beta)
			return
		}
	}
	if cols == nr && (rows == mr || kr.edge != nil) {
		micro(kb, ap, bp, ldb, &j.c[co], j.ldc, j.alpha, beta)
		return
	}
	micro(kb, ap, bp, ldb, &buf.tile[0], nr, j.alpha, 0)
	mergeTile(buf.tile, nr, j.c[co:], j.ldc, rows, cols, beta)
}

// cols4 computes rows [i, i+mb) × the cols <= 4 columns at jj of C, the
// last panel, from the packed block of op(A) in buf.a: two row panels a
// call of kr.cols4, which holds eight accumulators where the half kernel
// holds six and waits on the FMA latency, then a last single panel and an
// edge tile as tile does. The bits are those of the half kernel and
// mergeTile, whichever computes a row.
func (j *sgemmJob) cols4(buf *sgemmBuf, kb int, bp *float32, ldb, i, mb, jj, cols int, beta float32) {
	kr := j.kr
	mr := kr.mr
	ir := 0
	for ; ir+2*mr <= mb; ir += 2 * mr {
		_ = buf.a[(ir+2*mr)*kb+1] // bounds for the assembly (it reads two floats on)
		if cols == 4 {
			_ = j.c[(i+ir+2*mr-1)*j.ldc+jj+3]
			kr.cols4(kb, &buf.a[ir*kb], bp, ldb, &j.c[(i+ir)*j.ldc+jj], j.ldc, j.alpha, beta)
			continue
		}
		kr.cols4(kb, &buf.a[ir*kb], bp, ldb, &buf.tile[0], 4, j.alpha, 0)
		mergeTile(buf.tile, 4, j.c[(i+ir)*j.ldc+jj:], j.ldc, 2*mr, cols, beta)
	}
	for ; ir < mb; ir += mr {
		j.tile(buf, kb, &buf.a[ir*kb], bp, ldb, i+ir, jj, min(mr, mb-ir), cols, beta)
	}
}

// sgemmRowWiseMaxK is the longest K for which the packed path walks its
// tiles along C's rows (each panel of op(A) meets every panel of the B
// block, then the next) rather than down its columns (each panel of B
// meets every panel of the A block). With a short K a tile is little work
// beside moving its part of C, and walking down the columns touches mr new
// rows of C a tile, rows ldc apart, which the hardware prefetcher does not
// follow; along the rows it streams them. In-process A/B on Zen 4, 1
// thread unless said: the FC weight gradient at batch 8 (TN, beta 1)
// 4096x25088x8 1.89x (1.98x on 2 threads), 4096x4096x8 1.72x (1.31x);
// K = 16: 1.28x, 32: 1.19x, 64: 1.11x (4096x4096); NN, beta 0, 2048^2x64
// 1.09x, 64x50176x27 0.99x. With K = 128 and 256 it was still 1.05-1.16x
// on 4096x4096 but 0.86x on 128x12544x1152 and 64x50176x576, whose rows
// fit one block and whose panels of B are packed just before use.
const sgemmRowWiseMaxK = 64

// sgemmFusePack says whether the first tile of each panel of B packed just
// before use (onePass) packs it as it reads B in place (kr.packing) rather
// than packB in a pass of its own; the bits are the same either way (tests
// turn it off to check that). The separate pass waits on B's rows from
// memory, 8-9% of 64x50176x576; in-process A/B on Zen 4, 41 pairs:
// 64x50176x576 1.02x on 1 thread and 1.05x on 2, 128x12544x1152 1.01x.
var sgemmFusePack = true

// In the onePass case each panel of B (kb rows of nr floats, every row from
// another part of memory, ldb apart) is packed just before its use, so its
// kb cache lines come from memory one by one unless they were asked for
// earlier: the lines of the panel sgemmAheadPanels on are prefetched while
// the current one is in use, a slice of its rows before each micro-kernel
// call, so that few are in flight at a time (the packing loop's own
// prefetch, one panel on, issues all kb at once). Measured on Zen 3,
// in-process A/B: 64x50176x576 1.04-1.05x, 128x12544x1152 1.03-1.04x on 1
// and 2 threads, 512x784x4608 (not onePass) and 64x50176x27 unchanged.
// Below sgemmAheadMinKC rows a call is too short to carry the extra calls.
const (
	sgemmAheadPanels = 2
	sgemmAheadMinKC  = 128
)

// prefetchPanel prefetches slice q of calls of the rows [pc, pc+kb) of B at
// column col (one cache line and the next, which 16 floats may straddle).
func (j *sgemmJob) prefetchPanel(pc, kb, col, q, calls int) {
	r0, r1 := q*kb/calls, (q+1)*kb/calls
	if r0 < r1 {
		j.kr.pack.prefetch(&j.b[(pc+r0)*j.ldb+col], 4*j.ldb, r1-r0)
	}
}

// evenKC returns the k block for a product of at most mc rows, whose
// panels of B are packed one at a time just before use (onePass): k in
// equal blocks of at most kc, rather than kc, kc, ..., and a short rest.
// It depends only on k, never on the worker split, so the results do not
// either. Blocks longer than kc, so that C is read and written in fewer
// passes, measured worse on Zen 4 (in-process A/B against blocks as long as
// A's buffer allows: 64x50176x576 one block of 576 against three of 192,
// 1.09x on 1 thread and 1.07x on 2 with the shorter; 128x12544x1152 1.01x;
// two blocks of 288 were 0.97x of three of 192): a panel of 576 rows does
// not fit in L1 beside A's slice. Nor did walking the k blocks inside the
// panel loop pay (op(A)'s band packed whole, then each panel of B meets it
// block after block, so that C's mb×nr column stays in L1 between blocks
// instead of leaving for L3 between passes; the same bits): 64x50176x576
// 0.93-1.00x on 1 and 2 threads.
func (j *sgemmJob) evenKC(kc int) int {
	blocks := (j.k + kc - 1) / kc
	// Rounded up to 8, but never past kc (the buffers' size; kc itself is
	// a multiple of 8 except in tests with tiny blocks).
	return min(kc, ((j.k+blocks-1)/blocks+7)/8*8)
}

// panelB returns the kb×nr panel of op(B) at rows pc.., columns jc+jr.. and
// its row stride: packed alone now (onePass), in the packed block, or, when
// B is read in place, in B itself, except a ragged last panel (cols < nr),
// which is packed alone.
func (j *sgemmJob) panelB(buf *sgemmBuf, pc, kb, jc, jr, cols int, onePass bool) (*float32, int) {
	nr := j.kr.nr
	switch {
	case onePass:
		packB(&j.kr.pack, buf.b, false, j.b, j.ldb, pc, kb, jc+jr, cols, nr)
		return &buf.b[0], nr
	case !j.directB:
		return &buf.b[jr/nr*panelStride(kb, nr)], nr
	case cols == nr:
		return &j.b[pc*j.ldb+jc+jr], j.ldb
	}
	packB(&j.kr.pack, buf.b, false, j.b, j.ldb, pc, kb, jc+jr, cols, nr)
	return &buf.b[0], nr
}

// mergeTile stores the rows×cols corner of an edge tile t (t = alpha*A·B)
// into C: C = t + beta*C, not reading C when beta == 0.
func mergeTile(t []float32, ldt int, c []float32, ldc, rows, cols int, beta float32) {
	for i := 0; i < rows; i++ {
		ti := t[i*ldt : i*ldt+cols]
		ci := c[i*ldc : i*ldc+cols]
		if beta == 0 {
			copy(ci, ti)
			continue
		}
		for x, v := range ti {
			ci[x] = v + beta*ci[x]
		}
	}
}

// scaleC sets C = beta*C, writing zeros without reading C when beta == 0.
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		ci := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(ci)
			continue
		}
		for x := range ci {
			ci[x] *= beta
		}
	}
}

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
