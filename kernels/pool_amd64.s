//go:build !purego

#include "textflag.h"

// Lane offsets 0, 2, ..., 14 of 8 consecutive 2x2 windows.
DATA poolLanes<>+0(SB)/4, $0
DATA poolLanes<>+4(SB)/4, $2
DATA poolLanes<>+8(SB)/4, $4
DATA poolLanes<>+12(SB)/4, $6
DATA poolLanes<>+16(SB)/4, $8
DATA poolLanes<>+20(SB)/4, $10
DATA poolLanes<>+24(SB)/4, $12
DATA poolLanes<>+28(SB)/4, $14
GLOBL poolLanes<>(SB), RODATA|NOPTR, $32

// POOLSTEP folds candidate v with index offset k into (best Y2, offset Y6):
// take v where v > best, or v is NaN and best is not; clobbers Y7..Y9.
#define POOLSTEP(v, k) \
	VCMPPS $0x1e, Y2, v, Y7        /* Y7 = v > best (ordered) */ ; \
	VCMPPS $0x03, v, v, Y8         /* Y8 = v is NaN */ ; \
	VCMPPS $0x07, Y2, Y2, Y9       /* Y9 = best is not NaN */ ; \
	VANDPS Y9, Y8, Y8              /* Y8 = NaN v over a number */ ; \
	VORPS Y8, Y7, Y7               /* m = take v */ ; \
	VBLENDVPS Y7, v, Y2, Y2        /* best = m ? v : best */ ; \
	VBLENDVPS Y7, k, Y6, Y6        /* offset = m ? k : offset */

// DEINT sets even, odd to the even and odd columns of the 16 floats at p;
// clobbers Y0, Y1.
#define DEINT(p, even, odd) \
	VMOVUPS 0(p), Y0               /* Y0 = p[0:8] */ ; \
	VMOVUPS 32(p), Y1              /* Y1 = p[8:16] */ ; \
	VSHUFPS $0x88, Y1, Y0, even    /* even = p0 p2 p8 p10 | p4 p6 p12 p14 */ ; \
	VPERMPD $0xd8, even, even      /* even = p0 p2 p4 ... p14 */ ; \
	VSHUFPS $0xdd, Y1, Y0, odd     /* odd = p1 p3 p9 p11 | p5 p7 p13 p15 */ ; \
	VPERMPD $0xd8, odd, odd        /* odd = p1 p3 p5 ... p15 */

// func maxPool2x2Row8AVX2(r0, r1, d *float32, a *int32, n, base, w int)
//
// Registers: SI = r0, DX = r1, DI = d, BX = a, CX = groups left; Y2 = best,
// Y3..Y5 = the other three candidates, Y6 = chosen offset (0, 1, w, w+1),
// Y10 = 16 (int32), Y11 = flat index of each lane's window, Y12 = 1, Y13 = w,
// Y14 = w+1 (int32 lanes).
TEXT ·maxPool2x2Row8AVX2(SB), NOSPLIT, $0-56
	MOVQ r0+0(FP), SI
	MOVQ r1+8(FP), DX
	MOVQ d+16(FP), DI
	MOVQ a+24(FP), BX
	MOVQ n+32(FP), CX
	MOVQ base+40(FP), AX
	VMOVD AX, X11
	VPBROADCASTD X11, Y11          // Y11 = base in every lane
	VPADDD poolLanes<>(SB), Y11, Y11 // Y11 = base + 2*lane
	MOVL $16, AX
	VMOVD AX, X10
	VPBROADCASTD X10, Y10          // Y10 = 16
	MOVL $1, AX
	VMOVD AX, X12
	VPBROADCASTD X12, Y12          // Y12 = 1
	MOVQ w+48(FP), AX
	VMOVD AX, X13
	VPBROADCASTD X13, Y13          // Y13 = w
	INCQ AX
	VMOVD AX, X14
	VPBROADCASTD X14, Y14          // Y14 = w+1

loop:
	DEINT(SI, Y2, Y3)              // best = r0 even, Y3 = r0 odd
	DEINT(DX, Y4, Y5)              // Y4 = r1 even, Y5 = r1 odd
	VPXOR Y6, Y6, Y6               // offset = 0
	POOLSTEP(Y3, Y12)              // r0[2j+1], offset 1
	POOLSTEP(Y4, Y13)              // r1[2j], offset w
	POOLSTEP(Y5, Y14)              // r1[2j+1], offset w+1
	VMOVUPS Y2, (DI)               // d[j:j+8] = best
	VPADDD Y11, Y6, Y6             // index = base + 2j + offset
	VMOVDQU Y6, (BX)               // a[j:j+8] = index
	VPADDD Y10, Y11, Y11           // next 8 windows: base + 2j += 16
	ADDQ $64, SI                   // r0 = r0[16:]
	ADDQ $64, DX                   // r1 = r1[16:]
	ADDQ $32, DI                   // d = d[8:]
	ADDQ $32, BX                   // a = a[8:]
	DECQ CX
	JNZ  loop
	VZEROUPPER
	RET
