package vgg16

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/gocnn/gocnn/data"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// setupRun builds a run for cfg without training it.
func setupRun(t *testing.T, cfg Config) (*run, error) {
	t.Helper()
	cfg, err := cfg.withDefaults()
	require.NoError(t, err)
	r := &run{cfg: cfg, log: &logger{w: cfg.Log, json: cfg.JSON}, best: -1, thr: 0.5, lrScale: 1}
	err = r.setup()
	if err == nil {
		t.Cleanup(func() { r.loader.Close(); r.val.Close() })
	}
	return r, err
}

// TestTrainRepeatsTheMinority checks the wiring of the plan's minority
// repetition: a 50:1 set (2% positives) repeats each positive
// floor(0.08*204/4) = 4 times with pos_weight divided by 4; -minority-repeat
// sets the count and 1 turns it off; an explicit -pos-weight turns it off;
// too many repeats for an epoch are an error.
func TestTrainRepeatsTheMinority(t *testing.T) {
	base := Config{TrainSet: synthetic(200, 4, 3), ValSet: synthetic(40, 8, 4), Arch: "vgg11", Epochs: 1, Batch: 16}
	full := data.EffectiveNumber(200) / data.EffectiveNumber(4)
	posWeight := func(r *run) float64 { return float64(r.loss.bce.PosWeight.Data()[0]) }

	r, err := setupRun(t, quiet(t, base))
	require.NoError(t, err)
	rs, ok := r.loader.Sampler().(data.RepeatSampler)
	require.True(t, ok, "sampler %T", r.loader.Sampler())
	assert.Equal(t, 4, rs.Repeat)
	assert.Equal(t, 1, rs.Class)
	assert.False(t, rs.Random, "the default order is stratified")
	assert.InDelta(t, full/4, posWeight(r), 1e-5)
	assert.Contains(t, r.cfg.Log.(*bytes.Buffer).String(), `each "square" image 4 times per epoch`)
	assert.NotContains(t, r.cfg.Log.(*bytes.Buffer).String(), "set by flags")

	cfg := quiet(t, base)
	cfg.MinorityRepeat, cfg.JSON = 2, true
	r, err = setupRun(t, cfg)
	require.NoError(t, err)
	r.describe(HeadCompact)
	assert.Contains(t, r.cfg.Log.(*bytes.Buffer).String(), `"minority_repeat":2`, "-json scripts see the repeat")
	assert.Equal(t, 2, r.loader.Sampler().(data.RepeatSampler).Repeat)
	assert.InDelta(t, full/2, posWeight(r), 1e-5)

	cfg = quiet(t, base)
	cfg.MinorityRepeat = 1
	r, err = setupRun(t, cfg)
	require.NoError(t, err)
	assert.IsType(t, data.StratifiedSampler{}, r.loader.Sampler())
	assert.InDelta(t, full, posWeight(r), 1e-4)
	assert.Contains(t, r.cfg.Log.(*bytes.Buffer).String(), "set by flags instead: -minority-repeat 1",
		"the rule line describes the plan before the flag; the flag is named after it")

	cfg = quiet(t, base)
	cfg.PosWeight = 3
	r, err = setupRun(t, cfg)
	require.NoError(t, err)
	assert.IsType(t, data.StratifiedSampler{}, r.loader.Sampler(), "an explicit weight is the whole remedy")
	assert.InDelta(t, 3, posWeight(r), 1e-6)
	assert.Contains(t, r.cfg.Log.(*bytes.Buffer).String(), "set by flags instead: -pos-weight 3")

	cfg = quiet(t, base)
	cfg.Imbalance = "focal"
	r, err = setupRun(t, cfg)
	require.NoError(t, err)
	assert.IsType(t, data.StratifiedSampler{}, r.loader.Sampler(), "only the weighted loss counts on the repeats")

	cfg = quiet(t, base)
	cfg.MinorityRepeat = 60
	_, err = setupRun(t, cfg)
	assert.ErrorContains(t, err, `-minority-repeat 60: 60 repeats of the 4 "square" images do not fit in an epoch of 204`)

	cfg = quiet(t, base)
	cfg.MinorityRepeat = -1
	_, err = cfg.withDefaults()
	assert.ErrorContains(t, err, "-minority-repeat -1")
}

// threeClasses returns a 3-class set of n0, n1, n2 images (class c has c
// bright squares; noise otherwise).
func threeClasses(n0, n1, n2 int) *data.Memory {
	const side = 32
	counts := []int{n0, n1, n2}
	var pix []uint8
	var labels []int
	for c, n := range counts {
		for i := 0; i < n; i++ {
			img := make([]uint8, side*side)
			for j := range img {
				img[j] = uint8((i*31 + j*7) % 90)
			}
			for s := 0; s < c; s++ {
				for y := 4 + 12*s; y < 12+12*s; y++ {
					for x := 8; x < 16; x++ {
						img[y*side+x] = 255
					}
				}
			}
			pix = append(pix, img...)
			labels = append(labels, c)
		}
	}
	return data.NewMemory(1, side, side, pix, labels, []string{"none", "one", "two"})
}

