// This file is the learning-rate range test (Smith 2015, fastai's lr_find):
// train a throwaway copy of the run's model for a few steps while the
// learning rate rises exponentially, and suggest the rate where the loss
// falls fastest.

package vgg16

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"

	"github.com/gocnn/gocnn/kernels"
	"github.com/gocnn/gocnn/nn"
	"github.com/gocnn/gocnn/optim"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// The range test's defaults, fastai's except the end rate (1 rather than
// 10: no optimizer the trainer offers trains a VGG above 1).
const (
	lrFindStart    = 1e-7
	lrFindEnd      = 1.0
	lrFindSteps    = 100
	lrFindBeta     = 0.98 // smoothing of the loss
	lrFindDiverged = 4.0  // stop when the smoothed loss exceeds this multiple of its best
)

// LRFinding is the outcome of a learning-rate range test.
type LRFinding struct {
	LRs      []float64 `json:"lrs"`      // learning rate of each step
	Losses   []float64 `json:"losses"`   // training loss of each step
	Smoothed []float64 `json:"smoothed"` // bias-corrected moving average of Losses (beta 0.98)
	// Suggested is the learning rate to train with, chosen by Rule.
	Suggested float64 `json:"suggested"`
	Rule      string  `json:"rule"`
	MinLR     float64 `json:"min_lr"`   // learning rate at the lowest smoothed loss
	Diverged  bool    `json:"diverged"` // stopped early: the loss ran away or was not finite
	Plot      string  `json:"plot"`     // path of lr_find.png ("" if it could not be drawn)
}

// FindLR runs a learning-rate range test on cfg's data and model: the same
// setup as Train (data, preprocessing, imbalance strategy and loss, optimizer,
// sampler), then cfg.MaxSteps steps (default 100) with the learning rate
// rising exponentially from 1e-7 to 1, stopping when the smoothed loss
// exceeds 4 times its lowest value or is not finite. The suggestion is the
// rate of steepest descent of the smoothed loss against log(lr) before its
// minimum, or the rate at the minimum divided by 10 when the loss does not
// descend. The model is thrown away; FindLR writes lr_find.png to cfg.Out and
// nothing else.
func FindLR(ctx context.Context, cfg Config) (*LRFinding, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.Threads > 0 {
		defer kernels.SetThreads(kernels.SetThreads(cfg.Threads))
	}
	r := &run{cfg: cfg, log: &logger{w: cfg.Log, json: cfg.JSON}, best: -1, thr: 0.5}
	r.bar = newProgress(!cfg.JSON && isTerminal(os.Stderr))
	if err := r.setup(); err != nil {
		return nil, err
	}
	defer r.loader.Close()
	defer r.val.Close()
	steps := cfg.MaxSteps
	if steps == 0 {
		steps = lrFindSteps
	}
	f, err := r.rangeTest(ctx, steps)
	if err != nil {
		return nil, err
	}
	f.Suggested, f.Rule = suggestLR(f.LRs, f.Smoothed)
	stop := ""
	if f.Diverged {
		stop = " (stopped: the loss diverged)"
	}
	minLoss := f.Smoothed[argmin(f.Smoothed)]
	r.log.say("lr range test: %d steps, lr %.0e to %.3g%s; lowest smoothed loss %.4f at lr %.3g",
		len(f.LRs), f.LRs[0], f.LRs[len(f.LRs)-1], stop, minLoss, f.MinLR)
	r.log.say("suggested learning rate: %.3g (%s)", f.Suggested, f.Rule)
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return f, fmt.Errorf("output folder: %w", err)
	}
	path := filepath.Join(cfg.Out, "lr_find.png")
	if p, err := lrFindPlot(f); err != nil {
		r.log.say("warning: lr_find.png: %v", err)
	} else if err := p.Save(plotW, plotH, path); err != nil {
		return f, fmt.Errorf("%s: %w", path, err)
	} else {
		f.Plot = path
		r.log.say("plot: %s", path)
	}
	r.log.event("lr_find", map[string]any{"suggested": f.Suggested, "rule": f.Rule, "min_lr": f.MinLR,
		"diverged": f.Diverged, "steps": len(f.LRs), "plot": f.Plot})
	return f, nil
}

