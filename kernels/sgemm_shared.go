// This file holds Sgemm's shared packing for several workers. On the
// per-worker path each worker packs the rows of op(A) and the columns of
// op(B) its block of C needs, so a grid of pm×pn blocks packs B pm times
// and A pn times: on 16 workers (4×4) a 2048^3 product moved four times
// the packed data of one worker for a sixteenth of the work each. Here the
// workers pack each k block of a tile of op(A) (mr rows) and of a chunk of
// op(B) panels once, into copies of the whole operands the call keeps,
// whoever needs it first (the others wait for it); the grid's cells are
// claimed in turn, and could outnumber the workers at no packing cost. The
// kernels see the same panels with the same k blocks as on the per-worker
// path, so the bits are the same.

package kernels

import (
	"runtime"
	"sync/atomic"
)

// Pack states of a shared tile of A or chunk of B.
const (
	sharedUnpacked uint32 = iota
	sharedPacking
	sharedPacked
)

// sgemmSharedMaxFloats caps the packed copies of op(A) and op(B) one call
// may keep (32 MiB); larger products take the per-worker path.
const sgemmSharedMaxFloats = 8 << 20

// sgemmSharedMinWorkers is the fewest workers for which Sgemm shares its
// packing, and sgemmSharedParts how many grid cells it makes a worker. On
// two workers (Zen 4, in-process A/B against the per-worker path) sharing
// was 0.93-1.02x with a cell a worker and 0.90-1.00x with two: the
// per-worker path packs little twice there, and packs a panel of B just
// before its use when the rows fit one block (onePass), which the shared
// copies do not. With 4 and 16 workers on those 2 cores (which measures
// the work, not the scaling) it was 0.99-1.11x with a cell a worker, and
// two cells a worker made 512x784x4608 0.90x (bands of fewer rows meet
// each panel of B fewer times). On 4, 8 and 16 real cores (a 16-core Intel
// Xeon, family 6 model 207, AVX-512 kernel; in-process A/B, interleaved,
// medians of seven pairs) it was: 1024^3 1.55x, 1.85x, 1.55x;
// 512x784x4608 1.52x, 1.56x, 2.21x; 512x196x4608 1.07x, 1.09x, 1.94x;
// 256x3136x2304 0.97x, 1.00x, 1.41x; 2048^3 0.97x, 1.07x, 0.99x;
// 128x12544x1152 and 64x50176x576 1.00x each. Two cells a worker on 16
// cores: 1024^3 1.15x, 2048^3 and 512x784x4608 1.00x, 128x12544x1152
// 0.92x: one stays.
var (
	sgemmSharedMinWorkers = 4
	sgemmSharedParts      = 1
)

// planShared reports whether the call, on w workers, takes the shared
// path, and then sets its grid: when the per-worker grid would pack op(B)
// more than once (several bands of rows) and the packed copies are not too
// large.
func (j *sgemmJob) planShared(w int) bool {
	if w < sgemmSharedMinWorkers || j.pm < 2 || j.directB || j.dot || j.rows || j.dot16 ||
		j.sharedFloats() > sgemmSharedMaxFloats {
		return false
	}
	j.pm, j.pn = sgemmGrid(w*sgemmSharedParts, j.m, j.n, j.kr.mr, j.kr.nr)
	return true
}

// sgemmSharedChunk is how many B panels one claim packs: a row of B is then
// read 128 floats (two or four panels' width) at a time.
func sgemmSharedChunk(nr int) int { return max(1, 128/nr) }

// sgemmShared is the packed operands of one call on the shared path and
// their pack states: tile t of op(A) in k block q (mr rows, tight when
// ragged and the kernel has edge twins) at a[(q*tm+t)*mr*kc]; op(B)'s
// panels of k block q from b[q*tn*ps], ps = panelStride(kc, nr), in chunks
// (see sharedB).
type sgemmShared struct {
	a, b         []float32
	aDone, bDone []atomic.Uint32 // per (q, tile) and (q, chunk of panels)
	kc, tm, tn   int
}

// sgemmShareds keeps a few shared packings between calls, so that steady
// calls allocate nothing.
var sgemmShareds = newFreeList(4, func() *sgemmShared { return new(sgemmShared) })

// sharedKC returns the k block of the shared path: the per-worker path's
// (see block), so that the sums are the same.
func (j *sgemmJob) sharedKC() int {
	kc, mc, _ := j.kr.blocking()
	if !j.transB && j.m <= mc {
		kc = j.evenKC(kc)
	}
	return kc
}

// sharedFloats returns how many floats the shared packing of j needs.
func (j *sgemmJob) sharedFloats() int {
	kr := j.kr
	kc := j.sharedKC()
	blocks := (j.k + kc - 1) / kc
	tm, tn := (j.m+kr.mr-1)/kr.mr, (j.n+kr.nr-1)/kr.nr
	return blocks * (tm*kr.mr*kc + tn*panelStride(kc, kr.nr))
}

// startShared sets up j.shared for this call: buffers large enough, every
// tile and chunk unpacked.
func (j *sgemmJob) startShared() {
	kr := j.kr
	s := sgemmShareds.get()
	s.kc = j.sharedKC()
	blocks := (j.k + s.kc - 1) / s.kc
	s.tm, s.tn = (j.m+kr.mr-1)/kr.mr, (j.n+kr.nr-1)/kr.nr
	s.a = growAligned(s.a, blocks*s.tm*kr.mr*s.kc+8) // cols4 reads two floats past a panel
	s.b = growAligned(s.b, blocks*s.tn*panelStride(s.kc, kr.nr))
	chunks := (s.tn + sgemmSharedChunk(kr.nr) - 1) / sgemmSharedChunk(kr.nr)
	s.aDone = growStates(s.aDone, blocks*s.tm)
	s.bDone = growStates(s.bDone, blocks*chunks)
	j.shared = s
}