// TestTrainRepeatsRareClasses checks the wiring for more than two classes:
// a class under 8% of the samples repeats (floor(0.08*264/4) = 5 times) with
// its weight divided to match and the -json setup event listing the
// repeats; -minority-repeat 1 turns it off, another count is an error, and
// a strategy other than weights neither repeats nor divides weights.
func TestTrainRepeatsRareClasses(t *testing.T) {
	base := Config{TrainSet: threeClasses(200, 60, 4), ValSet: threeClasses(20, 10, 4), Arch: "vgg11", Epochs: 1, Batch: 16}
	weights := func(r *run) []float32 { return r.loss.ce.Weight.Data() }

	cfg := quiet(t, base)
	cfg.JSON = true
	r, err := setupRun(t, cfg)
	require.NoError(t, err)
	rs, ok := r.loader.Sampler().(data.RepeatSampler)
	require.True(t, ok, "sampler %T", r.loader.Sampler())
	assert.Equal(t, []int{1, 1, 5}, rs.Repeats)
	r.describe(HeadCompact)
	assert.Contains(t, r.cfg.Log.(*bytes.Buffer).String(), `"class_repeats":[1,1,5]`)
	w := weights(r)
	full := data.EffectiveNumber(200) / data.EffectiveNumber(4)
	assert.InDelta(t, full/5, float64(w[2]/w[0]), 1e-4)

	cfg = quiet(t, base)
	cfg.MinorityRepeat = 1
	r, err = setupRun(t, cfg)
	require.NoError(t, err)
	assert.IsType(t, data.StratifiedSampler{}, r.loader.Sampler())
	w = weights(r)
	assert.InDelta(t, full, float64(w[2]/w[0]), 1e-3)

	cfg = quiet(t, base)
	cfg.MinorityRepeat = 3
	_, err = setupRun(t, cfg)
	assert.ErrorContains(t, err, "-minority-repeat 3: a count applies to two classes")

	cfg = quiet(t, base)
	cfg.Imbalance = "focal"
	r, err = setupRun(t, cfg)
	require.NoError(t, err)
	assert.IsType(t, data.StratifiedSampler{}, r.loader.Sampler())
	assert.Nil(t, r.plan.Repeats)
}

// TestTrainThreeClassesEndToEnd trains a 3-class imbalanced set for one
// epoch through Train, to the end: checkpoints, metrics and plots (no ROC
// for more than two classes), with the rare class repeated.
func TestTrainThreeClassesEndToEnd(t *testing.T) {
	cfg := quiet(t, Config{TrainSet: threeClasses(100, 30, 4), ValSet: threeClasses(12, 6, 3), Arch: "vgg11", Epochs: 1, Batch: 16})
	res, err := Train(context.Background(), cfg)
	require.NoError(t, err)
	assert.FileExists(t, res.Checkpoint)
	for _, f := range []string{"metrics.jsonl", "loss.png", "confusion.png"} {
		assert.FileExists(t, filepath.Join(cfg.Out, f))
	}
	assert.NoFileExists(t, filepath.Join(cfg.Out, "roc.png"))
	assert.Contains(t, cfg.Log.(*bytes.Buffer).String(), "times per epoch")
}

// TestTrainDefersTheRepeats checks Config.RepeatFrom: with 3, a 4-epoch
// run trains epochs 1-2 on each image once with the whole pos_weight and
// repeats the minority (with the weight divided to match) in epochs 3-4; by
// default it repeats from the start.
func TestTrainDefersTheRepeats(t *testing.T) {
	base := Config{TrainSet: synthetic(200, 4, 3), ValSet: synthetic(40, 8, 4), Arch: "vgg11", Epochs: 4, Batch: 16}
	full := data.EffectiveNumber(200) / data.EffectiveNumber(4)

	cfg := quiet(t, base)
	cfg.RepeatFrom = 3
	r, err := setupRun(t, cfg)
	require.NoError(t, err)
	rs := r.loader.Sampler().(data.RepeatSampler)
	assert.Equal(t, 2, rs.From)
	for epoch, want := range []float64{full, full, full / 4, full / 4} {
		assert.InDelta(t, want, r.epochPosWeight(epoch), 1e-4, "epoch %d", epoch+1)
		assert.InDelta(t, want, float64(r.loss.bce.PosWeight.Data()[0]), 1e-4, "epoch %d: the loss's weight", epoch+1)
	}
	r.describe(HeadCompact)
	assert.Contains(t, r.cfg.Log.(*bytes.Buffer).String(), `each "square" image 4 times per epoch from epoch 3; before it once, with pos_weight`)

	r, err = setupRun(t, quiet(t, base))
	require.NoError(t, err)
	assert.Equal(t, 1, r.cfg.RepeatFrom, "the default")
	assert.Equal(t, 0, r.loader.Sampler().(data.RepeatSampler).From)
	assert.InDelta(t, full/4, r.epochPosWeight(0), 1e-4, "by default the repeats start at once")
	r.describe(HeadCompact)
	assert.NotContains(t, r.cfg.Log.(*bytes.Buffer).String(), "from epoch")

	cfg = quiet(t, base)
	cfg.RepeatFrom = 9
	r, err = setupRun(t, cfg)
	require.NoError(t, err)
	r.describe(HeadCompact)
	assert.Contains(t, r.cfg.Log.(*bytes.Buffer).String(), "past the last")
	assert.InDelta(t, full, r.epochPosWeight(3), 1e-4)

	cfg = quiet(t, base)
	cfg.RepeatFrom = -1
	_, err = cfg.withDefaults()
	assert.ErrorContains(t, err, "-repeat-from -1")

	cfg = quiet(t, base) // no repeats planned: nothing to defer
	cfg.MinorityRepeat = 1
	r, err = setupRun(t, cfg)
	require.NoError(t, err)
	assert.Zero(t, r.epochPosWeight(0))
	assert.InDelta(t, full, float64(r.loss.bce.PosWeight.Data()[0]), 1e-4)
}
