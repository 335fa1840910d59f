//go:build !purego

// This file holds the dot-product kernels of the transposed-B product with
// one to four rows of C (C = A·Bᵀ with m <= 4: the FC forward pass at
// batch 1 to 4, a matrix-vector product at m = 1): each accumulator holds
// eight lanes of one dot product (lane l sums the p ≡ l mod 8 in order)
// and is summed across its lanes at the end, so that every multiply-add
// does useful work (the broadcast kernels of sgemm_dot_amd64.s give each of
// eight lanes a row of C, seven of them zero padding at m = 1). op(A) is
// packed row by row, each row k rounded up to a multiple of 8 with zeros;
// the k%8 last floats of B's rows are loaded under a mask.

#include "textflag.h"
#include "sgemm_rows_amd64.h"

// gemvMask<> is eight -1 then eight 0: the eight words at byte 32-4r hold r
// ones, the mask of the r floats left in a row.
DATA gemvMask<>+0(SB)/4, $-1
DATA gemvMask<>+4(SB)/4, $-1
DATA gemvMask<>+8(SB)/4, $-1
DATA gemvMask<>+12(SB)/4, $-1
DATA gemvMask<>+16(SB)/4, $-1
DATA gemvMask<>+20(SB)/4, $-1
DATA gemvMask<>+24(SB)/4, $-1
DATA gemvMask<>+28(SB)/4, $-1
DATA gemvMask<>+32(SB)/4, $0
DATA gemvMask<>+36(SB)/4, $0
DATA gemvMask<>+40(SB)/4, $0
DATA gemvMask<>+44(SB)/4, $0
DATA gemvMask<>+48(SB)/4, $0
DATA gemvMask<>+52(SB)/4, $0
DATA gemvMask<>+56(SB)/4, $0
DATA gemvMask<>+60(SB)/4, $0
GLOBL gemvMask<>(SB), RODATA|NOPTR, $64

// GEMVSTART loads the arguments: DX = k, AX = at, SI = b (row 0), R9 =
// ldb*4, R10 = 3*ldb*4, R8 = b row 4, DI = out, R11 = the packed row
// stride of a in bytes (k rounded up to 8, times 4), CX = k/16.
#define GEMVSTART \
	DOTARGS(DX)           ; \
	LEAQ 7(DX), R11       ; \
	ANDQ $-8, R11         ; \
	SHLQ $2, R11          ; \
	MOVQ DX, CX           ; \
	SHRQ $4, CX

// GEMVMASK sets y to the mask of the DX%8 floats left (DX%8 > 0).
#define GEMVMASK(y) \
	ANDQ    $7, DX                    ; \
	SHLQ    $2, DX                    ; \
	LEAQ    gemvMask<>+32(SB), BX     ; \
	SUBQ    DX, BX                    ; \
	VMOVDQU (BX), y

// GEMVADVANCE(n) moves a and the rows of b on by n bytes.
#define GEMVADVANCE(n) \
	ADDQ $n, AX ; \
	ADDQ $n, SI ; \
	ADDQ $n, R8

// HSUM(y, x, off) sums the eight lanes of y (x its low half) into the
// float at off(DI): ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7)). X15 is scratch.
#define HSUM(y, x, off) \
	VEXTRACTF128 $1, y, X15   ; \
	VADDPS       X15, x, x    ; \
	VMOVHLPS     x, X15, X15  ; \
	VADDPS       X15, x, x    ; \
	VMOVSHDUP    x, X15       ; \
	VADDSS       X15, x, x    ; \
	VMOVSS       x, off(DI)

// G1COL(bo, a) adds a (eight floats of op(A)'s row) times the eight floats
// bo bytes on in each of the eight rows of B to Y0..Y7.
#define G1COL(bo, a) \
	VFMADD231PS bo(SI), a, Y0        ; \
	VFMADD231PS bo(SI)(R9*1), a, Y1  ; \
	VFMADD231PS bo(SI)(R9*2), a, Y2  ; \
	VFMADD231PS bo(SI)(R10*1), a, Y3 ; \
	VFMADD231PS bo(R8), a, Y4        ; \
	VFMADD231PS bo(R8)(R9*1), a, Y5  ; \
	VFMADD231PS bo(R8)(R9*2), a, Y6  ; \
	VFMADD231PS bo(R8)(R10*1), a, Y7

