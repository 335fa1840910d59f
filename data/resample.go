// This file holds the resampler behind Resize and the crops: separable
// antialiased bilinear interpolation as PIL's (a triangle filter widened by
// the downscaling factor), reading from any box of the source.

package data

import "math"

// resampleCoeffs computes, for each of out output positions, the first
// source index, the tap count and the normalised triangle-filter weights
// for the source interval [in0, in0+inLen) of a dimension of size size.
// Layout in buf: out*(2+k) floats: start, count, k weights.
func resampleCoeffs(buf []float32, size int, in0, inLen float64, out int) (k int) {
	scale := inLen / float64(out)
	fs := math.Max(scale, 1)
	support := fs
	k = int(math.Ceil(support))*2 + 1
	for o := 0; o < out; o++ {
		row := buf[o*(2+k) : (o+1)*(2+k)]
		center := in0 + (float64(o)+0.5)*scale
		lo := max(int(center-support+0.5), 0)
		hi := min(int(center+support+0.5), size)
		n := 0
		sum := 0.0
		w := row[2:]
		for x := lo; x < hi && n < k; x++ {
			v := 1 - math.Abs((float64(x)-center+0.5)/fs)
			if v < 0 {
				v = 0
			}
			w[n] = float32(v)
			sum += v
			n++
		}
		if sum == 0 { // a box entirely outside the image: nearest edge pixel
			lo = min(max(int(center), 0), size-1)
			n, w[0], sum = 1, 1, 1
		}
		for j := 0; j < n; j++ {
			w[j] /= float32(sum)
		}
		row[0], row[1] = float32(lo), float32(n)
	}
	return k
}

// resampleBox resizes the box (y0, x0, bh, bw) of s.Image (in source pixel
// units, fractional allowed) to oh×ow, leaving the result in s.Image.
func resampleBox(s *Sample, y0, x0, bh, bw float64, oh, ow int) {
	src := &s.Image
	c, h, w := src.C, src.H, src.W
	kx := int(math.Ceil(math.Max(bw/float64(ow), 1)))*2 + 1
	ky := int(math.Ceil(math.Max(bh/float64(oh), 1)))*2 + 1
	buf := s.Scratch(ow*(2+kx) + oh*(2+ky))
	cx, cy := buf[:ow*(2+kx)], buf[ow*(2+kx):]
	resampleCoeffs(cx, w, x0, bw, ow)
	resampleCoeffs(cy, h, y0, bh, oh)
	// Rows of the source the vertical pass reads.
	rlo, rhi := h, 0
	for o := 0; o < oh; o++ {
		r := cy[o*(2+ky):]
		rlo = min(rlo, int(r[0]))
		rhi = max(rhi, int(r[0])+int(r[1]))
	}
	// Horizontal pass: rows [rlo, rhi) of every channel -> mid (c, rhi-rlo, ow).
	nr := rhi - rlo
	s.mid.Reset(c, nr, ow)
	for ch := 0; ch < c; ch++ {
		plane := src.Plane(ch)
		mp := s.mid.Plane(ch)
		for y := 0; y < nr; y++ {
			in := plane[(y+rlo)*w : (y+rlo+1)*w]
			out := mp[y*ow : (y+1)*ow]
			for o := range out {
				r := cx[o*(2+kx) : (o+1)*(2+kx)]
				lo, n := int(r[0]), int(r[1])
				acc := float32(0)
				for j, wt := range r[2 : 2+n] {
					acc += wt * in[lo+j]
				}
				out[o] = acc
			}
		}
	}
	// Vertical pass: mid -> Tmp (c, oh, ow).
	s.Tmp.Reset(c, oh, ow)
	for ch := 0; ch < c; ch++ {
		mp := s.mid.Plane(ch)
		op := s.Tmp.Plane(ch)
		for o := 0; o < oh; o++ {
			r := cy[o*(2+ky) : (o+1)*(2+ky)]
			lo, n := int(r[0])-rlo, int(r[1])
			out := op[o*ow : (o+1)*ow]
			for x := range out {
				out[x] = 0
			}
			for j, wt := range r[2 : 2+n] {
				in := mp[(lo+j)*ow : (lo+j+1)*ow]
				for x := range out {
					out[x] += wt * in[x]
				}
			}
		}
	}
	s.Swap()
}

// cropPad copies the window (y0, x0, h, w) of s.Image, which may reach past
// the edges, filling outside pixels with fill; the result is left in s.Image.
func cropPad(s *Sample, y0, x0, h, w int, fill float32) {
	src := &s.Image
	s.Tmp.Reset(src.C, h, w)
	for ch := 0; ch < src.C; ch++ {
		in, out := src.Plane(ch), s.Tmp.Plane(ch)
		for y := 0; y < h; y++ {
			row := out[y*w : (y+1)*w]
			sy := y + y0
			if sy < 0 || sy >= src.H {
				for x := range row {
					row[x] = fill
				}
				continue
			}
			for x := range row {
				sx := x + x0
				if sx < 0 || sx >= src.W {
					row[x] = fill
				} else {
					row[x] = in[sy*src.W+sx]
				}
			}
		}
	}
	s.Swap()
}
