//go:build !purego

#include "textflag.h"

// Constants broadcast by the transforms: 2, 4, 8 and 5.
DATA winoConst<>+0(SB)/4, $0x40000000  // 2.0
DATA winoConst<>+4(SB)/4, $0x40800000  // 4.0
DATA winoConst<>+8(SB)/4, $0x41000000  // 8.0
DATA winoConst<>+12(SB)/4, $0x40a00000 // 5.0
GLOBL winoConst<>(SB), RODATA|NOPTR, $16

// BT6 computes (Y6..Y11) = Bᵀ (Y0..Y5), lane-wise; Y14 = 4, Y15 = 5;
// clobbers Y12, Y13.
#define BT6 \
	VMOVAPS Y4, Y6             /* v0 = d4 */ ; \
	VFMADD231PS Y14, Y0, Y6    /* v0 += 4*d0 */ ; \
	VFNMADD231PS Y15, Y2, Y6   /* v0 -= 5*d2 */ ; \
	VMOVAPS Y4, Y12            /* a = d4 */ ; \
	VFNMADD231PS Y14, Y2, Y12  /* a -= 4*d2 */ ; \
	VMOVAPS Y3, Y13            /* b = d3 */ ; \
	VFNMADD231PS Y14, Y1, Y13  /* b -= 4*d1 */ ; \
	VADDPS Y13, Y12, Y7        /* v1 = a + b */ ; \
	VSUBPS Y13, Y12, Y8        /* v2 = a - b */ ; \
	VSUBPS Y2, Y4, Y12         /* c = d4 - d2 */ ; \
	VSUBPS Y1, Y3, Y13         /* e = d3 - d1 */ ; \
	VADDPS Y13, Y13, Y13       /* e = 2*(d3 - d1) */ ; \
	VADDPS Y13, Y12, Y9        /* v3 = c + e */ ; \
	VSUBPS Y13, Y12, Y10       /* v4 = c - e */ ; \
	VMOVAPS Y5, Y11            /* v5 = d5 */ ; \
	VFMADD231PS Y14, Y1, Y11   /* v5 += 4*d1 */ ; \
	VFNMADD231PS Y15, Y3, Y11  /* v5 -= 5*d3 */

// func winoInput8AVX2(n int, d, v *float32, xs, cs int)
//
// Registers: CX = channels left, SI = d of this channel (6x6x8 floats), DI =
// v of this channel, R8 = xs*4 (bytes between the 36 outputs), R10 = 6*xs*4,
// R12 = cs*4 (bytes between channels in v), AX = column or row pointer into
// d, R9 = output pointer, DX = loop counter.
TEXT ·winoInput8AVX2(SB), NOSPLIT, $0-40
	MOVQ n+0(FP), CX
	MOVQ d+8(FP), SI
	MOVQ v+16(FP), DI
	MOVQ xs+24(FP), R8
	SHLQ $2, R8                          // R8 = xs*4
	LEAQ (R8)(R8*2), R10                 // R10 = 3*xs*4
	SHLQ $1, R10                         // R10 = 6*xs*4
	MOVQ cs+32(FP), R12
	SHLQ $2, R12                         // R12 = cs*4
	VBROADCASTSS winoConst<>+4(SB), Y14  // Y14 = 4
	VBROADCASTSS winoConst<>+12(SB), Y15 // Y15 = 5

chan:
	// Columns: t[·][c] = Bᵀ d[·][c], in place, for c = 0..5.
	MOVQ SI, AX                          // AX = &d[0][0]
	MOVQ $6, DX                          // DX = 6 columns