// endShared returns j.shared to the pool.
func (j *sgemmJob) endShared() {
	sgemmShareds.put(j.shared)
	j.shared = nil
}

// growAligned returns a 64-byte aligned slice of n floats, s itself when it
// is large enough.
func growAligned(s []float32, n int) []float32 {
	if cap(s) >= n {
		return s[:n]
	}
	return alignedFloats(n)
}

// growStates returns n pack states, all unpacked, reusing s when it can.
func growStates(s []atomic.Uint32, n int) []atomic.Uint32 {
	if cap(s) < n {
		return make([]atomic.Uint32, n)
	}
	s = s[:n]
	for i := range s {
		s[i].Store(sharedUnpacked)
	}
	return s
}

// claim reports whether the caller is to pack the item whose state is st;
// when another worker packs it, claim waits until it is packed and reports
// false. Packing never waits, so a wait always ends.
func claim(st *atomic.Uint32) bool {
	if st.Load() == sharedPacked {
		return false
	}
	if st.CompareAndSwap(sharedUnpacked, sharedPacking) {
		return true
	}
	for st.Load() != sharedPacked {
		runtime.Gosched()
	}
	return false
}

// sharedA returns tile t of op(A) in k block q (rows pc.., kb of them),
// packing it first if no worker has.
func (j *sgemmJob) sharedA(q, t, pc, kb int) *float32 {
	s, kr := j.shared, j.kr
	off := (q*s.tm + t) * kr.mr * s.kc
	if st := &s.aDone[q*s.tm+t]; claim(st) {
		rows := min(kr.mr, j.m-t*kr.mr)
		packA(&kr.pack, s.a[off:off+kr.mr*kb], j.transA, j.a, j.lda, t*kr.mr, rows, pc, kb, kr.mr, kr.edge != nil)
		st.Store(sharedPacked)
	}
	return &s.a[off]
}

// sharedB returns panel p of op(B) in k block q (rows pc.., kb of them),
// packing its chunk of panels first if no worker has. A chunk's panels lie
// panelStride(kb, nr) apart, as packB lays them, from the chunk's place.
func (j *sgemmJob) sharedB(q, p, pc, kb int) *float32 {
	s, kr := j.shared, j.kr
	g := sgemmSharedChunk(kr.nr)
	chunks := (s.tn + g - 1) / g
	p0 := p / g * g
	base := (q*s.tn + p0) * panelStride(s.kc, kr.nr)
	if st := &s.bDone[q*chunks+p/g]; claim(st) {
		p1 := min(p0+g, s.tn)
		j0 := p0 * kr.nr
		packB(&kr.pack, s.b[base:base+(p1-p0)*panelStride(kb, kr.nr)], j.transB, j.b, j.ldb, pc, kb, j0, min(p1*kr.nr, j.n)-j0, kr.nr)
		st.Store(sharedPacked)
	}
	return &s.b[base+(p-p0)*panelStride(kb, kr.nr)]
}

// blockShared is block on the shared packing: rows [i0, i1) × columns
// [j0, j1) of C, i0 a multiple of mr and j0 of nr, in the same k blocks,
// row blocks and column blocks and the same tile order as block's, each
// tile of op(A) and panel of op(B) from the shared copies.
func (j *sgemmJob) blockShared(buf *sgemmBuf, i0, i1, j0, j1 int) {
	kr := j.kr
	mr, nr := kr.mr, kr.nr
	_, mc, nc := kr.blocking()
	kc := j.shared.kc
	for jc := j0; jc < j1; jc += nc {
		nb := min(nc, j1-jc)
		for pc := 0; pc < j.k; pc += kc {
			q, kb := pc/kc, min(kc, j.k-pc)
			beta := j.beta
			if pc > 0 {
				beta = 1
			}
			for ic := i0; ic < i1; ic += mc {
				mb := min(mc, i1-ic)
				if j.k <= sgemmRowWiseMaxK { // along C's rows, as block does
					for ir := 0; ir < mb; ir += mr {
						ap := j.sharedA(q, (ic+ir)/mr, pc, kb)
						for jr := 0; jr < nb; jr += nr {
							bp := j.sharedB(q, (jc+jr)/nr, pc, kb)
							j.tile(buf, kb, ap, bp, nr, ic+ir, jc+jr, min(mr, mb-ir), min(nr, nb-jr), beta)
						}
					}
					continue
				}
				for jr := 0; jr < nb; jr += nr {
					cols := min(nr, nb-jr)
					bp := j.sharedB(q, (jc+jr)/nr, pc, kb)
					ir := 0
					if cols <= 4 && kr.cols4 != nil { // two row panels a call, as block does
						for ; ir+2*mr <= mb; ir += 2 * mr {
							ap := j.sharedA(q, (ic+ir)/mr, pc, kb)
							ap2 := j.sharedA(q, (ic+ir)/mr+1, pc, kb)
							j.cols4Tile(buf, kb, ap, ap2, bp, nr, ic+ir, jc+jr, cols, beta)
						}
					}
					for ; ir < mb; ir += mr {
						ap := j.sharedA(q, (ic+ir)/mr, pc, kb)
						j.tile(buf, kb, ap, bp, nr, ic+ir, jc+jr, min(mr, mb-ir), cols, beta)
					}
				}
			}
		}
	}
}
