// This file holds the standard transforms (torchvision's names): resize,
// crops, flips, colour jitter, grayscale, normalisation and padding, and
// the computation of a dataset's mean and standard deviation.

package data

import (
	"fmt"
	"math"
)

// ImageNet normalisation, what pretrained torchvision VGG16 weights expect.
var (
	ImageNetMean = []float32{0.485, 0.456, 0.406}
	ImageNetStd  = []float32{0.229, 0.224, 0.225}
)

// Resize scales the image so that its shorter side is size (the longer
// becomes floor(size*long/short), as torchvision's Resize(int)), with
// antialiased bilinear interpolation.
func Resize(size int) Transform {
	if size <= 0 {
		panic(fmt.Sprintf("data: Resize: size %d", size))
	}
	return TransformFunc(func(s *Sample) {
		h, w := s.H, s.W
		oh, ow := size, size
		if h < w {
			ow = size * w / h
		} else if w < h {
			oh = size * h / w
		}
		if oh == h && ow == w {
			return
		}
		resampleBox(s, 0, 0, float64(h), float64(w), oh, ow)
	})
}

// ResizeTo scales the image to exactly h×w.
func ResizeTo(h, w int) Transform {
	if h <= 0 || w <= 0 {
		panic(fmt.Sprintf("data: ResizeTo: size %dx%d", h, w))
	}
	return TransformFunc(func(s *Sample) {
		if s.H == h && s.W == w {
			return
		}
		resampleBox(s, 0, 0, float64(s.H), float64(s.W), h, w)
	})
}

// CenterCrop cuts the central h×w window, padding with zeros where the image
// is smaller (as torchvision).
func CenterCrop(h, w int) Transform {
	if h <= 0 || w <= 0 {
		panic(fmt.Sprintf("data: CenterCrop: size %dx%d", h, w))
	}
	return TransformFunc(func(s *Sample) {
		if s.H == h && s.W == w {
			return
		}
		// torchvision: top = round((H - h) / 2), left = round((W - w) / 2),
		// with Python's round: half to even.
		top := int(math.RoundToEven(float64(s.H-h) / 2))
		left := int(math.RoundToEven(float64(s.W-w) / 2))
		cropPad(s, top, left, h, w, 0)
	})
}

// Pad adds p pixels of value fill on every side.
func Pad(p int, fill float32) Transform {
	if p < 0 {
		panic(fmt.Sprintf("data: Pad: %d", p))
	}
	return TransformFunc(func(s *Sample) {
		if p > 0 {
			cropPad(s, -p, -p, s.H+2*p, s.W+2*p, fill)
		}
	})
}

// RandomResizedCropT is torchvision's RandomResizedCrop: a window of random
// area (a fraction in [ScaleMin, ScaleMax] of the image) and aspect ratio
// (log-uniform in [RatioMin, RatioMax]), resized to H×W; after 10 failed
// draws, the central crop at the nearest allowed ratio.
type RandomResizedCropT struct {
	H, W               int
	ScaleMin, ScaleMax float64
	RatioMin, RatioMax float64
}

// RandomResizedCrop returns the transform with torchvision's defaults:
// scale (0.08, 1), ratio (3/4, 4/3).
func RandomResizedCrop(h, w int) *RandomResizedCropT {
	if h <= 0 || w <= 0 {
		panic(fmt.Sprintf("data: RandomResizedCrop: size %dx%d", h, w))
	}
	return &RandomResizedCropT{H: h, W: w, ScaleMin: 0.08, ScaleMax: 1, RatioMin: 3.0 / 4, RatioMax: 4.0 / 3}
}

