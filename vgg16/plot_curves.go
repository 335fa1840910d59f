// This file draws the evaluation plots that read one set of predictions: the
// confusion matrix as a labelled heat map, and the ROC and precision-recall
// curves of a binary task.

package vgg16

import (
	"fmt"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/brewer"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// confusionGrid is a confusion matrix as a plotter.GridXYZ: column c is the
// predicted class c, row r (from the bottom) the true class k-1-r, so the
// first class is the top row as in a printed matrix. Z is the share of the
// true class's images (NaN for a class with no images).
type confusionGrid struct{ conf [][]int }

func (g confusionGrid) Dims() (c, r int) { return len(g.conf), len(g.conf) }
func (g confusionGrid) X(c int) float64  { return float64(c) }
func (g confusionGrid) Y(r int) float64  { return float64(r) }
func (g confusionGrid) Z(c, r int) float64 {
	row := g.conf[len(g.conf)-1-r]
	n := 0
	for _, v := range row {
		n += v
	}
	if n == 0 {
		return math.NaN()
	}
	return float64(row[c]) / float64(n)
}

// confusionPlot draws rec's validation confusion matrix: cells coloured by
// the true class's share, labelled with the count and that share.
func confusionPlot(rec EpochRecord, classes []string) (*plot.Plot, error) {
	conf := rec.Val.Confusion
	k := len(conf)
	names := make([]string, k)
	for i := range names {
		names[i] = fmt.Sprint(i)
		if i < len(classes) {
			names[i] = classes[i]
		}
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Confusion matrix, epoch %d (validation, balanced accuracy %.3f)", rec.Epoch, rec.Val.BalancedAccuracy)
	p.X.Label.Text = "predicted"
	p.Y.Label.Text = "true"
	pal, err := brewer.GetPalette(brewer.TypeSequential, "Blues", 9)
	if err != nil {
		return nil, err
	}
	grid := confusionGrid{conf}
	h := plotter.NewHeatMap(grid, pal)
	h.Min, h.Max = 0, 1
	h.NaN = color.Gray{Y: 230}
	p.Add(h)

	var xys plotter.XYs
	var text []string
	var dark []bool
	for r := 0; r < k; r++ {
		for c := 0; c < k; c++ {
			z := grid.Z(c, r)
			xys = append(xys, plotter.XY{X: float64(c), Y: float64(r)})
			label := fmt.Sprint(conf[k-1-r][c])
			if !math.IsNaN(z) {
				label += fmt.Sprintf("\n%.1f%%", 100*z)
			}
			text = append(text, label)
			dark = append(dark, z > 0.55)
		}
	}
	labels, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: text})
	if err != nil {
		return nil, err
	}
	size := vg.Points(math.Max(7, math.Min(12, 60/float64(k))))
	for i := range labels.TextStyle {
		st := &labels.TextStyle[i]
		st.XAlign, st.YAlign = draw.XCenter, draw.YCenter
		st.Font.Size = size
		if dark[i] {
			st.Color = color.White
		}
	}
	p.Add(labels)

	xt := make([]plot.Tick, k)
	yt := make([]plot.Tick, k)
	chars := 0
	for i := 0; i < k; i++ {
		xt[i] = plot.Tick{Value: float64(i), Label: names[i]}
		yt[i] = plot.Tick{Value: float64(i), Label: names[k-1-i]}
		chars += len(names[i]) + 2
	}
	p.X.Tick.Marker = plot.ConstantTicks(xt)
	p.Y.Tick.Marker = plot.ConstantTicks(yt)
	if chars > 60 { // the names would overlap side by side
		p.X.Tick.Label.Rotation = math.Pi / 6
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YTop
	}
	p.X.Min, p.X.Max = -0.5, float64(k)-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(k)-0.5
	p.X.Padding, p.Y.Padding = 0, 0
	return p, nil
}

// rankedScores returns the finite (score, label) pairs sorted by descending
// score, with the numbers of positives (label 1) and negatives.
func rankedScores(scores []float64, labels []int) (s []float64, y []int, pos, neg int) {
	idx := make([]int, 0, len(scores))
	for i, v := range scores {
		if isFinite(v) {
			idx = append(idx, i)
			if labels[i] == 1 {
				pos++
			} else {
				neg++
			}
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	for _, i := range idx {
		s = append(s, scores[i])
		y = append(y, labels[i])
	}
	return s, y, pos, neg
}

// sweep calls at(tp, fp) after each group of tied scores, from the highest
// threshold down.
func sweep(s []float64, y []int, at func(tp, fp int)) {
	tp, fp := 0, 0
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] == s[i] {
			if y[j] == 1 {
				tp++
			} else {
				fp++
			}
			j++
		}
		at(tp, fp)
		i = j
	}
}

// rocPlot draws the ROC curve, or returns nil when a class is missing.
func rocPlot(scores []float64, labels []int) (*plot.Plot, error) {
	s, y, pos, neg := rankedScores(scores, labels)
	if pos == 0 || neg == 0 {
		return nil, nil
	}
	xys := plotter.XYs{{X: 0, Y: 0}}
	sweep(s, y, func(tp, fp int) {
		xys = append(xys, plotter.XY{X: float64(fp) / float64(neg), Y: float64(tp) / float64(pos)})
	})
	auc, _ := ROCAUC(s, y)
	p := newPlot(fmt.Sprintf("ROC (AUC %.3f)", auc), "false positive rate", "true positive rate")
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1.01
	chance, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	if err != nil {
		return nil, err
	}
	chance.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	chance.Color = color.Gray{Y: 128}
	p.Add(chance)
	p.Legend.Add("chance", chance)
	p.Legend.Top = false
	return p, addLine(p, "model", xys)
}

// prPlot draws the precision-recall curve, or returns nil without positives.
func prPlot(scores []float64, labels []int) (*plot.Plot, error) {
	s, y, pos, neg := rankedScores(scores, labels)
	if pos == 0 {
		return nil, nil
	}
	xys := plotter.XYs{{X: 0, Y: 1}}
	sweep(s, y, func(tp, fp int) {
		xys = append(xys, plotter.XY{X: float64(tp) / float64(pos), Y: float64(tp) / float64(tp+fp)})
	})
	ap, _ := PRAUC(s, y)
	p := newPlot(fmt.Sprintf("Precision-recall (average precision %.3f)", ap), "recall", "precision")
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1.01
	prev := float64(pos) / float64(pos+neg)
	base, err := plotter.NewLine(plotter.XYs{{X: 0, Y: prev}, {X: 1, Y: prev}})
	if err != nil {
		return nil, err
	}
	base.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	base.Color = color.Gray{Y: 128}
	p.Add(base)
	p.Legend.Add(fmt.Sprintf("chance (prevalence %.3f)", prev), base)
	p.Legend.Top = false
	p.Legend.Left = true
	return p, addLine(p, "model", xys)
}

// addLine adds xys as a solid line in the first colour, with a legend entry.
func addLine(p *plot.Plot, name string, xys plotter.XYs) error {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return err
	}
	l.Color = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	l.Width = vg.Points(1.5)
	p.Add(l)
	p.Legend.Add(name, l)
	return nil
}
