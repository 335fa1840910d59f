package kernels

import (
	"fmt"
	"testing"
)

// forEachISABench runs fn as a sub-benchmark per available ISA (impl=go
// first), restoring the dispatch state afterwards.
func forEachISABench(b *testing.B, name string, fn func(b *testing.B)) {
	for _, isa := range Available() {
		b.Run(name+"/"+implName(isa), func(b *testing.B) {
			prev, prevForced := SetISA(isa), isaForced
			defer func() { SetISA(prev); isaForced = prevForced }()
			fn(b)
		})
	}
}

// The byte counts are the traffic of one update: Adam reads p, g, m, v and
// writes p, m, v (28 bytes a float); SGD with momentum reads p, g, buf and
// writes p, buf (20 bytes). MB/s in the output is that traffic per second.
func BenchmarkAdamStep(b *testing.B) {
	for _, n := range []int{1 << 12, 1 << 20, 1 << 24} {
		p, g, m, v := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
		h := AdamParams{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, StepSize: 1e-2, BC2Sqrt: 0.03, Decoupled: true, Decay: 0.99999}
		forEachISABench(b, fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(n) * 4 * 7)
			for b.Loop() {
				AdamStep(p, g, m, v, nil, h)
			}
		})
	}
}

func BenchmarkSGDStep(b *testing.B) {
	for _, n := range []int{1 << 12, 1 << 20, 1 << 24} {
		p, g, buf := make([]float32, n), make([]float32, n), make([]float32, n)
		h := SGDParams{LR: 1e-2, Momentum: 0.9, WeightDecay: 5e-4}
		forEachISABench(b, fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(n) * 4 * 5)
			for b.Loop() {
				SGDStep(p, g, buf, h)
			}
		})
	}
}
