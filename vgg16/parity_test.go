package vgg16

// This file holds the PyTorch parity tests: networks built by
// testdata/gen.py with torchvision's VGG class and key layout, loaded from
// zip .pth, legacy .pth and safetensors, must give PyTorch's logits within
// 1e-4 relative; and torchvision's eval preprocessing of PNG files.
// TestParityFull checks full-size vgg16 and vgg11_bn from `make parity`.

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocnn/gocnn/data"
	"github.com/gocnn/gocnn/tensor"
	"github.com/gocnn/gocnn/weights"
)

type goldenModel struct {
	Name       string            `json:"name"`
	Arch       string            `json:"arch"`
	Files      map[string]string `json:"files"`
	Cfg        []int             `json:"cfg"`
	BN         bool              `json:"bn"`
	Hidden     int               `json:"hidden"`
	Head       string            `json:"head"`
	InChannels int               `json:"in_channels"`
	Size       int               `json:"size"`
	Outputs    int               `json:"outputs"`
}

type goldenManifest struct {
	Models     []goldenModel `json:"models"`
	Preprocess []struct {
		File   string `json:"file"`
		Size   int    `json:"size"`
		Resize int    `json:"resize"`
	} `json:"preprocess"`
}

func readManifest(t *testing.T, path string) goldenManifest {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err, "run /usr/bin/python3 vgg16/testdata/gen.py")
	var m goldenManifest
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

// checkLogits compares logits row by row: |got - want| <= rtol·max|want_row|
// (plus a tiny absolute floor), reporting the worst element.
func checkLogits(t *testing.T, what string, got, want *tensor.Tensor, rtol float64) {
	t.Helper()
	require.Equal(t, want.Shape(), got.Shape(), what)
	g, w := got.Contiguous().Data(), want.Contiguous().Data()
	k := want.Dim(1)
	worst, at := 0.0, -1
	for r := 0; r < want.Dim(0); r++ {
		scale := 1e-6
		for _, v := range w[r*k : (r+1)*k] {
			scale = math.Max(scale, math.Abs(float64(v)))
		}
		for j := r * k; j < (r+1)*k; j++ {
			if e := math.Abs(float64(g[j])-float64(w[j])) / scale; e > worst {
				worst, at = e, j
			}
		}
	}
	if worst > rtol {
		t.Fatalf("%s: logit %d: got %g, want %g: relative error %.3g > %g", what, at, g[at], w[at], worst, rtol)
	}
	t.Logf("%s: max relative error %.2g", what, worst)
}

func TestParitySmallModels(t *testing.T) {
	man := readManifest(t, "testdata/golden.json")
	golden, err := weights.ReadSafetensors("testdata/golden.safetensors")
	require.NoError(t, err)
	require.NotEmpty(t, man.Models)
	for _, gm := range man.Models {
		arch := "vgg11"
		if gm.BN {
			arch += "_bn"
		}
		spec := Spec{Arch: arch, InChannels: gm.InChannels, Size: gm.Size, Outputs: gm.Outputs, Head: gm.Head, Dropout: 0.5}
		x, want := golden.Tensors[gm.Name+"/x"], golden.Tensors[gm.Name+"/logits"]
		require.NotNil(t, x, gm.Name)
		for _, format := range []string{"zip", "legacy", "safetensors"} {
			file, ok := gm.Files[format]
			if !ok {
				continue
			}
			for _, algo := range []string{"auto", "im2col"} {
				t.Run(fmt.Sprintf("%s/%s/algo=%s", gm.Name, format, algo), func(t *testing.T) {
					spec.Algo = algo
					m := build(spec, gm.Cfg, gm.BN, gm.Hidden, 1)
					rep, err := LoadWeights(m, filepath.Join("testdata", file), true)
					require.NoError(t, err)
					require.True(t, rep.Clean(), rep.String())
					m.SetTrain(false)
					checkLogits(t, file, m.Forward(x), want, 1e-4)
				})
			}
		}
	}
}

// TestParityPreprocess compares Preprocess.Transform with torchvision's
// Resize, CenterCrop, ToTensor, Normalize on PIL images. PIL resizes 8-bit
// images in 8-bit fixed point and rounds to integers, gocnn in float32, so
// resized pixels may differ by up to about 1/255 before normalisation; an
// image already at the crop size must match exactly.
func TestParityPreprocess(t *testing.T) {
	man := readManifest(t, "testdata/golden.json")
	golden, err := weights.ReadSafetensors("testdata/golden.safetensors")
	require.NoError(t, err)
	for _, c := range man.Preprocess {
		t.Run(c.File, func(t *testing.T) {
			p := DefaultPreprocess(Spec{InChannels: 3, Size: c.Size, Head: HeadCompact})
			p.Resize = c.Resize
			s := &data.Sample{}
			meta, err := data.LoadImageFile(filepath.Join("testdata", c.File), &s.Image)
			require.NoError(t, err)
			p.Transform().Apply(s)
			want := golden.Tensors["pre/"+c.File].Data()
			require.Equal(t, len(want), len(s.Pix))
			tol := 1e-6 / 0.225
			if meta.W != c.Size || meta.H != c.Size {
				tol = 1.5 / 255 / 0.224
			}
			worst, at := 0.0, 0
			for i, w := range want {
				if e := math.Abs(float64(s.Pix[i] - w)); e > worst {
					worst, at = e, i
				}
			}
			require.LessOrEqual(t, worst, tol, "element %d: got %g want %g", at, s.Pix[at], want[at])
			t.Logf("max error %.3g (in 1/255 before normalising: %.2f)", worst, worst*0.224*255)
		})
	}
}

// TestParityFull runs full-size torchvision models written on the spot by
// `gen.py --full DIR` (hundreds of MB); `make parity` sets GOCNN_PARITY_DIR.
func TestParityFull(t *testing.T) {
	dir := os.Getenv("GOCNN_PARITY_DIR")
	if dir == "" {
		t.Skip("set GOCNN_PARITY_DIR (make parity)")
	}
	man := readManifest(t, filepath.Join(dir, "full.json"))
	for _, gm := range man.Models {
		golden, err := weights.ReadSafetensors(filepath.Join(dir, gm.Name+"_golden.safetensors"))
		require.NoError(t, err)
		for format, file := range gm.Files {
			t.Run(gm.Name+"/"+format, func(t *testing.T) {
				path := filepath.Join(dir, file)
				// Through Open, as `gocnn predict -arch` does: the
				// architecture and head come from the file's shapes.
				p, err := Open(path, OpenOptions{Arch: gm.Arch, Classes: gm.Outputs, Threshold: -1, Preprocess: PreprocessOverrides{Pad: -1}})
				require.NoError(t, err)
				require.Equal(t, gm.Arch, p.Model.Spec.Arch)
				require.True(t, p.Report.Clean(), p.Report.String())
				checkLogits(t, file, p.Model.Forward(golden.Tensors["x"]), golden.Tensors["logits"], 1e-4)
			})
		}
	}
}
