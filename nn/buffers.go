// This file holds the helpers that give layers their reusable output and
// gradient buffers: a buffer is (re)allocated only when the requested shape
// differs from the one it has, so a loop over a fixed batch shape reaches a
// steady state with no allocations. Shapes are passed as fixed-size arrays
// rather than variadic slices so that the hot path does not heap-allocate.

package nn

import (
	"fmt"

	"github.com/gocnn/gocnn/tensor"
)

// shape4 is a shape of rank at most 4; unused trailing entries are ignored.
type shape4 struct {
	d    [4]int
	rank int
}

func dims2(a, b int) shape4          { return shape4{[4]int{a, b}, 2} }
func dims4(a, b, c, d int) shape4    { return shape4{[4]int{a, b, c, d}, 4} }
func dimsOf(t *tensor.Tensor) shape4 { s := shape4{rank: t.Rank()}; copy(s.d[:], t.Shape()); return s }

// is reports whether t has exactly shape s.
func (s shape4) is(t *tensor.Tensor) bool {
	if t == nil || t.Rank() != s.rank {
		return false
	}
	for i, v := range t.Shape() {
		if s.d[i] != v {
			return false
		}
	}
	return true
}

// ensure returns t when it already has shape s, else a new zeroed tensor of
// shape s. Its contents are otherwise left as they were.
func ensure(t *tensor.Tensor, s shape4) *tensor.Tensor {
	if s.is(t) {
		return t
	}
	dims := make([]int, s.rank)
	copy(dims, s.d[:s.rank])
	return tensor.Zeros(dims...)
}

// viewCache keeps a reshaped view of a tensor and rebuilds it only when the
// source tensor or its storage changes, so that Flatten-like layers can
// return a view without allocating a new header on every call.
type viewCache struct {
	src  *tensor.Tensor
	data *float32
	view *tensor.Tensor
}

// get returns a view of x with shape s (same element count).
func (c *viewCache) get(x *tensor.Tensor, s shape4) *tensor.Tensor {
	d := x.Data()
	var p *float32
	if len(d) > 0 {
		p = &d[0]
	}
	if c.src == x && c.data == p && s.is(c.view) {
		return c.view
	}
	dims := make([]int, s.rank)
	copy(dims, s.d[:s.rank])
	c.src, c.data, c.view = x, p, x.Reshape(dims...)
	return c.view
}

// need4 panics unless x is a rank-4 (NCHW) tensor with c channels (c < 0
// accepts any), naming the operation.
func need4(op string, x *tensor.Tensor, c int) (n, ch, h, w int) {
	if x.Rank() != 4 || (c >= 0 && x.Dim(1) != c) {
		panic(fmt.Sprintf("nn: %s: input shape %v, want [N %s H W]", op, x.Shape(), chans(c)))
	}
	s := x.Shape()
	return s[0], s[1], s[2], s[3]
}

func chans(c int) string {
	if c < 0 {
		return "C"
	}
	return fmt.Sprint(c)
}

// mustSameShape panics unless dy has the shape of the forward output y.
func mustSameShape(op string, dy, y *tensor.Tensor) {
	if y == nil {
		panic(fmt.Sprintf("nn: %s: Backward before Forward", op))
	}
	if !dy.SameShape(y) {
		panic(fmt.Sprintf("nn: %s: Backward: dy shape %v, forward output shape %v", op, dy.Shape(), y.Shape()))
	}
}
