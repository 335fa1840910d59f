// This file holds the rectified linear unit, forward and backward. (Conv
// fuses its own ReLU into the output pass; these serve the other layers and
// the backward of any ReLU.) Both are memory-bound: the generic twins are
// branch-free (a data-dependent branch costs 5x on random signs) and the
// AVX2 versions in relu_amd64.s stream 32 floats per iteration.

package kernels

import "fmt"

const eltGrain = 1 << 15

// ReluForward sets y[i] = max(x[i], 0) (NaN stays NaN; -0 may stay -0 on the
// assembly path). y may alias x; len(y) must be at least len(x).
func ReluForward(x, y []float32) {
	checkLen("ReluForward", "y", y, len(x))
	j := newElt(func(j *eltJob, lo, hi int) { reluForward(j.a[lo:hi], j.b[lo:hi]) })
	j.a, j.b = x, y
	j.parallel(len(x), eltGrain)
}

// ReluBackward sets dx[i] = dy[i] where y[i] > 0, else 0 (also where y[i] is
// NaN); y is the forward output (or input: the sign is the same). dx may
// alias dy.
func ReluBackward(y, dy, dx []float32) {
	if len(dy) != len(y) || len(dx) < len(y) {
		panic(fmt.Sprintf("kernels: ReluBackward: len(y) = %d, len(dy) = %d, len(dx) = %d", len(y), len(dy), len(dx)))
	}
	j := newElt(func(j *eltJob, lo, hi int) { reluBackward(j.a[lo:hi], j.b[lo:hi], j.c[lo:hi]) })
	j.a, j.b, j.c = y, dy, dx
	j.parallel(len(y), eltGrain)
}

// reluForwardGeneric is ReluForward on one range: y[i] = max(x[i], 0).
func reluForwardGeneric(x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = max(v, 0)
	}
}

// reluBackwardGeneric is ReluBackward on one range, branch-free: the sign
// test becomes an all-ones or all-zeros mask on dy's bits.
func reluBackwardGeneric(y, dy, dx []float32) {
	dy, dx = dy[:len(y)], dx[:len(y)]
	for i, v := range y {
		var m uint32
		if v > 0 {
			m = ^uint32(0)
		}
		dx[i] = float32frombits(float32bits(dy[i]) & m)
	}
}
