// This header holds the macros that the dot-product and rows kernels of
// sgemm_dot_amd64.s and sgemm_gemv_amd64.s share: rows of B at SI, SI+R9,
// SI+2*R9, SI+R10 and R8, R8+R9, R8+2*R9, R8+R10 (R9 = ldb*4, R10 =
// 3*ldb*4, R8 = SI+4*R9).

// PREFETCH8(op, d) asks for the line d bytes on of each of eight rows of
// B (at SI, SI+R9, SI+2*R9, SI+R10, R8, R8+R9, R8+2*R9, R8+R10) with the
// prefetch instruction op.
#define PREFETCH8(op, d) \
	op d(SI)        ; \
	op d(SI)(R9*1)  ; \
	op d(SI)(R9*2)  ; \
	op d(SI)(R10*1) ; \
	op d(R8)        ; \
	op d(R8)(R9*1)  ; \
	op d(R8)(R9*2)  ; \
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
