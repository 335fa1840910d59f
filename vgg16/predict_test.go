package vgg16

import (
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocnn/gocnn/tensor"
	"github.com/gocnn/gocnn/weights"
)

// writePNG writes a w×h image whose pixels depend on seed: gray when gray,
// RGB otherwise.
func writePNG(t testing.TB, path string, w, h int, seed int, gray bool) {
	t.Helper()
	var img image.Image
	if gray {
		g := image.NewGray(image.Rect(0, 0, w, h))
		for i := range g.Pix {
			g.Pix[i] = uint8(i*seed*7 + seed*31)
		}
		img = g
	} else {
		c := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				c.Set(x, y, color.RGBA{uint8(x * seed * 5), uint8(y * 9), uint8((x + y) * seed), 255})
			}
		}
		img = c
	}
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, png.Encode(f, img))
	require.NoError(t, f.Close())
}

// smallCheckpoint writes a vgg11_bn compact 1-channel 32 px checkpoint.
func smallCheckpoint(t testing.TB, dir string, outputs int, classes []string) (string, *Model) {
	t.Helper()
	m, err := New(Spec{Arch: "vgg11_bn", InChannels: 1, Size: 32, Outputs: outputs, Head: HeadCompact, Algo: "im2col"}, 5)
	require.NoError(t, err)
	path := filepath.Join(dir, "model.safetensors")
	pre := Preprocess{Size: 32, Resize: 32, Pad: 2, Channels: 1, Mean: []float32{0.3}, Std: []float32{0.35}}
	require.NoError(t, SaveCheckpoint(path, m, Meta{Classes: classes, Threshold: 0.3, Preprocess: pre}, nil))
	return path, m
}

func TestOpenCheckpointAndPredict(t *testing.T) {
	dir := t.TempDir()
	path, m := smallCheckpoint(t, dir, 1, []string{"no", "yes"})
	p, err := Open(path, DefaultOpenOptions())
	require.NoError(t, err)
	assert.Equal(t, []string{"no", "yes"}, p.Classes)
	assert.Equal(t, 0.3, p.Threshold)
	assert.Equal(t, 2, p.Preprocess.Pad)
	assert.NotNil(t, p.Meta)

	img28 := filepath.Join(dir, "a.png")
	writePNG(t, img28, 28, 28, 3, true)
	imgRGB := filepath.Join(dir, "b.png")
	writePNG(t, imgRGB, 50, 40, 2, false)
	notImage := filepath.Join(dir, "c.png")
	require.NoError(t, os.WriteFile(notImage, []byte("not a png"), 0o644))
	res := p.PredictFiles([]string{img28, imgRGB, notImage, filepath.Join(dir, "missing.png")})
	require.Len(t, res, 4)
	for _, r := range res[:2] {
		require.NoError(t, r.Err)
		require.Len(t, r.Logits, 1)
		require.Len(t, r.Probs, 2)
		assert.InDelta(t, 1, r.Probs[0]+r.Probs[1], 1e-12)
		assert.Equal(t, r.Probs[1] >= 0.3, r.Class == 1)
		assert.Equal(t, p.Classes[r.Class], r.Label)
	}
	assert.ErrorContains(t, res[2].Err, "c.png")
	assert.ErrorContains(t, res[3].Err, "missing.png")

	// The same logits as the model on the hand-preprocessed image.
	s := loadSample(t, img28)
	p.Transform().Apply(s)
	m.SetTrain(false)
	want := m.Forward(tensor.FromSlice(s.Pix, 1, 1, 32, 32)).Data()[0]
	assert.InDelta(t, want, res[0].Logits[0], 1e-5)

	b, err := json.Marshal(res[0])
	require.NoError(t, err)
	var obj map[string]any
	require.NoError(t, json.Unmarshal(b, &obj))
	for _, k := range []string{"file", "logits", "probs", "class", "label"} {
		assert.Contains(t, obj, k)
	}
	b, err = json.Marshal(res[2])
	require.NoError(t, err)
	assert.Contains(t, string(b), `"error"`)

	// Mismatches are errors naming the file.
	for _, o := range []OpenOptions{
		{Arch: "vgg16", Threshold: -1, Preprocess: PreprocessOverrides{Pad: -1}},
		{Classes: 3, Threshold: -1, Preprocess: PreprocessOverrides{Pad: -1}},
		{Size: 64, Threshold: -1, Preprocess: PreprocessOverrides{Pad: -1}},
		{Labels: []string{"a", "b", "c"}, Threshold: -1, Preprocess: PreprocessOverrides{Pad: -1}},
	} {
		_, err := Open(path, o)
		assert.ErrorContains(t, err, "model.safetensors", "%+v", o)
	}
}

