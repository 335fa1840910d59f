package data

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func rampSample(c, h, w int) *Sample {
	s := &Sample{}
	s.Reset(c, h, w)
	for i := range s.Pix {
		s.Pix[i] = float32((i*37)%11) / 10
	}
	s.Seed(1, 0, 0)
	return s
}

// TestResampleMatchesPIL compares with Pillow 9.4's Image.resize(BILINEAR)
// on a mode "F" image of the same values (printed by a one-off script:
// np.asarray(Image.fromarray(a, "F").resize((4, 3), Image.BILINEAR))).
func TestResampleMatchesPIL(t *testing.T) {
	s := rampSample(1, 5, 7)
	resampleBox(s, 0, 0, 5, 7, 3, 4)
	want := []float32{0.44421768, 0.536, 0.3857143, 0.5469388, 0.42592594, 0.56533337, 0.46044445, 0.6259259, 0.39931974, 0.59885716, 0.41714287, 0.43469387}
	require.InDeltaSlice(t, want, s.Pix, 1e-6)
	s = rampSample(1, 5, 7)
	resampleBox(s, 0, 0, 5, 7, 9, 11)
	want = []float32{0, 0.18181819, 0.43636364, 0.6909091, 0.54545456, 0.1, 0.35454544, 0.6090909, 0.8636363, 0.5181818, 0.2}
	require.InDeltaSlice(t, want, s.Pix[:11], 1e-6)
}

func TestGeometricTransforms(t *testing.T) {
	s := rampSample(3, 20, 30)
	Resize(10).Apply(s)
	require.Equal(t, [3]int{3, 10, 15}, [3]int{s.C, s.H, s.W})
	CenterCrop(8, 8).Apply(s)
	require.Equal(t, [3]int{3, 8, 8}, [3]int{s.C, s.H, s.W})
	CenterCrop(10, 12).Apply(s) // larger: zero padding
	require.Equal(t, float32(0), s.Pix[0])
	Pad(2, -1).Apply(s)
	require.Equal(t, [3]int{3, 14, 16}, [3]int{s.C, s.H, s.W})
	require.Equal(t, float32(-1), s.Pix[0])

	// A constant image stays constant through the resampler.
	s.Reset(1, 13, 17)
	for i := range s.Pix {
		s.Pix[i] = 0.25
	}
	ResizeTo(5, 40).Apply(s)
	for _, v := range s.Pix {
		require.InDelta(t, 0.25, v, 1e-6)
	}

	s = rampSample(1, 4, 5)
	orig := append([]float32(nil), s.Pix...)
	s.Seed(0, 0, 0)
	RandomHorizontalFlip(1).Apply(s)
	require.Equal(t, orig[4], s.Pix[0])
	RandomHorizontalFlip(0).Apply(s)
	require.Equal(t, orig[4], s.Pix[0])
}

func TestRandomResizedCropDeterministic(t *testing.T) {
	tr := Compose(RandomResizedCrop(16, 16), RandomHorizontalFlip(0.5), ColorJitter{0.2, 0.2, 0.2})
	run := func(pos uint64) []float32 {
		s := rampSample(3, 40, 60)
		s.Seed(5, 1, pos)
		tr.Apply(s)
		require.Equal(t, [3]int{3, 16, 16}, [3]int{s.C, s.H, s.W})
		for _, v := range s.Pix {
			require.True(t, v >= 0 && v <= 1)
		}
		return append([]float32(nil), s.Pix...)
	}
	require.Equal(t, run(3), run(3))
	require.NotEqual(t, run(3), run(4))
	// A thin image forces the fallback crop.
	s := rampSample(1, 2, 200)
	(&RandomResizedCropT{H: 4, W: 4, ScaleMin: 0.9, ScaleMax: 1, RatioMin: 1, RatioMax: 1}).Apply(s)
	require.Equal(t, [3]int{1, 4, 4}, [3]int{s.C, s.H, s.W})
}

func TestChannelTransformsAndNormalize(t *testing.T) {
	s := rampSample(3, 2, 2)
	r, g, b := s.Pix[0], s.Pix[4], s.Pix[8]
	Grayscale(1).Apply(s)
	require.Equal(t, 1, s.C)
	require.InDelta(t, 0.299*r+0.587*g+0.114*b, s.Pix[0], 1e-6)
	Grayscale(3).Apply(s)
	require.Equal(t, 3, s.C)
	require.Equal(t, s.Pix[0], s.Pix[8])
	ToChannels(1).Apply(s)
	require.Equal(t, 1, s.C)

	s = rampSample(3, 2, 2)
	x := s.Pix[5]
	Normalize(ImageNetMean, ImageNetStd).Apply(s)
	require.InDelta(t, (x-0.456)/0.224, s.Pix[5], 1e-6)
	require.Panics(t, func() { Normalize([]float32{0}, []float32{0}) })
}

