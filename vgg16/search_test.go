package vgg16

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseGrid(t *testing.T) {
	trials, err := ParseGrid(" lr=1e-3, 1e-4 ; imbalance=weights,focal;seed=3")
	require.NoError(t, err)
	require.Len(t, trials, 4)
	// The last key varies fastest.
	assert.Equal(t, 1e-3, trials[0].LR)
	assert.Equal(t, "weights", trials[0].Imbalance)
	assert.Equal(t, "focal", trials[1].Imbalance)
	assert.Equal(t, 1e-4, trials[2].LR)
	assert.Equal(t, uint64(3), *trials[3].Seed)
	assert.Equal(t, "lr=0.0001 imbalance=focal seed=3", trials[3].String())

	one, err := ParseGrid("batch=8;epochs=2;arch=VGG11_bn;optim=sgd;seed=0")
	require.NoError(t, err)
	require.Len(t, one, 1)
	c := one[0].Apply(Config{Batch: 64, Epochs: 4, Arch: "vgg16", Optim: "adam", Seed: 7, LR: 0.5})
	assert.Equal(t, Config{Batch: 8, Epochs: 2, Arch: "vgg11_bn", Optim: "sgd", Seed: 0, LR: 0.5}, c,
		"set keys override, seed=0 included; unset ones keep the base")

	for spec, want := range map[string]string{
		"lrate=1e-3":      `unknown key "lrate"`,
		"lr=fast":         "lr=fast: not a number",
		"lr=-1":           "lr=-1: the learning rate must be positive",
		"imbalance=magic": "imbalance=magic: want auto",
		"optim=rmsprop":   "optim=rmsprop: want adam",
		"batch=0":         "batch=0: must be at least 1",
		"epochs=two":      "epochs=two: not an integer",
		"arch=vgg15":      "arch=vgg15: want vgg11",
		"seed=-1":         "seed=-1: not a non-negative integer",
		"lr=1e-3;lr=1e-4": `key "lr" given twice`,
		"lr":              `"lr": want key=value`,
		"lr=1e-3,":        "lr=1e-3,: empty value",
		"":                "empty search space",
		"lr=1e-5..1e-2":   "a range needs -random",
		"batch=8..64":     "ranges are for lr, epochs and seed",
		"lr=1e-2..1e-5":   "the range is empty",
		"lr=1,2,3,4,5,6,7,8,9,10;batch=1,2,3,4,5,6,7,8,9,10;seed=1,2,3,4,5,6,7,8,9,10,11": "more than 1000 trials",
	} {
		_, err := ParseGrid(spec)
		if assert.Error(t, err, spec) {
			assert.Contains(t, err.Error(), want, spec)
		}
	}
}

func TestRandomTrials(t *testing.T) {
	a, err := RandomTrials(20, 42, "")
	require.NoError(t, err)
	b, err := RandomTrials(20, 42, "")
	require.NoError(t, err)
	assert.Equal(t, a, b, "the same seed gives the same trials")
	c, err := RandomTrials(20, 43, "")
	require.NoError(t, err)
	assert.NotEqual(t, a, c)
	strategies := map[string]bool{}
	for _, tr := range a {
		assert.GreaterOrEqual(t, tr.LR, 1e-5*(1-1e-3), tr.String())
		assert.LessOrEqual(t, tr.LR, 1e-2*(1+1e-3), tr.String())
		assert.Contains(t, []string{"adam", "adamw"}, tr.Optim)
		strategies[tr.Imbalance] = true
		assert.NotEqual(t, "none", tr.Imbalance, "the default space handles imbalance")
	}
	assert.Greater(t, len(strategies), 1)

	// A spec restricts or pins keys; ranges for epochs and seed are uniform.
	r, err := RandomTrials(30, 1, "imbalance=focal;optim=sgd;lr=1e-3..1e-1;epochs=1..3;seed=5..6")
	require.NoError(t, err)
	epochs := map[int]bool{}
	for _, tr := range r {
		assert.Equal(t, "focal", tr.Imbalance)
		assert.Equal(t, "sgd", tr.Optim)
		assert.True(t, tr.LR >= 1e-3*(1-1e-3) && tr.LR <= 1e-1*(1+1e-3), tr.String())
		assert.True(t, *tr.Seed == 5 || *tr.Seed == 6)
		epochs[tr.Epochs] = true
	}
	assert.Equal(t, map[int]bool{1: true, 2: true, 3: true}, epochs)

	_, err = RandomTrials(0, 1, "")
	assert.ErrorContains(t, err, "-random 0")
	_, err = RandomTrials(3, 1, "momentum=0.9")
	assert.ErrorContains(t, err, `unknown key "momentum"`)
}

