// Benchmarks of the convolution algorithms on VGG16's layer shapes (batch 1),
// with an effective GFLOP/s metric (2*N*C*K*9*H*W / time).

package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// vggBenchLayers are VGG16's distinct 3x3 conv shapes: C, K, H=W.
var vggBenchLayers = [][3]int{{3, 64, 224}, {64, 64, 224}, {64, 128, 112}, {128, 128, 112},
	{128, 256, 56}, {256, 256, 56}, {256, 512, 28}, {512, 512, 28}, {512, 512, 14}}

func BenchmarkConv(b *testing.B) {
	for _, l := range vggBenchLayers {
		p := ConvParams{N: 1, C: l[0], K: l[1], H: l[2], W: l[2], R: 3, S: 3, PadH: 1, PadW: 1}
		for _, pass := range []string{"fwd", "bwd"} {
			for _, algo := range []Algo{AlgoIm2col, AlgoWinograd, AlgoDirect} {
				for _, isa := range Available() {
					name := fmt.Sprintf("c=%d,k=%d,hw=%d/pass=%s/algo=%v/%s", l[0], l[1], l[2], pass, algo, implName(isa))
					b.Run(name, func(b *testing.B) {
						if isa == Generic && l[2] > 56 {
							b.Skip("generic is too slow for the large layers")
						}
						defer SetISA(SetISA(isa))
						benchConv(b, p, algo, pass)
					})
				}
			}
		}
	}
}

func benchConv(b *testing.B, p ConvParams, algo Algo, pass string) {
	rng := rand.New(rand.NewPCG(1, 2))
	c := NewConv(p, algo)
	x := convRand(rng, p.N*p.C*p.H*p.W, 1)
	w := convRand(rng, p.K*p.C*9, 0.05)
	bias := convRand(rng, p.K, 1)
	y := make([]float32, p.N*p.K*p.OutH()*p.OutW())
	dx, dw, db := make([]float32, len(x)), make([]float32, len(w)), make([]float32, p.K)
	run := func() { c.Forward(x, w, bias, y, true) }
	flops := p.FLOPs()
	if pass == "bwd" {
		run = func() { c.BackwardData(y, w, dx); c.BackwardWeights(x, y, dw, db) }
		flops *= 2
	}
	run()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		run()
	}
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// cifarBenchLayers are the CIFAR-style VGG16's distinct shapes at 32x32
// (batch 64), where the images of the deep layers are 8x8 down to 2x2.
var cifarBenchLayers = [][3]int{{1, 64, 32}, {64, 64, 32}, {64, 128, 16}, {128, 128, 16},
	{128, 256, 8}, {256, 256, 8}, {256, 512, 4}, {512, 512, 4}, {512, 512, 2}}

func BenchmarkConvCIFAR(b *testing.B) {
	for _, l := range cifarBenchLayers {
		p := ConvParams{N: 64, C: l[0], K: l[1], H: l[2], W: l[2], R: 3, S: 3, PadH: 1, PadW: 1}
		for _, pass := range []string{"fwd", "bwd"} {
			for _, algo := range []Algo{AlgoIm2col, AlgoWinograd, AlgoDirect} {
				name := fmt.Sprintf("c=%d,k=%d,hw=%d/pass=%s/algo=%v", l[0], l[1], l[2], pass, algo)
				b.Run(name, func(b *testing.B) { benchConv(b, p, algo, pass) })
			}
		}
	}
}
