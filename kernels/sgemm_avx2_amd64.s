//go:build !purego

// This file holds the AVX2+FMA Sgemm micro-kernel: a 6×16 tile of C in twelve
// YMM accumulators, fed by packed panels of A (6 floats per k) and B (16
// floats per k). It matches sgemmMicro4x4Generic's contract (sgemm_generic.go)
// with mr=6, nr=16.

#include "textflag.h"

// Register map (whole kernel):
//   AX  = &Ap[p*6]         packed A panel cursor
//   BX  = &Bp[p*16]        packed B panel cursor
//   CX  = kc - p           k steps left
//   DX  = ldc*4            C row stride in bytes
//   DI  = &C[0][0], R8 = &C[i][0] while storing
//   Y0..Y11  acc: row i of the tile is Y(2i) = cols 0-7, Y(2i+1) = cols 8-15
//   Y12, Y13 = Bp[p*16 : p*16+16]   (b0 = cols 0-7, b1 = cols 8-15)
//   Y14, Y15 = broadcast Ap[p*6+i] (alternating rows, so two rows are in flight)

// STEP6x16(ao, bo) performs one k step of the tile on Ap[ao/4 : ao/4+6] and
// Bp[bo/4 : bo/4+16], in Go:
//   b0, b1 := Bp[bo/4:][0:8], Bp[bo/4:][8:16]
//   for i := 0; i < 6; i++ { ai := Ap[ao/4+i]; acc[i][0:8] += ai*b0; acc[i][8:16] += ai*b1 }
#define STEP6x16(ao, bo) \
	VMOVUPS      bo(BX), Y12      /* b0 = Bp[p*16 : p*16+8] */                  \
	VMOVUPS      bo+32(BX), Y13   /* b1 = Bp[p*16+8 : p*16+16] */               \
	VBROADCASTSS ao(AX), Y14      /* a = Ap[p*6+0] in all lanes */              \
	VFMADD231PS  Y12, Y14, Y0     /* acc[0][0:8] += a*b0 */                     \
	VFMADD231PS  Y13, Y14, Y1     /* acc[0][8:16] += a*b1 */                    \
	VBROADCASTSS ao+4(AX), Y15    /* a = Ap[p*6+1] */                           \
	VFMADD231PS  Y12, Y15, Y2     /* acc[1][0:8] += a*b0 */                     \
	VFMADD231PS  Y13, Y15, Y3     /* acc[1][8:16] += a*b1 */                    \
	VBROADCASTSS ao+8(AX), Y14    /* a = Ap[p*6+2] */                           \
	VFMADD231PS  Y12, Y14, Y4     /* acc[2][0:8] += a*b0 */                     \
	VFMADD231PS  Y13, Y14, Y5     /* acc[2][8:16] += a*b1 */                    \
	VBROADCASTSS ao+12(AX), Y15   /* a = Ap[p*6+3] */                           \
	VFMADD231PS  Y12, Y15, Y6     /* acc[3][0:8] += a*b0 */                     \
	VFMADD231PS  Y13, Y15, Y7     /* acc[3][8:16] += a*b1 */                    \
	VBROADCASTSS ao+16(AX), Y14   /* a = Ap[p*6+4] */                           \
	VFMADD231PS  Y12, Y14, Y8     /* acc[4][0:8] += a*b0 */                     \
	VFMADD231PS  Y13, Y14, Y9     /* acc[4][8:16] += a*b1 */                    \
	VBROADCASTSS ao+20(AX), Y15   /* a = Ap[p*6+5] */                           \
	VFMADD231PS  Y12, Y15, Y10    /* acc[5][0:8] += a*b0 */                     \
	VFMADD231PS  Y13, Y15, Y11    /* acc[5][8:16] += a*b1 */

// STORE_ROW_BETA0(lo, hi) stores one tile row without reading C, in Go:
//   C[i][0:8], C[i][8:16] = alpha*acc[i][0:8], alpha*acc[i][8:16]; i++
#define STORE_ROW_BETA0(lo, hi) \
	VMULPS  Y14, lo, lo   /* lo = alpha*acc[i][0:8] */  \
	VMULPS  Y14, hi, hi   /* hi = alpha*acc[i][8:16] */ \
	VMOVUPS lo, (R8)      /* C[i][0:8] = lo */          \
	VMOVUPS hi, 32(R8)    /* C[i][8:16] = hi */         \
	ADDQ    DX, R8        /* i++ (R8 = &C[i][0]) */

// STORE_ROW_BETA(lo, hi) updates one tile row, in Go:
//   C[i][j] = beta*C[i][j] + alpha*acc[i][j] for j in 0..15 (one rounding of the fma); i++
#define STORE_ROW_BETA(lo, hi) \
	VMULPS      Y14, lo, lo   /* lo = alpha*acc[i][0:8] */        \
	VMULPS      Y14, hi, hi   /* hi = alpha*acc[i][8:16] */       \
	VFMADD231PS (R8), Y15, lo /* lo += beta*C[i][0:8] */          \
	VFMADD231PS 32(R8), Y15, hi /* hi += beta*C[i][8:16] */       \
	VMOVUPS     lo, (R8)      /* C[i][0:8] = lo */                \
	VMOVUPS     hi, 32(R8)    /* C[i][8:16] = hi */               \
	ADDQ        DX, R8        /* i++ */

