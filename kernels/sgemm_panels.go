// This file holds Sgemm's panel-claiming path for products of one block
// (at most mc rows, K at most kc): each worker packs op(A) once, then
// computes panels of C's columns (nr wide): first its own contiguous
// segment of them from the front, then, when that is done, whatever is
// left of the others' segments from their backs. The split is not fixed,
// so a helper that starts late (a parked thread waking: a few hundred
// microseconds on a virtual machine, more than such a product takes) takes
// fewer panels instead of holding up the call with a full share, as the
// per-worker grid's late helper does. In-process A/B against the grid on
// Zen 4, 2 threads, right after 300 us of the caller's other work: 256^3
// 1.20-1.22x, 100x500x250 1.29x, 200x2000x200 1.07x; back to back 0.98-1.03x
// (and 1.00x on one thread). With several k blocks (each panel over all of
// K before the next, op(A) packed whole) it lost 1.5% back to back
// (128x4096x512, 128x12544x576, 64x50176x576), so it keeps to one; claiming
// panels one by one from one range instead of segments (each worker reading
// a panel beside another's) made 64x50176x576 0.85x. Each tile is computed
// with the same packing, k block and kernel as on the grid, so the bits are
// the same whoever computes it.

package kernels

import "sync/atomic"

// sgemmPanels turns the panel-claiming path on; tests turn it off to
// compare with the per-worker grid.
var sgemmPanels = true

// sgemmPanelsPerWorker is the fewest panels of C's columns per worker for
// which the path is taken: every worker packs all of op(A), which the
// per-worker grid, splitting rows too, spares it when each would get only
// a few columns. On 4 and 16 real cores (a 16-core Intel Xeon; in-process
// A/B against the grid, back to back, medians of seven pairs) the path ran
// 256x4096x256 1.32x and 1.71x the grid, 128x8192x256 1.53x and 1.67x,
// 96x16384x200 (the AVX2 kernel) 1.37x and 1.50x.
const sgemmPanelsPerWorker = 8

// usePanels says whether the call on w workers takes the panel-claiming
// path: a non-transposed B packed a panel at a time (not read in place, not
// the small-m paths), K longer than sgemmRowWiseMaxK but one k block, at
// most mc rows, so that op(A) is one block of the packing buffer, and at
// least sgemmPanelsPerWorker panels a worker.
func (j *sgemmJob) usePanels(w int) bool {
	if !sgemmPanels || j.dot || j.rows || j.dot16 || j.directB || j.transB || j.k <= sgemmRowWiseMaxK {
		return false
	}
	kc, mc, _ := j.kr.blocking()
	tn := (j.n + j.kr.nr - 1) / j.kr.nr
	return j.m <= mc && j.k <= kc && tn >= sgemmPanelsPerWorker*w
}

// runPanels computes C with up to w workers on the panel-claiming path.
func (j *sgemmJob) runPanels(w int) {
	tn := (j.n + j.kr.nr - 1) / j.kr.nr
	w = min(w, tn)
	j.initSegs(tn, w)
	parallelParts(w, w, j.panelsCell)
}

// initSegs splits panels [0, tn) into w contiguous segments, none claimed.
func (j *sgemmJob) initSegs(tn, w int) {
	if cap(j.segs) < w {
		j.segs = make([]atomic.Uint64, w)
	}
	j.segs = j.segs[:w]
	for s := range j.segs {
		j.segs[s].Store(uint64(s*tn/w)<<32 | uint64((s+1)*tn/w))
	}
}

// nextClaim returns the next panel for the worker of part lo and the
// direction it walks in (1 along its own segment, -1 back along another's),
// or -1 when none is left; d is the worker's cursor over the segments (0:
// its own), kept between calls.
func (j *sgemmJob) nextClaim(lo int, d *int) (p, dir int) {
	w := len(j.segs)
	for ; *d < w; *d++ {
		if p := j.claimPanel((lo+*d)%w, *d == 0); p >= 0 {
			if *d == 0 {
				return p, 1
			}
			return p, -1
		}
	}
	return -1, 0
}

// claimPanel takes the first (front) or last panel left in segment s, or
// returns -1 when none is.
func (j *sgemmJob) claimPanel(s int, front bool) int {
	for {
		v := j.segs[s].Load()
		f, b := int(v>>32), int(v&0xffffffff)
		if f >= b {
			return -1
		}
		nv, p := uint64(f+1)<<32|uint64(b), f
		if !front {
			nv, p = uint64(f)<<32|uint64(b-1), b-1
		}
		if j.segs[s].CompareAndSwap(v, nv) {
			return p
		}
	}
}

// panelsLeft reports whether any segment still has a panel.
func (j *sgemmJob) panelsLeft() bool {
	for s := range j.segs {
		v := j.segs[s].Load()
		if v>>32 < v&0xffffffff {
			return true
		}
	}
	return false
}

// runPanelCells is the share of worker part lo (hi = lo+1): pack op(A),
// then its segment's panels from the front, then the others' from their
// backs. A worker that starts after the others took every panel packs
// nothing.
func (j *sgemmJob) runPanelCells(lo, _ int) {
	if !j.panelsLeft() {
		return
	}
	kr := j.kr
	buf := kr.getBuf()
	packA(&kr.pack, buf.a, j.transA, j.a, j.lda, 0, j.m, 0, j.k, kr.mr, kr.edge != nil)
	for d := 0; ; {
		p, dir := j.nextClaim(lo, &d)
		if p < 0 {
			break
		}
		j.panel(buf, p, dir)
	}
	kr.bufs.put(buf)
}

// panel computes panel p of C's columns from the packed op(A) in buf.a,
// asking ahead for panel p+dir*sgemmAheadPanels of B (as block does, the
// one after next in the direction the worker walks).
func (j *sgemmJob) panel(buf *sgemmBuf, p, dir int) {
	kr := j.kr
	mr, nr := kr.mr, kr.nr
	jj := p * nr
	cols := min(nr, j.n-jj)
	// As in block: a full panel is packed by its first tile (kr.packing),
	// a last one of at most four columns goes to kr.cols4.
	fuse := sgemmFusePack && cols == nr && j.m >= mr && kr.packing != nil
	if !fuse {
		packB(&kr.pack, buf.b, false, j.b, j.ldb, 0, j.k, jj, cols, nr)
	}
	if cols <= 4 && kr.cols4 != nil {
		j.cols4(buf, j.k, &buf.b[0], nr, 0, j.m, jj, cols, j.beta)
		return
	}
	next := jj + dir*sgemmAheadPanels*nr
	if j.k < sgemmAheadMinKC || kr.pack.prefetch == nil || next < 0 || next+nr > j.n {
		next = -1
	}
	j.panelTiles(buf, j.k, 0, &buf.b[0], nr, 0, j.m, jj, cols, j.beta, fuse, next)
}
