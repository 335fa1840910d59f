// This file holds ReduceLROnPlateau, which lowers the learning rate when a
// monitored metric stops improving, as torch.optim.lr_scheduler's.

package optim

import (
	"fmt"
	"math"
)

// PlateauConfig holds ReduceLROnPlateau's settings; zero Factor, Patience
// and Threshold take PyTorch's defaults 0.1, 10 and 1e-4 (set Patience to
// -1 for zero patience), and Eps defaults to 1e-8.
type PlateauConfig struct {
	Max          bool // the metric should increase (mode "max")
	Factor       float64
	Patience     int
	Threshold    float64
	AbsThreshold bool // threshold_mode "abs" instead of "rel"
	Cooldown     int
	MinLR        []float64 // one per group, or one for all; nil means 0
	Eps          float64
}

// ReduceLROnPlateau is torch.optim.lr_scheduler.ReduceLROnPlateau. It is not
// a Scheduler: its Step takes the metric.
type ReduceLROnPlateau struct {
	cfg       PlateauConfig
	groups    []*Group
	best      float64
	bad       int
	cooldown  int
	lastEpoch int
	last      []float64
}

// NewReduceLROnPlateau returns the scheduler on o.
func NewReduceLROnPlateau(o Optimizer, cfg PlateauConfig) *ReduceLROnPlateau {
	if cfg.Factor == 0 {
		cfg.Factor = 0.1
	}
	switch {
	case cfg.Patience == 0:
		cfg.Patience = 10
	case cfg.Patience < 0:
		cfg.Patience = 0
	}
	if cfg.Threshold == 0 {
		cfg.Threshold = 1e-4
	}
	if cfg.Eps == 0 {
		cfg.Eps = 1e-8
	}
	gs := o.Groups()
	if cfg.Factor >= 1 || (cfg.MinLR != nil && len(cfg.MinLR) != 1 && len(cfg.MinLR) != len(gs)) {
		panic(fmt.Sprintf("optim: NewReduceLROnPlateau: factor %v (want < 1), %d min lrs for %d groups", cfg.Factor, len(cfg.MinLR), len(gs)))
	}
	s := &ReduceLROnPlateau{cfg: cfg, groups: gs, last: make([]float64, len(gs))}
	s.reset()
	for i, g := range gs {
		s.last[i] = g.LR
	}
	return s
}

func (s *ReduceLROnPlateau) reset() {
	s.best = math.Inf(1)
	if s.cfg.Max {
		s.best = math.Inf(-1)
	}
	s.bad, s.cooldown, s.lastEpoch = 0, 0, 0
}

func (s *ReduceLROnPlateau) better(a float64) bool {
	t, b := s.cfg.Threshold, s.best
	switch {
	case !s.cfg.Max && !s.cfg.AbsThreshold:
		return a < b*(1-t)
	case !s.cfg.Max:
		return a < b-t
	case !s.cfg.AbsThreshold:
		return a > b*(1+t)
	}
	return a > b+t
}

// Step records the epoch's metric and lowers the rates after more than
// Patience epochs without improvement.
func (s *ReduceLROnPlateau) Step(metric float64) {
	s.lastEpoch++
	if s.better(metric) {
		s.best, s.bad = metric, 0
	} else {
		s.bad++
	}
	if s.cooldown > 0 {
		s.cooldown--
		s.bad = 0
	}
	if s.bad > s.cfg.Patience {
		for i, g := range s.groups {
			minLR := 0.0
			if len(s.cfg.MinLR) == 1 {
				minLR = s.cfg.MinLR[0]
			} else if len(s.cfg.MinLR) > 1 {
				minLR = s.cfg.MinLR[i]
			}
			nl := math.Max(g.LR*s.cfg.Factor, minLR)
			if g.LR-nl > s.cfg.Eps {
				g.LR = nl
			}
		}
		s.cooldown, s.bad = s.cfg.Cooldown, 0
	}
	for i, g := range s.groups {
		s.last[i] = g.LR
	}
}

// LastLR returns the groups' rates after the last Step.
func (s *ReduceLROnPlateau) LastLR() []float64 { return s.last }

// StateDict returns the counters and the best metric.
func (s *ReduceLROnPlateau) StateDict() *StateDict {
	sd := newStateDict("ReduceLROnPlateau")
	sd.Scalars["best"] = s.best
	sd.Scalars["num_bad_epochs"] = float64(s.bad)
	sd.Scalars["cooldown_counter"] = float64(s.cooldown)
	sd.Scalars["last_epoch"] = float64(s.lastEpoch)
	return sd
}

// LoadStateDict restores a state saved by StateDict.
func (s *ReduceLROnPlateau) LoadStateDict(sd *StateDict) error {
	if err := checkKind(sd, "ReduceLROnPlateau"); err != nil {
		return err
	}
	var v [4]float64
	for i, k := range []string{"best", "num_bad_epochs", "cooldown_counter", "last_epoch"} {
		x, err := sd.scalar(k)
		if err != nil {
			return err
		}
		v[i] = x
	}
	s.best, s.bad, s.cooldown, s.lastEpoch = v[0], int(v[1]), int(v[2]), int(v[3])
	for i, g := range s.groups {
		s.last[i] = g.LR
	}
	return nil
}
