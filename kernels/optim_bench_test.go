package kernels

import (
	"fmt"
	"testing"
)

func BenchmarkAdamStep(b *testing.B) {
	for _, n := range []int{1 << 12, 1 << 20} {
		b.Run(fmt.Sprintf("n=%d/impl=go", n), func(b *testing.B) {
			p, g, m, v := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
			h := AdamParams{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, StepSize: 1e-2, BC2Sqrt: 0.03, Decoupled: true, Decay: 0.99999}
			b.ReportAllocs()
			b.SetBytes(int64(n) * 4 * 6) // p, m, v read and written, g read (approx.)
			for b.Loop() {
				AdamStep(p, g, m, v, nil, h)
			}
		})
	}
}

func BenchmarkSGDStep(b *testing.B) {
	for _, n := range []int{1 << 12, 1 << 20} {
		b.Run(fmt.Sprintf("n=%d/impl=go", n), func(b *testing.B) {
			p, g, buf := make([]float32, n), make([]float32, n), make([]float32, n)
			h := SGDParams{LR: 1e-2, Momentum: 0.9, WeightDecay: 5e-4}
			b.ReportAllocs()
			b.SetBytes(int64(n) * 4 * 5)
			for b.Loop() {
				SGDStep(p, g, buf, h)
			}
		})
	}
}
