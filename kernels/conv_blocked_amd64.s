//go:build !purego

#include "textflag.h"

// IC(w0, w1, xo) is one input channel of one tap: the 16 weights at
// w0(DI) and w1(DI) (output blocks 0 and 1) times the channel's value xo
// bytes into each of the six input pixels (AX, AX+R14, AX+2*R14, DX,
// DX+R14, DX+2*R14), broadcast alternately into Y14 and Y15.
#define IC(w0, w1, xo) \
	VMOVUPS w0(DI), Y12                  \
	VMOVUPS w1(DI), Y13                  \
	VBROADCASTSS xo(AX), Y14             \
	VBROADCASTSS xo(AX)(R14*1), Y15      \
	VFMADD231PS Y12, Y14, Y0             \
	VFMADD231PS Y13, Y14, Y6             \
	VFMADD231PS Y12, Y15, Y1             \
	VFMADD231PS Y13, Y15, Y7             \
	VBROADCASTSS xo(AX)(R14*2), Y14      \
	VBROADCASTSS xo(DX), Y15             \
	VFMADD231PS Y12, Y14, Y2             \
	VFMADD231PS Y13, Y14, Y8             \
	VFMADD231PS Y12, Y15, Y3             \
	VFMADD231PS Y13, Y15, Y9             \
	VBROADCASTSS xo(DX)(R14*1), Y14      \
	VBROADCASTSS xo(DX)(R14*2), Y15      \
	VFMADD231PS Y12, Y14, Y4             \
	VFMADD231PS Y13, Y14, Y10            \
	VFMADD231PS Y12, Y15, Y5             \
	VFMADD231PS Y13, Y15, Y11

// BIAS6(b, a0..a5) adds the bias vector b to six accumulators and clamps
// them at Y14 (VMAXPS keeps NaN: it returns its second source when either
// is NaN).
#define BIAS6(b, a0, a1, a2, a3, a4, a5) \
	VADDPS  b, a0, a0   \
	VADDPS  b, a1, a1   \
	VADDPS  b, a2, a2   \
	VADDPS  b, a3, a3   \
	VADDPS  b, a4, a4   \
	VADDPS  b, a5, a5   \
	VMAXPS  a0, Y14, a0 \
	VMAXPS  a1, Y14, a1 \
	VMAXPS  a2, Y14, a2 \
	VMAXPS  a3, Y14, a3 \
	VMAXPS  a4, Y14, a4 \
	VMAXPS  a5, Y14, a5

// LOAD6 and STORE6 move six pixels of one 8-channel output block, 32 bytes
// apart at off(DX).
#define LOAD6(off, a0, a1, a2, a3, a4, a5) \
	VMOVUPS off+0(DX), a0   \
	VMOVUPS off+32(DX), a1  \
	VMOVUPS off+64(DX), a2  \
	VMOVUPS off+96(DX), a3  \
	VMOVUPS off+128(DX), a4 \
	VMOVUPS off+160(DX), a5

#define STORE6(off, a0, a1, a2, a3, a4, a5) \
	VMOVUPS a0, off+0(DX)   \
	VMOVUPS a1, off+32(DX)  \
	VMOVUPS a2, off+64(DX)  \
	VMOVUPS a3, off+96(DX)  \
	VMOVUPS a4, off+128(DX) \
	VMOVUPS a5, off+160(DX)

// func convBlocked16x6AVX2(x, w, y *float32, cb, r, s, xcs, xrs, xss, xjs, ybs int, bias *float32, floor float32, flags int)
//
// One tile of a direct convolution on the blocked layout NCHW8c: 16 output
// channels (two blocks of 8) × 6 output pixels of one row, over cb input
// channel blocks, in Go:
//
//	for b < 2, j < 6, o < 8:
//	  t := 0, or y[(b*ybs + j*32)/4 + o] when flags&1 (accumulate)
//	  t += Σ_{c<cb, ri<r, si<s, i<8} w[(((c*r+ri)*s+si)*8+i)*16 + b*8+o] *
//	         x[(c*xcs + ri*xrs + si*xss + j*xjs)/4 + i]
//	  if flags&2 (last): t = max(t+bias[b*8+o], floor)
//	  y[(b*ybs + j*32)/4 + o] = t
//
// x points at channel block 0 of the first input pixel the tile reads
// (padded image), w at the pair of output blocks' packed weights, y at
// block 0 of the tile's first output pixel; xcs, xrs, xss, xjs and ybs are
// byte strides: input channel block, kernel row (dilation included), kernel
// column (likewise), output pixel (the stride: 32*StrideW), output block.
// Sums run c, ri, si, i in order with fused multiply-adds. floor is 0 for a
// fused ReLU, -Inf for none. Needs AVX2 and FMA; cb, r, s >= 1.
//
// Registers: SI = block c of pixel 0, BX = its row ri, AX = its tap si,
// DX = AX + 3*xjs, DI = weight cursor, R8/R9/CX = c/ri/si counters,
// R11 = xcs, R12 = xrs, R13 = xss, R14 = xjs; Y0..Y5 = block 0 of pixels
// 0..5, Y6..Y11 = block 1, Y12/Y13 = weights, Y14/Y15 = broadcast pixels.
TEXT ·convBlocked16x6AVX2(SB), NOSPLIT, $0-112
	MOVQ x+0(FP), SI
	MOVQ w+8(FP), DI
	MOVQ cb+24(FP), R8
	MOVQ xcs+48(FP), R11
	MOVQ xrs+56(FP), R12
	MOVQ xss+64(FP), R13
	MOVQ xjs+72(FP), R14

	MOVQ flags+104(FP), AX
	TESTQ $1, AX
	JZ   zero
	MOVQ y+16(FP), DX
	MOVQ ybs+80(FP), BX
	LOAD6(0, Y0, Y1, Y2, Y3, Y4, Y5)
	ADDQ BX, DX
	LOAD6(0, Y6, Y7, Y8, Y9, Y10, Y11)
	JMP  chan
zero:
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
	MOVQ SI, BX
	MOVQ r+32(FP), R9
row:
	MOVQ BX, AX
	MOVQ s+40(FP), CX
tap:
	LEAQ (AX)(R14*2), DX
	ADDQ R14, DX
	IC(0, 32, 0)
	IC(64, 96, 4)
	IC(128, 160, 8)
	IC(192, 224, 12)
	IC(256, 288, 16)
	IC(320, 352, 20)
	IC(384, 416, 24)
	IC(448, 480, 28)
	ADDQ $512, DI
	ADDQ R13, AX
	DECQ CX
	JNZ  tap
	ADDQ R12, BX
	DECQ R9
	JNZ  row
	ADDQ R11, SI
	DECQ R8
	JNZ  chan

	MOVQ flags+104(FP), AX
	TESTQ $2, AX
	JZ   store
	MOVQ bias+88(FP), SI
	VMOVUPS 0(SI), Y12
	VMOVUPS 32(SI), Y13
	VBROADCASTSS floor+96(FP), Y14
	BIAS6(Y12, Y0, Y1, Y2, Y3, Y4, Y5)
	BIAS6(Y13, Y6, Y7, Y8, Y9, Y10, Y11)
store:
	MOVQ y+16(FP), DX
	STORE6(0, Y0, Y1, Y2, Y3, Y4, Y5)
	ADDQ ybs+80(FP), DX
	STORE6(0, Y6, Y7, Y8, Y9, Y10, Y11)
	VZEROUPPER
	RET
