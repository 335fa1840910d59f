package vgg16

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocnn/gocnn/data"
)

func TestEvaluateFolder(t *testing.T) {
	dir := t.TempDir()
	path, _ := smallCheckpoint(t, dir, 1, []string{"no", "yes"})
	root := filepath.Join(dir, "data")
	var files []string
	for i := 0; i < 6; i++ {
		cls := []string{"no", "yes"}[i%2]
		f := filepath.Join(root, cls, "img"+itoa(i)+".png")
		writePNG(t, f, 28+i, 30, i+1, i%3 == 0)
		files = append(files, f)
	}
	require.NoError(t, os.WriteFile(filepath.Join(root, "yes", "broken.png"), []byte("nope"), 0o644))
	p, err := Open(path, DefaultOpenOptions())
	require.NoError(t, err)
	ds, err := data.ImageFolder(root)
	require.NoError(t, err)
	res, err := Evaluate(context.Background(), p, ds, EvalOptions{})
	require.NoError(t, err)
	assert.Equal(t, 6, res.N)
	require.Len(t, res.Skipped, 1)
	assert.Contains(t, res.Skipped[0], "broken.png")

	// The same decisions as PredictFiles, counted by ComputeMetrics.
	var labels, preds []int
	for _, r := range p.PredictFiles(files) {
		require.NoError(t, r.Err)
		preds = append(preds, r.Class)
		if filepath.Base(filepath.Dir(r.File)) == "yes" {
			labels = append(labels, 1)
		} else {
			labels = append(labels, 0)
		}
	}
	want := ComputeMetrics(labels, preds, 2)
	assert.Equal(t, want.Confusion, res.Confusion)
	assert.Equal(t, want.BalancedAccuracy, res.BalancedAccuracy)

	b, err := json.Marshal(res)
	require.NoError(t, err)
	var obj map[string]any
	require.NoError(t, json.Unmarshal(b, &obj))
	for _, k := range []string{"accuracy", "balanced_accuracy", "per_class", "confusion", "classes", "threshold", "skipped"} {
		assert.Contains(t, obj, k)
	}

	// Another class count is an error naming both lists.
	require.NoError(t, os.MkdirAll(filepath.Join(root, "maybe"), 0o755))
	writePNG(t, filepath.Join(root, "maybe", "m.png"), 28, 28, 9, true)
	ds, err = data.ImageFolder(root)
	require.NoError(t, err)
	_, err = Evaluate(context.Background(), p, ds, EvalOptions{})
	assert.ErrorContains(t, err, "maybe")
}

func TestClassMap(t *testing.T) {
	m, warn, err := classMap([]string{"b", "a"}, []string{"a", "b"})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 0}, m)
	assert.Empty(t, warn)
	m, warn, err = classMap([]string{"cat", "dog"}, []string{"0", "1"})
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1}, m)
	assert.NotEmpty(t, warn)
	_, _, err = classMap([]string{"a"}, []string{"a", "b"})
	assert.Error(t, err)
}
