// This file holds inverted dropout with a counter-based generator: whether
// element i is kept depends only on (seed, i), so results do not depend on
// the worker count or on the order of calls, and a step is reproducible from
// its seed alone.

package kernels

import "fmt"

// DropoutForward zeroes each element with probability p and scales the kept
// ones by 1/(1-p) (inverted dropout, so evaluation needs no rescaling):
// mask[i] = 1 and y[i] = x[i]*(1/(1-p)) when kept, mask[i] = 0 and y[i] = 0 when
// dropped. Element i is kept iff the 64-bit SplitMix64 hash of seed+i, as a
// fraction of 2^64, is >= p; the caller changes seed every step (e.g. a base
// seed plus the step number). p must be in [0, 1); p == 0 copies x and sets
// every mask byte to 1. y may alias x.
func DropoutForward(x, y []float32, mask []uint8, p float32, seed uint64) {
	if !(p >= 0 && p < 1) {
		panic(fmt.Sprintf("kernels: DropoutForward: p = %g, want 0 <= p < 1", p))
	}
	checkLen("DropoutForward", "y", y, len(x))
	if len(mask) < len(x) {
		panic(fmt.Sprintf("kernels: DropoutForward: len(mask) = %d, want at least %d", len(mask), len(x)))
	}
	// keep iff hash >= p*2^64; compare the top 32 bits against p*2^32.
	thr := uint64(float64(p) * (1 << 32))
	scale := 1 / (1 - p)
	jb := newElt(func(j *eltJob, lo, hi int) {
		x, y, mask, thr, scale, seed := j.a, j.b, j.mask, uint64(j.n[0]), j.x0, j.seed

		for i := lo; i < hi; i++ {
			if splitMix64(seed+uint64(i))>>32 >= thr {
				mask[i], y[i] = 1, x[i]*scale
			} else {
				mask[i], y[i] = 0, 0
			}
		}
	})
	jb.a, jb.b, jb.mask, jb.n[0], jb.x0, jb.seed = x, y, mask, int(thr), scale, seed
	jb.parallel(len(x), eltGrain)
}

// DropoutBackward sets dx[i] = dy[i]*(1/(1-p)) where mask[i] != 0, else 0, for
// the mask and p of the forward. dx may alias dy.
func DropoutBackward(dy []float32, mask []uint8, p float32, dx []float32) {
	if !(p >= 0 && p < 1) {
		panic(fmt.Sprintf("kernels: DropoutBackward: p = %g, want 0 <= p < 1", p))
	}
	checkLen("DropoutBackward", "dx", dx, len(dy))
	if len(mask) < len(dy) {
		panic(fmt.Sprintf("kernels: DropoutBackward: len(mask) = %d, want at least %d", len(mask), len(dy)))
	}
	scale := 1 / (1 - p)
	jb := newElt(func(j *eltJob, lo, hi int) {
		dy, mask, scale, dx := j.a, j.mask, j.x0, j.b

		for i := lo; i < hi; i++ {
			if mask[i] != 0 {
				dx[i] = dy[i] * scale
			} else {
				dx[i] = 0
			}
		}
	})
	jb.a, jb.mask, jb.x0, jb.b = dy, mask, scale, dx
	jb.parallel(len(dy), eltGrain)
}

// splitMix64 is the SplitMix64 output function (Steele et al. 2014).
func splitMix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