func (t *RandomResizedCropT) Apply(s *Sample) {
	H, W := float64(s.H), float64(s.W)
	area := H * W
	lr0, lr1 := math.Log(t.RatioMin), math.Log(t.RatioMax)
	for range 10 {
		target := area * (t.ScaleMin + (t.ScaleMax-t.ScaleMin)*s.RNG.Float64())
		aspect := math.Exp(lr0 + (lr1-lr0)*s.RNG.Float64())
		w := math.Round(math.Sqrt(target * aspect))
		h := math.Round(math.Sqrt(target / aspect))
		if w > 0 && w <= W && h > 0 && h <= H {
			i := s.RNG.IntN(int(H-h) + 1)
			j := s.RNG.IntN(int(W-w) + 1)
			resampleBox(s, float64(i), float64(j), h, w, t.H, t.W)
			return
		}
	}
	w, h := W, H
	if r := W / H; r < t.RatioMin {
		h = math.Round(w / t.RatioMin)
	} else if r > t.RatioMax {
		w = math.Round(h * t.RatioMax)
	}
	resampleBox(s, math.Round((H-h)/2), math.Round((W-w)/2), h, w, t.H, t.W)
}

// RandomHorizontalFlip mirrors the image left-right with probability p.
func RandomHorizontalFlip(p float64) Transform {
	return TransformFunc(func(s *Sample) {
		if s.RNG.Float64() >= p {
			return
		}
		for ch := 0; ch < s.C; ch++ {
			pl := s.Plane(ch)
			for y := 0; y < s.H; y++ {
				row := pl[y*s.W : (y+1)*s.W]
				for i, j := 0, len(row)-1; i < j; i, j = i+1, j-1 {
					row[i], row[j] = row[j], row[i]
				}
			}
		}
	})
}

// RandomTranslate shifts the image by whole pixels, dy and dx each uniform
// in [-max, max], filling the uncovered border with fill; the size is
// unchanged. It is torchvision's RandomCrop(size, padding=max, fill=fill)
// on an image of that size: the light augmentation of small-image tasks
// (CIFAR's pad-4 crop). max 0 is the identity.
func RandomTranslate(max int, fill float32) Transform {
	if max < 0 {
		panic(fmt.Sprintf("data: RandomTranslate: max %d", max))
	}
	return TransformFunc(func(s *Sample) {
		if max == 0 {
			return
		}
		dy := s.RNG.IntN(2*max+1) - max
		dx := s.RNG.IntN(2*max+1) - max
		if dy == 0 && dx == 0 {
			return
		}
		// Output pixel (y, x) is input pixel (y-dy, x-dx).
		cropPad(s, -dy, -dx, s.H, s.W, fill)
	})
}

// ColorJitter scales brightness by a factor uniform in
// [1-Brightness, 1+Brightness], then contrast (around the image's mean
// luma) and saturation (around each pixel's luma, three-channel images
// only) likewise, clamping to [0, 1]. Unlike torchvision the order is fixed
// and there is no hue jitter: small jitter is what it is for.
type ColorJitter struct {
	Brightness, Contrast, Saturation float64
}

func (t ColorJitter) Apply(s *Sample) {
	b := 1 + t.Brightness*(2*s.RNG.Float64()-1)
	c := 1 + t.Contrast*(2*s.RNG.Float64()-1)
	sat := 1 + t.Saturation*(2*s.RNG.Float64()-1)
	n := s.H * s.W
	bf := float32(b)
	for i, v := range s.Pix {
		s.Pix[i] = clamp01(v * bf)
	}
	if c != 1 {
		mean := float32(0)
		if s.C >= 3 {
			sum := 0.0
			r, g, bl := s.Pix[:n], s.Pix[n:2*n], s.Pix[2*n:3*n]
			for i := range r {
				sum += float64(0.299*r[i] + 0.587*g[i] + 0.114*bl[i])
			}
			mean = float32(sum / float64(n))
		} else {
			sum := 0.0
			for _, v := range s.Pix[:n] {
				sum += float64(v)
			}
			mean = float32(sum / float64(n))
		}
		cf := float32(c)
		for i, v := range s.Pix {
			s.Pix[i] = clamp01((v-mean)*cf + mean)
		}
	}
	if sat != 1 && s.C >= 3 {
		sf := float32(sat)
		r, g, bl := s.Pix[:n], s.Pix[n:2*n], s.Pix[2*n:3*n]
		for i := range r {
			l := 0.299*r[i] + 0.587*g[i] + 0.114*bl[i]
			r[i] = clamp01((r[i]-l)*sf + l)
			g[i] = clamp01((g[i]-l)*sf + l)
			bl[i] = clamp01((bl[i]-l)*sf + l)
		}
	}
}

