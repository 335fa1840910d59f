// This file holds the pooling kernels VGG needs: max pooling with recorded
// argmax (for its backward scatter) and PyTorch's adaptive average pooling.
// Planes (one n, one c) are shared out among workers; each output has one
// writer.

package kernels

import "fmt"

// poolGrain is the number of planes below which pooling stays serial-ish.
func poolGrain(planeSize int) int { return 1 + 16384/max(planeSize, 1) }

// MaxPool2dForward computes y[n,c,i,j] = max of x over the kernel×kernel
// window at (i*stride, j*stride), with no padding: oh = (h-kernel)/stride+1
// (floor), likewise ow. argmax[n,c,i,j] receives the flat index within the
// input plane (row*w + col) of the first maximum. NaN inputs propagate: a NaN
// in the window wins, as in PyTorch. x is [n,c,h,w], y and argmax [n,c,oh,ow].
func MaxPool2dForward(n, c, h, w, kernel, stride int, x, y []float32, argmax []int32) {
	oh, ow := poolCheck("MaxPool2dForward", n, c, h, w, kernel, stride)
	checkLen("MaxPool2dForward", "x", x, n*c*h*w)
	checkLen("MaxPool2dForward", "y", y, n*c*oh*ow)
	if len(argmax) < n*c*oh*ow {
		panic(fmt.Sprintf("kernels: MaxPool2dForward: len(argmax) = %d, want at least %d", len(argmax), n*c*oh*ow))
	}
	jb := newElt(func(j *eltJob, lo, hi int) {
		w, kernel, stride, oh, ow, h := j.n[0], j.n[1], j.n[2], j.n[3], j.n[4], j.n[5]
		x, y, argmax := j.a, j.b, j.idx
		for pl := lo; pl < hi; pl++ {
			src := x[pl*h*w : (pl+1)*h*w]
			dst := y[pl*oh*ow : (pl+1)*oh*ow]
			am := argmax[pl*oh*ow : (pl+1)*oh*ow]
			if kernel == 2 && stride == 2 {
				maxPool2x2Forward(src, dst, am, w, oh, ow)
				continue
			}
			for i := 0; i < oh; i++ {
				for j := 0; j < ow; j++ {
					bi := i*stride*w + j*stride
					best := src[bi]
					for a := 0; a < kernel; a++ {
						row := (i*stride + a) * w
						for b := 0; b < kernel; b++ {
							if v := src[row+j*stride+b]; v > best || (v != v && best == best) {
								best, bi = v, row+j*stride+b
							}
						}
					}
					dst[i*ow+j], am[i*ow+j] = best, int32(bi)
				}
			}
		}
	})
	jb.n = [6]int{w, kernel, stride, oh, ow, h}
	jb.a, jb.b, jb.idx = x, y, argmax
	jb.parallel(n*c, poolGrain(h*w))
}

// maxPool2x2Forward is MaxPool2dForward's 2x2/stride-2 case for one plane:
// groups of 8 outputs run on maxPool2x2Row8 (AVX2 where active), the rest
// here.
func maxPool2x2Forward(src, dst []float32, am []int32, w, oh, ow int) {
	for i := 0; i < oh; i++ {
		r0 := src[2*i*w : 2*i*w+2*ow]
		r1 := src[(2*i+1)*w : (2*i+1)*w+2*ow]
		d := dst[i*ow : i*ow+ow]
		a := am[i*ow : i*ow+ow]
		j0 := maxPool2x2Row8(r0, r1, d, a, 2*i*w, w)
		for j := j0; j < len(d); j++ {
			best, bi := r0[2*j], 2*i*w+2*j
			if v := r0[2*j+1]; v > best || (v != v && best == best) {
				best, bi = v, 2*i*w+2*j+1
			}
			if v := r1[2*j]; v > best || (v != v && best == best) {
				best, bi = v, (2*i+1)*w+2*j
			}
			if v := r1[2*j+1]; v > best || (v != v && best == best) {
				best, bi = v, (2*i+1)*w+2*j+1
			}
			d[j], a[j] = best, int32(bi)
		}
	}
}

// maxPool2x2Row8Generic is one output row of the 2x2/stride-2 pool for the
// first len(d)/8*8 outputs: r0, r1 are the two input rows, base the flat
// index of r0[0]. It returns the number of outputs done.
func maxPool2x2Row8Generic(r0, r1, d []float32, a []int32, base, w int) int {
	n := len(d) / 8 * 8
	for j := 0; j < n; j++ {
		best, bi := r0[2*j], base+2*j
		if v := r0[2*j+1]; v > best || (v != v && best == best) {
			best, bi = v, base+2*j+1
		}
		if v := r1[2*j]; v > best || (v != v && best == best) {
			best, bi = v, base+w+2*j
		}
		if v := r1[2*j+1]; v > best || (v != v && best == best) {
			best, bi = v, base+w+2*j+1
		}
		d[j], a[j] = best, int32(bi)
	}
	return n
}

