// This file defines what the optimizers share: parameter groups, the
// Optimizer interface, the serialisable StateDict, and the parallel driver
// that runs a fused kernel over a parameter without allocating.

package optim

import (
	"fmt"

	"github.com/gocnn/gocnn/kernels"
	"github.com/gocnn/gocnn/nn"
	"github.com/gocnn/gocnn/tensor"
)

// Group is a named set of parameters with its own hyper-parameters, as a
// PyTorch param_group. Schedulers change LR (and Momentum when they cycle
// it) between steps.
type Group struct {
	Name        string
	Params      []*nn.Param
	LR          float64
	WeightDecay float64
	// Momentum is SGD's momentum or Adam's beta1. Constructors fill it from
	// their config when it is zero; OneCycleLR cycles it.
	Momentum float64
	// InitialLR is the learning rate schedulers start from (PyTorch's
	// initial_lr); the first scheduler built on the optimizer sets it to LR
	// when it is zero.
	InitialLR float64
}

// Optimizer updates parameters from their gradients. Step skips parameters
// with RequiresGrad false. Step and ZeroGrad allocate nothing.
type Optimizer interface {
	Step()
	ZeroGrad()
	Groups() []*Group
	StateDict() *StateDict
	LoadStateDict(sd *StateDict) error
}

// StateDict is the resumable state of an optimizer or scheduler: numbers and
// tensors by key. Optimizer keys are "<state>/<param name>" for per-parameter
// tensors ("exp_avg/features.0.weight") and "group.<i>.<field>" for groups.
// Tensors are copies, safe to keep after further steps.
type StateDict struct {
	Kind    string
	Scalars map[string]float64
	Tensors map[string]*tensor.Tensor
}

func newStateDict(kind string) *StateDict {
	return &StateDict{Kind: kind, Scalars: map[string]float64{}, Tensors: map[string]*tensor.Tensor{}}
}

func (sd *StateDict) scalar(key string) (float64, error) {
	v, ok := sd.Scalars[key]
	if !ok {
		return 0, fmt.Errorf("optim: %s state dict: missing %q", sd.Kind, key)
	}
	return v, nil
}

func (sd *StateDict) loadTensor(key string, dst *tensor.Tensor) error {
	src, ok := sd.Tensors[key]
	if !ok {
		return fmt.Errorf("optim: %s state dict: missing tensor %q", sd.Kind, key)
	}
	if !src.SameShape(dst) {
		return fmt.Errorf("optim: %s state dict: %q has shape %v, parameter has %v", sd.Kind, key, src.Shape(), dst.Shape())
	}
	dst.CopyFrom(src)
	return nil
}

func checkKind(sd *StateDict, kind string) error {
	if sd == nil {
		return fmt.Errorf("optim: nil %s state dict", kind)
	}
	if sd.Kind != kind {
		return fmt.Errorf("optim: state dict is for %q, not %q", sd.Kind, kind)
	}
	return nil
}

// saveGroups and loadGroups store the groups' hyper-parameters.
func saveGroups(sd *StateDict, gs []*Group) {
	sd.Scalars["groups"] = float64(len(gs))
	for i, g := range gs {
		p := fmt.Sprintf("group.%d.", i)
		sd.Scalars[p+"lr"] = g.LR
		sd.Scalars[p+"weight_decay"] = g.WeightDecay
		sd.Scalars[p+"momentum"] = g.Momentum
		sd.Scalars[p+"initial_lr"] = g.InitialLR
	}
}

func loadGroups(sd *StateDict, gs []*Group) error {
	n, err := sd.scalar("groups")
	if err != nil {
		return err
	}
	if int(n) != len(gs) {
		return fmt.Errorf("optim: %s state dict has %d parameter groups, optimizer has %d", sd.Kind, int(n), len(gs))
	}
	for i, g := range gs {
		p := fmt.Sprintf("group.%d.", i)
		vals := make([]float64, 4)
		for j, k := range []string{"lr", "weight_decay", "momentum", "initial_lr"} {
			if vals[j], err = sd.scalar(p + k); err != nil {
				return err
			}
		}
		g.LR, g.WeightDecay, g.Momentum, g.InitialLR = vals[0], vals[1], vals[2], vals[3]
	}
	return nil
}

// checkGroups panics on an empty group list, a nil parameter or a parameter
// listed twice.
func checkGroups(op string, gs []*Group) {
	if len(gs) == 0 {
		panic(fmt.Sprintf("optim: %s: no parameter groups", op))
	}
	seen := map[*nn.Param]bool{}
	for i, g := range gs {
		for _, p := range g.Params {
			if p == nil || p.Value == nil || p.Grad == nil {
				panic(fmt.Sprintf("optim: %s: group %d (%q) has a nil parameter or gradient", op, i, g.Name))
			}
			if seen[p] {
				panic(fmt.Sprintf("optim: %s: parameter %q is in more than one group", op, p.Name))
			}
			seen[p] = true
		}
	}
}

// zeroGrads zeroes every gradient in gs.
func zeroGrads(gs []*Group) {
	for _, g := range gs {
		for _, p := range g.Params {
			clear(p.Grad.Data())
		}
	}
}

// grain is the smallest chunk of a parameter one worker updates; smaller
// parameters are updated serially (a fused update is memory-bound).
const grain = 1 << 15

// runner runs a fused update over a parameter in parallel chunks. Its fn is
// bound once, so that ParallelFor gets the same func value every step and
// nothing is allocated.
type runner struct {
	fn   func(lo, hi int)
	body func(lo, hi int) // set by the optimizer: updates elements [lo, hi) of cur
}

func (r *runner) run(n int) {
	if n <= grain {
		r.body(0, n)
		return
	}
	kernels.ParallelFor(n, grain, r.fn)
}

// ParamsOf returns a single group holding ps with the given lr and weight
// decay, for the common one-group case.
func ParamsOf(ps []*nn.Param, lr, weightDecay float64) []*Group {
	return []*Group{{Name: "default", Params: ps, LR: lr, WeightDecay: weightDecay}}
}
