package vgg16

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDetectCollapseMajority(t *testing.T) {
	labels := make([]int, 1000)
	preds := make([]int, 1000)
	for i := range labels {
		if i < 500 {
			labels[i] = 1
		}
		preds[i] = 1
	}
	preds[999] = 0
	in := CollapseInput{
		Metrics:     ComputeMetrics(labels, preds, 2),
		ClassNames:  []string{"False", "True"},
		TrainCounts: []int{60, 6000},
		Strategy:    "none",
		Steps:       50,
	}
	d := DetectCollapse(in)
	assert.True(t, d.Collapsed)
	assert.Equal(t, 1, d.Class)
	assert.Contains(t, d.Message, "the model predicts 'True' for 99.9% of validation images")
	assert.Equal(t, 100.0, d.ImbalanceRate)
	assert.Contains(t, d.Causes[0], "100:1")
	assert.Contains(t, d.Causes[0], "no imbalance handling")
	assert.Contains(t, d.Causes[len(d.Causes)-1], "too few steps")
}

func TestDetectCollapseZeroRecall(t *testing.T) {
	m := ComputeMetrics([]int{0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, []int{0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 2)
	d := DetectCollapse(CollapseInput{Metrics: m, ClassNames: []string{"rest", "sneaker"},
		Losses: []float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, LR: 1e-7, LabelConflicts: 3})
	assert.True(t, d.Collapsed, "a class never found is a collapse even if the shares match")
	assert.Equal(t, []int{1}, d.ZeroRecall)
	assert.Contains(t, d.Message, "'sneaker' recall is 0.00")
	assert.Contains(t, d.Causes[0], "label errors")
	assert.Contains(t, d.Causes[1], "learning rate too low")
}

func TestDetectCollapseHealthy(t *testing.T) {
	m := ComputeMetrics([]int{0, 0, 1, 1}, []int{0, 1, 1, 1}, 2)
	d := DetectCollapse(CollapseInput{Metrics: m})
	assert.False(t, d.Collapsed)
	assert.Empty(t, d.Message)
	// A set that really is 97% one class, predicted that way, is not a collapse.
	labels := make([]int, 100)
	labels[0] = 1
	preds := make([]int, 100)
	preds[0] = 1
	assert.False(t, DetectCollapse(CollapseInput{Metrics: ComputeMetrics(labels, preds, 2)}).Collapsed)
	assert.False(t, DetectCollapse(CollapseInput{}).Collapsed)
}

func TestCausesLearningRateAndInputs(t *testing.T) {
	m := ComputeMetrics([]int{0, 1}, []int{0, 0}, 2)
	d := DetectCollapse(CollapseInput{Metrics: m, LR: 0.1, Losses: []float64{0.7, 0.6, 0.5, 0.4, 3, 9, 20, 40},
		InputMean: 120, InputStd: 60, FrozenBackbone: true, Steps: 10})
	joined := ""
	for _, c := range d.Causes {
		joined += c + "\n"
	}
	assert.Contains(t, joined, "learning rate too high")
	assert.Contains(t, joined, "input statistics far from the normalisation")
	assert.Contains(t, joined, "frozen backbone")
	d = DetectCollapse(CollapseInput{Metrics: m})
	assert.Contains(t, d.Causes[0], "no single cause")
}

func TestNextRemedy(t *testing.T) {
	assert.Equal(t, "weights", NextRemedy("none").Strategy)
	assert.Equal(t, "oversample", NextRemedy("weights").Strategy)
	assert.Equal(t, "focal", NextRemedy("oversample").Strategy)
	r := NextRemedy("focal")
	assert.Equal(t, "focal", r.Strategy)
	assert.InDelta(t, 1.0/3, r.LRScale, 1e-12)
}
