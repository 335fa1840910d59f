// This file holds the epoch-indexed learning-rate schedulers StepLR,
// CosineAnnealingLR and LinearLR (linear warm-up), and ChainedScheduler.
// They follow PyTorch's chainable (recursive) formulas, reading and writing
// the groups' LR, so that their results agree with PyTorch's to rounding and
// compose as theirs do.

package optim

import (
	"fmt"
	"math"
)

// Scheduler changes the learning rates of an optimizer's groups. As in
// PyTorch, a scheduler sets the epoch-0 rates when it is built; call Step
// after each optimizer epoch (or each batch, for per-batch schedules).
type Scheduler interface {
	Step()
	// LastLR returns the groups' learning rates after the last Step (a slice
	// owned by the scheduler).
	LastLR() []float64
	StateDict() *StateDict
	LoadStateDict(sd *StateDict) error
}

// base holds what every scheduler shares: the groups and the epoch counter.
type base struct {
	kind      string
	groups    []*Group
	lastEpoch int
	last      []float64
}

func newBase(kind string, o Optimizer) base {
	gs := o.Groups()
	for _, g := range gs {
		if g.InitialLR == 0 {
			g.InitialLR = g.LR
		}
	}
	return base{kind: kind, groups: gs, lastEpoch: -1, last: make([]float64, len(gs))}
}

// advance increments the epoch and applies lr(i, group) to every group.
func (b *base) advance(lr func(i int, g *Group) float64) {
	b.lastEpoch++
	for i, g := range b.groups {
		g.LR = lr(i, g)
		b.last[i] = g.LR
	}
}

func (b *base) LastLR() []float64 { return b.last }

func (b *base) StateDict() *StateDict {
	sd := newStateDict(b.kind)
	sd.Scalars["last_epoch"] = float64(b.lastEpoch)
	return sd
}

func (b *base) LoadStateDict(sd *StateDict) error {
	if err := checkKind(sd, b.kind); err != nil {
		return err
	}
	e, err := sd.scalar("last_epoch")
	if err != nil {
		return err
	}
	b.lastEpoch = int(e)
	for i, g := range b.groups {
		b.last[i] = g.LR
	}
	return nil
}

// StepLR is torch.optim.lr_scheduler.StepLR: every StepSize epochs the rate
// is multiplied by Gamma.
type StepLR struct {
	base
	StepSize int
	Gamma    float64
}

// NewStepLR returns a StepLR on o and applies epoch 0.
func NewStepLR(o Optimizer, stepSize int, gamma float64) *StepLR {
	if stepSize <= 0 {
		panic(fmt.Sprintf("optim: NewStepLR: step size %d, want > 0", stepSize))
	}
	s := &StepLR{base: newBase("StepLR", o), StepSize: stepSize, Gamma: gamma}
	s.Step()
	return s
}

// Step advances one epoch.
func (s *StepLR) Step() {
	s.advance(func(_ int, g *Group) float64 {
		if s.lastEpoch == 0 || s.lastEpoch%s.StepSize != 0 {
			return g.LR
		}
		return g.LR * s.Gamma
	})
}

// CosineAnnealingLR is torch.optim.lr_scheduler.CosineAnnealingLR:
// lr_t = eta_min + (lr_0 - eta_min)(1 + cos(π t/T_max))/2, computed
// recursively as PyTorch does (and continuing periodically past T_max).
type CosineAnnealingLR struct {
	base
	TMax   int
	EtaMin float64
}

// NewCosineAnnealingLR returns the scheduler on o and applies epoch 0.
func NewCosineAnnealingLR(o Optimizer, tMax int, etaMin float64) *CosineAnnealingLR {
	if tMax <= 0 {
		panic(fmt.Sprintf("optim: NewCosineAnnealingLR: T_max %d, want > 0", tMax))
	}
	s := &CosineAnnealingLR{base: newBase("CosineAnnealingLR", o), TMax: tMax, EtaMin: etaMin}
	s.Step()
	return s
}

// Step advances one epoch.
func (s *CosineAnnealingLR) Step() {
	t, tm, em := s.lastEpoch+1, float64(s.TMax), s.EtaMin
	s.advance(func(_ int, g *Group) float64 {
		switch {
		case t == 0:
			return g.LR
		case (t-1-s.TMax)%(2*s.TMax) == 0:
			return g.LR + (g.InitialLR-em)*(1-math.Cos(math.Pi/tm))/2
		}
		return (1+math.Cos(math.Pi*float64(t)/tm))/(1+math.Cos(math.Pi*float64(t-1)/tm))*(g.LR-em) + em
	})
}