// G1MASKED(a, m) is G1COL(0, a) with B's floats loaded under mask m (Y10
// scratch).
#define G1MASKED(a, m) \
	VMASKMOVPS (SI), m, Y10        ; \
	VFMADD231PS Y10, a, Y0         ; \
	VMASKMOVPS (SI)(R9*1), m, Y10  ; \
	VFMADD231PS Y10, a, Y1         ; \
	VMASKMOVPS (SI)(R9*2), m, Y10  ; \
	VFMADD231PS Y10, a, Y2         ; \
	VMASKMOVPS (SI)(R10*1), m, Y10 ; \
	VFMADD231PS Y10, a, Y3         ; \
	VMASKMOVPS (R8), m, Y10        ; \
	VFMADD231PS Y10, a, Y4         ; \
	VMASKMOVPS (R8)(R9*1), m, Y10  ; \
	VFMADD231PS Y10, a, Y5         ; \
	VMASKMOVPS (R8)(R9*2), m, Y10  ; \
	VFMADD231PS Y10, a, Y6         ; \
	VMASKMOVPS (R8)(R10*1), m, Y10 ; \
	VFMADD231PS Y10, a, Y7

// func sgemmGemv1AVX2(k int, at, b *float32, ldb int, out *float32)
//
// sgemmGemv1AVX2 computes out[j*8] = Σ_p at[p] * b[j*ldb+p] for j < 8, p <
// k: one row of op(A) against eight rows of B, one accumulator a row. Each
// 16 floats it first asks for the line 256 bytes on in each row (as
// sgemmDot8AVX2 does). Preconditions: k >= 1; at holds k rounded up to 8
// floats, zero past k; each of the eight rows k floats; AVX2 and FMA.
// Registers: as GEMVSTART; Y0..Y7 the rows' accumulators, Y8, Y9 a.
TEXT ·sgemmGemv1AVX2(SB), NOSPLIT, $0-40
	GEMVSTART
	ZERO8
	TESTQ CX, CX
	JZ    g1eight

g1block: // 16 floats of each row
	PREFETCH8(PREFETCHT0, 256)
	VMOVUPS (AX), Y8
	VMOVUPS 32(AX), Y9
	G1COL(0, Y8)
	G1COL(32, Y9)
	GEMVADVANCE(64)
	DECQ    CX
	JNZ     g1block

g1eight: // 8 more floats
	TESTQ   $8, DX
	JZ      g1tail
	VMOVUPS (AX), Y8
	G1COL(0, Y8)
	GEMVADVANCE(32)

g1tail: // the k%8 last floats
	TESTQ   $7, DX
	JZ      g1sum
	GEMVMASK(Y9)
	VMOVUPS (AX), Y8
	G1MASKED(Y8, Y9)

g1sum:
	HSUM(Y0, X0, 0)
	HSUM(Y1, X1, 32)
	HSUM(Y2, X2, 64)
	HSUM(Y3, X3, 96)
	HSUM(Y4, X4, 128)
	HSUM(Y5, X5, 160)
	HSUM(Y6, X6, 192)
	HSUM(Y7, X7, 224)
	VZEROUPPER
	RET

// G2FMA(r0, r1) adds the B floats in Y14 times op(A)'s two rows (Y12,
// Y13) to r0 and r1; G2COL(bo) does so for the eight floats bo bytes on in
// each of the six rows of B, G2MASKED(m) for those at the rows' cursors
// under mask m.
#define G2FMA(r0, r1) \
	VFMADD231PS Y14, Y12, r0 ; \
	VFMADD231PS Y14, Y13, r1

#define G2COL(bo) \
	VMOVUPS bo(SI), Y14        ; G2FMA(Y0, Y6)  ; \
	VMOVUPS bo(SI)(R9*1), Y14  ; G2FMA(Y1, Y7)  ; \
	VMOVUPS bo(SI)(R9*2), Y14  ; G2FMA(Y2, Y8)  ; \
	VMOVUPS bo(SI)(R10*1), Y14 ; G2FMA(Y3, Y9)  ; \
	VMOVUPS bo(R8), Y14        ; G2FMA(Y4, Y10) ; \
	VMOVUPS bo(R8)(R9*1), Y14  ; G2FMA(Y5, Y11)

#define G2MASKED(m) \
	VMASKMOVPS (SI), m, Y14        ; G2FMA(Y0, Y6)  ; \
	VMASKMOVPS (SI)(R9*1), m, Y14  ; G2FMA(Y1, Y7)  ; \
	VMASKMOVPS (SI)(R9*2), m, Y14  ; G2FMA(Y2, Y8)  ; \
	VMASKMOVPS (SI)(R10*1), m, Y14 ; G2FMA(Y3, Y9)  ; \
	VMASKMOVPS (R8), m, Y14        ; G2FMA(Y4, Y10) ; \
	VMASKMOVPS (R8)(R9*1), m, Y14  ; G2FMA(Y5, Y11)

