package nn

import (
	"testing"

	"github.com/gocnn/gocnn/kernels"
	"github.com/gocnn/gocnn/tensor"
)

// TestConv2dCacheWeights checks that Conv2d's inference weight cache gives
// the same bits as the uncached layer, across input shapes (new plans reuse
// the packed weights), with and without a fused ReLU, and follows new
// weights once it is set again.
func TestConv2dCacheWeights(t *testing.T) {
	for _, algo := range []kernels.Algo{kernels.AlgoWinograd, kernels.AlgoIm2col, kernels.AlgoAuto} {
		rng := tensor.NewRNG(3)
		opt := Conv2dOptions{Padding: 1, Algo: algo}
		plain := NewConv2d(12, 10, 3, opt, rng)
		cached := NewConv2d(12, 10, 3, opt, nil)
		copy(cached.Weight.Value.Data(), plain.Weight.Value.Data())
		copy(cached.Bias.Value.Data(), plain.Bias.Value.Data())
		mPlain := NewSequential(plain, NewReLU())
		mCached := NewSequential(cached, NewReLU())
		if n := CacheWeights(mCached, true); n != 1 {
			t.Fatalf("CacheWeights reached %d layers, want 1", n)
		}
		check := func(what string) {
			t.Helper()
			for _, shape := range [][]int{{1, 12, 9, 9}, {3, 12, 16, 13}, {1, 12, 9, 9}} {
				x := tensor.RandN(rng, 1, shape...)
				want := plain.Forward(x).Clone()
				got := cached.Forward(x)
				for i, v := range got.Data() {
					if v != want.Data()[i] {
						t.Fatalf("%v %s %v: y[%d] = %g cached, %g not", algo, what, shape, i, v, want.Data()[i])
					}
				}
				want = mPlain.Forward(x).Clone()
				got = mCached.Forward(x)
				for i, v := range got.Data() {
					if v != want.Data()[i] {
						t.Fatalf("%v %s %v with ReLU: y[%d] = %g cached, %g not", algo, what, shape, i, v, want.Data()[i])
					}
				}
			}
		}
		check("first weights")
		w := tensor.RandN(rng, 0.1, 10, 12, 3, 3)
		copy(plain.Weight.Value.Data(), w.Data())
		copy(cached.Weight.Value.Data(), w.Data())
		CacheWeights(mCached, true)
		check("new weights")
		CacheWeights(mCached, false)
		check("cache off")
		CacheWeights(mCached, true)
		mCached.SetTrain(true) // training mode drops the cache
		mCached.SetTrain(false)
		w = tensor.RandN(rng, 0.1, 10, 12, 3, 3)
		copy(plain.Weight.Value.Data(), w.Data())
		copy(cached.Weight.Value.Data(), w.Data())
		check("after SetTrain(true)")
	}
}
