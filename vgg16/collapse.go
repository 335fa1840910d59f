// This file is the collapse detector: it reads the distribution of a
// model's predictions on validation and, when nearly all of them fall in one
// class that the labels do not favour as much (or a class is never found),
// says so in plain words and lists the likely causes it can check.

package vgg16

import (
	"fmt"
	"math"
	"strings"
)

// CollapseInput is what the trainer knows when it checks for collapse.
type CollapseInput struct {
	Metrics        Metrics   // validation metrics of this check
	ClassNames     []string  // class names, index = class
	TrainCounts    []int     // training images per class
	Strategy       string    // imbalance strategy in use ("none", "weights", ...)
	LR             float64   // current learning rate
	Losses         []float64 // recent training losses, oldest first
	Steps          int       // optimizer steps so far
	LabelConflicts int       // cross-class duplicates the data doctor found
	InputMean      float64   // mean of normalised training inputs
	InputStd       float64   // standard deviation of normalised training inputs
	FrozenBackbone bool      // the feature extractor is frozen
}

// Diagnosis is the detector's verdict.
type Diagnosis struct {
	Collapsed     bool     `json:"collapsed"`
	Class         int      `json:"class"`          // the class most predicted
	Share         float64  `json:"share"`          // its share of predictions
	TrueShare     float64  `json:"true_share"`     // its share of labels
	ZeroRecall    []int    `json:"zero_recall"`    // classes present but never found
	Message       string   `json:"message"`        // one plain sentence, empty when healthy
	Causes        []string `json:"causes"`         // likely causes, most likely first
	ImbalanceRate float64  `json:"imbalance_rate"` // largest / smallest training class
}

// Collapse thresholds: a model has collapsed when at least collapseShare of
// its validation predictions fall in one class whose share of the labels is
// at least collapseMargin lower, or when a class present in validation has a
// recall of zero.
const (
	collapseShare  = 0.95
	collapseMargin = 0.05
)

// DetectCollapse checks in for a collapsing model and explains it.
func DetectCollapse(in CollapseInput) Diagnosis {
	m := in.Metrics
	k := len(m.PerClass)
	d := Diagnosis{Class: -1}
	if m.N == 0 || k == 0 {
		return d
	}
	for c := 0; c < k; c++ {
		share := float64(m.PerClass[c].Predicted) / float64(m.N)
		if share > d.Share || d.Class < 0 {
			d.Class, d.Share = c, share
			d.TrueShare = float64(m.PerClass[c].Support) / float64(m.N)
		}
		if m.PerClass[c].Support > 0 && m.PerClass[c].Recall == 0 {
			d.ZeroRecall = append(d.ZeroRecall, c)
		}
	}
	d.ImbalanceRate = imbalanceRate(in.TrainCounts)
	dominant := d.Share >= collapseShare && d.TrueShare <= d.Share-collapseMargin
	if !dominant && len(d.ZeroRecall) == 0 {
		return d
	}
	d.Collapsed = true
	name := func(c int) string {
		if c >= 0 && c < len(in.ClassNames) {
			return in.ClassNames[c]
		}
		return fmt.Sprintf("class %d", c)
	}
	var msg []string
	if dominant {
		msg = append(msg, fmt.Sprintf("the model predicts '%s' for %.1f%% of validation images (%.1f%% are '%s')",
			name(d.Class), 100*d.Share, 100*d.TrueShare, name(d.Class)))
	}
	for _, c := range d.ZeroRecall {
		msg = append(msg, fmt.Sprintf("'%s' recall is 0.00", name(c)))
	}
	d.Message = strings.Join(msg, "; ")
	d.Causes = likelyCauses(in, d)
	return d
}

// imbalanceRate returns the largest class count over the smallest non-zero
// one (1 for fewer than two classes).
func imbalanceRate(counts []int) float64 {
	lo, hi := math.MaxInt, 0
	for _, c := range counts {
		if c > 0 && c < lo {
			lo = c
		}
		if c > hi {
			hi = c
		}
	}
	if hi == 0 || lo == math.MaxInt {
		return 1
	}
	return float64(hi) / float64(lo)
}

