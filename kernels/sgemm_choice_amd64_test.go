//go:build !purego

// This file tests the amd64 choices Sgemm makes on its own: which
// micro-kernel a product gets, and the AVX-512 packing loop of B.

package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSgemmKernelFor checks the default choice between the AVX2 and AVX-512
// kernels (the AVX-512 one from sgemmAVX512MinM rows where preferred) and
// that a forced ISA overrides it.
func TestSgemmKernelFor(t *testing.T) {
	prevPref, prevForced := sgemmAVX512Preferred, isaForced
	defer func() { sgemmAVX512Preferred, isaForced = prevPref, prevForced }()
	isaForced = false
	for _, tc := range []struct {
		pref bool
		m    int
		want *sgemmKernel
	}{
		{true, sgemmAVX512MinM, &avx512Kernel},
		{true, 2048, &avx512Kernel},
		{true, sgemmAVX512MinM - 1, &avx2Kernel},
		{true, 8, &avx2Kernel},
		{false, 2048, &avx2Kernel},
		{false, sgemmAVX512MinM, &avx2Kernel},
	} {
		sgemmAVX512Preferred = tc.pref
		if got := sgemmKernelFor(AVX512, tc.m, 1024, 1024); got != tc.want {
			t.Errorf("preferred=%v m=%d: kernel %s, want %s", tc.pref, tc.m, got.name, tc.want.name)
		}
		if got := sgemmKernelFor(AVX2, tc.m, 1024, 1024); got != &avx2Kernel {
			t.Errorf("AVX2, m=%d: kernel %s, want avx2", tc.m, got.name)
		}
	}
	isaForced, sgemmAVX512Preferred = true, false
	if got := sgemmKernelFor(AVX512, 8, 1024, 1024); got != &avx512Kernel {
		t.Errorf("AVX512 forced, m=8: kernel %s, want avx512", got.name)
	}
}

// TestPackB32 compares packB with the AVX-512 loop for 32-column panels
// against the Go loop, bit for bit over the whole buffer (the panels' pads
// and the space past them hold a sentinel that must survive), on row
// counts, panel counts, leading dimensions and column offsets around the
// loop's edges, with a ragged last panel or none.
func TestPackB32(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512 on this CPU")
	}
	asm := &sgemmPackers{b32: sgemmPackB32AVX512}
	goLoop := &sgemmPackers{}
	rng := rand.New(rand.NewPCG(7, 7))
	sentinel := float32(math.Inf(-1))
	for _, kb := range []int{1, 2, 7, 33, 130} {
		for _, nb := range []int{32, 64, 95, 160, 161} {
			for _, extra := range []int{0, 3, 17, 32} {
				for _, j0 := range []int{0, 5, 32} {
					p0 := kb % 3
					ldb := j0 + nb + extra
					b := randFloats(rng, (p0+kb)*ldb)
					size := (nb+31)/32*panelStride(kb, 32) + 40
					got, want := make([]float32, size), make([]float32, size)
					for i := range got {
						got[i], want[i] = sentinel, sentinel
					}
					packB(asm, got, false, b, ldb, p0, kb, j0, nb, 32)
					packB(goLoop, want, false, b, ldb, p0, kb, j0, nb, 32)
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("kb=%d nb=%d ldb=%d j0=%d: dst[%d] = %v, want %v", kb, nb, ldb, j0, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}
