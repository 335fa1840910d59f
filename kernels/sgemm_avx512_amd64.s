//go:build !purego

// This file holds the AVX-512 Sgemm micro-kernels: a 14×32 tile of C in 28
// ZMM accumulators (AVX-512's value on Zen 4 is its 32 registers, not its
// width: see ANCHORS.md), fed by a packed panel of A (14 floats per k) and a
// panel of B (32 floats per k, rows ldb floats apart), and r×32 twins for the
// last r < 14 rows of C. They match sgemmMicro4x4Generic's contract
// (sgemm_generic.go) with mr=14 (or r), nr=32 and a B row stride. Only
// AVX-512F instructions are used.

#include "textflag.h"

// Register map (all kernels):
//   AX  = &Ap[p*r]         packed A panel cursor (r = rows of the tile)
//   BX  = &B[p*ldb]        B panel cursor
//   R11 = ldb*4            B row stride in bytes
//   CX  = k steps left
//   DX  = ldc*4            C row stride in bytes
//   DI  = &C[0][0], R8 = &C[i][0] while prefetching the tile and storing it
//   Z0..Z27  acc: row i of the tile is Z(2i) = cols 0-15, Z(2i+1) = cols 16-31
//   Z28, Z29 = B[p][0:16], B[p][16:32] (b0, b1)
//   Z30, Z31 = broadcast Ap[p*r+i] (alternating rows)
//   after the loop: Z30 = alpha, Z31 = beta in all lanes

// ZLOADB loads row p of the B panel and advances to row p+1, in Go:
//   b0, b1 := B[p][0:16], B[p][16:32]; p++
#define ZLOADB \
	VMOVUPS (BX), Z28   /* b0 = B[p][0:16] */  \
	VMOVUPS 64(BX), Z29 /* b1 = B[p][16:32] */ \
	ADDQ    R11, BX     /* BX = &B[p+1][0] */

// ZROW(ao, bc, lo, hi) accumulates one tile row, in Go:
//   a := Ap[ao/4]; acc[i][0:16] += a*b0; acc[i][16:32] += a*b1
#define ZROW(ao, bc, lo, hi) \
	VBROADCASTSS ao(AX), bc  /* a = Ap[ao/4] in all lanes */ \
	VFMADD231PS  Z28, bc, lo /* acc[i][0:16] += a*b0 */      \
	VFMADD231PS  Z29, bc, hi /* acc[i][16:32] += a*b1 */

// ZSTORE0(lo, hi) stores one tile row without reading C, in Go:
//   C[i][0:32] = alpha*acc[i][0:32]; i++
#define ZSTORE0(lo, hi) \
	VMULPS  Z30, lo, lo /* lo = alpha*acc[i][0:16] */  \
	VMULPS  Z30, hi, hi /* hi = alpha*acc[i][16:32] */ \
	VMOVUPS lo, (R8)    /* C[i][0:16] = lo */          \
	VMOVUPS hi, 64(R8)  /* C[i][16:32] = hi */         \
	ADDQ    DX, R8      /* i++ (R8 = &C[i][0]) */

// ZSTOREB(lo, hi) updates one tile row, in Go:
//   C[i][j] = fma(beta, C[i][j], alpha*acc[i][j]) for j in 0..31; i++
#define ZSTOREB(lo, hi) \
	VMULPS      Z30, lo, lo     /* lo = alpha*acc[i][0:16] */  \
	VMULPS      Z30, hi, hi     /* hi = alpha*acc[i][16:32] */ \
	VFMADD231PS (R8), Z31, lo   /* lo += beta*C[i][0:16] */    \
	VFMADD231PS 64(R8), Z31, hi /* hi += beta*C[i][16:32] */   \
	VMOVUPS     lo, (R8)        /* C[i][0:16] = lo */          \
	VMOVUPS     hi, 64(R8)      /* C[i][16:32] = hi */         \
	ADDQ        DX, R8          /* i++ */

// ZPFROW asks for one tile row of C (128 bytes: three cache lines when it
// does not start one) and moves to the next row, in Go: touch C[i][0:32]; i++.
// ZPF2 and ZPF4 do it for 2 and 4 rows.
#define ZPFROW \
	PREFETCHT0 (R8)    /* C[i][0:] */          \
	PREFETCHT0 64(R8)  /* C[i][16:] */         \
	PREFETCHT0 127(R8) /* C[i][31]'s line */   \
	ADDQ       DX, R8  /* i++ (R8 = &C[i][0]) */

#define ZPF2 ZPFROW ; ZPFROW
#define ZPF4 ZPF2 ; ZPF2

// ZPROLOGUE loads the arguments (shared frame layout of all kernels below)
// and asks for the rows of C a 14-row tile covers (an edge kernel's tile
// has fewer: the rest are asked for in vain, and prefetches never fault),
// so that the loads (beta != 0) or the stores' line fills (beta == 0) after
// the k loop find them near. It leaves R8 past the tile.
#define ZPROLOGUE \
	MOVQ kc+0(FP), CX    /* CX = kc */             \
	MOVQ a+8(FP), AX     /* AX = &Ap[0] */         \
	MOVQ b+16(FP), BX    /* BX = &B[0][0] */       \
	MOVQ ldb+24(FP), R11 /* R11 = ldb */           \
	SHLQ $2, R11         /* R11 = ldb*4 (bytes) */ \
	MOVQ c+32(FP), DI    /* DI = &C[0][0] */       \
	MOVQ ldc+40(FP), DX  /* DX = ldc */            \
	SHLQ $2, DX          /* DX = ldc*4 (bytes) */  \
	MOVQ DI, R8          /* R8 = &C[0][0] */       \
	ZPF4 ; ZPF4 ; ZPF4 ; ZPF2 /* C rows 0..13 */

// ZSCALARS(nz) sets Z30 = alpha, R8 = &C[0][0] and jumps to label nz when
// beta != ±0 (setting Z31 = beta is the label's job).
#define ZSCALARS(nz) \
	VBROADCASTSS alpha+48(FP), Z30 /* Z30 = alpha in all lanes */ \
	MOVQ         DI, R8            /* R8 = &C[0][0] */            \
	MOVL         beta+52(FP), R9   /* R9 = bits of beta */        \
	TESTL        $0x7fffffff, R9   /* beta == ±0 ? */             \
	JNZ          nz

// ZZERO28 clears the 28 accumulators of a 14×32 tile.
#define ZZERO28 \
	VPXORD Z0, Z0, Z0 \
	VPXORD Z1, Z1, Z1 \
	VPXORD Z2, Z2, Z2 \
	VPXORD Z3, Z3, Z3 \
	VPXORD Z4, Z4, Z4 \
	VPXORD Z5, Z5, Z5 \
	VPXORD Z6, Z6, Z6 \
	VPXORD Z7, Z7, Z7 \
	VPXORD Z8, Z8, Z8 \
	VPXORD Z9, Z9, Z9 \
	VPXORD Z10, Z10, Z10 \
	VPXORD Z11, Z11, Z11 \
	VPXORD Z12, Z12, Z12 \
	VPXORD Z13, Z13, Z13 \
	VPXORD Z14, Z14, Z14 \
	VPXORD Z15, Z15, Z15 \
	VPXORD Z16, Z16, Z16 \
	VPXORD Z17, Z17, Z17 \
	VPXORD Z18, Z18, Z18 \
	VPXORD Z19, Z19, Z19 \
	VPXORD Z20, Z20, Z20 \
	VPXORD Z21, Z21, Z21 \
	VPXORD Z22, Z22, Z22 \
	VPXORD Z23, Z23, Z23 \
	VPXORD Z24, Z24, Z24 \
	VPXORD Z25, Z25, Z25 \
	VPXORD Z26, Z26, Z26 \
	VPXORD Z27, Z27, Z27

// ZSTORE14x32(ST) stores the 14 rows of a 14×32 tile with ST (ZSTORE0 or
// ZSTOREB) from R8 on.
#define ZSTORE14x32(ST) \
	ST(Z0, Z1) \
	ST(Z2, Z3) \
	ST(Z4, Z5) \
	ST(Z6, Z7) \
	ST(Z8, Z9) \
	ST(Z10, Z11) \
	ST(Z12, Z13) \
	ST(Z14, Z15) \
	ST(Z16, Z17) \
	ST(Z18, Z19) \
	ST(Z20, Z21) \
	ST(Z22, Z23) \
	ST(Z24, Z25) \
	ST(Z26, Z27)

// ZFINISH14x32 stores the 14×32 tile (C = alpha*acc, or alpha*acc +
// beta*C when beta != ±0) and returns: the shared end of the 14×32
// kernels. Its label, zwithbeta, is local to the function it ends.
#define ZFINISH14x32 \
	ZSCALARS(zwithbeta)           \
	ZSTORE14x32(ZSTORE0)          \
	VZEROUPPER                    \
	RET                           \
zwithbeta:                        \
	VBROADCASTSS beta+52(FP), Z31 \
	ZSTORE14x32(ZSTOREB)          \
	VZEROUPPER                    \
	RET

// func sgemmMicro14x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro14x32AVX512 is the AVX-512 twin of sgemmMicro4x4Generic for a 14×32
// tile: C = alpha*Ap·B + beta*C with Ap a packed 14×kc panel (Ap[p*14+i]), B
// a kc×32 panel with rows ldb floats apart (B[p*ldb+j]) and C rows ldc floats
// apart; C is not read when beta == ±0. Preconditions: kc >= 1; Ap holds
// 14*kc floats, B (kc-1)*ldb+32; the 14×32 tile of C is in bounds; the CPU
// has AVX-512F. Sums use fused multiply-adds.
TEXT ·sgemmMicro14x32AVX512(SB), NOSPLIT, $0-56
	ZPROLOGUE
	ZZERO28              // acc = 0
	SUBQ $2, CX          // CX = kc - 2: steps left after the next two
	JLT  ztail2_14

