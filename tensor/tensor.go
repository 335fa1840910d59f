// This file defines the Tensor type, its constructors and element access.

package tensor

import (
	"fmt"
	"strings"
)

// Tensor is an n-dimensional float32 array: a shape, strides (in elements)
// and a backing slice that starts at the tensor's first element. Several
// tensors may share one backing store (views); writing through one is seen by
// the others. The zero value is not usable; use a constructor.
type Tensor struct {
	shape   []int
	strides []int
	data    []float32
}

// checkShape panics if any dimension is negative and returns the element count.
func checkShape(op string, shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			// Copy so that shape does not escape: callers pass variadic
			// shapes that must stay on the stack.
			panic(fmt.Sprintf("tensor: %s: negative dimension in shape %v", op, append([]int(nil), shape...)))
		}
		n *= d
	}
	return n
}

// contiguousStrides returns row-major strides for shape.
func contiguousStrides(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = s
		s *= shape[i]
	}
	return st
}

// Zeros returns a contiguous tensor of the given shape filled with zeros. A
// tensor with no dimensions is a scalar holding one element.
func Zeros(shape ...int) *Tensor {
	n := checkShape("Zeros", shape)
	return &Tensor{shape: append([]int(nil), shape...), strides: contiguousStrides(shape), data: AlignedFloats(n)}
}

// New is Zeros.
func New(shape ...int) *Tensor { return Zeros(shape...) }

// Full returns a contiguous tensor of the given shape with every element v.
func Full(v float32, shape ...int) *Tensor {
	t := Zeros(shape...)
	for i := range t.data {
		t.data[i] = v
	}
	return t
}

// FromSlice returns a contiguous tensor of the given shape holding a copy of
// data in aligned storage. It panics if len(data) does not match the shape.
func FromSlice(data []float32, shape ...int) *Tensor {
	n := checkShape("FromSlice", shape)
	if len(data) != n {
		panic(fmt.Sprintf("tensor: FromSlice: %d values for shape %v (%d elements)", len(data), shape, n))
	}
	t := Zeros(shape...)
	copy(t.data, data)
	return t
}

// Wrap returns a contiguous tensor of the given shape over data without
// copying (data need not be aligned). It panics if len(data) does not match.
func Wrap(data []float32, shape ...int) *Tensor {
	n := checkShape("Wrap", shape)
	if len(data) != n {
		panic(fmt.Sprintf("tensor: Wrap: %d values for shape %v (%d elements)", len(data), shape, n))
	}
	return &Tensor{shape: append([]int(nil), shape...), strides: contiguousStrides(shape), data: data[:n:n]}
}

// Shape returns the tensor's shape. The caller must not modify it.
func (t *Tensor) Shape() []int { return t.shape }

// Strides returns the tensor's strides in elements. The caller must not
// modify it.
func (t *Tensor) Strides() []int { return t.strides }

// Rank returns the number of dimensions.
func (t *Tensor) Rank() int { return len(t.shape) }

// Dim returns the size of dimension i; negative i counts from the end.
func (t *Tensor) Dim(i int) int {
	j := i
	if j < 0 {
		j += len(t.shape)
	}
	if j < 0 || j >= len(t.shape) {
		panic(fmt.Sprintf("tensor: Dim: axis %d out of range for shape %v", i, t.shape))
	}
	return t.shape[j]
}

// Len returns the number of elements.
func (t *Tensor) Len() int {
	n := 1
	for _, d := range t.shape {
		n *= d
	}
	return n
}

// IsContiguous reports whether the elements are laid out row-major without
// gaps, so that Data covers exactly the tensor.
func (t *Tensor) IsContiguous() bool {
	s := 1
	for i := len(t.shape) - 1; i >= 0; i-- {
		if t.shape[i] != 1 && t.strides[i] != s {
			return false
		}
		s *= t.shape[i]
	}
	return true
}

// Data returns the backing elements of a contiguous tensor, in row-major
// order, without copying. It panics on a non-contiguous view; call
// Contiguous first.
func (t *Tensor) Data() []float32 {
	if !t.IsContiguous() {
		panic(fmt.Sprintf("tensor: Data: non-contiguous tensor shape %v strides %v", t.shape, t.strides))
	}
	n := t.Len()
	return t.data[:n:n]
}

// SameShape reports whether t and u have equal shapes.
func (t *Tensor) SameShape(u *Tensor) bool { return sameShape(t.shape, u.shape) }

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// offset returns the storage offset of the element at idx, panicking with op
// in the message when idx is malformed.
func (t *Tensor) offset(op string, idx []int) int {
	if len(idx) != len(t.shape) {
		panic(fmt.Sprintf("tensor: %s: %d indices for shape %v", op, len(idx), t.shape))
	}
	off := 0
	for i, x := range idx {
		if x < 0 || x >= t.shape[i] {
			panic(fmt.Sprintf("tensor: %s: index %v out of range for shape %v", op, idx, t.shape))
		}
		off += x * t.strides[i]
	}
	return off
}

// At returns the element at the given index.
func (t *Tensor) At(idx ...int) float32 { return t.data[t.offset("At", idx)] }

// Set stores v at the given index.
func (t *Tensor) Set(v float32, idx ...int) { t.data[t.offset("Set", idx)] = v }

// Fill sets every element to v.
func (t *Tensor) Fill(v float32) {
	t.each(func(off int) { t.data[off] = v })
}

// Zero sets every element to zero.
func (t *Tensor) Zero() { t.Fill(0) }

// each calls fn with the storage offset of every element in row-major order.
func (t *Tensor) each(fn func(off int)) {
	if t.IsContiguous() {
		for i, n := 0, t.Len(); i < n; i++ {
			fn(i)
		}
		return
	}
	n := t.Len()
	if n == 0 {
		return
	}
	idx := make([]int, len(t.shape))
	off := 0
	for k := 0; k < n; k++ {
		fn(off)
		for d := len(idx) - 1; d >= 0; d-- {
			idx[d]++
			off += t.strides[d]
			if idx[d] < t.shape[d] {
				break
			}
			off -= idx[d] * t.strides[d]
			idx[d] = 0
		}
	}
}

// Values returns a new slice with the elements in row-major order.
func (t *Tensor) Values() []float32 {
	out := make([]float32, 0, t.Len())
	t.each(func(off int) { out = append(out, t.data[off]) })
	return out
}

// String prints the shape and the first few values, e.g.
// "Tensor[2 3]{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}".
func (t *Tensor) String() string {
	const show = 8
	var b strings.Builder
	fmt.Fprintf(&b, "Tensor%v{", t.shape)
	i := 0
	t.each(func(off int) {
		if i < show {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%.4g", t.data[off])
		}
		i++
	})
	if i > show {
		fmt.Fprintf(&b, ", … (%d values)", i)
	}
	b.WriteString("}")
	return b.String()
}