func TestOpenPlainStateDict(t *testing.T) {
	dir := t.TempDir()
	m, err := New(Spec{Arch: "vgg11", InChannels: 3, Size: 64, Outputs: 4, Head: HeadCompact}, 2)
	require.NoError(t, err)
	sd := weights.NewStateDict()
	for _, tg := range Targets(m) {
		sd.Add(tg.Name, tg.Value)
	}
	path := filepath.Join(dir, "plain.safetensors")
	require.NoError(t, weights.SaveSafetensors(path, sd))

	p, err := Open(path, DefaultOpenOptions())
	require.NoError(t, err)
	assert.Equal(t, "vgg11", p.Model.Spec.Arch)
	assert.Equal(t, HeadCompact, p.Model.Spec.Head)
	assert.Equal(t, 64, p.Model.Spec.Size)
	assert.Equal(t, 4, p.Model.Spec.Outputs)
	assert.Equal(t, []string{"0", "1", "2", "3"}, p.Classes)
	assert.Equal(t, DefaultPreprocess(p.Model.Spec), p.Preprocess)
	assert.True(t, p.Report.Clean())

	o := DefaultOpenOptions()
	o.Arch = "vgg16"
	_, err = Open(path, o)
	assert.ErrorContains(t, err, "holds a vgg11")
	o = DefaultOpenOptions()
	o.Classes = 2
	_, err = Open(path, o)
	assert.ErrorContains(t, err, "plain.safetensors")
	o = DefaultOpenOptions()
	o.Arch = "resnet50"
	_, err = Open(path, o)
	assert.ErrorContains(t, err, "resnet50")

	other := weights.NewStateDict()
	other.Add("fc.weight", tensor.Zeros(2, 2))
	bad := filepath.Join(dir, "notvgg.safetensors")
	require.NoError(t, weights.SaveSafetensors(bad, other))
	_, err = Open(bad, DefaultOpenOptions())
	assert.ErrorContains(t, err, "notvgg.safetensors")
	assert.ErrorContains(t, err, "not a torchvision VGG")

	_, err = Open(filepath.Join(dir, "nope.pth"), DefaultOpenOptions())
	assert.ErrorContains(t, err, "nope.pth")
	junk := filepath.Join(dir, "junk.pth")
	require.NoError(t, os.WriteFile(junk, []byte("PK\x03\x04 garbage"), 0o644))
	_, err = Open(junk, DefaultOpenOptions())
	assert.ErrorContains(t, err, "junk.pth")
}

func TestDecide(t *testing.T) {
	p := &Predictor{Threshold: 0.7}
	probs, c := p.Decide([]float32{0}) // p = 0.5 < 0.7
	assert.Equal(t, []float64{0.5, 0.5}, probs)
	assert.Equal(t, 0, c)
	probs, c = p.Decide([]float32{2})
	assert.Equal(t, 1, c)
	assert.InDelta(t, 1/(1+math.Exp(-2)), probs[1], 1e-12)
	probs, c = p.Decide([]float32{1, 3, 2})
	assert.Equal(t, 1, c)
	assert.InDelta(t, 1, probs[0]+probs[1]+probs[2], 1e-12)
	assert.InDelta(t, math.Exp(1)/(math.Exp(1)+math.Exp(3)+math.Exp(2)), probs[0], 1e-12)
	_, c = p.Decide([]float32{-1000, 1000})
	assert.Equal(t, 1, c)
}

// TestOpenCacheWeights checks that a Predictor with its convolution weights
// cached gives the same logits as one without, twice in a row (the second
// pass reuses the cache).
func TestOpenCacheWeights(t *testing.T) {
	dir := t.TempDir()
	path, _ := smallCheckpoint(t, dir, 1, []string{"no", "yes"})
	var files []string
	for i := range 3 {
		f := filepath.Join(dir, fmt.Sprintf("img%d.png", i))
		writePNG(t, f, 28, 28, i+2, true)
		files = append(files, f)
	}
	o := DefaultOpenOptions()
	o.Algo = "winograd"
	plain, err := Open(path, o)
	require.NoError(t, err)
	o.CacheWeights = true
	cached, err := Open(path, o)
	require.NoError(t, err)
	want := plain.PredictFiles(files)
	for round := range 2 {
		got := cached.PredictFiles(files)
		for i := range files {
			require.NoError(t, got[i].Err)
			assert.Equal(t, want[i].Logits, got[i].Logits, "round %d, image %d", round, i)
		}
	}
}
