// This file turns images into model inputs the way the model was trained to
// see them: torchvision's evaluation transform by default (resize the
// shorter side, center crop, normalise), or what a checkpoint's metadata
// says. predict, eval and the feature cache share it.

package vgg16

import (
	"fmt"
	"math"

	"github.com/gocnn/gocnn/data"
)

// grayMean and grayStd are ImageNet's statistics seen through the ITU-R
// 601-2 luma that 3 -> 1 channel conversion uses, the default for
// single-channel models without metadata.
var (
	grayMean = []float32{0.299*0.485 + 0.587*0.456 + 0.114*0.406}
	grayStd  = []float32{0.299*0.229 + 0.587*0.224 + 0.114*0.225}
)

// DefaultPreprocess returns torchvision's evaluation transform for spec:
// Resize(⌊Size·256/224⌋) then CenterCrop(Size) for the torchvision head
// (Resize(256), CenterCrop(224) at 224), Resize(Size) then CenterCrop(Size)
// for the compact head (small images are not blown up and cut), ImageNet
// normalisation (its luma for one channel), no padding.
func DefaultPreprocess(spec Spec) Preprocess {
	p := Preprocess{Size: spec.Size, Resize: spec.Size, Channels: spec.InChannels}
	if spec.Head == HeadTorchvision {
		p.Resize = spec.Size * 256 / 224
	}
	p.Mean, p.Std = data.ImageNetMean, data.ImageNetStd
	if spec.InChannels == 1 {
		p.Mean, p.Std = grayMean, grayStd
	}
	p.Mean = append([]float32(nil), p.Mean...)
	p.Std = append([]float32(nil), p.Std...)
	return p
}

// Crop returns the side of the square the image is cropped to before
// padding: Size - 2·Pad.
func (p Preprocess) Crop() int { return p.Size - 2*p.Pad }

// Validate returns an error naming the first field that cannot work.
func (p Preprocess) Validate() error {
	switch {
	case p.Size < 1:
		return fmt.Errorf("preprocess: size %d", p.Size)
	case p.Pad < 0 || p.Crop() < 1:
		return fmt.Errorf("preprocess: pad %d leaves no image inside size %d", p.Pad, p.Size)
	case p.Resize < 0:
		return fmt.Errorf("preprocess: resize %d (0 means no resizing)", p.Resize)
	case p.Channels != 1 && p.Channels != 3:
		return fmt.Errorf("preprocess: %d channels (want 1 or 3)", p.Channels)
	case len(p.Mean) == 0 || len(p.Mean) != len(p.Std):
		return fmt.Errorf("preprocess: %d means and %d standard deviations", len(p.Mean), len(p.Std))
	case len(p.Mean) != 1 && len(p.Mean) != p.Channels:
		return fmt.Errorf("preprocess: %d means for %d channels", len(p.Mean), p.Channels)
	}
	for _, s := range p.Std {
		if !(s > 0) {
			return fmt.Errorf("preprocess: standard deviation %v must be positive", s)
		}
	}
	return nil
}

// Transform returns the pipeline p describes, for images with values in
// [0, 1]:
//
//  1. an image already Crop()×Crop() passes through untouched (no
//     resampling); otherwise, when Resize > 0, its shorter side is resized
//     to Resize (antialiased bilinear, as PIL), then
//  2. the central Crop()×Crop() window is cut (zero-padded if smaller),
//  3. the channels are converted to Channels (gray -> RGB replicates,
//     RGB -> gray takes the luma),
//  4. Pad pixels of 0 are added on every side,
//  5. each channel c becomes (x - Mean[c]) / Std[c].
//
// It panics if p is invalid (Validate first for values from outside).
func (p Preprocess) Transform() data.Transform {
	if err := p.Validate(); err != nil {
		panic("vgg16: Preprocess.Transform: " + err.Error())
	}
	crop := p.Crop()
	var resize data.Transform
	if p.Resize > 0 {
		r := data.Resize(p.Resize)
		resize = data.TransformFunc(func(s *data.Sample) {
			if s.H == crop && s.W == crop {
				return
			}
			r.Apply(s)
		})
	}
	var pad data.Transform
	if p.Pad > 0 {
		pad = data.Pad(p.Pad, 0)
	}
	return data.Compose(resize, centerCrop(crop), data.ToChannels(p.Channels), pad, data.Normalize(p.Mean, p.Std))
}

// cropOffset is torchvision's center_crop offset along a side of n pixels
// cut to c: round((n - c) / 2) with Python's round-half-to-even when the
// image is larger, -⌊(c - n) / 2⌋ (its padding on the leading side) when it
// is smaller.
func cropOffset(n, c int) int {
	if n >= c {
		return int(math.RoundToEven(float64(n-c) / 2))
	}
	return -((c - n) / 2)
}

// centerCrop cuts the central c×c window as torchvision's CenterCrop,
// padding with zeros where the image is smaller. (data.CenterCrop rounds
// half away from zero, one pixel off torchvision for odd differences such
// as 45 -> 32.)
func centerCrop(c int) data.Transform {
	return data.TransformFunc(func(s *data.Sample) {
		if s.H == c && s.W == c {
			return
		}
		y0, x0 := cropOffset(s.H, c), cropOffset(s.W, c)
		src := &s.Image
		s.Tmp.Reset(src.C, c, c)
		for ch := 0; ch < src.C; ch++ {
			in, out := src.Plane(ch), s.Tmp.Plane(ch)
			for y := 0; y < c; y++ {
				row := out[y*c : (y+1)*c]
				sy := y + y0
				if sy < 0 || sy >= src.H {
					clear(row)
					continue
				}
				for x := range row {
					if sx := x + x0; sx >= 0 && sx < src.W {
						row[x] = in[sy*src.W+sx]
					} else {
						row[x] = 0
					}
				}
			}
		}
		s.Swap()
	})
}

// PreprocessOverrides changes single steps of a Preprocess; a zero field
// (nil slice, 0, negative Pad) keeps the base value.
type PreprocessOverrides struct {
	Size, Resize int
	Pad          int // -1: keep
	Mean, Std    []float32
	NoResize     bool // skip resizing (crop or pad only)
}

// Apply returns base with o's changes. Changing Size without Resize keeps
// the base's Resize/Size ratio.
func (o PreprocessOverrides) Apply(base Preprocess) Preprocess {
	p := base
	p.Mean = append([]float32(nil), base.Mean...)
	p.Std = append([]float32(nil), base.Std...)
	if o.Size > 0 && o.Size != base.Size {
		p.Size = o.Size
		if base.Size > 0 {
			p.Resize = base.Resize * o.Size / base.Size
		}
	}
	if o.Resize > 0 {
		p.Resize = o.Resize
	}
	if o.NoResize {
		p.Resize = 0
	}
	if o.Pad >= 0 {
		p.Pad = o.Pad
	}
	if o.Mean != nil {
		p.Mean = append([]float32(nil), o.Mean...)
	}
	if o.Std != nil {
		p.Std = append([]float32(nil), o.Std...)
	}
	return p
}
