//go:build !purego

// This file holds the AVX2+FMA Sgemm micro-kernels: a 6×16 tile of C in
// twelve YMM accumulators, fed by a packed panel of A (6 floats per k) and a
// panel of B (16 floats per k, rows ldb floats apart: 16 when packed, the
// caller's ldb when B is read in place), and r×16 twins for the last r < 6
// rows of C. They match sgemmMicro4x4Generic's contract (sgemm_generic.go)
// with mr=6 (or r), nr=16 and a B row stride.

#include "textflag.h"
#include "transpose_amd64.h"

// Register map (all kernels):
//   AX  = &Ap[p*r]         packed A panel cursor (r = rows of the tile)
//   BX  = &B[p*ldb]        B panel cursor
//   R11 = ldb*4            B row stride in bytes
//   CX  = k steps left
//   DX  = ldc*4            C row stride in bytes
//   DI  = &C[0][0], R8 = &C[i][0] while storing
//   Y0..Y11  acc: row i of the tile is Y(2i) = cols 0-7, Y(2i+1) = cols 8-15
//   Y12, Y13 = B[p][0:8], B[p][8:16] (b0, b1)
//   Y14, Y15 = broadcast Ap[p*r+i] (alternating rows, so two rows are in flight)
//   after the loop: Y14 = alpha, Y15 = beta in all lanes

// LOADB loads row p of the B panel and advances to row p+1, in Go:
//   b0, b1 := B[p][0:8], B[p][8:16]; p++
#define LOADB \
	VMOVUPS (BX), Y12   /* b0 = B[p][0:8] */  \
	VMOVUPS 32(BX), Y13 /* b1 = B[p][8:16] */ \
	ADDQ    R11, BX     /* BX = &B[p+1][0] */

// ROW(ao, bc, lo, hi) accumulates one tile row, in Go:
//   a := Ap[ao/4]; acc[i][0:8] += a*b0; acc[i][8:16] += a*b1
#define ROW(ao, bc, lo, hi) \
	VBROADCASTSS ao(AX), bc /* a = Ap[ao/4] in all lanes */ \
	VFMADD231PS  Y12, bc, lo  /* acc[i][0:8] += a*b0 */     \
	VFMADD231PS  Y13, bc, hi  /* acc[i][8:16] += a*b1 */

// STEP6(ao) performs one k step of the 6×16 tile on Ap[ao/4 : ao/4+6].
#define STEP6(ao) \
	LOADB                  \
	ROW(ao, Y14, Y0, Y1)   \
	ROW(ao+4, Y15, Y2, Y3) \
	ROW(ao+8, Y14, Y4, Y5) \
	ROW(ao+12, Y15, Y6, Y7) \
	ROW(ao+16, Y14, Y8, Y9) \
	ROW(ao+20, Y15, Y10, Y11)

// STEP6PF(ao) is STEP6 that first prefetches B[p][16:32], the next panel's
// part of row p (see sgemmMicro6x16DirectAVX2).
#define STEP6PF(ao) \
	PREFETCHT0 64(BX) /* touch B[p][16:32] */ \
	STEP6(ao)

// STORE0(lo, hi) stores one tile row without reading C, in Go:
//   C[i][0:16] = alpha*acc[i][0:16]; i++
#define STORE0(lo, hi) \
	VMULPS  Y14, lo, lo   /* lo = alpha*acc[i][0:8] */  \
	VMULPS  Y14, hi, hi   /* hi = alpha*acc[i][8:16] */ \
	VMOVUPS lo, (R8)      /* C[i][0:8] = lo */          \
	VMOVUPS hi, 32(R8)    /* C[i][8:16] = hi */         \
	ADDQ    DX, R8        /* i++ (R8 = &C[i][0]) */

// STOREB(lo, hi) updates one tile row, in Go:
//   C[i][j] = fma(beta, C[i][j], alpha*acc[i][j]) for j in 0..15; i++
#define STOREB(lo, hi) \
	VMULPS      Y14, lo, lo     /* lo = alpha*acc[i][0:8] */  \
	VMULPS      Y14, hi, hi     /* hi = alpha*acc[i][8:16] */ \
	VFMADD231PS (R8), Y15, lo   /* lo += beta*C[i][0:8] */    \
	VFMADD231PS 32(R8), Y15, hi /* hi += beta*C[i][8:16] */   \
	VMOVUPS     lo, (R8)        /* C[i][0:8] = lo */          \
	VMOVUPS     hi, 32(R8)      /* C[i][8:16] = hi */         \
	ADDQ        DX, R8          /* i++ */

// WARMC6 asks for the six rows of the C tile (two lines each), which the
// kernel stores after its k loop, so that they are near by then. It leaves
// R8 on row 5.
#define WARMC6 \
	MOVQ       DI, R8  /* R8 = &C[0][0] */ \
	PREFETCHT0 (R8)                      \
	PREFETCHT0 63(R8)                    \
	ADDQ       DX, R8  /* row 1 */         \
	PREFETCHT0 (R8)                      \
	PREFETCHT0 63(R8)                    \
	ADDQ       DX, R8  /* row 2 */         \
	PREFETCHT0 (R8)                      \
	PREFETCHT0 63(R8)                    \
	ADDQ       DX, R8  /* row 3 */         \
	PREFETCHT0 (R8)                      \
	PREFETCHT0 63(R8)                    \
	ADDQ       DX, R8  /* row 4 */         \
	PREFETCHT0 (R8)                      \
	PREFETCHT0 63(R8)                    \
	ADDQ       DX, R8  /* row 5 */         \
	PREFETCHT0 (R8)                      \
	PREFETCHT0 63(R8)

// ZERO12 clears the twelve accumulators of a 6×16 tile.
#define ZERO12 \
	VXORPS Y0, Y0, Y0    \
	VXORPS Y1, Y1, Y1    \
	VXORPS Y2, Y2, Y2    \
	VXORPS Y3, Y3, Y3    \
	VXORPS Y4, Y4, Y4    \
	VXORPS Y5, Y5, Y5    \
	VXORPS Y6, Y6, Y6    \
	VXORPS Y7, Y7, Y7    \
	VXORPS Y8, Y8, Y8    \
	VXORPS Y9, Y9, Y9    \
	VXORPS Y10, Y10, Y10 \
	VXORPS Y11, Y11, Y11

// STORE6x16(ST) stores the six rows of a 6×16 tile with ST (STORE0 or
// STOREB) from R8 on.
#define STORE6x16(ST) \
	ST(Y0, Y1)   \
	ST(Y2, Y3)   \
	ST(Y4, Y5)   \
	ST(Y6, Y7)   \
	ST(Y8, Y9)   \
	ST(Y10, Y11)

