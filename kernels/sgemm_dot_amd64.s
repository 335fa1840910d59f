//go:build !purego

// This file holds the broadcast form of the small-m, transposed-B product
// (C = A·Bᵀ with m <= 8, the FC forward pass): four rows of B at a time,
// each streamed once along its whole length, against op(A) packed
// transposed (8 floats per column), so that the accumulators hold columns of
// C and no horizontal sums are needed; and the kernels of the small-m,
// non-transposed-B product (C = A·B with m = 8, see sgemm_rows.go), which
// add eight rows of B at a time into eight rows of C held interleaved:
// one vector of 8 columns at a time, or three in two 4×24 register tiles.

#include "textflag.h"
#include "sgemm_rows_amd64.h"

// ROWS24START loads the 8x24 rows kernels' arguments: AX = ap, SI = b,
// R9 = ldb*4, R10 = 3*ldb*4, DI = c, CX = nt.
#define ROWS24START \
	MOVQ ap+0(FP), AX      ; \
	MOVQ b+8(FP), SI       ; \
	MOVQ ldb+16(FP), R9    ; \
	SHLQ $2, R9            ; \
	LEAQ (R9)(R9*2), R10   ; \
	MOVQ c+24(FP), DI      ; \
	MOVQ nt+32(FP), CX

// func sgemmDot4AVX2(k int, at, b *float32, ldb int, out *float32)
//
// sgemmDot4AVX2 computes out[j*8+i] = Σ_p at[p*8+i] * b[j*ldb+p] for j < 4,
// i < 8, p < k: the dot products of four rows of B with the eight columns of
// at. Even and odd p accumulate apart (eight accumulators, to cover the FMA
// latency) and are added at the end. Preconditions: k >= 1; at holds 8*k
// floats, each of the four rows k; AVX2 and FMA.
// Registers: AX = &at[p*8], SI = &b[0][p], R9 = ldb*4, R10 = 3*ldb*4,
// CX = pairs of p left; Y0..Y3 rows 0..3 (even p), Y4..Y7 (odd p),
// Y8, Y9 = at columns p, p+1, Y10..Y13 broadcasts of b.
TEXT ·sgemmDot4AVX2(SB), NOSPLIT, $0-40
	DOTARGS(CX)
	ZERO8
	MOVQ CX, DX
	SHRQ $1, CX                  // CX = k/2 pairs
	JZ   tail

pair: // for each pair p, p+1
	VMOVUPS      (AX), Y8          // at column p
	VMOVUPS      32(AX), Y9        // at column p+1
	VBROADCASTSS (SI), Y10         // b[0][p]
	VBROADCASTSS (SI)(R9*1), Y11   // b[1][p]
	VBROADCASTSS (SI)(R9*2), Y12   // b[2][p]
	VBROADCASTSS (SI)(R10*1), Y13  // b[3][p]
	VFMADD231PS  Y10, Y8, Y0       // acc0 += b[0][p] * at[p]
	VFMADD231PS  Y11, Y8, Y1
	VFMADD231PS  Y12, Y8, Y2
	VFMADD231PS  Y13, Y8, Y3
	VBROADCASTSS 4(SI), Y10        // b[0][p+1]
	VBROADCASTSS 4(SI)(R9*1), Y11
	VBROADCASTSS 4(SI)(R9*2), Y12
	VBROADCASTSS 4(SI)(R10*1), Y13
	VFMADD231PS  Y10, Y9, Y4       // acc0' += b[0][p+1] * at[p+1]
	VFMADD231PS  Y11, Y9, Y5
	VFMADD231PS  Y12, Y9, Y6
	VFMADD231PS  Y13, Y9, Y7
	ADDQ         $64, AX
	ADDQ         $8, SI
	DECQ         CX
	JNZ          pair

tail: // an odd last p
	TESTQ        $1, DX
	JZ           done
	VMOVUPS      (AX), Y8
	VBROADCASTSS (SI), Y10
	VBROADCASTSS (SI)(R9*1), Y11
	VBROADCASTSS (SI)(R9*2), Y12
	VBROADCASTSS (SI)(R10*1), Y13
	VFMADD231PS  Y10, Y8, Y0
	VFMADD231PS  Y11, Y8, Y1
	VFMADD231PS  Y12, Y8, Y2
	VFMADD231PS  Y13, Y8, Y3

done:
	VADDPS  Y4, Y0, Y0
	VADDPS  Y5, Y1, Y1
	VADDPS  Y6, Y2, Y2
	VADDPS  Y7, Y3, Y3
	VMOVUPS Y0, (DI)              // out[0:8] = column of C for row 0 of B
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VZEROUPPER
	RET

// DOT6START loads the six-row kernels' arguments, clears their
// accumulators and sets CX to the pairs of p (flags set by the shift: zero
// when k < 2).
#define DOT6START \
	DOTARGS(CX)                  ; \
	ZERO12                       ; \
	MOVQ CX, DX                  ; \
	SHRQ $1, CX