func TestMeanStd(t *testing.T) {
	ds := synth(10, 2) // pixel j of sample i is (i+j)/255
	mean, std, skipped, err := MeanStd(ds, nil, 0)
	require.NoError(t, err)
	require.Zero(t, skipped)
	// i+j over i<10, j<16: mean 12, variance var(i)+var(j) = 8.25+21.25.
	require.InDelta(t, 12.0/255, mean[0], 1e-7)
	require.InDelta(t, math.Sqrt(8.25+21.25)/255, std[0], 1e-7)
}

// BenchmarkLoader measures loader throughput with decoding and augmentation
// on: 64x64 JPEG files, RandomResizedCrop to 32x32, flip, jitter, normalise,
// and, for comparison, the in-memory path (28x28 bytes, pad and flip).
func BenchmarkLoader(b *testing.B) {
	root := b.TempDir()
	for i := 0; i < 256; i++ {
		cls := []string{"a", "b"}[i%2]
		writeFile(b, filepath.Join(root, cls, "img"+string(rune('a'+i%26))+string(rune('a'+i/26))+".jpg"), encodeJPEG(b, pattern(64, 64, i), 90))
	}
	files, err := ImageFolder(root)
	if err != nil {
		b.Fatal(err)
	}
	aug := Compose(RandomResizedCrop(32, 32), RandomHorizontalFlip(0.5), ColorJitter{0.1, 0.1, 0.1}, Normalize(ImageNetMean, ImageNetStd))
	for _, c := range []struct {
		name string
		ds   Dataset
		tr   Transform
	}{
		{"src=jpeg64,aug=rrc32+flip+jitter", files, aug},
		{"src=memory28,aug=pad+flip", synthN(4096, 28), Compose(Pad(2, 0), RandomHorizontalFlip(0.5))},
	} {
		b.Run(c.name, func(b *testing.B) {
			l, err := NewLoader(c.ds, LoaderConfig{BatchSize: 64, Shuffle: true, Transform: c.tr})
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			b.ReportAllocs()
			b.ResetTimer()
			n, epoch := 0, 0
			l.Start(0)
			for i := 0; i < b.N; i++ {
				if !l.Next() {
					epoch++
					l.Start(epoch)
					l.Next()
				}
				n += l.Batch().N
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "images/s")
		})
	}
}

func synthN(n, side int) *Memory {
	pix := make([]uint8, n*side*side)
	for i := range pix {
		pix[i] = uint8(i * 7)
	}
	y := make([]int, n)
	for i := range y {
		y[i] = i % 2
	}
	return NewMemory(1, side, side, pix, y, []string{"a", "b"})
}

func TestRandomTranslate(t *testing.T) {
	tr := RandomTranslate(2, -7)
	seen := map[[2]int]bool{}
	for pos := uint64(0); pos < 200; pos++ {
		s := rampSample(2, 9, 11)
		orig := append([]float32(nil), s.Pix...)
		s.Seed(4, 0, pos)
		tr.Apply(s)
		require.Equal(t, [3]int{2, 9, 11}, [3]int{s.C, s.H, s.W})
		// Find the shift: every pixel is the original shifted, or the fill.
		found := false
		for dy := -2; dy <= 2 && !found; dy++ {
			for dx := -2; dx <= 2 && !found; dx++ {
				ok := true
				for c := 0; c < 2 && ok; c++ {
					for y := 0; y < 9 && ok; y++ {
						for x := 0; x < 11 && ok; x++ {
							want := float32(-7)
							if sy, sx := y-dy, x-dx; sy >= 0 && sy < 9 && sx >= 0 && sx < 11 {
								want = orig[c*99+sy*11+sx]
							}
							ok = s.Pix[c*99+y*11+x] == want
						}
					}
				}
				if ok {
					found = true
					seen[[2]int{dy, dx}] = true
				}
			}
		}
		require.True(t, found, "sample %d is no shift of at most 2 of the input", pos)
	}
	require.Len(t, seen, 25, "every shift in [-2, 2]^2 occurs")
	s := rampSample(1, 4, 4)
	orig := append([]float32(nil), s.Pix...)
	RandomTranslate(0, 0).Apply(s)
	require.Equal(t, orig, s.Pix)

	s = rampSample(3, 32, 32)
	pos := uint64(0)
	allocs := testing.AllocsPerRun(50, func() {
		s.Seed(1, 0, pos)
		pos++
		tr.Apply(s)
	})
	require.Zero(t, allocs, "a shift must not allocate once the sample's buffers exist")
}