// PROLOGUE loads the arguments (shared frame layout of all kernels below).
#define PROLOGUE \
	MOVQ kc+0(FP), CX   /* CX = kc */              \
	MOVQ a+8(FP), AX    /* AX = &Ap[0] */          \
	MOVQ b+16(FP), BX   /* BX = &B[0][0] */        \
	MOVQ ldb+24(FP), R11 /* R11 = ldb */           \
	SHLQ $2, R11        /* R11 = ldb*4 (bytes) */  \
	MOVQ c+32(FP), DI   /* DI = &C[0][0] */        \
	MOVQ ldc+40(FP), DX /* DX = ldc */             \
	SHLQ $2, DX         /* DX = ldc*4 (bytes) */

// SCALARS(nz) sets Y14 = alpha, R8 = &C[0][0] and jumps to label nz
// when beta != ±0 (having set Y15 = beta there is the label's job).
#define SCALARS(nz) \
	VBROADCASTSS alpha+48(FP), Y14 /* Y14 = alpha in all lanes */ \
	MOVQ         DI, R8            /* R8 = &C[0][0] */            \
	MOVL         beta+52(FP), R9   /* R9 = bits of beta */        \
	TESTL        $0x7fffffff, R9   /* beta == ±0 ? */             \
	JNZ          nz

// FINISH6x16 stores the 6×16 tile (C = alpha*acc, or alpha*acc + beta*C
// when beta != ±0) and returns: the shared end of the 6×16 kernels. Its
// label, withbeta, is local to the function it ends.
#define FINISH6x16 \
	SCALARS(withbeta)             \
	STORE6x16(STORE0)             \
	VZEROUPPER                    \
	RET                           \
withbeta:                         \
	VBROADCASTSS beta+52(FP), Y15 \
	STORE6x16(STOREB)             \
	VZEROUPPER                    \
	RET

// func sgemmMicro6x16AVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro6x16AVX2 is the AVX2+FMA twin of sgemmMicro4x4Generic for a 6×16
// tile: C = alpha*Ap·B + beta*C with Ap a packed 6×kc panel (Ap[p*6+i]), B a
// kc×16 panel with rows ldb floats apart (B[p*ldb+j]) and C rows ldc floats
// apart; C is not read when beta == ±0. Preconditions: kc >= 1; Ap holds 6*kc
// floats, B (kc-1)*ldb+16; the 6×16 tile of C is in bounds; the CPU has AVX2
// and FMA. Sums use fused multiply-adds, so the bits differ from the generic
// kernel's.
TEXT ·sgemmMicro6x16AVX2(SB), NOSPLIT, $0-56
	PROLOGUE

	WARMC6               // C's six rows asked for, stored last
	ZERO12               // acc = 0

	SUBQ $4, CX          // CX = kc - 4: steps left after the next four
	JLT  tail4

loop4: // for ; CX >= 0; CX -= 4: four k steps
	PREFETCHT0 384(AX)   // A panel 16 steps ahead (it streams from L2)
	STEP6(0)             // k step p
	STEP6(24)            // k step p+1
	STEP6(48)            // k step p+2
	STEP6(72)            // k step p+3
	ADDQ       $96, AX   // AX = &Ap[(p+4)*6]
	SUBQ       $4, CX    // CX -= 4
	JGE        loop4

tail4:
	ADDQ $4, CX          // CX = steps left (0..3)
	JZ   store

tail: // for ; CX > 0; CX--: one k step
	STEP6(0)             // k step p
	ADDQ  $24, AX        // AX = &Ap[(p+1)*6]
	DECQ  CX             // CX--
	JNZ   tail

store:
	FINISH6x16           // C = alpha*acc (+ beta*C)

// func sgemmMicro6x16DirectAVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro6x16DirectAVX2 is sgemmMicro6x16AVX2 (same contract and
// preconditions, same bits) for a B read in place from the caller's matrix:
// each k step also prefetches the 64 bytes to the right of the B row it
// reads, the next panel's, so that the next call streams from cache instead
// of waiting on memory once per row. Prefetching never faults, even past B.
TEXT ·sgemmMicro6x16DirectAVX2(SB), NOSPLIT, $0-56
	PROLOGUE

	WARMC6               // C's six rows asked for, stored last
	ZERO12               // acc = 0

	SUBQ $4, CX          // CX = kc - 4: steps left after the next four
	JLT  dtail4

dloop4: // for ; CX >= 0; CX -= 4: four k steps
	PREFETCHT0 384(AX)   // A panel 16 steps ahead (it streams from L2)
	STEP6PF(0)             // k step p
	STEP6PF(24)            // k step p+1
	STEP6PF(48)            // k step p+2
	STEP6PF(72)            // k step p+3
	ADDQ       $96, AX   // AX = &Ap[(p+4)*6]
	SUBQ       $4, CX    // CX -= 4
	JGE        dloop4

dtail4:
	ADDQ $4, CX          // CX = steps left (0..3)
	JZ   dstore

dtail: // for ; CX > 0; CX--: one k step
	STEP6PF(0)             // k step p
	ADDQ  $24, AX        // AX = &Ap[(p+1)*6]
	DECQ  CX             // CX--
	JNZ   dtail

dstore:
	FINISH6x16           // C = alpha*acc (+ beta*C)

// STEP6PK(ao, po) is STEP6PF that also writes the B row it read to the
// packed panel at SI+po (see sgemmMicro6x16PackAVX2).
#define STEP6PK(ao, po) \
	PREFETCHT0 64(BX)       /* touch B[p][16:32] */ \
	LOADB                   \
	VMOVUPS Y12, po(SI)     /* Bp[p][0:8] = b0 */   \
	VMOVUPS Y13, po+32(SI)  /* Bp[p][8:16] = b1 */  \
	ROW(ao, Y14, Y0, Y1)    \
	ROW(ao+4, Y15, Y2, Y3)  \
	ROW(ao+8, Y14, Y4, Y5)  \
	ROW(ao+12, Y15, Y6, Y7) \
	ROW(ao+16, Y14, Y8, Y9) \
	ROW(ao+20, Y15, Y10, Y11)

// func sgemmMicro6x16PackAVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, bp *float32)
//
// sgemmMicro6x16PackAVX2 is sgemmMicro6x16DirectAVX2 (same contract and
// preconditions, same bits) that also packs the B panel it reads in place:
// Bp[p*16+j] = B[p*ldb+j] for p < kc, j < 16, so that the tiles below this
// one read the packed panel and no separate pass over B is needed. Bp holds
// 16*kc floats and does not overlap B, Ap or C.
// Registers as sgemmMicro6x16AVX2, and SI = &Bp[p*16].
TEXT ·sgemmMicro6x16PackAVX2(SB), NOSPLIT, $0-64
	PROLOGUE
	MOVQ bp+56(FP), SI   // SI = &Bp[0]

	WARMC6               // C's six rows asked for, stored last
	ZERO12               // acc = 0

	SUBQ $4, CX          // CX = kc - 4: steps left after the next four
	JLT  ktail4

