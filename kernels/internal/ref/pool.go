// This file holds the pooling and element-wise references (max pooling,
// adaptive average pooling, ReLU), written as the definitions read.

package ref

import "math"

// MaxPool2d returns y[n,c,i,j] = max over the kernel×kernel window at
// (i*stride, j*stride) and the flat in-plane index of the first maximum; a
// NaN beats any number (the first NaN wins), as PyTorch propagates NaN.
func MaxPool2d(n, c, h, w, kernel, stride int, x []float32) (y []float32, argmax []int32) {
	oh, ow := (h-kernel)/stride+1, (w-kernel)/stride+1
	y = make([]float32, n*c*oh*ow)
	argmax = make([]int32, len(y))
	for p := 0; p < n*c; p++ {
		plane := x[p*h*w : (p+1)*h*w]
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				best, bi := plane[i*stride*w+j*stride], i*stride*w+j*stride
				for a := 0; a < kernel; a++ {
					for b := 0; b < kernel; b++ {
						idx := (i*stride+a)*w + j*stride + b
						v := plane[idx]
						if v > best || (math.IsNaN(float64(v)) && !math.IsNaN(float64(best))) {
							best, bi = v, idx
						}
					}
				}
				y[(p*oh+i)*ow+j] = best
				argmax[(p*oh+i)*ow+j] = int32(bi)
			}
		}
	}
	return y, argmax
}

// AdaptiveAvgPool2d returns PyTorch's adaptive average pool: output (i,j)
// averages rows floor(i*h/oh)..ceil((i+1)*h/oh)-1 and the same for columns.
func AdaptiveAvgPool2d(n, c, h, w, oh, ow int, x []float32) []float64 {
	y := make([]float64, n*c*oh*ow)
	for p := 0; p < n*c; p++ {
		for i := 0; i < oh; i++ {
			h0, h1 := i*h/oh, ((i+1)*h+oh-1)/oh
			for j := 0; j < ow; j++ {
				w0, w1 := j*w/ow, ((j+1)*w+ow-1)/ow
				var s float64
				for a := h0; a < h1; a++ {
					for b := w0; b < w1; b++ {
						s += float64(x[(p*h+a)*w+b])
					}
				}
				y[(p*oh+i)*ow+j] = s / float64((h1-h0)*(w1-w0))
			}
		}
	}
	return y
}

// AdaptiveAvgPool2dBackward returns dx for AdaptiveAvgPool2d: each output's
// gradient spread evenly over its window (windows may overlap).
func AdaptiveAvgPool2dBackward(n, c, h, w, oh, ow int, dy []float32) []float64 {
	dx := make([]float64, n*c*h*w)
	for p := 0; p < n*c; p++ {
		for i := 0; i < oh; i++ {
			h0, h1 := i*h/oh, ((i+1)*h+oh-1)/oh
			for j := 0; j < ow; j++ {
				w0, w1 := j*w/ow, ((j+1)*w+ow-1)/ow
				g := float64(dy[(p*oh+i)*ow+j]) / float64((h1-h0)*(w1-w0))
				for a := h0; a < h1; a++ {
					for b := w0; b < w1; b++ {
						dx[(p*h+a)*w+b] += g
					}
				}
			}
		}
	}
	return dx
}