// likelyCauses lists the causes of a collapse that the trainer can check,
// each with the number that makes it likely.
func likelyCauses(in CollapseInput, d Diagnosis) []string {
	var out []string
	if d.ImbalanceRate >= 3 {
		s := fmt.Sprintf("class imbalance: the training set is %.0f:1", d.ImbalanceRate)
		if in.Strategy == "" || in.Strategy == "none" {
			s += " and no imbalance handling is in use (try -imbalance auto)"
		} else {
			s += fmt.Sprintf(" and strategy %q did not offset it", in.Strategy)
		}
		out = append(out, s)
	}
	if in.LabelConflicts > 0 {
		out = append(out, fmt.Sprintf("label errors: the data doctor found %d images filed under more than one class", in.LabelConflicts))
	}
	if trend, spiky := lossTrend(in.Losses); spiky {
		out = append(out, fmt.Sprintf("learning rate too high: the training loss spikes or diverges at lr %.3g (try a lower -lr or -find-lr)", in.LR))
	} else if len(in.Losses) >= 4 && math.Abs(trend) < 0.01 {
		out = append(out, fmt.Sprintf("learning rate too low or training stalled: the loss changed by %.1f%% over the last %d readings at lr %.3g", 100*trend, len(in.Losses), in.LR))
	}
	if in.Steps > 0 && in.Steps < 100 {
		out = append(out, fmt.Sprintf("too few steps: only %d optimizer steps so far", in.Steps))
	}
	if in.InputStd > 0 && (math.Abs(in.InputMean) > 1 || in.InputStd < 0.2 || in.InputStd > 5) {
		out = append(out, fmt.Sprintf("input statistics far from the normalisation: normalised inputs have mean %.2f and std %.2f (want about 0 and 1)", in.InputMean, in.InputStd))
	}
	if in.FrozenBackbone && in.Steps < 200 {
		out = append(out, "a frozen backbone with a head that is still untrained")
	}
	if len(out) == 0 {
		out = append(out, "no single cause stands out: try more epochs, -imbalance focal, or check the labels with gocnn doctor")
	}
	return out
}

// lossTrend returns the relative change from the first to the last quarter
// of losses, and whether the losses spike (a reading over twice the running
// minimum after the first quarter) or are not finite.
func lossTrend(losses []float64) (trend float64, spiky bool) {
	n := len(losses)
	if n < 4 {
		return 0, false
	}
	q := n / 4
	var first, last float64
	for i := 0; i < q; i++ {
		first += losses[i]
		last += losses[n-1-i]
	}
	first /= float64(q)
	last /= float64(q)
	minSoFar := math.Inf(1)
	for i, l := range losses {
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return 0, true
		}
		if i >= q && l > 2*minSoFar && l-minSoFar > 0.05 {
			spiky = true
		}
		minSoFar = math.Min(minSoFar, l)
	}
	if first == 0 {
		return 0, spiky
	}
	return (last - first) / first, spiky || last > 1.5*first
}

// Remedy is the next change the trainer makes with -on-collapse fix.
type Remedy struct {
	Strategy string  // the imbalance strategy to use from now on
	LRScale  float64 // factor applied to the learning rate
	What     string  // one sentence for the log
}

// NextRemedy returns the remedy after the current strategy: no handling →
// class weights → weights plus a balanced sampler → focal loss; once those
// are spent, the learning rate is divided by three.
func NextRemedy(strategy string) Remedy {
	switch strategy {
	case "", "none":
		return Remedy{"weights", 1, "switching to class-weighted loss (pos_weight / class weights from the class counts)"}
	case "weights", "auto":
		return Remedy{"oversample", 1, "switching to a class-balanced sampler"}
	case "oversample", "undersample":
		return Remedy{"focal", 1, "switching to focal loss"}
	}
	return Remedy{strategy, 1.0 / 3, "lowering the learning rate by 3x"}
}