kloop4: // for ; CX >= 0; CX -= 4: four k steps
	PREFETCHT0 384(AX)   // A panel 16 steps ahead (it streams from L2)
	STEP6PK(0, 0)        // k step p
	STEP6PK(24, 64)      // k step p+1
	STEP6PK(48, 128)     // k step p+2
	STEP6PK(72, 192)     // k step p+3
	ADDQ       $96, AX   // AX = &Ap[(p+4)*6]
	ADDQ       $256, SI  // SI = &Bp[(p+4)*16]
	SUBQ       $4, CX    // CX -= 4
	JGE        kloop4

ktail4:
	ADDQ $4, CX          // CX = steps left (0..3)
	JZ   kstore

ktail: // for ; CX > 0; CX--: one k step
	STEP6PK(0, 0)        // k step p
	ADDQ  $24, AX        // AX = &Ap[(p+1)*6]
	ADDQ  $64, SI        // SI = &Bp[(p+1)*16]
	DECQ  CX             // CX--
	JNZ   ktail

kstore:
	FINISH6x16           // C = alpha*acc (+ beta*C)

// func sgemmMicro6x16AheadAVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, pf *float32, pfstride, pfn int)
//
// sgemmMicro6x16AheadAVX2 is sgemmMicro6x16AVX2 (same contract and
// preconditions, same bits) that also asks L2 for pfn cache lines,
// pfstride bytes apart from pf: one every four k steps, the rest after the
// loop. It takes the tiles below a panel of B packed just before use,
// which ask for their slices of the panel after next (see panelTiles): a
// line at a time between the FMAs rather than a burst between calls, and
// into L2 rather than L1, where B's rows a multiple of 4 KiB apart would
// all fall in one set and evict the packed panel. Prefetches never fault.
// Registers as sgemmMicro6x16AVX2, and R9 = the next line's address, R10 =
// pfstride, R12 = lines left (it counts below zero once they are asked
// for; R9 then stays on the last one), R13 = R9 + R10.
TEXT ·sgemmMicro6x16AheadAVX2(SB), NOSPLIT, $0-80
	PROLOGUE
	MOVQ pf+56(FP), R9        // R9 = the first line's address
	MOVQ pfstride+64(FP), R10 // R10 = pfstride
	MOVQ pfn+72(FP), R12      // R12 = pfn

	WARMC6               // C's six rows asked for, stored last
	ZERO12               // acc = 0

	SUBQ $4, CX          // CX = kc - 4: steps left after the next four
	JLT  atail4

aloop4: // for ; CX >= 0; CX -= 4: four k steps and a line of pf
	PREFETCHT0 384(AX)   // A panel 16 steps ahead (it streams from L2)
	STEP6(0)             // k step p
	STEP6(24)            // k step p+1
	PREFETCHT1 (R9)      // a line into L2
	LEAQ       (R9)(R10*1), R13 // R13 = the line after
	DECQ       R12       // R12 = lines left
	CMOVQGT    R13, R9   // R9 = R13 while lines are left
	STEP6(48)            // k step p+2
	STEP6(72)            // k step p+3
	ADDQ       $96, AX   // AX = &Ap[(p+4)*6]
	SUBQ       $4, CX    // CX -= 4
	JGE        aloop4

atail4:
	ADDQ $4, CX          // CX = steps left (0..3)
	JZ   arest

atail: // for ; CX > 0; CX--: one k step
	STEP6(0)             // k step p
	ADDQ  $24, AX        // AX = &Ap[(p+1)*6]
	DECQ  CX             // CX--
	JNZ   atail

arest: // for ; R12 > 0; R12--: the lines the loop did not reach
	TESTQ      R12, R12
	JLE        astore
	PREFETCHT1 (R9)
	ADDQ       R10, R9
	DECQ       R12
	JMP        arest

astore:
	FINISH6x16           // C = alpha*acc (+ beta*C)

// func sgemmMicro1x16AVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro1x16AVX2 is sgemmMicro6x16AVX2 for the last 1 rows of C: Ap is
// a packed 1×kc panel (Ap[p*1+i]); same B, C and preconditions otherwise.
TEXT ·sgemmMicro1x16AVX2(SB), NOSPLIT, $0-56
	PROLOGUE
	VXORPS Y0, Y0, Y0 // acc[0][0:8] = 0
	VXORPS Y1, Y1, Y1 // acc[0][8:16] = 0

	SUBQ $2, CX      // CX = kc - 2: steps left after the next two
	JLT  tail1

loop1: // for ; CX >= 0; CX -= 2: two k steps
	LOADB            // b0, b1 = B[p][0:16]; p++
	ROW(0, Y14, Y0, Y1) // row 0: acc[0] += Ap[p*1+0]*b
	LOADB            // b0, b1 = B[p+1][0:16]; p++
	ROW(4, Y14, Y0, Y1) // row 0: acc[0] += Ap[(p+1)*1+0]*b
	ADDQ $8, AX  // AX = &Ap[(p+2)*1]
	SUBQ $2, CX      // CX -= 2
	JGE  loop1

tail1:
	ADDQ $2, CX      // CX = steps left (0 or 1)
	JZ   done1
	LOADB            // the last, odd k step
	ROW(0, Y14, Y0, Y1) // row 0: acc[0] += Ap[p*1+0]*b
	ADDQ $4, AX  // AX = &Ap[(p+1)*1]

done1:

	SCALARS(beta1)
	STORE0(Y0, Y1) // row 0
	VZEROUPPER
	RET

beta1:
	VBROADCASTSS beta+52(FP), Y15 // Y15 = beta in all lanes
	STOREB(Y0, Y1) // row 0
	VZEROUPPER
	RET

// func sgemmMicro2x16AVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro2x16AVX2 is sgemmMicro6x16AVX2 for the last 2 rows of C: Ap is
// a packed 2×kc panel (Ap[p*2+i]); same B, C and preconditions otherwise.
TEXT ·sgemmMicro2x16AVX2(SB), NOSPLIT, $0-56
	PROLOGUE
	VXORPS Y0, Y0, Y0 // acc[0][0:8] = 0
	VXORPS Y1, Y1, Y1 // acc[0][8:16] = 0
	VXORPS Y2, Y2, Y2 // acc[1][0:8] = 0
	VXORPS Y3, Y3, Y3 // acc[1][8:16] = 0

	SUBQ $2, CX      // CX = kc - 2: steps left after the next two
	JLT  tail2

loop2: // for ; CX >= 0; CX -= 2: two k steps
	LOADB            // b0, b1 = B[p][0:16]; p++
	ROW(0, Y14, Y0, Y1) // row 0: acc[0] += Ap[p*2+0]*b
	ROW(4, Y15, Y2, Y3) // row 1: acc[1] += Ap[p*2+1]*b
	LOADB            // b0, b1 = B[p+1][0:16]; p++
	ROW(8, Y14, Y0, Y1) // row 0: acc[0] += Ap[(p+1)*2+0]*b
	ROW(12, Y15, Y2, Y3) // row 1: acc[1] += Ap[(p+1)*2+1]*b
	ADDQ $16, AX  // AX = &Ap[(p+2)*2]
	SUBQ $2, CX      // CX -= 2
	JGE  loop2

