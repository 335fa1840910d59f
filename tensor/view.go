// This file holds the operations that make views (no copy) and copies.

package tensor

import "fmt"

// Reshape returns a view with a new shape and the same elements. One
// dimension may be -1 and is inferred. The tensor must be contiguous.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	if !t.IsContiguous() {
		panic(fmt.Sprintf("tensor: Reshape: non-contiguous tensor %v; call Contiguous first", t.shape))
	}
	shape = append([]int(nil), shape...)
	n, infer := 1, -1
	for i, d := range shape {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			panic(fmt.Sprintf("tensor: Reshape: bad shape %v for %v", shape, t.shape))
		default:
			n *= d
		}
	}
	if infer >= 0 {
		if n == 0 || t.Len()%n != 0 {
			panic(fmt.Sprintf("tensor: Reshape: cannot infer -1 in %v from %v", shape, t.shape))
		}
		shape[infer] = t.Len() / n
		n *= shape[infer]
	}
	if n != t.Len() {
		panic(fmt.Sprintf("tensor: Reshape: shape %v vs %v: %d vs %d elements", t.shape, shape, t.Len(), n))
	}
	return &Tensor{shape: shape, strides: contiguousStrides(shape), data: t.data[:n:n]}
}

// View is Reshape.
func (t *Tensor) View(shape ...int) *Tensor { return t.Reshape(shape...) }

// Slice returns the view t[lo:hi] along the first axis (the batch axis of an
// NCHW tensor), sharing storage.
func (t *Tensor) Slice(lo, hi int) *Tensor {
	if len(t.shape) == 0 {
		panic("tensor: Slice: scalar tensor")
	}
	if lo < 0 || hi < lo || hi > t.shape[0] {
		panic(fmt.Sprintf("tensor: Slice: range [%d:%d] out of bounds for shape %v", lo, hi, t.shape))
	}
	shape := append([]int(nil), t.shape...)
	shape[0] = hi - lo
	u := &Tensor{shape: shape, strides: append([]int(nil), t.strides...)}
	if hi > lo {
		u.data = t.data[lo*t.strides[0]:]
	} else {
		u.data = t.data[:0]
	}
	return u
}

// Narrow returns the view of t restricted to [lo, hi) along axis, sharing
// storage. The result is generally not contiguous.
func (t *Tensor) Narrow(axis, lo, hi int) *Tensor {
	if axis < 0 || axis >= len(t.shape) {
		panic(fmt.Sprintf("tensor: Narrow: axis %d out of range for shape %v", axis, t.shape))
	}
	if lo < 0 || hi < lo || hi > t.shape[axis] {
		panic(fmt.Sprintf("tensor: Narrow: range [%d:%d] out of bounds on axis %d of %v", lo, hi, axis, t.shape))
	}
	shape := append([]int(nil), t.shape...)
	shape[axis] = hi - lo
	u := &Tensor{shape: shape, strides: append([]int(nil), t.strides...)}
	if hi > lo && t.Len() > 0 {
		u.data = t.data[lo*t.strides[axis]:]
	} else {
		u.data = t.data[:0]
	}
	return u
}

// Transpose returns a view with axes i and j swapped (no copy).
func (t *Tensor) Transpose(i, j int) *Tensor {
	r := len(t.shape)
	if i < 0 || i >= r || j < 0 || j >= r {
		panic(fmt.Sprintf("tensor: Transpose: axes %d,%d out of range for shape %v", i, j, t.shape))
	}
	u := &Tensor{shape: append([]int(nil), t.shape...), strides: append([]int(nil), t.strides...), data: t.data}
	u.shape[i], u.shape[j] = u.shape[j], u.shape[i]
	u.strides[i], u.strides[j] = u.strides[j], u.strides[i]
	return u
}

// Contiguous returns t itself if it is contiguous, otherwise a contiguous copy.
func (t *Tensor) Contiguous() *Tensor {
	if t.IsContiguous() {
		return t
	}
	return t.Clone()
}

// Clone returns a contiguous copy in new aligned storage.
func (t *Tensor) Clone() *Tensor {
	u := Zeros(t.shape...)
	i := 0
	t.each(func(off int) { u.data[i] = t.data[off]; i++ })
	return u
}

// CopyFrom copies src's elements into t; the shapes must be equal.
func (t *Tensor) CopyFrom(src *Tensor) {
	if !sameShape(t.shape, src.shape) {
		panic(fmt.Sprintf("tensor: CopyFrom: shape %v vs %v", t.shape, src.shape))
	}
	if t.IsContiguous() && src.IsContiguous() {
		copy(t.Data(), src.Data())
		return
	}
	v := src.Values()
	i := 0
	t.each(func(off int) { t.data[off] = v[i]; i++ })
}
