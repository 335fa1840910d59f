// This file holds the elementwise operations and reductions the layers need,
// in plain Go. The kernels package has SIMD versions of the hot ones.

package tensor

import (
	"fmt"
	"math"
)

func mustSame(op string, a, b *Tensor) {
	if !sameShape(a.shape, b.shape) {
		panic(fmt.Sprintf("tensor: %s: shape %v vs %v", op, a.shape, b.shape))
	}
}

// binary applies dst[i] = f(a[i], b[i]) over three equally shaped tensors.
func binary(op string, dst, a, b *Tensor, f func(x, y float32) float32) {
	mustSame(op, a, b)
	mustSame(op, dst, a)
	if dst.IsContiguous() && a.IsContiguous() && b.IsContiguous() {
		d, x, y := dst.Data(), a.Data(), b.Data()
		for i := range d {
			d[i] = f(x[i], y[i])
		}
		return
	}
	x, y := a.Values(), b.Values()
	i := 0
	dst.each(func(off int) { dst.data[off] = f(x[i], y[i]); i++ })
}

// Add stores a+b in dst elementwise and returns dst. dst may alias a or b.
func Add(dst, a, b *Tensor) *Tensor {
	binary("Add", dst, a, b, func(x, y float32) float32 { return x + y })
	return dst
}

// Sub stores a-b in dst elementwise and returns dst.
func Sub(dst, a, b *Tensor) *Tensor {
	binary("Sub", dst, a, b, func(x, y float32) float32 { return x - y })
	return dst
}

// Mul stores a*b in dst elementwise and returns dst.
func Mul(dst, a, b *Tensor) *Tensor {
	binary("Mul", dst, a, b, func(x, y float32) float32 { return x * y })
	return dst
}

// Scale multiplies every element of t by s in place and returns t.
func (t *Tensor) Scale(s float32) *Tensor {
	t.each(func(off int) { t.data[off] *= s })
	return t
}

// AddScaled performs t += s*u (axpy) in place and returns t.
func (t *Tensor) AddScaled(s float32, u *Tensor) *Tensor {
	binary("AddScaled", t, t, u, func(x, y float32) float32 { return x + s*y })
	return t
}

// Apply replaces every element x by f(x) and returns t.
func (t *Tensor) Apply(f func(float32) float32) *Tensor {
	t.each(func(off int) { t.data[off] = f(t.data[off]) })
	return t
}

// Sum returns the sum of all elements, accumulated in float64.
func (t *Tensor) Sum() float64 {
	var s float64
	t.each(func(off int) { s += float64(t.data[off]) })
	return s
}

// Mean returns the mean of all elements (NaN for an empty tensor).
func (t *Tensor) Mean() float64 {
	if t.Len() == 0 {
		return math.NaN()
	}
	return t.Sum() / float64(t.Len())
}

// Max returns the largest element. It panics on an empty tensor.
func (t *Tensor) Max() float32 {
	if t.Len() == 0 {
		panic(fmt.Sprintf("tensor: Max: empty tensor %v", t.shape))
	}
	m := float32(math.Inf(-1))
	t.each(func(off int) {
		if v := t.data[off]; v > m || v != v {
			m = v
		}
	})
	return m
}

// reduceAxis computes, for every position of the other axes, a reduction
// along axis. It returns the output shape (axis removed) and calls f with the
// output index and the storage offsets along the axis.
func (t *Tensor) reduceAxis(op string, axis int, f func(out int, base, stride, n int)) []int {
	if axis < 0 {
		axis += len(t.shape)
	}
	if axis < 0 || axis >= len(t.shape) {
		panic(fmt.Sprintf("tensor: %s: axis out of range for shape %v", op, t.shape))
	}
	outShape := append(append([]int(nil), t.shape[:axis]...), t.shape[axis+1:]...)
	outer := 1
	for _, d := range t.shape[:axis] {
		outer *= d
	}
	inner := 1
	for _, d := range t.shape[axis+1:] {
		inner *= d
	}
	for o := 0; o < outer; o++ {
		// storage offset of the outer index o
		baseO, rem := 0, o
		for d := axis - 1; d >= 0; d-- {
			baseO += (rem % t.shape[d]) * t.strides[d]
			rem /= t.shape[d]
		}
		for in := 0; in < inner; in++ {
			base, rem := baseO, in
			for d := len(t.shape) - 1; d > axis; d-- {
				base += (rem % t.shape[d]) * t.strides[d]
				rem /= t.shape[d]
			}
			f(o*inner+in, base, t.strides[axis], t.shape[axis])
		}
	}
	return outShape
}

