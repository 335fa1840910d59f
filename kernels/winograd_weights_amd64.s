//go:build !purego

// This file holds the gather in front of the Winograd weight transform: the
// 3x3 kernels of a panel's six output channels, interleaved into lanes.

#include "textflag.h"
#include "transpose_amd64.h"

// func winoGatherW6AVX2(src *float32, rs, n8 int, gw *float32)
//
// winoGatherW6AVX2 interleaves six rows of 8*n8 floats, rs floats apart,
// into gw, a float of each per 8-lane group (lanes 6 and 7 zero). In Go:
//   for p := 0; p < 8*n8; p++ {
//     for l := 0; l < 8; l++ { gw[p*8+l] = l < 6 ? src[l*rs+p] : 0 }
//   }
// Each block of 8 floats of the six rows (and two zero rows) is one 8×8
// transpose. Preconditions: n8 >= 1; the rows hold 8*n8 floats; gw 64*n8;
// AVX2.
// Registers: SI = &src[0][8j], R9 = rs*4, R10 = 3*rs*4, R8 = &src[4][8j],
// DI = &gw[64j], CX = blocks left; Y0..Y7 the rows, Y8..Y15 the columns.
TEXT ·winoGatherW6AVX2(SB), NOSPLIT, $0-32
	MOVQ src+0(FP), SI
	MOVQ rs+8(FP), R9
	SHLQ $2, R9                // R9 = rs*4 (bytes)
	LEAQ (R9)(R9*2), R10       // R10 = 3*rs*4
	MOVQ n8+16(FP), CX
	MOVQ gw+24(FP), DI

gwblock: // for j := 0; j < n8; j++
	LEAQ    (SI)(R9*4), R8     // R8 = &src[4][8j]
	VMOVUPS (SI), Y0           // row 0, floats 8j..8j+7
	VMOVUPS (SI)(R9*1), Y1     // row 1
	VMOVUPS (SI)(R9*2), Y2     // row 2
	VMOVUPS (SI)(R10*1), Y3    // row 3
	VMOVUPS (R8), Y4           // row 4
	VMOVUPS (R8)(R9*1), Y5     // row 5
	VXORPS  Y6, Y6, Y6         // rows 6, 7: zero lanes
	VXORPS  Y7, Y7, Y7
	TRANSPOSE8                 // Y(8+p) = float 8j+p of rows 0..7
	VMOVUPS Y8, (DI)           // gw[(8j+0)*8 : +8]
	VMOVUPS Y9, 32(DI)         // gw[(8j+1)*8 : +8]
	VMOVUPS Y10, 64(DI)
	VMOVUPS Y11, 96(DI)
	VMOVUPS Y12, 128(DI)
	VMOVUPS Y13, 160(DI)
	VMOVUPS Y14, 192(DI)
	VMOVUPS Y15, 224(DI)       // gw[(8j+7)*8 : +8]
	ADDQ    $32, SI            // the rows' next 8 floats
	ADDQ    $256, DI           // gw's next 64 floats
	DECQ    CX
	JNZ     gwblock
	VZEROUPPER
	RET