zloop2_14: // for ; CX >= 0; CX -= 2: two k steps
	PREFETCHT0 448(AX)   // A panel 8 steps ahead (it streams from L2)
	ZLOADB               // b0, b1 = B[p][0:32]; p++
	ZROW(0, Z30, Z0, Z1) // acc[0] += Ap[(p)*14+0]*b
	ZROW(4, Z31, Z2, Z3) // acc[1] += Ap[(p)*14+1]*b
	ZROW(8, Z30, Z4, Z5) // acc[2] += Ap[(p)*14+2]*b
	ZROW(12, Z31, Z6, Z7) // acc[3] += Ap[(p)*14+3]*b
	ZROW(16, Z30, Z8, Z9) // acc[4] += Ap[(p)*14+4]*b
	ZROW(20, Z31, Z10, Z11) // acc[5] += Ap[(p)*14+5]*b
	ZROW(24, Z30, Z12, Z13) // acc[6] += Ap[(p)*14+6]*b
	ZROW(28, Z31, Z14, Z15) // acc[7] += Ap[(p)*14+7]*b
	ZROW(32, Z30, Z16, Z17) // acc[8] += Ap[(p)*14+8]*b
	ZROW(36, Z31, Z18, Z19) // acc[9] += Ap[(p)*14+9]*b
	ZROW(40, Z30, Z20, Z21) // acc[10] += Ap[(p)*14+10]*b
	ZROW(44, Z31, Z22, Z23) // acc[11] += Ap[(p)*14+11]*b
	ZROW(48, Z30, Z24, Z25) // acc[12] += Ap[(p)*14+12]*b
	ZROW(52, Z31, Z26, Z27) // acc[13] += Ap[(p)*14+13]*b
	ZLOADB               // b0, b1 = B[p+1][0:32]; p++
	ZROW(56, Z30, Z0, Z1) // acc[0] += Ap[(p+1)*14+0]*b
	ZROW(60, Z31, Z2, Z3) // acc[1] += Ap[(p+1)*14+1]*b
	ZROW(64, Z30, Z4, Z5) // acc[2] += Ap[(p+1)*14+2]*b
	ZROW(68, Z31, Z6, Z7) // acc[3] += Ap[(p+1)*14+3]*b
	ZROW(72, Z30, Z8, Z9) // acc[4] += Ap[(p+1)*14+4]*b
	ZROW(76, Z31, Z10, Z11) // acc[5] += Ap[(p+1)*14+5]*b
	ZROW(80, Z30, Z12, Z13) // acc[6] += Ap[(p+1)*14+6]*b
	ZROW(84, Z31, Z14, Z15) // acc[7] += Ap[(p+1)*14+7]*b
	ZROW(88, Z30, Z16, Z17) // acc[8] += Ap[(p+1)*14+8]*b
	ZROW(92, Z31, Z18, Z19) // acc[9] += Ap[(p+1)*14+9]*b
	ZROW(96, Z30, Z20, Z21) // acc[10] += Ap[(p+1)*14+10]*b
	ZROW(100, Z31, Z22, Z23) // acc[11] += Ap[(p+1)*14+11]*b
	ZROW(104, Z30, Z24, Z25) // acc[12] += Ap[(p+1)*14+12]*b
	ZROW(108, Z31, Z26, Z27) // acc[13] += Ap[(p+1)*14+13]*b
	ADDQ $112, AX        // AX = &Ap[(p+2)*14]
	SUBQ $2, CX          // CX -= 2
	JGE  zloop2_14

ztail2_14:
	ADDQ $2, CX          // CX = steps left (0..1)
	JZ   zstore_14
	ZLOADB               // last odd k step
	ZROW(0, Z30, Z0, Z1) // acc[0] += Ap[(p)*14+0]*b
	ZROW(4, Z31, Z2, Z3) // acc[1] += Ap[(p)*14+1]*b
	ZROW(8, Z30, Z4, Z5) // acc[2] += Ap[(p)*14+2]*b
	ZROW(12, Z31, Z6, Z7) // acc[3] += Ap[(p)*14+3]*b
	ZROW(16, Z30, Z8, Z9) // acc[4] += Ap[(p)*14+4]*b
	ZROW(20, Z31, Z10, Z11) // acc[5] += Ap[(p)*14+5]*b
	ZROW(24, Z30, Z12, Z13) // acc[6] += Ap[(p)*14+6]*b
	ZROW(28, Z31, Z14, Z15) // acc[7] += Ap[(p)*14+7]*b
	ZROW(32, Z30, Z16, Z17) // acc[8] += Ap[(p)*14+8]*b
	ZROW(36, Z31, Z18, Z19) // acc[9] += Ap[(p)*14+9]*b
	ZROW(40, Z30, Z20, Z21) // acc[10] += Ap[(p)*14+10]*b
	ZROW(44, Z31, Z22, Z23) // acc[11] += Ap[(p)*14+11]*b
	ZROW(48, Z30, Z24, Z25) // acc[12] += Ap[(p)*14+12]*b
	ZROW(52, Z31, Z26, Z27) // acc[13] += Ap[(p)*14+13]*b

zstore_14:
	ZFINISH14x32         // C = alpha*acc (+ beta*C)

// ZROWS14(o) accumulates the 14 tile rows of one k step, Ap[o/4 : o/4+14].
#define ZROWS14(o) \
	ZROW(o, Z30, Z0, Z1)       \
	ZROW(o+4, Z31, Z2, Z3)     \
	ZROW(o+8, Z30, Z4, Z5)     \
	ZROW(o+12, Z31, Z6, Z7)    \
	ZROW(o+16, Z30, Z8, Z9)    \
	ZROW(o+20, Z31, Z10, Z11)  \
	ZROW(o+24, Z30, Z12, Z13)  \
	ZROW(o+28, Z31, Z14, Z15)  \
	ZROW(o+32, Z30, Z16, Z17)  \
	ZROW(o+36, Z31, Z18, Z19)  \
	ZROW(o+40, Z30, Z20, Z21)  \
	ZROW(o+44, Z31, Z22, Z23)  \
	ZROW(o+48, Z30, Z24, Z25)  \
	ZROW(o+52, Z31, Z26, Z27)

// ZLOADBPK(po) is ZLOADB that first asks for the next panel's part of row
// p and then also writes the row it read to the packed panel at SI+po.
#define ZLOADBPK(po) \
	PREFETCHT0 128(BX)       /* touch B[p][32:48] */  \
	PREFETCHT0 191(BX)       /* and B[p][63]'s line */ \
	ZLOADB                   \
	VMOVUPS    Z28, po(SI)   /* Bp[p][0:16] = b0 */   \
	VMOVUPS    Z29, po+64(SI) /* Bp[p][16:32] = b1 */

// func sgemmMicro14x32PackAVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, bp *float32)
//
// sgemmMicro14x32PackAVX512 is sgemmMicro14x32AVX512 (same contract and
// preconditions, same bits) for a B read in place that also packs the
// panel it reads: Bp[p*32+j] = B[p*ldb+j] for p < kc, j < 32, so that the
// tiles below this one read the packed panel and no separate pass over B
// is needed (see sgemmMicro6x16PackAVX2). Bp holds 32*kc floats and
// overlaps none of B, Ap or C.
// Registers as sgemmMicro14x32AVX512, and SI = &Bp[p*32].
TEXT ·sgemmMicro14x32PackAVX512(SB), NOSPLIT, $0-64
	ZPROLOGUE
	MOVQ bp+56(FP), SI   // SI = &Bp[0]
	ZZERO28              // acc = 0
	SUBQ $2, CX          // CX = kc - 2: steps left after the next two
	JLT  zktail

zkloop: // for ; CX >= 0; CX -= 2: two k steps
	PREFETCHT0 448(AX)   // A panel 8 steps ahead (it streams from L2)
	ZLOADBPK(0)          // b0, b1 = B[p][0:32], packed; p++
	ZROWS14(0)           // acc[i] += Ap[p*14+i]*b
	ZLOADBPK(128)        // b0, b1 = B[p+1][0:32], packed; p++
	ZROWS14(56)          // acc[i] += Ap[(p+1)*14+i]*b
	ADDQ $112, AX        // AX = &Ap[(p+2)*14]
	ADDQ $256, SI        // SI = &Bp[(p+2)*32]
	SUBQ $2, CX          // CX -= 2
	JGE  zkloop

zktail:
	ADDQ $2, CX          // CX = steps left (0..1)
	JZ   zkstore
	ZLOADBPK(0)          // the last, odd step
	ZROWS14(0)

zkstore:
	ZFINISH14x32         // C = alpha*acc (+ beta*C)