// rangeTest trains steps steps with the rising learning rate.
func (r *run) rangeTest(ctx context.Context, steps int) (*LRFinding, error) {
	f := &LRFinding{}
	r.model.SetTrain(true)
	r.bar.begin("lr range test", steps*r.cfg.Batch)
	defer r.bar.end()
	var avg float64
	best := math.Inf(1)
	for epoch := 0; len(f.LRs) < steps && !f.Diverged; epoch++ {
		r.loader.Start(epoch)
		r.epochPosWeight(epoch) // the training's weights for the sampler's epoch
		batches := 0
		for len(f.LRs) < steps && r.loader.Next() {
			batches++
			i := len(f.LRs)
			lr := lrFindStart * math.Pow(lrFindEnd/lrFindStart, float64(i)/float64(max(steps-1, 1)))
			for _, g := range r.opt.Groups() {
				g.LR = lr
			}
			b := r.loader.Batch()
			loss := r.loss.forward(r.model.Forward(b.X), b.Labels)
			if nn.CheckLoss(i, loss) != nil {
				f.Diverged = true
				break
			}
			r.model.Backward(r.loss.backward())
			optim.ClipGradNorm(r.model.Params(), math.Inf(1))
			r.opt.Step()
			r.opt.ZeroGrad()
			avg = lrFindBeta*avg + (1-lrFindBeta)*loss
			sm := avg / (1 - math.Pow(lrFindBeta, float64(i+1)))
			f.LRs, f.Losses, f.Smoothed = append(f.LRs, lr), append(f.Losses, loss), append(f.Smoothed, sm)
			r.bar.step(b.N, loss)
			if sm < best {
				best, f.MinLR = sm, lr
			}
			if sm > lrFindDiverged*best {
				f.Diverged = true
				break
			}
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("lr range test interrupted at step %d: %w", i+1, err)
			}
		}
		if err := r.loader.Err(); err != nil {
			return nil, err
		}
		if batches == 0 {
			return nil, fmt.Errorf("lr range test: the training loader gave no batches")
		}
	}
	if len(f.LRs) == 0 {
		return nil, fmt.Errorf("lr range test: the loss was not finite at the first step (lr %g); check the data and -weights", lrFindStart)
	}
	return f, nil
}

// suggestLR picks a learning rate from a range test's smoothed losses: the
// steepest descent against log(lr), looked for after the first tenth of the
// steps and before the lowest loss; or, when the loss does not descend
// there, the rate at the lowest loss divided by 10.
func suggestLR(lrs, smoothed []float64) (float64, string) {
	iMin := argmin(smoothed)
	fallback := func(why string) (float64, string) {
		return lrs[iMin] / 10, "the lowest loss's rate / 10; " + why
	}
	lo := len(lrs) / 10
	if iMin-lo < 2 {
		return fallback("too few steps before the lowest loss to find a slope")
	}
	steep, slope := -1, 0.0
	for i := lo; i <= iMin; i++ {
		a, b := max(i-1, lo), min(i+1, iMin)
		g := (smoothed[b] - smoothed[a]) / (math.Log(lrs[b]) - math.Log(lrs[a]))
		if g < slope {
			steep, slope = i, g
		}
	}
	if steep < 0 {
		return fallback("the loss does not descend")
	}
	return lrs[steep], "steepest descent of the smoothed loss"
}

// argmin returns the index of the smallest value of v (the first of ties).
func argmin(v []float64) int {
	j := 0
	for i, x := range v {
		if x < v[j] {
			j = i
		}
	}
	return j
}

// lrFindPlot draws loss against learning rate (log scale) with the
// suggestion marked.
func lrFindPlot(f *LRFinding) (*plot.Plot, error) {
	p := newPlot("Learning-rate range test", "learning rate", "training loss")
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = decadeTicks{}
	raw, sm := plotter.XYs{}, plotter.XYs{}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, lr := range f.LRs {
		raw = append(raw, plotter.XY{X: lr, Y: f.Losses[i]})
		sm = append(sm, plotter.XY{X: lr, Y: f.Smoothed[i]})
		lo, hi = math.Min(lo, math.Min(f.Losses[i], f.Smoothed[i])), math.Max(hi, f.Smoothed[i])
	}
	rl, err := plotter.NewLine(raw)
	if err != nil {
		return nil, err
	}
	rl.Color = color.Gray{Y: 180}
	p.Add(rl)
	p.Legend.Add("loss", rl)
	if err := addLine(p, "smoothed", sm); err != nil {
		return nil, err
	}
	best := f.Smoothed[argmin(f.Smoothed)]
	ymin, ymax := lo, math.Max(math.Min(hi, lrFindDiverged*best), lo+1e-6)
	mark, err := plotter.NewLine(plotter.XYs{{X: f.Suggested, Y: ymin}, {X: f.Suggested, Y: ymax}})
	if err != nil {
		return nil, err
	}
	mark.Color = color.RGBA{R: 214, G: 39, B: 40, A: 255}
	mark.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(mark)
	p.Legend.Add(fmt.Sprintf("suggested %.2g", f.Suggested), mark)
	p.Legend.Top, p.Legend.Left = true, true
	// Ranges last: Add widens them to the data, and a diverged tail would
	// flatten the curve.
	p.Y.Min, p.Y.Max = ymin, ymax
	p.X.Min, p.X.Max = math.Min(f.LRs[0], f.Suggested), math.Max(f.LRs[len(f.LRs)-1], f.LRs[0]*10)
	return p, nil
}

// decadeTicks marks powers of ten (labelled) and their multiples 2..9 on a
// log axis.
type decadeTicks struct{}

func (decadeTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		for m := 1.0; m < 10; m++ {
			v := m * math.Pow(10, e)
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			label := ""
			if m == 1 {
				label = fmt.Sprintf("%g", v)
			}
			ticks = append(ticks, plot.Tick{Value: v, Label: label})
		}
	}
	return ticks
}
