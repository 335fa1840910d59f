package vgg16

import (
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// plotRecords returns n epoch records of a binary task with improving
// metrics; epoch 2's validation loss is NaN.
func plotRecords(n int) []EpochRecord {
	var recs []EpochRecord
	for e := 1; e <= n; e++ {
		f := float64(e) / float64(n)
		scores := []float64{0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.35 + 0.5*f}
		labels := []int{0, 0, 0, 0, 1, 1, 1, 1}
		m := BinaryMetrics(scores, labels, 0.5)
		rec := EpochRecord{Epoch: e, Step: 10 * e, TrainLoss: 1 / float64(e), ValLoss: 1.2 / float64(e), Val: m, ValRaw: m}
		if e == 2 {
			rec.ValLoss = math.NaN()
		}
		recs = append(recs, rec)
	}
	return recs
}

// checkPNG asserts that path is a decodable PNG of a sensible size.
func checkPNG(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	st, err := f.Stat()
	require.NoError(t, err)
	assert.Greater(t, st.Size(), int64(5_000), "%s is suspiciously small", path)
	assert.Less(t, st.Size(), int64(2_000_000), "%s is suspiciously large", path)
	cfg, err := png.DecodeConfig(f)
	require.NoError(t, err, path)
	assert.GreaterOrEqual(t, cfg.Width, 300, path)
	assert.GreaterOrEqual(t, cfg.Height, 300, path)
}

func TestWritePlotsBinary(t *testing.T) {
	dir := t.TempDir()
	scores := []float64{0.05, 0.2, 0.3, 0.45, 0.5, 0.55, 0.7, 0.9, math.NaN(), 0.6, 0.4}
	labels := []int{0, 0, 0, 1, 0, 1, 1, 1, 1, 0, 1}
	require.NoError(t, WritePlots(dir, plotRecords(5), scores, labels, []string{"background", "square"}))
	for _, name := range []string{"loss.png", "metrics.png", "confusion.png", "roc.png", "pr.png"} {
		checkPNG(t, filepath.Join(dir, name))
	}
}

func TestWritePlotsOneEpochOneClass(t *testing.T) {
	dir := t.TempDir()
	recs := plotRecords(1)
	recs[0].TrainLoss = math.NaN()
	recs[0].Val.MCC = math.Inf(1)
	// Validation labels of one class: no ROC, no error; PR needs positives.
	require.NoError(t, WritePlots(dir, recs, []float64{0.2, 0.4}, []int{0, 0}, []string{"a", "b"}))
	for _, name := range []string{"loss.png", "metrics.png", "confusion.png"} {
		checkPNG(t, filepath.Join(dir, name))
	}
	assert.NoFileExists(t, filepath.Join(dir, "roc.png"))
	assert.NoFileExists(t, filepath.Join(dir, "pr.png"))

	// Positives only: PR is drawn, ROC is not.
	dir = t.TempDir()
	require.NoError(t, WritePlots(dir, recs, []float64{0.2, 0.4}, []int{1, 1}, []string{"a", "b"}))
	assert.NoFileExists(t, filepath.Join(dir, "roc.png"))
	checkPNG(t, filepath.Join(dir, "pr.png"))
}

func TestWritePlotsMultiClassAndEmpty(t *testing.T) {
	dir := t.TempDir()
	classes := []string{"airplane", "automobile", "bird", "cat"}
	labels := []int{0, 0, 1, 1, 2, 2, 3, 3, 3}
	preds := []int{0, 1, 1, 1, 2, 0, 3, 3, 2}
	m := ComputeMetrics(labels, preds, 4)
	m.Confusion[2] = []int{0, 0, 0, 0} // a class absent from validation
	recs := []EpochRecord{{Epoch: 1, TrainLoss: 2, ValLoss: 1.9, Val: m}, {Epoch: 2, TrainLoss: 1.5, ValLoss: 1.4, Val: m}}
	// The trainer passes the validation labels and no scores for more than
	// two classes.
	require.NoError(t, WritePlots(dir, recs, nil, labels, classes))
	checkPNG(t, filepath.Join(dir, "confusion.png"))
	checkPNG(t, filepath.Join(dir, "metrics.png"))
	assert.NoFileExists(t, filepath.Join(dir, "roc.png"))

	// No records and no scores: nothing to draw, no error.
	require.NoError(t, WritePlots(t.TempDir(), nil, nil, nil, classes))
	// An unwritable folder is an error naming the file.
	err := WritePlots(filepath.Join(dir, "missing", "deeper"), recs, nil, nil, classes)
	assert.ErrorContains(t, err, "loss.png")
	assert.Panics(t, func() { _ = WritePlots(dir, nil, []float64{1}, nil, classes) })
}

func TestBestRecord(t *testing.T) {
	recs := plotRecords(4)
	recs[0].Val = valAt(0.9, 0.9)
	recs[1].Val = valAt(0.95, 0.95) // 0.95, standard error 0.0114
	recs[2].Val = valAt(0.95, 0.93) // within it: kept
	recs[3].Val = valAt(0.9, 0.9)   // below it
	assert.Equal(t, 3, bestRecord(recs).Epoch, "the epoch the trainer keeps")
	for i := range recs {
		recs[i].Val.BalancedAccuracy = math.NaN()
	}
	assert.Equal(t, 4, bestRecord(recs).Epoch, "the last when no score is finite")
}
