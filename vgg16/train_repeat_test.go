package vgg16

import (
	"bytes"
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

	cfg = quiet(t, base)
	cfg.PosWeight = 3
	r, err = setupRun(t, cfg)
	require.NoError(t, err)
	assert.IsType(t, data.StratifiedSampler{}, r.loader.Sampler(), "an explicit weight is the whole remedy")
	assert.InDelta(t, 3, posWeight(r), 1e-6)

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
