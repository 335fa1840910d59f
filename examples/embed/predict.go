// This file turns checkpoint bytes into a Predictor: it parses the gocnn
// checkpoint from memory (no file, no temporary directory: the embedded
// bytes are all there is in a FROM scratch image), rebuilds the model and
// classifies images exactly as `gocnn predict` does (vgg16.Predictor's
// preprocessing and decision rule).

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

// Predictor classifies images with one model, with the preprocessing and
// decision rule of `gocnn predict` (vgg16.Predictor's). Predict is safe for
// concurrent use: calls are serialised, because the model owns its
// activations.
type Predictor struct {
	vp *vgg16.Predictor
	tf data.Transform

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
	pp, spec := meta.Preprocess, meta.Spec
	if err := pp.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if pp.Size != spec.Size || pp.Channels != spec.InChannels {
		return nil, fmt.Errorf("%s: preprocessing makes %dx%dx%d images, the model takes %dx%dx%d", name, pp.Channels, pp.Size, pp.Size, spec.InChannels, spec.Size, spec.Size)
	}
	classes := max(spec.Outputs, 2) // a single logit is a binary model
	if len(meta.Classes) != classes {
		return nil, fmt.Errorf("%s: %d class names for a model with %d classes", name, len(meta.Classes), classes)
	}
	m, err := vgg16.New(spec, 0)
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
	th := meta.Threshold
	if th <= 0 || th >= 1 {
		th = 0.5 // a checkpoint saved without a tuned threshold
	}
	vp := &vgg16.Predictor{Path: name, Model: m, Classes: meta.Classes, Preprocess: pp, Threshold: th, Meta: &meta}
	return &Predictor{vp: vp, tf: vp.Transform()}, nil
}

// Classes returns the class names in output order.
func (p *Predictor) Classes() []string { return p.vp.Classes }

// Predict decodes an encoded image (PNG, JPEG, GIF, BMP, WebP, TIFF) and
// classifies it.
func (p *Predictor) Predict(img []byte) (Prediction, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := data.DecodeImage(img, &p.s.Image); err != nil {
		return Prediction{}, fmt.Errorf("decoding image: %w", err)
	}
	p.tf.Apply(&p.s)
	spec := p.vp.Model.Spec
	if p.s.C != spec.InChannels || p.s.H != spec.Size || p.s.W != spec.Size {
		return Prediction{}, fmt.Errorf("preprocessing gave %dx%dx%d, the model takes %dx%dx%d", p.s.C, p.s.H, p.s.W, spec.InChannels, spec.Size, spec.Size)
	}
	x := tensor.FromSlice(p.s.Pix, 1, p.s.C, spec.Size, spec.Size)
	logits := p.vp.Model.Forward(x).Data()
	probs, idx := p.vp.Decide(logits)
	for _, v := range probs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Prediction{}, fmt.Errorf("the model gave non-finite outputs %v", logits)
		}
	}
	return Prediction{Class: p.vp.Classes[idx], Index: idx, Probs: probs}, nil
}