col:
	VMOVUPS 0(AX), Y0                    // d0 = d[0][c]
	VMOVUPS 192(AX), Y1                  // d1 = d[1][c]
	VMOVUPS 384(AX), Y2                  // d2 = d[2][c]
	VMOVUPS 576(AX), Y3                  // d3 = d[3][c]
	VMOVUPS 768(AX), Y4                  // d4 = d[4][c]
	VMOVUPS 960(AX), Y5                  // d5 = d[5][c]
	BT6
	VMOVUPS Y6, 0(AX)                    // t[0][c] = v0
	VMOVUPS Y7, 192(AX)                  // t[1][c] = v1
	VMOVUPS Y8, 384(AX)                  // t[2][c] = v2
	VMOVUPS Y9, 576(AX)                  // t[3][c] = v3
	VMOVUPS Y10, 768(AX)                 // t[4][c] = v4
	VMOVUPS Y11, 960(AX)                 // t[5][c] = v5
	ADDQ $32, AX                         // next column
	DECQ DX
	JNZ  col

	// Rows: V[r][·] = Bᵀ t[r][·], for r = 0..5, to v[(6r+j)*xs].
	MOVQ SI, AX                          // AX = &t[0][0]
	MOVQ DI, R11                         // R11 = &v[6r*xs]
	MOVQ $6, DX                          // DX = 6 rows
row:
	VMOVUPS 0(AX), Y0                    // d0 = t[r][0]
	VMOVUPS 32(AX), Y1                   // d1 = t[r][1]
	VMOVUPS 64(AX), Y2                   // d2 = t[r][2]
	VMOVUPS 96(AX), Y3                   // d3 = t[r][3]
	VMOVUPS 128(AX), Y4                  // d4 = t[r][4]
	VMOVUPS 160(AX), Y5                  // d5 = t[r][5]
	BT6
	MOVQ R11, R9                         // R9 = &v[(6r)*xs]
	VMOVUPS Y6, (R9)                     // V[r][0] = v0
	ADDQ R8, R9                          // R9 = &v[(6r+1)*xs]
	VMOVUPS Y7, (R9)                     // V[r][1] = v1
	ADDQ R8, R9                          // R9 = &v[(6r+2)*xs]
	VMOVUPS Y8, (R9)                     // V[r][2] = v2
	ADDQ R8, R9                          // R9 = &v[(6r+3)*xs]
	VMOVUPS Y9, (R9)                     // V[r][3] = v3
	ADDQ R8, R9                          // R9 = &v[(6r+4)*xs]
	VMOVUPS Y10, (R9)                    // V[r][4] = v4
	ADDQ R8, R9                          // R9 = &v[(6r+5)*xs]
	VMOVUPS Y11, (R9)                    // V[r][5] = v5
	ADDQ $192, AX                        // next row of t
	ADDQ R10, R11                        // R11 = &v[6(r+1)*xs]
	DECQ DX
	JNZ  row

	ADDQ $1152, SI                       // d = next channel (288 floats)
	ADDQ R12, DI                         // v = next channel (cs floats on)
	DECQ CX
	JNZ  chan
	VZEROUPPER
	RET

// AT6 computes (Y6..Y9) = Aᵀ (Y0..Y5), lane-wise; Y14 = 2, Y15 = 4;
// clobbers Y0, Y10..Y13.
#define AT6 \
	VADDPS Y2, Y1, Y10                   /* a = m1 + m2 */ ; \
	VSUBPS Y2, Y1, Y11                   /* b = m1 - m2 */ ; \
	VADDPS Y4, Y3, Y12                   /* c = m3 + m4 */ ; \
	VSUBPS Y4, Y3, Y13                   /* d = m3 - m4 */ ; \
	VADDPS Y10, Y0, Y6                   /* y0 = m0 + a */ ; \
	VADDPS Y12, Y6, Y6                   /* y0 += c */ ; \
	VMOVAPS Y11, Y7                      /* y1 = b */ ; \
	VFMADD231PS Y14, Y13, Y7             /* y1 += 2*d */ ; \
	VMOVAPS Y10, Y8                      /* y2 = a */ ; \
	VFMADD231PS Y15, Y12, Y8             /* y2 += 4*c */ ; \
	VADDPS Y5, Y11, Y9                   /* y3 = b + m5 */ ; \
	VBROADCASTSS winoConst<>+8(SB), Y0   /* Y0 = 8 */ ; \
	VFMADD231PS Y0, Y13, Y9              /* y3 += 8*d */

