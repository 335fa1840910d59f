// This file defines the Transform interface, the per-worker Sample a
// pipeline works on, Compose, and the seeding that makes random transforms
// deterministic for a seed whatever goroutine runs them.

package data

import (
	"encoding/binary"

	"github.com/gocnn/gocnn/tensor"
)

// Sample is the state a transform pipeline works on: the current image, a
// second image for transforms that cannot work in place, scratch space and
// the random source. A Loader owns one Sample per worker and reseeds its RNG
// for every sample from (seed, epoch, position in the epoch), so random
// transforms give the same result for a seed however the work is scheduled.
// Transforms must draw randomness only from RNG.
type Sample struct {
	Image
	Tmp     Image       // second buffer: write here, then call Swap
	RNG     *tensor.RNG // seeded per sample by the caller
	mid     Image       // the resampler's intermediate
	scratch []float32
	state   [20]byte
}

// Swap exchanges Image and Tmp, after a transform has written its output to
// Tmp.
func (s *Sample) Swap() { s.Image, s.Tmp = s.Tmp, s.Image }

// Scratch returns a float32 slice of length n owned by the sample, valid
// until the next call.
func (s *Sample) Scratch(n int) []float32 {
	if cap(s.scratch) < n {
		s.scratch = make([]float32, n, n+n/2)
	}
	return s.scratch[:n]
}

// Seed sets the sample's random source to a state that depends only on
// (seed, epoch, pos), without allocating once the RNG exists.
func (s *Sample) Seed(seed, epoch, pos uint64) { s.reseed(seed, epoch, pos) }

func (s *Sample) reseed(seed, epoch, pos uint64) {
	if s.RNG == nil {
		s.RNG = tensor.NewRNG(0)
	}
	hi := mix64(seed ^ mix64(epoch+0x632be59bd9b4e019))
	lo := mix64(hi ^ mix64(pos+0x8cb92ba72f3d8dd7))
	// The state format of math/rand/v2's PCG: "pcg:" then hi and lo, big endian.
	b := s.state[:]
	copy(b, "pcg:")
	binary.BigEndian.PutUint64(b[4:], hi)
	binary.BigEndian.PutUint64(b[12:], lo)
	if err := s.RNG.SetState(b); err != nil {
		panic("data: Sample.Seed: " + err.Error())
	}
}

// mix64 is the SplitMix64 finaliser: a bijection that scatters nearby inputs.
func mix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// epochRNG returns a fresh generator for the given seed and epoch; samplers
// use it so that an epoch's order depends on nothing else.
func epochRNG(seed uint64, epoch int) *tensor.RNG {
	return tensor.NewRNG(mix64(seed ^ mix64(uint64(epoch)+0x5851f42d4c957f2d)))
}

// Transform changes a Sample's image. Apply must be safe to call from several
// goroutines at once (each with its own Sample), must not allocate once the
// Sample's buffers have grown, and must draw randomness only from s.RNG.
type Transform interface {
	Apply(s *Sample)
}

// TransformFunc adapts a function to Transform.
type TransformFunc func(s *Sample)

func (f TransformFunc) Apply(s *Sample) { f(s) }

// Compose applies transforms in order; nil entries are skipped.
func Compose(ts ...Transform) Transform { return composed(ts) }

type composed []Transform

func (c composed) Apply(s *Sample) {
	for _, t := range c {
		if t != nil {
			t.Apply(s)
		}
	}
}
