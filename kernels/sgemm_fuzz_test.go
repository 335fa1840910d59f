// This file holds the Sgemm fuzz target: random shapes, transposes, leading
// dimensions and scalars through every micro-kernel (and the dispatching
// Sgemm), each checked against the float64 reference.
//
//	go test -run '^$' -fuzz FuzzSgemm -fuzztime 60s ./kernels/

package kernels

import (
	"math/rand/v2"
	"testing"
)

func FuzzSgemm(f *testing.F) {
	f.Add(uint8(1), uint8(1), uint8(1), uint8(0), uint8(0), uint64(1))
	f.Add(uint8(7), uint8(17), uint8(33), uint8(3), uint8(0x25), uint64(2))
	f.Add(uint8(15), uint8(65), uint8(2), uint8(1), uint8(0x12), uint64(3))
	f.Add(uint8(29), uint8(31), uint8(130), uint8(2), uint8(0x7f), uint64(4))
	f.Fuzz(func(t *testing.T, m, n, k, trans, mix uint8, seed uint64) {
		// Sizes up to 80 keep one input fast; mix selects alpha, beta, padding.
		mm, nn, kk := int(m)%81, int(n)%81, int(k)%161
		alpha := []float32{1, -0.5, 0, 2.25}[mix&3]
		beta := []float32{0, 1, -0.5, 0.75}[(mix>>2)&3]
		pad := int(mix>>4) % 5
		rng := rand.New(rand.NewPCG(seed, 7))
		c := newSgemmCase(rng, trans&1 != 0, trans&2 != 0, mm, nn, kk, alpha, beta, pad)
		c0 := clone(c.c)
		c.run(t, Sgemm)
		for _, kr := range sgemmKernels() {
			copy(c.c, c0)
			c.run(t, kernelGemm(kr))
		}
	})
}
