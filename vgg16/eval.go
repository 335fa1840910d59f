// This file evaluates a predictor on a labelled dataset: accuracy, balanced
// accuracy, per-class precision/recall/F1, the confusion matrix and, for
// binary tasks, ROC-AUC and PR-AUC at the model's decision threshold.

package vgg16

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/gocnn/gocnn/data"
	"github.com/gocnn/gocnn/tensor"
)

// EvalOptions configure Evaluate.
type EvalOptions struct {
	// Progress, when set, is called after each batch with the samples done.
	Progress func(done, total int)
}

// EvalResult is Evaluate's report. Its JSON holds Metrics' keys (accuracy,
// balanced_accuracy, macro_f1, mcc, per_class, confusion, roc_auc and
// pr_auc when defined) plus classes, threshold, skipped and timing.
type EvalResult struct {
	Metrics
	Classes   []string // model's class names, indexing PerClass and Confusion
	Threshold float64  // decision threshold of a binary model
	Binary    bool
	// Skipped names the samples that could not be read; they are not in N.
	Skipped      []string
	Seconds      float64
	ImagesPerSec float64
}

// MarshalJSON writes Metrics' keys (accuracy, balanced_accuracy, per_class,
// confusion, ...; non-finite AUCs left out) and the result's own.
func (r *EvalResult) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(r.Metrics)
	if err != nil {
		return nil, err
	}
	obj := map[string]any{}
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, err
	}
	for _, k := range []string{"roc_auc", "pr_auc"} {
		if v, ok := obj[k].(float64); ok && math.IsNaN(v) {
			delete(obj, k)
		}
	}
	obj["classes"] = r.Classes
	if r.Binary {
		obj["threshold"] = r.Threshold
	}
	obj["skipped"] = r.Skipped
	if r.Skipped == nil {
		obj["skipped"] = []string{}
	}
	obj["seconds"] = r.Seconds
	obj["images_per_sec"] = r.ImagesPerSec
	return json.Marshal(obj)
}

// classMap returns, for each dataset label, the model's class index: by name
// when the dataset's class names are the model's (in any order), by position
// otherwise. Different class counts are an error naming both lists.
func classMap(dsClasses, model []string) ([]int, []string, error) {
	if len(dsClasses) != len(model) {
		return nil, nil, fmt.Errorf("the data has %d classes (%s), the model %d (%s)",
			len(dsClasses), short(dsClasses), len(model), short(model))
	}
	byName := map[string]int{}
	for i, c := range model {
		byName[c] = i
	}
	m := make([]int, len(dsClasses))
	named := true
	for i, c := range dsClasses {
		j, ok := byName[c]
		if !ok {
			named = false
			break
		}
		m[i] = j
	}
	if named {
		return m, nil, nil
	}
	for i := range m {
		m[i] = i
	}
	return m, []string{fmt.Sprintf("class names differ (data: %s; model: %s): matched by position", short(dsClasses), short(model))}, nil
}

func short(names []string) string {
	if len(names) > 6 {
		return strings.Join(names[:6], ", ") + ", …"
	}
	return strings.Join(names, ", ")
}

// Evaluate runs p over every sample of ds and computes the metrics. Samples
// that fail to load are skipped and listed (an error if all fail). ds's
// classes must match the model's in number; they are matched by name when
// the names agree.
func Evaluate(ctx context.Context, p *Predictor, ds data.Dataset, opt EvalOptions) (*EvalResult, error) {
	mapping, warn, err := classMap(ds.Classes(), p.Classes)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	n := ds.Len()
	t := p.Transform()
	pp := p.Preprocess
	per := pp.Channels * pp.Size * pp.Size
	buf := make([]float32, 0, p.batch*per)
	var labels, preds, pending []int
	var scores []float64
	res := &EvalResult{Classes: p.Classes, Threshold: p.Threshold, Binary: len(p.Classes) == 2}
	flush := func() {
		if len(pending) == 0 {
			return
		}
		x := tensor.Wrap(buf[:len(pending)*per], len(pending), pp.Channels, pp.Size, pp.Size)
		for j, lg := range p.Logits(x) {
			probs, class := p.Decide(lg)
			labels = append(labels, mapping[ds.Label(pending[j])])
			preds = append(preds, class)
			scores = append(scores, Score(probs, class))
		}
		pending, buf = pending[:0], buf[:0]
	}
	s := &data.Sample{}
	for i := 0; i < n; i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := ds.Load(i, &s.Image); err != nil {
			res.Skipped = append(res.Skipped, err.Error())
			continue
		}
		s.Seed(0, 0, uint64(i))
		t.Apply(s)
		if err := checkShape(s, pp); err != nil {
			res.Skipped = append(res.Skipped, fmt.Sprintf("%s: %v", sampleName(ds, i), err))
			continue
		}
		buf = append(buf, s.Pix...)
		pending = append(pending, i)
		if len(pending) == p.batch {
			flush()
			if opt.Progress != nil {
				opt.Progress(i+1, n)
			}
		}
	}
	flush()
	if opt.Progress != nil {
		opt.Progress(n, n)
	}
	if len(labels) == 0 {
		if n == 0 {
			return nil, fmt.Errorf("no samples to evaluate")
		}
		return nil, fmt.Errorf("none of the %d samples could be read; first: %s", n, res.Skipped[0])
	}
	if res.Binary {
		// The decision was made by Decide (threshold for one logit, argmax
		// for two); BinaryMetrics adds the AUCs of p(class 1).
		thr := p.Threshold
		if p.Model.Spec.Outputs == 2 {
			thr = 0.5
		}
		res.Metrics = BinaryMetrics(scores, labels, thr)
		res.Metrics = withPreds(res.Metrics, labels, preds, 2)
	} else {
		res.Metrics = ComputeMetrics(labels, preds, len(p.Classes))
	}
	res.Warnings = append(warn, res.Warnings...)
	if len(res.Skipped) > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d unreadable samples skipped", len(res.Skipped)))
	}
	res.Seconds = time.Since(start).Seconds()
	res.ImagesPerSec = float64(len(labels)) / res.Seconds
	return res, nil
}

// withPreds recomputes the counting metrics from the predictions actually
// made (a two-logit argmax can differ from p1 >= 0.5 on exact ties), keeping
// m's AUCs.
func withPreds(m Metrics, labels, preds []int, k int) Metrics {
	c := ComputeMetrics(labels, preds, k)
	c.ROCAUC, c.PRAUC = m.ROCAUC, m.PRAUC
	for _, w := range m.Warnings {
		if !contains(c.Warnings, w) {
			c.Warnings = append(c.Warnings, w)
		}
	}
	return c
}

func contains(ss []string, s string) bool {
	for _, v := range ss {
		if v == s {
			return true
		}
	}
	return false
}

// sampleName names sample i of ds for messages.
func sampleName(ds data.Dataset, i int) string {
	if nm, ok := ds.(data.Namer); ok {
		return nm.Name(i)
	}
	return fmt.Sprintf("sample %d", i)
}
