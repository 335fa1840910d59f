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
			if valid == BlockC {
				interleave8(d, src[(img*c+b*BlockC)*hw:], hw, hw)
				continue
			}
			clear(d)
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
	cb := (c + BlockC - 1) / BlockC
	j := newElt(func(j *eltJob, lo, hi int) {
		dst, src, c, hw, cb := j.a, j.b, j.n[0], j.n[1], j.n[2]
		for t := lo; t < hi; t++ {
			img, b := t/cb, t%cb
			s := src[t*hw*BlockC : (t+1)*hw*BlockC]
			d := dst[(img*c+b*BlockC)*hw:]
			valid := min(BlockC, c-b*BlockC)
			if valid == BlockC {
				deinterleave8(d, s, hw, hw)
				continue
			}
			for i := range valid {
				for p := range hw {
					d[i*hw+p] = s[p*BlockC+i]
				}
			}
		}
	})
	j.a, j.b, j.n[0], j.n[1], j.n[2] = dst, src, c, h*w, cb
	j.parallel(n*cb, 1+8192/(h*w*BlockC))
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

// interleave8 writes n pixels of eight planes (src, src+stride, ...) into
// dst as n groups of eight channels.
func interleave8(dst, src []float32, stride, n int) {
	s0, s1, s2, s3 := src[:n], src[stride:stride+n], src[2*stride:2*stride+n], src[3*stride:3*stride+n]
	s4, s5, s6, s7 := src[4*stride:4*stride+n], src[5*stride:5*stride+n], src[6*stride:6*stride+n], src[7*stride:7*stride+n]
	dst = dst[:n*BlockC]
	for j := range n {
		d := dst[j*BlockC : j*BlockC+BlockC : j*BlockC+BlockC]
		d[0], d[1], d[2], d[3] = s0[j], s1[j], s2[j], s3[j]
		d[4], d[5], d[6], d[7] = s4[j], s5[j], s6[j], s7[j]
	}
}

// deinterleave8 writes n groups of eight channels from src into n pixels
// of eight planes (dst, dst+stride, ...).
func deinterleave8(dst, src []float32, stride, n int) {
	d0, d1, d2, d3 := dst[:n], dst[stride:stride+n], dst[2*stride:2*stride+n], dst[3*stride:3*stride+n]
	d4, d5, d6, d7 := dst[4*stride:4*stride+n], dst[5*stride:5*stride+n], dst[6*stride:6*stride+n], dst[7*stride:7*stride+n]
	src = src[:n*BlockC]
	for j := range n {
		v := src[j*BlockC : j*BlockC+BlockC : j*BlockC+BlockC]
		d0[j], d1[j], d2[j], d3[j] = v[0], v[1], v[2], v[3]
		d4[j], d5[j], d6[j], d7[j] = v[4], v[5], v[6], v[7]
	}
}