tail2:
	ADDQ $2, CX      // CX = steps left (0 or 1)
	JZ   done2
	LOADB            // the last, odd k step
	ROW(0, Y14, Y0, Y1) // row 0: acc[0] += Ap[p*2+0]*b
	ROW(4, Y15, Y2, Y3) // row 1: acc[1] += Ap[p*2+1]*b
	ADDQ $8, AX  // AX = &Ap[(p+1)*2]

done2:

	SCALARS(beta2)
	STORE0(Y0, Y1) // row 0
	STORE0(Y2, Y3) // row 1
	VZEROUPPER
	RET

beta2:
	VBROADCASTSS beta+52(FP), Y15 // Y15 = beta in all lanes
	STOREB(Y0, Y1) // row 0
	STOREB(Y2, Y3) // row 1
	VZEROUPPER
	RET

// func sgemmMicro3x16AVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro3x16AVX2 is sgemmMicro6x16AVX2 for the last 3 rows of C: Ap is
// a packed 3×kc panel (Ap[p*3+i]); same B, C and preconditions otherwise.
TEXT ·sgemmMicro3x16AVX2(SB), NOSPLIT, $0-56
	PROLOGUE
	VXORPS Y0, Y0, Y0 // acc[0][0:8] = 0
	VXORPS Y1, Y1, Y1 // acc[0][8:16] = 0
	VXORPS Y2, Y2, Y2 // acc[1][0:8] = 0
	VXORPS Y3, Y3, Y3 // acc[1][8:16] = 0
	VXORPS Y4, Y4, Y4 // acc[2][0:8] = 0
	VXORPS Y5, Y5, Y5 // acc[2][8:16] = 0

	SUBQ $2, CX      // CX = kc - 2: steps left after the next two
	JLT  tail3

loop3: // for ; CX >= 0; CX -= 2: two k steps
	LOADB            // b0, b1 = B[p][0:16]; p++
	ROW(0, Y14, Y0, Y1) // row 0: acc[0] += Ap[p*3+0]*b
	ROW(4, Y15, Y2, Y3) // row 1: acc[1] += Ap[p*3+1]*b
	ROW(8, Y14, Y4, Y5) // row 2: acc[2] += Ap[p*3+2]*b
	LOADB            // b0, b1 = B[p+1][0:16]; p++
	ROW(12, Y14, Y0, Y1) // row 0: acc[0] += Ap[(p+1)*3+0]*b
	ROW(16, Y15, Y2, Y3) // row 1: acc[1] += Ap[(p+1)*3+1]*b
	ROW(20, Y14, Y4, Y5) // row 2: acc[2] += Ap[(p+1)*3+2]*b
	ADDQ $24, AX  // AX = &Ap[(p+2)*3]
	SUBQ $2, CX      // CX -= 2
	JGE  loop3

tail3:
	ADDQ $2, CX      // CX = steps left (0 or 1)
	JZ   done3
	LOADB            // the last, odd k step
	ROW(0, Y14, Y0, Y1) // row 0: acc[0] += Ap[p*3+0]*b
	ROW(4, Y15, Y2, Y3) // row 1: acc[1] += Ap[p*3+1]*b
	ROW(8, Y14, Y4, Y5) // row 2: acc[2] += Ap[p*3+2]*b
	ADDQ $12, AX  // AX = &Ap[(p+1)*3]

done3:

	SCALARS(beta3)
	STORE0(Y0, Y1) // row 0
	STORE0(Y2, Y3) // row 1
	STORE0(Y4, Y5) // row 2
	VZEROUPPER
	RET

beta3:
	VBROADCASTSS beta+52(FP), Y15 // Y15 = beta in all lanes
	STOREB(Y0, Y1) // row 0
	STOREB(Y2, Y3) // row 1
	STOREB(Y4, Y5) // row 2
	VZEROUPPER
	RET

// func sgemmMicro4x16AVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro4x16AVX2 is sgemmMicro6x16AVX2 for the last 4 rows of C: Ap is
// a packed 4×kc panel (Ap[p*4+i]); same B, C and preconditions otherwise.
TEXT ·sgemmMicro4x16AVX2(SB), NOSPLIT, $0-56
	PROLOGUE
	VXORPS Y0, Y0, Y0 // acc[0][0:8] = 0
	VXORPS Y1, Y1, Y1 // acc[0][8:16] = 0
	VXORPS Y2, Y2, Y2 // acc[1][0:8] = 0
	VXORPS Y3, Y3, Y3 // acc[1][8:16] = 0
	VXORPS Y4, Y4, Y4 // acc[2][0:8] = 0
	VXORPS Y5, Y5, Y5 // acc[2][8:16] = 0
	VXORPS Y6, Y6, Y6 // acc[3][0:8] = 0
	VXORPS Y7, Y7, Y7 // acc[3][8:16] = 0

	SUBQ $2, CX      // CX = kc - 2: steps left after the next two
	JLT  tail4

loop4: // for ; CX >= 0; CX -= 2: two k steps
	LOADB            // b0, b1 = B[p][0:16]; p++
	ROW(0, Y14, Y0, Y1) // row 0: acc[0] += Ap[p*4+0]*b
	ROW(4, Y15, Y2, Y3) // row 1: acc[1] += Ap[p*4+1]*b
	ROW(8, Y14, Y4, Y5) // row 2: acc[2] += Ap[p*4+2]*b
	ROW(12, Y15, Y6, Y7) // row 3: acc[3] += Ap[p*4+3]*b
	LOADB            // b0, b1 = B[p+1][0:16]; p++
	ROW(16, Y14, Y0, Y1) // row 0: acc[0] += Ap[(p+1)*4+0]*b
	ROW(20, Y15, Y2, Y3) // row 1: acc[1] += Ap[(p+1)*4+1]*b
	ROW(24, Y14, Y4, Y5) // row 2: acc[2] += Ap[(p+1)*4+2]*b
	ROW(28, Y15, Y6, Y7) // row 3: acc[3] += Ap[(p+1)*4+3]*b
	ADDQ $32, AX  // AX = &Ap[(p+2)*4]
	SUBQ $2, CX      // CX -= 2
	JGE  loop4

tail4:
	ADDQ $2, CX      // CX = steps left (0 or 1)
	JZ   done4
	LOADB            // the last, odd k step
	ROW(0, Y14, Y0, Y1) // row 0: acc[0] += Ap[p*4+0]*b
	ROW(4, Y15, Y2, Y3) // row 1: acc[1] += Ap[p*4+1]*b
	ROW(8, Y14, Y4, Y5) // row 2: acc[2] += Ap[p*4+2]*b
	ROW(12, Y15, Y6, Y7) // row 3: acc[3] += Ap[p*4+3]*b
	ADDQ $16, AX  // AX = &Ap[(p+1)*4]

done4:

	SCALARS(beta4)
	STORE0(Y0, Y1) // row 0
	STORE0(Y2, Y3) // row 1
	STORE0(Y4, Y5) // row 2
	STORE0(Y6, Y7) // row 3
	VZEROUPPER
	RET

