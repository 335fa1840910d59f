// This file decodes image files (JPEG, PNG, GIF with the standard library;
// BMP, TIFF, WebP with golang.org/x/image) into planar float32 Images.

package data

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"path/filepath"
	"strings"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"
)

// ImageExts are the file extensions (lower case) that ImageFolder and the
// doctor treat as images.
var ImageExts = map[string]bool{".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".bmp": true, ".webp": true, ".tif": true, ".tiff": true}

// IsImageFile reports whether path has one of ImageExts (any case).
func IsImageFile(path string) bool { return ImageExts[strings.ToLower(filepath.Ext(path))] }

// ImageMeta describes a decoded file as it was stored.
type ImageMeta struct {
	Format string // "jpeg", "png", ...
	Mode   string // "gray", "rgb", "rgba", "palette", "cmyk", "gray16", "rgb16"
	W, H   int
}

// DecodeImage decodes an encoded image into dst: one channel for grayscale
// images, three (RGB, alpha dropped) for everything else.
func DecodeImage(b []byte, dst *Image) (ImageMeta, error) {
	img, format, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return ImageMeta{}, err
	}
	r := img.Bounds()
	meta := ImageMeta{Format: format, W: r.Dx(), H: r.Dy(), Mode: imageMode(img)}
	if meta.W <= 0 || meta.H <= 0 {
		return meta, fmt.Errorf("empty image (%dx%d)", meta.W, meta.H)
	}
	toPlanar(img, dst)
	return meta, nil
}

// LoadImageFile reads and decodes the file at path; errors name the file.
func LoadImageFile(path string, dst *Image) (ImageMeta, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return ImageMeta{}, err
	}
	m, err := DecodeImage(b, dst)
	if err != nil {
		return m, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

func imageMode(img image.Image) string {
	switch m := img.(type) {
	case *image.Gray:
		return "gray"
	case *image.Gray16:
		return "gray16"
	case *image.Paletted:
		return "palette"
	case *image.CMYK:
		return "cmyk"
	case *image.YCbCr:
		return "rgb"
	case *image.NRGBA, *image.RGBA:
		if m.(interface{ Opaque() bool }).Opaque() {
			return "rgb"
		}
		return "rgba"
	case *image.NRGBA64, *image.RGBA64:
		if m.(interface{ Opaque() bool }).Opaque() {
			return "rgb16"
		}
		return "rgba"
	}
	switch img.ColorModel() {
	case color.GrayModel:
		return "gray"
	case color.Gray16Model:
		return "gray16"
	}
	return "rgb"
}

// toPlanar converts img to planar float32 in [0, 1].
func toPlanar(img image.Image, dst *Image) {
	r := img.Bounds()
	w, h := r.Dx(), r.Dy()
	const s8, s16 = 1.0 / 255, 1.0 / 65535
	switch m := img.(type) {
	case *image.Gray:
		dst.Reset(1, h, w)
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride : y*m.Stride+w]
			d := dst.Pix[y*w : (y+1)*w]
			for x, v := range row {
				d[x] = float32(v) * s8
			}
		}
		return
	case *image.YCbCr:
		dst.Reset(3, h, w)
		n := w * h
		R, G, B := dst.Pix[:n], dst.Pix[n:2*n], dst.Pix[2*n:]
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				yi := m.YOffset(x+r.Min.X, y+r.Min.Y)
				ci := m.COffset(x+r.Min.X, y+r.Min.Y)
				rr, gg, bb := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
				k := y*w + x
				R[k], G[k], B[k] = float32(rr)*s8, float32(gg)*s8, float32(bb)*s8
			}
		}
		return
	case *image.NRGBA:
		dst.Reset(3, h, w)
		n := w * h
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride : y*m.Stride+4*w]
			for x := 0; x < w; x++ {
				k := y*w + x
				dst.Pix[k] = float32(row[4*x]) * s8
				dst.Pix[n+k] = float32(row[4*x+1]) * s8
				dst.Pix[2*n+k] = float32(row[4*x+2]) * s8
			}
		}
		return
	case *image.RGBA:
		dst.Reset(3, h, w)
		n := w * h
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride : y*m.Stride+4*w]
			for x := 0; x < w; x++ {
				k := y*w + x
				dst.Pix[k] = float32(row[4*x]) * s8
				dst.Pix[n+k] = float32(row[4*x+1]) * s8
				dst.Pix[2*n+k] = float32(row[4*x+2]) * s8
			}
		}
		return
	}
	gray := img.ColorModel() == color.GrayModel || img.ColorModel() == color.Gray16Model
	if gray {
		dst.Reset(1, h, w)
	} else {
		dst.Reset(3, h, w)
	}
	n := w * h
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			rr, gg, bb, _ := img.At(x+r.Min.X, y+r.Min.Y).RGBA()
			k := y*w + x
			dst.Pix[k] = float32(rr) * s16
			if !gray {
				dst.Pix[n+k] = float32(gg) * s16
				dst.Pix[2*n+k] = float32(bb) * s16
			}
		}
	}
}
