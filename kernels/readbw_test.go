package kernels

import (
	"math"
	"testing"
)

// TestReadSum checks the read probe's loops against a plain sum on data whose
// sums are exact in float32 (small integers), so every order agrees.
func TestReadSum(t *testing.T) {
	for _, n := range []int{readChunk, 2 * readChunk, 7 * readChunk, 1 << 14} {
		x := alignedFloats(n)
		want := float32(0)
		for i := range x {
			x[i] = float32(i%13) - 6
			want += x[i]
		}
		if got := readSumGeneric(x); got != want {
			t.Errorf("readSumGeneric n=%d: got %v, want %v", n, got, want)
		}
		if got := readSum(x); got != want {
			t.Errorf("readSum (%s) n=%d: got %v, want %v", Active(), n, got, want)
		}
	}
}

// TestReadBandwidth checks that the probe returns a positive, finite rate
// for one and two threads on a small buffer (it measures the cache there).
func TestReadBandwidth(t *testing.T) {
	for _, th := range []int{1, 2} {
		bw := ReadBandwidth(1<<20, th, 2)
		if !(bw > 0) || math.IsInf(bw, 0) {
			t.Errorf("ReadBandwidth(1 MiB, %d threads): %v GB/s", th, bw)
		}
	}
}
