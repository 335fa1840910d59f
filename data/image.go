// This file defines Image, the decoded picture every dataset loads into and
// every transform works on: planar float32 channels in [0, 1].

package data

import "fmt"

// Image is a decoded image in planar (CHW) layout: Pix holds C planes of H*W
// float32 values, nominally in [0, 1] until a Normalize transform shifts them.
// Datasets load into an Image the caller owns, growing Pix only when it is too
// small, so that a loader reuses one Image per worker without allocating.
type Image struct {
	C, H, W int
	Pix     []float32 // len(Pix) == C*H*W
}

// Reset sets the image's shape, growing Pix if needed. The pixel values are
// unspecified afterwards. It panics on a negative dimension.
func (m *Image) Reset(c, h, w int) {
	if c < 0 || h < 0 || w < 0 {
		panic(fmt.Sprintf("data: Image.Reset: negative shape %dx%dx%d", c, h, w))
	}
	n := c * h * w
	if cap(m.Pix) < n {
		m.Pix = make([]float32, n, n+n/4)
	}
	m.C, m.H, m.W = c, h, w
	m.Pix = m.Pix[:n]
}

// Plane returns channel c's H*W values.
func (m *Image) Plane(c int) []float32 {
	n := m.H * m.W
	return m.Pix[c*n : (c+1)*n]
}

// CopyFrom makes m a copy of src, reusing m's storage when it is large enough.
func (m *Image) CopyFrom(src *Image) {
	m.Reset(src.C, src.H, src.W)
	copy(m.Pix, src.Pix)
}

// Clone returns a copy of m with its own storage.
func (m *Image) Clone() *Image {
	c := &Image{}
	c.CopyFrom(m)
	return c
}

// String describes the shape, e.g. "Image(3x224x224)".
func (m *Image) String() string { return fmt.Sprintf("Image(%dx%dx%d)", m.C, m.H, m.W) }

// convertChannels writes src into dst with c channels: 1 -> 3 replicates the
// plane, 3 (or more) -> 1 takes the ITU-R 601-2 luma (as PIL's "L" mode), and
// more than 3 -> 3 drops the extra planes.
func convertChannels(dst []float32, src *Image, c int) {
	n := src.H * src.W
	switch {
	case src.C == c:
		copy(dst, src.Pix[:c*n])
	case src.C == 1:
		for k := 0; k < c; k++ {
			copy(dst[k*n:(k+1)*n], src.Pix[:n])
		}
	case c == 1:
		r, g, b := src.Pix[:n], src.Pix[n:2*n], src.Pix[2*n:3*n]
		d := dst[:n]
		for i := range d {
			d[i] = 0.299*r[i] + 0.587*g[i] + 0.114*b[i]
		}
	case src.C > c:
		copy(dst, src.Pix[:c*n])
	default: // 2 -> 3 and the like: replicate the first plane
		for k := 0; k < c; k++ {
			copy(dst[k*n:(k+1)*n], src.Pix[:n])
		}
	}
}
