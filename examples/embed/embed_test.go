package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocnn/gocnn/vgg16"
)

var classes = []string{"circle", "square"}

// checkpoints caches one checkpoint per output count: making a VGG11 and
// writing its 37 MB is most of this package's test time under qemu.
var checkpoints = map[int][]byte{}

// checkpoint returns an untrained but valid VGG11 checkpoint (1 channel,
// 32 px, compact head) with the given number of outputs.
func checkpoint(t *testing.T, outputs int) []byte {
	t.Helper()
	if b, ok := checkpoints[outputs]; ok {
		return b
	}
	m, err := vgg16.New(vgg16.Spec{Arch: "vgg11", InChannels: 1, Size: 32, Outputs: outputs, Head: vgg16.HeadCompact}, 7)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "model.safetensors")
	meta := vgg16.Meta{Classes: classes, Threshold: 0.5, Preprocess: vgg16.Preprocess{
		Size: 32, Resize: 32, Channels: 1, Mean: []float32{0.5}, Std: []float32{0.5}}}
	require.NoError(t, vgg16.SaveCheckpoint(path, m, meta, nil))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	checkpoints[outputs] = b
	return b
}

// pngBytes encodes a w×h RGB test pattern (the predictor converts it to one
// channel and resizes it).
func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x + y) % 256), 255})
		}
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

func newPredictor(t *testing.T, outputs int) *Predictor {
	t.Helper()
	p, err := NewPredictor(checkpoint(t, outputs), "test")
	require.NoError(t, err)
	return p
}

func checkPrediction(t *testing.T, pr Prediction) {
	t.Helper()
	assert.Empty(t, pr.Error)
	require.Len(t, pr.Probs, 2)
	assert.InDelta(t, 1, pr.Probs[0]+pr.Probs[1], 1e-9)
	require.True(t, pr.Index == 0 || pr.Index == 1, "index %d", pr.Index)
	assert.Equal(t, classes[pr.Index], pr.Class)
	assert.GreaterOrEqual(t, pr.Probs[pr.Index], pr.Probs[1-pr.Index])
}

func TestHTTPPredict(t *testing.T) {
	p := newPredictor(t, 2)
	srv := httptest.NewServer(Handler(p))
	defer srv.Close()

	img := pngBytes(t, 40, 48)
	resp, err := http.Post(srv.URL+"/predict", "image/png", bytes.NewReader(img))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var pr Prediction
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&pr))
	checkPrediction(t, pr)

	// The same image twice gives the same answer.
	again, err := p.Predict(img)
	require.NoError(t, err)
	assert.Equal(t, pr.Probs, again.Probs)

	bad, err := http.Post(srv.URL+"/predict", "image/png", strings.NewReader("not an image"))
	require.NoError(t, err)
	defer bad.Body.Close()
	assert.Equal(t, http.StatusUnprocessableEntity, bad.StatusCode)
	var be Prediction
	require.NoError(t, json.NewDecoder(bad.Body).Decode(&be))
	assert.Contains(t, be.Error, "decoding image")

	get, err := http.Get(srv.URL + "/predict")
	require.NoError(t, err)
	get.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, get.StatusCode)

	h, err := http.Get(srv.URL + "/healthz")
	require.NoError(t, err)
	defer h.Body.Close()
	var health struct{ Classes []string }
	require.NoError(t, json.NewDecoder(h.Body).Decode(&health))
	assert.Equal(t, classes, health.Classes)
}

func TestStdinLines(t *testing.T) {
	dir := t.TempDir()
	ck := filepath.Join(dir, "model.safetensors")
	require.NoError(t, os.WriteFile(ck, checkpoint(t, 2), 0o644))
	img := filepath.Join(dir, "a.png")
	require.NoError(t, os.WriteFile(img, pngBytes(t, 32, 32), 0o644))
	in := strings.NewReader(img + "\n\n" + filepath.Join(dir, "missing.png") + "\n")
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"-model", ck}, in, &out, &errOut), errOut.String())

	sc := bufio.NewScanner(&out)
	var lines []Prediction
	for sc.Scan() {
		var pr Prediction
		require.NoError(t, json.Unmarshal(sc.Bytes(), &pr), sc.Text())
		lines = append(lines, pr)
	}
	require.Len(t, lines, 2, "one line per non-blank input line")
	assert.Equal(t, img, lines[0].Image)
	checkPrediction(t, lines[0])
	assert.Equal(t, -1, lines[1].Index)
	assert.Contains(t, lines[1].Error, "missing.png")
}

func TestBinaryThreshold(t *testing.T) {
	if testing.Short() {
		t.Skip("a second VGG11 checkpoint; slow under qemu (make test-arm64 runs -short)")
	}
	p := newPredictor(t, 1)
	pr, err := p.Predict(pngBytes(t, 32, 32))
	require.NoError(t, err)
	require.Len(t, pr.Probs, 2)
	assert.InDelta(t, 1, pr.Probs[0]+pr.Probs[1], 1e-12)
	want := 0
	if pr.Probs[1] >= 0.5 {
		want = 1
	}
	assert.Equal(t, want, pr.Index)
	assert.False(t, math.IsNaN(pr.Probs[1]))
}

func TestCheckpointBytes(t *testing.T) {
	_, _, err := checkpointBytes(fstest.MapFS{"model/README.md": {Data: []byte("x")}}, "")
	require.ErrorContains(t, err, "no checkpoint embedded")

	b, name, err := checkpointBytes(fstest.MapFS{"model/m.safetensors": {Data: []byte("abc")}}, "")
	require.NoError(t, err)
	assert.Equal(t, "embedded:m.safetensors", name)
	assert.Equal(t, "abc", string(b))

	_, _, err = checkpointBytes(fstest.MapFS{"model/a.safetensors": {}, "model/b.safetensors": {}}, "")
	require.ErrorContains(t, err, "2 checkpoints embedded")

	_, err = NewPredictor([]byte("garbage"), "garbage.safetensors")
	require.ErrorContains(t, err, "garbage.safetensors")
}
