// This file replays the 50-step PyTorch trajectories that
// testdata/gen_golden.py writes, for every optimizer and scheduler.

package optim

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/gocnn/gocnn/nn"
	"github.com/gocnn/gocnn/tensor"
)

type goldenSet struct {
	Arrays map[string]struct {
		Offset int   `json:"offset"`
		Shape  []int `json:"shape"`
	} `json:"arrays"`
	data []float32
}

func loadGolden(t *testing.T) *goldenSet {
	t.Helper()
	js, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatalf("golden files: %v (regenerate with /usr/bin/python3 optim/testdata/gen_golden.py optim/testdata)", err)
	}
	g := &goldenSet{}
	if err := json.Unmarshal(js, g); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("testdata/golden.bin")
	if err != nil {
		t.Fatal(err)
	}
	g.data = make([]float32, len(raw)/4)
	for i := range g.data {
		g.data[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return g
}

func (g *goldenSet) get(t *testing.T, name string) *tensor.Tensor {
	t.Helper()
	a, ok := g.Arrays[name]
	if !ok {
		t.Fatalf("golden array %q missing", name)
	}
	n := 1
	for _, d := range a.Shape {
		n *= d
	}
	return tensor.FromSlice(g.data[a.Offset:a.Offset+n], a.Shape...)
}

// problem is the quadratic Σ ½·a·p² + b·p of the golden script.
type problem struct {
	p0, p1         *nn.Param
	a0, a1, b0, b1 []float32
	metrics        []float32
}

func newProblem(t *testing.T, g *goldenSet) *problem {
	return &problem{
		p0: nn.NewParam("p0", g.get(t, "init/p0")), p1: nn.NewParam("p1", g.get(t, "init/p1")),
		a0: g.get(t, "init/a0").Data(), a1: g.get(t, "init/a1").Data(),
		b0: g.get(t, "init/b0").Data(), b1: g.get(t, "init/b1").Data(),
		metrics: g.get(t, "init/metrics").Data(),
	}
}

func (q *problem) grads() {
	for _, x := range []struct {
		p    *nn.Param
		a, b []float32
	}{{q.p0, q.a0, q.b0}, {q.p1, q.a1, q.b1}} {
		v, gr := x.p.Value.Data(), x.p.Grad.Data()
		for i := range v {
			gr[i] = x.a[i]*v[i] + x.b[i]
		}
	}
}

// goldenCase builds the optimizer and scheduler of one golden case.
type goldenCase struct {
	name  string
	opt   func(q *problem) Optimizer
	sched func(o Optimizer) Scheduler
	clip  float64
	plat  func(o Optimizer) *ReduceLROnPlateau
}

func one(q *problem, lr, wd float64) []*Group { return ParamsOf([]*nn.Param{q.p0, q.p1}, lr, wd) }

func two(q *problem, lr0, wd0, lr1, wd1 float64) []*Group {
	return []*Group{
		{Name: "a", Params: []*nn.Param{q.p0}, LR: lr0, WeightDecay: wd0},
		{Name: "b", Params: []*nn.Param{q.p1}, LR: lr1, WeightDecay: wd1},
	}
}

var goldenCases = []goldenCase{
	{name: "sgd", opt: func(q *problem) Optimizer { return NewSGD(one(q, 0.1, 0), SGDConfig{}) }},
	{name: "sgd_momentum", opt: func(q *problem) Optimizer {
		return NewSGD(one(q, 0.05, 1e-2), SGDConfig{Momentum: 0.9, Dampening: 0.1})
	}},
	{name: "sgd_nesterov", opt: func(q *problem) Optimizer {
		return NewSGD(one(q, 0.05, 1e-3), SGDConfig{Momentum: 0.9, Nesterov: true})
	}},
	{name: "sgd_clip", clip: 1, opt: func(q *problem) Optimizer { return NewSGD(one(q, 0.1, 0), SGDConfig{Momentum: 0.5}) }},
	{name: "adam", opt: func(q *problem) Optimizer { return NewAdam(one(q, 1e-2, 0), AdamConfig{}) }},
	{name: "adam_amsgrad_wd", opt: func(q *problem) Optimizer {
		return NewAdam(one(q, 2e-2, 1e-2), AdamConfig{Beta1: 0.8, Beta2: 0.99, Eps: 1e-6, AMSGrad: true})
	}},
	{name: "adamw", opt: func(q *problem) Optimizer { return NewAdamW(one(q, 1e-2, 0.1), AdamConfig{}) }},
	{name: "adamw_groups", opt: func(q *problem) Optimizer { return NewAdamW(two(q, 3e-2, 0, 1e-2, 0.05), AdamConfig{}) }},
	{name: "steplr", opt: func(q *problem) Optimizer { return NewSGD(one(q, 0.1, 0), SGDConfig{Momentum: 0.9}) },
		sched: func(o Optimizer) Scheduler { return NewStepLR(o, 10, 0.5) }},
	{name: "cosine", opt: func(q *problem) Optimizer { return NewAdam(one(q, 5e-2, 0), AdamConfig{}) },
		sched: func(o Optimizer) Scheduler { return NewCosineAnnealingLR(o, 20, 1e-4) }},
	{name: "onecycle_sgd", opt: func(q *problem) Optimizer { return NewSGD(one(q, 0.1, 0), SGDConfig{Momentum: 0.9}) },
		sched: func(o Optimizer) Scheduler {
			return NewOneCycleLR(o, OneCycleConfig{MaxLR: []float64{0.1}, TotalSteps: 50})
		}},
	{name: "onecycle_adam", opt: func(q *problem) Optimizer { return NewAdam(one(q, 0.1, 0), AdamConfig{}) },
		sched: func(o Optimizer) Scheduler {
			return NewOneCycleLR(o, OneCycleConfig{MaxLR: []float64{0.05}, TotalSteps: 50, PctStart: 0.25, Linear: true, ThreePhase: true})
		}},
	{name: "warmup", opt: func(q *problem) Optimizer { return NewAdamW(one(q, 2e-2, 1e-2), AdamConfig{}) },
		sched: func(o Optimizer) Scheduler { return NewWarmup(o, 0.1, 10) }},
	{name: "warmup_cosine", opt: func(q *problem) Optimizer { return NewSGD(two(q, 0.1, 0, 0.05, 0), SGDConfig{Momentum: 0.9}) },
		sched: func(o Optimizer) Scheduler {
			return NewChained(NewLinearLR(o, 0.25, 1, 5), NewCosineAnnealingLR(o, 30, 0))
		}},
	{name: "plateau", opt: func(q *problem) Optimizer { return NewSGD(one(q, 0.1, 0), SGDConfig{}) },
		plat: func(o Optimizer) *ReduceLROnPlateau {
			return NewReduceLROnPlateau(o, PlateauConfig{Factor: 0.5, Patience: 2, Cooldown: 1})
		}},
}

// checkRow compares got with row i of want (shape [steps, ...]) normwise.
func checkRow(t *testing.T, what string, step int, got []float32, want *tensor.Tensor) {
	t.Helper()
	n := len(got)
	w := want.Data()[step*n : (step+1)*n]
	scale, worst := 1e-30, 0.0
	for i := range w {
		scale = math.Max(scale, math.Abs(float64(w[i])))
		worst = math.Max(worst, math.Abs(float64(got[i])-float64(w[i])))
	}
	if !(worst <= 1e-5*scale) {
		t.Fatalf("%s after step %d: error %.3g relative %.3g (got %v want %v)", what, step+1, worst, worst/scale, got, w)
	}
}

func TestGoldenTrajectories(t *testing.T) {
	g := loadGolden(t)
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			q := newProblem(t, g)
			o := c.opt(q)
			var s Scheduler
			var pl *ReduceLROnPlateau
			if c.sched != nil {
				s = c.sched(o)
			}
			if c.plat != nil {
				pl = c.plat(o)
			}
			wantLR := g.get(t, c.name+"/lr")
			w0, w1 := g.get(t, c.name+"/p0"), g.get(t, c.name+"/p1")
			lrs := make([]float32, len(o.Groups()))
			for step := 0; step < 50; step++ {
				o.ZeroGrad()
				q.grads()
				if c.clip > 0 {
					ClipGradNorm([]*nn.Param{q.p0, q.p1}, c.clip)
				}
				o.Step()
				if s != nil {
					s.Step()
				}
				if pl != nil {
					pl.Step(float64(q.metrics[step]))
				}
				for i, gr := range o.Groups() {
					lrs[i] = float32(gr.LR)
				}
				checkRow(t, "lr", step, lrs, wantLR)
				checkRow(t, "p0", step, q.p0.Value.Data(), w0)
				checkRow(t, "p1", step, q.p1.Value.Data(), w1)
			}
		})
	}
}

