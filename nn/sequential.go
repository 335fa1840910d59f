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
type Sequential struct {
	names     []string
	mods      []Module
	params    []*Param
	buffers   []*Buffer
	inputGrad bool
}

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
	return s
}

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
func (s *Sequential) Forward(x *tensor.Tensor) *tensor.Tensor {
	for _, m := range s.mods {
		x = m.Forward(x)
	}
	return x
}

// Backward runs the children's backward passes in reverse order, down to the
// lowest child with a trainable parameter (or to the first child when the
// input gradient is wanted). It returns the input gradient, or nil when it
// is not wanted.
func (s *Sequential) Backward(dy *tensor.Tensor) *tensor.Tensor {
	lo := 0
	if !s.inputGrad {
		lo = len(s.mods)
		for i, m := range s.mods {
			if anyTrainable(m.Params()) {
				lo = i
				break
			}
		}
	}
	for i := len(s.mods) - 1; i >= lo; i-- {
		m := s.mods[i]
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

// SetTrain sets training mode on every child.
func (s *Sequential) SetTrain(train bool) {
	for _, m := range s.mods {
		m.SetTrain(train)
	}
}