// func sgemmMicro13x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro13x32AVX512 is sgemmMicro14x32AVX512 for the last 13 rows of C: Ap is a
// packed 13×kc panel (Ap[p*13+i]); same B, C and preconditions otherwise.
TEXT ·sgemmMicro13x32AVX512(SB), NOSPLIT, $0-56
	ZPROLOGUE
	VPXORD Z0, Z0, Z0 // acc[0][0:16] = 0
	VPXORD Z1, Z1, Z1 // acc[0][16:32] = 0
	VPXORD Z2, Z2, Z2 // acc[1][0:16] = 0
	VPXORD Z3, Z3, Z3 // acc[1][16:32] = 0
	VPXORD Z4, Z4, Z4 // acc[2][0:16] = 0
	VPXORD Z5, Z5, Z5 // acc[2][16:32] = 0
	VPXORD Z6, Z6, Z6 // acc[3][0:16] = 0
	VPXORD Z7, Z7, Z7 // acc[3][16:32] = 0
	VPXORD Z8, Z8, Z8 // acc[4][0:16] = 0
	VPXORD Z9, Z9, Z9 // acc[4][16:32] = 0
	VPXORD Z10, Z10, Z10 // acc[5][0:16] = 0
	VPXORD Z11, Z11, Z11 // acc[5][16:32] = 0
	VPXORD Z12, Z12, Z12 // acc[6][0:16] = 0
	VPXORD Z13, Z13, Z13 // acc[6][16:32] = 0
	VPXORD Z14, Z14, Z14 // acc[7][0:16] = 0
	VPXORD Z15, Z15, Z15 // acc[7][16:32] = 0
	VPXORD Z16, Z16, Z16 // acc[8][0:16] = 0
	VPXORD Z17, Z17, Z17 // acc[8][16:32] = 0
	VPXORD Z18, Z18, Z18 // acc[9][0:16] = 0
	VPXORD Z19, Z19, Z19 // acc[9][16:32] = 0
	VPXORD Z20, Z20, Z20 // acc[10][0:16] = 0
	VPXORD Z21, Z21, Z21 // acc[10][16:32] = 0
	VPXORD Z22, Z22, Z22 // acc[11][0:16] = 0
	VPXORD Z23, Z23, Z23 // acc[11][16:32] = 0
	VPXORD Z24, Z24, Z24 // acc[12][0:16] = 0
	VPXORD Z25, Z25, Z25 // acc[12][16:32] = 0

zloop_13: // for ; CX > 0; CX--: one k step
	ZLOADB               // b0, b1 = B[p][0:32]; p++
	ZROW(0, Z30, Z0, Z1) // acc[0] += Ap[(p)*13+0]*b
	ZROW(4, Z31, Z2, Z3) // acc[1] += Ap[(p)*13+1]*b
	ZROW(8, Z30, Z4, Z5) // acc[2] += Ap[(p)*13+2]*b
	ZROW(12, Z31, Z6, Z7) // acc[3] += Ap[(p)*13+3]*b
	ZROW(16, Z30, Z8, Z9) // acc[4] += Ap[(p)*13+4]*b
	ZROW(20, Z31, Z10, Z11) // acc[5] += Ap[(p)*13+5]*b
	ZROW(24, Z30, Z12, Z13) // acc[6] += Ap[(p)*13+6]*b
	ZROW(28, Z31, Z14, Z15) // acc[7] += Ap[(p)*13+7]*b
	ZROW(32, Z30, Z16, Z17) // acc[8] += Ap[(p)*13+8]*b
	ZROW(36, Z31, Z18, Z19) // acc[9] += Ap[(p)*13+9]*b
	ZROW(40, Z30, Z20, Z21) // acc[10] += Ap[(p)*13+10]*b
	ZROW(44, Z31, Z22, Z23) // acc[11] += Ap[(p)*13+11]*b
	ZROW(48, Z30, Z24, Z25) // acc[12] += Ap[(p)*13+12]*b
	ADDQ $52, AX        // AX = &Ap[(p+1)*13]
	DECQ CX              // CX--
	JNZ  zloop_13

	ZSCALARS(zbeta_13)
	ZSTORE0(Z0, Z1) // row 0
	ZSTORE0(Z2, Z3) // row 1
	ZSTORE0(Z4, Z5) // row 2
	ZSTORE0(Z6, Z7) // row 3
	ZSTORE0(Z8, Z9) // row 4
	ZSTORE0(Z10, Z11) // row 5
	ZSTORE0(Z12, Z13) // row 6
	ZSTORE0(Z14, Z15) // row 7
	ZSTORE0(Z16, Z17) // row 8
	ZSTORE0(Z18, Z19) // row 9
	ZSTORE0(Z20, Z21) // row 10
	ZSTORE0(Z22, Z23) // row 11
	ZSTORE0(Z24, Z25) // row 12
	VZEROUPPER
	RET

zbeta_13:
	VBROADCASTSS beta+52(FP), Z31 // Z31 = beta in all lanes
	ZSTOREB(Z0, Z1) // row 0
	ZSTOREB(Z2, Z3) // row 1
	ZSTOREB(Z4, Z5) // row 2
	ZSTOREB(Z6, Z7) // row 3
	ZSTOREB(Z8, Z9) // row 4
	ZSTOREB(Z10, Z11) // row 5
	ZSTOREB(Z12, Z13) // row 6
	ZSTOREB(Z14, Z15) // row 7
	ZSTOREB(Z16, Z17) // row 8
	ZSTOREB(Z18, Z19) // row 9
	ZSTOREB(Z20, Z21) // row 10
	ZSTOREB(Z22, Z23) // row 11
	ZSTOREB(Z24, Z25) // row 12
	VZEROUPPER
	RET

// func sgemmMicro12x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro12x32AVX512 is sgemmMicro14x32AVX512 for the last 12 rows of C: Ap is a
// packed 12×kc panel (Ap[p*12+i]); same B, C and preconditions otherwise.
TEXT ·sgemmMicro12x32AVX512(SB), NOSPLIT, $0-56
	ZPROLOGUE
	VPXORD Z0, Z0, Z0 // acc[0][0:16] = 0
	VPXORD Z1, Z1, Z1 // acc[0][16:32] = 0
	VPXORD Z2, Z2, Z2 // acc[1][0:16] = 0
	VPXORD Z3, Z3, Z3 // acc[1][16:32] = 0
	VPXORD Z4, Z4, Z4 // acc[2][0:16] = 0
	VPXORD Z5, Z5, Z5 // acc[2][16:32] = 0
	VPXORD Z6, Z6, Z6 // acc[3][0:16] = 0
	VPXORD Z7, Z7, Z7 // acc[3][16:32] = 0
	VPXORD Z8, Z8, Z8 // acc[4][0:16] = 0
	VPXORD Z9, Z9, Z9 // acc[4][16:32] = 0
	VPXORD Z10, Z10, Z10 // acc[5][0:16] = 0
	VPXORD Z11, Z11, Z11 // acc[5][16:32] = 0
	VPXORD Z12, Z12, Z12 // acc[6][0:16] = 0
	VPXORD Z13, Z13, Z13 // acc[6][16:32] = 0
	VPXORD Z14, Z14, Z14 // acc[7][0:16] = 0
	VPXORD Z15, Z15, Z15 // acc[7][16:32] = 0
	VPXORD Z16, Z16, Z16 // acc[8][0:16] = 0
	VPXORD Z17, Z17, Z17 // acc[8][16:32] = 0
	VPXORD Z18, Z18, Z18 // acc[9][0:16] = 0
	VPXORD Z19, Z19, Z19 // acc[9][16:32] = 0
	VPXORD Z20, Z20, Z20 // acc[10][0:16] = 0
	VPXORD Z21, Z21, Z21 // acc[10][16:32] = 0
	VPXORD Z22, Z22, Z22 // acc[11][0:16] = 0
	VPXORD Z23, Z23, Z23 // acc[11][16:32] = 0

zloop_12: // for ; CX > 0; CX--: one k step
	ZLOADB               // b0, b1 = B[p][0:32]; p++
	ZROW(0, Z30, Z0, Z1) // acc[0] += Ap[(p)*12+0]*b
	ZROW(4, Z31, Z2, Z3) // acc[1] += Ap[(p)*12+1]*b
	ZROW(8, Z30, Z4, Z5) // acc[2] += Ap[(p)*12+2]*b
	ZROW(12, Z31, Z6, Z7) // acc[3] += Ap[(p)*12+3]*b
	ZROW(16, Z30, Z8, Z9) // acc[4] += Ap[(p)*12+4]*b
	ZROW(20, Z31, Z10, Z11) // acc[5] += Ap[(p)*12+5]*b
	ZROW(24, Z30, Z12, Z13) // acc[6] += Ap[(p)*12+6]*b
	ZROW(28, Z31, Z14, Z15) // acc[7] += Ap[(p)*12+7]*b
	ZROW(32, Z30, Z16, Z17) // acc[8] += Ap[(p)*12+8]*b
	ZROW(36, Z31, Z18, Z19) // acc[9] += Ap[(p)*12+9]*b
	ZROW(40, Z30, Z20, Z21) // acc[10] += Ap[(p)*12+10]*b
	ZROW(44, Z31, Z22, Z23) // acc[11] += Ap[(p)*12+11]*b
	ADDQ $48, AX        // AX = &Ap[(p+1)*12]
	DECQ CX              // CX--
	JNZ  zloop_12

	ZSCALARS(zbeta_12)
	ZSTORE0(Z0, Z1) // row 0
	ZSTORE0(Z2, Z3) // row 1
	ZSTORE0(Z4, Z5) // row 2
	ZSTORE0(Z6, Z7) // row 3
	ZSTORE0(Z8, Z9) // row 4
	ZSTORE0(Z10, Z11) // row 5
	ZSTORE0(Z12, Z13) // row 6
	ZSTORE0(Z14, Z15) // row 7
	ZSTORE0(Z16, Z17) // row 8
	ZSTORE0(Z18, Z19) // row 9
	ZSTORE0(Z20, Z21) // row 10
	ZSTORE0(Z22, Z23) // row 11
	VZEROUPPER
	RET

zbeta_12:
	VBROADCASTSS beta+52(FP), Z31 // Z31 = beta in all lanes
	ZSTOREB(Z0, Z1) // row 0
	ZSTOREB(Z2, Z3) // row 1
	ZSTOREB(Z4, Z5) // row 2
	ZSTOREB(Z6, Z7) // row 3
	ZSTOREB(Z8, Z9) // row 4
	ZSTOREB(Z10, Z11) // row 5
	ZSTOREB(Z12, Z13) // row 6
	ZSTOREB(Z14, Z15) // row 7
	ZSTOREB(Z16, Z17) // row 8
	ZSTOREB(Z18, Z19) // row 9
	ZSTOREB(Z20, Z21) // row 10
	ZSTOREB(Z22, Z23) // row 11
	VZEROUPPER
	RET

