package vgg16

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestComputeMetricsHandComputed(t *testing.T) {
	// true:  0 0 0 0 1 1
	// pred:  0 0 0 1 1 0
	m := ComputeMetrics([]int{0, 0, 0, 0, 1, 1}, []int{0, 0, 0, 1, 1, 0}, 2)
	assert.Equal(t, [][]int{{3, 1}, {1, 1}}, m.Confusion)
	assert.InDelta(t, 4.0/6, m.Accuracy, 1e-12)
	assert.InDelta(t, (0.75+0.5)/2, m.BalancedAccuracy, 1e-12)
	assert.InDelta(t, 0.75, m.PerClass[0].Precision, 1e-12)
	assert.InDelta(t, 0.5, m.PerClass[1].Precision, 1e-12)
	assert.InDelta(t, 0.5, m.PerClass[1].F1, 1e-12)
	assert.Equal(t, 2, m.PerClass[1].Support)
	assert.Equal(t, 2, m.PerClass[1].Predicted)
	// MCC = (tp*tn - fp*fn)/sqrt(...) = (1*3-1*1)/sqrt(2*2*4*4) = 2/8
	assert.InDelta(t, 0.25, m.MCC, 1e-12)
	assert.InDelta(t, (0.75+0.5)/2, m.MacroF1, 1e-12)
}

func TestMetricsCollapsedAndEmpty(t *testing.T) {
	m := ComputeMetrics([]int{0, 0, 0, 1}, []int{0, 0, 0, 0}, 2)
	assert.Equal(t, 0.0, m.PerClass[1].Recall)
	assert.Equal(t, 0.0, m.PerClass[1].Precision, "zero_division=0, not NaN")
	assert.Equal(t, 0.5, m.BalancedAccuracy)
	assert.Equal(t, 0.0, m.MCC, "undefined MCC is 0")

	one := ComputeMetrics([]int{0, 0}, []int{0, 1}, 2)
	assert.Equal(t, 0.5, one.BalancedAccuracy, "only the present class counts")
	assert.NotEmpty(t, one.Warnings)

	empty := ComputeMetrics(nil, nil, 3)
	assert.Equal(t, 0, empty.N)
	assert.Len(t, empty.PerClass, 3)
	assert.NotEmpty(t, empty.Warnings)
	assert.Panics(t, func() { ComputeMetrics([]int{2}, []int{0}, 2) })
	assert.Panics(t, func() { ComputeMetrics([]int{0}, nil, 2) })
}

func TestMulticlassMCC(t *testing.T) {
	perfect := ComputeMetrics([]int{0, 1, 2, 2}, []int{0, 1, 2, 2}, 3)
	assert.InDelta(t, 1, perfect.MCC, 1e-12)
	assert.Equal(t, 1.0, perfect.BalancedAccuracy)
}

func TestROCAUCTies(t *testing.T) {
	auc, ok := ROCAUC([]float64{0.1, 0.4, 0.35, 0.8}, []int{0, 0, 1, 1})
	assert.True(t, ok)
	assert.InDelta(t, 0.75, auc, 1e-12) // sklearn's example
	// All scores tied: 0.5.
	auc, _ = ROCAUC([]float64{1, 1, 1, 1}, []int{0, 1, 0, 1})
	assert.InDelta(t, 0.5, auc, 1e-12)
	// One tie across classes counts half: pos {0.5, 0.9}, neg {0.5, 0.1}
	auc, _ = ROCAUC([]float64{0.5, 0.9, 0.5, 0.1}, []int{1, 1, 0, 0})
	assert.InDelta(t, (1+1+1+0.5)/4, auc, 1e-12)
	_, ok = ROCAUC([]float64{0.1, 0.2}, []int{1, 1})
	assert.False(t, ok)
}

func TestPRAUC(t *testing.T) {
	// sklearn: average_precision_score([0,0,1,1],[0.1,0.4,0.35,0.8]) = 0.8333...
	ap, ok := PRAUC([]float64{0.1, 0.4, 0.35, 0.8}, []int{0, 0, 1, 1})
	assert.True(t, ok)
	assert.InDelta(t, 0.8333333333, ap, 1e-9)
	ap, _ = PRAUC([]float64{0.9, 0.8}, []int{1, 1})
	assert.InDelta(t, 1, ap, 1e-12)
	_, ok = PRAUC([]float64{0.9}, []int{0})
	assert.False(t, ok)
	// All tied: precision of the whole set.
	ap, _ = PRAUC([]float64{0.5, 0.5, 0.5, 0.5}, []int{1, 0, 0, 0})
	assert.InDelta(t, 0.25, ap, 1e-12)
}

func TestBinaryMetricsAndThreshold(t *testing.T) {
	scores := []float64{0.01, 0.02, 0.03, 0.04, 0.2, 0.3}
	labels := []int{0, 0, 0, 0, 1, 1}
	m := BinaryMetrics(scores, labels, 0.5)
	assert.Equal(t, 0.5, m.BalancedAccuracy, "at 0.5 nothing is positive")
	assert.InDelta(t, 1, m.ROCAUC, 1e-12)
	thr, ba := BestThreshold(scores, labels)
	assert.InDelta(t, 0.12, thr, 1e-12)
	assert.Equal(t, 1.0, ba)
	assert.Equal(t, 1.0, BinaryMetrics(scores, labels, thr).BalancedAccuracy)
	thr, ba = BestThreshold([]float64{0.1, 0.9}, []int{1, 1})
	assert.Equal(t, 0.5, thr)
	assert.True(t, math.IsNaN(ba))
	one := BinaryMetrics([]float64{0.1, 0.9}, []int{0, 0}, 0.5)
	assert.True(t, math.IsNaN(one.ROCAUC))
	assert.NotEmpty(t, one.Warnings)
}

func TestBestThresholdTakesThePlateauCentre(t *testing.T) {
	var scores []float64
	var labels []int
	for i := 1; i <= 50; i++ { // negatives at 0.01 .. 0.50
		scores = append(scores, float64(i)/100)
		labels = append(labels, 0)
	}
	for _, s := range []float64{0.6, 0.7, 0.8, 0.9, 0.05} { // one hard positive
		scores = append(scores, s)
		labels = append(labels, 1)
	}
	thr, ba := BestThreshold(scores, labels)
	// The best balanced accuracy, 0.9, holds for thresholds in (0.50, 0.60);
	// 0.495 is within the slack (0.89). The centre lies between them.
	assert.Greater(t, thr, 0.495)
	assert.Less(t, thr, 0.55)
	assert.InDelta(t, 0.9, ba, 1e-12)
	assert.InDelta(t, 0.5225, logitMidpoint(0.495, 0.55), 1e-3)
	assert.Equal(t, 0.3, logitMidpoint(0, 0.6), "plain mean at the ends")
}
