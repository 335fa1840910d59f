// Tests of the NCHW8c layout and the blocked direct convolution's own entry
// point (Conv.ForwardBlocked); its NCHW use through AlgoDirect is covered by
// TestConv.

package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gocnn/gocnn/kernels/internal/ref"
)

func TestNCHW8cReorder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sh := range [][4]int{{1, 1, 1, 1}, {2, 8, 3, 5}, {3, 13, 7, 2}, {1, 17, 1, 9}, {2, 24, 4, 4}} {
		n, c, h, w := sh[0], sh[1], sh[2], sh[3]
		src := convRand(rng, n*c*h*w, 1)
		b := make([]float32, BlockedLen(n, c, h, w)+4)
		for i := range b {
			b[i] = float32(math.NaN())
		}
		ToNCHW8c(b[:len(b)-4], src, n, c, h, w)
		cb := (c + 7) / 8
		for img := range n {
			for ch := range cb * 8 {
				for y := range h {
					for x := range w {
						got := b[(((img*cb+ch/8)*h+y)*w+x)*8+ch%8]
						want := float32(0)
						if ch < c {
							want = src[((img*c+ch)*h+y)*w+x]
						}
						if got != want {
							t.Fatalf("%v: blocked (%d,%d,%d,%d) = %g, want %g", sh, img, ch, y, x, got, want)
						}
					}
				}
			}
		}
		for _, v := range b[len(b)-4:] {
			if !math.IsNaN(float64(v)) {
				t.Fatalf("%v: ToNCHW8c wrote past its output", sh)
			}
		}
		back := make([]float32, n*c*h*w)
		FromNCHW8c(back, b, n, c, h, w)
		for i := range back {
			if back[i] != src[i] {
				t.Fatalf("%v: round trip [%d] = %g, want %g", sh, i, back[i], src[i])
			}
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("ToNCHW8c with a short output did not panic")
		}
	}()
	ToNCHW8c(make([]float32, 8), make([]float32, 9), 1, 9, 1, 1)
}

// TestConvForwardBlocked runs the blocked entry point on every ISA over the
// shape sweep (any channel count: the blocks are zero-padded), checks the
// output against the float64 reference, the padding channels of the last
// output block at zero and nothing written past the output.
func TestConvForwardBlocked(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		for si, p := range convTestShapes() {
			for _, relu := range []bool{false, true} {
				t.Run(fmt.Sprintf("%d/relu=%v", si, relu), func(t *testing.T) {
					rng := rand.New(rand.NewPCG(uint64(si), 11))
					c := NewConv(p, AlgoIm2col)
					p := c.Params()
					oh, ow := p.OutH(), p.OutW()
					x := convRand(rng, p.N*p.C*p.H*p.W, 1)
					w := convRand(rng, p.K*p.C*p.R*p.S, 0.5)
					var bias []float32
					if si%2 == 0 {
						bias = convRand(rng, p.K, 1)
					}
					xb := make([]float32, BlockedLen(p.N, p.C, p.H, p.W))
					ToNCHW8c(xb, x, p.N, p.C, p.H, p.W)
					const guard = 4
					yb := make([]float32, BlockedLen(p.N, p.K, oh, ow)+guard)
					for i := range yb {
						yb[i] = float32(math.NaN())
					}
					c.ForwardBlocked(xb, w, bias, yb[:len(yb)-guard], relu)
					for i := len(yb) - guard; i < len(yb); i++ {
						if !math.IsNaN(float64(yb[i])) {
							t.Fatalf("ForwardBlocked wrote past y: y[%d] = %g", i, yb[i])
						}
					}
					kb := (p.K + 7) / 8
					for img := range p.N {
						for k := p.K; k < kb*8; k++ {
							for j := range oh * ow {
								if v := yb[((img*kb+k/8)*oh*ow+j)*8+k%8]; v != 0 {
									t.Fatalf("padding channel %d of image %d pixel %d = %g, want 0", k, img, j, v)
								}
							}
						}
					}
					y := make([]float32, p.N*p.K*oh*ow)
					if p.N > 0 {
						FromNCHW8c(y, yb, p.N, p.K, oh, ow)
					}
					want, abs := ref.ConvForward(refShape(p), x, w, bias, relu)
					checkClose(t, "y", y, want, abs, convTol(p, AlgoDirect, p.C*p.R*p.S))
				})
			}
		}
	})
}

// TestConvBlockedChain chains two convolutions in NCHW8c, reordering only at
// the ends, and compares with the same two layers through NCHW Forward.
func TestConvBlockedChain(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	p1 := ConvParams{N: 2, C: 3, H: 19, W: 23, K: 20, R: 3, S: 3, PadH: 1, PadW: 1}
	p2 := ConvParams{N: 2, C: 20, H: 19, W: 23, K: 12, R: 3, S: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}
	c1, c2 := NewConv(p1, AlgoIm2col), NewConv(p2, AlgoIm2col)
	x := convRand(rng, 2*3*19*23, 1)
	w1, b1 := convRand(rng, 20*3*9, 0.5), convRand(rng, 20, 0.5)
	w2, b2 := convRand(rng, 12*20*9, 0.3), convRand(rng, 12, 0.5)
	oh, ow := p2.OutH(), p2.OutW()

	mid := make([]float32, 2*20*19*23)
	want := make([]float32, 2*12*oh*ow)
	c1.Forward(x, w1, b1, mid, true)
	c2.Forward(mid, w2, b2, want, false)

	xb := make([]float32, BlockedLen(2, 3, 19, 23))
	midb := make([]float32, BlockedLen(2, 20, 19, 23))
	yb := make([]float32, BlockedLen(2, 12, oh, ow))
	ToNCHW8c(xb, x, 2, 3, 19, 23)
	c1.ForwardBlocked(xb, w1, b1, midb, true)
	c2.ForwardBlocked(midb, w2, b2, yb, false)
	got := make([]float32, len(want))
	FromNCHW8c(got, yb, 2, 12, oh, ow)
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); d > 1e-4*(1+math.Abs(float64(want[i]))) {
			t.Fatalf("y[%d] = %g, want %g", i, got[i], want[i])
		}
	}
}