beta4:
	VBROADCASTSS beta+52(FP), Y15 // Y15 = beta in all lanes
	STOREB(Y0, Y1) // row 0
	STOREB(Y2, Y3) // row 1
	STOREB(Y4, Y5) // row 2
	STOREB(Y6, Y7) // row 3
	VZEROUPPER
	RET

// func sgemmMicro5x16AVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro5x16AVX2 is sgemmMicro6x16AVX2 for the last 5 rows of C: Ap is
// a packed 5×kc panel (Ap[p*5+i]); same B, C and preconditions otherwise.
TEXT ·sgemmMicro5x16AVX2(SB), NOSPLIT, $0-56
	PROLOGUE
	VXORPS Y0, Y0, Y0 // acc[0][0:8] = 0
	VXORPS Y1, Y1, Y1 // acc[0][8:16] = 0
	VXORPS Y2, Y2, Y2 // acc[1][0:8] = 0
	VXORPS Y3, Y3, Y3 // acc[1][8:16] = 0
	VXORPS Y4, Y4, Y4 // acc[2][0:8] = 0
	VXORPS Y5, Y5, Y5 // acc[2][8:16] = 0
	VXORPS Y6, Y6, Y6 // acc[3][0:8] = 0
	VXORPS Y7, Y7, Y7 // acc[3][8:16] = 0
	VXORPS Y8, Y8, Y8 // acc[4][0:8] = 0
	VXORPS Y9, Y9, Y9 // acc[4][8:16] = 0

	SUBQ $2, CX      // CX = kc - 2: steps left after the next two
	JLT  tail5

loop5: // for ; CX >= 0; CX -= 2: two k steps
	LOADB            // b0, b1 = B[p][0:16]; p++
	ROW(0, Y14, Y0, Y1) // row 0: acc[0] += Ap[p*5+0]*b
	ROW(4, Y15, Y2, Y3) // row 1: acc[1] += Ap[p*5+1]*b
	ROW(8, Y14, Y4, Y5) // row 2: acc[2] += Ap[p*5+2]*b
	ROW(12, Y15, Y6, Y7) // row 3: acc[3] += Ap[p*5+3]*b
	ROW(16, Y14, Y8, Y9) // row 4: acc[4] += Ap[p*5+4]*b
	LOADB            // b0, b1 = B[p+1][0:16]; p++
	ROW(20, Y14, Y0, Y1) // row 0: acc[0] += Ap[(p+1)*5+0]*b
	ROW(24, Y15, Y2, Y3) // row 1: acc[1] += Ap[(p+1)*5+1]*b
	ROW(28, Y14, Y4, Y5) // row 2: acc[2] += Ap[(p+1)*5+2]*b
	ROW(32, Y15, Y6, Y7) // row 3: acc[3] += Ap[(p+1)*5+3]*b
	ROW(36, Y14, Y8, Y9) // row 4: acc[4] += Ap[(p+1)*5+4]*b
	ADDQ $40, AX  // AX = &Ap[(p+2)*5]
	SUBQ $2, CX      // CX -= 2
	JGE  loop5

tail5:
	ADDQ $2, CX      // CX = steps left (0 or 1)
	JZ   done5
	LOADB            // the last, odd k step
	ROW(0, Y14, Y0, Y1) // row 0: acc[0] += Ap[p*5+0]*b
	ROW(4, Y15, Y2, Y3) // row 1: acc[1] += Ap[p*5+1]*b
	ROW(8, Y14, Y4, Y5) // row 2: acc[2] += Ap[p*5+2]*b
	ROW(12, Y15, Y6, Y7) // row 3: acc[3] += Ap[p*5+3]*b
	ROW(16, Y14, Y8, Y9) // row 4: acc[4] += Ap[p*5+4]*b
	ADDQ $20, AX  // AX = &Ap[(p+1)*5]

done5:

	SCALARS(beta5)
	STORE0(Y0, Y1) // row 0
	STORE0(Y2, Y3) // row 1
	STORE0(Y4, Y5) // row 2
	STORE0(Y6, Y7) // row 3
	STORE0(Y8, Y9) // row 4
	VZEROUPPER
	RET

beta5:
	VBROADCASTSS beta+52(FP), Y15 // Y15 = beta in all lanes
	STOREB(Y0, Y1) // row 0
	STOREB(Y2, Y3) // row 1
	STOREB(Y4, Y5) // row 2
	STOREB(Y6, Y7) // row 3
	STOREB(Y8, Y9) // row 4
	VZEROUPPER
	RET

// ROW8(ao, bc, acc) accumulates one row of a 6×8 tile, in Go:
//   a := Ap[ao/4]; acc[i][0:8] += a*b0
#define ROW8(ao, bc, acc) \
	VBROADCASTSS ao(AX), bc  /* a = Ap[ao/4] in all lanes */ \
	VFMADD231PS  Y12, bc, acc /* acc[i][0:8] += a*b0 */

// STEP6x8(ao) performs one k step of the 6×8 tile on Ap[ao/4 : ao/4+6].
#define STEP6x8(ao) \
	VMOVUPS (BX), Y12      /* b0 = B[p][0:8] */  \
	ADDQ    R11, BX        /* BX = &B[p+1][0] */ \
	ROW8(ao, Y14, Y0)      \
	ROW8(ao+4, Y15, Y1)    \
	ROW8(ao+8, Y14, Y2)    \
	ROW8(ao+12, Y15, Y3)   \
	ROW8(ao+16, Y14, Y4)   \
	ROW8(ao+20, Y15, Y5)

// STORE8(acc) stores one 8-wide tile row without reading C; STORE8B(acc)
// updates it with beta, as STORE0 and STOREB do for 16-wide rows.
#define STORE8(acc) \
	VMULPS  Y14, acc, acc /* acc = alpha*acc[i][0:8] */ \
	VMOVUPS acc, (R8)     /* C[i][0:8] = acc */         \
	ADDQ    DX, R8        /* i++ */

#define STORE8B(acc) \
	VMULPS      Y14, acc, acc /* acc = alpha*acc[i][0:8] */ \
	VFMADD231PS (R8), Y15, acc /* acc += beta*C[i][0:8] */  \
	VMOVUPS     acc, (R8)     /* C[i][0:8] = acc */         \
	ADDQ        DX, R8        /* i++ */

// func sgemmMicro6x8AVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro6x8AVX2 is sgemmMicro6x16AVX2 for a 6×8 tile: the first 8
// columns of the B panel (rows ldb floats apart, usually a packed 16-wide
// panel whose last columns are padding), for the ragged last panel of C when
// at most 8 columns remain. Preconditions as sgemmMicro6x16AVX2's, with B
// holding (kc-1)*ldb+8 floats and the 6×8 tile of C in bounds.
TEXT ·sgemmMicro6x8AVX2(SB), NOSPLIT, $0-56
	PROLOGUE
	VXORPS Y0, Y0, Y0    // acc[0][0:8] = 0
	VXORPS Y1, Y1, Y1    // acc[1] = 0
	VXORPS Y2, Y2, Y2    // acc[2] = 0
	VXORPS Y3, Y3, Y3    // acc[3] = 0
	VXORPS Y4, Y4, Y4    // acc[4] = 0
	VXORPS Y5, Y5, Y5    // acc[5] = 0
	SUBQ   $4, CX        // CX = kc - 4: steps left after the next four
	JLT    h8tail4

