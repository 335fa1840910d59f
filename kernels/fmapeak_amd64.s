//go:build !purego

// This file holds the FMA-throughput probe loops (fmaPeakLoopAVX2 and
// fmaPeakLoopAVX512).

#include "textflag.h"

// func fmaPeakLoopAVX2(iters int)
//
// fmaPeakLoopAVX2 is the AVX2 twin of fmaPeakLoopGeneric (which it matches in
// work, not in result: the sums are discarded). Registers: CX = iterations
// left, Y12 = a, Y13 = b, Y0..Y11 = twelve independent chains c = c*a + b.
// Precondition: AVX2 and FMA; iters >= 0.
TEXT ·fmaPeakLoopAVX2(SB), NOSPLIT, $0-8
	MOVQ iters+0(FP), CX       // CX = iters
	MOVL $0x3f7ffffe, AX       // AX = bits of 0.9999999
	MOVQ AX, X12
	VBROADCASTSS X12, Y12      // a = 0.9999999 in all lanes
	MOVL $0x33d6bf95, AX       // AX = bits of 1e-7
	MOVQ AX, X13
	VBROADCASTSS X13, Y13      // b = 1e-7
	VMOVAPS Y12, Y0            // c0..c11 = a
	VMOVAPS Y12, Y1
	VMOVAPS Y12, Y2
	VMOVAPS Y12, Y3
	VMOVAPS Y12, Y4
	VMOVAPS Y12, Y5
	VMOVAPS Y12, Y6
	VMOVAPS Y12, Y7
	VMOVAPS Y12, Y8
	VMOVAPS Y12, Y9
	VMOVAPS Y12, Y10
	VMOVAPS Y12, Y11
	TESTQ CX, CX
	JLE   done

loop: // for ; CX > 0; CX--
	VFMADD213PS Y13, Y12, Y0   // c0 = c0*a + b
	VFMADD213PS Y13, Y12, Y1   // c1 = c1*a + b
	VFMADD213PS Y13, Y12, Y2   // c2 = c2*a + b
	VFMADD213PS Y13, Y12, Y3   // c3 = c3*a + b
	VFMADD213PS Y13, Y12, Y4   // c4 = c4*a + b
	VFMADD213PS Y13, Y12, Y5   // c5 = c5*a + b
	VFMADD213PS Y13, Y12, Y6   // c6 = c6*a + b
	VFMADD213PS Y13, Y12, Y7   // c7 = c7*a + b
	VFMADD213PS Y13, Y12, Y8   // c8 = c8*a + b
	VFMADD213PS Y13, Y12, Y9   // c9 = c9*a + b
	VFMADD213PS Y13, Y12, Y10  // c10 = c10*a + b
	VFMADD213PS Y13, Y12, Y11  // c11 = c11*a + b
	DECQ CX                    // CX--
	JNZ  loop

done:
	VZEROUPPER
	RET

// func fmaPeakLoopAVX512(iters int)
//
// fmaPeakLoopAVX512 is fmaPeakLoopAVX2 on Z registers: twelve independent
// 16-lane chains c = c*a + b. Intel server cores run two 512-bit FMAs a
// cycle, twice their 256-bit rate; AMD Zen 4 runs one, the same FLOPs as
// two 256-bit ones. Registers: CX = iterations left, Z12 = a, Z13 = b,
// Z0..Z11 = the chains. Precondition: AVX-512F; iters >= 0.
TEXT ·fmaPeakLoopAVX512(SB), NOSPLIT, $0-8
	MOVQ iters+0(FP), CX       // CX = iters
	MOVL $0x3f7ffffe, AX       // AX = bits of 0.9999999
	MOVQ AX, X12
	VBROADCASTSS X12, Z12      // a = 0.9999999 in all lanes
	MOVL $0x33d6bf95, AX       // AX = bits of 1e-7
	MOVQ AX, X13
	VBROADCASTSS X13, Z13      // b = 1e-7
	VMOVAPS Z12, Z0            // c0..c11 = a
	VMOVAPS Z12, Z1
	VMOVAPS Z12, Z2
	VMOVAPS Z12, Z3
	VMOVAPS Z12, Z4
	VMOVAPS Z12, Z5
	VMOVAPS Z12, Z6
	VMOVAPS Z12, Z7
	VMOVAPS Z12, Z8
	VMOVAPS Z12, Z9
	VMOVAPS Z12, Z10
	VMOVAPS Z12, Z11
	TESTQ CX, CX
	JLE   done

loop: // for ; CX > 0; CX--
	VFMADD213PS Z13, Z12, Z0   // c0 = c0*a + b
	VFMADD213PS Z13, Z12, Z1   // c1 = c1*a + b
	VFMADD213PS Z13, Z12, Z2   // c2 = c2*a + b
	VFMADD213PS Z13, Z12, Z3   // c3 = c3*a + b
	VFMADD213PS Z13, Z12, Z4   // c4 = c4*a + b
	VFMADD213PS Z13, Z12, Z5   // c5 = c5*a + b
	VFMADD213PS Z13, Z12, Z6   // c6 = c6*a + b
	VFMADD213PS Z13, Z12, Z7   // c7 = c7*a + b
	VFMADD213PS Z13, Z12, Z8   // c8 = c8*a + b
	VFMADD213PS Z13, Z12, Z9   // c9 = c9*a + b
	VFMADD213PS Z13, Z12, Z10  // c10 = c10*a + b
	VFMADD213PS Z13, Z12, Z11  // c11 = c11*a + b
	DECQ CX                    // CX--
	JNZ  loop

done:
	VZEROUPPER
	RET
