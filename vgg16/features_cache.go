// This file makes transfer learning cheap: when the feature extractor is
// frozen and augmentation is off, its output for a sample never changes,
// so it is computed once per dataset and the head trains on the cached
// vectors — a step then costs the classifier's work alone (for VGG16 at
// 224 px, about 1/500 of a full step's FLOPs).
//
// Design. FeatureCache is a dense [N, Dim] float32 matrix of the classifier's
// inputs (the flattened output of features, avgpool and flatten), one row per
// readable sample, with the sample's label and dataset index. It is computed
// in evaluation mode — batch norm uses its running statistics — because a
// frozen backbone must not drift; the trainer keeps m.Features in evaluation
// mode while training the head so that cached and live features agree.
// Batches gathers rows in any order (a sampler's) into one reusable tensor,
// so a head step allocates nothing; the caller runs m.Classifier.Forward,
// its loss and m.Classifier.Backward on it. The cache refuses to grow past
// MaxBytes (the torchvision head's rows are 25,088 floats, 98 KiB each):
// the trainer then falls back to full forward passes.

package vgg16

import (
	"context"
	"fmt"

	"github.com/gocnn/gocnn/data"
	"github.com/gocnn/gocnn/tensor"
)

// FeatureCache holds the frozen backbone's output for a dataset.
type FeatureCache struct {
	Dim     int       // floats per sample: the classifier's input width
	Rows    []float32 // Len()*Dim values, row r at [r*Dim, (r+1)*Dim)
	Labels  []int     // one per row
	Index   []int     // the dataset index of each row
	Classes []string
	// Skipped holds the errors of samples that could not be read; they
	// have no row.
	Skipped []string

	x     *tensor.Tensor // Batches' buffer
	y     *tensor.Tensor
	batch []int
}

// CacheOptions configure BuildFeatureCache.
type CacheOptions struct {
	Batch    int   // forward batch size; 0: 32
	MaxBytes int64 // refuse a cache larger than this; 0: 4 GiB
	// Progress, when set, is called after each batch with the samples done.
	Progress func(done, total int)
}

// CacheWorthwhile reports whether the trainer should cache features: the
// backbone is frozen and every sample is the same each epoch.
func CacheWorthwhile(frozen, augment bool) bool { return frozen && !augment }

// FeatureDim returns the classifier's input width for m.
func FeatureDim(m *Model) int { return m.Classifier.Params()[0].Value.Dim(1) }

// BuildFeatureCache runs ds through t (a deterministic transform: the eval
// preprocessing) and m's feature extractor, avgpool and flatten, in
// evaluation mode, and keeps the results. It leaves m.Features in
// evaluation mode (the classifier's mode is untouched). Every sample must
// come out of t as the model's input shape [C, Size, Size].
func BuildFeatureCache(ctx context.Context, m *Model, ds data.Dataset, t data.Transform, opt CacheOptions) (*FeatureCache, error) {
	if opt.Batch <= 0 {
		opt.Batch = 32
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = 4 << 30
	}
	dim := FeatureDim(m)
	n := ds.Len()
	if need := int64(n) * int64(dim) * 4; need > opt.MaxBytes {
		return nil, fmt.Errorf("feature cache: %d samples x %d features = %d MiB, over the %d MiB limit", n, dim, need>>20, opt.MaxBytes>>20)
	}
	c := &FeatureCache{Dim: dim, Classes: ds.Classes(), Rows: make([]float32, 0, n*dim)}
	spec := m.Spec
	per := spec.InChannels * spec.Size * spec.Size
	buf := make([]float32, 0, opt.Batch*per)
	var pending []int
	m.Features.SetTrain(false)
	flush := func() {
		if len(pending) == 0 {
			return
		}
		x := tensor.Wrap(buf[:len(pending)*per], len(pending), spec.InChannels, spec.Size, spec.Size)
		f := m.ForwardFeatures(x).Contiguous().Data()
		c.Rows = append(c.Rows, f[:len(pending)*dim]...)
		for _, i := range pending {
			c.Labels = append(c.Labels, ds.Label(i))
			c.Index = append(c.Index, i)
		}
		pending, buf = pending[:0], buf[:0]
	}
	s := &data.Sample{}
	for i := 0; i < n; i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := ds.Load(i, &s.Image); err != nil {
			c.Skipped = append(c.Skipped, err.Error())
			continue
		}
		if t != nil {
			s.Seed(0, 0, uint64(i))
			t.Apply(s)
		}
		if s.C != spec.InChannels || s.H != spec.Size || s.W != spec.Size {
			return nil, fmt.Errorf("feature cache: %s: transformed to %dx%dx%d, the model takes %dx%dx%d",
				sampleName(ds, i), s.C, s.H, s.W, spec.InChannels, spec.Size, spec.Size)
		}
		buf = append(buf, s.Pix...)
		pending = append(pending, i)
		if len(pending) == opt.Batch {
			flush()
			if opt.Progress != nil {
				opt.Progress(i+1, n)
			}
		}
	}
	flush()
	if len(c.Labels) == 0 && n > 0 {
		return nil, fmt.Errorf("feature cache: none of the %d samples could be read; first: %s", n, c.Skipped[0])
	}
	return c, nil
}