// func winoOutput8AVX2(n int, m *float32, ms, xs int, bias *float32, lo float32, o, s *float32)
//
// Registers: CX = channels left, SI = m of this channel, R8 = xs*4, R10 =
// 6*xs*4, R12 = ms*4, BX = &bias[i], DI = o of this channel, R13 = s
// (scratch, 4x6x8 floats), AX = column pointer into m, R11 = row pointer,
// R9 = s or o pointer, DX = loop counter.
TEXT ·winoOutput8AVX2(SB), NOSPLIT, $0-64
	MOVQ n+0(FP), CX
	MOVQ m+8(FP), SI
	MOVQ ms+16(FP), R12
	SHLQ $2, R12                         // R12 = ms*4
	MOVQ xs+24(FP), R8
	SHLQ $2, R8                          // R8 = xs*4
	LEAQ (R8)(R8*2), R10                 // R10 = 3*xs*4
	SHLQ $1, R10                         // R10 = 6*xs*4
	MOVQ bias+32(FP), BX
	MOVQ o+48(FP), DI
	MOVQ s+56(FP), R13
	VBROADCASTSS winoConst<>+0(SB), Y14  // Y14 = 2
	VBROADCASTSS winoConst<>+4(SB), Y15  // Y15 = 4

ochan:
	// Columns: s[·][c] = Aᵀ M[·][c], M[r][c] at m[(6r+c)*xs], c = 0..5.
	MOVQ SI, AX                          // AX = &m[c*xs], c = 0
	MOVQ R13, R9                         // R9 = &s[0][c]
	MOVQ $6, DX                          // DX = 6 columns
ocol:
	MOVQ AX, R11                         // R11 = &M[0][c]
	VMOVUPS (R11), Y0                    // m0 = M[0][c]
	ADDQ R10, R11                        // R11 = &M[1][c]
	VMOVUPS (R11), Y1                    // m1 = M[1][c]
	ADDQ R10, R11                        // R11 = &M[2][c]
	VMOVUPS (R11), Y2                    // m2 = M[2][c]
	ADDQ R10, R11                        // R11 = &M[3][c]
	VMOVUPS (R11), Y3                    // m3 = M[3][c]
	ADDQ R10, R11                        // R11 = &M[4][c]
	VMOVUPS (R11), Y4                    // m4 = M[4][c]
	ADDQ R10, R11                        // R11 = &M[5][c]
	VMOVUPS (R11), Y5                    // m5 = M[5][c]
	AT6
	VMOVUPS Y6, 0(R9)                    // s[0][c] = y0
	VMOVUPS Y7, 192(R9)                  // s[1][c] = y1
	VMOVUPS Y8, 384(R9)                  // s[2][c] = y2
	VMOVUPS Y9, 576(R9)                  // s[3][c] = y3
	ADDQ R8, AX                          // next column of M
	ADDQ $32, R9                         // next column of s
	DECQ DX
	JNZ  ocol

	// Rows: Y[r][·] = max(lo, Aᵀ s[r][·] + bias), r = 0..3, to o[(4r+j)*8].
	MOVQ R13, R9                         // R9 = &s[0][0]
	MOVQ DI, R11                         // R11 = &o[0]
	MOVQ $4, DX                          // DX = 4 rows
