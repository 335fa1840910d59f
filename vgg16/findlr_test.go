package vgg16

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSuggestLR(t *testing.T) {
	lrs := make([]float64, 50)
	loss := make([]float64, 50)
	for i := range lrs {
		lrs[i] = 1e-7 * math.Pow(1e7, float64(i)/49)
		x := math.Log10(lrs[i]) // -7 .. 0
		// Flat, then a descent steepest at 1e-4, a minimum near 1e-2, then up.
		loss[i] = 1 - 0.8/(1+math.Exp(-3*(x+4)))
		if x > -2 {
			loss[i] = 0.2 + 2*(x+2)*(x+2)
		}
	}
	lr, rule := suggestLR(lrs, loss)
	assert.InDelta(t, -4, math.Log10(lr), 0.2, "suggested %g", lr)
	assert.Contains(t, rule, "steepest")

	// A loss that only rises: the lowest loss's rate / 10.
	up := make([]float64, 50)
	for i := range up {
		up[i] = 1 + float64(i)
	}
	lr, rule = suggestLR(lrs, up)
	assert.Equal(t, lrs[0]/10, lr)
	assert.Contains(t, rule, "/ 10")
	// Too few steps.
	lr, _ = suggestLR(lrs[:2], []float64{1, 0.5})
	assert.Equal(t, lrs[1]/10, lr)
}

func TestFindLR(t *testing.T) {
	skipSlow(t, "trains a VGG11")
	cfg := quiet(t, Config{TrainSet: synthetic(48, 16, 1), ValSet: synthetic(16, 4, 2),
		Arch: "vgg11", Batch: 8, MaxSteps: 8})
	f, err := FindLR(context.Background(), cfg)
	require.NoError(t, err)
	require.NotEmpty(t, f.LRs)
	assert.LessOrEqual(t, len(f.LRs), 8)
	assert.Equal(t, 1e-7, f.LRs[0])
	for i := 1; i < len(f.LRs); i++ {
		assert.Greater(t, f.LRs[i], f.LRs[i-1], "the rate rises")
	}
	if !f.Diverged {
		assert.InDelta(t, 1.0, f.LRs[len(f.LRs)-1], 1e-9, "8 steps end at 1")
	}
	assert.Len(t, f.Losses, len(f.LRs))
	assert.Len(t, f.Smoothed, len(f.LRs))
	assert.Greater(t, f.Suggested, 0.0)
	assert.NotEmpty(t, f.Rule)
	assert.Equal(t, filepath.Join(cfg.Out, "lr_find.png"), f.Plot)
	checkPNG(t, f.Plot)
	// Nothing else is written: the model is thrown away.
	entries, err := os.ReadDir(cfg.Out)
	require.NoError(t, err)
	assert.Len(t, entries, 1)

	_, err = FindLR(context.Background(), Config{Arch: "vgg15", Data: "x"})
	assert.ErrorContains(t, err, "unknown architecture")
}