// func sgemmMicro6x16AVX2(kc int, a, b, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro6x16AVX2 is the AVX2+FMA twin of sgemmMicro4x4Generic for a 6×16
// tile: C = alpha*Ap·Bp + beta*C with Ap a packed 6×kc panel (Ap[p*6+i]), Bp
// a packed kc×16 panel (Bp[p*16+j]) and C rows ldc floats apart; C is not read
// when beta == 0 (±0). Preconditions: kc >= 1; Ap holds 6*kc and Bp 16*kc
// floats; the 6×16 tile of C is in bounds; the CPU has AVX2 and FMA. Sums use
// fused multiply-adds, so the bits differ from the generic kernel's.
TEXT ·sgemmMicro6x16AVX2(SB), NOSPLIT, $0-48
	MOVQ kc+0(FP), CX   // CX = kc
	MOVQ a+8(FP), AX    // AX = &Ap[0]
	MOVQ b+16(FP), BX   // BX = &Bp[0]
	MOVQ c+24(FP), DI   // DI = &C[0][0]
	MOVQ ldc+32(FP), DX // DX = ldc
	SHLQ $2, DX         // DX = ldc*4 (bytes)

	// Warm the C tile's lines while the k loop runs (it is stored last).
	MOVQ       DI, R8     // R8 = &C[0][0]
	PREFETCHT0 (R8)       // touch C[0][0:16]
	PREFETCHT0 63(R8)
	ADDQ       DX, R8     // R8 = &C[1][0]
	PREFETCHT0 (R8)
	PREFETCHT0 63(R8)
	ADDQ       DX, R8     // R8 = &C[2][0]
	PREFETCHT0 (R8)
	PREFETCHT0 63(R8)
	ADDQ       DX, R8     // R8 = &C[3][0]
	PREFETCHT0 (R8)
	PREFETCHT0 63(R8)
	ADDQ       DX, R8     // R8 = &C[4][0]
	PREFETCHT0 (R8)
	PREFETCHT0 63(R8)
	ADDQ       DX, R8     // R8 = &C[5][0]
	PREFETCHT0 (R8)
	PREFETCHT0 63(R8)

	VXORPS Y0, Y0, Y0    // acc[0][0:8] = 0
	VXORPS Y1, Y1, Y1    // acc[0][8:16] = 0
	VXORPS Y2, Y2, Y2    // acc[1] = 0
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4    // acc[2] = 0
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6    // acc[3] = 0
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8    // acc[4] = 0
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10 // acc[5] = 0
	VXORPS Y11, Y11, Y11

	SUBQ $4, CX          // CX = kc - 4: steps left after the next four
	JLT  tail4

loop4: // for ; CX >= 0; CX -= 4: four k steps
	PREFETCHT0 384(AX)   // A panel 16 steps ahead (it streams from L2)
	STEP6x16(0, 0)       // k step p
	STEP6x16(24, 64)     // k step p+1
	STEP6x16(48, 128)    // k step p+2
	STEP6x16(72, 192)    // k step p+3
	ADDQ       $96, AX   // AX = &Ap[(p+4)*6]
	ADDQ       $256, BX  // BX = &Bp[(p+4)*16]
	SUBQ       $4, CX    // CX -= 4
	JGE        loop4

tail4:
	ADDQ $4, CX          // CX = steps left (0..3)
	JZ   store

tail: // for ; CX > 0; CX--: one k step
	STEP6x16(0, 0)       // k step p
	ADDQ  $24, AX        // AX = &Ap[(p+1)*6]
	ADDQ  $64, BX        // BX = &Bp[(p+1)*16]
	DECQ  CX             // CX--
	JNZ   tail

store:
	VBROADCASTSS alpha+40(FP), Y14 // Y14 = alpha in all lanes
	MOVQ         DI, R8            // R8 = &C[0][0]
	MOVL         beta+44(FP), R9   // R9 = bits of beta
	TESTL        $0x7fffffff, R9   // beta == ±0 ?
	JNZ          withbeta
	STORE_ROW_BETA0(Y0, Y1)        // row 0
	STORE_ROW_BETA0(Y2, Y3)        // row 1
	STORE_ROW_BETA0(Y4, Y5)        // row 2
	STORE_ROW_BETA0(Y6, Y7)        // row 3
	STORE_ROW_BETA0(Y8, Y9)        // row 4
	STORE_ROW_BETA0(Y10, Y11)      // row 5
	VZEROUPPER
	RET

withbeta:
	VBROADCASTSS beta+44(FP), Y15  // Y15 = beta in all lanes
	STORE_ROW_BETA(Y0, Y1)         // row 0
	STORE_ROW_BETA(Y2, Y3)         // row 1
	STORE_ROW_BETA(Y4, Y5)         // row 2
	STORE_ROW_BETA(Y6, Y7)         // row 3
	STORE_ROW_BETA(Y8, Y9)         // row 4
	STORE_ROW_BETA(Y10, Y11)       // row 5
	VZEROUPPER
	RET
