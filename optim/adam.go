// This file holds Adam (with AMSGrad) and AdamW, as torch.optim.Adam and
// torch.optim.AdamW.

package optim

import (
	"fmt"
	"math"

	"github.com/gocnn/gocnn/kernels"
	"github.com/gocnn/gocnn/tensor"
)

// AdamConfig holds Adam's optimizer-wide settings. Zero Beta1, Beta2 and Eps
// take PyTorch's defaults 0.9, 0.999 and 1e-8.
type AdamConfig struct {
	Beta1, Beta2 float64
	Eps          float64
	AMSGrad      bool
}

func (c *AdamConfig) defaults() {
	if c.Beta1 == 0 {
		c.Beta1 = 0.9
	}
	if c.Beta2 == 0 {
		c.Beta2 = 0.999
	}
	if c.Eps == 0 {
		c.Eps = 1e-8
	}
}

// Adam is torch.optim.Adam, or torch.optim.AdamW when built by NewAdamW. Per
// parameter at step t, with beta1 the group's Momentum:
//
//	Adam:  g += wd*p          AdamW: p *= 1 - lr*wd
//	m = beta1*m + (1-beta1)*g;  v = beta2*v + (1-beta2)*g²
//	p -= lr/(1-beta1^t) * m / (sqrt(v)/sqrt(1-beta2^t) + eps)
//
// (with AMSGrad, v in the last line is the running maximum of v).
type Adam struct {
	cfg       AdamConfig
	decoupled bool
	groups    []*Group
	m, v, vm  [][]*tensor.Tensor // state per group and parameter, allocated up front
	steps     [][]int64          // per-parameter step counts (PyTorch's state["step"])

	r   runner
	cur struct {
		p, g, m, v, vm []float32
		h              kernels.AdamParams
	}
}

// NewAdam returns Adam over groups; state is allocated now.
func NewAdam(groups []*Group, cfg AdamConfig) *Adam { return newAdam("NewAdam", groups, cfg, false) }

// NewAdamW returns AdamW (decoupled weight decay) over groups. PyTorch's
// AdamW default weight decay is 0.01; here it is each group's WeightDecay.
func NewAdamW(groups []*Group, cfg AdamConfig) *Adam { return newAdam("NewAdamW", groups, cfg, true) }

func newAdam(op string, groups []*Group, cfg AdamConfig, decoupled bool) *Adam {
	checkGroups(op, groups)
	cfg.defaults()
	o := &Adam{cfg: cfg, decoupled: decoupled, groups: groups}
	for _, g := range groups {
		if g.Momentum == 0 {
			g.Momentum = cfg.Beta1
		}
		if g.Momentum < 0 || g.Momentum >= 1 || cfg.Beta2 < 0 || cfg.Beta2 >= 1 {
			panic(fmt.Sprintf("optim: %s: betas (%v, %v) out of [0, 1)", op, g.Momentum, cfg.Beta2))
		}
		mk := func() []*tensor.Tensor {
			ts := make([]*tensor.Tensor, len(g.Params))
			for i, p := range g.Params {
				ts[i] = tensor.Zeros(p.Value.Shape()...)
			}
			return ts
		}
		o.m = append(o.m, mk())
		o.v = append(o.v, mk())
		if cfg.AMSGrad {
			o.vm = append(o.vm, mk())
		}
		o.steps = append(o.steps, make([]int64, len(g.Params)))
	}
	o.r.body = func(lo, hi int) {
		c := &o.cur
		var vm []float32
		if c.vm != nil {
			vm = c.vm[lo:hi]
		}
		kernels.AdamStep(c.p[lo:hi], c.g[lo:hi], c.m[lo:hi], c.v[lo:hi], vm, c.h)
	}
	o.r.fn = o.r.body
	return o
}

func (o *Adam) kind() string {
	if o.decoupled {
		return "AdamW"
	}
	return "Adam"
}

// Step updates every parameter with RequiresGrad set.
func (o *Adam) Step() {
	for gi, g := range o.groups {
		b1, b2 := g.Momentum, o.cfg.Beta2
		for i, p := range g.Params {
			if !p.RequiresGrad {
				continue
			}
			o.steps[gi][i]++
			t := float64(o.steps[gi][i])
			bc1 := 1 - math.Pow(b1, t)
			bc2 := 1 - math.Pow(b2, t)
			c := &o.cur
			c.p, c.g, c.m, c.v, c.vm = p.Value.Data(), p.Grad.Data(), o.m[gi][i].Data(), o.v[gi][i].Data(), nil
			if o.cfg.AMSGrad {
				c.vm = o.vm[gi][i].Data()
			}
			c.h = kernels.AdamParams{
				LR: float32(g.LR), Beta1: float32(b1), Beta2: float32(b2), Eps: float32(o.cfg.Eps),
				WeightDecay: float32(g.WeightDecay), StepSize: float32(g.LR / bc1), BC2Sqrt: float32(math.Sqrt(bc2)),
				Decoupled: o.decoupled, Decay: float32(1 - g.LR*g.WeightDecay), AMSGrad: o.cfg.AMSGrad,
			}
			o.r.run(len(c.p))
		}
	}
	c := &o.cur
	c.p, c.g, c.m, c.v, c.vm = nil, nil, nil, nil, nil
}

// ZeroGrad zeroes every gradient of the groups.
func (o *Adam) ZeroGrad() { zeroGrads(o.groups) }

// Groups returns the parameter groups; schedulers change their LR.
func (o *Adam) Groups() []*Group { return o.groups }

// StateDict returns the group settings and, per parameter that has taken a
// step, "step/<param>", "exp_avg/<param>", "exp_avg_sq/<param>" and with
// AMSGrad "max_exp_avg_sq/<param>".
func (o *Adam) StateDict() *StateDict {
	sd := newStateDict(o.kind())
	saveGroups(sd, o.groups)
	for gi, g := range o.groups {
		for i, p := range g.Params {
			if o.steps[gi][i] == 0 {
				continue
			}
			sd.Scalars["step/"+p.Name] = float64(o.steps[gi][i])
			sd.Tensors["exp_avg/"+p.Name] = o.m[gi][i].Clone()
			sd.Tensors["exp_avg_sq/"+p.Name] = o.v[gi][i].Clone()
			if o.cfg.AMSGrad {
				sd.Tensors["max_exp_avg_sq/"+p.Name] = o.vm[gi][i].Clone()
			}
		}
	}
	return sd
}

// LoadStateDict restores a state saved by StateDict from the same kind of
// optimizer over the same parameters.
func (o *Adam) LoadStateDict(sd *StateDict) error {
	if err := checkKind(sd, o.kind()); err != nil {
		return err
	}
	if err := loadGroups(sd, o.groups); err != nil {
		return err
	}
	for gi, g := range o.groups {
		for i, p := range g.Params {
			st, ok := sd.Scalars["step/"+p.Name]
			if !ok {
				o.steps[gi][i] = 0
				o.m[gi][i].Zero()
				o.v[gi][i].Zero()
				if o.cfg.AMSGrad {
					o.vm[gi][i].Zero()
				}
				continue
			}
			o.steps[gi][i] = int64(st)
			if err := sd.loadTensor("exp_avg/"+p.Name, o.m[gi][i]); err != nil {
				return err
			}
			if err := sd.loadTensor("exp_avg_sq/"+p.Name, o.v[gi][i]); err != nil {
				return err
			}
			if o.cfg.AMSGrad {
				if err := sd.loadTensor("max_exp_avg_sq/"+p.Name, o.vm[gi][i]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