orow:
	VMOVUPS 0(R9), Y0                    // m0 = s[r][0]
	VMOVUPS 32(R9), Y1                   // m1 = s[r][1]
	VMOVUPS 64(R9), Y2                   // m2 = s[r][2]
	VMOVUPS 96(R9), Y3                   // m3 = s[r][3]
	VMOVUPS 128(R9), Y4                  // m4 = s[r][4]
	VMOVUPS 160(R9), Y5                  // m5 = s[r][5]
	AT6
	VBROADCASTSS (BX), Y10               // Y10 = bias[i]
	VBROADCASTSS lo+40(FP), Y11          // Y11 = lo
	VADDPS Y10, Y6, Y6                   // y0 += bias
	VADDPS Y10, Y7, Y7                   // y1 += bias
	VADDPS Y10, Y8, Y8                   // y2 += bias
	VADDPS Y10, Y9, Y9                   // y3 += bias
	VMAXPS Y6, Y11, Y6                   // y0 = lo > y0 ? lo : y0
	VMAXPS Y7, Y11, Y7                   // y1 = lo > y1 ? lo : y1
	VMAXPS Y8, Y11, Y8                   // y2 = lo > y2 ? lo : y2
	VMAXPS Y9, Y11, Y9                   // y3 = lo > y3 ? lo : y3
	VMOVUPS Y6, 0(R11)                   // o[r][0] = y0
	VMOVUPS Y7, 32(R11)                  // o[r][1] = y1
	VMOVUPS Y8, 64(R11)                  // o[r][2] = y2
	VMOVUPS Y9, 96(R11)                  // o[r][3] = y3
	ADDQ $192, R9                        // next row of s
	ADDQ $128, R11                       // next row of o
	DECQ DX
	JNZ  orow

	ADDQ R12, SI                         // m = next channel
	ADDQ $4, BX                          // bias = &bias[i+1]
	ADDQ $512, DI                        // o = next channel (128 floats)
	DECQ CX
	JNZ  ochan
	VZEROUPPER
	RET

// Eight-lane copies of the weight-transform constants, at offsets
// 0: 1/4, 32: -1/6, 64: 1/24, 96: 1/6, 128: 1/12.
DATA winoGConst<>+0(SB)/4, $0x3e800000 // 1/4
DATA winoGConst<>+4(SB)/4, $0x3e800000 // 1/4
DATA winoGConst<>+8(SB)/4, $0x3e800000 // 1/4
DATA winoGConst<>+12(SB)/4, $0x3e800000 // 1/4
DATA winoGConst<>+16(SB)/4, $0x3e800000 // 1/4
DATA winoGConst<>+20(SB)/4, $0x3e800000 // 1/4
DATA winoGConst<>+24(SB)/4, $0x3e800000 // 1/4
DATA winoGConst<>+28(SB)/4, $0x3e800000 // 1/4
DATA winoGConst<>+32(SB)/4, $0xbe2aaaab // -1/6
DATA winoGConst<>+36(SB)/4, $0xbe2aaaab // -1/6
DATA winoGConst<>+40(SB)/4, $0xbe2aaaab // -1/6
DATA winoGConst<>+44(SB)/4, $0xbe2aaaab // -1/6
DATA winoGConst<>+48(SB)/4, $0xbe2aaaab // -1/6
DATA winoGConst<>+52(SB)/4, $0xbe2aaaab // -1/6
DATA winoGConst<>+56(SB)/4, $0xbe2aaaab // -1/6
DATA winoGConst<>+60(SB)/4, $0xbe2aaaab // -1/6
DATA winoGConst<>+64(SB)/4, $0x3d2aaaab // 1/24
DATA winoGConst<>+68(SB)/4, $0x3d2aaaab // 1/24
DATA winoGConst<>+72(SB)/4, $0x3d2aaaab // 1/24
DATA winoGConst<>+76(SB)/4, $0x3d2aaaab // 1/24
DATA winoGConst<>+80(SB)/4, $0x3d2aaaab // 1/24
DATA winoGConst<>+84(SB)/4, $0x3d2aaaab // 1/24
DATA winoGConst<>+88(SB)/4, $0x3d2aaaab // 1/24
DATA winoGConst<>+92(SB)/4, $0x3d2aaaab // 1/24
DATA winoGConst<>+96(SB)/4, $0x3e2aaaab // 1/6
DATA winoGConst<>+100(SB)/4, $0x3e2aaaab // 1/6
DATA winoGConst<>+104(SB)/4, $0x3e2aaaab // 1/6
DATA winoGConst<>+108(SB)/4, $0x3e2aaaab // 1/6
DATA winoGConst<>+112(SB)/4, $0x3e2aaaab // 1/6
DATA winoGConst<>+116(SB)/4, $0x3e2aaaab // 1/6
DATA winoGConst<>+120(SB)/4, $0x3e2aaaab // 1/6
DATA winoGConst<>+124(SB)/4, $0x3e2aaaab // 1/6
DATA winoGConst<>+128(SB)/4, $0x3daaaaab // 1/12
DATA winoGConst<>+132(SB)/4, $0x3daaaaab // 1/12
DATA winoGConst<>+136(SB)/4, $0x3daaaaab // 1/12
DATA winoGConst<>+140(SB)/4, $0x3daaaaab // 1/12
DATA winoGConst<>+144(SB)/4, $0x3daaaaab // 1/12
DATA winoGConst<>+148(SB)/4, $0x3daaaaab // 1/12
DATA winoGConst<>+152(SB)/4, $0x3daaaaab // 1/12
DATA winoGConst<>+156(SB)/4, $0x3daaaaab // 1/12
GLOBL winoGConst<>(SB), RODATA|NOPTR, $160

