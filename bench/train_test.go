package bench

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocnn/gocnn/vgg16"
)

func TestRunTrainSmall(t *testing.T) {
	for _, pass := range []string{"train", "fwd"} {
		r, err := RunTrain(TrainConfig{Arch: "vgg11_bn", Size: 32, Batch: 2, Channels: 1, Outputs: 1, Pass: pass, Warmup: 1, Reps: 1, Algo: "im2col"})
		require.NoError(t, err)
		assert.Equal(t, vgg16.HeadCompact, r.Head)
		assert.Greater(t, r.ImagesPerSec, 0.0)
		assert.Greater(t, r.GFLOPS, 0.0)
		assert.Greater(t, r.MaxRSSMiB, 0.0)
		assert.Contains(t, r.String(), "img/s")
	}
	r, err := RunTrain(TrainConfig{Arch: "vgg11", Size: 32, Batch: 3, Outputs: 4, Warmup: 1, Reps: 2})
	require.NoError(t, err, "cross-entropy with 4 classes")
	assert.Equal(t, 4, r.Outputs)
	_, err = RunTrain(TrainConfig{Pass: "backward"})
	assert.ErrorContains(t, err, "backward")
	_, err = RunTrain(TrainConfig{Arch: "vgg15", Size: 32})
	assert.Error(t, err)
}

// VGG16 at 224: 15.35 G multiply-adds in the convolutions (the known
// figure; 30.7 GFLOP), and the training step counts backward twice except
// the first conv's data gradient.
func TestStepFLOPs(t *testing.T) {
	m, err := vgg16.New(vgg16.Spec{Arch: "vgg16", InChannels: 3, Size: 224, Outputs: 1, Head: vgg16.HeadCompact}, 1)
	require.NoError(t, err)
	head := 2 * 512.0 * 7 * 7
	fwd := StepFLOPs(m, 1, false)
	assert.InDelta(t, 30.69e9, fwd-head, 0.01e9)
	first := 2 * 3 * 64 * 9 * 224 * 224.0
	assert.InDelta(t, 3*fwd-first, StepFLOPs(m, 1, true), 1)
	assert.InDelta(t, 8*fwd, StepFLOPs(m, 8, false), 1)
}
