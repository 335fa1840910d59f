// This file holds Sgemm's packed path for one worker's block of C: the
// loops over the cache blocks and register tiles (block), the choice of
// micro-kernel a tile (tile, cols4), and the helpers they share (panelB,
// evenKC, prefetchPanel, mergeTile, scaleC).

package kernels

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
				// Nor did a 6x16 kernel that asks for the next block's rows
				// itself, a line every four k steps, 6 or 17 lines a tile
				// (packA fell to 4-5% of the profile, the kernel slowed):
				// 0.99-1.03x on 512x196x4608, 1.01-1.02x on 512x784x4608,
				// 1 and 2 threads, 41 pairs. Into L2 by kr.ahead in the
				// block's last panels, a row or a quarter row a tile (the
				// lines then still there when packA runs): packA fell from
				// 9% to 3% of 512x196x4608, those tiles slowed by as much;
				// 0.98-1.02x there, on 512x784x4608 and 1024^3, 61 pairs.
				packA(&kr.pack, buf.a, j.transA, j.a, j.lda, ic, mb, pc, kb, mr, kr.edge != nil)
				if rowWise {
					for ir := 0; ir < mb; ir += mr {
						for jr := 0; jr < nb; jr += nr {
							bp := &buf.b[jr/nr*panelStride(kb, nr)]
							if ir+mr <= mb && jr+nr <= nb {
								// A full tile: the kernel straight into C, as
								// tile would call it, without tile's checks,
								// which cost 2-9% when a tile is this short.
								kr.micro(kb, &buf.a[ir*kb], bp, nr, &j.c[(ic+ir)*j.ldc+jc+jr], j.ldc, j.alpha, beta)
								continue
							}
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
						bp, ldb = &buf.b[0], nr
					} else {
						bp, ldb = j.panelB(buf, pc, kb, jc, jr, cols, onePass)
					}
					if cols <= 4 && kr.cols4 != nil {
						j.cols4(buf, kb, bp, ldb, ic, mb, jc+jr, cols, beta)
						continue
					}
					next := -1
					if onePass && kb >= sgemmAheadMinKC && kr.pack.prefetch != nil && jr+sgemmAheadPanels*nr < nb {
						next = jc + jr + sgemmAheadPanels*nr
					}
					j.panelTiles(buf, kb, pc, bp, ldb, ic, mb, jc+jr, cols, beta, fuse, next)
				}
			}
		}
	}
}