func TestRankTrials(t *testing.T) {
	rs := []TrialResult{
		{ID: 1, Score: 0.8, MacroF1: 0.7},
		{ID: 2, Score: math.NaN(), Err: errors.New("loss is NaN at step 3")},
		{ID: 3, Score: 0.9, MacroF1: 0.6},
		{ID: 4, Score: 0.8, MacroF1: 0.75},
		{ID: 5, Score: math.NaN()},
		{ID: 6, Score: 0.8, MacroF1: 0.7},
	}
	rankTrials(rs)
	var order []int
	for i, r := range rs {
		order = append(order, r.ID)
		assert.Equal(t, i+1, r.Rank)
	}
	assert.Equal(t, []int{3, 4, 1, 6, 2, 5}, order)

	lr := func(v float64) Trial { return Trial{LR: v, Imbalance: "focal"} }
	rs[0].Trial, rs[1].Trial = lr(1e-3), lr(1e-4)
	rs[0].Duration = 61 * time.Second
	tab := TrialTable(rs)
	lines := strings.Split(tab, "\n")
	require.Len(t, lines, 7)
	assert.Regexp(t, `^rank\s+trial\s+lr\s+imbalance\s+bal\.acc\s+macro-F1\s+epoch\s+time$`, lines[0])
	assert.Regexp(t, `^1\s+3\s+0\.001\s+focal\s+0\.900\s+0\.600\s+0\s+1m1s$`, lines[1])
	assert.Contains(t, tab, "failed: loss is NaN at step 3")
}

func TestTrainCommand(t *testing.T) {
	c := Config{Data: "my data", Arch: "vgg11_bn", Epochs: 4, LR: 1e-3, Optim: "adam", Imbalance: "focal", Seed: 3, Head: "auto"}
	assert.Equal(t, "gocnn train -data 'my data' -arch vgg11_bn -lr 0.001 -imbalance focal -seed 3", TrainCommand(c))
	assert.Equal(t, "", TrainCommand(Config{TrainSet: synthetic(2, 1, 1)}))
	c.SAM, c.RepeatFrom, c.Augment, c.Schedule = -1, 3, true, "constant"
	assert.Equal(t, "gocnn train -data 'my data' -arch vgg11_bn -lr 0.001 -imbalance focal -repeat-from 3 -sam -1 -augment -schedule constant -seed 3", TrainCommand(c))
}

func TestSearchSAMKey(t *testing.T) {
	trials, err := ParseGrid("sam=auto,off,0.1")
	require.NoError(t, err)
	require.Len(t, trials, 3)
	for i, want := range []float64{0, -1, 0.1} {
		require.NotNil(t, trials[i].SAM)
		assert.Equal(t, want, *trials[i].SAM)
		assert.Equal(t, want, trials[i].Apply(Config{SAM: 0.5}).SAM)
	}
	assert.Equal(t, "sam=auto", trials[0].String())
	assert.Equal(t, "sam=off", trials[1].String())
	assert.Equal(t, "sam=0.1", trials[2].String())
	assert.Equal(t, 0.5, Trial{}.Apply(Config{SAM: 0.5}).SAM, "no sam key keeps the base's")
	for _, bad := range []string{"sam=0", "sam=-0.1", "sam=x", "sam=0.01..0.1"} {
		_, err := ParseGrid(bad)
		assert.Error(t, err, bad)
	}
}

func TestSearchEndToEnd(t *testing.T) {
	skipSlow(t, "trains two VGG11s")
	trials, err := ParseGrid("imbalance=weights,oversample")
	require.NoError(t, err)
	log := &bytes.Buffer{}
	base := Config{TrainSet: synthetic(24, 8, 1), ValSet: synthetic(12, 4, 2), Arch: "vgg11", Epochs: 1, Batch: 16,
		Out: t.TempDir(), Log: log, Seed: 1, Algo: "im2col", Threads: 2}
	rs, err := Search(context.Background(), base, trials, 2)
	require.NoError(t, err, log.String())
	require.Len(t, rs, 2)
	assert.Equal(t, 1, rs[0].Rank)
	assert.GreaterOrEqual(t, rs[0].Score, rs[1].Score)
	for _, r := range rs {
		require.NoError(t, r.Err)
		assert.Equal(t, 1, r.Config.Threads, "2 threads shared by 2 trials")
		assert.FileExists(t, filepath.Join(r.Out, "best.safetensors"))
		assert.FileExists(t, filepath.Join(r.Out, "trial.log"))
	}
	assert.NotEqual(t, rs[0].Out, rs[1].Out)
	assert.Contains(t, log.String(), "rank  trial  imbalance")

	b, err := os.ReadFile(filepath.Join(base.Out, "best_config.json"))
	require.NoError(t, err)
	var best BestConfig
	require.NoError(t, json.Unmarshal(b, &best))
	assert.Equal(t, rs[0].ID, best.ID)
	assert.Equal(t, rs[0].Trial.Imbalance, best.Config.Imbalance)
	assert.Equal(t, "vgg11", best.Config.Arch)
	require.NotNil(t, best.Score)
	assert.Equal(t, rs[0].Score, *best.Score)
	var all []trialJSON
	b, err = os.ReadFile(filepath.Join(base.Out, "search.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &all))
	assert.Len(t, all, 2)

	// A bad trial configuration is an error before anything runs.
	_, err = Search(context.Background(), base, []Trial{{Arch: "vgg15"}}, 1)
	assert.ErrorContains(t, err, "trial 1 (arch=vgg15)")
	_, err = Search(context.Background(), base, nil, 1)
	assert.ErrorContains(t, err, "no trials")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Search(ctx, base, trials, 1)
	assert.ErrorContains(t, err, "interrupted")
}