// GT6 computes (Y3..Y8) = G (Y0, Y1, Y2), lane-wise; clobbers Y9..Y12.
#define GT6 \
	VADDPS Y2, Y0, Y9                        /* s = g0 + g2 */ ; \
	VMULPS winoGConst<>+32(SB), Y9, Y9       /* a = -(g0 + g2)/6 */ ; \
	VMULPS winoGConst<>+64(SB), Y0, Y10      /* b = g0/24 */ ; \
	VFMADD231PS winoGConst<>+96(SB), Y2, Y10 /* b += g2/6 */ ; \
	VMULPS winoGConst<>+32(SB), Y1, Y11      /* c = -g1/6 */ ; \
	VMULPS winoGConst<>+128(SB), Y1, Y12     /* d = g1/12 */ ; \
	VMULPS winoGConst<>+0(SB), Y0, Y3        /* u0 = g0/4 */ ; \
	VADDPS Y11, Y9, Y4                       /* u1 = a + c */ ; \
	VSUBPS Y11, Y9, Y5                       /* u2 = a - c */ ; \
	VADDPS Y12, Y10, Y6                      /* u3 = b + d */ ; \
	VSUBPS Y12, Y10, Y7                      /* u4 = b - d */ ; \
	VMOVAPS Y2, Y8                           /* u5 = g2 */

// STORE6 stores lanes 0..5 of yreg (whose low half is xreg) at (R9) and
// advances R9 by R8 (xs*4).
#define STORE6(yreg, xreg) \
	VMOVUPS xreg, (R9)                       /* up[ξ][0:4] = lanes 0..3 */ ; \
	VEXTRACTF128 $1, yreg, X13               /* X13 = lanes 4..7 */ ; \
	VMOVSD X13, 16(R9)                       /* up[ξ][4:6] = lanes 4, 5 */ ; \
	ADDQ R8, R9                              /* next ξ */

// func winoWeights6AVX2(n int, gw, up *float32, xs int, t *float32)
//
// Registers: CX = channels left, SI = g of this channel (9 rows of 8 lanes),
// DI = up of this channel (ξ = 0), R8 = xs*4, R13 = t (scratch, 6x3x8),
// AX = pointer into g or t, R11 = pointer into t, R10 = &up[6i*xs],
// R9 = store pointer, DX = loop counter.
TEXT ·winoWeights6AVX2(SB), NOSPLIT, $0-40
	MOVQ n+0(FP), CX
	MOVQ gw+8(FP), SI
	MOVQ up+16(FP), DI
	MOVQ xs+24(FP), R8
	SHLQ $2, R8                              // R8 = xs*4
	MOVQ t+32(FP), R13

wchan:
	// Columns: t[·][j] = G (g[0][j], g[1][j], g[2][j]), j = 0..2.
	MOVQ SI, AX                              // AX = &g[0][0]
	MOVQ R13, R11                            // R11 = &t[0][0]
	MOVQ $3, DX                              // DX = 3 columns
