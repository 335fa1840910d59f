// This file holds the Arena, which lets a training loop reach a steady state
// with zero allocations: activations and gradients are taken from it during a
// step and all given back at once when the step ends.

package tensor

import "fmt"

// Arena hands out tensors from reusable storage. Get returns a zeroed tensor
// of the requested shape; Reset makes every tensor handed out since the last
// Reset available again. After the first step of a loop whose sequence of Get
// shapes repeats, Get allocates nothing. Tensors obtained before a Reset must
// not be used after it. An Arena is not safe for concurrent use.
type Arena struct {
	slots []*arenaSlot
	next  int
}

type arenaSlot struct {
	t   Tensor
	buf []float32 // aligned storage, capacity may exceed the current shape
}

// NewArena returns an empty arena.
func NewArena() *Arena { return &Arena{} }

// Get returns a zeroed contiguous tensor of the given shape. The returned
// tensor and its shape slice belong to the arena until the next Reset.
func (a *Arena) Get(shape ...int) *Tensor {
	t := a.GetUninit(shape...)
	clear(t.data)
	return t
}

// GetUninit is Get without zeroing: the values are whatever the storage held.
func (a *Arena) GetUninit(shape ...int) *Tensor {
	n := checkShape("Arena.Get", shape)
	if a.next == len(a.slots) {
		a.slots = append(a.slots, &arenaSlot{})
	}
	s := a.slots[a.next]
	a.next++
	if cap(s.buf) < n {
		s.buf = AlignedFloats(n)
	}
	if cap(s.t.shape) < len(shape) {
		s.t.shape = make([]int, len(shape))
		s.t.strides = make([]int, len(shape))
	}
	s.t.shape = s.t.shape[:len(shape)]
	s.t.strides = s.t.strides[:len(shape)]
	copy(s.t.shape, shape)
	st := 1
	for i := len(shape) - 1; i >= 0; i-- {
		s.t.strides[i] = st
		st *= shape[i]
	}
	s.t.data = s.buf[:n:n]
	return &s.t
}

// Reset gives every tensor handed out back to the arena.
func (a *Arena) Reset() { a.next = 0 }

// InUse returns how many tensors are handed out since the last Reset.
func (a *Arena) InUse() int { return a.next }

// Bytes returns the storage the arena holds, in bytes.
func (a *Arena) Bytes() int {
	n := 0
	for _, s := range a.slots {
		n += cap(s.buf) * 4
	}
	return n
}

// String describes the arena's use.
func (a *Arena) String() string {
	return fmt.Sprintf("Arena{%d slots, %d in use, %d bytes}", len(a.slots), a.next, a.Bytes())
}