// func sgemmMicro11x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro11x32AVX512 is sgemmMicro14x32AVX512 for the last 11 rows of C: Ap is a
// packed 11×kc panel (Ap[p*11+i]); same B, C and preconditions otherwise.
TEXT ·sgemmMicro11x32AVX512(SB), NOSPLIT, $0-56
	ZPROLOGUE
	VPXORD Z0, Z0, Z0 // acc[0][0:16] = 0
	VPXORD Z1, Z1, Z1 // acc[0][16:32] = 0
	VPXORD Z2, Z2, Z2 // acc[1][0:16] = 0
	VPXORD Z3, Z3, Z3 // acc[1][16:32] = 0
	VPXORD Z4, Z4, Z4 // acc[2][0:16] = 0
	VPXORD Z5, Z5, Z5 // acc[2][16:32] = 0
	VPXORD Z6, Z6, Z6 // acc[3][0:16] = 0
	VPXORD Z7, Z7, Z7 // acc[3][16:32] = 0
	VPXORD Z8, Z8, Z8 // acc[4][0:16] = 0
	VPXORD Z9, Z9, Z9 // acc[4][16:32] = 0
	VPXORD Z10, Z10, Z10 // acc[5][0:16] = 0
	VPXORD Z11, Z11, Z11 // acc[5][16:32] = 0
	VPXORD Z12, Z12, Z12 // acc[6][0:16] = 0
	VPXORD Z13, Z13, Z13 // acc[6][16:32] = 0
	VPXORD Z14, Z14, Z14 // acc[7][0:16] = 0
	VPXORD Z15, Z15, Z15 // acc[7][16:32] = 0
	VPXORD Z16, Z16, Z16 // acc[8][0:16] = 0
	VPXORD Z17, Z17, Z17 // acc[8][16:32] = 0
	VPXORD Z18, Z18, Z18 // acc[9][0:16] = 0
	VPXORD Z19, Z19, Z19 // acc[9][16:32] = 0
	VPXORD Z20, Z20, Z20 // acc[10][0:16] = 0
	VPXORD Z21, Z21, Z21 // acc[10][16:32] = 0

zloop_11: // for ; CX > 0; CX--: one k step
	ZLOADB               // b0, b1 = B[p][0:32]; p++
	ZROW(0, Z30, Z0, Z1) // acc[0] += Ap[(p)*11+0]*b
	ZROW(4, Z31, Z2, Z3) // acc[1] += Ap[(p)*11+1]*b
	ZROW(8, Z30, Z4, Z5) // acc[2] += Ap[(p)*11+2]*b
	ZROW(12, Z31, Z6, Z7) // acc[3] += Ap[(p)*11+3]*b
	ZROW(16, Z30, Z8, Z9) // acc[4] += Ap[(p)*11+4]*b
	ZROW(20, Z31, Z10, Z11) // acc[5] += Ap[(p)*11+5]*b
	ZROW(24, Z30, Z12, Z13) // acc[6] += Ap[(p)*11+6]*b
	ZROW(28, Z31, Z14, Z15) // acc[7] += Ap[(p)*11+7]*b
	ZROW(32, Z30, Z16, Z17) // acc[8] += Ap[(p)*11+8]*b
	ZROW(36, Z31, Z18, Z19) // acc[9] += Ap[(p)*11+9]*b
	ZROW(40, Z30, Z20, Z21) // acc[10] += Ap[(p)*11+10]*b
	ADDQ $44, AX        // AX = &Ap[(p+1)*11]
	DECQ CX              // CX--
	JNZ  zloop_11

	ZSCALARS(zbeta_11)
	ZSTORE0(Z0, Z1) // row 0
	ZSTORE0(Z2, Z3) // row 1
	ZSTORE0(Z4, Z5) // row 2
	ZSTORE0(Z6, Z7) // row 3
	ZSTORE0(Z8, Z9) // row 4
	ZSTORE0(Z10, Z11) // row 5
	ZSTORE0(Z12, Z13) // row 6
	ZSTORE0(Z14, Z15) // row 7
	ZSTORE0(Z16, Z17) // row 8
	ZSTORE0(Z18, Z19) // row 9
	ZSTORE0(Z20, Z21) // row 10
	VZEROUPPER
	RET

zbeta_11:
	VBROADCASTSS beta+52(FP), Z31 // Z31 = beta in all lanes
	ZSTOREB(Z0, Z1) // row 0
	ZSTOREB(Z2, Z3) // row 1
	ZSTOREB(Z4, Z5) // row 2
	ZSTOREB(Z6, Z7) // row 3
	ZSTOREB(Z8, Z9) // row 4
	ZSTOREB(Z10, Z11) // row 5
	ZSTOREB(Z12, Z13) // row 6
	ZSTOREB(Z14, Z15) // row 7
	ZSTOREB(Z16, Z17) // row 8
	ZSTOREB(Z18, Z19) // row 9
	ZSTOREB(Z20, Z21) // row 10
	VZEROUPPER
	RET

// func sgemmMicro10x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro10x32AVX512 is sgemmMicro14x32AVX512 for the last 10 rows of C: Ap is a
// packed 10×kc panel (Ap[p*10+i]); same B, C and preconditions otherwise.
TEXT ·sgemmMicro10x32AVX512(SB), NOSPLIT, $0-56
	ZPROLOGUE
	VPXORD Z0, Z0, Z0 // acc[0][0:16] = 0
	VPXORD Z1, Z1, Z1 // acc[0][16:32] = 0
	VPXORD Z2, Z2, Z2 // acc[1][0:16] = 0
	VPXORD Z3, Z3, Z3 // acc[1][16:32] = 0
	VPXORD Z4, Z4, Z4 // acc[2][0:16] = 0
	VPXORD Z5, Z5, Z5 // acc[2][16:32] = 0
	VPXORD Z6, Z6, Z6 // acc[3][0:16] = 0
	VPXORD Z7, Z7, Z7 // acc[3][16:32] = 0
	VPXORD Z8, Z8, Z8 // acc[4][0:16] = 0
	VPXORD Z9, Z9, Z9 // acc[4][16:32] = 0
	VPXORD Z10, Z10, Z10 // acc[5][0:16] = 0
	VPXORD Z11, Z11, Z11 // acc[5][16:32] = 0
	VPXORD Z12, Z12, Z12 // acc[6][0:16] = 0
	VPXORD Z13, Z13, Z13 // acc[6][16:32] = 0
	VPXORD Z14, Z14, Z14 // acc[7][0:16] = 0
	VPXORD Z15, Z15, Z15 // acc[7][16:32] = 0
	VPXORD Z16, Z16, Z16 // acc[8][0:16] = 0
	VPXORD Z17, Z17, Z17 // acc[8][16:32] = 0
	VPXORD Z18, Z18, Z18 // acc[9][0:16] = 0
	VPXORD Z19, Z19, Z19 // acc[9][16:32] = 0

zloop_10: // for ; CX > 0; CX--: one k step
	ZLOADB               // b0, b1 = B[p][0:32]; p++
	ZROW(0, Z30, Z0, Z1) // acc[0] += Ap[(p)*10+0]*b
	ZROW(4, Z31, Z2, Z3) // acc[1] += Ap[(p)*10+1]*b
	ZROW(8, Z30, Z4, Z5) // acc[2] += Ap[(p)*10+2]*b
	ZROW(12, Z31, Z6, Z7) // acc[3] += Ap[(p)*10+3]*b
	ZROW(16, Z30, Z8, Z9) // acc[4] += Ap[(p)*10+4]*b
	ZROW(20, Z31, Z10, Z11) // acc[5] += Ap[(p)*10+5]*b
	ZROW(24, Z30, Z12, Z13) // acc[6] += Ap[(p)*10+6]*b
	ZROW(28, Z31, Z14, Z15) // acc[7] += Ap[(p)*10+7]*b
	ZROW(32, Z30, Z16, Z17) // acc[8] += Ap[(p)*10+8]*b
	ZROW(36, Z31, Z18, Z19) // acc[9] += Ap[(p)*10+9]*b
	ADDQ $40, AX        // AX = &Ap[(p+1)*10]
	DECQ CX              // CX--
	JNZ  zloop_10

	ZSCALARS(zbeta_10)
	ZSTORE0(Z0, Z1) // row 0
	ZSTORE0(Z2, Z3) // row 1
	ZSTORE0(Z4, Z5) // row 2
	ZSTORE0(Z6, Z7) // row 3
	ZSTORE0(Z8, Z9) // row 4
	ZSTORE0(Z10, Z11) // row 5
	ZSTORE0(Z12, Z13) // row 6
	ZSTORE0(Z14, Z15) // row 7
	ZSTORE0(Z16, Z17) // row 8
	ZSTORE0(Z18, Z19) // row 9
	VZEROUPPER
	RET

zbeta_10:
	VBROADCASTSS beta+52(FP), Z31 // Z31 = beta in all lanes
	ZSTOREB(Z0, Z1) // row 0
	ZSTOREB(Z2, Z3) // row 1
	ZSTOREB(Z4, Z5) // row 2
	ZSTOREB(Z6, Z7) // row 3
	ZSTOREB(Z8, Z9) // row 4
	ZSTOREB(Z10, Z11) // row 5
	ZSTOREB(Z12, Z13) // row 6
	ZSTOREB(Z14, Z15) // row 7
	ZSTOREB(Z16, Z17) // row 8
	ZSTOREB(Z18, Z19) // row 9
	VZEROUPPER
	RET

