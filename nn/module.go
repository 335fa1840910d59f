// This file defines what a layer is: the Module interface, named parameters
// and buffers with PyTorch state_dict keys, and the helpers that walk them
// (ZeroGrad, Freeze, Select) without allocating per step.

package nn

import (
	"fmt"
	"strings"

	"github.com/gocnn/gocnn/tensor"
)

// Module is a layer or a container of layers with an explicit backward pass.
//
// Forward returns an output tensor owned by the module: it is valid until the
// next Forward and is overwritten by it. A module allocates its buffers once
// per input shape and reuses them afterwards, so a training step with a
// fixed batch shape allocates nothing.
//
// Backward takes the gradient of the loss with respect to the last Forward's
// output and returns the gradient with respect to its input, accumulating
// parameter gradients into Param.Grad. It may return nil when the input
// gradient was switched off (see InputGrad). A module's Backward may need
// its Forward's input (Conv2d, Linear, BatchNorm2d keep a reference to it):
// the caller keeps that input unchanged until Backward.
//
// Ownership. A module used on its own owns its output and its input
// gradient, and never modifies its input x or its dy. Inside a Sequential
// (any depth of nesting; the root Sequential's tree shares one set of
// buffers) the rules are:
//
//   - Input gradients live in two buffers shared by the whole tree, which
//     layers use in turn: the dx a child returns is valid only until the
//     next child's Backward (or the tree's next Forward or Backward), and
//     the input gradient a Sequential returns is valid until the tree's
//     next Forward or Backward.
//   - A child's Backward may overwrite its dy when dy lies in those shared
//     buffers (ReLU and Dropout mask it in place). A gradient passed in from
//     outside the tree (the loss gradient) is never modified.
//   - A ReLU that follows a Conv2d, BatchNorm2d, Linear, MaxPool2d or
//     AdaptiveAvgPool2d in the same Sequential rectifies that layer's output
//     in place (after a Conv2d, in the convolution's own output pass), so
//     the layer's output tensor, as returned by its Forward, then holds
//     max(0,·). These layers' backward passes do not read their outputs.
//   - Between a Conv2d or BatchNorm2d and a MaxPool2d, a ReLU is applied to
//     the pooled output instead (max and ReLU commute; the gradients are the
//     same bits), and the Conv2d's or BatchNorm2d's output goes to the
//     shared buffers: it is valid only until the pool has read it.
//   - In evaluation mode (SetTrain(false)) a Sequential's children write
//     their outputs into the shared buffers too, in turn, except the output
//     that the Sequential returns, which stays in its child's own buffer.
//     Such a Forward keeps nothing for backward: Backward after it panics.
//     Set the Sequential to training mode and individual layers (such as
//     BatchNorm2d) to evaluation mode to train with frozen statistics.
//   - The caller's input x is never modified.
//
// So a training step keeps one activation per layer that backward reads
// (ReLUs add none) plus two gradient buffers the size of the largest input
// gradient, and an inference pass keeps two buffers the size of the largest
// activation.
//
// Params and Buffers return slices owned by the module, built once: callers
// must not modify them (the *Param values themselves are shared on purpose).
type Module interface {
	Forward(x *tensor.Tensor) *tensor.Tensor
	Backward(dy *tensor.Tensor) *tensor.Tensor
	Params() []*Param
	Buffers() []*Buffer
	SetTrain(train bool)
}

// InputGrad is implemented by modules that can skip computing the gradient
// with respect to their input. Sequential switches it off for the first layer
// that needs backward at all (nothing below it wants a gradient), so that a
// frozen backbone costs no backward work.
type InputGrad interface {
	SetInputGrad(need bool)
}

// Param is a trainable tensor with its gradient. Name is the PyTorch
// state_dict key ("features.0.weight"); containers prefix their children's
// names when the child is added, so build models bottom-up. When RequiresGrad
// is false the owning layer skips the gradient work for it and optimizers skip
// it; Grad keeps its last value.
type Param struct {
	Name         string
	Value        *tensor.Tensor
	Grad         *tensor.Tensor
	RequiresGrad bool
}

// NewParam returns a trainable parameter holding value, with a zeroed
// gradient of the same shape.
func NewParam(name string, value *tensor.Tensor) *Param {
	return &Param{Name: name, Value: value, Grad: tensor.Zeros(value.Shape()...), RequiresGrad: true}
}

// Buffer is non-trainable state saved in a state dict, such as BatchNorm's
// running_mean. Integer buffers (num_batches_tracked) keep their value in Int
// and have a nil Value; PyTorch stores them as int64.
type Buffer struct {
	Name  string
	Value *tensor.Tensor
	Int   *int64
}