h8loop4: // for ; CX >= 0; CX -= 4: four k steps
	STEP6x8(0)           // k step p
	STEP6x8(24)          // k step p+1
	STEP6x8(48)          // k step p+2
	STEP6x8(72)          // k step p+3
	ADDQ $96, AX         // AX = &Ap[(p+4)*6]
	SUBQ $4, CX          // CX -= 4
	JGE  h8loop4

h8tail4:
	ADDQ $4, CX          // CX = steps left (0..3)
	JZ   h8store

h8tail: // for ; CX > 0; CX--: one k step
	STEP6x8(0)           // k step p
	ADDQ $24, AX         // AX = &Ap[(p+1)*6]
	DECQ CX              // CX--
	JNZ  h8tail

h8store:
	SCALARS(h8beta)
	STORE8(Y0)           // row 0
	STORE8(Y1)           // row 1
	STORE8(Y2)           // row 2
	STORE8(Y3)           // row 3
	STORE8(Y4)           // row 4
	STORE8(Y5)           // row 5
	VZEROUPPER
	RET

h8beta:
	VBROADCASTSS beta+52(FP), Y15 // Y15 = beta in all lanes
	STORE8B(Y0)          // row 0
	STORE8B(Y1)          // row 1
	STORE8B(Y2)          // row 2
	STORE8B(Y3)          // row 3
	STORE8B(Y4)          // row 4
	STORE8B(Y5)          // row 5
	VZEROUPPER
	RET

// func sgemmPackB16AVX2(dst, src *float32, ldb, kb, panels, ps int)
//
// sgemmPackB16AVX2 is the AVX2 twin of packB's non-transposed loop for nr=16
// and full panels (sgemm_pack.go): for p < kb and q < panels,
//   dst[q*ps + p*16 : ...+16] = src[p*ldb + q*16 : ...+16]
// reading each row of B once, in order. Preconditions: kb, panels >= 1; the
// ranges are in bounds; the CPU has AVX2.
// Registers: SI = &src[p*ldb], DI = &dst[p*16], R8 = ps*4 (panel stride in
// bytes), R9 = ldb*4, CX = rows left, R10/R11 = source/destination cursors
// within a row, DX = panels left in the row, Y0/Y1 = the 16 floats in flight.
TEXT ·sgemmPackB16AVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI    // DI = &dst[0]
	MOVQ src+8(FP), SI    // SI = &src[0]
	MOVQ ldb+16(FP), R9   // R9 = ldb
	SHLQ $2, R9           // R9 = ldb*4 (bytes)
	MOVQ kb+24(FP), CX    // CX = kb
	MOVQ ps+40(FP), R8    // R8 = ps
	SHLQ $2, R8           // R8 = ps*4: bytes from one panel to the next

prow: // for p := 0; p < kb; p++
	MOVQ SI, R10          // R10 = &src[p*ldb]
	MOVQ DI, R11          // R11 = &dst[p*16]
	MOVQ panels+32(FP), DX // DX = panels

ppanel: // for q := 0; q < panels; q++
	PREFETCHT0 64(R10)    // touch src[p*ldb+(q+1)*16:], the next panel's part of row p:
	                      // packed one panel at a time, B is read down its columns
	VMOVUPS (R10), Y0     // Y0 = src[p*ldb+q*16 : +8]
	VMOVUPS 32(R10), Y1   // Y1 = src[p*ldb+q*16+8 : +16]
	VMOVUPS Y0, (R11)     // dst[q*16*kb+p*16 : +8] = Y0
	VMOVUPS Y1, 32(R11)   // dst[q*16*kb+p*16+8 : +16] = Y1
	ADDQ    $64, R10      // next 16 source floats
	ADDQ    R8, R11       // next panel
	DECQ    DX
	JNZ     ppanel

	ADDQ R9, SI           // SI = &src[(p+1)*ldb]
	ADDQ $64, DI          // DI = &dst[(p+1)*16]
	DECQ CX
	JNZ  prow
	VZEROUPPER
	RET

// func sgemmPrefetchRows(p *float32, stride, n int)
//
// sgemmPrefetchRows prefetches into L1 the cache line at p and the one 63
// bytes on, for n rows stride bytes apart: for r < n, PREFETCHT0 at
// p + r*stride and p + r*stride + 63. Prefetches never fault, so the rows
// may end anywhere. Preconditions: none beyond SSE.
// Into L2 instead (PREFETCHT1, here and for sgemmPackB16AVX2's own
// next-panel prefetch), lest lines asked for ahead evict the packed panel
// from L1 where B's rows lie a multiple of 4 KiB apart and so in one L1 set
// (im2col's, 50176 floats apart at 224x224): no gain on Zen 4, in-process,
// 21 pairs: 64x50176x576 0.98-1.00x on 1 thread, 256x3136x2304 0.96x.
// Registers: SI = the row's address, R9 = stride, CX = rows left.
TEXT ·sgemmPrefetchRows(SB), NOSPLIT, $0-24
	MOVQ  p+0(FP), SI
	MOVQ  stride+8(FP), R9
	MOVQ  n+16(FP), CX
	TESTQ CX, CX
	JLE   pfdone

pfrow: // for r := 0; r < n; r++
	PREFETCHT0 (SI)
	PREFETCHT0 63(SI)
	ADDQ       R9, SI
	DECQ       CX
	JNZ        pfrow

pfdone:
	RET

// LOAD8ROWS(base) loads rows base, base+ld, .., base+7ld (8 floats each,
// columns p..p+7) into Y0..Y7, with R9 = ld*4, R10 = 3*ld*4, R8 = base+4*ld*4.
#define LOAD8ROWS(base) \
	LEAQ    (base)(R9*4), R8       /* R8 = &row 4 */  \
	VMOVUPS (base), Y0             /* row 0 */        \
	VMOVUPS (base)(R9*1), Y1       /* row 1 */        \
	VMOVUPS (base)(R9*2), Y2       /* row 2 */        \
	VMOVUPS (base)(R10*1), Y3      /* row 3 */        \
	VMOVUPS (R8), Y4               /* row 4 */        \
	VMOVUPS (R8)(R9*1), Y5         /* row 5 */        \
	VMOVUPS (R8)(R9*2), Y6         /* row 6 */        \
	VMOVUPS (R8)(R10*1), Y7        /* row 7 */

