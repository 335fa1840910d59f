package kernels

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestConvForwardPacked checks that weights packed by one plan give, through
// ForwardPacked on plans of other batch and image sizes, the same bits as
// Forward on the weights, for every algorithm, ISA and worker count, with
// the packing buffer reused across weights; and that a Winograd plan's
// packed form holds the transform.
func TestConvForwardPacked(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		defer SetThreads(SetThreads(0))
		for _, th := range []int{1, 2} {
			SetThreads(th)
			for _, algo := range []Algo{AlgoWinograd, AlgoIm2col, AlgoDirect, AlgoAuto} {
				for si, sh := range [][4]int{{13, 7, 14, 14}, {16, 24, 9, 11}, {3, 5, 6, 6}, {70, 13, 28, 28}} {
					t.Run(fmt.Sprintf("threads=%d/%v/%d", th, algo, si), func(t *testing.T) {
						testConvForwardPacked(t, algo, sh[0], sh[1], sh[2], sh[3], uint64(si))
					})
				}
			}
		}
	})
}

func testConvForwardPacked(t *testing.T, algo Algo, c, k, h, w int, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 3))
	packer := NewConv(ConvParams{N: 1, C: c, K: k, H: h, W: w, R: 3, S: 3, PadH: 1, PadW: 1}, algo)
	var pw *PackedWeights
	for round := range 2 { // the second round reuses pw for new weights
		wt := convRand(rng, k*c*9, 0.2)
		bias := convRand(rng, k, 1)
		pw = packer.PackWeights(wt, pw)
		if packer.Algo() == AlgoWinograd && pw.Bytes() < 4*36*k*c {
			t.Fatalf("round %d: a Winograd plan packed %d bytes, want at least %d", round, pw.Bytes(), 4*36*k*c)
		}
		for _, sh := range [][3]int{{1, h, w}, {3, h + 5, w + 2}, {2, h, w}} {
			p := ConvParams{N: sh[0], C: c, K: k, H: sh[1], W: sh[2], R: 3, S: 3, PadH: 1, PadW: 1}
			plan := NewConv(p, packer.Algo())
			x := convRand(rng, p.N*c*p.H*p.W, 1)
			want := make([]float32, p.N*k*p.OutH()*p.OutW())
			got := make([]float32, len(want))
			plan.Forward(x, wt, bias, want, true)
			plan.ForwardPacked(x, pw, bias, got, true)
			if i := firstDiff(got, want); i >= 0 {
				t.Fatalf("round %d, %v: y[%d] = %g with packed weights, %g without", round, p, i, got[i], want[i])
			}
		}
	}
	// A plan of another weight shape refuses them.
	other := NewConv(ConvParams{N: 1, C: c + 1, K: k, H: h, W: w, R: 3, S: 3, PadH: 1, PadW: 1}, algo)
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "another shape") {
			t.Errorf("ForwardPacked with weights of another shape: recovered %v, want a panic naming the shape", r)
		}
	}()
	other.ForwardPacked(make([]float32, (c+1)*h*w), pw, nil, make([]float32, k*h*w), false)
}

// firstDiff returns the first index where a and b differ (bitwise, NaN
// equal to NaN), or -1.
func firstDiff(a, b []float32) int {
	for i := range a {
		if a[i] != b[i] && !(a[i] != a[i] && b[i] != b[i]) {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}

// TestConvForwardPackedAllocs checks that ForwardPacked allocates nothing
// once the scratch is warm.
func TestConvForwardPackedAllocs(t *testing.T) {
	p := ConvParams{N: 2, C: 32, K: 24, H: 14, W: 14, R: 3, S: 3, PadH: 1, PadW: 1}
	rng := rand.New(rand.NewPCG(5, 5))
	c := NewConv(p, AlgoWinograd)
	x, w := convRand(rng, p.N*p.C*p.H*p.W, 1), convRand(rng, p.K*p.C*9, 0.2)
	y := make([]float32, p.N*p.K*p.OutH()*p.OutW())
	pw := c.PackWeights(w, nil)
	c.ForwardPacked(x, pw, nil, y, false)
	if n := testing.AllocsPerRun(5, func() { c.ForwardPacked(x, pw, nil, y, false) }); n > 0 {
		t.Errorf("ForwardPacked allocates %v times per call", n)
	}
}
