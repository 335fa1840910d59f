//go:build !purego

#include "textflag.h"

// EPI4(off, a, b, c) finishes output channel i: adds bias[i], clamps at
// floor (VMAXPS keeps NaN: it returns its second source when either is
// NaN), stores 24 floats at DX and moves DX to the next channel's row.
#define EPI4(off, a, b, c) \
	VBROADCASTSS off(SI), Y15 \
	VADDPS  Y15, a, a         \
	VADDPS  Y15, b, b         \
	VADDPS  Y15, c, c         \
	VMAXPS  a, Y12, a         \
	VMAXPS  b, Y12, b         \
	VMAXPS  c, Y12, c         \
	VMOVUPS a, 0(DX)          \
	VMOVUPS b, 32(DX)         \
	VMOVUPS c, 64(DX)         \
	ADDQ    R8, DX

// func convDirect4x24AVX2(x, w, y *float32, c, r, s, xcs, xrs, ycs int, bias *float32, floor float32)
//
// One tile of a stride-1 direct convolution: 4 output channels × 24
// consecutive output pixels of one row, in Go:
//
//	for i < 4, j < 24:
//	  t := Σ_{ci<c, ri<r, si<s} w[((ci*r+ri)*s+si)*4+i] * x[ci*xcs + ri*xrs + si + j]
//	  y[i*ycs+j] = max(t+bias[i], floor)
//
// x points at the tile's first input pixel in a zero-padded image (channel
// stride xcs, row stride xrs floats), w at the 4-channel block of packed
// weights, y at the tile's first output. Sums run ci, ri, si in order with
// fused multiply-adds. floor is 0 for a fused ReLU, -Inf for none (NaN is
// kept). Needs AVX2 and FMA; c, r, s >= 1.
//
// Registers: SI = &x[ci*xcs], BX = row, AX = pixel cursor, DI = w cursor,
// R8/R9/R10 = ci/ri/si counters, R11 = xcs*4, R12 = xrs*4,
// Y0..Y11 = acc (channel i, vector v in Y(3i+v)), Y12..Y14 = x vectors,
// Y15 = broadcast weight.
TEXT ·convDirect4x24AVX2(SB), NOSPLIT, $0-84
	MOVQ x+0(FP), SI
	MOVQ w+8(FP), DI
	MOVQ c+24(FP), R8
	MOVQ xcs+48(FP), R11
	SHLQ $2, R11
	MOVQ xrs+56(FP), R12
	SHLQ $2, R12

	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

chan:
	MOVQ SI, BX                // BX = row ri = 0 of channel ci
	MOVQ r+32(FP), R9
row:
	MOVQ BX, AX                // AX = &x[ci][ri][si=0]
	MOVQ s+40(FP), R10
tap:
	VMOVUPS 0(AX), Y12         // x[.. + si + 0:8]
	VMOVUPS 32(AX), Y13        // x[.. + si + 8:16]
	VMOVUPS 64(AX), Y14        // x[.. + si + 16:24]
	VBROADCASTSS 0(DI), Y15    // w for channel 0
	VFMADD231PS Y12, Y15, Y0
	VFMADD231PS Y13, Y15, Y1
	VFMADD231PS Y14, Y15, Y2
	VBROADCASTSS 4(DI), Y15    // channel 1
	VFMADD231PS Y12, Y15, Y3
	VFMADD231PS Y13, Y15, Y4
	VFMADD231PS Y14, Y15, Y5
	VBROADCASTSS 8(DI), Y15    // channel 2
	VFMADD231PS Y12, Y15, Y6
	VFMADD231PS Y13, Y15, Y7
	VFMADD231PS Y14, Y15, Y8
	VBROADCASTSS 12(DI), Y15   // channel 3
	VFMADD231PS Y12, Y15, Y9
	VFMADD231PS Y13, Y15, Y10
	VFMADD231PS Y14, Y15, Y11
	ADDQ $16, DI               // next tap's 4 weights
	ADDQ $4, AX                // si++
	DECQ R10
	JNZ  tap
	ADDQ R12, BX               // ri++
	DECQ R9
	JNZ  row
	ADDQ R11, SI               // ci++
	DECQ R8
	JNZ  chan

	// Epilogue: bias, floor, store four rows of 24.
	MOVQ bias+72(FP), SI
	VBROADCASTSS floor+80(FP), Y12
	MOVQ y+16(FP), DX
	MOVQ ycs+64(FP), R8
	SHLQ $2, R8
	EPI4(0, Y0, Y1, Y2)
	EPI4(4, Y3, Y4, Y5)
	EPI4(8, Y6, Y7, Y8)
	EPI4(12, Y9, Y10, Y11)
	VZEROUPPER
	RET
