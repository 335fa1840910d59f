// This file matches a state dict's keys to a model's tensors, with
// PyTorch's load_state_dict semantics: strict by default, or non-strict to
// load a backbone under a new head.

package weights

import (
	"fmt"
	"strings"

	"github.com/gocnn/gocnn/tensor"
)

// Target is one tensor a model wants from a state dict: a float tensor
// (Value, whose shape is the expected shape) or a scalar integer (Int, for
// BatchNorm's num_batches_tracked; Value is nil). nn.Param and nn.Buffer map
// onto it field for field.
type Target struct {
	Name  string
	Value *tensor.Tensor
	Int   *int64
}

// Mismatch is a key present on both sides with different shapes.
type Mismatch struct {
	Name      string
	Want, Got []int // the model's shape, the file's shape
}

// Report says how a state dict matched a model's targets. Names are in the
// targets' order, except Unexpected, in the state dict's order.
type Report struct {
	Loaded     []string   // matched by name and shape
	Missing    []string   // wanted by the model, absent from the file
	Unexpected []string   // in the file, not wanted by the model
	Mismatched []Mismatch // same name, different shape

	// Defaulted lists num_batches_tracked counters absent from the file
	// (checkpoints older than torch 0.4.1 lack them); as in PyTorch they are
	// set to 0 and are not counted as missing.
	Defaulted []string
}

// Clean reports whether nothing is missing, unexpected or mismatched.
func (r *Report) Clean() bool {
	return len(r.Missing) == 0 && len(r.Unexpected) == 0 && len(r.Mismatched) == 0
}

// String lists the problems, a line per kind, at most 10 names each.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d loaded", len(r.Loaded))
	list := func(what string, names []string) {
		if len(names) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n  %s (%d): %s", what, len(names), strings.Join(names[:min(len(names), 10)], ", "))
		if len(names) > 10 {
			fmt.Fprintf(&b, ", ... and %d more", len(names)-10)
		}
	}
	list("missing keys", r.Missing)
	list("unexpected keys", r.Unexpected)
	var mm []string
	for _, m := range r.Mismatched {
		mm = append(mm, fmt.Sprintf("%s: model %v, file %v", m.Name, m.Want, m.Got))
	}
	list("shape mismatches", mm)
	list("defaulted to 0", r.Defaulted)
	return b.String()
}

// MatchError is Assign's error in strict mode, or when nothing matched.
type MatchError struct {
	Strict bool
	Report *Report
}

func (e *MatchError) Error() string {
	if e.Strict {
		return "weights: state dict does not match the model: " + e.Report.String()
	}
	return "weights: no key of the state dict matches the model: " + e.Report.String()
}

// Match compares targets with sd by name and shape without changing
// anything. A float target also matches an integer tensor of its shape, and
// an Int target a one-element tensor of either kind. It panics on duplicate
// target names or a target with neither Value nor Int.
func Match(targets []Target, sd *StateDict) *Report {
	r := &Report{}
	wanted := make(map[string]bool, len(targets))
	for _, t := range targets {
		if wanted[t.Name] {
			panic(fmt.Sprintf("weights: Match: duplicate target %q", t.Name))
		}
		if (t.Value == nil) == (t.Int == nil) {
			panic(fmt.Sprintf("weights: Match: target %q needs exactly one of Value and Int", t.Name))
		}
		wanted[t.Name] = true
		got, ok := sd.Shape(t.Name)
		var want []int
		if t.Value != nil {
			want = t.Value.Shape()
		}
		switch {
		case !ok && t.Int != nil && strings.HasSuffix(t.Name, "num_batches_tracked"):
			r.Defaulted = append(r.Defaulted, t.Name)
		case !ok:
			r.Missing = append(r.Missing, t.Name)
		case t.Int != nil && oneElement(got), t.Value != nil && sameInts(want, got):
			r.Loaded = append(r.Loaded, t.Name)
		default:
			r.Mismatched = append(r.Mismatched, Mismatch{t.Name, want, got})
		}
	}
	for _, k := range sd.Order {
		if !wanted[k] {
			r.Unexpected = append(r.Unexpected, k)
		}
	}
	return r
}

// Assign copies sd into targets. In strict mode (PyTorch's default) any
// missing, unexpected or mismatched key is a *MatchError and no target is
// changed. Otherwise the matching keys are copied and the rest reported:
// the usual way to start from an ImageNet backbone with a new head. Even
// then, a state dict that matches none of several targets is an error, since
// it is almost surely the wrong file or naming.
func Assign(targets []Target, sd *StateDict, strict bool) (*Report, error) {
	r := Match(targets, sd)
	if strict && !r.Clean() {
		return r, &MatchError{Strict: true, Report: r}
	}
	if len(r.Loaded) == 0 && len(targets) > len(r.Defaulted) {
		return r, &MatchError{Report: r}
	}
	loaded := make(map[string]bool, len(r.Loaded))
	for _, n := range r.Loaded {
		loaded[n] = true
	}
	defaulted := make(map[string]bool, len(r.Defaulted))
	for _, n := range r.Defaulted {
		defaulted[n] = true
	}
	for _, t := range targets {
		switch {
		case loaded[t.Name] && t.Value != nil:
			if src, ok := sd.Tensors[t.Name]; ok {
				t.Value.CopyFrom(src)
			} else {
				v := sd.Ints[t.Name].Data
				f := make([]float32, len(v))
				for i, x := range v {
					f[i] = float32(x)
				}
				t.Value.CopyFrom(tensor.Wrap(f, t.Value.Shape()...))
			}
		case loaded[t.Name]:
			if src, ok := sd.Ints[t.Name]; ok {
				*t.Int = src.Data[0]
			} else {
				*t.Int = int64(sd.Tensors[t.Name].Values()[0])
			}
		case defaulted[t.Name]:
			*t.Int = 0
		}
	}
	return r, nil
}

func oneElement(shape []int) bool {
	n, _ := numel(shape, 2)
	return n == 1
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
