package vgg16

import (
	"bytes"
	"context"
	"math"
	"slices"
	"testing"

	"github.com/gocnn/gocnn/data"
	"github.com/gocnn/gocnn/nn"
	"github.com/gocnn/gocnn/optim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestResolveSAM(t *testing.T) {
	small, big := []int{200, 4}, []int{1500, 1000}
	for _, c := range []struct {
		cfg    Config
		counts []int
		rho    float64
		why    string
	}{
		{Config{}, small, SAMRho, "the smallest class has 4 training images, under 1000"},
		{Config{}, big, 0, "every class has 1000 or more"},
		{Config{SAM: 0.1}, big, 0.1, "-sam"},
		{Config{SAM: -1}, small, 0, "off (-sam -1)"},
		{Config{Imbalance: "none"}, small, 0, "plain training"},
		{Config{FreezeFeatures: true}, small, 0, "frozen backbone"},
		{Config{FreezeFeatures: true, SAM: 0.02}, small, 0.02, "-sam"},
	} {
		rho, why := resolveSAM(c.cfg, c.counts)
		assert.Equal(t, c.rho, rho, "%+v %v", c.cfg, c.counts)
		assert.Contains(t, why, c.why)
	}
	_, err := Config{TrainSet: synthetic(20, 4, 3), SAM: math.NaN()}.withDefaults()
	assert.ErrorContains(t, err, "-sam NaN")
}

// TestSAMStep checks samStep against the definition: the gradients it
// leaves are those of the same batch at w + rho·g/|g| (computed here by
// hand, bit for bit), the weights come back to within rounding, and batch
// norm's running statistics are those of the first pass alone.
func TestSAMStep(t *testing.T) {
	cfg := quiet(t, Config{TrainSet: synthetic(200, 4, 3), ValSet: synthetic(40, 8, 4), Arch: "vgg11_bn", Epochs: 1, Batch: 16})
	r, err := setupRun(t, cfg)
	require.NoError(t, err)
	require.Equal(t, SAMRho, r.sam.rho, "a 4-image class turns SAM on")
	assert.Contains(t, r.cfg.Log.(*bytes.Buffer).String(), "SAM rho 0.05 (auto: the smallest class has 4 training images")
	require.NotEmpty(t, r.sam.bns)

	r.model.SetTrain(true)
	r.loader.Resume(data.LoaderState{})
	require.True(t, r.loader.Next(), "%v", r.loader.Err())
	b := r.loader.Batch()
	ps := r.model.Params()
	snap := func(f func(p *nn.Param) []float32) [][]float32 {
		var out [][]float32
		for _, p := range ps {
			out = append(out, slices.Clone(f(p)))
		}
		return out
	}
	value := func(p *nn.Param) []float32 { return p.Value.Data() }
	grad := func(p *nn.Param) []float32 { return p.Grad.Data() }
	runStats := func() [][]float32 {
		var out [][]float32
		for _, bn := range r.sam.bns {
			out = append(out, slices.Clone(bn.RunningMean.Value.Data()), slices.Clone(bn.RunningVar.Value.Data()))
		}
		return out
	}
	w0 := snap(value)
	stats0 := runStats()

	// The reference: gradients at w0 + rho·g/|g| by hand, with no
	// running-statistics update, then everything put back.
	r.loss.forward(r.model.Forward(b.X), b.Labels)
	r.model.Backward(r.loss.backward())
	norm := optim.ClipGradNorm(ps, math.Inf(1))
	scale := float32(SAMRho / (norm + 1e-12))
	g1 := snap(grad)
	for i, p := range ps {
		for k := range p.Value.Data() {
			p.Value.Data()[k] += scale * g1[i][k]
		}
	}
	r.opt.ZeroGrad()
	for _, bn := range r.sam.bns {
		bn.Momentum = 0
	}
	r.loss.forward(r.model.Forward(b.X), b.Labels)
	r.model.Backward(r.loss.backward())
	want := snap(grad)
	for i, bn := range r.sam.bns {
		bn.Momentum = 0.1
		copy(bn.RunningMean.Value.Data(), stats0[2*i])
		copy(bn.RunningVar.Value.Data(), stats0[2*i+1])
	}
	for i, p := range ps {
		copy(p.Value.Data(), w0[i])
	}
	r.opt.ZeroGrad()

	// The trainer's path.
	r.loss.forward(r.model.Forward(b.X), b.Labels)
	r.model.Backward(r.loss.backward())
	r.gradNorm = optim.ClipGradNorm(ps, math.Inf(1))
	stats1 := runStats()
	assert.False(t, sameBits(stats0, stats1), "the first pass updates the running statistics")
	r.samStep(r.model, b.X, b.Labels)
	assert.True(t, sameBits(want, snap(grad)), "the gradients at the perturbed weights")
	assert.False(t, sameBits(g1, snap(grad)), "the gradients changed")
	assert.True(t, sameBits(stats1, runStats()), "the second pass leaves the running statistics alone")
	for _, bn := range r.sam.bns {
		assert.Equal(t, 0.1, bn.Momentum, "momentum restored")
	}
	for i, p := range ps {
		for k, v := range p.Value.Data() {
			// (w + e) - e rounds twice: within an ulp of the larger of w and e.
			tol := 2e-7 * (math.Abs(float64(w0[i][k])) + math.Abs(float64(scale*g1[i][k])))
			if d := math.Abs(float64(v - w0[i][k])); d > tol {
				t.Fatalf("%s[%d]: %v after the step, %v before", p.Name, k, v, w0[i][k])
			}
		}
	}
}

