// This file draws the trainer's PNG plots with gonum.org/v1/plot (pure Go,
// no cgo): loss and metric curves per epoch. The confusion matrix and the
// ROC and precision-recall curves are in plot_curves.go.

package vgg16

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Plot sizes: 6x4 inches, 576x384 pixels at gonum's 96 dpi.
const (
	plotW = 6 * vg.Inch
	plotH = 4 * vg.Inch
)

// maxRecallCurves caps the per-class recall curves in metrics.png; beyond it
// the legend would cover the plot.
const maxRecallCurves = 10

// WritePlots draws the run's plots into dir:
//
//   - loss.png: training and validation loss per epoch;
//   - metrics.png: balanced accuracy, macro-F1, MCC and per-class recall per
//     epoch (validation, at the tuned threshold);
//   - confusion.png: the confusion matrix of the best epoch (highest
//     validation balanced accuracy, the last on no finite score), cells
//     coloured by the row's share and labelled with counts;
//   - roc.png and pr.png, for two classes: the ROC and precision-recall
//     curves of scores (P(class 1)) against labels (0 or 1).
//
// Non-finite values are left out of the curves. ROC is skipped without error
// when labels hold a single class, PR when they hold no positive; both when
// scores is empty (as for more than two classes, whatever labels holds).
// Otherwise len(scores) must equal len(labels) (it panics if not: a
// programmer error). The files are written in place, not atomically.
func WritePlots(dir string, records []EpochRecord, scores []float64, labels []int, classes []string) error {
	if len(scores) > 0 && len(scores) != len(labels) {
		panic(fmt.Sprintf("vgg16: WritePlots: %d scores for %d labels", len(scores), len(labels)))
	}
	var errs []error
	save := func(name string, p *plot.Plot, w, h vg.Length, err error) {
		if err == nil && p != nil {
			err = p.Save(w, h, filepath.Join(dir, name))
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", filepath.Join(dir, name), err))
		}
	}
	if len(records) > 0 {
		p, err := lossPlot(records)
		save("loss.png", p, plotW, plotH, err)
		p, err = metricsPlot(records, classes)
		save("metrics.png", p, plotW, plotH, err)
		if rec := bestRecord(records); len(rec.Val.Confusion) > 0 {
			p, err = confusionPlot(rec, classes)
			side := vg.Length(max(4, 1.2*float64(len(classes)))) * vg.Inch
			save("confusion.png", p, side+vg.Inch, side, err)
		}
	}
	if len(classes) == 2 && len(scores) > 0 {
		if p, err := rocPlot(scores, labels); p != nil || err != nil {
			save("roc.png", p, plotH+vg.Inch, plotH, err)
		}
		if p, err := prPlot(scores, labels); p != nil || err != nil {
			save("pr.png", p, plotH+vg.Inch, plotH, err)
		}
	}
	return errors.Join(errs...)
}

// bestRecord returns the record of the epoch the trainer keeps as its best
// checkpoint (keepAsBest), or the last record when no score is finite.
func bestRecord(records []EpochRecord) EpochRecord {
	best := len(records) - 1
	for i, r := range records {
		if keepAsBest(r.Val, records[:i]) {
			best = i
		}
	}
	return records[best]
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// epochCurve returns the finite points (epoch, f(record)).
func epochCurve(records []EpochRecord, f func(EpochRecord) float64) plotter.XYs {
	var xys plotter.XYs
	for _, r := range records {
		if y := f(r); isFinite(y) {
			xys = append(xys, plotter.XY{X: float64(r.Epoch), Y: y})
		}
	}
	return xys
}

// newPlot returns a plot with a title, axis labels and a grid.
func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Add(plotter.NewGrid())
	return p
}