// panelTiles computes rows [i, i+mb) × the cols columns at jj of C, a tile
// at a time, from the packed op(A) in buf.a (kb steps) and the panel of B
// at bp (rows ldb apart). With fuse the first tile packs the panel from
// B's rows pc.. as it reads them (packingTile), and bp is where it goes.
// With next >= 0 the tiles ask for the rows [pc, pc+kb) of B at column
// next, a slice each: the full tiles inside kr.ahead when the kernel has
// one (sgemmSpreadAhead), else every tile before its call (prefetchPanel).
func (j *sgemmJob) panelTiles(buf *sgemmBuf, kb, pc int, bp *float32, ldb, i, mb, jj, cols int, beta float32, fuse bool, next int) {
	kr := j.kr
	mr, nr := kr.mr, kr.nr
	first := 0
	if fuse {
		first = 1
	}
	slots := mb/mr - first // the full tiles kr.ahead takes
	spread := next >= 0 && sgemmSpreadAhead && kr.ahead != nil && cols == nr && ldb == nr && slots > 0
	calls := (mb + mr - 1) / mr
	for ir := 0; ir < mb; ir += mr {
		if next >= 0 && !spread {
			j.prefetchPanel(pc, kb, next, ir/mr, calls)
		}
		switch {
		case fuse && ir == 0:
			j.packingTile(buf, kb, pc, i, jj, beta)
		case spread && ir+mr <= mb:
			q := ir/mr - first
			r0, r1 := q*kb/slots, (q+1)*kb/slots
			kr.ahead(kb, &buf.a[ir*kb], bp, nr, &j.c[(i+ir)*j.ldc+jj], j.ldc, j.alpha, beta,
				&j.b[(pc+r0)*j.ldb+next], 4*j.ldb, r1-r0)
		default:
			j.tile(buf, kb, &buf.a[ir*kb], bp, ldb, i+ir, jj, min(mr, mb-ir), cols, beta)
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

// packingTile computes the first full tile of the panel of B at rows pc..,
// column jj, with C's rows i.., from the first panel of the packed op(A) in
// buf.a, reading B in place and packing the panel into buf.b as it goes
// (kr.packing), for the tiles below it.
func (j *sgemmJob) packingTile(buf *sgemmBuf, kb, pc, i, jj int, beta float32) {
	kr := j.kr
	_ = j.b[(pc+kb-1)*j.ldb+jj+kr.nr-1] // bounds for the assembly
	_ = buf.b[kb*kr.nr-1]
	_ = buf.a[kr.mr*kb-1]
	kr.packing(kb, &buf.a[0], &j.b[pc*j.ldb+jj], j.ldb, &j.c[i*j.ldc+jj], j.ldc, j.alpha, beta, &buf.b[0])
}

// cols4 computes rows [i, i+mb) × the cols <= 4 columns at jj of C, the
// last panel, from the packed block of op(A) in buf.a: two row panels a
// call of kr.cols4, which holds eight accumulators where the AVX2 half
// kernel holds six and waits on the FMA latency (and the AVX-512 one
// computes 16 columns for 4), then a last single panel and an edge tile as
// tile does. The bits are those of the half kernel and mergeTile, whichever
// computes a row.
func (j *sgemmJob) cols4(buf *sgemmBuf, kb int, bp *float32, ldb, i, mb, jj, cols int, beta float32) {
	mr := j.kr.mr
	ir := 0
	for ; ir+2*mr <= mb; ir += 2 * mr {
		_ = buf.a[(ir+2*mr)*kb+1] // bounds for the assembly (it reads two floats on)
		j.cols4Tile(buf, kb, &buf.a[ir*kb], &buf.a[(ir+mr)*kb], bp, ldb, i+ir, jj, cols, beta)
	}
	for ; ir < mb; ir += mr {
		j.tile(buf, kb, &buf.a[ir*kb], bp, ldb, i+ir, jj, min(mr, mb-ir), cols, beta)
	}
}

// cols4Tile computes the 2mr×cols tile of C at (i, jj), cols <= 4, with
// kr.cols4 from the packed panels ap and ap2 (rows i.. and i+mr..): into C
// when cols == 4, else into buf.tile and the corner merged into C.
func (j *sgemmJob) cols4Tile(buf *sgemmBuf, kb int, ap, ap2, bp *float32, ldb, i, jj, cols int, beta float32) {
	kr := j.kr
	if cols == 4 {
		_ = j.c[(i+2*kr.mr-1)*j.ldc+jj+3] // bounds for the assembly
		kr.cols4(kb, ap, ap2, bp, ldb, &j.c[i*j.ldc+jj], j.ldc, j.alpha, beta)
		return
	}
	kr.cols4(kb, ap, ap2, bp, ldb, &buf.tile[0], 4, j.alpha, 0)
	mergeTile(buf.tile, 4, j.c[i*j.ldc+jj:], j.ldc, 2*kr.mr, cols, beta)
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
// Storing the tiles around the caches (VMOVNTPS, beta 0, C beyond L3,
// written once here) paid only at K = 8: 4096x4096x8 1.03-1.05x on 1
// thread and 1.10-1.19x on 2, 4096x25088x8 1.08x and 1.21x; K = 16-64 lost
// (0.95-0.97x on 1 thread), 64x50176x27 (C in L3) 0.99-1.06x. Not taken:
// no call of this engine's is K = 8 with beta 0 (nn.Linear's weight
// gradient accumulates, beta 1).
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
// Kernels with kr.ahead ask inside their k loop instead (sgemmSpreadAhead).
const (
	sgemmAheadPanels = 2
	sgemmAheadMinKC  = 128
)

// sgemmSpreadAhead says whether the full tiles below a panel of B packed
// just before use ask for their slices of the panel after next inside the
// kernel (kr.ahead: a line every four k steps, into L2), rather than in a
// burst into L1 before each call (prefetchPanel); the bits are the same
// (tests turn it off to check). A harness of one k block of 64x50176x576's
// tiles on Zen 4 read 99-110 GFLOP/s without asking for B at all, 83-95
// with the bursts, 87-102 spread. In-process A/B, 101-151 pairs, five
// runs of it: 64x50176x576 1.02-1.05x on 1 and 2 threads (medians and
// 90th percentiles alike), 128x12544x1152 0.99-1.03x; 256x3136x2304,
// 256x4096x256 and 128x8192x256 1.00x. Into L1 rather than L2, or one
// panel ahead rather than two: no difference.
var sgemmSpreadAhead = true

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