wcol:
	VMOVUPS 0(AX), Y0                        // g0 = g[0][j]
	VMOVUPS 96(AX), Y1                       // g1 = g[1][j]
	VMOVUPS 192(AX), Y2                      // g2 = g[2][j]
	GT6
	VMOVUPS Y3, 0(R11)                       // t[0][j] = u0
	VMOVUPS Y4, 96(R11)                      // t[1][j] = u1
	VMOVUPS Y5, 192(R11)                     // t[2][j] = u2
	VMOVUPS Y6, 288(R11)                     // t[3][j] = u3
	VMOVUPS Y7, 384(R11)                     // t[4][j] = u4
	VMOVUPS Y8, 480(R11)                     // t[5][j] = u5
	ADDQ $32, AX                             // next column of g
	ADDQ $32, R11                            // next column of t
	DECQ DX
	JNZ  wcol

	// Rows: U[i][·] = G (t[i][0], t[i][1], t[i][2]), i = 0..5, to up[(6i+j)*xs].
	MOVQ R13, AX                             // AX = &t[0][0]
	MOVQ DI, R10                             // R10 = &up[0]
	MOVQ $6, DX                              // DX = 6 rows
wrow:
	VMOVUPS 0(AX), Y0                        // g0 = t[i][0]
	VMOVUPS 32(AX), Y1                       // g1 = t[i][1]
	VMOVUPS 64(AX), Y2                       // g2 = t[i][2]
	GT6
	MOVQ R10, R9                             // R9 = &up[6i*xs]
	STORE6(Y3, X3)
	STORE6(Y4, X4)
	STORE6(Y5, X5)
	STORE6(Y6, X6)
	STORE6(Y7, X7)
	STORE6(Y8, X8)
	MOVQ R9, R10                             // R10 = &up[6(i+1)*xs]
	ADDQ $96, AX                             // next row of t
	DECQ DX
	JNZ  wrow

	ADDQ $288, SI                            // g = next channel (72 floats)
	ADDQ $24, DI                             // up = next channel (6 floats)
	DECQ CX
	JNZ  wchan
	VZEROUPPER
	RET

// HSUM4 sets the 4 floats at off(BX) to the lane sums of a, b, c, d;
// clobbers Y0, Y1.
#define HSUM4(a, b, c, d, off) \
	VHADDPS b, a, Y0                         /* Y0 = a01 a23 b01 b23 | a45 a67 b45 b67 */ ; \
	VHADDPS d, c, Y1                         /* Y1 = c01 c23 d01 d23 | c45 c67 d45 d67 */ ; \
	VHADDPS Y1, Y0, Y0                       /* Y0 = a0-3 b0-3 c0-3 d0-3 | a4-7 b4-7 c4-7 d4-7 */ ; \
	VEXTRACTF128 $1, Y0, X1                  /* X1 = upper half */ ; \
	VADDPS X1, X0, X0                        /* X0 = Σa Σb Σc Σd */ ; \
	VMOVUPS X0, off(BX)                      /* out[off/4 : off/4+4] = X0 */

// func winoNT4x3AVX2(n int, a *float32, lda int, b *float32, ldb int, out *float32)
//
// Registers: CX = steps of 8 left, SI = &a[0][t], R9 = &a[3][t], R8 = lda*4,
// DI = &b[0][t], R10 = ldb*4, BX = out; Y0..Y2 = b rows, Y3 = an a row;
// accumulators Y(4+4j+i) for a row i, b row j.
TEXT ·winoNT4x3AVX2(SB), NOSPLIT, $0-48
	MOVQ n+0(FP), CX
	SHRQ $3, CX                              // CX = n/8
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	SHLQ $2, R8                              // R8 = lda*4
	LEAQ (SI)(R8*2), R9
	ADDQ R8, R9                              // R9 = &a[3][0]
	MOVQ b+24(FP), DI
	MOVQ ldb+32(FP), R10
	SHLQ $2, R10                             // R10 = ldb*4
	MOVQ out+40(FP), BX
	VXORPS Y4, Y4, Y4                        // s[0][0] = 0
	VXORPS Y5, Y5, Y5                        // s[1][0] = 0
	VXORPS Y6, Y6, Y6                        // s[2][0] = 0
	VXORPS Y7, Y7, Y7                        // s[3][0] = 0
	VXORPS Y8, Y8, Y8                        // s[0][1] = 0
	VXORPS Y9, Y9, Y9                        // s[1][1] = 0
	VXORPS Y10, Y10, Y10                     // s[2][1] = 0
	VXORPS Y11, Y11, Y11                     // s[3][1] = 0
	VXORPS Y12, Y12, Y12                     // s[0][2] = 0
	VXORPS Y13, Y13, Y13                     // s[1][2] = 0
	VXORPS Y14, Y14, Y14                     // s[2][2] = 0
	VXORPS Y15, Y15, Y15                     // s[3][2] = 0