// ForwardFeatures runs x [N, C, Size, Size] through everything before the
// classifier (features, avgpool for the torchvision head, flatten) and
// returns [N, FeatureDim], owned by the model until its next forward.
func (m *Model) ForwardFeatures(x *tensor.Tensor) *tensor.Tensor {
	for i := 0; i < m.Net.Len(); i++ {
		if m.Net.Name(i) == "classifier" {
			break
		}
		x = m.Net.At(i).Forward(x)
	}
	return x
}

// Len returns the number of cached samples.
func (c *FeatureCache) Len() int { return len(c.Labels) }

// Bytes returns the memory the cached rows take.
func (c *FeatureCache) Bytes() int64 { return int64(len(c.Rows)) * 4 }

// Gather copies rows idx (row numbers, not dataset indices) into x
// [len(idx), Dim] and their labels, as float32 BCE targets, into y [len(idx)].
func (c *FeatureCache) Gather(idx []int, x, y *tensor.Tensor) {
	if x.Dim(0) != len(idx) || x.Dim(1) != c.Dim || y.Dim(0) != len(idx) {
		panic(fmt.Sprintf("vgg16: FeatureCache.Gather: %d rows into x %v, y %v (Dim %d)", len(idx), x.Shape(), y.Shape(), c.Dim))
	}
	xd, yd := x.Data(), y.Data()
	for j, r := range idx {
		copy(xd[j*c.Dim:(j+1)*c.Dim], c.Rows[r*c.Dim:(r+1)*c.Dim])
		yd[j] = float32(c.Labels[r])
	}
}

// Batches walks order (row numbers, e.g. a sampler's epoch order) in batches
// of size batch (the last one shorter unless dropLast) and calls fn with the
// gathered features x [B, Dim], targets y [B] (labels as float32) and the
// labels. x, y and labels are reused between calls: fn must not keep them.
// It allocates only on its first call for a batch size. fn's error stops the
// walk and is returned.
func (c *FeatureCache) Batches(order []int, batch int, dropLast bool, fn func(x, y *tensor.Tensor, labels []int) error) error {
	if batch < 1 {
		panic(fmt.Sprintf("vgg16: FeatureCache.Batches: batch %d", batch))
	}
	if c.x == nil || c.x.Dim(0) != batch {
		c.x, c.y = tensor.Zeros(batch, c.Dim), tensor.Zeros(batch)
		c.batch = make([]int, batch)
	}
	for lo := 0; lo < len(order); lo += batch {
		hi := min(lo+batch, len(order))
		if hi-lo < batch && dropLast {
			break
		}
		b := hi - lo
		x, y := c.x, c.y
		if b < batch {
			x, y = c.x.Narrow(0, 0, b), c.y.Narrow(0, 0, b)
		}
		c.Gather(order[lo:hi], x, y)
		labels := c.batch[:b]
		for j, r := range order[lo:hi] {
			labels[j] = c.Labels[r]
		}
		if err := fn(x, y, labels); err != nil {
			return err
		}
	}
	return nil
}
