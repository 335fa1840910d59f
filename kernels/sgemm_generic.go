// This file holds the pure-Go Sgemm micro-kernel. It is always compiled, so
// that tests can compare the assembly kernels with it on any machine, and it
// is what the purego build and CPUs without AVX2 run.

package kernels

import "unsafe"

// genericKernel is the pure-Go micro-kernel with its blocking.
var genericKernel = sgemmKernel{name: "go", mr: 4, nr: 4, micro: sgemmMicro4x4Generic}

// sgemmMicro4x4Generic computes the 4×4 tile C = alpha*Ap·B + beta*C, where
// Ap is a packed 4×kc panel (column p at Ap[4p:]), B a kc×4 panel with rows
// ldb floats apart (row p at B[p*ldb:]; ldb = 4 when packed) and C has row
// stride ldc; C is not read when beta == 0. kc >= 1.
// Each of the sixteen sums is accumulated in order p = 0..kc-1, every product
// rounded explicitly so that no target fuses it: the pure-Go path gives the
// same bits on every architecture (as the other generic twins do).
func sgemmMicro4x4Generic(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32) {
	ap := unsafe.Slice(a, 4*kc)
	bp := unsafe.Slice(b, (kc-1)*ldb+4)
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	var c20, c21, c22, c23, c30, c31, c32, c33 float32
	for p := 0; p < kc; p++ {
		av := ap[4*p : 4*p+4 : 4*p+4]
		bv := bp[p*ldb : p*ldb+4 : p*ldb+4]
		a0, a1, a2, a3 := av[0], av[1], av[2], av[3]
		b0, b1, b2, b3 := bv[0], bv[1], bv[2], bv[3]
		c00 += float32(a0 * b0)
		c01 += float32(a0 * b1)
		c02 += float32(a0 * b2)
		c03 += float32(a0 * b3)
		c10 += float32(a1 * b0)
		c11 += float32(a1 * b1)
		c12 += float32(a1 * b2)
		c13 += float32(a1 * b3)
		c20 += float32(a2 * b0)
		c21 += float32(a2 * b1)
		c22 += float32(a2 * b2)
		c23 += float32(a2 * b3)
		c30 += float32(a3 * b0)
		c31 += float32(a3 * b1)
		c32 += float32(a3 * b2)
		c33 += float32(a3 * b3)
	}
	cs := unsafe.Slice(c, 3*ldc+4)
	storeRow4(cs[0:4:4], c00, c01, c02, c03, alpha, beta)
	storeRow4(cs[ldc:ldc+4:ldc+4], c10, c11, c12, c13, alpha, beta)
	storeRow4(cs[2*ldc:2*ldc+4:2*ldc+4], c20, c21, c22, c23, alpha, beta)
	storeRow4(cs[3*ldc:3*ldc+4:3*ldc+4], c30, c31, c32, c33, alpha, beta)
}

// storeRow4 sets r = alpha*(x0..x3) + beta*r, not reading r when beta == 0.
func storeRow4(r []float32, x0, x1, x2, x3, alpha, beta float32) {
	if beta == 0 {
		r[0], r[1], r[2], r[3] = alpha*x0, alpha*x1, alpha*x2, alpha*x3
		return
	}
	r[0] = float32(alpha*x0) + float32(beta*r[0])
	r[1] = float32(alpha*x1) + float32(beta*r[1])
	r[2] = float32(alpha*x2) + float32(beta*r[2])
	r[3] = float32(alpha*x3) + float32(beta*r[3])
}