// func sgemmMicro9x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro9x32AVX512 is sgemmMicro14x32AVX512 for the last 9 rows of C: Ap is a
// packed 9×kc panel (Ap[p*9+i]); same B, C and preconditions otherwise.
TEXT ·sgemmMicro9x32AVX512(SB), NOSPLIT, $0-56
	ZPROLOGUE
	VPXORD Z0, Z0, Z0 // acc[0][0:16] = 0
	VPXORD Z1, Z1, Z1 // acc[0][16:32] = 0
	VPXORD Z2, Z2, Z2 // acc[1][0:16] = 0
	VPXORD Z3, Z3, Z3 // acc[1][16:32] = 0
	VPXORD Z4, Z4, Z4 // acc[2][0:16] = 0
	VPXORD Z5, Z5, Z5 // acc[2][16:32] = 0
	VPXORD Z6, Z6, Z6 // acc[3][0:16] = 0
	VPXORD Z7, Z7, Z7 // acc[3][16:32] = 0
	VPXORD Z8, Z8, Z8 // acc[4][0:16] = 0
	VPXORD Z9, Z9, Z9 // acc[4][16:32] = 0
	VPXORD Z10, Z10, Z10 // acc[5][0:16] = 0
	VPXORD Z11, Z11, Z11 // acc[5][16:32] = 0
	VPXORD Z12, Z12, Z12 // acc[6][0:16] = 0
	VPXORD Z13, Z13, Z13 // acc[6][16:32] = 0
	VPXORD Z14, Z14, Z14 // acc[7][0:16] = 0
	VPXORD Z15, Z15, Z15 // acc[7][16:32] = 0
	VPXORD Z16, Z16, Z16 // acc[8][0:16] = 0
	VPXORD Z17, Z17, Z17 // acc[8][16:32] = 0

zloop_9: // for ; CX > 0; CX--: one k step
	ZLOADB               // b0, b1 = B[p][0:32]; p++
	ZROW(0, Z30, Z0, Z1) // acc[0] += Ap[(p)*9+0]*b
	ZROW(4, Z31, Z2, Z3) // acc[1] += Ap[(p)*9+1]*b
	ZROW(8, Z30, Z4, Z5) // acc[2] += Ap[(p)*9+2]*b
	ZROW(12, Z31, Z6, Z7) // acc[3] += Ap[(p)*9+3]*b
	ZROW(16, Z30, Z8, Z9) // acc[4] += Ap[(p)*9+4]*b
	ZROW(20, Z31, Z10, Z11) // acc[5] += Ap[(p)*9+5]*b
	ZROW(24, Z30, Z12, Z13) // acc[6] += Ap[(p)*9+6]*b
	ZROW(28, Z31, Z14, Z15) // acc[7] += Ap[(p)*9+7]*b
	ZROW(32, Z30, Z16, Z17) // acc[8] += Ap[(p)*9+8]*b
	ADDQ $36, AX        // AX = &Ap[(p+1)*9]
	DECQ CX              // CX--
	JNZ  zloop_9

	ZSCALARS(zbeta_9)
	ZSTORE0(Z0, Z1) // row 0
	ZSTORE0(Z2, Z3) // row 1
	ZSTORE0(Z4, Z5) // row 2
	ZSTORE0(Z6, Z7) // row 3
	ZSTORE0(Z8, Z9) // row 4
	ZSTORE0(Z10, Z11) // row 5
	ZSTORE0(Z12, Z13) // row 6
	ZSTORE0(Z14, Z15) // row 7
	ZSTORE0(Z16, Z17) // row 8
	VZEROUPPER
	RET

zbeta_9:
	VBROADCASTSS beta+52(FP), Z31 // Z31 = beta in all lanes
	ZSTOREB(Z0, Z1) // row 0
	ZSTOREB(Z2, Z3) // row 1
	ZSTOREB(Z4, Z5) // row 2
	ZSTOREB(Z6, Z7) // row 3
	ZSTOREB(Z8, Z9) // row 4
	ZSTOREB(Z10, Z11) // row 5
	ZSTOREB(Z12, Z13) // row 6
	ZSTOREB(Z14, Z15) // row 7
	ZSTOREB(Z16, Z17) // row 8
	VZEROUPPER
	RET

// func sgemmMicro8x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro8x32AVX512 is sgemmMicro14x32AVX512 for the last 8 rows of C: Ap is a
// packed 8×kc panel (Ap[p*8+i]); same B, C and preconditions otherwise.
TEXT ·sgemmMicro8x32AVX512(SB), NOSPLIT, $0-56
	ZPROLOGUE
	VPXORD Z0, Z0, Z0 // acc[0][0:16] = 0
	VPXORD Z1, Z1, Z1 // acc[0][16:32] = 0
	VPXORD Z2, Z2, Z2 // acc[1][0:16] = 0
	VPXORD Z3, Z3, Z3 // acc[1][16:32] = 0
	VPXORD Z4, Z4, Z4 // acc[2][0:16] = 0
	VPXORD Z5, Z5, Z5 // acc[2][16:32] = 0
	VPXORD Z6, Z6, Z6 // acc[3][0:16] = 0
	VPXORD Z7, Z7, Z7 // acc[3][16:32] = 0
	VPXORD Z8, Z8, Z8 // acc[4][0:16] = 0
	VPXORD Z9, Z9, Z9 // acc[4][16:32] = 0
	VPXORD Z10, Z10, Z10 // acc[5][0:16] = 0
	VPXORD Z11, Z11, Z11 // acc[5][16:32] = 0
	VPXORD Z12, Z12, Z12 // acc[6][0:16] = 0
	VPXORD Z13, Z13, Z13 // acc[6][16:32] = 0
	VPXORD Z14, Z14, Z14 // acc[7][0:16] = 0
	VPXORD Z15, Z15, Z15 // acc[7][16:32] = 0

zloop_8: // for ; CX > 0; CX--: one k step
	ZLOADB               // b0, b1 = B[p][0:32]; p++
	ZROW(0, Z30, Z0, Z1) // acc[0] += Ap[(p)*8+0]*b
	ZROW(4, Z31, Z2, Z3) // acc[1] += Ap[(p)*8+1]*b
	ZROW(8, Z30, Z4, Z5) // acc[2] += Ap[(p)*8+2]*b
	ZROW(12, Z31, Z6, Z7) // acc[3] += Ap[(p)*8+3]*b
	ZROW(16, Z30, Z8, Z9) // acc[4] += Ap[(p)*8+4]*b
	ZROW(20, Z31, Z10, Z11) // acc[5] += Ap[(p)*8+5]*b
	ZROW(24, Z30, Z12, Z13) // acc[6] += Ap[(p)*8+6]*b
	ZROW(28, Z31, Z14, Z15) // acc[7] += Ap[(p)*8+7]*b
	ADDQ $32, AX        // AX = &Ap[(p+1)*8]
	DECQ CX              // CX--
	JNZ  zloop_8

	ZSCALARS(zbeta_8)
	ZSTORE0(Z0, Z1) // row 0
	ZSTORE0(Z2, Z3) // row 1
	ZSTORE0(Z4, Z5) // row 2
	ZSTORE0(Z6, Z7) // row 3
	ZSTORE0(Z8, Z9) // row 4
	ZSTORE0(Z10, Z11) // row 5
	ZSTORE0(Z12, Z13) // row 6
	ZSTORE0(Z14, Z15) // row 7
	VZEROUPPER
	RET

zbeta_8:
	VBROADCASTSS beta+52(FP), Z31 // Z31 = beta in all lanes
	ZSTOREB(Z0, Z1) // row 0
	ZSTOREB(Z2, Z3) // row 1
	ZSTOREB(Z4, Z5) // row 2
	ZSTOREB(Z6, Z7) // row 3
	ZSTOREB(Z8, Z9) // row 4
	ZSTOREB(Z10, Z11) // row 5
	ZSTOREB(Z12, Z13) // row 6
	ZSTOREB(Z14, Z15) // row 7
	VZEROUPPER
	RET

// func sgemmMicro7x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro7x32AVX512 is sgemmMicro14x32AVX512 for the last 7 rows of C: Ap is a
// packed 7×kc panel (Ap[p*7+i]); same B, C and preconditions otherwise.
TEXT ·sgemmMicro7x32AVX512(SB), NOSPLIT, $0-56
	ZPROLOGUE
	VPXORD Z0, Z0, Z0 // acc[0][0:16] = 0
	VPXORD Z1, Z1, Z1 // acc[0][16:32] = 0
	VPXORD Z2, Z2, Z2 // acc[1][0:16] = 0
	VPXORD Z3, Z3, Z3 // acc[1][16:32] = 0
	VPXORD Z4, Z4, Z4 // acc[2][0:16] = 0
	VPXORD Z5, Z5, Z5 // acc[2][16:32] = 0
	VPXORD Z6, Z6, Z6 // acc[3][0:16] = 0
	VPXORD Z7, Z7, Z7 // acc[3][16:32] = 0
	VPXORD Z8, Z8, Z8 // acc[4][0:16] = 0
	VPXORD Z9, Z9, Z9 // acc[4][16:32] = 0
	VPXORD Z10, Z10, Z10 // acc[5][0:16] = 0
	VPXORD Z11, Z11, Z11 // acc[5][16:32] = 0
	VPXORD Z12, Z12, Z12 // acc[6][0:16] = 0
	VPXORD Z13, Z13, Z13 // acc[6][16:32] = 0

