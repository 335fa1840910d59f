// This header holds the macros that the dot-product and rows kernels of
// sgemm_dot_amd64.s and sgemm_gemv_amd64.s share: rows of B at SI, SI+R9,
// SI+2*R9, SI+R10 and R8, R8+R9, R8+2*R9, R8+R10 (R9 = ldb*4, R10 =
// 3*ldb*4, R8 = SI+4*R9).

// DOTARGS(kr) loads the arguments of the dot-product kernels, func(k int,
// at, b *float32, ldb int, out *float32): kr = k, AX = at, SI = b (its row
// 0), R9 = ldb*4, R10 = 3*ldb*4, R8 = b's row 4, DI = out.
#define DOTARGS(kr) \
	MOVQ k+0(FP), kr     ; \
	MOVQ at+8(FP), AX    ; \
	MOVQ b+16(FP), SI    ; \
	MOVQ ldb+24(FP), R9  ; \
	SHLQ $2, R9          ; \
	LEAQ (R9)(R9*2), R10 ; \
	LEAQ (SI)(R9*4), R8  ; \
	MOVQ out+32(FP), DI

// PREFETCH4(op, d) asks for the line d bytes on of each of the four rows
// of B at SI, SI+R9, SI+2*R9 and SI+R10 with the prefetch instruction op;
// PREFETCH8(op, d) also of the four at R8, R8+R9, R8+2*R9 and R8+R10.
#define PREFETCH4(op, d) \
	op d(SI)        ; \
	op d(SI)(R9*1)  ; \
	op d(SI)(R9*2)  ; \
	op d(SI)(R10*1)

#define PREFETCH8(op, d) \
	PREFETCH4(op, d) ; \
	op d(R8)         ; \
	op d(R8)(R9*1)   ; \
	op d(R8)(R9*2)   ; \
	op d(R8)(R10*1)

// ZERO8 clears the accumulators Y0..Y7 of the four- and eight-row kernels.
#define ZERO8 \
	VXORPS Y0, Y0, Y0 ; \
	VXORPS Y1, Y1, Y1 ; \
	VXORPS Y2, Y2, Y2 ; \
	VXORPS Y3, Y3, Y3 ; \
	VXORPS Y4, Y4, Y4 ; \
	VXORPS Y5, Y5, Y5 ; \
	VXORPS Y6, Y6, Y6 ; \
	VXORPS Y7, Y7, Y7

// ZERO12 clears the accumulators Y0..Y11.
#define ZERO12 \
	ZERO8                ; \
	VXORPS Y8, Y8, Y8    ; \
	VXORPS Y9, Y9, Y9    ; \
	VXORPS Y10, Y10, Y10 ; \
	VXORPS Y11, Y11, Y11