// BCAST6(bo, y, t0, ..., t5, r0, ..., r5) adds y times b[j][p] (bo bytes
// into row j, the rows at SI, SI+R9, SI+2*R9, SI+R10, R8, R8+R9) to the
// accumulators r0..r5, broadcasting into the temporaries t0..t5.
#define BCAST6(bo, y, t0, t1, t2, t3, t4, t5, r0, r1, r2, r3, r4, r5) \
	VBROADCASTSS bo(SI), t0         ; \
	VFMADD231PS  t0, y, r0          ; \
	VBROADCASTSS bo(SI)(R9*1), t1   ; \
	VFMADD231PS  t1, y, r1          ; \
	VBROADCASTSS bo(SI)(R9*2), t2   ; \
	VFMADD231PS  t2, y, r2          ; \
	VBROADCASTSS bo(SI)(R10*1), t3  ; \
	VFMADD231PS  t3, y, r3          ; \
	VBROADCASTSS bo(R8), t4         ; \
	VFMADD231PS  t4, y, r4          ; \
	VBROADCASTSS bo(R8)(R9*1), t5   ; \
	VFMADD231PS  t5, y, r5

// DOT6COL(ao, bo, y, r0, r1, r2, r3, r4, r5) adds column p of at (at
// ao(AX), into y) times b[j][p] (bo bytes into each row) to the six rows'
// accumulators r0..r5.
#define DOT6COL(ao, bo, y, r0, r1, r2, r3, r4, r5) \
	VMOVUPS ao(AX), y ; \
	BCAST6(bo, y, Y14, Y15, Y14, Y15, Y14, Y15, r0, r1, r2, r3, r4, r5)

// DOT6PAIR adds columns p and p+1 (even and odd accumulators) and moves
// AX, SI and R8 on to p+2.
#define DOT6PAIR \
	DOT6COL(0, 0, Y12, Y0, Y1, Y2, Y3, Y4, Y5)     ; \
	DOT6COL(32, 4, Y13, Y6, Y7, Y8, Y9, Y10, Y11)  ; \
	ADDQ $64, AX                                   ; \
	ADDQ $8, SI                                    ; \
	ADDQ $8, R8

// DOT6ODD(done) adds an odd last column p (k odd; else it jumps to done).
#define DOT6ODD(done) \
	TESTQ $1, DX                                ; \
	JZ    done                                  ; \
	DOT6COL(0, 0, Y12, Y0, Y1, Y2, Y3, Y4, Y5)

// DOT6END adds the odd-p accumulators to the even and stores the six rows'
// sums to out.
#define DOT6END \
	VADDPS  Y6, Y0, Y0    ; \
	VADDPS  Y7, Y1, Y1    ; \
	VADDPS  Y8, Y2, Y2    ; \
	VADDPS  Y9, Y3, Y3    ; \
	VADDPS  Y10, Y4, Y4   ; \
	VADDPS  Y11, Y5, Y5   ; \
	VMOVUPS Y0, (DI)      ; \
	VMOVUPS Y1, 32(DI)    ; \
	VMOVUPS Y2, 64(DI)    ; \
	VMOVUPS Y3, 96(DI)    ; \
	VMOVUPS Y4, 128(DI)   ; \
	VMOVUPS Y5, 160(DI)   ; \
	VZEROUPPER            ; \
	RET

// func sgemmDot6AVX2(k int, at, b *float32, ldb int, out *float32)
//
// sgemmDot6AVX2 is sgemmDot4AVX2 for six rows of B: out[j*8+i] for j < 6.
// Each column of at now meets six rows of B instead of four, so at (which
// comes from L2 or L3: 8 floats per column, twice B's bytes with four rows)
// is read 1.33 times B's bytes. Each row's sums are made exactly as in
// sgemmDot4AVX2 (even and odd p apart, added at the end), so the two give
// the same bits. Preconditions: k >= 1; at holds 8*k floats, each of the
// six rows k; AVX2 and FMA.
// Registers: AX = &at[p*8], SI = &b[0][p], R8 = &b[4][p], R9 = ldb*4,
// R10 = 3*ldb*4, CX = pairs of p left; Y0..Y5 rows 0..5 (even p),
// Y6..Y11 (odd p), Y12, Y13 = at columns p, p+1, Y14, Y15 broadcasts of b.
TEXT ·sgemmDot6AVX2(SB), NOSPLIT, $0-40
	DOT6START
	JZ   tail6

pair6: // for each pair p, p+1
	DOT6PAIR
	DECQ CX
	JNZ  pair6

tail6: // an odd last p
	DOT6ODD(done6)

done6:
	DOT6END