zloop_7: // for ; CX > 0; CX--: one k step
	ZLOADB               // b0, b1 = B[p][0:32]; p++
	ZROW(0, Z30, Z0, Z1) // acc[0] += Ap[(p)*7+0]*b
	ZROW(4, Z31, Z2, Z3) // acc[1] += Ap[(p)*7+1]*b
	ZROW(8, Z30, Z4, Z5) // acc[2] += Ap[(p)*7+2]*b
	ZROW(12, Z31, Z6, Z7) // acc[3] += Ap[(p)*7+3]*b
	ZROW(16, Z30, Z8, Z9) // acc[4] += Ap[(p)*7+4]*b
	ZROW(20, Z31, Z10, Z11) // acc[5] += Ap[(p)*7+5]*b
	ZROW(24, Z30, Z12, Z13) // acc[6] += Ap[(p)*7+6]*b
	ADDQ $28, AX        // AX = &Ap[(p+1)*7]
	DECQ CX              // CX--
	JNZ  zloop_7

	ZSCALARS(zbeta_7)
	ZSTORE0(Z0, Z1) // row 0
	ZSTORE0(Z2, Z3) // row 1
	ZSTORE0(Z4, Z5) // row 2
	ZSTORE0(Z6, Z7) // row 3
	ZSTORE0(Z8, Z9) // row 4
	ZSTORE0(Z10, Z11) // row 5
	ZSTORE0(Z12, Z13) // row 6
	VZEROUPPER
	RET

zbeta_7:
	VBROADCASTSS beta+52(FP), Z31 // Z31 = beta in all lanes
	ZSTOREB(Z0, Z1) // row 0
	ZSTOREB(Z2, Z3) // row 1
	ZSTOREB(Z4, Z5) // row 2
	ZSTOREB(Z6, Z7) // row 3
	ZSTOREB(Z8, Z9) // row 4
	ZSTOREB(Z10, Z11) // row 5
	ZSTOREB(Z12, Z13) // row 6
	VZEROUPPER
	RET

// func sgemmMicro6x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro6x32AVX512 is sgemmMicro14x32AVX512 for the last 6 rows of C: Ap is a
// packed 6×kc panel (Ap[p*6+i]); same B, C and preconditions otherwise.
TEXT ·sgemmMicro6x32AVX512(SB), NOSPLIT, $0-56
	ZPROLOGUE
	VPXORD Z0, Z0, Z0 // acc[0][0:16] = 0
	VPXORD Z1, Z1, Z1 // acc[0][16:32] = 0
	VPXORD Z2, Z2, Z2 // acc[1][0:16] = 0
	VPXORD Z3, Z3, Z3 // acc[1][16:32] = 0
	VPXORD Z4, Z4, Z4 // acc[2][0:16] = 0
	VPXORD Z5, Z5, Z5 // acc[2][16:32] = 0
	VPXORD Z6, Z6, Z6 // acc[3][0:16] = 0
	VPXORD Z7, Z7, Z7 // acc[3][16:32] = 0
	VPXORD Z8, Z8, Z8 // acc[4][0:16] = 0
	VPXORD Z9, Z9, Z9 // acc[4][16:32] = 0
	VPXORD Z10, Z10, Z10 // acc[5][0:16] = 0
	VPXORD Z11, Z11, Z11 // acc[5][16:32] = 0

zloop_6: // for ; CX > 0; CX--: one k step
	ZLOADB               // b0, b1 = B[p][0:32]; p++
	ZROW(0, Z30, Z0, Z1) // acc[0] += Ap[(p)*6+0]*b
	ZROW(4, Z31, Z2, Z3) // acc[1] += Ap[(p)*6+1]*b
	ZROW(8, Z30, Z4, Z5) // acc[2] += Ap[(p)*6+2]*b
	ZROW(12, Z31, Z6, Z7) // acc[3] += Ap[(p)*6+3]*b
	ZROW(16, Z30, Z8, Z9) // acc[4] += Ap[(p)*6+4]*b
	ZROW(20, Z31, Z10, Z11) // acc[5] += Ap[(p)*6+5]*b
	ADDQ $24, AX        // AX = &Ap[(p+1)*6]
	DECQ CX              // CX--
	JNZ  zloop_6

	ZSCALARS(zbeta_6)
	ZSTORE0(Z0, Z1) // row 0
	ZSTORE0(Z2, Z3) // row 1
	ZSTORE0(Z4, Z5) // row 2
	ZSTORE0(Z6, Z7) // row 3
	ZSTORE0(Z8, Z9) // row 4
	ZSTORE0(Z10, Z11) // row 5
	VZEROUPPER
	RET

zbeta_6:
	VBROADCASTSS beta+52(FP), Z31 // Z31 = beta in all lanes
	ZSTOREB(Z0, Z1) // row 0
	ZSTOREB(Z2, Z3) // row 1
	ZSTOREB(Z4, Z5) // row 2
	ZSTOREB(Z6, Z7) // row 3
	ZSTOREB(Z8, Z9) // row 4
	ZSTOREB(Z10, Z11) // row 5
	VZEROUPPER
	RET

// func sgemmMicro5x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro5x32AVX512 is sgemmMicro14x32AVX512 for the last 5 rows of C: Ap is a
// packed 5×kc panel (Ap[p*5+i]); same B, C and preconditions otherwise.
TEXT ·sgemmMicro5x32AVX512(SB), NOSPLIT, $0-56
	ZPROLOGUE
	VPXORD Z0, Z0, Z0 // acc[0][0:16] = 0
	VPXORD Z1, Z1, Z1 // acc[0][16:32] = 0
	VPXORD Z2, Z2, Z2 // acc[1][0:16] = 0
	VPXORD Z3, Z3, Z3 // acc[1][16:32] = 0
	VPXORD Z4, Z4, Z4 // acc[2][0:16] = 0
	VPXORD Z5, Z5, Z5 // acc[2][16:32] = 0
	VPXORD Z6, Z6, Z6 // acc[3][0:16] = 0
	VPXORD Z7, Z7, Z7 // acc[3][16:32] = 0
	VPXORD Z8, Z8, Z8 // acc[4][0:16] = 0
	VPXORD Z9, Z9, Z9 // acc[4][16:32] = 0

zloop_5: // for ; CX > 0; CX--: one k step
	ZLOADB               // b0, b1 = B[p][0:32]; p++
	ZROW(0, Z30, Z0, Z1) // acc[0] += Ap[(p)*5+0]*b
	ZROW(4, Z31, Z2, Z3) // acc[1] += Ap[(p)*5+1]*b
	ZROW(8, Z30, Z4, Z5) // acc[2] += Ap[(p)*5+2]*b
	ZROW(12, Z31, Z6, Z7) // acc[3] += Ap[(p)*5+3]*b
	ZROW(16, Z30, Z8, Z9) // acc[4] += Ap[(p)*5+4]*b
	ADDQ $20, AX        // AX = &Ap[(p+1)*5]
	DECQ CX              // CX--
	JNZ  zloop_5

	ZSCALARS(zbeta_5)
	ZSTORE0(Z0, Z1) // row 0
	ZSTORE0(Z2, Z3) // row 1
	ZSTORE0(Z4, Z5) // row 2
	ZSTORE0(Z6, Z7) // row 3
	ZSTORE0(Z8, Z9) // row 4
	VZEROUPPER
	RET

zbeta_5:
	VBROADCASTSS beta+52(FP), Z31 // Z31 = beta in all lanes
	ZSTOREB(Z0, Z1) // row 0
	ZSTOREB(Z2, Z3) // row 1
	ZSTOREB(Z4, Z5) // row 2
	ZSTOREB(Z6, Z7) // row 3
	ZSTOREB(Z8, Z9) // row 4
	VZEROUPPER
	RET

// func sgemmMicro4x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro4x32AVX512 is sgemmMicro14x32AVX512 for the last 4 rows of C: Ap is a
// packed 4×kc panel (Ap[p*4+i]); same B, C and preconditions otherwise.
TEXT ·sgemmMicro4x32AVX512(SB), NOSPLIT, $0-56
	ZPROLOGUE
	VPXORD Z0, Z0, Z0 // acc[0][0:16] = 0
	VPXORD Z1, Z1, Z1 // acc[0][16:32] = 0
	VPXORD Z2, Z2, Z2 // acc[1][0:16] = 0
	VPXORD Z3, Z3, Z3 // acc[1][16:32] = 0
	VPXORD Z4, Z4, Z4 // acc[2][0:16] = 0
	VPXORD Z5, Z5, Z5 // acc[2][16:32] = 0
	VPXORD Z6, Z6, Z6 // acc[3][0:16] = 0
	VPXORD Z7, Z7, Z7 // acc[3][16:32] = 0

zloop_4: // for ; CX > 0; CX--: one k step
	ZLOADB               // b0, b1 = B[p][0:32]; p++
	ZROW(0, Z30, Z0, Z1) // acc[0] += Ap[(p)*4+0]*b
	ZROW(4, Z31, Z2, Z3) // acc[1] += Ap[(p)*4+1]*b
	ZROW(8, Z30, Z4, Z5) // acc[2] += Ap[(p)*4+2]*b
	ZROW(12, Z31, Z6, Z7) // acc[3] += Ap[(p)*4+3]*b
	ADDQ $16, AX        // AX = &Ap[(p+1)*4]
	DECQ CX              // CX--
	JNZ  zloop_4

	ZSCALARS(zbeta_4)
	ZSTORE0(Z0, Z1) // row 0
	ZSTORE0(Z2, Z3) // row 1
	ZSTORE0(Z4, Z5) // row 2
	ZSTORE0(Z6, Z7) // row 3
	VZEROUPPER
	RET

zbeta_4:
	VBROADCASTSS beta+52(FP), Z31 // Z31 = beta in all lanes
	ZSTOREB(Z0, Z1) // row 0
	ZSTOREB(Z2, Z3) // row 1
	ZSTOREB(Z4, Z5) // row 2
	ZSTOREB(Z6, Z7) // row 3
	VZEROUPPER
	RET

// func sgemmMicro3x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro3x32AVX512 is sgemmMicro14x32AVX512 for the last 3 rows of C: Ap is a
// packed 3×kc panel (Ap[p*3+i]); same B, C and preconditions otherwise.
TEXT ·sgemmMicro3x32AVX512(SB), NOSPLIT, $0-56
	ZPROLOGUE
	VPXORD Z0, Z0, Z0 // acc[0][0:16] = 0
	VPXORD Z1, Z1, Z1 // acc[0][16:32] = 0
	VPXORD Z2, Z2, Z2 // acc[1][0:16] = 0
	VPXORD Z3, Z3, Z3 // acc[1][16:32] = 0
	VPXORD Z4, Z4, Z4 // acc[2][0:16] = 0
	VPXORD Z5, Z5, Z5 // acc[2][16:32] = 0