// MaxPool2dBackward sets dx to zero and adds dy[n,c,i,j] at the recorded
// argmax position of each output (overlapping windows accumulate). dy and
// argmax are [n,c,oh,ow], dx [n,c,h,w].
func MaxPool2dBackward(n, c, h, w, kernel, stride int, dy []float32, argmax []int32, dx []float32) {
	oh, ow := poolCheck("MaxPool2dBackward", n, c, h, w, kernel, stride)
	checkLen("MaxPool2dBackward", "dy", dy, n*c*oh*ow)
	checkLen("MaxPool2dBackward", "dx", dx, n*c*h*w)
	if len(argmax) < n*c*oh*ow {
		panic(fmt.Sprintf("kernels: MaxPool2dBackward: len(argmax) = %d, want at least %d", len(argmax), n*c*oh*ow))
	}
	jb := newElt(func(j *eltJob, lo, hi int) {
		h, w, oh, ow := j.n[0], j.n[1], j.n[2], j.n[3]
		dy, dx, argmax := j.a, j.b, j.idx
		for pl := lo; pl < hi; pl++ {
			d := dx[pl*h*w : (pl+1)*h*w]
			clear(d)
			g := dy[pl*oh*ow : (pl+1)*oh*ow]
			for i, a := range argmax[pl*oh*ow : (pl+1)*oh*ow] {
				d[a] += g[i]
			}
		}
	})
	jb.n = [6]int{h, w, oh, ow}
	jb.a, jb.b, jb.idx = dy, dx, argmax
	jb.parallel(n*c, poolGrain(h*w))
}

func poolCheck(op string, n, c, h, w, kernel, stride int) (oh, ow int) {
	if n < 0 || c < 0 || h < 1 || w < 1 || kernel < 1 || stride < 1 || kernel > h || kernel > w {
		panic(fmt.Sprintf("kernels: %s: invalid pooling n=%d c=%d h=%d w=%d kernel=%d stride=%d", op, n, c, h, w, kernel, stride))
	}
	return (h-kernel)/stride + 1, (w-kernel)/stride + 1
}

// AdaptiveAvgPool2dForward computes PyTorch's adaptive average pooling of x
// [n,c,h,w] to y [n,c,oh,ow]: output (i,j) is the mean of rows
// floor(i*h/oh) .. ceil((i+1)*h/oh)-1 and the same columns of w/ow.
func AdaptiveAvgPool2dForward(n, c, h, w, oh, ow int, x, y []float32) {
	adaptiveCheck("AdaptiveAvgPool2dForward", n, c, h, w, oh, ow)
	checkLen("AdaptiveAvgPool2dForward", "x", x, n*c*h*w)
	checkLen("AdaptiveAvgPool2dForward", "y", y, n*c*oh*ow)
	jb := newElt(func(j *eltJob, lo, hi int) {
		h, w, oh, ow := j.n[0], j.n[1], j.n[2], j.n[3]
		x, y := j.a, j.b
		for pl := lo; pl < hi; pl++ {
			src := x[pl*h*w : (pl+1)*h*w]
			dst := y[pl*oh*ow : (pl+1)*oh*ow]
			if oh == h && ow == w {
				copy(dst, src)
				continue
			}
			for i := 0; i < oh; i++ {
				h0, h1 := i*h/oh, ((i+1)*h+oh-1)/oh
				for j := 0; j < ow; j++ {
					w0, w1 := j*w/ow, ((j+1)*w+ow-1)/ow
					var s float32
					for a := h0; a < h1; a++ {
						for _, v := range src[a*w+w0 : a*w+w1] {
							s += v
						}
					}
					dst[i*ow+j] = s / float32((h1-h0)*(w1-w0))
				}
			}
		}
	})
	jb.n = [6]int{h, w, oh, ow}
	jb.a, jb.b = x, y
	jb.parallel(n*c, poolGrain(h*w))
}

// AdaptiveAvgPool2dBackward sets dx [n,c,h,w] to the gradient of
// AdaptiveAvgPool2dForward: each dy[n,c,i,j] divided evenly over its window
// (windows may overlap and then accumulate).
func AdaptiveAvgPool2dBackward(n, c, h, w, oh, ow int, dy, dx []float32) {
	adaptiveCheck("AdaptiveAvgPool2dBackward", n, c, h, w, oh, ow)
	checkLen("AdaptiveAvgPool2dBackward", "dy", dy, n*c*oh*ow)
	checkLen("AdaptiveAvgPool2dBackward", "dx", dx, n*c*h*w)
	jb := newElt(func(j *eltJob, lo, hi int) {
		h, w, oh, ow := j.n[0], j.n[1], j.n[2], j.n[3]
		dy, dx := j.a, j.b
		for pl := lo; pl < hi; pl++ {
			d := dx[pl*h*w : (pl+1)*h*w]
			g := dy[pl*oh*ow : (pl+1)*oh*ow]
			if oh == h && ow == w {
				copy(d, g)
				continue
			}
			clear(d)
			for i := 0; i < oh; i++ {
				h0, h1 := i*h/oh, ((i+1)*h+oh-1)/oh
				for j := 0; j < ow; j++ {
					w0, w1 := j*w/ow, ((j+1)*w+ow-1)/ow
					v := g[i*ow+j] / float32((h1-h0)*(w1-w0))
					for a := h0; a < h1; a++ {
						row := d[a*w+w0 : a*w+w1]
						for b := range row {
							row[b] += v
						}
					}
				}
			}
		}
	})
	jb.n = [6]int{h, w, oh, ow}
	jb.a, jb.b = dy, dx
	jb.parallel(n*c, poolGrain(h*w))
}

func adaptiveCheck(op string, n, c, h, w, oh, ow int) {
	if n < 0 || c < 0 || h < 1 || w < 1 || oh < 1 || ow < 1 {
		panic(fmt.Sprintf("kernels: %s: invalid pooling n=%d c=%d h=%d w=%d oh=%d ow=%d", op, n, c, h, w, oh, ow))
	}
}