// func sgemmDot6FarAVX2(k int, at, b *float32, ldb int, out *float32)
//
// sgemmDot6FarAVX2 is sgemmDot6AVX2 (the same bits) for B streamed from
// memory: every eight pairs of p (a cache line of each row) it first asks
// for each row's line 8 KiB on into L2 (PREFETCHT2). On Zen 4, in-process
// A/B against sgemmDot6AVX2 on fc7 (8x4096x4096, B 64 MiB, rows 16 KiB
// apart: dot6's shape): 1.13-1.25x on 2 threads and 1.14-1.21x on 1 (2 KiB
// on 1.12-1.16x, 4 KiB 1.14-1.15x, 12-16 KiB 1.15-1.18x, 32 KiB 1.09-1.14x);
// with B in L2 or L3 (8x256x1024, 8x1024x1024, 8x2048x2048) 0.88-0.91x, so
// the caller keeps it for B larger than L3 (see sgemmKernel.dot6Far).
// Preconditions and registers: as sgemmDot6AVX2.
TEXT ·sgemmDot6FarAVX2(SB), NOSPLIT, $0-40
	DOT6START
	JZ   tail6f

pair6f: // for each pair p, p+1; at each line of B, that line's 8 KiB on
	TESTQ      $7, CX
	JNZ        near6f
	PREFETCHT2 8192(SI)
	PREFETCHT2 8192(SI)(R9*1)
	PREFETCHT2 8192(SI)(R9*2)
	PREFETCHT2 8192(SI)(R10*1)
	PREFETCHT2 8192(R8)
	PREFETCHT2 8192(R8)(R9*1)

near6f:
	DOT6PAIR
	DECQ CX
	JNZ  pair6f

tail6f: // an odd last p
	DOT6ODD(done6f)

done6f:
	DOT6END

// DOT8COL(ao, bo, y) adds column p of at (at ao(AX), into y) times b[j][p]
// (at bo bytes into each row) to the eight rows' accumulators, in Go:
//   for j < 8: acc[j] += at[p*8:p*8+8] * b[j][p]
#define DOT8COL(ao, bo, y) \
	VMOVUPS      ao(AX), y          ; \
	BCAST6(bo, y, Y10, Y11, Y12, Y13, Y14, Y15, Y0, Y1, Y2, Y3, Y4, Y5) ; \
	VBROADCASTSS bo(R8)(R9*2), Y10  ; \
	VFMADD231PS  Y10, y, Y6         ; \
	VBROADCASTSS bo(R8)(R10*1), Y11 ; \
	VFMADD231PS  Y11, y, Y7

// func sgemmDot8AVX2(k int, at, b *float32, ldb int, out *float32)
//
// sgemmDot8AVX2 is sgemmDot4AVX2 for eight rows of B, out[j*8+i] for j < 8,
// with one accumulator a row: each row's sums run over p in order (not even
// and odd p apart), so its bits differ from the four- and six-row kernels',
// and a product uses one kernel for all its rows. Eight rows a call read at
// (8 floats a column, from L3 when k is long) once per eight rows of B
// instead of six, and take 9 loads per 8 FMAs instead of 14 per 12: fc6's
// forward (8×4096×25088) ran 1.10-1.16x the six-row kernel's speed on 1
// and 2 threads on Zen 3. Eight chains just cover the FMA latency (4 cycles
// at 2 a cycle). Rows whose stride is a multiple of 4 KiB land on the same
// L1 sets, and eight of them with at overflow the 8 ways: there it ran
// 0.94-0.96x (k = 4096 to 32768), and the caller keeps the six-row kernel
// (see sgemmKernel.dot8). Sixteen columns at a time, it first prefetches
// each row's cache line 256 bytes on (one line a row per line consumed):
// on Zen 4, in-process A/B against the kernel without it, fc6
// (8x4096x25088, B from memory) 1.08x on 1 thread and 1.10x on 2,
// 4x4096x9000 1.085x, B in cache (8x1024x2040, 8x256x1000) 1.00x; 128
// bytes on measured about the same, 512 0.97-0.98x, 768 0.92x. The bits
// are those of the kernel without it (checked on k from 1 to 4099). Preconditions: k >= 1;
// at holds 8*k floats, each of the eight rows k; AVX2 and FMA.
// Registers: AX = &at[p*8], SI = &b[0][p], R8 = &b[4][p], R9 = ldb*4,
// R10 = 3*ldb*4, CX = blocks, then pairs, of p left, DX = k; Y0..Y7 rows
// 0..7, Y8, Y9 = at columns p, p+1, Y10..Y15 broadcasts of b.
TEXT ·sgemmDot8AVX2(SB), NOSPLIT, $0-40
	DOTARGS(CX)
	ZERO8
	MOVQ CX, DX
	SHRQ $4, CX                  // CX = k/16 blocks
	JZ   rest8

block8: // columns p..p+15, the lines four ahead of each row asked for first
	PREFETCH8(PREFETCHT0, 256)
	DOT8COL(0, 0, Y8)
	DOT8COL(32, 4, Y9)
	DOT8COL(64, 8, Y8)
	DOT8COL(96, 12, Y9)
	DOT8COL(128, 16, Y8)
	DOT8COL(160, 20, Y9)
	DOT8COL(192, 24, Y8)
	DOT8COL(224, 28, Y9)
	DOT8COL(256, 32, Y8)
	DOT8COL(288, 36, Y9)
	DOT8COL(320, 40, Y8)
	DOT8COL(352, 44, Y9)
	DOT8COL(384, 48, Y8)
	DOT8COL(416, 52, Y9)
	DOT8COL(448, 56, Y8)
	DOT8COL(480, 60, Y9)
	ADDQ         $512, AX
	ADDQ         $64, SI
	ADDQ         $64, R8
	DECQ         CX
	JNZ          block8

