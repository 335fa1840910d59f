//go:build !purego

#include "textflag.h"

// func convKernel6x16AVX2(k int, a, b, c *float32, ldc int, acc bool, bias *float32, floor float32)
//
// Registers: CX = k (remaining steps), SI = a (packed 6-row panel), DI = b
// (packed 16-column panel), DX = c, R8 = ldc in bytes, R9 = row pointer.
// Y0, Y1 = b[p*16 : p*16+16]; Y2, Y3 = broadcast a[p*6+i];
// Y4..Y15 = accumulators, row i in Y(4+2i) (columns 0-7) and Y(5+2i) (8-15).
// EPI(off, lo, hi) is the fused epilogue of one tile row, in Go:
//   t[i][j] = max(t[i][j] + bias[i], floor), NaN kept (VMAXPS returns its
//   second source, t, when either is NaN).
#define EPI(off, lo, hi) \
	VBROADCASTSS off(SI), Y3 /* Y3 = bias[i] */         \
	VADDPS  Y3, lo, lo       /* lo += bias[i] */        \
	VADDPS  Y3, hi, hi       /* hi += bias[i] */        \
	VMAXPS  lo, Y2, lo       /* lo = max(floor, lo) */  \
	VMAXPS  hi, Y2, hi       /* hi = max(floor, hi) */

TEXT ·convKernel6x16AVX2(SB), NOSPLIT, $0-60
	MOVQ k+0(FP), CX   // CX = k
	MOVQ a+8(FP), SI   // SI = &a[0]
	MOVQ b+16(FP), DI  // DI = &b[0]
	MOVQ c+24(FP), DX  // DX = &c[0]
	MOVQ ldc+32(FP), R8
	SHLQ $2, R8        // R8 = ldc * 4 (bytes per C row)

	VXORPS Y4, Y4, Y4     // t[0][0:8] = 0
	VXORPS Y5, Y5, Y5     // t[0][8:16] = 0
	VXORPS Y6, Y6, Y6     // t[1][0:8] = 0
	VXORPS Y7, Y7, Y7     // t[1][8:16] = 0
	VXORPS Y8, Y8, Y8     // t[2][0:8] = 0
	VXORPS Y9, Y9, Y9     // t[2][8:16] = 0
	VXORPS Y10, Y10, Y10  // t[3][0:8] = 0
	VXORPS Y11, Y11, Y11  // t[3][8:16] = 0
	VXORPS Y12, Y12, Y12  // t[4][0:8] = 0
	VXORPS Y13, Y13, Y13  // t[4][8:16] = 0
	VXORPS Y14, Y14, Y14  // t[5][0:8] = 0
	VXORPS Y15, Y15, Y15  // t[5][8:16] = 0

	CMPQ CX, $2
	JLT  tail