// LinearLR is torch.optim.lr_scheduler.LinearLR, the usual linear warm-up:
// the rate's factor moves linearly from StartFactor to EndFactor over
// TotalIters steps and then stays.
type LinearLR struct {
	base
	StartFactor, EndFactor float64
	TotalIters             int
}

// NewLinearLR returns the scheduler on o and applies epoch 0 (the rate
// becomes lr*startFactor). PyTorch's defaults are 1/3, 1 and 5.
func NewLinearLR(o Optimizer, startFactor, endFactor float64, totalIters int) *LinearLR {
	if startFactor <= 0 || startFactor > 1 || endFactor < 0 || endFactor > 1 || totalIters <= 0 {
		panic(fmt.Sprintf("optim: NewLinearLR: start factor %v, end factor %v, total iters %d (want factors in (0,1] and [0,1], iters > 0)", startFactor, endFactor, totalIters))
	}
	s := &LinearLR{base: newBase("LinearLR", o), StartFactor: startFactor, EndFactor: endFactor, TotalIters: totalIters}
	s.Step()
	return s
}

// NewWarmup is NewLinearLR(o, startFactor, 1, iters): a linear warm-up from
// lr*startFactor to lr over iters steps.
func NewWarmup(o Optimizer, startFactor float64, iters int) *LinearLR {
	return NewLinearLR(o, startFactor, 1, iters)
}

// Step advances one epoch (or batch).
func (s *LinearLR) Step() {
	t := s.lastEpoch + 1
	sf, ef, n := s.StartFactor, s.EndFactor, float64(s.TotalIters)
	s.advance(func(_ int, g *Group) float64 {
		switch {
		case t == 0:
			return g.LR * sf
		case t > s.TotalIters:
			return g.LR
		}
		return g.LR * (1 + (ef-sf)/(n*sf+float64(t-1)*(ef-sf)))
	})
}

// ChainedScheduler is torch.optim.lr_scheduler.ChainedScheduler: Step steps
// every scheduler in turn, so their chainable factors multiply (a warm-up
// chained with a cosine schedule, for instance).
type ChainedScheduler struct {
	scheds []Scheduler
}

// NewChained chains schedulers built on the same optimizer.
func NewChained(scheds ...Scheduler) *ChainedScheduler { return &ChainedScheduler{scheds: scheds} }

// Step steps every scheduler.
func (c *ChainedScheduler) Step() {
	for _, s := range c.scheds {
		s.Step()
	}
}

// LastLR returns the last scheduler's rates.
func (c *ChainedScheduler) LastLR() []float64 { return c.scheds[len(c.scheds)-1].LastLR() }

// StateDict returns each scheduler's state under "<index>.<key>".
func (c *ChainedScheduler) StateDict() *StateDict {
	sd := newStateDict("ChainedScheduler")
	for i, s := range c.scheds {
		sub := s.StateDict()
		sd.Scalars[fmt.Sprintf("%d.kind.%s", i, sub.Kind)] = 1
		for k, v := range sub.Scalars {
			sd.Scalars[fmt.Sprintf("%d.%s", i, k)] = v
		}
	}
	return sd
}

// LoadStateDict restores a state saved by StateDict.
func (c *ChainedScheduler) LoadStateDict(sd *StateDict) error {
	if err := checkKind(sd, "ChainedScheduler"); err != nil {
		return err
	}
	for i, s := range c.scheds {
		kind := s.StateDict().Kind
		if _, ok := sd.Scalars[fmt.Sprintf("%d.kind.%s", i, kind)]; !ok {
			return fmt.Errorf("optim: ChainedScheduler state dict: scheduler %d is not a %s", i, kind)
		}
		sub := newStateDict(kind)
		p := fmt.Sprintf("%d.", i)
		for k, v := range sd.Scalars {
			if len(k) > len(p) && k[:len(p)] == p {
				sub.Scalars[k[len(p):]] = v
			}
		}
		if err := s.LoadStateDict(sub); err != nil {
			return err
		}
	}
	return nil
}
