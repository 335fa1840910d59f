//go:build !purego

#include "textflag.h"

// func adamStepAVX2(p, grad, m, v, vmax *float32, n int, k *[9]float32, mode int)
//
// Registers: AX = p, BX = grad, CX = m, DX = v, R8 = vmax, R9 = floats left,
// R10 = mode; constants Y15 = beta1, Y14 = 1-beta1, Y13 = beta2,
// Y12 = 1-beta2, Y11 = bc2sqrt, Y10 = eps, Y9 = stepSize, Y8 = decay,
// Y7 = wd; Y0 = x, Y1 = gi, Y2 = mi, Y3 = vi, Y4 and Y5 = temporaries.
// Eight floats per iteration: the loop is memory-bound (28 bytes a float).
TEXT ·adamStepAVX2(SB), NOSPLIT, $0-64
	MOVQ p+0(FP), AX
	MOVQ grad+8(FP), BX
	MOVQ m+16(FP), CX
	MOVQ v+24(FP), DX
	MOVQ vmax+32(FP), R8
	MOVQ n+40(FP), R9
	MOVQ k+48(FP), SI
	MOVQ mode+56(FP), R10
	VBROADCASTSS 0(SI), Y15        // beta1
	VBROADCASTSS 4(SI), Y14        // 1 - beta1
	VBROADCASTSS 8(SI), Y13        // beta2
	VBROADCASTSS 12(SI), Y12       // 1 - beta2
	VBROADCASTSS 16(SI), Y11       // bc2sqrt
	VBROADCASTSS 20(SI), Y10       // eps
	VBROADCASTSS 24(SI), Y9        // stepSize
	VBROADCASTSS 28(SI), Y8        // decay (1 unless AdamW)
	VBROADCASTSS 32(SI), Y7        // wd

adamloop:
	VMOVUPS 0(AX), Y0              // x = p[i : i+8]
	VMOVUPS 0(BX), Y1              // gi = g[i : i+8]
	VMULPS  Y8, Y0, Y0             // x = x * decay
	TESTQ   $1, R10                // if mode&1 == 0 (no L2 weight decay)
	JZ      adamnol2               //   skip to adamnol2
	VMULPS  Y7, Y0, Y4             // t = wd * x
	VADDPS  Y4, Y1, Y1             // gi = gi + t

adamnol2:
	VMULPS  0(CX), Y15, Y2         // mi = beta1 * m[i : i+8]
	VMULPS  Y14, Y1, Y4            // t = (1-beta1) * gi
	VADDPS  Y4, Y2, Y2             // mi = mi + t
	VMULPS  0(DX), Y13, Y3         // vi = beta2 * v[i : i+8]
	VMULPS  Y12, Y1, Y5            // u = (1-beta2) * gi
	VMULPS  Y1, Y5, Y5             // u = u * gi
	VADDPS  Y5, Y3, Y3             // vi = vi + u
	VMOVUPS Y2, 0(CX)              // m[i : i+8] = mi
	VMOVUPS Y3, 0(DX)              // v[i : i+8] = vi
	TESTQ   $2, R10                // if mode&2 == 0 (no AMSGrad)
	JZ      adamnoams              //   skip to adamnoams
	VMOVUPS 0(R8), Y4              // t = vmax[i : i+8]
	VMAXPS  Y3, Y4, Y3             // vi = t > vi ? t : vi
	VMOVUPS Y3, 0(R8)              // vmax[i : i+8] = vi
	ADDQ    $32, R8                // vmax = vmax[8:]

adamnoams:
	VSQRTPS Y3, Y4                 // den = sqrt(vi)
	VDIVPS  Y11, Y4, Y4            // den = den / bc2sqrt
	VADDPS  Y10, Y4, Y4            // den = den + eps
	VDIVPS  Y4, Y2, Y5             // q = mi / den
	VMULPS  Y9, Y5, Y5             // q = stepSize * q
	VSUBPS  Y5, Y0, Y0             // x = x - q
	VMOVUPS Y0, 0(AX)              // p[i : i+8] = x
	ADDQ    $32, AX                // p = p[8:]
	ADDQ    $32, BX                // g = g[8:]
	ADDQ    $32, CX                // m = m[8:]
	ADDQ    $32, DX                // v = v[8:]
	SUBQ    $8, R9                 // n -= 8
	JNZ     adamloop               // loop while n > 0
	VZEROUPPER
	RET

// func sgdStepAVX2(p, grad, buf *float32, n int, k *[4]float32, mode int)
//
// Registers: AX = p, BX = grad, CX = buf, R9 = floats left, R10 = mode;
// constants Y15 = wd, Y14 = momentum, Y13 = 1-dampening, Y12 = lr;
// Y0 = x, Y1 = d, Y2 = b, Y4 = temporary.
TEXT ·sgdStepAVX2(SB), NOSPLIT, $0-48
	MOVQ p+0(FP), AX
	MOVQ grad+8(FP), BX
	MOVQ buf+16(FP), CX
	MOVQ n+24(FP), R9
	MOVQ k+32(FP), SI
	MOVQ mode+40(FP), R10
	VBROADCASTSS 0(SI), Y15        // wd
	VBROADCASTSS 4(SI), Y14        // momentum
	VBROADCASTSS 8(SI), Y13        // 1 - dampening
	VBROADCASTSS 12(SI), Y12       // lr

sgdloop:
	VMOVUPS 0(AX), Y0              // x = p[i : i+8]
	VMOVUPS 0(BX), Y1              // d = g[i : i+8]
	TESTQ   $1, R10                // if mode&1 == 0 (no weight decay)
	JZ      sgdnowd                //   skip to sgdnowd
	VMULPS  Y15, Y0, Y4            // t = wd * x
	VADDPS  Y4, Y1, Y1             // d = d + t

sgdnowd:
	TESTQ   $2, R10                // if mode&2 == 0 (no momentum)
	JZ      sgdupdate              //   p -= lr*d directly
	TESTQ   $4, R10                // if mode&4 != 0 (first step)
	JNZ     sgdfirst               //   b = d
	VMULPS  0(CX), Y14, Y2         // b = momentum * buf[i : i+8]
	VMULPS  Y13, Y1, Y4            // t = (1-dampening) * d
	VADDPS  Y4, Y2, Y2             // b = b + t
	JMP     sgdstore               // store b

sgdfirst:
	VMOVAPS Y1, Y2                 // b = d

sgdstore:
	VMOVUPS Y2, 0(CX)              // buf[i : i+8] = b
	ADDQ    $32, CX                // buf = buf[8:]
	TESTQ   $8, R10                // if mode&8 == 0 (not Nesterov)
	JZ      sgdplain               //   d = b
	VMULPS  Y14, Y2, Y4            // t = momentum * b
	VADDPS  Y4, Y1, Y1             // d = d + t (Nesterov)
	JMP     sgdupdate              // update p

sgdplain:
	VMOVAPS Y2, Y1                 // d = b

sgdupdate:
	VMULPS  Y12, Y1, Y4            // t = lr * d
	VSUBPS  Y4, Y0, Y0             // x = x - t
	VMOVUPS Y0, 0(AX)              // p[i : i+8] = x
	ADDQ    $32, AX                // p = p[8:]
	ADDQ    $32, BX                // g = g[8:]
	SUBQ    $8, R9                 // n -= 8
	JNZ     sgdloop                // loop while n > 0
	VZEROUPPER
	RET
