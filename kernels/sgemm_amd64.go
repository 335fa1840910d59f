//go:build !purego

// This file is the Sgemm dispatch of amd64 builds with assembly: the stubs of
// the micro-kernels in sgemm_avx2_amd64.s and sgemm_avx512_amd64.s and the
// choice between them.

package kernels

import (
	"unsafe"

	"github.com/klauspost/cpuid/v2"
)

// sgemmMicro6x16AVX2 is the AVX2+FMA twin of sgemmMicro4x4Generic for a 6×16
// tile (see sgemm_avx2_amd64.s): kc >= 1, Ap holds 6*kc floats and B
// (kc-1)*ldb+16, the tile of C is in bounds, and the CPU has AVX2 and FMA.
//
//go:noescape
func sgemmMicro6x16AVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

// sgemmMicro6x16DirectAVX2 is sgemmMicro6x16AVX2 that also prefetches the
// next panel of a B read in place (same contract and bits).
//
//go:noescape
func sgemmMicro6x16DirectAVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

// sgemmMicro6x16PackAVX2 is sgemmMicro6x16DirectAVX2 that also copies the
// kc×16 panel of B it reads in place to bp (16*kc floats, rows 16 apart).
//
//go:noescape
func sgemmMicro6x16PackAVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, bp *float32)

// sgemmMicro6x16AheadAVX2 is sgemmMicro6x16AVX2 that also asks L2 for pfn
// cache lines, pfstride bytes apart from pf, spread over its k loop (same
// contract and bits; see sgemm_avx2_amd64.s).
//
//go:noescape
func sgemmMicro6x16AheadAVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, pf *float32, pfstride, pfn int)

// sgemmMicro12x4AVX2 computes a 12×4 tile, two packed 6-row panels of A (at
// a and a2) times the first four columns of a B panel, for a last panel of
// at most four columns, with the bits of sgemmMicro6x8AVX2 and mergeTile
// (see sgemm_avx2_amd64.s); two floats past each panel must be readable.
//
//go:noescape
func sgemmMicro12x4AVX2(kc int, a, a2, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

// sgemmMicro6x8AVX2 is sgemmMicro6x16AVX2 for a 6×8 tile on the first 8
// columns of the B panel (the ragged last panel of C); same preconditions
// with B holding (kc-1)*ldb+8 floats.
//
//go:noescape
func sgemmMicro6x8AVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

// sgemmMicro5x16AVX2 .. sgemmMicro1x16AVX2 are sgemmMicro6x16AVX2 for the
// last r < 6 rows of C, with an r×kc panel Ap (same preconditions).
//
//go:noescape
func sgemmMicro5x16AVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//go:noescape
func sgemmMicro4x16AVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//go:noescape
func sgemmMicro3x16AVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//go:noescape
func sgemmMicro2x16AVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//go:noescape
func sgemmMicro1x16AVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

var avx2Kernel = sgemmKernel{
	name: "avx2", mr: 6, nr: 16, micro: sgemmMicro6x16AVX2, direct: sgemmMicro6x16DirectAVX2,
	packing: sgemmMicro6x16PackAVX2, cols4: sgemmMicro12x4AVX2, ahead: sgemmMicro6x16AheadAVX2,
	half: sgemmMicro6x8AVX2, dot: sgemmDot4AVX2, dot6: sgemmDot6AVX2, dot8: sgemmDot8AVX2, rows: sgemmRowsAVX2,
	dot6Far: sgemmDot6FarAVX2, rowsFar: sgemmRowsFarAVX2, dot16: sgemmDot6x16AVX2,
	rows4: sgemmRows4AVX2, rows4Far: sgemmRows4FarAVX2, rows1: sgemmRows1AVX2,
	gemv: [5]func(k int, at, b *float32, ldb int, out *float32){nil, sgemmGemv1AVX2, sgemmGemv2AVX2, sgemmGemv3AVX2, sgemmGemv4AVX2},
	pack: sgemmPackers{b16: sgemmPackB16AVX2, t16: sgemmPackT16AVX2, a6: sgemmPackA6AVX2,
		prefetch: sgemmPrefetchRows},
	edge: []sgemmMicro{nil, sgemmMicro1x16AVX2, sgemmMicro2x16AVX2, sgemmMicro3x16AVX2,
		sgemmMicro4x16AVX2, sgemmMicro5x16AVX2},
}

// sgemmMicro14x32AVX512 is the AVX-512 twin of sgemmMicro4x4Generic for a
// 14×32 tile (see sgemm_avx512_amd64.s): kc >= 1, Ap holds 14*kc floats and B
// (kc-1)*ldb+32, the tile of C is in bounds, and the CPU has AVX-512F.
//
//go:noescape
func sgemmMicro14x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

// sgemmMicro13x32AVX512 .. sgemmMicro1x32AVX512 are sgemmMicro14x32AVX512 for
// the last r < 14 rows of C, with an r×kc panel Ap (same preconditions).
//
//go:noescape
func sgemmMicro13x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//
//go:noescape
func sgemmMicro12x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//
//go:noescape
func sgemmMicro11x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//
//go:noescape
func sgemmMicro10x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//
//go:noescape
func sgemmMicro9x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//
//go:noescape
func sgemmMicro8x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//
//go:noescape
func sgemmMicro7x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//
//go:noescape
func sgemmMicro6x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//
//go:noescape
func sgemmMicro5x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//
//go:noescape
func sgemmMicro4x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//
//go:noescape
func sgemmMicro3x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//
//go:noescape
func sgemmMicro2x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//
//go:noescape
func sgemmMicro1x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

// sgemmMicro14x16AVX512 is sgemmMicro14x32AVX512 for a 14×16 tile (see
// sgemm_avx512_amd64.s): the kernel's half, for a last panel of B with at
// most 16 columns; B holds (kc-1)*ldb+16 floats.
//
//go:noescape
func sgemmMicro14x16AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

// sgemmMicro14x32PackAVX512 is sgemmMicro14x32AVX512 for a B read in place
// that also copies the kc×32 panel it reads to bp (same bits; see
// sgemm_avx512_amd64.s).
//
//go:noescape
func sgemmMicro14x32PackAVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, bp *float32)