zloop_3: // for ; CX > 0; CX--: one k step
	ZLOADB               // b0, b1 = B[p][0:32]; p++
	ZROW(0, Z30, Z0, Z1) // acc[0] += Ap[(p)*3+0]*b
	ZROW(4, Z31, Z2, Z3) // acc[1] += Ap[(p)*3+1]*b
	ZROW(8, Z30, Z4, Z5) // acc[2] += Ap[(p)*3+2]*b
	ADDQ $12, AX        // AX = &Ap[(p+1)*3]
	DECQ CX              // CX--
	JNZ  zloop_3

	ZSCALARS(zbeta_3)
	ZSTORE0(Z0, Z1) // row 0
	ZSTORE0(Z2, Z3) // row 1
	ZSTORE0(Z4, Z5) // row 2
	VZEROUPPER
	RET

zbeta_3:
	VBROADCASTSS beta+52(FP), Z31 // Z31 = beta in all lanes
	ZSTOREB(Z0, Z1) // row 0
	ZSTOREB(Z2, Z3) // row 1
	ZSTOREB(Z4, Z5) // row 2
	VZEROUPPER
	RET

// func sgemmMicro2x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro2x32AVX512 is sgemmMicro14x32AVX512 for the last 2 rows of C: Ap is a
// packed 2×kc panel (Ap[p*2+i]); same B, C and preconditions otherwise.
TEXT ·sgemmMicro2x32AVX512(SB), NOSPLIT, $0-56
	ZPROLOGUE
	VPXORD Z0, Z0, Z0 // acc[0][0:16] = 0
	VPXORD Z1, Z1, Z1 // acc[0][16:32] = 0
	VPXORD Z2, Z2, Z2 // acc[1][0:16] = 0
	VPXORD Z3, Z3, Z3 // acc[1][16:32] = 0

zloop_2: // for ; CX > 0; CX--: one k step
	ZLOADB               // b0, b1 = B[p][0:32]; p++
	ZROW(0, Z30, Z0, Z1) // acc[0] += Ap[(p)*2+0]*b
	ZROW(4, Z31, Z2, Z3) // acc[1] += Ap[(p)*2+1]*b
	ADDQ $8, AX        // AX = &Ap[(p+1)*2]
	DECQ CX              // CX--
	JNZ  zloop_2

	ZSCALARS(zbeta_2)
	ZSTORE0(Z0, Z1) // row 0
	ZSTORE0(Z2, Z3) // row 1
	VZEROUPPER
	RET

zbeta_2:
	VBROADCASTSS beta+52(FP), Z31 // Z31 = beta in all lanes
	ZSTOREB(Z0, Z1) // row 0
	ZSTOREB(Z2, Z3) // row 1
	VZEROUPPER
	RET

// func sgemmMicro1x32AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro1x32AVX512 is sgemmMicro14x32AVX512 for the last 1 rows of C: Ap is a
// packed 1×kc panel (Ap[p*1+i]); same B, C and preconditions otherwise.
TEXT ·sgemmMicro1x32AVX512(SB), NOSPLIT, $0-56
	ZPROLOGUE
	VPXORD Z0, Z0, Z0 // acc[0][0:16] = 0
	VPXORD Z1, Z1, Z1 // acc[0][16:32] = 0

zloop_1: // for ; CX > 0; CX--: one k step
	ZLOADB               // b0, b1 = B[p][0:32]; p++
	ZROW(0, Z30, Z0, Z1) // acc[0] += Ap[(p)*1+0]*b
	ADDQ $4, AX        // AX = &Ap[(p+1)*1]
	DECQ CX              // CX--
	JNZ  zloop_1

	ZSCALARS(zbeta_1)
	ZSTORE0(Z0, Z1) // row 0
	VZEROUPPER
	RET

zbeta_1:
	VBROADCASTSS beta+52(FP), Z31 // Z31 = beta in all lanes
	ZSTOREB(Z0, Z1) // row 0
	VZEROUPPER
	RET

// ZHROW(ao, acc) accumulates one row of a 14×16 tile, the broadcast folded
// into the FMA, in Go: acc[i][0:16] += Ap[ao/4]*b0
#define ZHROW(ao, acc) VFMADD231PS.BCST ao(AX), Z28, acc

// ZHSTORE0(acc) stores one row of a 14×16 tile without reading C, in Go:
//   C[i][0:16] = alpha*acc[i][0:16]; i++
#define ZHSTORE0(acc) \
	VMULPS  Z30, acc, acc /* acc = alpha*acc[i] */ \
	VMOVUPS acc, (R8)     /* C[i][0:16] = acc */   \
	ADDQ    DX, R8        /* i++ */

// ZHSTOREB(acc) updates one row of a 14×16 tile, in Go:
//   C[i][j] = fma(beta, C[i][j], alpha*acc[i][j]) for j in 0..15; i++
#define ZHSTOREB(acc) \
	VMULPS      Z30, acc, acc   /* acc = alpha*acc[i] */  \
	VFMADD231PS (R8), Z31, acc  /* acc += beta*C[i][0:16] */ \
	VMOVUPS     acc, (R8)       /* C[i][0:16] = acc */    \
	ADDQ        DX, R8          /* i++ */

// ZHSTEP(o) loads row p of the B panel's first 16 columns, moves to row p+1
// and accumulates the 14 rows of a 14×16 tile from the packed A at byte
// offset o, in Go: b0 := B[p][0:16]; p++; acc[i] += Ap[o/4+i]*b0 for i < 14.
#define ZHSTEP(o) \
	VMOVUPS (BX), Z28 ; \
	ADDQ    R11, BX   ; \
	ZHROW(o, Z0) ; ZHROW(o+4, Z1) ; ZHROW(o+8, Z2) ; ZHROW(o+12, Z3) ; \
	ZHROW(o+16, Z4) ; ZHROW(o+20, Z5) ; ZHROW(o+24, Z6) ; ZHROW(o+28, Z7) ; \
	ZHROW(o+32, Z8) ; ZHROW(o+36, Z9) ; ZHROW(o+40, Z10) ; ZHROW(o+44, Z11) ; \
	ZHROW(o+48, Z12) ; ZHROW(o+52, Z13)

// ZHSTORE0ALL and ZHSTOREBALL store the 14 rows of a 14×16 tile (R8 at row
// 0), without and with reading C.
#define ZHSTORE0ALL \
	ZHSTORE0(Z0) ; ZHSTORE0(Z1) ; ZHSTORE0(Z2) ; ZHSTORE0(Z3) ; ZHSTORE0(Z4) ; \
	ZHSTORE0(Z5) ; ZHSTORE0(Z6) ; ZHSTORE0(Z7) ; ZHSTORE0(Z8) ; ZHSTORE0(Z9) ; \
	ZHSTORE0(Z10) ; ZHSTORE0(Z11) ; ZHSTORE0(Z12) ; ZHSTORE0(Z13)

#define ZHSTOREBALL \
	ZHSTOREB(Z0) ; ZHSTOREB(Z1) ; ZHSTOREB(Z2) ; ZHSTOREB(Z3) ; ZHSTOREB(Z4) ; \
	ZHSTOREB(Z5) ; ZHSTOREB(Z6) ; ZHSTOREB(Z7) ; ZHSTOREB(Z8) ; ZHSTOREB(Z9) ; \
	ZHSTOREB(Z10) ; ZHSTOREB(Z11) ; ZHSTOREB(Z12) ; ZHSTOREB(Z13)

// func sgemmMicro14x16AVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro14x16AVX512 is sgemmMicro14x32AVX512 for the first 16 columns
// of its tile (the kernel's half, for a last panel of B with at most 16
// columns): C = alpha*Ap·B + beta*C on a 14×16 tile, B's rows read 16 floats
// each. Registers as sgemmMicro14x32AVX512's, with Z0..Z13 the accumulators
// (row i in Z(i)) and Z28 = B[p][0:16]. Preconditions: kc >= 1; Ap holds
// 14*kc floats, B (kc-1)*ldb+16; the 14×16 tile of C is in bounds; the CPU
// has AVX-512F.
TEXT ·sgemmMicro14x16AVX512(SB), NOSPLIT, $0-56
	ZPROLOGUE
	VPXORD Z0, Z0, Z0 // acc[0..13] = 0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	SUBQ $2, CX          // CX = kc - 2: steps left after the next two
	JLT  zhtail

zhloop: // for ; CX >= 0; CX -= 2: two k steps
	PREFETCHT0 448(AX)   // A panel 8 steps ahead
	ZHSTEP(0)            // step p: Ap[p*14 : +14]
	ZHSTEP(56)           // step p+1: Ap[(p+1)*14 : +14]
	ADDQ $112, AX        // AX = &Ap[(p+2)*14]
	SUBQ $2, CX          // CX -= 2
	JGE  zhloop

zhtail:
	ADDQ $2, CX          // CX = steps left (0..1)
	JZ   zhstore
	ZHSTEP(0)            // the last, odd step

zhstore:
	ZSCALARS(zhbeta)
	ZHSTORE0ALL
	VZEROUPPER
	RET

zhbeta:
	VBROADCASTSS beta+52(FP), Z31 // Z31 = beta in all lanes
	ZHSTOREBALL
	VZEROUPPER
	RET

