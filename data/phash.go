// This file computes the perceptual hash the doctor uses to find
// near-duplicates: a DCT hash (pHash) of the 32x32 luma, robust to
// re-encoding, resizing and small brightness changes, plus a 16x16
// thumbnail to confirm a match.

package data

import (
	"math"
	"math/bits"
	"sort"
)

// dctTable[u][x] = cos((2x+1)uπ/64), the 8 lowest DCT-II frequencies of a
// length-32 signal.
var dctTable = func() (t [8][32]float64) {
	for u := range t {
		for x := range t[u] {
			t[u][x] = math.Cos(float64(2*x+1) * float64(u) * math.Pi / 64)
		}
	}
	return t
}()

// percept is an image's perceptual fingerprint.
type percept struct {
	hash  uint64
	thumb [256]uint8 // 16x16 luma, 2x2 means of the 32x32
}

// perceive computes the fingerprint of the luma plane in s (one channel,
// s.H×s.W); it resamples s in place.
func perceive(s *Sample) percept {
	resampleBox(s, 0, 0, float64(s.H), float64(s.W), 32, 32)
	px := s.Pix[:1024]
	// Rows then columns: tmp[y][u] = Σx px[y][x]·cos_u(x); coef[v][u] = Σy tmp[y][u]·cos_v(y).
	var tmp [32][8]float64
	for y := 0; y < 32; y++ {
		row := px[y*32 : (y+1)*32]
		for u := 0; u < 8; u++ {
			acc := 0.0
			for x, v := range row {
				acc += float64(v) * dctTable[u][x]
			}
			tmp[y][u] = acc
		}
	}
	var coef [64]float64
	for v := 0; v < 8; v++ {
		for u := 0; u < 8; u++ {
			acc := 0.0
			for y := 0; y < 32; y++ {
				acc += tmp[y][u] * dctTable[v][y]
			}
			coef[v*8+u] = acc
		}
	}
	// Bits: AC coefficient above the median of the 63 AC coefficients.
	ac := make([]float64, 0, 63)
	ac = append(ac, coef[1:]...)
	sort.Float64s(ac)
	med := ac[31]
	var p percept
	for k := 1; k < 64; k++ {
		if coef[k] > med {
			p.hash |= 1 << k
		}
	}
	for y := 0; y < 16; y++ {
		for x := 0; x < 16; x++ {
			v := (px[2*y*32+2*x] + px[2*y*32+2*x+1] + px[(2*y+1)*32+2*x] + px[(2*y+1)*32+2*x+1]) / 4
			p.thumb[y*16+x] = quantize(v)
		}
	}
	return p
}

// hamming is the number of differing bits.
func hamming(a, b uint64) int { return bits.OnesCount64(a ^ b) }

// thumbCorr is the Pearson correlation of two thumbnails (1 for identical
// structure whatever the brightness and contrast; 0 when one is flat).
func thumbCorr(a, b *[256]uint8) float64 {
	var sa, sb, saa, sbb, sab float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		sa += x
		sb += y
		saa += x * x
		sbb += y * y
		sab += x * y
	}
	const n = 256
	cov := sab - sa*sb/n
	va, vb := saa-sa*sa/n, sbb-sb*sb/n
	if va <= 0 || vb <= 0 {
		return 0
	}
	return cov / math.Sqrt(va*vb)
}