// sgemmMicro28x4AVX512 is sgemmMicro12x4AVX2's twin for two 14-row panels
// at a and a2 (see sgemm_avx512_amd64.s): the last panel of B when at most four columns
// remain, with the bits of sgemmMicro14x16AVX512 and mergeTile.
//
//go:noescape
func sgemmMicro28x4AVX512(kc int, a, a2, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

var avx512Kernel = sgemmKernel{
	name: "avx512", mr: 14, nr: 32, micro: sgemmMicro14x32AVX512, half: sgemmMicro14x16AVX512,
	packing: sgemmMicro14x32PackAVX512, cols4: sgemmMicro28x4AVX512,
	// Its B panel streams from L2 well enough: on Zen 4, 1024^3 on one
	// thread ran 67-69 GFLOP/s with kc=128 (half of L1), 78 with 256, 84-88
	// with 384 and 92-94 with 512 (mc=140), the AVX2 kernel's speed.
	panelL1: 2,
	edge: []sgemmMicro{nil, sgemmMicro1x32AVX512, sgemmMicro2x32AVX512, sgemmMicro3x32AVX512,
		sgemmMicro4x32AVX512, sgemmMicro5x32AVX512, sgemmMicro6x32AVX512, sgemmMicro7x32AVX512,
		sgemmMicro8x32AVX512, sgemmMicro9x32AVX512, sgemmMicro10x32AVX512, sgemmMicro11x32AVX512,
		sgemmMicro12x32AVX512, sgemmMicro13x32AVX512},
	// AVX-512 CPUs have AVX2: the bandwidth-bound small-m paths (dot, rows)
	// and the transposing packing loop (16 rows at a time) serve this kernel
	// too.
	dot:      sgemmDot4AVX2,
	dot6:     sgemmDot6AVX2,
	dot8:     sgemmDot8AVX2,
	dot16:    sgemmDot6x16AVX2,
	rows:     sgemmRowsAVX2,
	rowsFar:  sgemmRowsFarAVX2,
	rows4:    sgemmRows4AVX2,
	rows4Far: sgemmRows4FarAVX2,
	rows1:    sgemmRows1AVX2,
	gemv:     [5]func(k int, at, b *float32, ldb int, out *float32){nil, sgemmGemv1AVX2, sgemmGemv2AVX2, sgemmGemv3AVX2, sgemmGemv4AVX2},
	pack:     sgemmPackers{b32: sgemmPackB32AVX512, t16: sgemmPackT16AVX2, prefetch: sgemmPrefetchRows},
}

// sgemmAVX512Preferred says whether Sgemm on an AVX-512 CPU, the ISA not
// forced, uses the AVX-512 kernel for products of at least
// sgemmAVX512MinM rows: on Intel, whose server cores execute two 512-bit
// FMAs a cycle, twice their 256-bit rate. On an Intel Xeon (family 6 model
// 207, 16 cores, KVM; the device machine of session 13) 2048^3 ran 130
// GFLOP/s on one thread with it against 74 with the AVX2 kernel (MKL 116,
// OpenBLAS 0.3.34 115 there), 974 against 639 on 16 (MKL 1386, OpenBLAS
// 1152); on one thread 512x784x4608 124 against 64, 256x3136x2304 103
// against 68, 512^3 123 against 60. On AMD Zen 4 (where the tests pass on
// every path too) a 512-bit FMA gives the FLOPs of a 256-bit one and the
// kernel measured 0.98-1.02x of the AVX2 one on 1024^3 and 2048^3
// (in-process A/B), as OpenBLAS's AVX-512 kernel measured 3-7% slower than
// its AVX2 one (ANCHORS.md): not there.
var sgemmAVX512Preferred = cpuid.CPU.VendorID == cpuid.Intel

// sgemmAVX512MinM is the fewest rows for which sgemmAVX512Preferred picks
// the AVX-512 kernel. With 64 rows (VGG16's first convolutions) the AVX2
// kernel won on that Xeon, one thread: 64x50176x27 61 against 21 GFLOP/s,
// 64x50176x576 51 against 43 (both before the kernel packed B in assembly,
// which made it 1.2x faster there on Zen 4); 128x12544x1152 was 67 against
// 64 on one thread and 822 against 602 on 16.
const sgemmAVX512MinM = 128

// sgemmKernelFor returns the micro-kernel Sgemm uses for isa on an m×n×k
// product. AVX512 forced (GOCNN_ISA or SetISA) always gets the AVX-512
// kernel; chosen by default, it gets it only where sgemmAVX512Preferred and
// the product has at least sgemmAVX512MinM rows (small m is the
// memory-bound FC class, where the AVX2 kernel's in-place B reads win, and
// VGG16's 64-channel convolutions, where its 6x16 tiles did).
func sgemmKernelFor(isa ISA, m, n, k int) *sgemmKernel {
	switch isa {
	case AVX512:
		if isaForced || (sgemmAVX512Preferred && m >= sgemmAVX512MinM) {
			return &avx512Kernel
		}
		return &avx2Kernel
	case AVX2:
		return &avx2Kernel
	}
	return &genericKernel
}

// sgemmKernels lists the micro-kernels this build and CPU can run, for tests
// and benchmarks.
func sgemmKernels() []*sgemmKernel {
	ks := []*sgemmKernel{&genericKernel}
	if hasAVX2 {
		ks = append(ks, &avx2Kernel)
	}
	if hasAVX512 {
		ks = append(ks, &avx512Kernel)
	}
	return ks
}

// sgemmPrefetchRows prefetches the cache lines at p and p+63 of n rows,
// stride bytes apart (see sgemm_avx2_amd64.s).
//
//go:noescape
func sgemmPrefetchRows(p *float32, stride, n int)

// sgemmPackB16AVX2 is the AVX2 twin of packB's non-transposed loop for
// nr=16 and full panels (see sgemm_avx2_amd64.s): kb, panels >= 1, ranges
// in bounds, ps = panelStride(kb, 16), AVX2.
//
//go:noescape
func sgemmPackB16AVX2(dst, src *float32, ldb, kb, panels, ps int)

// sgemmPackB32AVX512 is packB's non-transposed loop for nr=32 and full
// panels (see sgemm_avx512_amd64.s): kb, panels >= 1, ranges in bounds, ps =
// panelStride(kb, 32), AVX-512F.
//
//go:noescape
func sgemmPackB32AVX512(dst, src *float32, ldb, kb, panels, ps int)

// sgemmPackT16AVX2 is the AVX2 twin of packCols for 16 full rows and 8*kb8
// columns (see sgemm_avx2_amd64.s): kb8 >= 1, ranges in bounds, AVX2.
//
//go:noescape
func sgemmPackT16AVX2(dst, src *float32, ld, kb8, dw int)

// sgemmPackA6AVX2 is the AVX2 twin of packCols for 6 rows into a 6-wide
// panel, 8*nblk columns (see sgemm_avx2_amd64.s; it writes 2 floats past
// dst[48*nblk]): nblk >= 1, ranges in bounds, AVX2.
//
//go:noescape
func sgemmPackA6AVX2(dst, src *float32, ld, nblk int)

// sgemmDot4AVX2 returns the dot products of four rows of B (ldb apart, k
// floats each) with the 8 columns of at (k×8, op(A) transposed): out[j*8+i]
// (see sgemm_dot_amd64.s): k >= 1, ranges in bounds, AVX2 and FMA.
//
//go:noescape
func sgemmDot4AVX2(k int, at, b *float32, ldb int, out *float32)

// sgemmDot6AVX2 is sgemmDot4AVX2 for six rows of B, out[j*8+i] for j < 6,
// with the same bits per row (see sgemm_dot_amd64.s): k >= 1, ranges in
// bounds, AVX2 and FMA.
//
//go:noescape
func sgemmDot6AVX2(k int, at, b *float32, ldb int, out *float32)

// sgemmDot6FarAVX2 is sgemmDot6AVX2 with each row's line 8 KiB on asked
// for into L2 first, for B streamed from memory (see sgemm_dot_amd64.s):
// the same bits and preconditions.
//
//go:noescape
func sgemmDot6FarAVX2(k int, at, b *float32, ldb int, out *float32)

// sgemmDot8AVX2 is sgemmDot4AVX2 for eight rows of B, out[j*8+i] for j < 8,
// one accumulator a row, so not the same bits (see sgemm_dot_amd64.s):
// k >= 1, ranges in bounds, AVX2 and FMA.
//
//go:noescape
func sgemmDot8AVX2(k int, at, b *float32, ldb int, out *float32)

// sgemmDot6x16AVX2 computes the dot products of six rows of B with sixteen
// columns of op(A) packed transposed, out[j*16+i] (see sgemm_dot_amd64.s):
// k >= 1, ranges in bounds, AVX2 and FMA.
//
//go:noescape
func sgemmDot6x16AVX2(k int, at, b *float32, ldb int, out *float32)

// sgemmRows8AVX2 adds eight rows of B times eight columns of op(A) (packed
// transposed, 64 floats) into eight rows of C held interleaved (64 floats
// per 8 columns), nv vectors of 8 columns (see sgemm_dot_amd64.s): nv >= 1,
// ranges in bounds, AVX2 and FMA.
//
//go:noescape
func sgemmRows8AVX2(ap, b *float32, ldb int, c *float32, nv int)

// sgemmRows8x24AVX2 is sgemmRows8AVX2 on nt groups of three vectors (24
// columns), in two 4×24 register tiles: the same sums, fewer loads (see
// sgemm_dot_amd64.s): nt >= 1, ranges in bounds, AVX2 and FMA.
//
//go:noescape
func sgemmRows8x24AVX2(ap, b *float32, ldb int, c *float32, nt int)

// sgemmRows8x24FarAVX2 is sgemmRows8x24AVX2 with each row's line 4 KiB on
// asked for into L2 first, for B streamed from memory, and with ahead > 0
// the next eight rows (ahead bytes on) asked for in order (see
// sgemm_dot_amd64.s): the same bits and preconditions.
//
//go:noescape
func sgemmRows8x24FarAVX2(ap, b *float32, ldb int, c *float32, nt, ahead int)

// sgemmRows1x96AVX2 is sgemmRows8x24AVX2 for C's row 0 alone, twelve
// vectors at a time, with its bits; rows 1-7 of c are not touched (see
// sgemm_dot_amd64.s): nt groups of twelve vectors, otherwise the same
// preconditions.
//
//go:noescape
func sgemmRows1x96AVX2(ap, b *float32, ldb int, c *float32, nt int)

// sgemmRows1AVX2 is the rows kernel for one row of C and B in cache:
// sgemmRows1x96AVX2 on the vectors in groups of twelve, sgemmRows4AVX2 on
// those left over (rows 1-7 of op(A) are zero).
func sgemmRows1AVX2(ap, b *float32, ldb int, c *float32, nv int) {
	nt := nv / 12
	if nt > 0 {
		sgemmRows1x96AVX2(ap, b, ldb, c, nt)
	}
	if r := nv - 12*nt; r > 0 {
		sgemmRows4AVX2(ap, (*float32)(unsafe.Add(unsafe.Pointer(b), 384*nt)), ldb,
			(*float32)(unsafe.Add(unsafe.Pointer(c), 3072*nt)), r)
	}
}

// sgemmRows4x24AVX2 is sgemmRows4x24FarAVX2 without the prefetches, for B
// in cache (see sgemm_dot_amd64.s): the same bits and preconditions.
//
//go:noescape
func sgemmRows4x24AVX2(ap, b *float32, ldb int, c *float32, nt int)

// sgemmRows4x24FarAVX2 is sgemmRows8x24FarAVX2 for C's rows 0-3 only, with
// their bits; rows 4-7 of c are not touched (see sgemm_dot_amd64.s): the
// same preconditions and ahead.
//
//go:noescape
func sgemmRows4x24FarAVX2(ap, b *float32, ldb int, c *float32, nt, ahead int)

// sgemmRows4AVX2 is the rows kernel for at most four rows of C and B in
// cache: sgemmRows4x24AVX2 on the vectors in groups of three,
// sgemmRows8AVX2 on the one or two left over (rows 4-7 of op(A) are zero).
func sgemmRows4AVX2(ap, b *float32, ldb int, c *float32, nv int) {
	sgemmRowsWith(sgemmRows4x24AVX2, ap, b, ldb, c, nv)
}

// sgemmRows4FarAVX2 is the rows kernel for at most four rows of C and B
// larger than L3: sgemmRows4x24FarAVX2 on the vectors in groups of three,
// sgemmRows8AVX2 on the one or two left over (rows 4-7 of op(A) are zero).
func sgemmRows4FarAVX2(ap, b *float32, ldb int, c *float32, nv, ahead int) {
	sgemmRowsFarWith(sgemmRows4x24FarAVX2, ap, b, ldb, c, nv, ahead)
}

// sgemmRowsAVX2 is the rows kernel: sgemmRows8x24AVX2 on the vectors in
// groups of three, sgemmRows8AVX2 on the one or two left over.
func sgemmRowsAVX2(ap, b *float32, ldb int, c *float32, nv int) {
	sgemmRowsWith(sgemmRows8x24AVX2, ap, b, ldb, c, nv)
}

// sgemmRowsFarAVX2 is sgemmRowsAVX2 for B larger than L3, with
// sgemmRows8x24FarAVX2 on the groups of three.
func sgemmRowsFarAVX2(ap, b *float32, ldb int, c *float32, nv, ahead int) {
	sgemmRowsFarWith(sgemmRows8x24FarAVX2, ap, b, ldb, c, nv, ahead)
}

// sgemmRowsWith runs rows24 on the vectors in groups of three and
// sgemmRows8AVX2 on the one or two left over.
func sgemmRowsWith(rows24 func(ap, b *float32, ldb int, c *float32, nt int),
	ap, b *float32, ldb int, c *float32, nv int) {
	nt := nv / 3
	if nt > 0 {
		rows24(ap, b, ldb, c, nt)
	}
	sgemmRowsLeft(ap, b, ldb, c, nv, nt)
}

// sgemmRowsFarWith is sgemmRowsWith for a far kernel, which takes ahead.
func sgemmRowsFarWith(rows24 func(ap, b *float32, ldb int, c *float32, nt, ahead int),
	ap, b *float32, ldb int, c *float32, nv, ahead int) {
	nt := nv / 3
	if nt > 0 {
		rows24(ap, b, ldb, c, nt, ahead)
	}
	sgemmRowsLeft(ap, b, ldb, c, nv, nt)
}

// sgemmRowsLeft runs sgemmRows8AVX2 on the nv-3*nt vectors past nt groups
// of three.
func sgemmRowsLeft(ap, b *float32, ldb int, c *float32, nv, nt int) {
	if r := nv - 3*nt; r > 0 {
		sgemmRows8AVX2(ap, (*float32)(unsafe.Add(unsafe.Pointer(b), 96*nt)), ldb,
			(*float32)(unsafe.Add(unsafe.Pointer(c), 768*nt)), r)
	}
}

// sgemmGemv1AVX2 computes out[j*8] = Σ_p at[p] * b[j*ldb+p] for eight rows
// of B: one row of op(A), packed k rounded up to 8 floats with zeros past k,
// one eight-lane accumulator a row summed across its lanes at the end (see
// sgemm_gemv_amd64.s): k >= 1, ranges in bounds, AVX2 and FMA.
//
//go:noescape
func sgemmGemv1AVX2(k int, at, b *float32, ldb int, out *float32)

// sgemmGemv2AVX2 is sgemmGemv1AVX2 for two rows of op(A) (packed one after
// the other) and six rows of B: out[j*8+i] for j < 6, i < 2.
//
//go:noescape
func sgemmGemv2AVX2(k int, at, b *float32, ldb int, out *float32)

// sgemmGemv3AVX2 is sgemmGemv1AVX2 for three rows of op(A) and four rows of
// B: out[j*8+i] for j < 4, i < 3.
//
//go:noescape
func sgemmGemv3AVX2(k int, at, b *float32, ldb int, out *float32)

// sgemmGemv4AVX2 is sgemmGemv1AVX2 for four rows of op(A) and two rows of
// B: out[j*8+i] for j < 2, i < 4.
//
//go:noescape
func sgemmGemv4AVX2(k int, at, b *float32, ldb int, out *float32)