// addCurve adds xys as a line with point markers (so a one-epoch run still
// shows its value) in style i, and a legend entry. Empty curves are skipped.
func addCurve(p *plot.Plot, name string, xys plotter.XYs, i int, dashed bool) error {
	if len(xys) == 0 {
		return nil
	}
	l, s, err := plotter.NewLinePoints(xys)
	if err != nil {
		return err
	}
	c := plotutil.Color(i)
	l.Color, s.Color = c, c
	l.Width = vg.Points(1.5)
	if dashed {
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
		l.Width = vg.Points(1)
	}
	s.Shape = plotutil.Shape(i)
	s.Radius = vg.Points(2.5)
	p.Add(l, s)
	p.Legend.Add(name, l, s)
	return nil
}

// epochAxis gives the x axis integer ticks 1..last epoch with a margin, so
// one epoch is a point in the middle rather than a degenerate range.
func epochAxis(p *plot.Plot, records []EpochRecord) {
	lo, hi := records[0].Epoch, records[0].Epoch
	for _, r := range records {
		lo, hi = min(lo, r.Epoch), max(hi, r.Epoch)
	}
	p.X.Min, p.X.Max = float64(lo)-0.5, float64(hi)+0.5
	step := max(1, (hi-lo+1)/10)
	var ticks []plot.Tick
	for e := lo; e <= hi; e += step {
		ticks = append(ticks, plot.Tick{Value: float64(e), Label: fmt.Sprint(e)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
}

// lossPlot draws training and validation loss per epoch.
func lossPlot(records []EpochRecord) (*plot.Plot, error) {
	p := newPlot("Loss", "epoch", "loss")
	epochAxis(p, records)
	p.Legend.Top = true
	train := epochCurve(records, func(r EpochRecord) float64 { return r.TrainLoss })
	val := epochCurve(records, func(r EpochRecord) float64 { return r.ValLoss })
	if err := addCurve(p, "train", train, 0, false); err != nil {
		return nil, err
	}
	if err := addCurve(p, "validation", val, 1, false); err != nil {
		return nil, err
	}
	if len(train)+len(val) == 0 {
		noData(p, "no finite loss values")
	}
	return p, nil
}

// metricsPlot draws the validation metrics per epoch.
func metricsPlot(records []EpochRecord, classes []string) (*plot.Plot, error) {
	title := "Validation metrics"
	k := len(classes)
	if k > maxRecallCurves {
		title += fmt.Sprintf(" (recall of the first %d of %d classes)", maxRecallCurves, k)
		k = maxRecallCurves
	}
	p := newPlot(title, "epoch", "score")
	epochAxis(p, records)
	p.Legend.Top = false
	p.Legend.Left = true
	p.Y.Max = 1
	p.Y.Min = 0
	curves := []struct {
		name string
		f    func(EpochRecord) float64
	}{
		{"balanced accuracy", func(r EpochRecord) float64 { return r.Val.BalancedAccuracy }},
		{"macro-F1", func(r EpochRecord) float64 { return r.Val.MacroF1 }},
		{"MCC", func(r EpochRecord) float64 { return r.Val.MCC }},
	}
	for c := 0; c < k; c++ {
		curves = append(curves, struct {
			name string
			f    func(EpochRecord) float64
		}{"recall " + classes[c], func(r EpochRecord) float64 {
			if c >= len(r.Val.PerClass) {
				return math.NaN()
			}
			return r.Val.PerClass[c].Recall
		}})
	}
	for i, cv := range curves {
		xys := epochCurve(records, cv.f)
		for _, xy := range xys {
			p.Y.Min = math.Min(p.Y.Min, xy.Y) // MCC can be negative
		}
		if err := addCurve(p, cv.name, xys, i, i >= 3); err != nil {
			return nil, err
		}
	}
	p.Y.Max = 1.02
	return p, nil
}

// noData writes a note in the middle of an empty plot.
func noData(p *plot.Plot, msg string) {
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: 0.5, Y: 0.5}}, Labels: []string{msg}})
	if err != nil {
		return
	}
	l.TextStyle[0].XAlign = draw.XCenter
	l.TextStyle[0].Color = color.Gray{Y: 96}
	p.Add(l)
}
