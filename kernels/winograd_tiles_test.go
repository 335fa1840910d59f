package kernels

import (
	"math/rand/v2"
	"testing"
)

// TestWinoGatherScatter8 checks the assembly tile-row gather and scatter
// against their definitions in Go, on several channels with row and channel
// strides larger than the rows, the two runs of four tiles apart (as where a
// group crosses rows).
func TestWinoGatherScatter8(t *testing.T) {
	if !winoTilesAVX2() {
		t.Skip("no AVX2 assembly in this build or on this CPU")
	}
	rng := rand.New(rand.NewPCG(8, 8))
	const n, w, cs = 3, 41, 41*9 + 5
	const ob = 4*w + 9 // where the second run starts (the runs do not overlap)
	// at is the offset in the image of channel c's row r, column e of lane
	// l's tile: lanes 0-3 are the first run's tiles, 4-7 the second's.
	at := func(c, r, e, l int) int {
		i := c*cs + r*w + 4*l + e
		if l >= 4 {
			i += ob - 16
		}
		return i
	}
	x := convRand(rng, ob+(n-1)*cs+5*w+20, 1)
	d := make([]float32, n*288+8)
	winoGather8AVX2(&x[0], &x[ob], w, cs, n, &d[0])
	for c := range n {
		for r := range 6 {
			for e := range 6 {
				for l := range 8 {
					got, want := d[c*288+(r*6+e)*8+l], x[at(c, r, e, l)]
					if got != want {
						t.Fatalf("gather: c %d r %d e %d lane %d = %g, want %g", c, r, e, l, got, want)
					}
				}
			}
		}
	}
	for _, v := range d[n*288:] {
		if v != 0 {
			t.Fatal("gather wrote past its output")
		}
	}

	o := convRand(rng, n*128, 1)
	y := make([]float32, ob+(n-1)*cs+3*w+16)
	want := make([]float32, len(y))
	for i := range y {
		y[i] = float32(i)
		want[i] = float32(i)
	}
	for k := range n {
		for r := range 4 {
			for cc := range 4 {
				for l := range 8 {
					want[at(k, r, cc, l)] = o[k*128+(r*4+cc)*8+l]
				}
			}
		}
	}
	winoScatter8AVX2(&o[0], n, &y[0], &y[ob], w, cs)
	for i := range y {
		if y[i] != want[i] {
			t.Fatalf("scatter: y[%d] = %g, want %g", i, y[i], want[i])
		}
	}
}

// TestWinoGatherW6 checks the weight-gather assembly against its definition
// in Go: six rows rs apart (rs larger than the rows, odd) interleaved into
// 8-lane groups with lanes 6 and 7 zero, for several lengths, and nothing
// written past its output. Without the assembly it must decline.
func TestWinoGatherW6(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	for _, n8 := range []int{1, 2, 9, 18} {
		rs := 8*n8 + 13
		src := convRand(rng, 5*rs+8*n8, 1)
		g := make([]float32, 64*n8+8)
		for i := range g {
			g[i] = -1
		}
		if !winoGatherW6(src, rs, n8, g[:64*n8]) {
			if active >= AVX2 {
				t.Fatalf("n8 %d: declined with AVX2", n8)
			}
			continue
		}
		for p := range 8 * n8 {
			for l := range 8 {
				want := float32(0)
				if l < 6 {
					want = src[l*rs+p]
				}
				if got := g[p*8+l]; got != want {
					t.Fatalf("n8 %d: g[%d] (float %d, lane %d) = %g, want %g", n8, p*8+l, p, l, got, want)
				}
			}
		}
		for i, v := range g[64*n8:] {
			if v != -1 {
				t.Fatalf("n8 %d: wrote past its output at %d", n8, 64*n8+i)
			}
		}
	}
}
