package vgg16

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocnn/gocnn/data"
	"github.com/gocnn/gocnn/nn"
	"github.com/gocnn/gocnn/optim"
	"github.com/gocnn/gocnn/tensor"
)

// Training the head on cached features is the same computation as training
// it behind a frozen backbone in evaluation mode.
func TestFeatureCacheTrainsHeadLikeFrozenModel(t *testing.T) {
	skipSlow(t, "48 forward passes of vgg11_bn (20 s under -race)")
	spec := Spec{Arch: "vgg11_bn", InChannels: 1, Size: 32, Outputs: 1, Head: HeadCompact, Algo: "im2col"}
	const n, batch, epochs = 12, 4, 2
	g := tensor.NewRNG(3)
	pix := make([]uint8, n*32*32)
	for i := range pix {
		pix[i] = uint8(g.IntN(256))
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = i % 3 % 2
	}
	ds := data.NewMemory(1, 32, 32, pix, labels, []string{"a", "b"})
	tr := DefaultPreprocess(spec).Transform()

	live, err := New(spec, 9)
	require.NoError(t, err)
	cached, err := New(spec, 9)
	require.NoError(t, err)
	// Non-trivial BN statistics, the same in both.
	for i, b := range live.Net.Buffers() {
		if b.Value != nil {
			lo, hi := 0.5, 1.5 // running_var
			if strings.HasSuffix(b.Name, "running_mean") {
				lo, hi = -0.1, 0.1
			}
			b.Value.FillUniform(tensor.NewRNG(uint64(i)), lo, hi)
			cached.Net.Buffers()[i].Value.CopyFrom(b.Value)
		}
	}
	for _, m := range []*Model{live, cached} {
		m.FreezeFeatures()
		m.SetTrain(true)
		m.Features.SetTrain(false)
	}
	cache, err := BuildFeatureCache(context.Background(), cached, ds, tr, CacheOptions{Batch: 5})
	require.NoError(t, err)
	require.Equal(t, n, cache.Len())
	require.Equal(t, 512, cache.Dim)
	require.Equal(t, labels, cache.Labels)

	order := []int{3, 1, 4, 0, 5, 9, 2, 6, 11, 8, 7, 10}
	lossL, lossC := nn.NewBCEWithLogits(nn.ReduceMean), nn.NewBCEWithLogits(nn.ReduceMean)
	optL := optim.NewAdam(optim.ParamsOf(nn.Trainable(live.Params()), 1e-3, 0), optim.AdamConfig{})
	optC := optim.NewAdam(optim.ParamsOf(nn.Trainable(cached.Params()), 1e-3, 0), optim.AdamConfig{})
	s := &data.Sample{}
	for range epochs {
		// Live: full forward passes through the frozen backbone.
		for lo := 0; lo < n; lo += batch {
			x := tensor.Zeros(batch, 1, 32, 32)
			y := tensor.Zeros(batch, 1)
			for j, i := range order[lo : lo+batch] {
				require.NoError(t, ds.Load(i, &s.Image))
				tr.Apply(s)
				copy(x.Data()[j*1024:(j+1)*1024], s.Pix)
				y.Data()[j] = float32(labels[i])
			}
			optL.ZeroGrad()
			lossL.Forward(live.Forward(x), y)
			live.Backward(lossL.Backward(nil))
			optL.Step()
		}
		// Cached: the head alone.
		err := cache.Batches(order, batch, false, func(x, y *tensor.Tensor, _ []int) error {
			optC.ZeroGrad()
			lossC.Forward(cached.Classifier.Forward(x), y.View(y.Dim(0), 1))
			cached.Classifier.Backward(lossC.Backward(nil))
			optC.Step()
			return nil
		})
		require.NoError(t, err)
	}
	for i, p := range live.Params() {
		q := cached.Params()[i]
		d, ok := tensor.MaxDiff(p.Value, q.Value, 1e-5, 1e-6)
		require.True(t, ok, "%s: max diff %g", p.Name, d)
	}
	// The features are not all zero, and the head did move.
	require.Greater(t, tensor.Wrap(cache.Rows, len(cache.Rows)).Max(), float32(0))
	fresh, _ := New(spec, 9)
	require.False(t, tensor.Equal(fresh.Last.Weight.Value, cached.Last.Weight.Value))
}

func TestFeatureCacheLimits(t *testing.T) {
	spec := Spec{Arch: "vgg11", InChannels: 1, Size: 32, Outputs: 2, Head: HeadCompact}
	m, err := New(spec, 1)
	require.NoError(t, err)
	ds := data.NewMemory(1, 32, 32, make([]uint8, 4*32*32), []int{0, 1, 0, 1}, []string{"a", "b"})
	_, err = BuildFeatureCache(context.Background(), m, ds, nil, CacheOptions{MaxBytes: 1000})
	require.ErrorContains(t, err, "limit")
	wrong := data.NewMemory(1, 28, 28, make([]uint8, 4*28*28), []int{0, 1, 0, 1}, []string{"a", "b"})
	_, err = BuildFeatureCache(context.Background(), m, wrong, nil, CacheOptions{})
	require.ErrorContains(t, err, "28")
	require.True(t, CacheWorthwhile(true, false))
	require.False(t, CacheWorthwhile(true, true))
}
