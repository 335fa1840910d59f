// This file writes the trainer's checkpoints and resumes from them: best
// (model only) and last (model, optimizer, loader position and trainer
// state), both atomically.

package vgg16

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/gocnn/gocnn/nn"
	"github.com/gocnn/gocnn/optim"
	"github.com/gocnn/gocnn/tensor"
	"github.com/gocnn/gocnn/weights"
)

// resumeState is the trainer's state in a last checkpoint.
type resumeState struct {
	Epoch        int                `json:"epoch"` // loader position: the epoch and batch to continue at
	Batch        int                `json:"batch"`
	Step         int                `json:"step"`
	Best         float64            `json:"best"`
	BestEpoch    int                `json:"best_epoch"`
	Threshold    float64            `json:"threshold"`
	Strategy     string             `json:"strategy"`
	Recent       []float64          `json:"recent"`
	Losses       []float64          `json:"losses"`
	OptimKind    string             `json:"optim_kind"`
	OptimScalars map[string]float64 `json:"optim_scalars"`
	Dropout      []uint64           `json:"dropout_calls"`
	Records      []EpochRecord      `json:"records"`
	LRScale      float64            `json:"lr_scale,omitempty"` // the remedies' factor on the learning rate
}

// trainConfigJSON is cfg without the writer, for the checkpoint record.
func trainConfigJSON(cfg Config) json.RawMessage {
	c := cfg
	c.Log, c.TrainSet, c.ValSet = nil, nil, nil
	return jsonRaw(c)
}

// saveCheckpoint writes name in Out with the model, the current
// preprocessing and the decision threshold thr; withOptim adds the optimizer
// and resume state.
func (r *run) saveCheckpoint(name string, epoch, batch int, thr float64, val *Metrics, withOptim bool) error {
	meta := Meta{Classes: r.td.classes, Preprocess: r.td.pre, Threshold: thr, Strategy: r.strategy,
		Epoch: epoch, Step: r.step, Val: val, Train: trainConfigJSON(r.cfg)}
	var extra map[string]*tensor.Tensor
	if withOptim {
		sd := r.opt.StateDict()
		extra = sd.Tensors
		st := resumeState{Epoch: epoch, Batch: batch, Step: r.step, Best: r.best, BestEpoch: r.bestEp,
			Threshold: r.thr, Strategy: r.strategy, Recent: r.recent, Losses: r.losses,
			OptimKind: sd.Kind, OptimScalars: sd.Scalars, Dropout: r.dropoutCalls(nil), Records: r.records, LRScale: r.lrScale}
		meta.Resume = jsonRaw(st)
	}
	return SaveCheckpoint(filepath.Join(r.cfg.Out, name), r.model, meta, extra)
}

// saveLast writes last.safetensors positioned at (epoch, batch), with the
// threshold and validation metrics of the latest epoch's weights (see
// lastThreshold); the best checkpoint keeps its own.
func (r *run) saveLast(epoch, batch int) error {
	var val *Metrics
	if n := len(r.records); n > 0 && batch == 0 {
		val = &r.records[n-1].Val
	}
	return r.saveCheckpoint("last.safetensors", epoch, batch, lastThreshold(r.records, r.thr), val, true)
}

// lastThreshold is the decision threshold that last.safetensors carries:
// the one tuned on validation for the latest epoch's weights, or thr (the
// run's, 0.5 at the start) before any epoch has ended. It is not the best
// checkpoint's: a threshold tuned for other weights can be far off (one run
// on the embedded 100:1 task tuned 0.41, 0.051, 0.0066 and 0.0087 for its
// four epochs). After an interrupt mid-epoch the weights have moved on from
// the latest epoch's, whose threshold is still the nearest there is.
func lastThreshold(records []EpochRecord, thr float64) float64 {
	if len(records) == 0 {
		return thr
	}
	return records[len(records)-1].Threshold
}

// dropoutCalls returns the Calls counter of every dropout layer, or sets
// them from set when it is non-nil.
func (r *run) dropoutCalls(set []uint64) []uint64 {
	var out []uint64
	i := 0
	for j := 0; j < r.model.Classifier.Len(); j++ {
		if d, ok := r.model.Classifier.At(j).(*nn.Dropout); ok {
			if set != nil && i < len(set) {
				d.Calls = set[i]
			}
			out = append(out, d.Calls)
			i++
		}
	}
	return out
}

// resume loads Out/last.safetensors into the run and returns the epoch and
// batch to continue from.
func (r *run) resume() (int, int, error) {
	path := filepath.Join(r.cfg.Out, "last.safetensors")
	ck, err := LoadCheckpoint(path)
	if err != nil {
		return 0, 0, fmt.Errorf("-resume: %w", err)
	}
	if len(ck.Meta.Resume) == 0 {
		return 0, 0, fmt.Errorf("-resume: %s holds no trainer state", path)
	}
	var st resumeState
	if err := json.Unmarshal(ck.Meta.Resume, &st); err != nil {
		return 0, 0, fmt.Errorf("-resume: %s: bad trainer state: %v", path, err)
	}
	if ck.Model.Spec != r.model.Spec {
		return 0, 0, fmt.Errorf("-resume: %s is a %+v model, this run builds %+v", path, ck.Model.Spec, r.model.Spec)
	}
	sd := weights.NewStateDict()
	src := ck.Model.Net
	for _, p := range src.Params() {
		sd.Add(p.Name, p.Value)
	}
	for _, b := range src.Buffers() {
		if b.Int != nil {
			sd.AddInt(b.Name, &weights.IntTensor{Shape: []int{}, Data: []int64{*b.Int}})
		} else {
			sd.Add(b.Name, b.Value)
		}
	}
	if _, err := weights.Assign(Targets(r.model), sd, true); err != nil {
		return 0, 0, fmt.Errorf("-resume: %s: %w", path, err)
	}
	if err := r.opt.LoadStateDict(&optim.StateDict{Kind: st.OptimKind, Scalars: st.OptimScalars, Tensors: ck.Optim}); err != nil {
		return 0, 0, fmt.Errorf("-resume: %s: %w", path, err)
	}
	r.step, r.best, r.bestEp, r.thr = st.Step, st.Best, st.BestEpoch, st.Threshold
	r.recent, r.losses, r.records = st.Recent, st.Losses, st.Records
	r.dropoutCalls(st.Dropout)
	if st.LRScale > 0 {
		r.lrScale = st.LRScale
	}
	if st.Strategy != r.strategy {
		r.strategy = st.Strategy
		r.loss = newLoss(r.strategy, r.plan, r.k)
		if err := r.newLoaders(); err != nil {
			return 0, 0, err
		}
	}
	r.log.say("resumed from %s at epoch %d, batch %d, step %d", path, st.Epoch+1, st.Batch, st.Step)
	return st.Epoch, st.Batch, nil
}
