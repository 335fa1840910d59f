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
