package main

// Build-free tests of the subcommands through run(): exit status, output
// and error messages for good and bad input.

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocnn/gocnn/vgg16"
)

// capture runs run(args) with stdout and stderr redirected.
func capture(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	oldOut, oldErr := os.Stdout, os.Stderr
	ro, wo, err := os.Pipe()
	require.NoError(t, err)
	re, we, err := os.Pipe()
	require.NoError(t, err)
	os.Stdout, os.Stderr = wo, we
	var bo, be bytes.Buffer
	done := make(chan struct{}, 2)
	go func() { io.Copy(&bo, ro); done <- struct{}{} }()
	go func() { io.Copy(&be, re); done <- struct{}{} }()
	func() {
		defer func() { os.Stdout, os.Stderr = oldOut, oldErr }()
		code = run(args)
	}()
	wo.Close()
	we.Close()
	<-done
	<-done
	return code, bo.String(), be.String()
}

func writeTestPNG(t *testing.T, path string, w, h int, v uint8) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = v + uint8(i%7)
	}
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	_ = color.Gray{}
}

// fixture writes a small gocnn checkpoint, an image folder and a non-image.
func fixture(t *testing.T) (dir, ckpt string) {
	dir = t.TempDir()
	m, err := vgg16.New(vgg16.Spec{Arch: "vgg11_bn", InChannels: 1, Size: 32, Outputs: 1, Head: vgg16.HeadCompact}, 4)
	require.NoError(t, err)
	ckpt = filepath.Join(dir, "best.safetensors")
	pre := vgg16.Preprocess{Size: 32, Resize: 32, Pad: 2, Channels: 1, Mean: []float32{0.29}, Std: []float32{0.35}}
	require.NoError(t, vgg16.SaveCheckpoint(ckpt, m, vgg16.Meta{Classes: []string{"not Sneaker", "Sneaker"}, Threshold: 0.5, Preprocess: pre}, nil))
	for i := 0; i < 4; i++ {
		cls := []string{"not Sneaker", "Sneaker"}[i%2]
		writeTestPNG(t, filepath.Join(dir, "data", cls, "i"+string(rune('a'+i))+".png"), 28, 28, uint8(40*i))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.png"), []byte("hello"), 0o644))
	return dir, ckpt
}

func TestCLIVersion(t *testing.T) {
	code, out, _ := capture(t, "version")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "gocnn")
	code, out, _ = capture(t, "version", "-json")
	assert.Equal(t, 0, code)
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &v))
	assert.Contains(t, v, "isa")
	code, _, errOut := capture(t, "nosuchcommand")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "unknown command")
}

func TestCLIPredict(t *testing.T) {
	dir, ckpt := fixture(t)
	img := filepath.Join(dir, "data", "Sneaker", "ib.png")
	code, out, errOut := capture(t, "predict", "-weights", ckpt, img)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "ib.png")
	assert.Regexp(t, "Sneaker", out)

	// -json after the image, one object per image.
	img2 := filepath.Join(dir, "data", "not Sneaker", "ia.png")
	code, out, errOut = capture(t, "predict", "-weights", ckpt, img, img2, "-json")
	require.Equal(t, 0, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2)
	for _, l := range lines {
		var obj map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &obj))
		for _, k := range []string{"file", "logits", "probs", "class", "label"} {
			assert.Contains(t, obj, k)
		}
		assert.Len(t, obj["probs"], 2)
	}

	// Bad input: clear errors naming the file, non-zero status, no panic.
	code, out, errOut = capture(t, "predict", "-weights", ckpt, "-json", filepath.Join(dir, "notes.png"), img)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "notes.png")
	assert.Contains(t, out, `"error"`)
	assert.Contains(t, out, "ib.png", "the good image is still predicted")
	code, _, errOut = capture(t, "predict", "-weights", filepath.Join(dir, "missing.pth"), img)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "missing.pth")
	code, _, errOut = capture(t, "predict", "-weights", filepath.Join(dir, "notes.png"), img)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "notes.png")
	code, _, errOut = capture(t, "predict", "-weights", ckpt, "-arch", "vgg99", img)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "vgg99")
	code, _, errOut = capture(t, "predict", "-weights", ckpt, "-arch", "vgg16", img)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "vgg11_bn")
	code, _, errOut = capture(t, "predict", "-weights", ckpt, "-classes", "10", img)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "-classes 10")
	code, _, errOut = capture(t, "predict", "-weights", ckpt)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "no images")
	code, _, errOut = capture(t, "predict", img)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "-weights")
	code, _, _ = capture(t, "predict", "-h")
	assert.Equal(t, 0, code)
}

func TestCLIEval(t *testing.T) {
	dir, ckpt := fixture(t)
	code, out, errOut := capture(t, "eval", "-weights", ckpt, "-data", filepath.Join(dir, "data"), "-json")
	require.Equal(t, 0, code, errOut)
	var obj map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &obj))
	for _, k := range []string{"accuracy", "balanced_accuracy", "per_class", "confusion"} {
		assert.Contains(t, obj, k)
	}
	assert.Equal(t, 4.0, obj["n"])

	code, out, errOut = capture(t, "eval", "-weights", ckpt, "-data", "embedded:fmnist-test", "-limit", "20")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "balanced accuracy")
	assert.Contains(t, out, "samples:           20")

	code, _, errOut = capture(t, "eval", "-weights", ckpt, "-data", filepath.Join(dir, "nowhere"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "nowhere")
	code, _, errOut = capture(t, "eval", "-weights", ckpt, "-data", "embedded:cifar")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "embedded:cifar")
	code, _, errOut = capture(t, "eval", "-weights", ckpt)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "-data")
	// Three classes in the folder, two in the model.
	writeTestPNG(t, filepath.Join(dir, "data", "Boot", "x.png"), 28, 28, 3)
	code, _, errOut = capture(t, "eval", "-weights", ckpt, "-data", filepath.Join(dir, "data"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "3 classes")
}

func TestCLIBenchTrain(t *testing.T) {
	code, out, errOut := capture(t, "bench", "train", "-arch", "vgg11", "-size", "32", "-batch", "2", "-channels", "1", "-warmup", "1", "-reps", "1", "-json")
	require.Equal(t, 0, code, errOut)
	var r map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	assert.Greater(t, r["img_per_s"], 0.0)
	assert.Greater(t, r["maxrss_mib"], 0.0)
	code, _, errOut = capture(t, "bench", "train", "-pass", "sideways")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "sideways")
}