rest8: // the k%16 columns left, in pairs and an odd last one
	MOVQ DX, CX
	ANDQ $15, CX
	SHRQ $1, CX                  // CX = (k%16)/2 pairs
	JZ   tail8

pair8: // for each pair p, p+1
	DOT8COL(0, 0, Y8)
	DOT8COL(32, 4, Y9)
	ADDQ         $64, AX
	ADDQ         $8, SI
	ADDQ         $8, R8
	DECQ         CX
	JNZ          pair8

tail8: // an odd last p
	TESTQ        $1, DX
	JZ           done8
	DOT8COL(0, 0, Y8)

done8:
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	VMOVUPS Y6, 192(DI)
	VMOVUPS Y7, 224(DI)
	VZEROUPPER
	RET

// func sgemmDot6x16AVX2(k int, at, b *float32, ldb int, out *float32)
//
// sgemmDot6x16AVX2 computes out[j*16+i] = Σ_p at[p*16+i] * b[j*ldb+p] for
// j < 6, i < 16, p < k: the dot products of six rows of B with sixteen
// columns of at (op(A) transposed, two vectors a column). Twelve
// accumulators (six rows of B times two vectors) cover the FMA latency, so
// each sums p in order. Preconditions: k >= 1; at holds 16*k floats, each of
// the six rows k; AVX2 and FMA.
// Registers: AX = &at[p*16], SI = &b[0][p], R8 = &b[4][p], R9 = ldb*4,
// R10 = 3*ldb*4, CX = p left; Y0..Y5 rows 0..5 × at lanes 0-7, Y6..Y11
// × lanes 8-15, Y12, Y13 = at column p, Y14, Y15 broadcasts of b.
TEXT ·sgemmDot6x16AVX2(SB), NOSPLIT, $0-40
	DOTARGS(CX)
	ZERO12

col16: // for each p
	VMOVUPS      (AX), Y12           // at column p, lanes 0-7
	VMOVUPS      32(AX), Y13         // lanes 8-15
	VBROADCASTSS (SI), Y14           // b[0][p]
	VFMADD231PS  Y14, Y12, Y0
	VFMADD231PS  Y14, Y13, Y6
	VBROADCASTSS (SI)(R9*1), Y15     // b[1][p]
	VFMADD231PS  Y15, Y12, Y1
	VFMADD231PS  Y15, Y13, Y7
	VBROADCASTSS (SI)(R9*2), Y14     // b[2][p]
	VFMADD231PS  Y14, Y12, Y2
	VFMADD231PS  Y14, Y13, Y8
	VBROADCASTSS (SI)(R10*1), Y15    // b[3][p]
	VFMADD231PS  Y15, Y12, Y3
	VFMADD231PS  Y15, Y13, Y9
	VBROADCASTSS (R8), Y14           // b[4][p]
	VFMADD231PS  Y14, Y12, Y4
	VFMADD231PS  Y14, Y13, Y10
	VBROADCASTSS (R8)(R9*1), Y15     // b[5][p]
	VFMADD231PS  Y15, Y12, Y5
	VFMADD231PS  Y15, Y13, Y11
	ADDQ         $64, AX
	ADDQ         $4, SI
	ADDQ         $4, R8
	DECQ         CX
	JNZ          col16

	VMOVUPS Y0, (DI)              // out[0:16]: row 0 of B
	VMOVUPS Y6, 32(DI)
	VMOVUPS Y1, 64(DI)
	VMOVUPS Y7, 96(DI)
	VMOVUPS Y2, 128(DI)
	VMOVUPS Y8, 160(DI)
	VMOVUPS Y3, 192(DI)
	VMOVUPS Y9, 224(DI)
	VMOVUPS Y4, 256(DI)
	VMOVUPS Y10, 288(DI)
	VMOVUPS Y5, 320(DI)
	VMOVUPS Y11, 352(DI)
	VZEROUPPER
	RET

// ROWQ(bq, aoff) loads the B vector at bq and adds ap[q*8+i] times it to C
// row i (Y0..Y7), the eight ap floats at aoff(AX).
#define ROWQ(bq, aoff) \
	VMOVUPS      bq, Y8                   ; \
	VBROADCASTSS aoff+0(AX), Y9           ; \
	VFMADD231PS  Y9, Y8, Y0               ; \
	VBROADCASTSS aoff+4(AX), Y9           ; \
	VFMADD231PS  Y9, Y8, Y1               ; \
	VBROADCASTSS aoff+8(AX), Y9           ; \
	VFMADD231PS  Y9, Y8, Y2               ; \
	VBROADCASTSS aoff+12(AX), Y9          ; \
	VFMADD231PS  Y9, Y8, Y3               ; \
	VBROADCASTSS aoff+16(AX), Y9          ; \
	VFMADD231PS  Y9, Y8, Y4               ; \
	VBROADCASTSS aoff+20(AX), Y9          ; \
	VFMADD231PS  Y9, Y8, Y5               ; \
	VBROADCASTSS aoff+24(AX), Y9          ; \
	VFMADD231PS  Y9, Y8, Y6               ; \
	VBROADCASTSS aoff+28(AX), Y9          ; \
	VFMADD231PS  Y9, Y8, Y7

