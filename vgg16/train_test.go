package vgg16

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocnn/gocnn/data"
	"github.com/gocnn/gocnn/tensor"
)

// synthetic returns an in-memory 1x32x32 set: class 1 images carry a bright
// square, class 0 images only noise; neg negatives and pos positives.
func synthetic(neg, pos int, seed uint64) *data.Memory {
	g := tensor.NewRNG(seed)
	const side = 32
	n := neg + pos
	pix := make([]uint8, n*side*side)
	labels := make([]int, n)
	for i := 0; i < n; i++ {
		img := pix[i*side*side : (i+1)*side*side]
		for j := range img {
			img[j] = uint8(g.IntN(100))
		}
		if pos > 0 && i%(n/pos) == 0 && i/(n/pos) < pos {
			labels[i] = 1
			x0, y0 := 4+g.IntN(16), 4+g.IntN(16)
			for y := y0; y < y0+10; y++ {
				for x := x0; x < x0+10; x++ {
					img[y*side+x] = 255
				}
			}
		}
	}
	return data.NewMemory(1, side, side, pix, labels, []string{"background", "square"})
}

func quiet(t *testing.T, cfg Config) Config {
	t.Helper()
	cfg.Out = t.TempDir()
	cfg.Log = &bytes.Buffer{}
	cfg.Seed = 1
	cfg.Algo = "im2col"
	return cfg
}

func TestTrainPlainCollapsesAndDetectorFires(t *testing.T) {
	skipSlow(t, "trains a VGG11")
	cfg := quiet(t, Config{TrainSet: synthetic(400, 8, 1), ValSet: synthetic(200, 20, 2),
		Arch: "vgg11", Epochs: 1, Batch: 32, Imbalance: "none"})
	res, err := Train(context.Background(), cfg)
	require.NoError(t, err)
	assert.True(t, res.Collapsed, "plain BCE at 50:1 predicts the majority: the detector must fire")
	assert.Contains(t, res.Diagnosis.Message, "'square' recall is 0.00")
	assert.Contains(t, strings.Join(res.Diagnosis.Causes, "\n"), "no imbalance handling is in use")
	log := cfg.Log.(*bytes.Buffer).String()
	assert.Contains(t, log, "COLLAPSE")
	// metrics.jsonl has one line per epoch with the collapse verdict.
	b, err := os.ReadFile(filepath.Join(cfg.Out, "metrics.jsonl"))
	require.NoError(t, err)
	var rec EpochRecord
	require.NoError(t, json.Unmarshal(bytes.Split(b, []byte("\n"))[0], &rec))
	assert.True(t, rec.Collapse.Collapsed)
	assert.Equal(t, 1, rec.Epoch)
}

func TestTrainAutoLearnsMinority(t *testing.T) {
	skipSlow(t, "trains a VGG11")
	cfg := quiet(t, Config{TrainSet: synthetic(240, 12, 1), ValSet: synthetic(100, 20, 2),
		Arch: "vgg11_bn", Epochs: 2, Batch: 16, LR: 1e-3})
	res, err := Train(context.Background(), cfg)
	require.NoError(t, err)
	assert.Equal(t, "weights", res.Strategy)
	assert.GreaterOrEqual(t, res.Best.PerClass[1].Recall, 0.8, "the minority class is learned: %+v", res.Best)
	assert.GreaterOrEqual(t, res.Best.BalancedAccuracy, 0.85)
	// The best checkpoint is what predict takes: metadata and threshold.
	ck, err := LoadCheckpoint(res.Checkpoint)
	require.NoError(t, err)
	assert.Equal(t, []string{"background", "square"}, ck.Meta.Classes)
	assert.Equal(t, res.Threshold, ck.Meta.Threshold)
	assert.Equal(t, 32, ck.Meta.Preprocess.Size)
	// last.safetensors carries the threshold and metrics tuned for its own
	// (the last epoch's) weights, not the best epoch's.
	last, err := LoadCheckpoint(filepath.Join(cfg.Out, "last.safetensors"))
	require.NoError(t, err)
	final := res.Epochs[len(res.Epochs)-1]
	assert.Equal(t, final.Threshold, last.Meta.Threshold)
	require.NotNil(t, last.Meta.Val)
	assert.Equal(t, final.Val.BalancedAccuracy, last.Meta.Val.BalancedAccuracy)
}

