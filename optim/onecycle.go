// This file holds OneCycleLR, the per-batch one-cycle policy of
// torch.optim.lr_scheduler.OneCycleLR, including momentum (beta1) cycling.

package optim

import (
	"fmt"
	"math"
)

// OneCycleConfig holds OneCycleLR's settings; zero fields take PyTorch's
// defaults (PctStart 0.3, DivFactor 25, FinalDivFactor 1e4, BaseMomentum
// 0.85, MaxMomentum 0.95, cosine annealing). Set NoCycleMomentum to leave
// the groups' momentum alone.
type OneCycleConfig struct {
	MaxLR           []float64 // one per group, or one for all
	TotalSteps      int
	PctStart        float64
	Linear          bool // linear instead of cosine annealing
	DivFactor       float64
	FinalDivFactor  float64
	ThreePhase      bool
	NoCycleMomentum bool
	BaseMomentum    float64
	MaxMomentum     float64
}

type phase struct {
	end              float64
	startLR, endLR   int // 0 initial, 1 max, 2 min
	startMom, endMom int // 0 base, 1 max
}

// OneCycleLR is torch.optim.lr_scheduler.OneCycleLR. Call Step after every
// batch; more than TotalSteps steps panic, as in PyTorch.
type OneCycleLR struct {
	base
	cfg    OneCycleConfig
	lrs    [][3]float64 // per group: initial, max, min
	phases []phase
}

// NewOneCycleLR returns the scheduler on o and applies step 0. It sets the
// groups' InitialLR to MaxLR/DivFactor and, unless NoCycleMomentum, their
// Momentum (SGD momentum or Adam beta1) to MaxMomentum.
func NewOneCycleLR(o Optimizer, cfg OneCycleConfig) *OneCycleLR {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&cfg.PctStart, 0.3)
	def(&cfg.DivFactor, 25)
	def(&cfg.FinalDivFactor, 1e4)
	def(&cfg.BaseMomentum, 0.85)
	def(&cfg.MaxMomentum, 0.95)
	gs := o.Groups()
	if cfg.TotalSteps <= 0 || cfg.PctStart < 0 || cfg.PctStart > 1 || (len(cfg.MaxLR) != 1 && len(cfg.MaxLR) != len(gs)) {
		panic(fmt.Sprintf("optim: NewOneCycleLR: total steps %d, pct start %v, %d max lrs for %d groups", cfg.TotalSteps, cfg.PctStart, len(cfg.MaxLR), len(gs)))
	}
	s := &OneCycleLR{cfg: cfg}
	n := float64(cfg.TotalSteps)
	if cfg.ThreePhase {
		s.phases = []phase{
			{cfg.PctStart*n - 1, 0, 1, 1, 0},
			{2*cfg.PctStart*n - 2, 1, 0, 0, 1},
			{n - 1, 0, 2, 1, 1},
		}
	} else {
		s.phases = []phase{
			{cfg.PctStart*n - 1, 0, 1, 1, 0},
			{n - 1, 1, 2, 0, 1},
		}
	}
	for i, g := range gs {
		mx := cfg.MaxLR[0]
		if len(cfg.MaxLR) > 1 {
			mx = cfg.MaxLR[i]
		}
		init := mx / cfg.DivFactor
		g.InitialLR = init
		s.lrs = append(s.lrs, [3]float64{init, mx, init / cfg.FinalDivFactor})
		if !cfg.NoCycleMomentum {
			g.Momentum = cfg.MaxMomentum
		}
	}
	s.base = newBase("OneCycleLR", o)
	s.Step()
	return s
}

func (s *OneCycleLR) anneal(a, b, pct float64) float64 {
	if s.cfg.Linear {
		return (b-a)*pct + a
	}
	return b + (a-b)/2*(math.Cos(math.Pi*pct)+1)
}

// Step advances one batch.
func (s *OneCycleLR) Step() {
	t := s.lastEpoch + 1
	if t > s.cfg.TotalSteps {
		panic(fmt.Sprintf("optim: OneCycleLR: stepped %d times for %d total steps", t, s.cfg.TotalSteps))
	}
	mom := [2]float64{s.cfg.BaseMomentum, s.cfg.MaxMomentum}
	s.advance(func(i int, g *Group) float64 {
		start := 0.0
		for k, ph := range s.phases {
			if float64(t) <= ph.end || k == len(s.phases)-1 {
				pct := (float64(t) - start) / (ph.end - start)
				if !s.cfg.NoCycleMomentum {
					g.Momentum = s.anneal(mom[ph.startMom], mom[ph.endMom], pct)
				}
				return s.anneal(s.lrs[i][ph.startLR], s.lrs[i][ph.endLR], pct)
			}
			start = ph.end
		}
		return g.LR
	})
}
