// This file holds RandomErasing (cutout): blanking a random rectangle of
// the image, torchvision's RandomErasing with a constant value.

package data

import (
	"fmt"
	"math"
)

// RandomErasing blanks one random rectangle of the image with probability P,
// as torchvision's RandomErasing: the rectangle's area is a fraction of the
// image uniform in [ScaleMin, ScaleMax], its aspect ratio h/w log-uniform in
// [RatioMin, RatioMax]; up to ten draws are tried for one that fits, and the
// image is left alone when none does. Every channel of the rectangle is set
// to Value. Zero ratios mean torchvision's (0.3, 3.3).
type RandomErasing struct {
	P                  float64
	ScaleMin, ScaleMax float64
	RatioMin, RatioMax float64
	Value              float32
}

// NewRandomErasing returns torchvision's defaults (scale 0.02-0.33, ratio
// 0.3-3.3, value 0) with probability p. It panics when p is outside [0, 1].
func NewRandomErasing(p float64) RandomErasing {
	if p < 0 || p > 1 || math.IsNaN(p) {
		panic(fmt.Sprintf("data: RandomErasing: probability %v", p))
	}
	return RandomErasing{P: p, ScaleMin: 0.02, ScaleMax: 0.33, RatioMin: 0.3, RatioMax: 3.3}
}

// Apply implements Transform.
func (t RandomErasing) Apply(s *Sample) {
	if t.P <= 0 || s.RNG.Float64() >= t.P {
		return
	}
	rmin, rmax := t.RatioMin, t.RatioMax
	if rmin <= 0 || rmax <= 0 {
		rmin, rmax = 0.3, 3.3
	}
	lo, hi := math.Log(rmin), math.Log(rmax)
	area := float64(s.H * s.W)
	for range 10 {
		a := area * (t.ScaleMin + (t.ScaleMax-t.ScaleMin)*s.RNG.Float64())
		r := math.Exp(lo + (hi-lo)*s.RNG.Float64())
		h := int(math.Round(math.Sqrt(a * r)))
		w := int(math.Round(math.Sqrt(a / r)))
		if h < 1 || w < 1 || h >= s.H || w >= s.W {
			continue
		}
		y0 := s.RNG.IntN(s.H - h + 1)
		x0 := s.RNG.IntN(s.W - w + 1)
		for c := range s.C {
			plane := s.Pix[c*s.H*s.W:]
			for y := y0; y < y0+h; y++ {
				row := plane[y*s.W+x0 : y*s.W+x0+w]
				for i := range row {
					row[i] = t.Value
				}
			}
		}
		return
	}
}