// G2A(ao) loads eight floats of op(A)'s two rows, ao bytes on, into Y12
// and Y13.
#define G2A(ao) \
	VMOVUPS ao(AX), Y12       ; \
	VMOVUPS ao(AX)(R11*1), Y13

// func sgemmGemv2AVX2(k int, at, b *float32, ldb int, out *float32)
//
// sgemmGemv2AVX2 is sgemmGemv1AVX2 for two rows of op(A) (the second
// k-rounded-up-to-8 floats on) against six rows of B: out[j*8+i] for j < 6,
// i < 2, twelve accumulators, Y(j) for row 0 and Y(6+j) for row 1.
// Preconditions: as sgemmGemv1AVX2's, at holding two rows, B six.
TEXT ·sgemmGemv2AVX2(SB), NOSPLIT, $0-40
	GEMVSTART
	ZERO12
	TESTQ  CX, CX
	JZ     g2eight

g2block: // 16 floats of each row
	PREFETCH4(PREFETCHT0, 256)
	PREFETCHT0 256(R8)
	PREFETCHT0 256(R8)(R9*1)
	G2A(0)
	G2COL(0)
	G2A(32)
	G2COL(32)
	GEMVADVANCE(64)
	DECQ       CX
	JNZ        g2block

g2eight:
	TESTQ $8, DX
	JZ    g2tail
	G2A(0)
	G2COL(0)
	GEMVADVANCE(32)

g2tail:
	TESTQ $7, DX
	JZ    g2sum
	GEMVMASK(Y15)
	G2A(0)
	G2MASKED(Y15)

g2sum:
	HSUM(Y0, X0, 0)
	HSUM(Y1, X1, 32)
	HSUM(Y2, X2, 64)
	HSUM(Y3, X3, 96)
	HSUM(Y4, X4, 128)
	HSUM(Y5, X5, 160)
	HSUM(Y6, X6, 4)
	HSUM(Y7, X7, 36)
	HSUM(Y8, X8, 68)
	HSUM(Y9, X9, 100)
	HSUM(Y10, X10, 132)
	HSUM(Y11, X11, 164)
	VZEROUPPER
	RET

// G3FMA(r0, r1, r2) adds the B floats in Y15 times op(A)'s three rows
// (Y12..Y14) to r0..r2.
#define G3FMA(r0, r1, r2) \
	VFMADD231PS Y15, Y12, r0 ; \
	VFMADD231PS Y15, Y13, r1 ; \
	VFMADD231PS Y15, Y14, r2

#define G3COL(bo) \
	VMOVUPS bo(SI), Y15        ; G3FMA(Y0, Y4, Y8)  ; \
	VMOVUPS bo(SI)(R9*1), Y15  ; G3FMA(Y1, Y5, Y9)  ; \
	VMOVUPS bo(SI)(R9*2), Y15  ; G3FMA(Y2, Y6, Y10) ; \
	VMOVUPS bo(SI)(R10*1), Y15 ; G3FMA(Y3, Y7, Y11)

// G3MASKED(src, r0, r1, r2) loads a row's floats at src under the mask in
// Y12 into Y13 and adds them times op(A)'s three rows, read from memory, to
// r0..r2.
#define G3MASKED(src, r0, r1, r2) \
	VMASKMOVPS  src, Y12, Y13         ; \
	VFMADD231PS (AX), Y13, r0         ; \
	VFMADD231PS (AX)(R11*1), Y13, r1  ; \
	VFMADD231PS (AX)(R11*2), Y13, r2

#define G3A(ao) \
	VMOVUPS ao(AX), Y12        ; \
	VMOVUPS ao(AX)(R11*1), Y13 ; \
	VMOVUPS ao(AX)(R11*2), Y14

// func sgemmGemv3AVX2(k int, at, b *float32, ldb int, out *float32)
//
// sgemmGemv3AVX2 is sgemmGemv1AVX2 for three rows of op(A) against four
// rows of B: out[j*8+i] for j < 4, i < 3, twelve accumulators, Y(4i+j).
// Preconditions: as sgemmGemv1AVX2's, at holding three rows, B four.
TEXT ·sgemmGemv3AVX2(SB), NOSPLIT, $0-40
	GEMVSTART
	ZERO12
	TESTQ  CX, CX
	JZ     g3eight

g3block: // 16 floats of each row
	PREFETCH4(PREFETCHT0, 256)
	G3A(0)
	G3COL(0)
	G3A(32)
	G3COL(32)
	GEMVADVANCE(64)
	DECQ       CX
	JNZ        g3block

