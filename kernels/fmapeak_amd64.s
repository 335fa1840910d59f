//go:build !purego

// This file holds the FMA-throughput probe loops (fmaPeakLoopAVX2 and
// fmaPeakLoopAVX512).

#include "textflag.h"

// SET12(a, c0, ..., c11) sets the twelve chains to a: c_i = a.
#define SET12(a, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11) \
	VMOVAPS a, c0 ; VMOVAPS a, c1 ; VMOVAPS a, c2 ; VMOVAPS a, c3 ; \
	VMOVAPS a, c4 ; VMOVAPS a, c5 ; VMOVAPS a, c6 ; VMOVAPS a, c7 ; \
	VMOVAPS a, c8 ; VMOVAPS a, c9 ; VMOVAPS a, c10 ; VMOVAPS a, c11

// FMA12(a, b, c0, ..., c11) advances the twelve independent chains one
// step: c_i = c_i*a + b.
#define FMA12(a, b, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11) \
	VFMADD213PS b, a, c0 ; VFMADD213PS b, a, c1 ; VFMADD213PS b, a, c2 ; \
	VFMADD213PS b, a, c3 ; VFMADD213PS b, a, c4 ; VFMADD213PS b, a, c5 ; \
	VFMADD213PS b, a, c6 ; VFMADD213PS b, a, c7 ; VFMADD213PS b, a, c8 ; \
	VFMADD213PS b, a, c9 ; VFMADD213PS b, a, c10 ; VFMADD213PS b, a, c11

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
	SET12(Y12, Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11) // c0..c11 = a
	TESTQ CX, CX
	JLE   done

loop: // for ; CX > 0; CX--
	FMA12(Y12, Y13, Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11) // c_i = c_i*a + b
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
	SET12(Z12, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11) // c0..c11 = a
	TESTQ CX, CX
	JLE   done

loop: // for ; CX > 0; CX--
	FMA12(Z12, Z13, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11) // c_i = c_i*a + b
	DECQ CX                    // CX--
	JNZ  loop

done:
	VZEROUPPER
	RET
