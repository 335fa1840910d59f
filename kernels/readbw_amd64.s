//go:build !purego

// This file holds the memory-read probe loop (readSumAVX2).

#include "textflag.h"

// func readSumAVX2(x *float32, n int) float32
//
// readSumAVX2 is the AVX2 twin of readSumGeneric: the sum of x[0:n] in eight
// independent VADDPS chains, 256 bytes (four cache lines) per step, so that
// the loads, not the adds, set the pace. The summation order differs from
// the Go loop's, so the results differ in rounding. Registers: SI = &x[i],
// CX = steps left, Y0..Y7 = the chains. Preconditions: AVX2; n a positive
// multiple of 64; x 32-byte aligned.
TEXT ·readSumAVX2(SB), NOSPLIT, $0-20
	MOVQ   x+0(FP), SI     // SI = &x[0]
	MOVQ   n+8(FP), CX     // CX = n
	SHRQ   $6, CX          // CX = n/64 steps
	VXORPS Y0, Y0, Y0      // chains = 0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7

loop: // for ; CX > 0; CX--
	VADDPS (SI), Y0, Y0     // chain 0 += x[i : i+8]
	VADDPS 32(SI), Y1, Y1   // chain 1 += x[i+8 : i+16]
	VADDPS 64(SI), Y2, Y2
	VADDPS 96(SI), Y3, Y3
	VADDPS 128(SI), Y4, Y4
	VADDPS 160(SI), Y5, Y5
	VADDPS 192(SI), Y6, Y6
	VADDPS 224(SI), Y7, Y7  // chain 7 += x[i+56 : i+64]
	ADDQ   $256, SI         // SI = &x[i+64]
	DECQ   CX
	JNZ    loop

	VADDPS       Y1, Y0, Y0 // fold the chains: Y0 = sum of Y0..Y7
	VADDPS       Y3, Y2, Y2
	VADDPS       Y5, Y4, Y4
	VADDPS       Y7, Y6, Y6
	VADDPS       Y2, Y0, Y0
	VADDPS       Y6, Y4, Y4
	VADDPS       Y4, Y0, Y0
	VEXTRACTF128 $1, Y0, X1 // X1 = high half
	VADDPS       X1, X0, X0 // 4 lanes
	VHADDPS      X0, X0, X0 // 2 lanes
	VHADDPS      X0, X0, X0 // 1 lane
	MOVSS        X0, ret+16(FP)
	VZEROUPPER
	RET