// func sgemmRows8AVX2(ap, b *float32, ldb int, c *float32, nv int)
//
// sgemmRows8AVX2 adds the products of eight rows of B with eight columns of
// A into eight rows of C held interleaved, the small-m, non-transposed-B
// case (C = A·B with m = 8; an FC layer's backward data pass, or its
// forward with the weights stored K×N): for v < nv, i < 8,
//   c[(v*8+i)*8 : +8] += Σ_q ap[q*8+i] * B[q][8v:8v+8]   (q = 0..7 in order)
// ap is eight columns of op(A) packed transposed (64 floats); c holds C's
// eight rows a vector of each in turn (64 floats per 8 columns), so that
// they do not share L1 sets the way rows a power of two apart do. Each B
// vector is loaded once and meets the eight rows' broadcasts, which feed
// eight independent accumulators. Preconditions: nv >= 1; the eight rows of
// B hold 8*nv floats, c 64*nv; AVX2 and FMA.
// Registers: AX = ap, SI = &B[0][8v], R9 = ldb*4, R10 = 3*ldb*4,
// R8 = &B[4][8v], DI = &c[64v], CX = vectors left; Y0..Y7 = C rows,
// Y8 = a B vector, Y9 = a broadcast.
TEXT ·sgemmRows8AVX2(SB), NOSPLIT, $0-40
	MOVQ ap+0(FP), AX
	MOVQ b+8(FP), SI
	MOVQ ldb+16(FP), R9
	SHLQ $2, R9                   // R9 = ldb*4
	LEAQ (R9)(R9*2), R10          // R10 = 3*ldb*4
	MOVQ c+24(FP), DI
	MOVQ nv+32(FP), CX

rvec: // for v := 0; v < nv; v++
	LEAQ    (SI)(R9*4), R8         // R8 = &B[4][8v]
	VMOVUPS (DI), Y0               // C rows 0..7, columns 8v..8v+7
	VMOVUPS 32(DI), Y1
	VMOVUPS 64(DI), Y2
	VMOVUPS 96(DI), Y3
	VMOVUPS 128(DI), Y4
	VMOVUPS 160(DI), Y5
	VMOVUPS 192(DI), Y6
	VMOVUPS 224(DI), Y7
	ROWQ((SI), 0)                  // q = 0: B[0]
	ROWQ((SI)(R9*1), 32)           // q = 1
	ROWQ((SI)(R9*2), 64)           // q = 2
	ROWQ((SI)(R10*1), 96)          // q = 3
	ROWQ((R8), 128)                // q = 4
	ROWQ((R8)(R9*1), 160)          // q = 5
	ROWQ((R8)(R9*2), 192)          // q = 6
	ROWQ((R8)(R10*1), 224)         // q = 7
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	VMOVUPS Y6, 192(DI)
	VMOVUPS Y7, 224(DI)
	ADDQ    $32, SI                // B columns 8(v+1)..
	ADDQ    $256, DI               // c's next 8 columns
	DECQ    CX
	JNZ     rvec
	VZEROUPPER
	RET

// LOADC12(r) loads C rows r/32 .. r/32+3 of three vectors of 8 columns
// (interleaved: 256 bytes per vector, 32 per row) into Y0..Y11, row i of
// vector t in Y(3i+t); STOREC12(r) stores them back.
#define LOADC12(r) \
	VMOVUPS r+0(DI), Y0    ; \
	VMOVUPS r+256(DI), Y1  ; \
	VMOVUPS r+512(DI), Y2  ; \
	VMOVUPS r+32(DI), Y3   ; \
	VMOVUPS r+288(DI), Y4  ; \
	VMOVUPS r+544(DI), Y5  ; \
	VMOVUPS r+64(DI), Y6   ; \
	VMOVUPS r+320(DI), Y7  ; \
	VMOVUPS r+576(DI), Y8  ; \
	VMOVUPS r+96(DI), Y9   ; \
	VMOVUPS r+352(DI), Y10 ; \
	VMOVUPS r+608(DI), Y11

#define STOREC12(r) \
	VMOVUPS Y0, r+0(DI)    ; \
	VMOVUPS Y1, r+256(DI)  ; \
	VMOVUPS Y2, r+512(DI)  ; \
	VMOVUPS Y3, r+32(DI)   ; \
	VMOVUPS Y4, r+288(DI)  ; \
	VMOVUPS Y5, r+544(DI)  ; \
	VMOVUPS Y6, r+64(DI)   ; \
	VMOVUPS Y7, r+320(DI)  ; \
	VMOVUPS Y8, r+576(DI)  ; \
	VMOVUPS Y9, r+96(DI)   ; \
	VMOVUPS Y10, r+352(DI) ; \
	VMOVUPS Y11, r+608(DI)

