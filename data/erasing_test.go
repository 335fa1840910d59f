package data

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRandomErasing checks that an erased image differs from the original
// in exactly one rectangle, the same in every channel, whose area lies in
// the scale range (up to rounding), and that P sets how often it happens.
func TestRandomErasing(t *testing.T) {
	tr := NewRandomErasing(0.5)
	tr.Value = -1
	const c, h, w = 2, 32, 28
	erased := 0
	for pos := uint64(0); pos < 400; pos++ {
		s := rampSample(c, h, w)
		orig := append([]float32(nil), s.Pix...)
		s.Seed(9, 3, pos)
		tr.Apply(s)
		y0, y1, x0, x1 := h, -1, w, -1
		for y := range h {
			for x := range w {
				if s.Pix[y*w+x] != orig[y*w+x] {
					y0, y1, x0, x1 = min(y0, y), max(y1, y), min(x0, x), max(x1, x)
				}
			}
		}
		if y1 < 0 {
			require.Equal(t, orig, s.Pix, "pos %d: channel 0 untouched but others changed", pos)
			continue
		}
		erased++
		for ch := range c {
			for y := range h {
				for x := range w {
					i := ch*h*w + y*w + x
					if y >= y0 && y <= y1 && x >= x0 && x <= x1 {
						require.Equal(t, float32(-1), s.Pix[i], "pos %d: (%d,%d,%d) inside the rectangle", pos, ch, y, x)
					} else {
						require.Equal(t, orig[i], s.Pix[i], "pos %d: (%d,%d,%d) outside the rectangle", pos, ch, y, x)
					}
				}
			}
		}
		area := float64((y1-y0+1)*(x1-x0+1)) / float64(h*w)
		require.True(t, area >= 0.01 && area <= 0.40, "pos %d: erased area fraction %.3f", pos, area)
	}
	require.True(t, erased > 150 && erased < 250, "erased %d of 400 with P=0.5", erased)

	for _, p := range []float64{0, 1} {
		tr := NewRandomErasing(p)
		tr.Value = -1
		n := 0
		for pos := uint64(0); pos < 50; pos++ {
			s := rampSample(1, h, w)
			s.Seed(2, 0, pos)
			tr.Apply(s)
			for _, v := range s.Pix {
				if v == -1 {
					n++
					break
				}
			}
		}
		require.Equal(t, map[float64]int{0: 0, 1: 50}[p], n, "P=%v", p)
	}
	require.Panics(t, func() { NewRandomErasing(1.5) })
}
