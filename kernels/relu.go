// This file holds the rectified linear unit, forward and backward. (Conv
// fuses its own ReLU into the output pass; these serve the other layers and
// the backward of any ReLU.)

package kernels

import "fmt"

const eltGrain = 1 << 15

// ReluForward sets y[i] = max(x[i], 0) (NaN stays NaN). y may alias x; len(y)
// must be at least len(x).
func ReluForward(x, y []float32) {
	checkLen("ReluForward", "y", y, len(x))
	ParallelFor(len(x), eltGrain, func(lo, hi int) {
		xs, ys := x[lo:hi], y[lo:hi]
		for i, v := range xs {
			if v < 0 {
				v = 0
			}
			ys[i] = v
		}
	})
}

// ReluBackward sets dx[i] = dy[i] where y[i] > 0, else 0; y is the forward
// output (or input: the sign is the same). dx may alias dy.
func ReluBackward(y, dy, dx []float32) {
	if len(dy) != len(y) || len(dx) < len(y) {
		panic(fmt.Sprintf("kernels: ReluBackward: len(y) = %d, len(dy) = %d, len(dx) = %d", len(y), len(dy), len(dx)))
	}
	ParallelFor(len(y), eltGrain, func(lo, hi int) {
		ys, gs, ds := y[lo:hi], dy[lo:hi], dx[lo:hi]
		for i, v := range ys {
			g := gs[i]
			if !(v > 0) {
				g = 0
			}
			ds[i] = g
		}
	})
}