func TestLastThresholdIsTheLatestEpochs(t *testing.T) {
	assert.Equal(t, 0.5, lastThreshold(nil, 0.5), "before any epoch: the run's")
	recs := []EpochRecord{{Epoch: 1, Threshold: 0.41}, {Epoch: 2, Threshold: 0.051}, {Epoch: 3, Threshold: 0.0066}}
	// The best epoch was the second (the run's thr is its 0.051); the last
	// checkpoint holds the third epoch's weights and takes their threshold.
	assert.Equal(t, 0.0066, lastThreshold(recs, 0.051))
}

func TestTrainResumeMatchesUninterrupted(t *testing.T) {
	skipSlow(t, "trains a VGG11 three times")
	base := Config{TrainSet: synthetic(120, 12, 3), ValSet: synthetic(40, 8, 4), Arch: "vgg11_bn", Batch: 16, LR: 1e-3}
	full := quiet(t, base)
	full.Epochs = 2
	_, err := Train(context.Background(), full)
	require.NoError(t, err)

	part := quiet(t, base)
	part.Epochs = 2
	part.MaxSteps = 1 * (132 / 16) // stop after the first epoch
	_, err = Train(context.Background(), part)
	require.NoError(t, err)
	part.MaxSteps = 0
	part.Resume = true
	_, err = Train(context.Background(), part)
	require.NoError(t, err)

	a, err := LoadCheckpoint(filepath.Join(full.Out, "last.safetensors"))
	require.NoError(t, err)
	b, err := LoadCheckpoint(filepath.Join(part.Out, "last.safetensors"))
	require.NoError(t, err)
	for i, p := range a.Model.Params() {
		q := b.Model.Params()[i]
		require.True(t, tensor.Equal(p.Value, q.Value), "%s differs after resume", p.Name)
	}
	assert.Equal(t, a.Meta.Step, b.Meta.Step)
}

func writeTrainPNG(t *testing.T, path string, v uint8) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	img := image.NewGray(image.Rect(0, 0, 32, 32))
	for i := range img.Pix {
		img.Pix[i] = v + uint8(i%7)
	}
	img.Set(0, 0, color.Gray{Y: 255})
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, png.Encode(f, img))
	require.NoError(t, f.Close())
}

func TestTrainBadInput(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	run := func(c Config) error {
		c.Log = &bytes.Buffer{}
		c.Out = filepath.Join(dir, "out")
		_, err := Train(ctx, c)
		return err
	}
	// Empty folder.
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.MkdirAll(empty, 0o755))
	err := run(Config{Data: empty})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "empty")
	// One class only.
	one := filepath.Join(dir, "one")
	writeTrainPNG(t, filepath.Join(one, "cats", "a.png"), 10)
	writeTrainPNG(t, filepath.Join(one, "cats", "b.png"), 20)
	err = run(Config{Data: one})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "one class")
	// A class with a single image.
	single := filepath.Join(dir, "single")
	writeTrainPNG(t, filepath.Join(single, "cats", "a.png"), 10)
	writeTrainPNG(t, filepath.Join(single, "cats", "b.png"), 20)
	writeTrainPNG(t, filepath.Join(single, "dogs", "c.png"), 30)
	err = run(Config{Data: single})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `class "dogs" has a single image`)
	// Missing folder, unknown arch, bad values.
	assert.ErrorContains(t, run(Config{Data: filepath.Join(dir, "nope")}), "nope")
	assert.ErrorContains(t, run(Config{Data: one, Arch: "vgg15"}), "unknown architecture")
	assert.ErrorContains(t, run(Config{Data: one, Batch: -1}), "-batch")
	assert.ErrorContains(t, run(Config{Data: one, Imbalance: "magic"}), "-imbalance")
	assert.ErrorContains(t, run(Config{Data: one, Size: 16}), "32x32")
	assert.ErrorContains(t, run(Config{}), "-data")
	_, err = Train(ctx, Config{Data: one, Resume: true, Log: &bytes.Buffer{}})
	assert.ErrorContains(t, err, "-resume needs -out")
}

