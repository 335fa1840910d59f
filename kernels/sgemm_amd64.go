//go:build !purego

// This file is the Sgemm dispatch of amd64 builds with assembly: the stubs of
// the micro-kernels in sgemm_avx2_amd64.s and sgemm_avx512_amd64.s and the
// choice between them.

package kernels

// sgemmMicro6x16AVX2 is the AVX2+FMA twin of sgemmMicro4x4Generic for a 6×16
// tile (see sgemm_avx2_amd64.s): kc >= 1, Ap holds 6*kc floats and B
// (kc-1)*ldb+16, the tile of C is in bounds, and the CPU has AVX2 and FMA.
//
//go:noescape
func sgemmMicro6x16AVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

// sgemmMicro6x16DirectAVX2 is sgemmMicro6x16AVX2 that also prefetches the
// next panel of a B read in place (same contract and bits).
//
//go:noescape
func sgemmMicro6x16DirectAVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

// sgemmMicro5x16AVX2 .. sgemmMicro1x16AVX2 are sgemmMicro6x16AVX2 for the
// last r < 6 rows of C, with an r×kc panel Ap (same preconditions).
//
//go:noescape
func sgemmMicro5x16AVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//go:noescape
func sgemmMicro4x16AVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//go:noescape
func sgemmMicro3x16AVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//go:noescape
func sgemmMicro2x16AVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

//go:noescape
func sgemmMicro1x16AVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

var avx2Kernel = sgemmKernel{
	name: "avx2", mr: 6, nr: 16, micro: sgemmMicro6x16AVX2, direct: sgemmMicro6x16DirectAVX2,
	edge: []sgemmMicro{nil, sgemmMicro1x16AVX2, sgemmMicro2x16AVX2, sgemmMicro3x16AVX2,
		sgemmMicro4x16AVX2, sgemmMicro5x16AVX2},
}

// sgemmKernelFor returns the micro-kernel Sgemm uses for isa on an m×n×k
// product.
func sgemmKernelFor(isa ISA, m, n, k int) *sgemmKernel {
	switch isa {
	case AVX2, AVX512:
		return &avx2Kernel
	}
	return &genericKernel
}

// sgemmKernels lists the micro-kernels this build and CPU can run, for tests
// and benchmarks.
func sgemmKernels() []*sgemmKernel {
	ks := []*sgemmKernel{&genericKernel}
	if hasAVX2 {
		ks = append(ks, &avx2Kernel)
	}
	return ks
}
