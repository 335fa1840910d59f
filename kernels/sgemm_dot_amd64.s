//go:build !purego

// This file holds the broadcast form of the small-m, transposed-B product
// (C = A·Bᵀ with m <= 8, the FC forward pass): four rows of B at a time,
// each streamed once along its whole length, against op(A) packed
// transposed (8 floats per column), so that the accumulators hold columns of
// C and no horizontal sums are needed.

#include "textflag.h"

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
	MOVQ k+0(FP), CX
	MOVQ at+8(FP), AX
	MOVQ b+16(FP), SI
	MOVQ ldb+24(FP), R9
	SHLQ $2, R9                  // R9 = ldb*4 (bytes)
	LEAQ (R9)(R9*2), R10         // R10 = 3*ldb*4
	MOVQ out+32(FP), DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
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


