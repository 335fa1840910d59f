//go:build !purego

#include "textflag.h"

// func reluForwardAVX2(x, y *float32, n int)
//
// Registers: SI = x, DI = y, CX = floats left, Y15 = 0, Y0..Y3 = values.
TEXT ·reluForwardAVX2(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPS Y15, Y15, Y15           // Y15 = 0
	CMPQ CX, $32
	JLT  fwd8

fwd32: // 32 floats per iteration
	VMOVUPS 0(SI), Y0              // v0 = x[i : i+8]
	VMOVUPS 32(SI), Y1             // v1 = x[i+8 : i+16]
	VMOVUPS 64(SI), Y2             // v2 = x[i+16 : i+24]
	VMOVUPS 96(SI), Y3             // v3 = x[i+24 : i+32]
	VMAXPS Y0, Y15, Y0             // v0 = 0 > v0 ? 0 : v0 (NaN kept)
	VMAXPS Y1, Y15, Y1             // v1 = 0 > v1 ? 0 : v1
	VMAXPS Y2, Y15, Y2             // v2 = 0 > v2 ? 0 : v2
	VMAXPS Y3, Y15, Y3             // v3 = 0 > v3 ? 0 : v3
	VMOVUPS Y0, 0(DI)              // y[i : i+8] = v0
	VMOVUPS Y1, 32(DI)             // y[i+8 : i+16] = v1
	VMOVUPS Y2, 64(DI)             // y[i+16 : i+24] = v2
	VMOVUPS Y3, 96(DI)             // y[i+24 : i+32] = v3
	ADDQ $128, SI                  // x = x[32:]
	ADDQ $128, DI                  // y = y[32:]
	SUBQ $32, CX                   // n -= 32
	CMPQ CX, $32
	JGE  fwd32

fwd8:
	TESTQ CX, CX
	JZ    fwddone
	VMOVUPS 0(SI), Y0              // v0 = x[i : i+8]
	VMAXPS Y0, Y15, Y0             // v0 = 0 > v0 ? 0 : v0
	VMOVUPS Y0, 0(DI)              // y[i : i+8] = v0
	ADDQ $32, SI                   // x = x[8:]
	ADDQ $32, DI                   // y = y[8:]
	SUBQ $8, CX                    // n -= 8
	JMP  fwd8

fwddone:
	VZEROUPPER
	RET

// func reluBackwardAVX2(y, dy, dx *float32, n int)
//
// Registers: SI = y, DX = dy, DI = dx, CX = floats left, Y15 = 0,
// Y0..Y3 = masks (y > 0), Y4..Y7 = gradients.
TEXT ·reluBackwardAVX2(SB), NOSPLIT, $0-32
	MOVQ y+0(FP), SI
	MOVQ dy+8(FP), DX
	MOVQ dx+16(FP), DI
	MOVQ n+24(FP), CX
	VXORPS Y15, Y15, Y15           // Y15 = 0
	CMPQ CX, $32
	JLT  bwd8

bwd32: // 32 floats per iteration
	VCMPPS $0x11, 0(SI), Y15, Y0  // m0 = 0 < y[i : i+8] (ordered: NaN gives 0)
	VCMPPS $0x11, 32(SI), Y15, Y1  // m1 = 0 < y[i+8 : i+16]
	VCMPPS $0x11, 64(SI), Y15, Y2  // m2 = 0 < y[i+16 : i+24]
	VCMPPS $0x11, 96(SI), Y15, Y3  // m3 = 0 < y[i+24 : i+32]
	VANDPS 0(DX), Y0, Y4           // g0 = dy[i : i+8] & m0
	VANDPS 32(DX), Y1, Y5          // g1 = dy[i+8 : i+16] & m1
	VANDPS 64(DX), Y2, Y6          // g2 = dy[i+16 : i+24] & m2
	VANDPS 96(DX), Y3, Y7          // g3 = dy[i+24 : i+32] & m3
	VMOVUPS Y4, 0(DI)              // dx[i : i+8] = g0
	VMOVUPS Y5, 32(DI)             // dx[i+8 : i+16] = g1
	VMOVUPS Y6, 64(DI)             // dx[i+16 : i+24] = g2
	VMOVUPS Y7, 96(DI)             // dx[i+24 : i+32] = g3
	ADDQ $128, SI                  // y = y[32:]
	ADDQ $128, DX                  // dy = dy[32:]
	ADDQ $128, DI                  // dx = dx[32:]
	SUBQ $32, CX                   // n -= 32
	CMPQ CX, $32
	JGE  bwd32

bwd8:
	TESTQ CX, CX
	JZ    bwddone
	VCMPPS $0x11, 0(SI), Y15, Y0  // m0 = 0 < y[i : i+8]
	VANDPS 0(DX), Y0, Y4           // g0 = dy[i : i+8] & m0
	VMOVUPS Y4, 0(DI)              // dx[i : i+8] = g0
	ADDQ $32, SI                   // y = y[8:]
	ADDQ $32, DX                   // dy = dy[8:]
	ADDQ $32, DI                   // dx = dx[8:]
	SUBQ $8, CX                    // n -= 8
	JMP  bwd8

bwddone:
	VZEROUPPER
	RET