// func sgemmPackB32AVX512(dst, src *float32, ldb, kb, panels, ps int)
//
// sgemmPackB32AVX512 is packB's non-transposed loop for nr=32 and full
// panels: for p < kb and q < panels, dst[q*ps+p*32 : +32] =
// src[p*ldb+q*32 : +32]. Rows of B are walked once each, dealing 32-float
// pieces to the panels, as sgemmPackB16AVX2 does for 16.
// Registers: SI = &src[p*ldb], DI = &dst[p*32], R10/R11 the same plus the
// panel, R9 = ldb*4, R8 = ps*4, CX = rows left, DX = panels left.
// Preconditions: kb, panels >= 1, ranges in bounds, AVX-512F.
TEXT ·sgemmPackB32AVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI    // DI = &dst[0]
	MOVQ src+8(FP), SI    // SI = &src[0]
	MOVQ ldb+16(FP), R9   // R9 = ldb*4 (bytes)
	SHLQ $2, R9
	MOVQ kb+24(FP), CX    // CX = kb
	MOVQ ps+40(FP), R8    // R8 = ps*4: bytes from one panel to the next
	SHLQ $2, R8

b32row: // for p := 0; p < kb; p++
	MOVQ SI, R10           // R10 = &src[p*ldb]
	MOVQ DI, R11           // R11 = &dst[p*32]
	MOVQ panels+32(FP), DX // DX = panels

b32panel: // for q := 0; q < panels; q++
	PREFETCHT0 128(R10)   // the next panel's part of row p (B is read down its columns)
	VMOVUPS (R10), Z0     // Z0 = src[p*ldb+q*32 : +16]
	VMOVUPS 64(R10), Z1   // Z1 = src[p*ldb+q*32+16 : +32]
	VMOVUPS Z0, (R11)     // dst[q*ps+p*32 : +16] = Z0
	VMOVUPS Z1, 64(R11)   // dst[q*ps+p*32+16 : +32] = Z1
	ADDQ    $128, R10     // next 32 source floats
	ADDQ    R8, R11       // next panel
	DECQ    DX
	JNZ     b32panel

	ADDQ R9, SI           // SI = &src[(p+1)*ldb]
	SUBQ $-128, DI        // DI = &dst[(p+1)*32]
	DECQ CX
	JNZ  b32row
	VZEROUPPER
	RET

// The 4-column kernel below is sgemmMicro12x4AVX2's twin (see
// sgemm_avx2_amd64.s) for 14-row panels: the tile held transposed, one
// accumulator a column with a panel's 14 rows of A in its lanes (lanes 14
// and 15 are the next step's values, never stored), two panels at a time,
// so that eight accumulators hide the FMA latency where the 14×16 half
// kernel computes 16 columns for at most four. The sums are the half
// kernel's chains and C gets mergeTile's bits.

// ZB4 loads B[p][0..3], broadcast, into Z10..Z13 and advances BX.
#define ZB4 \
	VBROADCASTSS (BX), Z10   /* B[p][0] */ \
	VBROADCASTSS 4(BX), Z11  /* B[p][1] */ \
	VBROADCASTSS 8(BX), Z12  /* B[p][2] */ \
	VBROADCASTSS 12(BX), Z13 /* B[p][3] */ \
	ADDQ         R11, BX     /* BX = &B[p+1][0] */

// ZCOL4(a, c0, c1, c2, c3) adds the column of A in a times B[p][0..3] to
// the accumulators c0..c3 (in Go: acc[j][i] += A[i][p]*B[p][j]).
#define ZCOL4(a, c0, c1, c2, c3) \
	VFMADD231PS a, Z10, c0 \
	VFMADD231PS a, Z11, c1 \
	VFMADD231PS a, Z12, c2 \
	VFMADD231PS a, Z13, c3

// ZTRANS4(c0, c1, c2, c3) transposes four column accumulators within each
// 128-bit lane: afterwards lane L of ci holds row 4L+i's four columns.
#define ZTRANS4(c0, c1, c2, c3) \
	VUNPCKLPS c1, c0, Z8         \
	VUNPCKHPS c1, c0, Z9         \
	VUNPCKLPS c3, c2, Z10        \
	VUNPCKHPS c3, c2, Z11        \
	VSHUFPS   $0x44, Z10, Z8, c0 \
	VSHUFPS   $0xEE, Z10, Z8, c1 \
	VSHUFPS   $0x44, Z11, Z9, c2 \
	VSHUFPS   $0xEE, Z11, Z9, c3

// ZR4(x) stores a row of four: C[i][0:4] = alpha*x; i++ (alpha in X14).
#define ZR4(x) \
	VMULPS  X14, x, x \
	VMOVUPS x, (R8)   \
	ADDQ    DX, R8

// ZR4B(x) is ZR4 plus beta*C rounded on its own, as mergeTile adds it
// (beta in X15).
#define ZR4B(x) \
	VMULPS  X14, x, x      \
	VMULPS  (R8), X15, X13 \
	VADDPS  X13, x, x      \
	VMOVUPS x, (R8)        \
	ADDQ    DX, R8

// ZLANE(L, c, ROW) stores lane L of accumulator c as one row with ROW.
#define ZLANE(L, c, ROW) \
	VEXTRACTF32X4 $L, c, X12 \
	ROW(X12)

// ZSTORE14x4(c0, c1, c2, c3, x0, x1, x2, x3, ROW) stores the 14 rows of one
// panel from R9 on: lanes 1-3 (rows 4-13) first, then lane 0 (rows 0-3)
// from the low halves x0..x3, whose VEX-encoded updates clear the rest.
#define ZSTORE14x4(c0, c1, c2, c3, x0, x1, x2, x3, ROW) \
	ZTRANS4(c0, c1, c2, c3)         \
	LEAQ (R9)(DX*4), R8  /* row 4 */ \
	ZLANE(1, c0, ROW)               \
	ZLANE(1, c1, ROW)               \
	ZLANE(1, c2, ROW)               \
	ZLANE(1, c3, ROW)               \
	ZLANE(2, c0, ROW)               \
	ZLANE(2, c1, ROW)               \
	ZLANE(2, c2, ROW)               \
	ZLANE(2, c3, ROW)               \
	ZLANE(3, c0, ROW)               \
	ZLANE(3, c1, ROW)               \
	MOVQ R9, R8          /* row 0 */ \
	ROW(x0)                         \
	ROW(x1)                         \
	ROW(x2)                         \
	ROW(x3)

// func sgemmMicro28x4AVX512(kc int, a, a2, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
//
// sgemmMicro28x4AVX512 computes the 28×4 tile C = alpha*Ap·B + beta*C for
// two packed 14-row panels of A, rows 0-13 at a and rows 14-27 at a2, and
// the first four columns of a B panel with rows ldb floats apart; C is not
// read when beta == ±0. Preconditions: kc >= 1; each panel holds 14*kc
// floats and two more floats after each are readable; B holds
// (kc-1)*ldb+4 floats; the 28×4 tile of C is in bounds; AVX-512F.
// Registers: AX = &Ap0[p*14], SI = &Ap1[p*14], BX = &B[p][0], R11 = ldb*4,
// CX = steps left, DX = ldc*4, DI = &C[0][0], R9 = the panel's first row of
// C while storing; Z0..Z3 the columns of rows 0-13, Z4..Z7 of rows 14-27,
// Z8/Z9 the two panels' column p, Z10..Z13 B[p][j]; X14/X15 alpha/beta.
TEXT ·sgemmMicro28x4AVX512(SB), NOSPLIT, $0-64
	MOVQ kc+0(FP), CX    // CX = kc
	MOVQ a+8(FP), AX     // AX = &Ap0[0]
	MOVQ a2+16(FP), SI   // SI = &Ap1[0]
	MOVQ b+24(FP), BX    // BX = &B[0][0]
	MOVQ ldb+32(FP), R11 // R11 = ldb
	SHLQ $2, R11         // R11 = ldb*4 (bytes)
	MOVQ c+40(FP), DI    // DI = &C[0][0]
	MOVQ ldc+48(FP), DX  // DX = ldc
	SHLQ $2, DX          // DX = ldc*4 (bytes)
	VPXORD Z0, Z0, Z0    // acc = 0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7

zq28loop: // for p := 0; p < kc; p++
	VMOVUPS (AX), Z8     // Ap0[p*14 : p*14+16]: rows 0-13 of column p (and two more)
	VMOVUPS (SI), Z9     // Ap1[p*14 : p*14+16]: rows 14-27
	ZB4
	ZCOL4(Z8, Z0, Z1, Z2, Z3)
	ZCOL4(Z9, Z4, Z5, Z6, Z7)
	ADDQ $56, AX         // AX = &Ap0[(p+1)*14]
	ADDQ $56, SI         // SI = &Ap1[(p+1)*14]
	DECQ CX
	JNZ  zq28loop

	VBROADCASTSS alpha+56(FP), X14 // X14 = alpha
	MOVQ         DI, R9            // R9 = &C[0][0]
	MOVL         beta+60(FP), R10  // R10 = bits of beta
	TESTL        $0x7fffffff, R10  // beta == ±0 ?
	JNZ          zq28beta
	ZSTORE14x4(Z0, Z1, Z2, Z3, X0, X1, X2, X3, ZR4)
	IMUL3Q $14, DX, R10  // R10 = 14 rows of C in bytes
	ADDQ  R10, R9        // R9 = &C[14][0]
	ZSTORE14x4(Z4, Z5, Z6, Z7, X4, X5, X6, X7, ZR4)
	VZEROUPPER
	RET

zq28beta:
	VBROADCASTSS beta+60(FP), X15 // X15 = beta
	ZSTORE14x4(Z0, Z1, Z2, Z3, X0, X1, X2, X3, ZR4B)
	IMUL3Q $14, DX, R10  // R10 = 14 rows of C in bytes
	ADDQ  R10, R9        // R9 = &C[14][0]
	ZSTORE14x4(Z4, Z5, Z6, Z7, X4, X5, X6, X7, ZR4B)
	VZEROUPPER
	RET