// TestSAMOffByDefaultForLargeClasses checks that auto leaves large classes
// alone and that -sam -1 turns it off, saying so.
func TestSAMOffByDefaultForLargeClasses(t *testing.T) {
	cfg := quiet(t, Config{TrainSet: synthetic(200, 4, 3), ValSet: synthetic(40, 8, 4), Arch: "vgg11", Epochs: 1, Batch: 16, SAM: -1})
	r, err := setupRun(t, cfg)
	require.NoError(t, err)
	assert.Zero(t, r.sam.rho)
	assert.Nil(t, r.sam.e, "no buffers when off")
	assert.Contains(t, r.cfg.Log.(*bytes.Buffer).String(), "SAM off (-sam -1)")
}

// sameBits says whether a and b hold the same float32 bits (no diff of
// millions of floats when they do not).
func sameBits(a, b [][]float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for k := range a[i] {
			if math.Float32bits(a[i][k]) != math.Float32bits(b[i][k]) {
				return false
			}
		}
	}
	return true
}

// TestSAMOnCachedFeatures checks that an explicit -sam with a frozen
// backbone runs the step on the head when it trains on cached features:
// one step with SAM moves the head's weights elsewhere than one without,
// and the features stay as they were.
func TestSAMOnCachedFeatures(t *testing.T) {
	skipSlow(t, "builds a vgg11_bn feature cache twice")
	heads := map[float64][][]float32{}
	for _, rho := range []float64{-1, 0.05} {
		cfg := quiet(t, Config{TrainSet: synthetic(40, 8, 3), ValSet: synthetic(20, 4, 4), Arch: "vgg11_bn",
			Epochs: 1, Batch: 16, MaxSteps: 1, FreezeFeatures: true, SAM: rho})
		r, err := setupRun(t, cfg)
		require.NoError(t, err)
		require.NotNil(t, r.cache, "the frozen backbone's features are cached")
		require.Equal(t, max(rho, 0), r.sam.rho)
		features := slices.Clone(r.model.Features.Params()[0].Value.Data())
		r.model.SetTrain(true)
		r.model.Features.SetTrain(false)
		_, err = r.runCachedEpoch(context.Background(), 0)
		require.NoError(t, err)
		require.Equal(t, 1, r.step)
		assert.Equal(t, features, r.model.Features.Params()[0].Value.Data(), "the backbone is frozen")
		for _, p := range r.model.Classifier.Params() {
			heads[rho] = append(heads[rho], slices.Clone(p.Value.Data()))
		}
	}
	assert.False(t, sameBits(heads[-1], heads[0.05]), "a step with SAM differs from one without")
}
