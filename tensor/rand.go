// This file holds the seeded random source and random constructors.

package tensor

import (
	"math"
	"math/rand/v2"
)

// RNG is a seeded PCG random source. The same seed gives the same stream on
// every run and machine. It is not safe for concurrent use.
type RNG struct {
	pcg *rand.PCG
	r   *rand.Rand
}

// NewRNG returns a generator seeded with seed.
func NewRNG(seed uint64) *RNG {
	p := rand.NewPCG(seed, 0x9e3779b97f4a7c15)
	return &RNG{pcg: p, r: rand.New(p)}
}

// Float32 returns a uniform value in [0, 1).
func (g *RNG) Float32() float32 { return g.r.Float32() }

// Float64 returns a uniform value in [0, 1).
func (g *RNG) Float64() float64 { return g.r.Float64() }

// NormFloat64 returns a standard normal value.
func (g *RNG) NormFloat64() float64 { return g.r.NormFloat64() }

// IntN returns a uniform int in [0, n).
func (g *RNG) IntN(n int) int { return g.r.IntN(n) }

// Uint64 returns a uniform 64-bit value.
func (g *RNG) Uint64() uint64 { return g.r.Uint64() }

// Perm returns a random permutation of [0, n).
func (g *RNG) Perm(n int) []int { return g.r.Perm(n) }

// Shuffle shuffles n elements with swap.
func (g *RNG) Shuffle(n int, swap func(i, j int)) { g.r.Shuffle(n, swap) }

// State returns the generator's state, for checkpoints.
func (g *RNG) State() ([]byte, error) { return g.pcg.MarshalBinary() }

// SetState restores a state from State.
func (g *RNG) SetState(b []byte) error { return g.pcg.UnmarshalBinary(b) }

// FillNormal fills t with values drawn from N(mean, std²) and returns t.
func (t *Tensor) FillNormal(g *RNG, mean, std float64) *Tensor {
	if t.IsContiguous() {
		for i := range t.Data() {
			t.data[i] = float32(mean + std*g.r.NormFloat64())
		}
		return t
	}
	t.each(func(off int) { t.data[off] = float32(mean + std*g.NormFloat64()) })
	return t
}

// FillUniform fills t with values drawn uniformly from [lo, hi) and returns t.
func (t *Tensor) FillUniform(g *RNG, lo, hi float64) *Tensor {
	if t.IsContiguous() {
		for i := range t.Data() {
			t.data[i] = float32(lo + (hi-lo)*g.r.Float64())
		}
		return t
	}
	t.each(func(off int) { t.data[off] = float32(lo + (hi-lo)*g.Float64()) })
	return t
}

// RandN returns a tensor of the given shape with values from N(0, std²).
func RandN(g *RNG, std float64, shape ...int) *Tensor {
	return Zeros(shape...).FillNormal(g, 0, std)
}

// RandU returns a tensor of the given shape with values uniform in [lo, hi).
func RandU(g *RNG, lo, hi float64, shape ...int) *Tensor {
	return Zeros(shape...).FillUniform(g, lo, hi)
}

// IsFinite reports whether every element is finite.
func (t *Tensor) IsFinite() bool {
	ok := true
	t.each(func(off int) {
		v := float64(t.data[off])
		if math.IsNaN(v) || math.IsInf(v, 0) {
			ok = false
		}
	})
	return ok
}
