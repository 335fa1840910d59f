// This file holds Memory, the in-memory dataset of 8-bit images that IDX
// files, the embedded default set and Preload produce. Loading from it
// allocates nothing once the destination Image is large enough.

package data

import (
	"context"
	"fmt"
	"runtime"
	"sync"
)

// Memory is a dataset held in memory as 8-bit pixels, all samples of one
// shape C×H×W in planar layout (sample i's bytes are
// Pix[i*C*H*W : (i+1)*C*H*W]). Load scales them to [0, 1].
type Memory struct {
	C, H, W    int
	Pix        []uint8
	Targets    []int // one label per sample
	ClassNames []string
	Names      []string // optional, one per sample (file paths after Preload)
}

// NewMemory checks the sizes and returns a Memory over pix and labels (which
// it keeps). It panics when they disagree: a programmer error.
func NewMemory(c, h, w int, pix []uint8, labels []int, classes []string) *Memory {
	n := c * h * w
	if c <= 0 || h <= 0 || w <= 0 || len(pix) != n*len(labels) {
		panic(fmt.Sprintf("data: NewMemory: %d bytes for %d samples of %dx%dx%d", len(pix), len(labels), c, h, w))
	}
	for i, y := range labels {
		if y < 0 || y >= len(classes) {
			panic(fmt.Sprintf("data: NewMemory: label %d of sample %d out of range [0, %d)", y, i, len(classes)))
		}
	}
	return &Memory{C: c, H: h, W: w, Pix: pix, Targets: labels, ClassNames: classes}
}

func (m *Memory) Len() int          { return len(m.Targets) }
func (m *Memory) Classes() []string { return m.ClassNames }
func (m *Memory) Label(i int) int   { return m.Targets[i] }

// Name returns Names[i] when set, "sample i" otherwise.
func (m *Memory) Name(i int) string {
	if i < len(m.Names) {
		return m.Names[i]
	}
	return fmt.Sprintf("sample %d", i)
}

// Bytes returns sample i's C*H*W bytes, without copying.
func (m *Memory) Bytes(i int) []uint8 {
	n := m.C * m.H * m.W
	return m.Pix[i*n : (i+1)*n]
}

// Load writes sample i, scaled by 1/255, into dst. It never fails.
func (m *Memory) Load(i int, dst *Image) error {
	dst.Reset(m.C, m.H, m.W)
	src := m.Bytes(i)
	d := dst.Pix[:len(src)]
	for k, v := range src {
		d[k] = float32(v) * (1.0 / 255)
	}
	return nil
}

// Preload decodes every sample of ds (through t, which should be
// deterministic — a Resize and CenterCrop, say — and may be nil) into a
// Memory of 8-bit pixels, using up to workers goroutines (0: GOMAXPROCS).
// Every result must have the shape of the first one (channels are converted
// to the first one's count). Samples that fail to load are left out and
// returned as skipped errors, each naming its file; err is non-nil only
// when nothing could be loaded or ctx is cancelled.
func Preload(ctx context.Context, ds Dataset, t Transform, workers int) (m *Memory, skipped []error, err error) {
	n := ds.Len()
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type result struct {
		img *Image
		err error
	}
	res := make([]result, n)
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &Sample{}
			for i := range next {
				if err := ds.Load(i, &s.Image); err != nil {
					res[i].err = err
					continue
				}
				if t != nil {
					s.reseed(0, 0, uint64(i))
					t.Apply(s)
				}
				res[i].img = s.Image.Clone()
			}
		}()
	}
feed:
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	var first *Image
	var keep []int
	for i := range res {
		if res[i].err != nil {
			skipped = append(skipped, res[i].err)
			continue
		}
		img := res[i].img
		if first == nil {
			first = img
		} else if img.H != first.H || img.W != first.W {
			skipped = append(skipped, fmt.Errorf("%s: %dx%d after the transform, others are %dx%d (add a Resize and CenterCrop)", sampleName(ds, i), img.H, img.W, first.H, first.W))
			continue
		}
		keep = append(keep, i)
	}
	if first == nil {
		return nil, skipped, fmt.Errorf("preload: none of the %d samples could be loaded", n)
	}
	c, h, w := first.C, first.H, first.W
	sz := c * h * w
	pix := make([]uint8, sz*len(keep))
	labels := make([]int, len(keep))
	names := make([]string, len(keep))
	tmp := make([]float32, sz)
	for j, i := range keep {
		convertChannels(tmp, res[i].img, c)
		dst := pix[j*sz : (j+1)*sz]
		for k, v := range tmp {
			dst[k] = quantize(v)
		}
		labels[j] = ds.Label(i)
		names[j] = sampleName(ds, i)
	}
	m = NewMemory(c, h, w, pix, labels, append([]string(nil), ds.Classes()...))
	m.Names = names
	return m, skipped, nil
}

// quantize maps a value in [0, 1] to the nearest byte, clamping.
func quantize(v float32) uint8 {
	x := v*255 + 0.5
	if x <= 0 {
		return 0
	}
	if x >= 255 {
		return 255
	}
	return uint8(x)
}
