// This file holds the memory a Sequential tree shares between its layers:
// two ping-pong buffers that carry every input gradient of a backward pass
// (and, in evaluation mode, the intermediate outputs of a forward pass), so
// that a network keeps one activation per layer rather than an activation,
// a ReLU copy and a gradient. The rules it implements are stated on Module.

package nn

import (
	"unsafe"

	"github.com/gocnn/gocnn/tensor"
)

// sharedBufs are the two buffers of one Sequential tree. A layer that writes
// a gradient (or a shared output) takes the buffer that does not hold its
// input, so a chain of layers alternates between them and each buffer only
// needs the size of the largest tensor placed in it.
type sharedBufs struct {
	buf  [2][]float32
	need int // the largest length reserved for the next backward pass
}

// reserve records that the next backward pass needs n floats per buffer.
func (a *sharedBufs) reserve(n int) { a.need = max(a.need, n) }

// ensure grows both buffers to the reserved size, once, before a backward
// pass: sizing them up front avoids a chain of ever-larger allocations (and
// the garbage they leave) in the first step.
func (a *sharedBufs) ensure() {
	for i := range a.buf {
		if cap(a.buf[i]) < a.need {
			a.buf[i] = nil
			a.buf[i] = tensor.AlignedFloats(a.need)
		}
	}
}

// within reports whether s starts inside b's backing array.
func within(s, b []float32) bool {
	if len(s) == 0 || cap(b) == 0 {
		return false
	}
	p := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	return p >= lo && p < lo+uintptr(cap(b))*4
}

// holds reports whether t's data lies in one of the buffers (so it is
// scratch that a later layer may overwrite).
func (a *sharedBufs) holds(t *tensor.Tensor) bool {
	if a == nil || t == nil {
		return false
	}
	d := t.Data()
	return within(d, a.buf[0]) || within(d, a.buf[1])
}

// other returns the index of the buffer that does not hold t (0 when
// neither does).
func (a *sharedBufs) other(t *tensor.Tensor) int {
	if t != nil && within(t.Data(), a.buf[0]) {
		return 1
	}
	return 0
}

// sharedView is one layer's tensor headers over the two buffers, rebuilt
// only when the buffer or the shape changes, so that steady state allocates
// nothing.
type sharedView struct {
	t [2]*tensor.Tensor
}

// get returns a tensor of shape s in the buffer that does not hold avoid,
// growing that buffer if needed (evaluation passes size them as they go).
// Its contents are whatever the buffer held.
func (v *sharedView) get(a *sharedBufs, s shape4, avoid *tensor.Tensor) *tensor.Tensor {
	n := x4len(s)
	i := a.other(avoid)
	if cap(a.buf[i]) < n {
		a.reserve(n)
		a.buf[i] = nil
		a.buf[i] = tensor.AlignedFloats(a.need)
	}
	d := a.buf[i][:n]
	t := v.t[i]
	if t == nil || !s.is(t) || (n > 0 && &t.Data()[0] != &d[0]) {
		dims := make([]int, s.rank)
		copy(dims, s.d[:s.rank])
		t = tensor.Wrap(d, dims...)
		v.t[i] = t
	}
	return t
}

// linkage is embedded in every nn layer: it decides where the layer's output
// and input gradient live. Outside a Sequential (shared == nil) both are the
// layer's own buffers, as before; inside one, the input gradient goes to the
// tree's shared buffers, and so does the output of a layer whose Sequential
// is in evaluation mode and is not its last child.
type linkage struct {
	shared    *sharedBufs
	outShared bool
	ownY      *tensor.Tensor
	ownDX     *tensor.Tensor
	yv, dxv   sharedView
}

// setShared is called by the Sequential that adopts the layer.
func (l *linkage) setShared(a *sharedBufs) { l.shared = a }

// setOutShared is called by the Sequential on a mode or membership change.
func (l *linkage) setOutShared(on bool) { l.outShared = on }

// output returns the tensor Forward writes (shape s; x is its input).
func (l *linkage) output(s shape4, x *tensor.Tensor) *tensor.Tensor {
	if l.outShared && l.shared != nil {
		return l.yv.get(l.shared, s, x)
	}
	l.ownY = ensure(l.ownY, s)
	return l.ownY
}

// inputGrad returns the tensor Backward writes dx into (shape s; dy is the
// incoming gradient, which it never overlaps).
func (l *linkage) inputGrad(s shape4, dy *tensor.Tensor) *tensor.Tensor {
	if l.shared != nil {
		return l.dxv.get(l.shared, s, dy)
	}
	l.ownDX = ensure(l.ownDX, s)
	return l.ownDX
}

// scratch reports whether dy lives in the shared buffers, so that Backward
// may overwrite it (an elementwise layer then works in place).
func (l *linkage) scratch(dy *tensor.Tensor) bool { return l.shared.holds(dy) }

// sharer is implemented by the layers of this package and by Sequential: a
// Sequential hands its shared buffers to each child it adopts, and tells the
// child's linkage whether its output is shared.
type sharer interface {
	setShared(a *sharedBufs)
	setOutShared(on bool)
}