g3eight:
	TESTQ $8, DX
	JZ    g3tail
	G3A(0)
	G3COL(0)
	GEMVADVANCE(32)

g3tail: // the mask in Y12, a row's B floats in Y13, op(A) from memory
	TESTQ $7, DX
	JZ    g3sum
	GEMVMASK(Y12)
	G3MASKED((SI), Y0, Y4, Y8)
	G3MASKED((SI)(R9*1), Y1, Y5, Y9)
	G3MASKED((SI)(R9*2), Y2, Y6, Y10)
	G3MASKED((SI)(R10*1), Y3, Y7, Y11)

g3sum:
	HSUM(Y0, X0, 0)
	HSUM(Y1, X1, 32)
	HSUM(Y2, X2, 64)
	HSUM(Y3, X3, 96)
	HSUM(Y4, X4, 4)
	HSUM(Y5, X5, 36)
	HSUM(Y6, X6, 68)
	HSUM(Y7, X7, 100)
	HSUM(Y8, X8, 8)
	HSUM(Y9, X9, 40)
	HSUM(Y10, X10, 72)
	HSUM(Y11, X11, 104)
	VZEROUPPER
	RET

// G4FMA0 adds B's row 0 floats in Y12 times op(A)'s four rows (Y8..Y11)
// to Y0, Y2, Y4, Y6; G4FMA1 its row 1 floats in Y13 to Y1, Y3, Y5, Y7.
#define G4FMA0 \
	VFMADD231PS Y12, Y8, Y0  ; \
	VFMADD231PS Y12, Y9, Y2  ; \
	VFMADD231PS Y12, Y10, Y4 ; \
	VFMADD231PS Y12, Y11, Y6

#define G4FMA1 \
	VFMADD231PS Y13, Y8, Y1  ; \
	VFMADD231PS Y13, Y9, Y3  ; \
	VFMADD231PS Y13, Y10, Y5 ; \
	VFMADD231PS Y13, Y11, Y7

// G4A(ao) loads eight floats of op(A)'s four rows, ao bytes on, into
// Y8..Y11 (R13 = 3*R11).
#define G4A(ao) \
	VMOVUPS ao(AX), Y8         ; \
	VMOVUPS ao(AX)(R11*1), Y9  ; \
	VMOVUPS ao(AX)(R11*2), Y10 ; \
	VMOVUPS ao(AX)(R13*1), Y11

// G4COL(bo) adds eight floats bo bytes on of B's two rows times op(A)'s.
#define G4COL(bo) \
	VMOVUPS bo(SI), Y12       ; \
	VMOVUPS bo(SI)(R9*1), Y13 ; \
	G4FMA0                    ; \
	G4FMA1

// func sgemmGemv4AVX2(k int, at, b *float32, ldb int, out *float32)
//
// sgemmGemv4AVX2 is sgemmGemv1AVX2 for four rows of op(A) against two rows
// of B: out[j*8+i] for j < 2, i < 4, eight accumulators, Y(2i+j): op(A)'s
// four vectors and B's two take a load each per eight multiply-adds.
// Preconditions: as sgemmGemv1AVX2's, at holding four rows, B two.
TEXT ·sgemmGemv4AVX2(SB), NOSPLIT, $0-40
	GEMVSTART
	LEAQ  (R11)(R11*2), R13
	ZERO8
	TESTQ CX, CX
	JZ    g4eight

g4block: // 16 floats of each row
	PREFETCHT0 256(SI)
	PREFETCHT0 256(SI)(R9*1)
	G4A(0)
	G4COL(0)
	G4A(32)
	G4COL(32)
	GEMVADVANCE(64)
	DECQ       CX
	JNZ        g4block

g4eight:
	TESTQ $8, DX
	JZ    g4tail
	G4A(0)
	G4COL(0)
	GEMVADVANCE(32)

g4tail: // B's last floats under the mask in Y14
	TESTQ $7, DX
	JZ    g4sum
	GEMVMASK(Y14)
	G4A(0)
	VMASKMOVPS (SI), Y14, Y12
	VMASKMOVPS (SI)(R9*1), Y14, Y13
	G4FMA0
	G4FMA1

g4sum:
	HSUM(Y0, X0, 0)
	HSUM(Y1, X1, 32)
	HSUM(Y2, X2, 4)
	HSUM(Y3, X3, 36)
	HSUM(Y4, X4, 8)
	HSUM(Y5, X5, 40)
	HSUM(Y6, X6, 12)
	HSUM(Y7, X7, 44)
	VZEROUPPER
	RET
