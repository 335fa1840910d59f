// This file writes and reads gocnn's checkpoints: safetensors files whose
// tensors are the model's torchvision state_dict (plus, in a resumable
// checkpoint, the optimizer's state under "optim.") and whose metadata holds
// everything predict needs: architecture, class names, preprocessing and the
// decision threshold.

package vgg16

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/gocnn/gocnn/tensor"
	"github.com/gocnn/gocnn/weights"
)

// MetaKey is the safetensors metadata key holding the JSON Meta.
const MetaKey = "gocnn"

// MetaFormat names the current checkpoint layout.
const MetaFormat = "gocnn-vgg/1"

// optimPrefix prefixes optimizer state tensors in a resumable checkpoint.
const optimPrefix = "optim."

// Preprocess is how images are prepared for the model: resize the shorter
// side to Resize, center-crop to Size, convert to Channels, normalise with
// Mean and Std (per channel, on values in [0, 1]). Pad adds a border of
// fill value 0 before normalising, as the 28->32 Fashion-MNIST setup does.
type Preprocess struct {
	Size     int       `json:"size"`
	Resize   int       `json:"resize"`
	Pad      int       `json:"pad,omitempty"`
	Channels int       `json:"channels"`
	Mean     []float32 `json:"mean"`
	Std      []float32 `json:"std"`
}

// Meta is a checkpoint's metadata.
type Meta struct {
	Format     string     `json:"format"`
	Spec       Spec       `json:"spec"`
	Classes    []string   `json:"classes"`
	Preprocess Preprocess `json:"preprocess"`
	// Threshold is the probability of class 1 above which a binary
	// single-logit model predicts class 1 (tuned on validation).
	Threshold float64 `json:"threshold"`
	Strategy  string  `json:"strategy,omitempty"`
	Epoch     int     `json:"epoch"`
	Step      int     `json:"step"`
	// Val holds the validation metrics this checkpoint was chosen on.
	Val *Metrics `json:"val,omitempty"`
	// Train is the training configuration, for the record.
	Train json.RawMessage `json:"train,omitempty"`
	// Resume is the trainer's state in a "last" checkpoint: loader, RNG,
	// scheduler, best score so far, collapse history.
	Resume json.RawMessage `json:"resume,omitempty"`
}

// SaveCheckpoint writes m's state dict, extra tensors (optimizer state,
// stored under "optim."+name) and meta to path atomically (temporary file,
// fsync, rename): a crash never leaves a half-written checkpoint behind.
func SaveCheckpoint(path string, m *Model, meta Meta, extra map[string]*tensor.Tensor) error {
	meta.Format = MetaFormat
	meta.Spec = m.Spec
	js, err := json.Marshal(meta)
	if err != nil {
		return fmt.Errorf("checkpoint %s: encoding metadata: %w", path, err)
	}
	sd := weights.NewStateDict()
	for _, p := range m.Net.Params() {
		sd.Add(p.Name, p.Value)
	}
	for _, b := range m.Net.Buffers() {
		if b.Int != nil {
			sd.AddInt(b.Name, &weights.IntTensor{Shape: []int{}, Data: []int64{*b.Int}})
		} else {
			sd.Add(b.Name, b.Value)
		}
	}
	for _, k := range sortedKeys(extra) {
		sd.Add(optimPrefix+k, extra[k])
	}
	sd.Metadata = map[string]string{MetaKey: string(js)}
	if err := weights.SaveSafetensors(path, sd); err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return nil
}

// Checkpoint is a loaded checkpoint.
type Checkpoint struct {
	Model *Model
	Meta  Meta
	// Optim holds the optimizer state tensors (without the "optim." prefix),
	// empty for a checkpoint saved without them.
	Optim map[string]*tensor.Tensor
}

// LoadCheckpoint reads a gocnn checkpoint written by SaveCheckpoint and
// rebuilds its model. Errors name the file and what is wrong with it.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	sd, err := weights.Load(path)
	if err != nil {
		return nil, err
	}
	js, ok := sd.Metadata[MetaKey]
	if !ok {
		return nil, fmt.Errorf("checkpoint %s: no gocnn metadata: not written by gocnn train (load plain weights with -arch and -weights instead)", path)
	}
	var meta Meta
	if err := json.Unmarshal([]byte(js), &meta); err != nil {
		return nil, fmt.Errorf("checkpoint %s: bad metadata: %v", path, err)
	}
	if meta.Format != MetaFormat {
		return nil, fmt.Errorf("checkpoint %s: format %q, this gocnn reads %q", path, meta.Format, MetaFormat)
	}
	m, err := NewUninitialized(meta.Spec)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	ck := &Checkpoint{Model: m, Meta: meta, Optim: map[string]*tensor.Tensor{}}
	model := weights.NewStateDict()
	for _, k := range sd.Order {
		if name, ok := strings.CutPrefix(k, optimPrefix); ok {
			if t, ok := sd.Tensors[k]; ok {
				ck.Optim[name] = t
			}
			continue
		}
		if t, ok := sd.Tensors[k]; ok {
			model.Add(k, t)
		} else {
			model.AddInt(k, sd.Ints[k])
		}
	}
	if _, err := weights.Assign(Targets(m), model, true); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return ck, nil
}

// Targets lists the model's parameters and buffers for weights.Match and
// weights.Assign.
func Targets(m *Model) []weights.Target {
	var ts []weights.Target
	for _, p := range m.Net.Params() {
		ts = append(ts, weights.Target{Name: p.Name, Value: p.Value})
	}
	for _, b := range m.Net.Buffers() {
		ts = append(ts, weights.Target{Name: b.Name, Value: b.Value, Int: b.Int})
	}
	return ts
}

// LoadWeights loads a PyTorch (.pth, .pt) or safetensors state dict into m.
// Strict loading fails on any missing, unexpected or shape-mismatched key;
// non-strict loading takes what matches (a 1000-class backbone under a new
// head) and the report says what it left.
func LoadWeights(m *Model, path string, strict bool) (*weights.Report, error) {
	sd, err := weights.Load(path)
	if err != nil {
		return nil, err
	}
	rep, err := weights.Assign(Targets(m), sd, strict)
	if err != nil {
		return rep, fmt.Errorf("%s: %w", path, err)
	}
	return rep, nil
}

func sortedKeys(m map[string]*tensor.Tensor) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