// SumAxis returns the sums along axis (a negative axis counts from the end).
func (t *Tensor) SumAxis(axis int) *Tensor {
	var vals []float32
	shape := t.reduceAxis("SumAxis", axis, func(out, base, stride, n int) {
		var s float64
		for i := 0; i < n; i++ {
			s += float64(t.data[base+i*stride])
		}
		vals = append(vals, float32(s))
	})
	return FromSlice(vals, shape...)
}

// MeanAxis returns the means along axis.
func (t *Tensor) MeanAxis(axis int) *Tensor {
	s := t.SumAxis(axis)
	n := t.Dim(axis)
	return s.Scale(1 / float32(n))
}

// MaxAxis returns the maxima along axis. It panics if that axis is empty.
func (t *Tensor) MaxAxis(axis int) *Tensor {
	var vals []float32
	shape := t.reduceAxis("MaxAxis", axis, func(out, base, stride, n int) {
		if n == 0 {
			panic(fmt.Sprintf("tensor: MaxAxis: empty axis in shape %v", t.shape))
		}
		m := t.data[base]
		for i := 1; i < n; i++ {
			if v := t.data[base+i*stride]; v > m {
				m = v
			}
		}
		vals = append(vals, m)
	})
	return FromSlice(vals, shape...)
}

// ArgMax returns, for every position of the other axes, the index of the
// largest value along axis (the first one on ties), as ints in row-major order
// of the remaining axes. It panics if that axis is empty.
func (t *Tensor) ArgMax(axis int) []int {
	var out []int
	t.reduceAxis("ArgMax", axis, func(o, base, stride, n int) {
		if n == 0 {
			panic(fmt.Sprintf("tensor: ArgMax: empty axis in shape %v", t.shape))
		}
		best, bi := t.data[base], 0
		for i := 1; i < n; i++ {
			if v := t.data[base+i*stride]; v > best {
				best, bi = v, i
			}
		}
		out = append(out, bi)
	})
	return out
}

// AddChannel adds v[c] to every element of channel c of the NCHW (or NC)
// tensor t in place and returns t: the broadcast of a per-channel vector.
func (t *Tensor) AddChannel(v *Tensor) *Tensor {
	if len(t.shape) < 2 || v.Len() != t.shape[1] {
		panic(fmt.Sprintf("tensor: AddChannel: shape %v vs channel vector %v", t.shape, v.shape))
	}
	vals := v.Values()
	idx := 0
	inner := 1
	for _, d := range t.shape[2:] {
		inner *= d
	}
	c := t.shape[1]
	t.each(func(off int) {
		t.data[off] += vals[(idx/inner)%c]
		idx++
	})
	return t
}

// Equal reports whether t and u have the same shape and identical elements
// (NaN never equals anything, as in IEEE arithmetic).
func Equal(t, u *Tensor) bool {
	if !sameShape(t.shape, u.shape) {
		return false
	}
	a, b := t.Values(), u.Values()
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// AllClose reports whether t and u have the same shape and every pair of
// elements satisfies |a-b| <= atol + rtol*|b|, as numpy.allclose.
func AllClose(t, u *Tensor, rtol, atol float64) bool {
	_, ok := MaxDiff(t, u, rtol, atol)
	return ok
}

// MaxDiff returns the largest |a-b| over the elements and whether all pairs
// are within atol + rtol*|b|. Shapes must match.
func MaxDiff(t, u *Tensor, rtol, atol float64) (float64, bool) {
	if !sameShape(t.shape, u.shape) {
		return math.Inf(1), false
	}
	a, b := t.Values(), u.Values()
	worst, ok := 0.0, true
	for i := range a {
		d := math.Abs(float64(a[i]) - float64(b[i]))
		if d > worst || d != d {
			worst = d
		}
		if !(d <= atol+rtol*math.Abs(float64(b[i]))) {
			ok = false
		}
	}
	return worst, ok
}