ntloop:
	VMOVUPS (DI), Y0                         // b0 = b[0][t:t+8]
	VMOVUPS (DI)(R10*1), Y1                  // b1 = b[1][t:t+8]
	VMOVUPS (DI)(R10*2), Y2                  // b2 = b[2][t:t+8]
	VMOVUPS (SI), Y3                         // a0 = a[0][t:t+8]
	VFMADD231PS Y0, Y3, Y4                   // s[0][0] += a0*b0
	VFMADD231PS Y1, Y3, Y8                   // s[0][1] += a0*b1
	VFMADD231PS Y2, Y3, Y12                  // s[0][2] += a0*b2
	VMOVUPS (SI)(R8*1), Y3                   // a1 = a[1][t:t+8]
	VFMADD231PS Y0, Y3, Y5                   // s[1][0] += a1*b0
	VFMADD231PS Y1, Y3, Y9                   // s[1][1] += a1*b1
	VFMADD231PS Y2, Y3, Y13                  // s[1][2] += a1*b2
	VMOVUPS (SI)(R8*2), Y3                   // a2 = a[2][t:t+8]
	VFMADD231PS Y0, Y3, Y6                   // s[2][0] += a2*b0
	VFMADD231PS Y1, Y3, Y10                  // s[2][1] += a2*b1
	VFMADD231PS Y2, Y3, Y14                  // s[2][2] += a2*b2
	VMOVUPS (R9), Y3                         // a3 = a[3][t:t+8]
	VFMADD231PS Y0, Y3, Y7                   // s[3][0] += a3*b0
	VFMADD231PS Y1, Y3, Y11                  // s[3][1] += a3*b1
	VFMADD231PS Y2, Y3, Y15                  // s[3][2] += a3*b2
	ADDQ $32, SI                             // t += 8 in a rows 0-2
	ADDQ $32, R9                             // t += 8 in a row 3
	ADDQ $32, DI                             // t += 8 in b rows
	DECQ CX
	JNZ  ntloop

	HSUM4(Y4, Y5, Y6, Y7, 0)                 // out[0:4] = Σ s[0..3][0]
	HSUM4(Y8, Y9, Y10, Y11, 16)              // out[4:8] = Σ s[0..3][1]
	HSUM4(Y12, Y13, Y14, Y15, 32)            // out[8:12] = Σ s[0..3][2]
	VZEROUPPER
	RET

// AT4 computes (Y4..Y9) = A (Y0..Y3), lane-wise, A the 6x4 transpose of Aᵀ;
// Y14 = 4, Y15 = 8; clobbers Y10, Y11.
#define AT4 \
	VADDPS Y2, Y0, Y10                       /* e = d0 + d2 */ ; \
	VADDPS Y3, Y1, Y11                       /* o = d1 + d3 */ ; \
	VADDPS Y11, Y10, Y5                      /* z1 = e + o */ ; \
	VSUBPS Y11, Y10, Y6                      /* z2 = e - o */ ; \
	VMOVAPS Y0, Y10                          /* e4 = d0 */ ; \
	VFMADD231PS Y14, Y2, Y10                 /* e4 += 4*d2 */ ; \
	VADDPS Y1, Y1, Y11                       /* o2 = 2*d1 */ ; \
	VFMADD231PS Y15, Y3, Y11                 /* o2 += 8*d3 */ ; \
	VADDPS Y11, Y10, Y7                      /* z3 = e4 + o2 */ ; \
	VSUBPS Y11, Y10, Y8                      /* z4 = e4 - o2 */ ; \
	VMOVAPS Y0, Y4                           /* z0 = d0 */ ; \
	VMOVAPS Y3, Y9                           /* z5 = d3 */

