// This file turns checkpoint bytes into a Predictor: it parses the gocnn
// checkpoint from memory (no file, no temporary directory: the embedded
// bytes are all there is in a FROM scratch image), rebuilds the model and
// applies the checkpoint's own preprocessing to each image.

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/gocnn/gocnn/data"
	"github.com/gocnn/gocnn/tensor"
	"github.com/gocnn/gocnn/vgg16"
	"github.com/gocnn/gocnn/weights"
)

// Prediction is one image's answer, one JSON object.
type Prediction struct {
	Image string `json:"image,omitempty"` // the path or upload name, when there is one
	Class string `json:"class"`
	Index int    `json:"index"`
	// Probs holds the probability of every class, in the checkpoint's class
	// order: softmax over the logits, or for a single-logit binary model
	// [1-p, p] with p = sigmoid(logit), class 1 chosen when p >= threshold.
	Probs []float64 `json:"probs"`
	Error string    `json:"error,omitempty"`
}

// Predictor classifies images with one model. Predict is safe for
// concurrent use: calls are serialised, because the model owns its
// activations.
type Predictor struct {
	meta  vgg16.Meta
	model *vgg16.Model
	tf    data.Transform

	mu sync.Mutex
	s  data.Sample
}

// NewPredictor parses a checkpoint written by vgg16.SaveCheckpoint (a
// safetensors file with gocnn metadata) from b; name is used in errors.
func NewPredictor(b []byte, name string) (*Predictor, error) {
	sd, err := weights.LoadFrom(bytes.NewReader(b), int64(len(b)), name)
	if err != nil {
		return nil, err
	}
	js, ok := sd.Metadata[vgg16.MetaKey]
	if !ok {
		return nil, fmt.Errorf("%s: no gocnn metadata: not a checkpoint written by gocnn train", name)
	}
	var meta vgg16.Meta
	if err := json.Unmarshal([]byte(js), &meta); err != nil {
		return nil, fmt.Errorf("%s: bad metadata: %v", name, err)
	}
	if meta.Format != vgg16.MetaFormat {
		return nil, fmt.Errorf("%s: format %q, this program reads %q", name, meta.Format, vgg16.MetaFormat)
	}
	m, err := vgg16.New(meta.Spec, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	model := weights.NewStateDict()
	for _, k := range sd.Order {
		if strings.HasPrefix(k, "optim.") {
			continue // optimizer state of a resumable checkpoint
		}
		if t, ok := sd.Tensors[k]; ok {
			model.Add(k, t)
		} else {
			model.AddInt(k, sd.Ints[k])
		}
	}
	if _, err := weights.Assign(vgg16.Targets(m), model, true); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	m.SetTrain(false)
	tf, err := evalTransform(meta)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &Predictor{meta: meta, model: m, tf: tf}, nil
}

// Classes returns the class names in output order.
func (p *Predictor) Classes() []string { return p.meta.Classes }

// evalTransform is the checkpoint's deterministic preprocessing: channels,
// shorter side to Resize, center crop to Size-2*Pad, zero border Pad,
// normalise.
func evalTransform(meta vgg16.Meta) (data.Transform, error) {
	pp, spec := meta.Preprocess, meta.Spec
	crop := pp.Size - 2*pp.Pad
	switch {
	case pp.Size != spec.Size:
		return nil, fmt.Errorf("preprocess size %d but the model takes %d", pp.Size, spec.Size)
	case pp.Channels != spec.InChannels:
		return nil, fmt.Errorf("preprocess gives %d channels but the model takes %d", pp.Channels, spec.InChannels)
	case crop < 1 || pp.Pad < 0:
		return nil, fmt.Errorf("preprocess pad %d leaves no image at size %d", pp.Pad, pp.Size)
	case len(pp.Mean) == 0 || len(pp.Mean) != len(pp.Std):
		return nil, fmt.Errorf("preprocess has %d means and %d stds", len(pp.Mean), len(pp.Std))
	}
	for _, s := range pp.Std {
		if !(s > 0) {
			return nil, fmt.Errorf("preprocess std %v: must be positive", pp.Std)
		}
	}
	var resize data.Transform
	if pp.Resize > 0 {
		resize = data.Resize(pp.Resize)
	}
	return data.Compose(
		data.ToChannels(pp.Channels),
		resize,
		data.CenterCrop(crop, crop),
		data.Pad(pp.Pad, 0),
		data.Normalize(pp.Mean, pp.Std),
	), nil
}

// Predict decodes an encoded image (PNG, JPEG, GIF, BMP, WebP, TIFF) and
// classifies it.
func (p *Predictor) Predict(img []byte) (Prediction, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := data.DecodeImage(img, &p.s.Image); err != nil {
		return Prediction{}, fmt.Errorf("decoding image: %w", err)
	}
	p.tf.Apply(&p.s)
	n := p.model.Spec.Size
	if p.s.C != p.model.Spec.InChannels || p.s.H != n || p.s.W != n {
		return Prediction{}, fmt.Errorf("preprocessing gave %dx%dx%d, the model takes %dx%dx%d", p.s.C, p.s.H, p.s.W, p.model.Spec.InChannels, n, n)
	}
	x := tensor.FromSlice(p.s.Pix, 1, p.s.C, n, n)
	logits := p.model.Forward(x).Data()
	probs, idx := p.decide(logits)
	if !finite(probs) {
		return Prediction{}, fmt.Errorf("the model gave non-finite outputs %v", logits)
	}
	return Prediction{Class: p.className(idx), Index: idx, Probs: probs}, nil
}

// decide turns logits into class probabilities and the chosen class.
func (p *Predictor) decide(logits []float32) ([]float64, int) {
	if len(logits) == 1 {
		q := 1 / (1 + math.Exp(-float64(logits[0])))
		th := p.meta.Threshold
		if th <= 0 || th >= 1 {
			th = 0.5
		}
		idx := 0
		if q >= th {
			idx = 1
		}
		return []float64{1 - q, q}, idx
	}
	mx := math.Inf(-1)
	for _, v := range logits {
		mx = math.Max(mx, float64(v))
	}
	probs := make([]float64, len(logits))
	var sum float64
	for i, v := range logits {
		probs[i] = math.Exp(float64(v) - mx)
		sum += probs[i]
	}
	idx := 0
	for i := range probs {
		probs[i] /= sum
		if probs[i] > probs[idx] {
			idx = i
		}
	}
	return probs, idx
}

func (p *Predictor) className(i int) string {
	if i < len(p.meta.Classes) {
		return p.meta.Classes[i]
	}
	return fmt.Sprintf("class%d", i)
}

func finite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}
