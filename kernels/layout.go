// This file holds the blocked channel layout NCHW8c and the reorders between
// it and NCHW. In NCHW8c a [N,C,H,W] tensor is stored as [N][⌈C/8⌉][H][W][8]:
// the eight channels of a block sit side by side for every pixel, so that a
// kernel loads one 8-float vector per pixel and output block, and the
// channels past C in the last block are zero. The blocked direct
// convolution reads and writes this layout (Conv.ForwardBlocked); a network
// that chains such layers reorders only at its edges.

package kernels

import "fmt"

// BlockC is the channel block of the NCHW8c layout.
const BlockC = 8

// BlockedLen returns the number of floats of an [n,c,h,w] tensor in NCHW8c.
func BlockedLen(n, c, h, w int) int { return n * ((c + BlockC - 1) / BlockC) * h * w * BlockC }

// ToNCHW8c writes src ([n,c,h,w], NCHW) into dst in the NCHW8c layout,
// zeroing the channels past c in the last block. It panics when a slice is
// too short.
func ToNCHW8c(dst, src []float32, n, c, h, w int) {
	checkReorder("ToNCHW8c", dst, src, n, c, h, w)
	cb := (c + BlockC - 1) / BlockC
	j := newElt(func(j *eltJob, lo, hi int) {
		dst, src, c, hw, cb := j.a, j.b, j.n[0], j.n[1], j.n[2]
		for t := lo; t < hi; t++ {
			img, b := t/cb, t%cb
			d := dst[t*hw*BlockC : (t+1)*hw*BlockC]
			valid := min(BlockC, c-b*BlockC)
			if valid < BlockC {
				clear(d)
			}
			for i := range valid {
				s := src[(img*c+b*BlockC+i)*hw : (img*c+b*BlockC+i+1)*hw]
				for j, v := range s {
					d[j*BlockC+i] = v
				}
			}
		}
	})
	j.a, j.b, j.n[0], j.n[1], j.n[2] = dst, src, c, h*w, cb
	j.parallel(n*cb, 1+8192/(h*w*BlockC))
}

// FromNCHW8c writes src (NCHW8c) into dst ([n,c,h,w], NCHW), dropping the
// channels past c. It panics when a slice is too short.
func FromNCHW8c(dst, src []float32, n, c, h, w int) {
	checkReorder("FromNCHW8c", src, dst, n, c, h, w)
	j := newElt(func(j *eltJob, lo, hi int) {
		dst, src, c, hw, cb := j.a, j.b, j.n[0], j.n[1], j.n[2]
		for t := lo; t < hi; t++ {
			img, ch := t/c, t%c
			s := src[((img*cb+ch/BlockC)*hw)*BlockC+ch%BlockC:]
			d := dst[t*hw : (t+1)*hw]
			for j := range d {
				d[j] = s[j*BlockC]
			}
		}
	})
	j.a, j.b, j.n[0], j.n[1], j.n[2] = dst, src, c, h*w, (c+BlockC-1)/BlockC
	j.parallel(n*c, 1+8192/(h*w))
}

// checkReorder panics unless blocked and plain hold an [n,c,h,w] tensor in
// their layouts.
func checkReorder(op string, blocked, plain []float32, n, c, h, w int) {
	if n < 0 || c < 1 || h < 1 || w < 1 {
		panic(fmt.Sprintf("kernels: %s: invalid shape [%d,%d,%d,%d]", op, n, c, h, w))
	}
	checkLen(op, "blocked", blocked, BlockedLen(n, c, h, w))
	checkLen(op, "plain", plain, n*c*h*w)
}