// STORE8COLS(off) stores Y8..Y15 (columns p..p+7 of the 8 rows) at dst rows
// p..p+7, byte offset off within each dst row of R11 bytes.
#define STORE8COLS(off) \
	MOVQ    DI, R8             /* R8 = &dst[p*dw] */     \
	VMOVUPS Y8, off(R8)        /* dst[p][..8] = col p */ \
	ADDQ    R11, R8                                      \
	VMOVUPS Y9, off(R8)        /* dst[p+1] */            \
	ADDQ    R11, R8                                      \
	VMOVUPS Y10, off(R8)       /* dst[p+2] */            \
	ADDQ    R11, R8                                      \
	VMOVUPS Y11, off(R8)       /* dst[p+3] */            \
	ADDQ    R11, R8                                      \
	VMOVUPS Y12, off(R8)       /* dst[p+4] */            \
	ADDQ    R11, R8                                      \
	VMOVUPS Y13, off(R8)       /* dst[p+5] */            \
	ADDQ    R11, R8                                      \
	VMOVUPS Y14, off(R8)       /* dst[p+6] */            \
	ADDQ    R11, R8                                      \
	VMOVUPS Y15, off(R8)       /* dst[p+7] */

// func sgemmPackT16AVX2(dst, src *float32, ld, kb8, dw int)
//
// sgemmPackT16AVX2 is the AVX2 twin of packCols (sgemm_pack.go) for 16 full
// rows and 8*kb8 columns: for i < 16 and p < 8*kb8,
//   dst[p*dw + i] = src[i*ld + p]
// (an interleave of 16 rows: the transposed-B panel, or part of one when
// dw = 32). Preconditions: kb8 >= 1; the ranges are in bounds; AVX2.
// Registers: SI = &src[p] (row 0), BX = &src[8*ld+p] (row 8), DI = &dst[p*dw],
// R9 = ld*4, R10 = 3*ld*4, R11 = dw*4, R12 = 8*dw*4, CX = 8-column blocks
// left, R8 = scratch row/destination pointer, Y0..Y15 = the 8×8 block.
TEXT ·sgemmPackT16AVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI   // DI = &dst[0]
	MOVQ src+8(FP), SI   // SI = &src[0]
	MOVQ ld+16(FP), R9   // R9 = ld
	SHLQ $2, R9          // R9 = ld*4 (bytes)
	LEAQ (R9)(R9*2), R10 // R10 = 3*ld*4
	LEAQ (SI)(R9*8), BX  // BX = &src[8*ld] (row 8)
	MOVQ kb8+24(FP), CX  // CX = kb8
	MOVQ dw+32(FP), R11  // R11 = dw
	SHLQ $2, R11         // R11 = dw*4 (bytes per dst row)
	MOVQ R11, R12
	SHLQ $3, R12         // R12 = 8*dw*4

tloop: // for p := 0; p < 8*kb8; p += 8
	LOAD8ROWS(SI)        // rows 0..7, columns p..p+7
	TRANSPOSE8
	STORE8COLS(0)        // dst[p+j][0:8] = column p+j of rows 0..7
	LOAD8ROWS(BX)        // rows 8..15
	TRANSPOSE8
	STORE8COLS(32)       // dst[p+j][8:16] = column p+j of rows 8..15
	ADDQ $32, SI         // SI = &src[p+8]
	ADDQ $32, BX         // BX = &src[8*ld+p+8]
	ADDQ R12, DI         // DI = &dst[(p+8)*dw]
	DECQ CX
	JNZ  tloop
	VZEROUPPER
	RET

// func sgemmPackA6AVX2(dst, src *float32, ld, nblk int)
//
// sgemmPackA6AVX2 is the AVX2 twin of packCols (sgemm_pack.go) for 6 rows
// into a 6-wide panel, 8 columns at a time: for i < 6 and p < 8*nblk,
//   dst[p*6 + i] = src[i*ld + p]
// Each column is stored as 8 floats, its last two spilling into the next
// column's slot, which the next store overwrites; the last store spills 2
// floats past dst[48*nblk], so the caller must own them and fill them later.
// Preconditions: nblk >= 1; src rows have 8*nblk readable floats; dst has
// 48*nblk+2 writable floats; AVX2.
// Registers: SI = &src[p] (row 0), R8 = &src[4*ld+p] (row 4), R9 = ld*4,
// R10 = 3*ld*4, DI = &dst[p*6], CX = blocks left; Y0..Y5 = rows 0..5,
// Y6, Y7 = zero rows, Y8..Y15 = the transposed columns.
TEXT ·sgemmPackA6AVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI   // DI = &dst[0]
	MOVQ src+8(FP), SI   // SI = &src[0]
	MOVQ ld+16(FP), R9   // R9 = ld
	SHLQ $2, R9          // R9 = ld*4 (bytes)
	LEAQ (R9)(R9*2), R10 // R10 = 3*ld*4
	MOVQ nblk+24(FP), CX // CX = nblk

aloop: // for p := 0; p < 8*nblk; p += 8
	LEAQ    (SI)(R9*4), R8 // R8 = &src[4*ld+p]
	VMOVUPS (SI), Y0       // row 0, columns p..p+7
	VMOVUPS (SI)(R9*1), Y1 // row 1
	VMOVUPS (SI)(R9*2), Y2 // row 2
	VMOVUPS (SI)(R10*1), Y3 // row 3
	VMOVUPS (R8), Y4       // row 4
	VMOVUPS (R8)(R9*1), Y5 // row 5
	VXORPS  Y6, Y6, Y6     // rows 6, 7: padding
	VXORPS  Y7, Y7, Y7
	TRANSPOSE8             // Y(8+j) = column p+j of rows 0..5 (and two zeros)
	VMOVUPS Y8, (DI)       // dst[p*6 : p*6+6] = column p (+2 spilled)
	VMOVUPS Y9, 24(DI)     // dst[(p+1)*6 :] = column p+1
	VMOVUPS Y10, 48(DI)    // column p+2
	VMOVUPS Y11, 72(DI)    // column p+3
	VMOVUPS Y12, 96(DI)    // column p+4
	VMOVUPS Y13, 120(DI)   // column p+5
	VMOVUPS Y14, 144(DI)   // column p+6
	VMOVUPS Y15, 168(DI)   // column p+7 (spills into column p+8's slot)
	ADDQ    $32, SI        // SI = &src[p+8]
	ADDQ    $192, DI       // DI = &dst[(p+8)*6]
	DECQ    CX
	JNZ     aloop
	VZEROUPPER
	RET

// The 4-column kernel below serves the ragged last panel of B when at most
// four columns remain (n = 16q+4: VGG16's 14×14 layers, 196 columns). The
// 6×8 half kernel computes eight columns there, four of them padding, in six
// accumulators, so it waits on the FMA latency; these hold the tile
// transposed instead, one accumulator a column with a panel's six rows of
// A in its lanes (lanes 6 and 7 are the next step's values, never stored),
// two panels at a time, so that eight accumulators hide the latency. A
// last single panel stays on the half kernel, which makes the same bits. Each sum is the same
// chain of fused multiply-adds as the half kernel's, and C gets the bits
// mergeTile gives it: alpha*acc, plus beta*C rounded on its own.

