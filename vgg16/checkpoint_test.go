package vgg16

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocnn/gocnn/tensor"
)

func TestCheckpointRoundTrip(t *testing.T) {
	m, err := New(Spec{Arch: "vgg11_bn", InChannels: 1, Size: 32, Outputs: 1, Head: HeadCompact}, 3)
	require.NoError(t, err)
	*m.Net.Buffers()[2].Int = 17 // a num_batches_tracked
	dir := t.TempDir()
	path := filepath.Join(dir, "best.safetensors")
	meta := Meta{Classes: []string{"no", "yes"}, Threshold: 0.25, Epoch: 2, Step: 40,
		Preprocess: Preprocess{Size: 32, Resize: 32, Channels: 1, Mean: []float32{0.5}, Std: []float32{0.25}}}
	extra := map[string]*tensor.Tensor{"adam.m.0": tensor.Full(2, 3)}
	require.NoError(t, SaveCheckpoint(path, m, meta, extra))

	ck, err := LoadCheckpoint(path)
	require.NoError(t, err)
	assert.Equal(t, m.Spec, ck.Model.Spec)
	assert.Equal(t, []string{"no", "yes"}, ck.Meta.Classes)
	assert.Equal(t, 0.25, ck.Meta.Threshold)
	assert.Equal(t, meta.Preprocess, ck.Meta.Preprocess)
	assert.True(t, tensor.Equal(extra["adam.m.0"], ck.Optim["adam.m.0"]))
	for i, p := range m.Params() {
		require.True(t, tensor.Equal(p.Value, ck.Model.Params()[i].Value), p.Name)
	}
	assert.Equal(t, int64(17), *ck.Model.Net.Buffers()[2].Int)
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1, "no temporary files are left behind")
}

func TestCheckpointErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := LoadCheckpoint(filepath.Join(dir, "missing.safetensors"))
	assert.ErrorContains(t, err, "missing.safetensors")
	bad := filepath.Join(dir, "bad.safetensors")
	require.NoError(t, os.WriteFile(bad, []byte("not a checkpoint at all"), 0o644))
	_, err = LoadCheckpoint(bad)
	assert.ErrorContains(t, err, "bad.safetensors")
}