// ROW3(b0, b1, b2, aoff) loads three B vectors of one row (b0..b2) and adds
// ap[aoff/4 + i] times them to the four rows' accumulators (Y(3i+t)).
#define ROW3(b0, b1, b2, aoff) \
	VMOVUPS      b0, Y12                  ; \
	VMOVUPS      b1, Y13                  ; \
	VMOVUPS      b2, Y14                  ; \
	VBROADCASTSS aoff+0(AX), Y15          ; \
	VFMADD231PS  Y15, Y12, Y0             ; \
	VFMADD231PS  Y15, Y13, Y1             ; \
	VFMADD231PS  Y15, Y14, Y2             ; \
	VBROADCASTSS aoff+4(AX), Y15          ; \
	VFMADD231PS  Y15, Y12, Y3             ; \
	VFMADD231PS  Y15, Y13, Y4             ; \
	VFMADD231PS  Y15, Y14, Y5             ; \
	VBROADCASTSS aoff+8(AX), Y15          ; \
	VFMADD231PS  Y15, Y12, Y6             ; \
	VFMADD231PS  Y15, Y13, Y7             ; \
	VFMADD231PS  Y15, Y14, Y8             ; \
	VBROADCASTSS aoff+12(AX), Y15         ; \
	VFMADD231PS  Y15, Y12, Y9             ; \
	VFMADD231PS  Y15, Y13, Y10            ; \
	VFMADD231PS  Y15, Y14, Y11

// PASS4(a) adds the eight rows of B times ap's floats a/4 .. a/4+3 of each
// row's eight (C rows a/4 .. a/4+3) into Y0..Y11.
#define PASS4(a) \
	ROW3((SI), 32(SI), 64(SI), a)                                  ; \
	ROW3((SI)(R9*1), 32(SI)(R9*1), 64(SI)(R9*1), a+32)             ; \
	ROW3((SI)(R9*2), 32(SI)(R9*2), 64(SI)(R9*2), a+64)             ; \
	ROW3((SI)(R10*1), 32(SI)(R10*1), 64(SI)(R10*1), a+96)          ; \
	ROW3((R8), 32(R8), 64(R8), a+128)                              ; \
	ROW3((R8)(R9*1), 32(R8)(R9*1), 64(R8)(R9*1), a+160)            ; \
	ROW3((R8)(R9*2), 32(R8)(R9*2), 64(R8)(R9*2), a+192)            ; \
	ROW3((R8)(R10*1), 32(R8)(R10*1), 64(R8)(R10*1), a+224)

// ROWS8X24 adds the eight rows of B at SI (rows 4-7 at R8) times ap into
// the three vectors of C at DI: rows 0-3, then rows 4-7, each a 4×24
// register tile loaded, multiplied into and stored back.
#define ROWS8X24 \
	LOADC12(0)    ; \
	PASS4(0)      ; \
	STOREC12(0)   ; \
	LOADC12(128)  ; \
	PASS4(16)     ; \
	STOREC12(128)

// PREFETCHRUN(op) asks for the twelve cache lines (768 bytes, what a triple
// reads of eight rows) at R12 with the prefetch instruction op.
#define PREFETCHRUN(op) \
	op (R12)    ; \
	op 64(R12)  ; \
	op 128(R12) ; \
	op 192(R12) ; \
	op 256(R12) ; \
	op 320(R12) ; \
	op 384(R12) ; \
	op 448(R12) ; \
	op 512(R12) ; \
	op 576(R12) ; \
	op 640(R12) ; \
	op 704(R12)

// func sgemmRows8x24AVX2(ap, b *float32, ldb int, c *float32, nt int)
//
// sgemmRows8x24AVX2 is sgemmRows8AVX2 on three vectors (24 columns) at a
// time, nt times: C rows 0-3, then rows 4-7, each a 4×24 register tile
// (twelve accumulators) that meets every B vector it loads with four
// broadcasts, so a multiply-add needs 7/12 of a load instead of 9/8 (the
// one-vector kernel is bound by its loads at about 60% of the FMA peak).
// The second pass reads the 768 bytes of B again from L1. Each element of
// C adds the same products in the same order as in sgemmRows8AVX2, so the
// two kernels give the same bits. Preconditions: nt >= 1; the eight rows of
// B hold 24*nt floats, c 192*nt; AVX2 and FMA.
// Registers: AX = ap, SI = &B[0][24t], R9 = ldb*4, R10 = 3*ldb*4,
// R8 = &B[4][24t], DI = &c[192t], CX = triples left; Y0..Y11 = C,
// Y12..Y14 = B vectors, Y15 = a broadcast.
TEXT ·sgemmRows8x24AVX2(SB), NOSPLIT, $0-40
	ROWS24START

