package vgg16

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocnn/gocnn/data"
)

func loadSample(t testing.TB, path string) *data.Sample {
	t.Helper()
	s := &data.Sample{}
	_, err := data.LoadImageFile(path, &s.Image)
	require.NoError(t, err)
	return s
}

func TestDefaultPreprocess(t *testing.T) {
	p := DefaultPreprocess(Spec{InChannels: 3, Size: 224, Head: HeadTorchvision})
	assert.Equal(t, 256, p.Resize, "torchvision's Resize(256), CenterCrop(224)")
	assert.Equal(t, data.ImageNetMean, p.Mean)
	p = DefaultPreprocess(Spec{InChannels: 1, Size: 32, Head: HeadCompact})
	assert.Equal(t, 32, p.Resize)
	assert.Len(t, p.Mean, 1)
	require.NoError(t, p.Validate())
	p.Mean[0] = 9 // a copy, not data.ImageNetMean
	assert.NotEqual(t, float32(9), DefaultPreprocess(Spec{InChannels: 1, Size: 32}).Mean[0])
}

func TestPreprocessValidate(t *testing.T) {
	good := DefaultPreprocess(Spec{InChannels: 3, Size: 32, Head: HeadCompact})
	require.NoError(t, good.Validate())
	for _, f := range []func(p *Preprocess){
		func(p *Preprocess) { p.Size = 0 },
		func(p *Preprocess) { p.Pad = 16 },
		func(p *Preprocess) { p.Resize = -1 },
		func(p *Preprocess) { p.Channels = 2 },
		func(p *Preprocess) { p.Std = p.Std[:2] },
		func(p *Preprocess) { p.Std = []float32{1, 0, 1} },
	} {
		p := DefaultPreprocess(Spec{InChannels: 3, Size: 32, Head: HeadCompact})
		f(&p)
		assert.Error(t, p.Validate(), "%+v", p)
		assert.Panics(t, func() { p.Transform() })
	}
}

// An image at the crop size is not resampled; others are resized, cropped,
// converted, padded and normalised.
func TestPreprocessTransform(t *testing.T) {
	p := Preprocess{Size: 32, Resize: 36, Pad: 2, Channels: 3, Mean: []float32{0.5}, Std: []float32{0.5}}
	s := &data.Sample{}
	s.Reset(1, 28, 28)
	for i := range s.Pix {
		s.Pix[i] = float32(i%28) / 28
	}
	orig := append([]float32(nil), s.Pix...)
	p.Transform().Apply(s)
	require.Equal(t, [3]int{3, 32, 32}, [3]int{s.C, s.H, s.W})
	assert.Equal(t, float32(-1), s.Pix[0], "padding is 0 before normalising")
	for y := 0; y < 28; y++ {
		for x := 0; x < 28; x++ {
			want := (orig[y*28+x] - 0.5) / 0.5
			require.Equal(t, want, s.Pix[(y+2)*32+x+2], "pixel %d,%d passed through", y, x)
			require.Equal(t, want, s.Pix[2*32*32+(y+2)*32+x+2])
		}
	}
	s.Reset(3, 40, 50)
	p.Transform().Apply(s)
	assert.Equal(t, [3]int{3, 32, 32}, [3]int{s.C, s.H, s.W})
	p.Resize = 0 // crop only: a smaller image is zero-padded
	s.Reset(1, 20, 20)
	p.Transform().Apply(s)
	assert.Equal(t, [3]int{3, 32, 32}, [3]int{s.C, s.H, s.W})
}

func TestCropOffsetMatchesTorchvision(t *testing.T) {
	// torchvision: int(round((45 - 32) / 2.0)) = 6 (half to even).
	assert.Equal(t, 6, cropOffset(45, 32))
	assert.Equal(t, 8, cropOffset(49, 32)) // round(8.5) = 8
	assert.Equal(t, 2, cropOffset(36, 32))
	assert.Equal(t, -1, cropOffset(29, 32)) // pads 1 before, 2 after
	assert.Equal(t, 0, cropOffset(32, 32))
}

func TestPreprocessOverrides(t *testing.T) {
	base := DefaultPreprocess(Spec{InChannels: 3, Size: 224, Head: HeadTorchvision})
	p := PreprocessOverrides{Pad: -1}.Apply(base)
	assert.Equal(t, base, p)
	p = PreprocessOverrides{Size: 112, Pad: -1}.Apply(base)
	assert.Equal(t, 112, p.Size)
	assert.Equal(t, 128, p.Resize, "the resize/crop ratio is kept")
	p = PreprocessOverrides{Resize: 300, Pad: 3, Mean: []float32{0}, Std: []float32{1}}.Apply(base)
	assert.Equal(t, 300, p.Resize)
	assert.Equal(t, 3, p.Pad)
	assert.Equal(t, []float32{0}, p.Mean)
	p = PreprocessOverrides{NoResize: true, Pad: -1}.Apply(base)
	assert.Equal(t, 0, p.Resize)
	p.Mean[0] = 7
	assert.NotEqual(t, float32(7), base.Mean[0])
}
