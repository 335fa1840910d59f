//go:build !purego

#include "textflag.h"

// HALVES(off, y) loads xa[off/4 : off/4+4] into the low half of y and
// xb[off/4 : off/4+4] into its high half (tiles l and l+4).
#define HALVES(off, x, y) \
	VMOVUPS     off(BX), x          \
	VINSERTF128 $1, off(R10), y, y

// func winoGather8AVX2(xa, xb *float32, w, cs, n int, d *float32)
//
// winoGather8AVX2 gathers the 6x6 input windows of eight Winograd tiles,
// two runs of four horizontally consecutive ones (tile l of a run starts
// 4*l columns right of its first; the runs start at xa and xb), into the
// transform's lanes, for n channels, in Go:
//
//	for c < n, r < 6, e < 6, l < 8:
//	  x := xa; if l >= 4 { x, l' = xb, l-4 } else { l' = l }
//	  d[c*288 + (r*6+e)*8 + l] = x[c*cs + r*w + 4*l' + e]
//
// It reads x[c*cs + r*w + 0:20] of each row of both runs (two floats past
// the last window). Per row, tiles l and l+4 share a vector (low and high
// half), and a 4x4 transpose in each half turns columns into lanes; columns
// 4 and 5 of a tile are columns 0 and 1 of the next. Needs AVX; n >= 1.
TEXT ·winoGather8AVX2(SB), NOSPLIT, $0-48
	MOVQ xa+0(FP), SI
	MOVQ xb+8(FP), R11
	MOVQ w+16(FP), R8
	SHLQ $2, R8
	MOVQ cs+24(FP), R9
	SHLQ $2, R9
	MOVQ n+32(FP), CX
	MOVQ d+40(FP), DI

gchan:
	MOVQ SI, BX
	MOVQ R11, R10
	MOVQ $6, DX
grow:
	HALVES(0, X0, Y0)   // A = tiles 0 | 4, columns 0-3
	HALVES(16, X1, Y1)  // B = tiles 1 | 5
	HALVES(32, X2, Y2)  // C = tiles 2 | 6
	HALVES(48, X3, Y3)  // D = tiles 3 | 7
	HALVES(64, X4, Y4)  // D' = columns 0-3 past tiles 3 | 7
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
	ADDQ      R8, R10
	DECQ      DX
	JNZ       grow
	ADDQ      R9, SI
	ADDQ      R9, R11
	DECQ      CX
	JNZ       gchan
	VZEROUPPER
	RET

// func winoScatter8AVX2(o *float32, n int, ya, yb *float32, w, cs int)
//
// winoScatter8AVX2 writes the 4x4 output tiles of eight Winograd tiles, two
// runs of four horizontally consecutive ones starting at ya and yb, from the
// output transform's lanes, for n channels, in Go:
//
//	for k < n, r < 4, cc < 4, l < 8:
//	  y := ya; if l >= 4 { y, l' = yb, l-4 } else { l' = l }
//	  y[k*cs + r*w + 4*l' + cc] = o[k*128 + (r*4+cc)*8 + l]
//
// Per row, a 4x4 transpose in each vector half turns the four column
// vectors into tiles 0-3 (low halves) and 4-7 (high halves). Needs AVX;
// n >= 1.
TEXT ·winoScatter8AVX2(SB), NOSPLIT, $0-48
	MOVQ o+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ ya+16(FP), DI
	MOVQ yb+24(FP), R11
	MOVQ w+32(FP), R8
	SHLQ $2, R8
	MOVQ cs+40(FP), R9
	SHLQ $2, R9

schan:
	MOVQ DI, BX
	MOVQ R11, R10
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
	VEXTRACTF128 $1, Y8, 0(R10)
	VEXTRACTF128 $1, Y9, 16(R10)
	VEXTRACTF128 $1, Y10, 32(R10)
	VEXTRACTF128 $1, Y11, 48(R10)
	ADDQ      $128, SI
	ADDQ      R8, BX
	ADDQ      R8, R10
	DECQ      DX
	JNZ       srow
	ADDQ      R9, DI
	ADDQ      R9, R11
	DECQ      CX
	JNZ       schan
	VZEROUPPER
	RET