tvec: // for t := 0; t < nt; t++
	LEAQ (SI)(R9*4), R8
	ROWS8X24
	ADDQ $96, SI
	ADDQ $768, DI
	DECQ CX
	JNZ  tvec
	VZEROUPPER
	RET

// func sgemmRows8x24FarAVX2(ap, b *float32, ldb int, c *float32, nt, ahead int)
//
// sgemmRows8x24FarAVX2 is sgemmRows8x24AVX2 (the same bits) for B streamed
// from memory: each triple first asks for each row's line 4 KiB on into L2
// (PREFETCHT2). On Zen 4, in-process A/B against the kernel without it:
// 8x4096x4096 (K×N, B 64 MiB) 1.10x on 2 threads and 1.13x on 1, fc6's
// 8x4096x25088 1.09x, 16x4096x4096 1.09x, 8x25088x4096 0.98x; with B in L3
// (8x4096x256) 0.90x, so the caller keeps it for B larger than L3 (see
// sgemmKernel.rowsFar). PREFETCHT1 at 4 KiB measured about the same,
// PREFETCHT0 at 384 bytes to 2 KiB and PREFETCHNTA at 1 KiB 0.76-0.98x,
// PREFETCHT2 at 3 KiB 1.02-1.10x. With ahead > 0 (the call covers whole
// rows, and the next eight start ahead bytes on) each triple also asks for
// the next 768 bytes of those rows in order, one run from memory: the
// next call's rows come in as one stream while this call's eight are read
// (see rowsAhead).
// Registers: as sgemmRows8x24AVX2; R12 = the next run to ask for.
TEXT ·sgemmRows8x24FarAVX2(SB), NOSPLIT, $0-48
	ROWS24START
	MOVQ  ahead+40(FP), R12
	TESTQ R12, R12
	JZ    tvecfar
	ADDQ  SI, R12

tvecseq: // for t := 0; t < nt; t++, asking for the next rows too
	LEAQ       (SI)(R9*4), R8
	PREFETCH8(PREFETCHT2, 4096)
	PREFETCHRUN(PREFETCHT2)
	ROWS8X24
	ADDQ       $96, SI
	ADDQ       $768, DI
	ADDQ       $768, R12
	DECQ       CX
	JNZ        tvecseq
	VZEROUPPER
	RET

tvecfar: // for t := 0; t < nt; t++
	LEAQ       (SI)(R9*4), R8
	PREFETCH8(PREFETCHT2, 4096)
	ROWS8X24
	ADDQ       $96, SI
	ADDQ       $768, DI
	DECQ       CX
	JNZ        tvecfar
	VZEROUPPER
	RET

// ROWS4X24 adds the eight rows of B at SI (rows 4-7 at R8) times ap into
// rows 0-3 of the three vectors of C at DI: the first 4×24 register tile
// of ROWS8X24 alone, for at most four rows of C.
#define ROWS4X24 \
	LOADC12(0)  ; \
	PASS4(0)    ; \
	STOREC12(0)

// R1ROW(base, ix, ao) adds ap[ao/4] (broadcast into Y12) times twelve
// vectors (96 floats) of the row of B at (base)(ix) to Y0..Y11.
#define R1ROW(base, ix, ao) \
	VBROADCASTSS ao(AX), Y12            ; \
	VFMADD231PS  0(base)(ix), Y12, Y0   ; \
	VFMADD231PS  32(base)(ix), Y12, Y1  ; \
	VFMADD231PS  64(base)(ix), Y12, Y2  ; \
	VFMADD231PS  96(base)(ix), Y12, Y3  ; \
	VFMADD231PS  128(base)(ix), Y12, Y4 ; \
	VFMADD231PS  160(base)(ix), Y12, Y5 ; \
	VFMADD231PS  192(base)(ix), Y12, Y6 ; \
	VFMADD231PS  224(base)(ix), Y12, Y7 ; \
	VFMADD231PS  256(base)(ix), Y12, Y8 ; \
	VFMADD231PS  288(base)(ix), Y12, Y9 ; \
	VFMADD231PS  320(base)(ix), Y12, Y10 ; \
	VFMADD231PS  352(base)(ix), Y12, Y11

// R1LOAD loads row 0 of twelve vectors of C held interleaved (256 bytes a
// vector) at DI into Y0..Y11; R1STORE stores them back.
#define R1LOAD \
	VMOVUPS 0(DI), Y0     ; \
	VMOVUPS 256(DI), Y1   ; \
	VMOVUPS 512(DI), Y2   ; \
	VMOVUPS 768(DI), Y3   ; \
	VMOVUPS 1024(DI), Y4  ; \
	VMOVUPS 1280(DI), Y5  ; \
	VMOVUPS 1536(DI), Y6  ; \
	VMOVUPS 1792(DI), Y7  ; \
	VMOVUPS 2048(DI), Y8  ; \
	VMOVUPS 2304(DI), Y9  ; \
	VMOVUPS 2560(DI), Y10 ; \
	VMOVUPS 2816(DI), Y11