loop2: // two steps p, p+1 per iteration
	VMOVUPS 0(DI), Y0             // Y0 = b[p*16 : p*16+8]
	VMOVUPS 32(DI), Y1            // Y1 = b[p*16+8 : p*16+16]
	VBROADCASTSS 0(SI), Y2        // Y2 = a[p*6+0]
	VBROADCASTSS 4(SI), Y3        // Y3 = a[p*6+1]
	VFMADD231PS Y0, Y2, Y4        // t[0][0:8] += a0*b[0:8]
	VFMADD231PS Y1, Y2, Y5        // t[0][8:16] += a0*b[8:16]
	VFMADD231PS Y0, Y3, Y6        // t[1][0:8] += a1*b[0:8]
	VFMADD231PS Y1, Y3, Y7        // t[1][8:16] += a1*b[8:16]
	VBROADCASTSS 8(SI), Y2        // Y2 = a[p*6+2]
	VBROADCASTSS 12(SI), Y3       // Y3 = a[p*6+3]
	VFMADD231PS Y0, Y2, Y8        // t[2][0:8] += a2*b[0:8]
	VFMADD231PS Y1, Y2, Y9        // t[2][8:16] += a2*b[8:16]
	VFMADD231PS Y0, Y3, Y10       // t[3][0:8] += a3*b[0:8]
	VFMADD231PS Y1, Y3, Y11       // t[3][8:16] += a3*b[8:16]
	VBROADCASTSS 16(SI), Y2       // Y2 = a[p*6+4]
	VBROADCASTSS 20(SI), Y3       // Y3 = a[p*6+5]
	VFMADD231PS Y0, Y2, Y12       // t[4][0:8] += a4*b[0:8]
	VFMADD231PS Y1, Y2, Y13       // t[4][8:16] += a4*b[8:16]
	VFMADD231PS Y0, Y3, Y14       // t[5][0:8] += a5*b[0:8]
	VFMADD231PS Y1, Y3, Y15       // t[5][8:16] += a5*b[8:16]

	VMOVUPS 64(DI), Y0            // Y0 = b[(p+1)*16 : (p+1)*16+8]
	VMOVUPS 96(DI), Y1            // Y1 = b[(p+1)*16+8 : (p+1)*16+16]
	VBROADCASTSS 24(SI), Y2       // Y2 = a[(p+1)*6+0]
	VBROADCASTSS 28(SI), Y3       // Y3 = a[(p+1)*6+1]
	VFMADD231PS Y0, Y2, Y4        // t[0][0:8] += a0*b[0:8]
	VFMADD231PS Y1, Y2, Y5        // t[0][8:16] += a0*b[8:16]
	VFMADD231PS Y0, Y3, Y6        // t[1][0:8] += a1*b[0:8]
	VFMADD231PS Y1, Y3, Y7        // t[1][8:16] += a1*b[8:16]
	VBROADCASTSS 32(SI), Y2       // Y2 = a[(p+1)*6+2]
	VBROADCASTSS 36(SI), Y3       // Y3 = a[(p+1)*6+3]
	VFMADD231PS Y0, Y2, Y8        // t[2][0:8] += a2*b[0:8]
	VFMADD231PS Y1, Y2, Y9        // t[2][8:16] += a2*b[8:16]
	VFMADD231PS Y0, Y3, Y10       // t[3][0:8] += a3*b[0:8]
	VFMADD231PS Y1, Y3, Y11       // t[3][8:16] += a3*b[8:16]
	VBROADCASTSS 40(SI), Y2       // Y2 = a[(p+1)*6+4]
	VBROADCASTSS 44(SI), Y3       // Y3 = a[(p+1)*6+5]
	VFMADD231PS Y0, Y2, Y12       // t[4][0:8] += a4*b[0:8]
	VFMADD231PS Y1, Y2, Y13       // t[4][8:16] += a4*b[8:16]
	VFMADD231PS Y0, Y3, Y14       // t[5][0:8] += a5*b[0:8]
	VFMADD231PS Y1, Y3, Y15       // t[5][8:16] += a5*b[8:16]

	ADDQ $48, SI                  // a = a[12:]  (two steps of 6)
	ADDQ $128, DI                 // b = b[32:]  (two steps of 16)
	SUBQ $2, CX                   // k -= 2
	CMPQ CX, $2
	JGE  loop2                    // while k >= 2

tail:
	TESTQ CX, CX
	JZ    store                   // if k == 0: done
	VMOVUPS 0(DI), Y0             // Y0 = b[p*16 : p*16+8]
	VMOVUPS 32(DI), Y1            // Y1 = b[p*16+8 : p*16+16]
	VBROADCASTSS 0(SI), Y2        // Y2 = a[p*6+0]
	VBROADCASTSS 4(SI), Y3        // Y3 = a[p*6+1]
	VFMADD231PS Y0, Y2, Y4        // t[0][0:8] += a0*b[0:8]
	VFMADD231PS Y1, Y2, Y5        // t[0][8:16] += a0*b[8:16]
	VFMADD231PS Y0, Y3, Y6        // t[1][0:8] += a1*b[0:8]
	VFMADD231PS Y1, Y3, Y7        // t[1][8:16] += a1*b[8:16]
	VBROADCASTSS 8(SI), Y2        // Y2 = a[p*6+2]
	VBROADCASTSS 12(SI), Y3       // Y3 = a[p*6+3]
	VFMADD231PS Y0, Y2, Y8        // t[2][0:8] += a2*b[0:8]
	VFMADD231PS Y1, Y2, Y9        // t[2][8:16] += a2*b[8:16]
	VFMADD231PS Y0, Y3, Y10       // t[3][0:8] += a3*b[0:8]
	VFMADD231PS Y1, Y3, Y11       // t[3][8:16] += a3*b[8:16]
	VBROADCASTSS 16(SI), Y2       // Y2 = a[p*6+4]
	VBROADCASTSS 20(SI), Y3       // Y3 = a[p*6+5]
	VFMADD231PS Y0, Y2, Y12       // t[4][0:8] += a4*b[0:8]
	VFMADD231PS Y1, Y2, Y13       // t[4][8:16] += a4*b[8:16]
	VFMADD231PS Y0, Y3, Y14       // t[5][0:8] += a5*b[0:8]
	VFMADD231PS Y1, Y3, Y15       // t[5][8:16] += a5*b[8:16]

