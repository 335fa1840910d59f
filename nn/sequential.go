// This file holds Sequential, the container that chains modules and names
// their parameters as torch.nn.Sequential does ("0.weight", "features.3.bias").

package nn

import (
	"fmt"
	"strconv"

	"github.com/gocnn/gocnn/tensor"
)

// Sequential runs its children in order. Children added with NewSequential
// or Add are named "0", "1", … by position; AddNamed gives a child a name
// (as the attributes of a torchvision model: "features", "classifier"). A
// child's parameter and buffer names are prefixed when it is added, so build
// children completely before adding them.
//
// Backward runs only down to the lowest child that has a trainable
// parameter, unless the input gradient is wanted (SetInputGrad(true), which
// a parent Sequential sets on a nested one when needed). A top-level
// Sequential therefore returns nil from Backward by default, and a frozen
// backbone costs no backward work.
//
// A Sequential shares memory between its children as Module describes: the
// children of a tree of Sequentials write their input gradients into two
// buffers of the root, a ReLU after a layer that owns its output and does not
// read it in backward (Conv2d, BatchNorm2d, Linear, MaxPool2d,
// AdaptiveAvgPool2d) rectifies that output in place, a Conv2d followed by a
// ReLU applies max(0,·) in its own output pass, a Conv2d or BatchNorm2d,
// ReLU, MaxPool2d run pools first and rectifies the pooled tensor (keeping
// the pre-pool activation only until the pool has read it), and in
// evaluation mode the children's intermediate outputs alternate between the
// two buffers too.
// These arrangements are fixed when children are added and when SetTrain is
// called; a child called directly (At(i).Forward) behaves as a lone layer
// except that its buffers are shared.
type Sequential struct {
	names     []string
	mods      []Module
	steps     []step // how Forward and Backward run each child (see link)
	params    []*Param
	buffers   []*Buffer
	inputGrad bool
	eval      bool
	sharedFwd bool // the last Forward shared intermediate outputs (evaluation mode)
	shared    *sharedBufs
}

// step says how a Sequential runs one child.
type step uint8

const (
	stepPlain       step = iota // Forward and Backward as called directly
	stepConvReLU                // a Conv2d whose output pass applies the next child's ReLU
	stepReLUApplied             // a ReLU after stepConvReLU: its input is already rectified
	stepReLUInPlace             // a ReLU that rectifies the previous child's output in place
	// A Conv2d or BatchNorm2d, ReLU, MaxPool2d run runs as the producer,
	// MaxPool2d, ReLU (max and ReLU commute, and so do their backward passes,
	// bit for bit): the producer's output, which no backward reads once the
	// pool has its argmax, goes to the shared buffers, and the ReLU works on
	// the 4x smaller pooled tensor.
	stepToPool       // the producer: its output goes to the shared buffers
	stepReLUDeferred // the ReLU: applied by the next step, forward and backward
	stepPoolReLU     // the MaxPool2d: pools, then applies the ReLU in place
)

// NewSequential returns a Sequential of mods, named "0", "1", ….
func NewSequential(mods ...Module) *Sequential {
	s := &Sequential{}
	for _, m := range mods {
		s.Add(m)
	}
	return s
}

// Add appends m under the next positional name (its index) and returns s.
func (s *Sequential) Add(m Module) *Sequential {
	return s.AddNamed(strconv.Itoa(len(s.mods)), m)
}

// AddNamed appends m under name and returns s. It panics on an empty or
// duplicate name.
func (s *Sequential) AddNamed(name string, m Module) *Sequential {
	if name == "" || m == nil {
		panic(fmt.Sprintf("nn: Sequential.AddNamed: empty name %q or nil module", name))
	}
	for _, n := range s.names {
		if n == name {
			panic(fmt.Sprintf("nn: Sequential.AddNamed: duplicate child name %q", name))
		}
	}
	ps, bs := m.Params(), m.Buffers()
	prefix(name, ps, bs)
	s.names = append(s.names, name)
	s.mods = append(s.mods, m)
	s.params = append(s.params, ps...)
	s.buffers = append(s.buffers, bs...)
	if s.shared == nil {
		s.shared = &sharedBufs{}
	}
	if c, ok := m.(sharer); ok {
		c.setShared(s.shared)
	}
	s.link()
	return s
}

// link decides how each child runs (fusing Conv2d→ReLU, rectifying in
// place after a layer that owns its output and does not read it in
// backward, moving a ReLU after the MaxPool2d that follows it) and which
// children's outputs are shared: a producer's before such a pool, and in
// evaluation mode all but the one that becomes s's output (the last
// child's, or the output that trailing in-place ReLUs rectify), which stays
// in its own buffer.
func (s *Sequential) link() {
	s.steps = s.steps[:0]
	for i, m := range s.mods {
		st := stepPlain
		if _, ok := m.(*ReLU); ok && i > 0 {
			_, pool := s.at(i + 1).(*MaxPool2d)
			switch s.mods[i-1].(type) {
			case *Conv2d, *BatchNorm2d:
				if pool {
					st = stepReLUDeferred
					s.steps[i-1] = stepToPool
				} else if _, conv := s.mods[i-1].(*Conv2d); conv {
					st = stepReLUApplied
					s.steps[i-1] = stepConvReLU
				} else {
					st = stepReLUInPlace
				}
			case *Linear, *MaxPool2d, *AdaptiveAvgPool2d:
				st = stepReLUInPlace
			}
		}
		if _, ok := m.(*MaxPool2d); ok && i > 0 && s.steps[i-1] == stepReLUDeferred {
			st = stepPoolReLU
		}
		s.steps = append(s.steps, st)
	}
	last := len(s.mods) - 1
	for last > 0 && (s.steps[last] == stepReLUApplied || s.steps[last] == stepReLUInPlace) {
		last--
	}
	for i, m := range s.mods {
		if c, ok := m.(sharer); ok {
			if _, nested := m.(*Sequential); !nested {
				c.setOutShared(s.steps[i] == stepToPool || s.eval && i < last)
			}
		}
	}
}