func TestTrainSkipsUnreadableImages(t *testing.T) {
	skipSlow(t, "trains a VGG11")
	dir := t.TempDir()
	for i := 0; i < 6; i++ {
		writeTrainPNG(t, filepath.Join(dir, "a", string(rune('a'+i))+".png"), uint8(10*i))
		writeTrainPNG(t, filepath.Join(dir, "b", string(rune('a'+i))+".png"), uint8(100+10*i))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a", "broken.png"), []byte("\x89PNG\r\n\x1a\nbroken"), 0o644))
	log := &bytes.Buffer{}
	_, err := Train(context.Background(), Config{Data: dir, Arch: "vgg11", Epochs: 1, Batch: 4, Out: t.TempDir(), Log: log, Algo: "im2col"})
	require.NoError(t, err)
	assert.Contains(t, log.String(), "unreadable")
}

// poisoned is a dataset whose images after the first few are NaN.
type poisoned struct{ *data.Memory }

func (p poisoned) Load(i int, dst *data.Image) error {
	if err := p.Memory.Load(i, dst); err != nil {
		return err
	}
	if i >= 40 {
		for j := range dst.Pix {
			dst.Pix[j] = float32(math.NaN())
		}
	}
	return nil
}

func TestTrainNonFiniteLossStopsWithError(t *testing.T) {
	skipSlow(t, "trains a VGG11")
	cfg := quiet(t, Config{TrainSet: poisoned{synthetic(80, 8, 5)}, ValSet: synthetic(20, 4, 6),
		Arch: "vgg11", Epochs: 2, Batch: 8})
	_, err := Train(context.Background(), cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "non-finite")
	assert.Contains(t, err.Error(), "before the first checkpoint")

	// Poisoned from the second epoch on: the first epoch's checkpoint stays.
	cfg = quiet(t, Config{TrainSet: poisonedAfter{synthetic(80, 8, 5), 1 + 88 + 88 + 8, new(atomic.Int64)}, ValSet: synthetic(20, 4, 6),
		Arch: "vgg11", Epochs: 2, Batch: 8})
	_, err = Train(context.Background(), cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "last good checkpoint")
	ck, err := LoadCheckpoint(filepath.Join(cfg.Out, "last.safetensors"))
	require.NoError(t, err)
	for _, p := range ck.Model.Params() {
		require.True(t, p.Value.IsFinite(), "%s is not finite in the kept checkpoint", p.Name)
	}
}

// poisonedAfter returns NaN images after `after` loads (preprocessing
// statistics, the first epoch and its validation come first).
type poisonedAfter struct {
	*data.Memory
	after int64
	n     *atomic.Int64
}

func (p poisonedAfter) Load(i int, dst *data.Image) error {
	if err := p.Memory.Load(i, dst); err != nil {
		return err
	}
	if p.n.Add(1) > p.after {
		for j := range dst.Pix {
			dst.Pix[j] = float32(math.NaN())
		}
	}
	return nil
}

func TestTrainFrozenBackboneUsesFeatureCache(t *testing.T) {
	skipSlow(t, "trains a VGG11 head")
	cfg := quiet(t, Config{TrainSet: synthetic(120, 12, 7), ValSet: synthetic(40, 8, 8),
		Arch: "vgg11_bn", Epochs: 3, Batch: 16, LR: 1e-3, FreezeFeatures: true})
	before, err := New(Spec{Arch: "vgg11_bn", InChannels: 1, Size: 32, Outputs: 1, Head: HeadCompact, Algo: "im2col"}, cfg.Seed)
	require.NoError(t, err)
	res, err := Train(context.Background(), cfg)
	require.NoError(t, err)
	assert.Contains(t, cfg.Log.(*bytes.Buffer).String(), "feature cache: the frozen backbone's output for 132 training images")
	assert.Equal(t, 3*(132/16), res.Steps)
	ck, err := LoadCheckpoint(res.Checkpoint)
	require.NoError(t, err)
	for i, p := range ck.Model.Params() {
		q := before.Params()[i]
		if strings.HasPrefix(p.Name, "features.") {
			require.True(t, tensor.Equal(p.Value, q.Value), "%s changed although frozen", p.Name)
		} else {
			require.False(t, tensor.Equal(p.Value, q.Value), "%s did not train", p.Name)
		}
	}
	// The frozen BN statistics did not move either.
	for _, b := range ck.Model.Net.Buffers() {
		if b.Value != nil && strings.HasSuffix(b.Name, "running_mean") {
			require.Equal(t, 0.0, b.Value.Sum(), "%s moved", b.Name)
		}
	}
}

func TestTrainFrozenBackboneWithAugmentation(t *testing.T) {
	skipSlow(t, "trains a VGG11 head")
	cfg := quiet(t, Config{TrainSet: synthetic(60, 6, 9), ValSet: synthetic(20, 4, 10),
		Arch: "vgg11_bn", Epochs: 1, Batch: 16, LR: 1e-3, FreezeFeatures: true, Augment: true})
	before, err := New(Spec{Arch: "vgg11_bn", InChannels: 1, Size: 32, Outputs: 1, Head: HeadCompact, Algo: "im2col"}, cfg.Seed)
	require.NoError(t, err)
	res, err := Train(context.Background(), cfg)
	require.NoError(t, err)
	assert.NotContains(t, cfg.Log.(*bytes.Buffer).String(), "feature cache", "augmentation on: no cache")
	ck, err := LoadCheckpoint(res.Checkpoint)
	require.NoError(t, err)
	for i, p := range ck.Model.Params() {
		if strings.HasPrefix(p.Name, "features.") {
			require.True(t, tensor.Equal(p.Value, before.Params()[i].Value), "%s changed although frozen", p.Name)
		}
	}
	for _, b := range ck.Model.Net.Buffers() {
		if b.Value != nil && strings.HasSuffix(b.Name, "running_mean") {
			require.Equal(t, 0.0, b.Value.Sum(), "%s moved", b.Name)
		}
	}
}

func TestLRFactorCosine(t *testing.T) {
	assert.Equal(t, 1.0, lrFactor("constant", 50, 100))
	assert.Equal(t, 1.0, lrFactor("cosine", 0, 100))
	assert.InDelta(t, 0.5, lrFactor("cosine", 50, 100), 1e-12)
	assert.InDelta(t, (1+math.Cos(math.Pi/4))/2, lrFactor("cosine", 25, 100), 1e-12)
	assert.Equal(t, 0.0, lrFactor("cosine", 100, 100))
	assert.Equal(t, 0.0, lrFactor("cosine", 130, 100), "past the planned steps the rate stays at 0")
	assert.Equal(t, 1.0, lrFactor("cosine", 0, 1))
}

func TestTranslatePixels(t *testing.T) {
	bn := Config{Arch: "vgg16_bn"}
	assert.Equal(t, 2, translatePixels(bn, 32))
	assert.Equal(t, 4, translatePixels(bn, 64))
	assert.Equal(t, 0, translatePixels(bn, 224), "large images: no default shift")
	assert.Equal(t, 0, translatePixels(Config{Arch: "vgg16"}, 32), "no default shift without batch norm")
	assert.Equal(t, 0, translatePixels(Config{Arch: "vgg16_bn", Translate: -1}, 32))
	assert.Equal(t, 3, translatePixels(Config{Arch: "vgg16", Translate: 3}, 224))
	assert.Equal(t, 0, translatePixels(Config{Arch: "vgg16_bn", FreezeFeatures: true}, 32), "a frozen backbone keeps its feature cache")
}

// TestTrainTransformShiftsBeforeNormalising checks that the training
// pipeline's shift fills with what the padding holds (black, normalised)
// and that without augmentation it is the evaluation pipeline.
func TestTrainTransformShiftsBeforeNormalising(t *testing.T) {
	p := Preprocess{Size: 32, Resize: 28, Pad: 2, Channels: 1, Mean: []float32{0.3}, Std: []float32{0.4}}
	img := func() *data.Sample {
		s := &data.Sample{}
		s.Reset(1, 28, 28)
		for i := range s.Pix {
			s.Pix[i] = 1
		}
		return s
	}
	black, white := (0-0.3)/float32(0.4), (1-0.3)/float32(0.4)
	eval := img()
	eval.Seed(1, 0, 0)
	p.Transform().Apply(eval)
	none := img()
	none.Seed(1, 0, 0)
	p.trainTransform(0, false, 0).Apply(none)
	require.Equal(t, eval.Pix, none.Pix)

	tr := p.trainTransform(2, false, 0)
	shifted := 0
	for pos := uint64(0); pos < 20; pos++ {
		s := img()
		s.Seed(1, 0, pos)
		tr.Apply(s)
		require.Equal(t, [3]int{1, 32, 32}, [3]int{s.C, s.H, s.W})
		nw := 0
		for _, v := range s.Pix {
			require.True(t, v == black || v == white, "pixel %v is neither black nor white", v)
			if v == white {
				nw++
			}
		}
		require.Equal(t, 28*28, nw, "a 2-pixel shift inside a 2-pixel border loses nothing")
		if !slices.Equal(s.Pix, eval.Pix) {
			shifted++
		}
	}
	assert.Greater(t, shifted, 10)
}

// TestTrainDefaultsWireOrderAndSchedule checks what the defaults put
// together: the stratified order, and a cosine rate planned over every
// epoch's steps.
func TestTrainDefaultsWireOrderAndSchedule(t *testing.T) {
	cfg, err := quiet(t, Config{TrainSet: synthetic(120, 12, 3), ValSet: synthetic(40, 8, 4), Arch: "vgg11", Epochs: 3, Batch: 16}).withDefaults()
	require.NoError(t, err)
	r := &run{cfg: cfg, log: &logger{w: cfg.Log}, best: -1, thr: 0.5, lrScale: 1}
	require.NoError(t, r.setup())
	defer r.loader.Close()
	defer r.val.Close()
	assert.IsType(t, data.StratifiedSampler{}, r.loader.Sampler())
	assert.Equal(t, "cosine", r.cfg.Schedule)
	r.planSteps(0, 0, r.loader.NumBatches())
	assert.Equal(t, 3*(132/16), r.totalSteps)
	r.step = r.totalSteps / 2
	r.setLR()
	assert.InDelta(t, 0.5*cfg.LR, r.opt.Groups()[0].LR, 1e-6*cfg.LR)

	cfg.BatchOrder, cfg.Schedule = "random", "constant"
	r2 := &run{cfg: cfg, log: &logger{w: cfg.Log}, best: -1, thr: 0.5, lrScale: 1}
	require.NoError(t, r2.setup())
	defer r2.loader.Close()
	defer r2.val.Close()
	assert.IsType(t, data.RandomSampler{}, r2.loader.Sampler())
}

// valAt returns binary validation metrics with the given recalls over
// 1000 negatives and 100 positives.
func valAt(r0, r1 float64) Metrics {
	return Metrics{BalancedAccuracy: (r0 + r1) / 2, PerClass: []ClassMetrics{
		{Recall: r0, Support: 1000}, {Recall: r1, Support: 100}}}
}

func TestBalancedAccuracySE(t *testing.T) {
	m := valAt(0.95, 0.95)
	want := math.Sqrt(0.95*0.05/1000+0.95*0.05/100) / 2
	assert.InDelta(t, want, BalancedAccuracySE(m), 1e-12)
	assert.InDelta(t, 0.0114, BalancedAccuracySE(m), 1e-4)
	assert.Zero(t, BalancedAccuracySE(valAt(1, 1)), "perfect recalls have no spread")
	assert.Zero(t, BalancedAccuracySE(Metrics{}), "no classes")
	one := Metrics{PerClass: []ClassMetrics{{Recall: 0.5, Support: 4}, {Support: 0}}}
	assert.InDelta(t, 0.25, BalancedAccuracySE(one), 1e-12, "an empty class does not count")
}

func TestKeepAsBestKeepsALaterEpochWithinTheNoise(t *testing.T) {
	recs := func(ms ...Metrics) []EpochRecord {
		var out []EpochRecord
		for _, m := range ms {
			out = append(out, EpochRecord{Val: m})
		}
		return out
	}
	best := valAt(0.958, 0.95) // 0.954, standard error 0.0113
	se := BalancedAccuracySE(best)
	assert.True(t, keepAsBest(valAt(0.5, 0.5), nil), "the first epoch is always kept")
	assert.True(t, keepAsBest(valAt(0.96, 0.96), recs(best)), "better")
	assert.True(t, keepAsBest(best, recs(best)), "a tie")
	assert.True(t, keepAsBest(valAt(0.952, 0.94), recs(valAt(0.9, 0.9), best)), "0.946: within one standard error of 0.954")
	assert.False(t, keepAsBest(valAt(0.95, 0.93), recs(best)), "0.940: more than one standard error below")
	lo := best.BalancedAccuracy - se
	assert.True(t, keepAsBest(Metrics{BalancedAccuracy: lo}, recs(best)), "exactly one standard error below")
	assert.False(t, keepAsBest(Metrics{BalancedAccuracy: lo - 1e-6}, recs(best)))
	// The reference is the highest epoch so far, not the last one kept:
	// a slow slide is measured against the peak.
	slid := recs(best, valAt(0.952, 0.94))
	assert.False(t, keepAsBest(valAt(0.95, 0.93), slid))
	// With perfect recalls only an exact tie is kept.
	assert.False(t, keepAsBest(valAt(0.999, 1), recs(valAt(1, 1))))
}

// TestTrainAugmentationLine checks the augmentation the trainer reports:
// what is on, or "none" (not "shift up to 0 px").
func TestTrainAugmentationLine(t *testing.T) {
	td := &trainData{pre: Preprocess{Size: 32}}
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Arch: "vgg11_bn"}, "shift up to 2 px"},
		{Config{Arch: "vgg11"}, "none"},
		{Config{Arch: "vgg11_bn", Translate: -1}, "none"},
		{Config{Arch: "vgg11_bn", FreezeFeatures: true}, "none"},
		{Config{Translate: -1, Augment: true, Erase: 0.5}, "horizontal flips, random erasing p=0.5"},
		{Config{Translate: 3, Augment: true}, "shift up to 3 px, horizontal flips"},
	} {
		r := &run{cfg: c.cfg, td: td}
		assert.Equal(t, c.want, r.augmentation(), "%+v", c.cfg)
	}
}