// prefix renames params and buffers to name+"."+old, as a container does when
// it adopts a child.
func prefix(name string, ps []*Param, bs []*Buffer) {
	for _, p := range ps {
		p.Name = name + "." + p.Name
	}
	for _, b := range bs {
		b.Name = name + "." + b.Name
	}
}

// ZeroGrad sets every parameter gradient of m to zero. It allocates nothing.
func ZeroGrad(m Module) {
	for _, p := range m.Params() {
		clear(p.Grad.Data())
	}
}

// hasPrefix reports whether name starts with one of prefixes; no prefixes
// matches every name.
func hasPrefix(name string, prefixes []string) bool {
	if len(prefixes) == 0 {
		return true
	}
	for _, s := range prefixes {
		if strings.HasPrefix(name, s) {
			return true
		}
	}
	return false
}

// Freeze sets RequiresGrad=false on m's parameters whose names start with one
// of prefixes (all parameters when none is given) and returns how many it
// changed. Frozen parameters cost no gradient work in their layer, and a
// Sequential skips the backward pass below its lowest trainable layer.
func Freeze(m Module, prefixes ...string) int { return setRequiresGrad(m, false, prefixes) }

// Unfreeze is Freeze's inverse.
func Unfreeze(m Module, prefixes ...string) int { return setRequiresGrad(m, true, prefixes) }

func setRequiresGrad(m Module, v bool, prefixes []string) int {
	n := 0
	for _, p := range m.Params() {
		if hasPrefix(p.Name, prefixes) && p.RequiresGrad != v {
			p.RequiresGrad = v
			n++
		}
	}
	return n
}

// Select returns the parameters of ps whose names start with one of
// prefixes, in order; for building optimizer parameter groups.
func Select(ps []*Param, prefixes ...string) []*Param {
	var out []*Param
	for _, p := range ps {
		if hasPrefix(p.Name, prefixes) {
			out = append(out, p)
		}
	}
	return out
}

// Trainable returns the parameters of ps with RequiresGrad set.
func Trainable(ps []*Param) []*Param {
	var out []*Param
	for _, p := range ps {
		if p.RequiresGrad {
			out = append(out, p)
		}
	}
	return out
}

// StateDict returns m's parameters and floating-point buffers by state_dict
// key (the tensors are shared, not copied) and its integer buffers
// separately.
func StateDict(m Module) (tensors map[string]*tensor.Tensor, ints map[string]int64) {
	tensors, ints = map[string]*tensor.Tensor{}, map[string]int64{}
	for _, p := range m.Params() {
		tensors[p.Name] = p.Value
	}
	for _, b := range m.Buffers() {
		if b.Int != nil {
			ints[b.Name] = *b.Int
		} else {
			tensors[b.Name] = b.Value
		}
	}
	return tensors, ints
}

// LoadStateDict copies tensors (and integer buffers from ints, which may be
// nil) into m's parameters and buffers by key. Every parameter and floating
// buffer must be present with the same shape; keys m does not have are an
// error, as in PyTorch's strict loading. num_batches_tracked missing from
// ints is left unchanged.
func LoadStateDict(m Module, tensors map[string]*tensor.Tensor, ints map[string]int64) error {
	seen := 0
	load := func(name string, dst *tensor.Tensor) error {
		src, ok := tensors[name]
		if !ok {
			return fmt.Errorf("nn: LoadStateDict: missing key %q", name)
		}
		if !src.SameShape(dst) {
			return fmt.Errorf("nn: LoadStateDict: %q has shape %v, model wants %v", name, src.Shape(), dst.Shape())
		}
		dst.CopyFrom(src)
		seen++
		return nil
	}
	for _, p := range m.Params() {
		if err := load(p.Name, p.Value); err != nil {
			return err
		}
	}
	for _, b := range m.Buffers() {
		if b.Int != nil {
			if v, ok := ints[b.Name]; ok {
				*b.Int = v
			}
			continue
		}
		if err := load(b.Name, b.Value); err != nil {
			return err
		}
	}
	if seen != len(tensors) {
		for k := range tensors {
			found := false
			for _, p := range m.Params() {
				found = found || p.Name == k
			}
			for _, b := range m.Buffers() {
				found = found || b.Name == k
			}
			if !found {
				return fmt.Errorf("nn: LoadStateDict: unexpected key %q", k)
			}
		}
	}
	return nil
}