store:
	MOVQ DX, R9                   // R9 = &c[0] (row 0)
	MOVBLZX acc+40(FP), AX        // AX = acc
	TESTQ AX, AX
	JZ    overwrite               // if !acc: C = t

	VADDPS 0(R9), Y4, Y4          // t[0][0:8] += c[0][0:8]
	VADDPS 32(R9), Y5, Y5         // t[0][8:16] += c[0][8:16]
	ADDQ R8, R9                   // R9 = row 1
	VADDPS 0(R9), Y6, Y6          // t[1][0:8] += c[1][0:8]
	VADDPS 32(R9), Y7, Y7         // t[1][8:16] += c[1][8:16]
	ADDQ R8, R9                   // R9 = row 2
	VADDPS 0(R9), Y8, Y8          // t[2][0:8] += c[2][0:8]
	VADDPS 32(R9), Y9, Y9         // t[2][8:16] += c[2][8:16]
	ADDQ R8, R9                   // R9 = row 3
	VADDPS 0(R9), Y10, Y10        // t[3][0:8] += c[3][0:8]
	VADDPS 32(R9), Y11, Y11       // t[3][8:16] += c[3][8:16]
	ADDQ R8, R9                   // R9 = row 4
	VADDPS 0(R9), Y12, Y12        // t[4][0:8] += c[4][0:8]
	VADDPS 32(R9), Y13, Y13       // t[4][8:16] += c[4][8:16]
	ADDQ R8, R9                   // R9 = row 5
	VADDPS 0(R9), Y14, Y14        // t[5][0:8] += c[5][0:8]
	VADDPS 32(R9), Y15, Y15       // t[5][8:16] += c[5][8:16]
	MOVQ DX, R9                   // R9 = &c[0] again

overwrite:
	MOVQ bias+48(FP), SI          // SI = bias
	TESTQ SI, SI
	JZ    put                     // no epilogue
	VBROADCASTSS floor+56(FP), Y2 // Y2 = floor (0 for ReLU, -Inf for none)
	EPI(0, Y4, Y5)                // row 0
	EPI(4, Y6, Y7)                // row 1
	EPI(8, Y8, Y9)                // row 2
	EPI(12, Y10, Y11)             // row 3
	EPI(16, Y12, Y13)             // row 4
	EPI(20, Y14, Y15)             // row 5

put:
	VMOVUPS Y4, 0(R9)             // c[0][0:8] = t[0][0:8]
	VMOVUPS Y5, 32(R9)            // c[0][8:16] = t[0][8:16]
	ADDQ R8, R9                   // R9 = row 1
	VMOVUPS Y6, 0(R9)             // c[1][0:8] = t[1][0:8]
	VMOVUPS Y7, 32(R9)            // c[1][8:16] = t[1][8:16]
	ADDQ R8, R9                   // R9 = row 2
	VMOVUPS Y8, 0(R9)             // c[2][0:8] = t[2][0:8]
	VMOVUPS Y9, 32(R9)            // c[2][8:16] = t[2][8:16]
	ADDQ R8, R9                   // R9 = row 3
	VMOVUPS Y10, 0(R9)            // c[3][0:8] = t[3][0:8]
	VMOVUPS Y11, 32(R9)           // c[3][8:16] = t[3][8:16]
	ADDQ R8, R9                   // R9 = row 4
	VMOVUPS Y12, 0(R9)            // c[4][0:8] = t[4][0:8]
	VMOVUPS Y13, 32(R9)           // c[4][8:16] = t[4][8:16]
	ADDQ R8, R9                   // R9 = row 5
	VMOVUPS Y14, 0(R9)            // c[5][0:8] = t[5][0:8]
	VMOVUPS Y15, 32(R9)           // c[5][8:16] = t[5][8:16]
	VZEROUPPER                    // leave the AVX state clean for SSE code
	RET