// func winoDY8AVX2(n int, d, z *float32, xs, cs int, t *float32)
//
// Registers: CX = channels left, SI = d of this channel (4x4x8 floats), DI =
// z of this channel, R8 = xs*4, R12 = cs*4, R13 = t (scratch, 6x4x8), AX =
// column pointer into d or row pointer into t, R11 = pointer into t, R9 =
// store pointer, DX = loop counter.
TEXT ·winoDY8AVX2(SB), NOSPLIT, $0-48
	MOVQ n+0(FP), CX
	MOVQ d+8(FP), SI
	MOVQ z+16(FP), DI
	MOVQ xs+24(FP), R8
	SHLQ $2, R8                              // R8 = xs*4
	MOVQ cs+32(FP), R12
	SHLQ $2, R12                             // R12 = cs*4
	MOVQ t+40(FP), R13
	VBROADCASTSS winoConst<>+4(SB), Y14      // Y14 = 4
	VBROADCASTSS winoConst<>+8(SB), Y15      // Y15 = 8

dychan:
	// Columns: t[·][c] = A dY[·][c], c = 0..3.
	MOVQ SI, AX                              // AX = &dY[0][0]
	MOVQ R13, R11                            // R11 = &t[0][0]
	MOVQ $4, DX                              // DX = 4 columns
dycol:
	VMOVUPS 0(AX), Y0                        // d0 = dY[0][c]
	VMOVUPS 128(AX), Y1                      // d1 = dY[1][c]
	VMOVUPS 256(AX), Y2                      // d2 = dY[2][c]
	VMOVUPS 384(AX), Y3                      // d3 = dY[3][c]
	AT4
	VMOVUPS Y4, 0(R11)                       // t[0][c] = z0
	VMOVUPS Y5, 128(R11)                     // t[1][c] = z1
	VMOVUPS Y6, 256(R11)                     // t[2][c] = z2
	VMOVUPS Y7, 384(R11)                     // t[3][c] = z3
	VMOVUPS Y8, 512(R11)                     // t[4][c] = z4
	VMOVUPS Y9, 640(R11)                     // t[5][c] = z5
	ADDQ $32, AX                             // next column of dY
	ADDQ $32, R11                            // next column of t
	DECQ DX
	JNZ  dycol

	// Rows: Z[r][·] = A t[r][·], r = 0..5, to z[(6r+j)*xs].
	MOVQ R13, AX                             // AX = &t[0][0]
	MOVQ DI, R9                              // R9 = &z[0]
	MOVQ $6, DX                              // DX = 6 rows
dyrow:
	VMOVUPS 0(AX), Y0                        // d0 = t[r][0]
	VMOVUPS 32(AX), Y1                       // d1 = t[r][1]
	VMOVUPS 64(AX), Y2                       // d2 = t[r][2]
	VMOVUPS 96(AX), Y3                       // d3 = t[r][3]
	AT4
	VMOVUPS Y4, (R9)                         // Z[r][0] = z0
	ADDQ R8, R9                              // R9 = &z[(6r+1)*xs]
	VMOVUPS Y5, (R9)                         // Z[r][1] = z1
	ADDQ R8, R9                              // R9 = &z[(6r+2)*xs]
	VMOVUPS Y6, (R9)                         // Z[r][2] = z2
	ADDQ R8, R9                              // R9 = &z[(6r+3)*xs]
	VMOVUPS Y7, (R9)                         // Z[r][3] = z3
	ADDQ R8, R9                              // R9 = &z[(6r+4)*xs]
	VMOVUPS Y8, (R9)                         // Z[r][4] = z4
	ADDQ R8, R9                              // R9 = &z[(6r+5)*xs]
	VMOVUPS Y9, (R9)                         // Z[r][5] = z5
	ADDQ R8, R9                              // R9 = &z[6(r+1)*xs]
	ADDQ $128, AX                            // next row of t
	DECQ DX
	JNZ  dyrow

	ADDQ $512, SI                            // d = next channel (128 floats)
	ADDQ R12, DI                             // z = next channel (cs floats on)
	DECQ CX
	JNZ  dychan
	VZEROUPPER
	RET
