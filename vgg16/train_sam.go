package vgg16

import (
	"fmt"
	"slices"

	"github.com/gocnn/gocnn/nn"
	"github.com/gocnn/gocnn/tensor"
)

// SAMRho is the neighbourhood radius of sharpness-aware minimisation
// (Foret et al. 2021) when Config.SAM leaves it to the trainer: the paper's
// default for SGD, which the runs measured on the embedded task used too.
const SAMRho = 0.05

// SAMAutoMaxClass is the class size under which Config.SAM's auto setting
// turns sharpness-aware minimisation on: a class this small is seen again
// and again (repeated, or weighted up) and is memorised within an epoch or
// two, which is the failure SAM was measured to prevent.
const SAMAutoMaxClass = 1000

// samNet is what samStep runs the second pass through: the whole model, or
// its head when the steps train on cached backbone features.
type samNet interface {
	Forward(x *tensor.Tensor) *tensor.Tensor
	Backward(dy *tensor.Tensor)
}

// sam is a run's sharpness-aware minimisation: the radius (0: off), why,
// the perturbation per parameter, and the batch-norm layers whose running
// statistics the second pass must leave alone.
type sam struct {
	rho float64
	why string
	e   [][]float32
	bns []*nn.BatchNorm2d
	mom []float64
}

// resolveSAM returns the radius Config.SAM asks for and why: its own value
// when positive, none when negative, and for 0 (auto) SAMRho when some
// class has fewer than SAMAutoMaxClass training images, except for plain
// training (imbalance none) and a frozen backbone (whose head alone
// trains: little to gain and often trained on cached features, where an
// explicit -sam runs the step on the head).
func resolveSAM(cfg Config, counts []int) (float64, string) {
	switch {
	case cfg.SAM > 0:
		return cfg.SAM, "-sam"
	case cfg.SAM < 0:
		return 0, "off (-sam -1)"
	case cfg.Imbalance == "none":
		return 0, "off (auto: plain training with -imbalance none)"
	case cfg.FreezeFeatures:
		return 0, "off (auto: a frozen backbone trains its head on cached features)"
	}
	small := slices.Min(counts)
	if small < SAMAutoMaxClass {
		return SAMRho, fmt.Sprintf("auto: the smallest class has %d training images, under %d", small, SAMAutoMaxClass)
	}
	return 0, fmt.Sprintf("off (auto: every class has %d or more training images)", SAMAutoMaxClass)
}

// setupSAM resolves the radius and, when it is on, allocates the
// perturbation buffers once (a step allocates nothing) and finds the
// batch-norm layers.
func (r *run) setupSAM() {
	r.sam.rho, r.sam.why = resolveSAM(r.cfg, r.td.counts)
	if r.sam.rho == 0 {
		return
	}
	for _, p := range r.model.Params() {
		r.sam.e = append(r.sam.e, make([]float32, len(p.Value.Data())))
	}
	for _, s := range []*nn.Sequential{r.model.Features, r.model.Classifier} {
		for i := 0; i < s.Len(); i++ {
			if bn, ok := s.At(i).(*nn.BatchNorm2d); ok {
				r.sam.bns = append(r.sam.bns, bn)
			}
		}
	}
	r.sam.mom = make([]float64, len(r.sam.bns))
}

// samStep turns the gradients of the batch (x, labels), already computed at
// the weights w with norm r.gradNorm, into those at w + rho·g/|g|, the
// sharpest nearby point: it moves the weights there, runs the batch forward
// and backward again through net (the model, or its head on cached
// features), and moves them back. Batch norm normalises with the batch's
// statistics in both passes, but only the first updates the running
// statistics. The optimizer then steps with the new gradients.
func (r *run) samStep(net samNet, x *tensor.Tensor, labels []int) {
	ps := r.model.Params()
	scale := float32(r.sam.rho / (r.gradNorm + 1e-12))
	for i, p := range ps {
		if !p.RequiresGrad {
			continue
		}
		g, w, e := p.Grad.Data(), p.Value.Data(), r.sam.e[i]
		for k := range w {
			e[k] = scale * g[k]
			w[k] += e[k]
		}
	}
	r.opt.ZeroGrad()
	for i, bn := range r.sam.bns {
		r.sam.mom[i], bn.Momentum = bn.Momentum, 0
	}
	r.loss.forward(net.Forward(x), labels)
	net.Backward(r.loss.backward())
	for i, bn := range r.sam.bns {
		bn.Momentum = r.sam.mom[i]
	}
	for i, p := range ps {
		if !p.RequiresGrad {
			continue
		}
		w, e := p.Value.Data(), r.sam.e[i]
		for k := range w {
			w[k] -= e[k]
		}
	}
}

// headNet runs the classifier alone, for steps on cached features.
type headNet struct{ s *nn.Sequential }

// Forward runs the head.
func (h headNet) Forward(x *tensor.Tensor) *tensor.Tensor { return h.s.Forward(x) }

// Backward runs the head backward; nothing below it wants the gradient.
func (h headNet) Backward(dy *tensor.Tensor) { h.s.Backward(dy) }
