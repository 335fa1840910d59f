// This file holds Sgemm, the single-precision matrix product every
// convolution and fully-connected layer reduces to: the exported entry points
// (argument checks), the micro-kernel descriptions, the choice of path and
// the split of C into disjoint blocks across workers. The cache blocking and
// packing loops of the GotoBLAS/BLIS scheme are in sgemm_block.go, and the
// small-m variants elsewhere: dot products against the rows of a transposed
// B (sgemm_dot.go, sgemm_dot16.go), eight rows of B at a time into eight rows
// of C (sgemm_rows.go). The micro-kernels that do the arithmetic live in
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
	// packing, when not nil, is micro for a B read in place (rows ldb
	// apart) that also copies the kc×nr panel it reads to bp (rows nr
	// apart), with micro's bits: the first tile of a panel packed just
	// before use (onePass), so that packing it costs no pass of its own.
	packing func(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, bp *float32)
	// ahead, when not nil, is micro for a packed B (ldb == nr) that also
	// asks L2 for pfn cache lines, pfstride bytes apart from pf, spread
	// over its k loop, with micro's bits: the full tiles below a panel of
	// B packed just before use, asking for the panel after next (see
	// panelTiles).
	ahead func(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, pf *float32, pfstride, pfn int)
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
	// cols4, when not nil, computes a 2mr×4 tile from two packed mr×kc
	// panels of op(A), at a and a2 (two floats past each readable), and
	// the first four columns of a B panel, with the bits half and
	// mergeTile give those columns: the last, ragged panel when cols <= 4.
	cols4 func(kc int, a, a2, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
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