// TestResumeExactly stops each golden case at step 20, saves optimizer and
// scheduler state, rebuilds both from scratch, loads the state and checks
// that the remaining 30 steps give the same bits as an uninterrupted run.
func TestResumeExactly(t *testing.T) {
	g := loadGolden(t)
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			run := func(stopAt int) []float32 {
				q := newProblem(t, g)
				o := c.opt(q)
				var s Scheduler
				var pl *ReduceLROnPlateau
				mk := func(o Optimizer) {
					if c.sched != nil {
						s = c.sched(o)
					}
					if c.plat != nil {
						pl = c.plat(o)
					}
				}
				mk(o)
				for step := 0; step < 50; step++ {
					if step == stopAt {
						osd := o.StateDict()
						var ssd, psd *StateDict
						if s != nil {
							ssd = s.StateDict()
						}
						if pl != nil {
							psd = pl.StateDict()
						}
						p0, p1 := q.p0.Value.Clone(), q.p1.Value.Clone()
						q = newProblem(t, g)
						q.p0.Value.CopyFrom(p0)
						q.p1.Value.CopyFrom(p1)
						o = c.opt(q)
						mk(o)
						if err := o.LoadStateDict(osd); err != nil {
							t.Fatal(err)
						}
						if s != nil {
							if err := s.LoadStateDict(ssd); err != nil {
								t.Fatal(err)
							}
						}
						if pl != nil {
							if err := pl.LoadStateDict(psd); err != nil {
								t.Fatal(err)
							}
						}
					}
					o.ZeroGrad()
					q.grads()
					if c.clip > 0 {
						ClipGradNorm([]*nn.Param{q.p0, q.p1}, c.clip)
					}
					o.Step()
					if s != nil {
						s.Step()
					}
					if pl != nil {
						pl.Step(float64(q.metrics[step]))
					}
				}
				return append(q.p0.Value.Values(), q.p1.Value.Values()...)
			}
			a, b := run(-1), run(20)
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("resumed run differs at %d: %v vs %v", i, b[i], a[i])
				}
			}
		})
	}
}
