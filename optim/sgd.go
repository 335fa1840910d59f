// This file holds SGD with momentum, dampening, Nesterov momentum and weight
// decay, as torch.optim.SGD.

package optim

import (
	"fmt"

	"github.com/gocnn/gocnn/kernels"
	"github.com/gocnn/gocnn/tensor"
)

// SGDConfig holds SGD's optimizer-wide settings (torch.optim.SGD's
// arguments other than lr and weight_decay, which are per group).
type SGDConfig struct {
	Momentum  float64 // used by groups whose Momentum is zero
	Dampening float64
	Nesterov  bool
}

// SGD is torch.optim.SGD. Per parameter, with g its gradient:
//
//	d = g + wd*p; buf = d (first step) or momentum*buf + (1-dampening)*d
//	d = d + momentum*buf (Nesterov) or buf;  p -= lr*d
type SGD struct {
	cfg     SGDConfig
	groups  []*Group
	buf     [][]*tensor.Tensor // momentum buffers per group and parameter, allocated up front
	started [][]bool           // whether a parameter's buffer holds a value (PyTorch's lazy state)

	r   runner
	cur struct {
		p, g, b []float32
		h       kernels.SGDParams
	}
}

// NewSGD returns SGD over groups. Momentum buffers are allocated now, so
// Step allocates nothing. It panics if Nesterov is set without momentum or
// with dampening, as PyTorch does.
func NewSGD(groups []*Group, cfg SGDConfig) *SGD {
	checkGroups("NewSGD", groups)
	o := &SGD{cfg: cfg, groups: groups}
	for _, g := range groups {
		if g.Momentum == 0 {
			g.Momentum = cfg.Momentum
		}
		if cfg.Nesterov && (g.Momentum <= 0 || cfg.Dampening != 0) {
			panic(fmt.Sprintf("optim: NewSGD: Nesterov momentum requires a momentum and zero dampening (group %q momentum %v dampening %v)", g.Name, g.Momentum, cfg.Dampening))
		}
		bs := make([]*tensor.Tensor, len(g.Params))
		for i, p := range g.Params {
			bs[i] = tensor.Zeros(p.Value.Shape()...)
		}
		o.buf = append(o.buf, bs)
		o.started = append(o.started, make([]bool, len(g.Params)))
	}
	o.r.body = func(lo, hi int) {
		c := &o.cur
		var b []float32
		if c.b != nil {
			b = c.b[lo:hi]
		}
		kernels.SGDStep(c.p[lo:hi], c.g[lo:hi], b, c.h)
	}
	o.r.fn = o.r.body
	return o
}

// Step updates every parameter with RequiresGrad set.
func (o *SGD) Step() {
	for gi, g := range o.groups {
		for i, p := range g.Params {
			if !p.RequiresGrad {
				continue
			}
			c := &o.cur
			c.p, c.g, c.b = p.Value.Data(), p.Grad.Data(), nil
			c.h = kernels.SGDParams{
				LR: float32(g.LR), Momentum: float32(g.Momentum), Dampening: float32(o.cfg.Dampening),
				WeightDecay: float32(g.WeightDecay), Nesterov: o.cfg.Nesterov,
			}
			if g.Momentum != 0 {
				c.b = o.buf[gi][i].Data()
				c.h.First = !o.started[gi][i]
				o.started[gi][i] = true
			}
			o.r.run(len(c.p))
		}
	}
	o.cur.p, o.cur.g, o.cur.b = nil, nil, nil
}

// ZeroGrad zeroes every gradient of the groups.
func (o *SGD) ZeroGrad() { zeroGrads(o.groups) }

// Groups returns the parameter groups; schedulers change their LR.
func (o *SGD) Groups() []*Group { return o.groups }

// StateDict returns the group settings and the momentum buffers that hold a
// value ("momentum_buffer/<param>").
func (o *SGD) StateDict() *StateDict {
	sd := newStateDict("SGD")
	saveGroups(sd, o.groups)
	for gi, g := range o.groups {
		for i, p := range g.Params {
			if o.started[gi][i] {
				sd.Tensors["momentum_buffer/"+p.Name] = o.buf[gi][i].Clone()
			}
		}
	}
	return sd
}

// LoadStateDict restores a state saved by StateDict from an SGD over the same
// parameters.
func (o *SGD) LoadStateDict(sd *StateDict) error {
	if err := checkKind(sd, "SGD"); err != nil {
		return err
	}
	if err := loadGroups(sd, o.groups); err != nil {
		return err
	}
	for gi, g := range o.groups {
		for i, p := range g.Params {
			key := "momentum_buffer/" + p.Name
			o.started[gi][i] = false
			if _, ok := sd.Tensors[key]; ok {
				if err := sd.loadTensor(key, o.buf[gi][i]); err != nil {
					return err
				}
				o.started[gi][i] = true
			}
		}
	}
	return nil
}