#define R1STORE \
	VMOVUPS Y0, 0(DI)     ; \
	VMOVUPS Y1, 256(DI)   ; \
	VMOVUPS Y2, 512(DI)   ; \
	VMOVUPS Y3, 768(DI)   ; \
	VMOVUPS Y4, 1024(DI)  ; \
	VMOVUPS Y5, 1280(DI)  ; \
	VMOVUPS Y6, 1536(DI)  ; \
	VMOVUPS Y7, 1792(DI)  ; \
	VMOVUPS Y8, 2048(DI)  ; \
	VMOVUPS Y9, 2304(DI)  ; \
	VMOVUPS Y10, 2560(DI) ; \
	VMOVUPS Y11, 2816(DI)

// func sgemmRows1x96AVX2(ap, b *float32, ldb int, c *float32, nt int)
//
// sgemmRows1x96AVX2 is sgemmRows8x24AVX2 for C's row 0 alone (the rows path
// with one row of C), twelve vectors (96 columns) at a time, nt times:
// each of the eight rows of B meets one broadcast of op(A) and feeds twelve
// accumulators straight from memory, so a multiply-add takes a load of B
// and nothing else, where the four-row kernel spent four multiply-adds (three
// on zero rows) and 1.4 loads on each B vector. Row 0 gets the bits of
// sgemmRows8x24AVX2 (the products of each element in the order of the rows
// of B); rows 1-7 of c are not touched. Preconditions: nt >= 1; the eight
// rows of B hold 96*nt floats, c 768*nt; AVX2 and FMA.
// Registers: as sgemmRows8x24AVX2, R11 = 0; Y0..Y11 row 0 of twelve
// vectors of C, Y12 a broadcast.
TEXT ·sgemmRows1x96AVX2(SB), NOSPLIT, $0-40
	ROWS24START

	XORQ R11, R11 // a zero index for rows 0 and 4

ovec: // for t := 0; t < nt; t++
	LEAQ    (SI)(R9*4), R8
	R1LOAD
	R1ROW(SI, R11*1, 0)
	R1ROW(SI, R9*1, 32)
	R1ROW(SI, R9*2, 64)
	R1ROW(SI, R10*1, 96)
	R1ROW(R8, R11*1, 128)
	R1ROW(R8, R9*1, 160)
	R1ROW(R8, R9*2, 192)
	R1ROW(R8, R10*1, 224)
	R1STORE
	ADDQ    $384, SI
	ADDQ    $3072, DI
	DECQ    CX
	JNZ     ovec
	VZEROUPPER
	RET

// func sgemmRows4x24AVX2(ap, b *float32, ldb int, c *float32, nt int)
//
// sgemmRows4x24AVX2 is sgemmRows4x24FarAVX2 without the prefetches, for B
// in cache: the same bits and preconditions.
TEXT ·sgemmRows4x24AVX2(SB), NOSPLIT, $0-40
	ROWS24START

qvec: // for t := 0; t < nt; t++
	LEAQ (SI)(R9*4), R8
	ROWS4X24
	ADDQ $96, SI
	ADDQ $768, DI
	DECQ CX
	JNZ  qvec
	VZEROUPPER
	RET

// func sgemmRows4x24FarAVX2(ap, b *float32, ldb int, c *float32, nt, ahead int)
//
// sgemmRows4x24FarAVX2 is sgemmRows8x24FarAVX2 for C's rows 0-3 only (the
// rows path with at most four rows of C, op(A) zero-padded to eight, B
// streamed from memory): half the multiply-adds, no second pass over the B
// vectors. Rows 0-3 get the bits of sgemmRows8x24AVX2; rows 4-7 of c are
// not touched. Each row's lines 4 KiB on are asked for into L2 first, two
// lines a triple (a triple reads 1.5 lines of a row), and with ahead > 0
// the next rows' run as in sgemmRows8x24FarAVX2.
// Preconditions and registers: as sgemmRows8x24FarAVX2.
TEXT ·sgemmRows4x24FarAVX2(SB), NOSPLIT, $0-48
	ROWS24START
	MOVQ  ahead+40(FP), R12
	TESTQ R12, R12
	JZ    qvecfar
	ADDQ  SI, R12

qvecseq: // for t := 0; t < nt; t++, asking for the next rows too
	LEAQ       (SI)(R9*4), R8
	PREFETCH8(PREFETCHT2, 4096)
	PREFETCH8(PREFETCHT2, 4160)
	PREFETCHRUN(PREFETCHT2)
	ROWS4X24
	ADDQ       $96, SI
	ADDQ       $768, DI
	ADDQ       $768, R12
	DECQ       CX
	JNZ        qvecseq
	VZEROUPPER
	RET

qvecfar: // for t := 0; t < nt; t++
	LEAQ       (SI)(R9*4), R8
	PREFETCH8(PREFETCHT2, 4096)
	PREFETCH8(PREFETCHT2, 4160)
	ROWS4X24
	ADDQ       $96, SI
	ADDQ       $768, DI
	DECQ       CX
	JNZ        qvecfar
	VZEROUPPER
	RET
