//go:build !purego

#include "textflag.h"

// HALVES(off, y) loads x[off/4 : off/4+4] into the low half of y and
// x[off/4+16 : off/4+20] into its high half (tiles l and l+4 of a row).
#define HALVES(off, x, y) \
	VMOVUPS     off(BX), x          \
	VINSERTF128 $1, off+64(BX), y, y

// func winoGather8AVX2(x *float32, w, cs, n int, d *float32)
//
// winoGather8AVX2 gathers the 6x6 input windows of eight horizontally
// consecutive Winograd tiles (tile l starts 4*l columns right of tile 0)
// into the transform's lanes, for n channels, in Go:
//
//	for c < n, r < 6, e < 6, l < 8:
//	  d[c*288 + (r*6+e)*8 + l] = x[c*cs + r*w + 4*l + e]
//
// It reads x[c*cs + r*w + 0:36] of each row (two floats past the last
// window). Per row, tiles l and l+4 share a vector (low and high half), and a
// 4x4 transpose in each half turns columns into lanes; columns 4 and 5 of
// tile l are columns 0 and 1 of tile l+1. Needs AVX; n >= 1.
TEXT ·winoGather8AVX2(SB), NOSPLIT, $0-40
	MOVQ x+0(FP), SI
	MOVQ w+8(FP), R8
	SHLQ $2, R8
	MOVQ cs+16(FP), R9
	SHLQ $2, R9
	MOVQ n+24(FP), CX
	MOVQ d+32(FP), DI

gchan:
	MOVQ SI, BX
	MOVQ $6, DX
grow:
	HALVES(0, X0, Y0)   // A = tiles 0 | 4, columns 0-3
	HALVES(16, X1, Y1)  // B = tiles 1 | 5
	HALVES(32, X2, Y2)  // C = tiles 2 | 6
	HALVES(48, X3, Y3)  // D = tiles 3 | 7
	HALVES(64, X4, Y4)  // D' = columns 0-3 of "tiles" 4 | 8
	VUNPCKLPS Y1, Y0, Y5        // A0 B0 A1 B1
	VUNPCKHPS Y1, Y0, Y6        // A2 B2 A3 B3
	VUNPCKLPS Y3, Y2, Y7        // C0 D0 C1 D1
	VUNPCKHPS Y3, Y2, Y8        // C2 D2 C3 D3
	VSHUFPS   $0x44, Y7, Y5, Y9 // column 0 of tiles 0-3 | 4-7
	VSHUFPS   $0xEE, Y7, Y5, Y10
	VSHUFPS   $0x44, Y8, Y6, Y11
	VSHUFPS   $0xEE, Y8, Y6, Y12
	VUNPCKLPS Y2, Y1, Y5        // columns 4, 5: the next tile's 0, 1
	VUNPCKLPS Y4, Y3, Y7
	VSHUFPS   $0x44, Y7, Y5, Y13
	VSHUFPS   $0xEE, Y7, Y5, Y14
	VMOVUPS   Y9, 0(DI)
	VMOVUPS   Y10, 32(DI)
	VMOVUPS   Y11, 64(DI)
	VMOVUPS   Y12, 96(DI)
	VMOVUPS   Y13, 128(DI)
	VMOVUPS   Y14, 160(DI)
	ADDQ      $192, DI
	ADDQ      R8, BX
	DECQ      DX
	JNZ       grow
	ADDQ      R9, SI
	DECQ      CX
	JNZ       gchan
	VZEROUPPER
	RET

// func winoScatter8AVX2(o *float32, n int, y *float32, w, cs int)
//
// winoScatter8AVX2 writes the 4x4 output tiles of eight horizontally
// consecutive Winograd tiles from the output transform's lanes into y, for
// n channels, in Go:
//
//	for k < n, r < 4, cc < 4, l < 8:
//	  y[k*cs + r*w + 4*l + cc] = o[k*128 + (r*4+cc)*8 + l]
//
// Per row, a 4x4 transpose in each vector half turns the four column
// vectors into tiles 0-3 (low halves) and 4-7 (high halves). Needs AVX;
// n >= 1.
TEXT ·winoScatter8AVX2(SB), NOSPLIT, $0-40
	MOVQ o+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ y+16(FP), DI
	MOVQ w+24(FP), R8
	SHLQ $2, R8
	MOVQ cs+32(FP), R9
	SHLQ $2, R9

schan:
	MOVQ DI, BX
	MOVQ $4, DX
srow:
	VMOVUPS   0(SI), Y0         // column 0 of tiles 0-7
	VMOVUPS   32(SI), Y1
	VMOVUPS   64(SI), Y2
	VMOVUPS   96(SI), Y3
	VUNPCKLPS Y1, Y0, Y4        // t0c0 t0c1 t1c0 t1c1 | t4.. t5..
	VUNPCKHPS Y1, Y0, Y5        // t2c0 t2c1 t3c0 t3c1 | t6.. t7..
	VUNPCKLPS Y3, Y2, Y6
	VUNPCKHPS Y3, Y2, Y7
	VSHUFPS   $0x44, Y6, Y4, Y8  // tile 0 | tile 4
	VSHUFPS   $0xEE, Y6, Y4, Y9  // tile 1 | tile 5
	VSHUFPS   $0x44, Y7, Y5, Y10 // tile 2 | tile 6
	VSHUFPS   $0xEE, Y7, Y5, Y11 // tile 3 | tile 7
	VMOVUPS      X8, 0(BX)
	VMOVUPS      X9, 16(BX)
	VMOVUPS      X10, 32(BX)
	VMOVUPS      X11, 48(BX)
	VEXTRACTF128 $1, Y8, 64(BX)
	VEXTRACTF128 $1, Y9, 80(BX)
	VEXTRACTF128 $1, Y10, 96(BX)
	VEXTRACTF128 $1, Y11, 112(BX)
	ADDQ      $128, SI
	ADDQ      R8, BX
	DECQ      DX
	JNZ       srow
	ADDQ      R9, DI
	DECQ      CX
	JNZ       schan
	VZEROUPPER
	RET