func clamp01(v float32) float32 {
	if v < 0 {
		return 0
	}
	if v > 1 {
		return 1
	}
	return v
}

// Grayscale converts to n channels (1: the ITU-R 601-2 luma; 3: the luma or
// the single plane replicated, as torchvision's Grayscale(3)).
func Grayscale(n int) Transform {
	if n != 1 && n != 3 {
		panic(fmt.Sprintf("data: Grayscale: %d channels", n))
	}
	return TransformFunc(func(s *Sample) {
		if s.C == n && n == 1 {
			return
		}
		s.Tmp.Reset(1, s.H, s.W)
		convertChannels(s.Tmp.Pix, &s.Image, 1)
		if n == 3 {
			s.Swap()
			s.Tmp.Reset(3, s.H, s.W)
			convertChannels(s.Tmp.Pix, &s.Image, 3)
		}
		s.Swap()
	})
}

// ToChannels converts to n channels only when the count differs (1 -> 3
// replicates, 3 -> 1 takes the luma); colour images stay in colour.
func ToChannels(n int) Transform {
	return TransformFunc(func(s *Sample) {
		if s.C == n {
			return
		}
		s.Tmp.Reset(n, s.H, s.W)
		convertChannels(s.Tmp.Pix, &s.Image, n)
		s.Swap()
	})
}

// Normalize maps channel c to (x - mean[c]) / std[c]; with fewer values than
// channels they repeat (channel c uses index c mod len(mean)).
func Normalize(mean, std []float32) Transform {
	if len(mean) == 0 || len(mean) != len(std) {
		panic(fmt.Sprintf("data: Normalize: %d means, %d stds", len(mean), len(std)))
	}
	for _, v := range std {
		if !(v > 0) {
			panic(fmt.Sprintf("data: Normalize: std %v", std))
		}
	}
	mean, std = append([]float32(nil), mean...), append([]float32(nil), std...)
	return TransformFunc(func(s *Sample) {
		for ch := 0; ch < s.C; ch++ {
			m, inv := mean[ch%len(mean)], 1/std[ch%len(std)]
			pl := s.Plane(ch)
			for i, v := range pl {
				pl[i] = (v - m) * inv
			}
		}
	})
}

// MeanStd computes the per-channel mean and standard deviation of ds's
// pixels after t (deterministic transforms; nil: none), over at most
// maxSamples samples spread evenly over the dataset (0: all). Unreadable
// samples are skipped and counted. Channels follow the first sample; others
// are converted to its count.
func MeanStd(ds Dataset, t Transform, maxSamples int) (mean, std []float64, skipped int, err error) {
	n := ds.Len()
	step := 1.0
	if maxSamples > 0 && n > maxSamples {
		step = float64(n) / float64(maxSamples)
	}
	s := &Sample{}
	var sum, sq []float64
	var count float64
	var tmp []float32
	for f := 0.0; int(f) < n; f += step {
		i := int(f)
		if err := ds.Load(i, &s.Image); err != nil {
			skipped++
			continue
		}
		if t != nil {
			s.reseed(0, 0, uint64(i))
			t.Apply(s)
		}
		if sum == nil {
			sum, sq = make([]float64, s.C), make([]float64, s.C)
		}
		c := len(sum)
		hw := s.H * s.W
		if cap(tmp) < c*hw {
			tmp = make([]float32, c*hw)
		}
		convertChannels(tmp[:c*hw], &s.Image, c)
		for ch := 0; ch < c; ch++ {
			for _, v := range tmp[ch*hw : (ch+1)*hw] {
				sum[ch] += float64(v)
				sq[ch] += float64(v) * float64(v)
			}
		}
		count += float64(hw)
	}
	if sum == nil {
		return nil, nil, skipped, fmt.Errorf("mean/std: no sample of %d could be loaded", n)
	}
	mean, std = make([]float64, len(sum)), make([]float64, len(sum))
	for ch := range sum {
		mean[ch] = sum[ch] / count
		std[ch] = math.Sqrt(math.Max(sq[ch]/count-mean[ch]*mean[ch], 0))
	}
	return mean, std, skipped, nil
}

// Float32s converts float64s (as MeanStd returns) for Normalize.
func Float32s(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}
