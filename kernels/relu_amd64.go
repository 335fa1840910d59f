//go:build !purego

package kernels

// reluForward runs the AVX2 loop on the multiple-of-8 prefix and the generic
// twin on the rest.
func reluForward(x, y []float32) {
	n := len(x) &^ 7
	if active >= AVX2 && n > 0 {
		reluForwardAVX2(&x[0], &y[:n][0], n)
		reluForwardGeneric(x[n:], y[n:len(x)])
		return
	}
	reluForwardGeneric(x, y)
}

// reluBackward runs the AVX2 loop on the multiple-of-8 prefix and the
// generic twin on the rest.
func reluBackward(y, dy, dx []float32) {
	n := len(y) &^ 7
	if active >= AVX2 && n > 0 {
		reluBackwardAVX2(&y[0], &dy[:n][0], &dx[:n][0], n)
		reluBackwardGeneric(y[n:], dy[n:len(y)], dx[n:len(y)])
		return
	}
	reluBackwardGeneric(y, dy, dx)
}

// reluForwardAVX2 must match reluForwardGeneric (up to the sign of zero):
// y[i] = max(x[i], 0), NaN kept. Preconditions: n > 0, a multiple of 8; x and
// y hold n floats; needs AVX2.
//
//go:noescape
func reluForwardAVX2(x, y *float32, n int)

// reluBackwardAVX2 must match reluBackwardGeneric: dx[i] = dy[i] if y[i] > 0
// else 0. Preconditions: n > 0, a multiple of 8; y, dy and dx hold n floats;
// needs AVX2.
//
//go:noescape
func reluBackwardAVX2(y, dy, dx *float32, n int)