// LOADB4 loads B[p][0..3], broadcast, into Y10..Y13 and advances BX.
#define LOADB4 \
	VBROADCASTSS (BX), Y10   /* B[p][0] */ \
	VBROADCASTSS 4(BX), Y11  /* B[p][1] */ \
	VBROADCASTSS 8(BX), Y12  /* B[p][2] */ \
	VBROADCASTSS 12(BX), Y13 /* B[p][3] */ \
	ADDQ         R11, BX     /* BX = &B[p+1][0] */

// COL4(a, c0, c1, c2, c3) adds the column of A in a times B[p][0..3] to the
// accumulators c0..c3 (in Go: acc[j][i] += A[i][p]*B[p][j]).
#define COL4(a, c0, c1, c2, c3) \
	VFMADD231PS a, Y10, c0 \
	VFMADD231PS a, Y11, c1 \
	VFMADD231PS a, Y12, c2 \
	VFMADD231PS a, Y13, c3

// TRANS4(c0, c1, c2, c3) transposes four column accumulators (lanes =
// rows 0..7) in place into rows: c0 = row 0 | row 4, c1 = row 1 | row 5,
// c2 = row 2 | row 6, c3 = row 3 | row 7 (columns 0..3 in each half).
#define TRANS4(c0, c1, c2, c3) \
	VUNPCKLPS c1, c0, Y8            /* c0[0] c1[0] c0[1] c1[1] | rows 4, 5 */ \
	VUNPCKHPS c1, c0, Y9            /* c0[2] c1[2] c0[3] c1[3] | rows 6, 7 */ \
	VUNPCKLPS c3, c2, Y10                                                     \
	VUNPCKHPS c3, c2, Y11                                                     \
	VSHUFPS   $0x44, Y10, Y8, c0    /* row 0 | row 4 */                      \
	VSHUFPS   $0xEE, Y10, Y8, c1    /* row 1 | row 5 */                      \
	VSHUFPS   $0x44, Y11, Y9, c2    /* row 2 | row 6 */                      \
	VSHUFPS   $0xEE, Y11, Y9, c3    /* row 3 | row 7 */

// ROW4(x) stores a row of four: C[i][0:4] = alpha*x; i++.
#define ROW4(x) \
	VMULPS  X14, x, x \
	VMOVUPS x, (R8)   \
	ADDQ    DX, R8

// ROW4B(x) updates a row of four as mergeTile does (the product rounded
// first): C[i][0:4] = alpha*x + beta*C[i][0:4]; i++.
#define ROW4B(x) \
	VMULPS  X14, x, x     \
	VMULPS  (R8), X15, X12 \
	VADDPS  X12, x, x     \
	VMOVUPS x, (R8)       \
	ADDQ    DX, R8

// STORE6x4(c0, .., c3, y0, y1, x0, .., x3, ROW) transposes the accumulators
// of six rows (y0, y1 = c0, c1; x0..x3 their low halves) and stores them with
// ROW (ROW4 or ROW4B) from R8 on.
#define STORE6x4(c0, c1, c2, c3, y0, y1, x0, x1, x2, x3, ROW) \
	TRANS4(c0, c1, c2, c3)     \
	VEXTRACTF128 $1, y0, X8    /* row 4 (first: VEX ops on x0 clear y0's top) */ \
	VEXTRACTF128 $1, y1, X9    /* row 5 */ \
	ROW(x0)                    \
	ROW(x1)                    \
	ROW(x2)                    \
	ROW(x3)                    \
	ROW(X8)                    \
	ROW(X9)

// func sgemmMicro12x4AVX2(kc int, a, a2, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro12x4AVX2 computes the 12×4 tile C = alpha*Ap·B + beta*C for two
// packed 6-row panels of A, rows 0-5 at a and rows 6-11 at a2 (6*kc floats
// each, as packA lays them out), and the first four columns of a B panel
// with rows ldb floats apart; C is not read when beta == ±0.
// Preconditions: kc >= 1; each panel holds 6*kc floats and two more floats
// after each are readable (the last step loads eight); B holds
// (kc-1)*ldb+4 floats; the 12×4 tile of C is in bounds; the CPU has AVX2
// and FMA.
// Registers: AX = &Ap0[p*6], R9 = &Ap1[p*6], BX = &B[p][0], R11 = ldb*4,
// CX = steps left, DX = ldc*4, DI = &C[0][0]; Y0..Y3 the columns of rows
// 0-5, Y4..Y7 of rows 6-11, Y8/Y9 the two panels' column p, Y10..Y13 B[p][j].
TEXT ·sgemmMicro12x4AVX2(SB), NOSPLIT, $0-64
	MOVQ kc+0(FP), CX    // CX = kc
	MOVQ a+8(FP), AX     // AX = &Ap0[0]
	MOVQ a2+16(FP), R9   // R9 = &Ap1[0]
	MOVQ b+24(FP), BX    // BX = &B[0][0]
	MOVQ ldb+32(FP), R11 // R11 = ldb
	SHLQ $2, R11         // R11 = ldb*4 (bytes)
	MOVQ c+40(FP), DI    // DI = &C[0][0]
	MOVQ ldc+48(FP), DX  // DX = ldc
	SHLQ $2, DX          // DX = ldc*4 (bytes)
	VXORPS Y0, Y0, Y0    // acc[0][rows 0-5] = 0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4    // acc[0][rows 6-11] = 0
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7

q12loop: // for p := 0; p < kc; p++
	VMOVUPS (AX), Y8     // Ap0[p*6 : p*6+8]: rows 0-5 of column p (and two more)
	VMOVUPS (R9), Y9     // Ap1[p*6 : p*6+8]: rows 6-11
	LOADB4
	COL4(Y8, Y0, Y1, Y2, Y3)
	COL4(Y9, Y4, Y5, Y6, Y7)
	ADDQ $24, AX         // AX = &Ap0[(p+1)*6]
	ADDQ $24, R9         // R9 = &Ap1[(p+1)*6]
	DECQ CX
	JNZ  q12loop

	VBROADCASTSS alpha+56(FP), Y14 // Y14 = alpha in all lanes
	MOVQ         DI, R8            // R8 = &C[0][0]
	MOVL         beta+60(FP), R10  // R10 = bits of beta
	TESTL        $0x7fffffff, R10  // beta == ±0 ?
	JNZ          q12beta
	STORE6x4(Y0, Y1, Y2, Y3, Y0, Y1, X0, X1, X2, X3, ROW4)
	STORE6x4(Y4, Y5, Y6, Y7, Y4, Y5, X4, X5, X6, X7, ROW4)
	VZEROUPPER
	RET

q12beta:
	VBROADCASTSS beta+60(FP), Y15 // Y15 = beta in all lanes
	STORE6x4(Y0, Y1, Y2, Y3, Y0, Y1, X0, X1, X2, X3, ROW4B)
	STORE6x4(Y4, Y5, Y6, Y7, Y4, Y5, X4, X5, X6, X7, ROW4B)
	VZEROUPPER
	RET