// at returns child i, or nil past the end.
func (s *Sequential) at(i int) Module {
	if i < len(s.mods) {
		return s.mods[i]
	}
	return nil
}

// setShared makes s and its whole subtree use a (the root's buffers).
func (s *Sequential) setShared(a *sharedBufs) {
	s.shared = a
	for _, m := range s.mods {
		if c, ok := m.(sharer); ok {
			c.setShared(a)
		}
	}
}

// setOutShared does nothing: a nested Sequential's output is its last
// child's own buffer, whatever its parent's mode.
func (s *Sequential) setOutShared(bool) {}

// Len returns the number of children.
func (s *Sequential) Len() int { return len(s.mods) }

// At returns child i.
func (s *Sequential) At(i int) Module { return s.mods[i] }

// Name returns the name of child i.
func (s *Sequential) Name(i int) string { return s.names[i] }

// Child returns the child named name, or nil.
func (s *Sequential) Child(name string) Module {
	for i, n := range s.names {
		if n == name {
			return s.mods[i]
		}
	}
	return nil
}

// Forward runs the children in order; the result is the last child's output.
// In training mode it reserves the shared gradient buffers for the children
// Backward will run.
func (s *Sequential) Forward(x *tensor.Tensor) *tensor.Tensor {
	lo := len(s.mods)
	if !s.eval {
		lo = s.lowest()
	}
	s.sharedFwd = s.eval && len(s.mods) > 1
	for i, m := range s.mods {
		if i >= lo {
			s.shared.reserve(x.Len())
		}
		switch s.steps[i] {
		case stepConvReLU:
			x = m.(*Conv2d).forward(x, true)
		case stepReLUDeferred:
		case stepPoolReLU:
			x = s.mods[i-1].(*ReLU).forwardInPlace(m.Forward(x))
		case stepReLUApplied:
			x = m.(*ReLU).forwardApplied(x)
		case stepReLUInPlace:
			x = m.(*ReLU).forwardInPlace(x)
		default:
			x = m.Forward(x)
		}
	}
	return x
}

// lowest returns the index of the lowest child Backward runs: 0 when the
// input gradient is wanted, else the lowest child with a trainable parameter
// (len(children) when there is none).
func (s *Sequential) lowest() int {
	if s.inputGrad {
		return 0
	}
	for i, m := range s.mods {
		if anyTrainable(m.Params()) {
			return i
		}
	}
	return len(s.mods)
}

// Backward runs the children's backward passes in reverse order, down to the
// lowest child with a trainable parameter (or to the first child when the
// input gradient is wanted). It returns the input gradient (in the shared
// buffers when a child computed it), or nil when it is not wanted. It panics
// after an evaluation-mode Forward if it has any child's backward to run:
// that Forward kept nothing for backward (set the Sequential to training
// mode, and the layers that must not be, such as BatchNorm2d, to evaluation
// mode individually).
func (s *Sequential) Backward(dy *tensor.Tensor) *tensor.Tensor {
	lo := s.lowest()
	if s.sharedFwd && lo < len(s.mods) {
		panic("nn: Sequential.Backward after an evaluation-mode Forward: evaluation mode shares the layers' outputs and keeps nothing for backward; call SetTrain(true) before Forward")
	}
	if lo < len(s.mods) {
		s.shared.ensure()
	}
	for i := len(s.mods) - 1; i >= lo; i-- {
		m := s.mods[i]
		switch s.steps[i] {
		case stepReLUDeferred:
			continue
		case stepPoolReLU:
			r := s.mods[i-1].(*ReLU)
			r.SetInputGrad(true)
			dy = r.Backward(dy)
		}
		if ig, ok := m.(InputGrad); ok {
			ig.SetInputGrad(i > lo || s.inputGrad)
		}
		dy = m.Backward(dy)
	}
	if !s.inputGrad {
		return nil
	}
	return dy
}

func anyTrainable(ps []*Param) bool {
	for _, p := range ps {
		if p.RequiresGrad {
			return true
		}
	}
	return false
}

// SetInputGrad sets whether Backward must compute the gradient with respect
// to the input (default false).
func (s *Sequential) SetInputGrad(need bool) { s.inputGrad = need }

// Params returns every child's parameters in order.
func (s *Sequential) Params() []*Param { return s.params }

// Buffers returns every child's buffers in order.
func (s *Sequential) Buffers() []*Buffer { return s.buffers }

// SetTrain sets training mode on every child (and on s: in evaluation mode
// the children's intermediate outputs share two buffers).
func (s *Sequential) SetTrain(train bool) {
	s.eval = !train
	for _, m := range s.mods {
		m.SetTrain(train)
	}
	s.link()
}
