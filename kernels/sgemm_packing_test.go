package kernels

import (
	"math/rand/v2"
	"testing"
)

// TestSgemmFusePackBits checks that the products whose panels of B are packed
// just before use (m <= mc, by block or by the panel-claiming path) get the
// same bits whether the first tile of each panel packs it as it reads B
// (kr.packing) or packB packs it first, and that both are right: kc odd,
// prime and a multiple of the unroll, a ragged last panel (four columns:
// kr.cols4), an edge row tile, B's rows further apart than n, beta 0 and not.
func TestSgemmFusePackBits(t *testing.T) {
	defer SetThreads(SetThreads(1))
	defer func() { sgemmFusePack = true }()
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(51, 52))
		for _, s := range []struct{ m, n, k, pad int }{
			{6, 16, 129, 0}, {13, 70, 131, 3}, {64, 96, 576, 0}, {17, 48, 200, 5}, {30, 33, 257, 0},
			{30, 292, 131, 0}, {7, 401, 100, 2}, // the panel-claiming path, 292 = 16q+4 = 32q+4
		} {
			for _, beta := range []float32{0, 0.3} {
				base := newSgemmCase(rng, false, false, s.m, s.n, s.k, 0.75, beta, s.pad)
				c0 := clone(base.c)
				sgemmFusePack = false
				want := base.run(t, Sgemm)
				copy(base.c, c0)
				sgemmFusePack = true
				if got := base.run(t, Sgemm); !sameBits(got, want) {
					t.Fatalf("%v: the packing kernel's bits differ from packB and the micro-kernel's", base)
				}
			}
		}
	})
}

// TestSgemmSpreadAheadBits checks that the tiles below a panel of B packed
// just before use get the same bits whether they ask for the panel after
// next inside the kernel (kr.ahead) or before each call (prefetchPanel),
// with and without the fused packing, and that they are right: by block
// (three k blocks of 192; kb odd, so the kernel's one-step tail runs) and
// by the panel-claiming path, with more lines a tile than the kernel's
// loop asks for (one or two full tiles, so its rest loop runs), an edge
// row tile, B's rows further apart than n, beta 0 and not.
func TestSgemmSpreadAheadBits(t *testing.T) {
	defer SetThreads(SetThreads(1))
	defer func() { sgemmFusePack, sgemmSpreadAhead = true, true }()
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(53, 54))
		for _, s := range []struct{ m, n, k, pad int }{
			{64, 96, 576, 0}, {13, 80, 200, 3}, {12, 64, 131, 0}, {60, 49, 129, 1},
			{30, 292, 131, 0}, {20, 130, 150, 2}, // the panel-claiming path
		} {
			for _, beta := range []float32{0, 0.3} {
				base := newSgemmCase(rng, false, false, s.m, s.n, s.k, 0.75, beta, s.pad)
				c0 := clone(base.c)
				sgemmFusePack, sgemmSpreadAhead = false, false
				want := base.run(t, Sgemm)
				for _, v := range [][2]bool{{false, true}, {true, false}, {true, true}} {
					copy(base.c, c0)
					sgemmFusePack, sgemmSpreadAhead = v[0], v[1]
					if got := base.run(t, Sgemm); !sameBits(got, want) {
						t.Fatalf("%v: fused packing %v, asking ahead in the kernel %v: the bits differ", base, v[0], v[1])
					}
				}
			}
		}
	})
}
