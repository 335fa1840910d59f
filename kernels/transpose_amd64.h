// This header holds the 8×8 float transpose that the AVX2 packing and
// Winograd gather kernels share.

// TRANSPOSE8 transposes the 8×8 block whose rows are Y0..Y7 into Y8..Y15
// (Y(8+j) = column j = [Y0[j], Y1[j], ..., Y7[j]]), clobbering Y0..Y7. In Go:
//   for i, j < 8 { out[j][i] = in[i][j] }
#define TRANSPOSE8 \
	VUNPCKLPS  Y1, Y0, Y8         /* t0 = r0[0],r1[0],r0[1],r1[1] | cols 4,5 */ \
	VUNPCKHPS  Y1, Y0, Y9         /* t1 = r0[2],r1[2],r0[3],r1[3] | cols 6,7 */ \
	VUNPCKLPS  Y3, Y2, Y10        /* t2 = the same for r2, r3 */                 \
	VUNPCKHPS  Y3, Y2, Y11        /* t3 */                                       \
	VUNPCKLPS  Y5, Y4, Y12        /* t4 = the same for r4, r5 */                 \
	VUNPCKHPS  Y5, Y4, Y13        /* t5 */                                       \
	VUNPCKLPS  Y7, Y6, Y14        /* t6 = the same for r6, r7 */                 \
	VUNPCKHPS  Y7, Y6, Y15        /* t7 */                                       \
	VSHUFPS    $0x44, Y10, Y8, Y0 /* s0 = col 0 of r0..r3 | col 4 */             \
	VSHUFPS    $0xEE, Y10, Y8, Y1 /* s1 = col 1 | col 5 */                       \
	VSHUFPS    $0x44, Y11, Y9, Y2 /* s2 = col 2 | col 6 */                       \
	VSHUFPS    $0xEE, Y11, Y9, Y3 /* s3 = col 3 | col 7 */                       \
	VSHUFPS    $0x44, Y14, Y12, Y4 /* s4 = col 0 of r4..r7 | col 4 */            \
	VSHUFPS    $0xEE, Y14, Y12, Y5 /* s5 = col 1 | col 5 */                      \
	VSHUFPS    $0x44, Y15, Y13, Y6 /* s6 = col 2 | col 6 */                      \
	VSHUFPS    $0xEE, Y15, Y13, Y7 /* s7 = col 3 | col 7 */                      \
	VPERM2F128 $0x20, Y4, Y0, Y8  /* out0 = s0.lo, s4.lo: column 0 */            \
	VPERM2F128 $0x20, Y5, Y1, Y9  /* out1 = column 1 */                          \
	VPERM2F128 $0x20, Y6, Y2, Y10 /* out2 = column 2 */                          \
	VPERM2F128 $0x20, Y7, Y3, Y11 /* out3 = column 3 */                          \
	VPERM2F128 $0x31, Y4, Y0, Y12 /* out4 = s0.hi, s4.hi: column 4 */            \
	VPERM2F128 $0x31, Y5, Y1, Y13 /* out5 = column 5 */                          \
	VPERM2F128 $0x31, Y6, Y2, Y14 /* out6 = column 6 */                          \
	VPERM2F128 $0x31, Y7, Y3, Y15 /* out7 = column 7 */
