// This file defines StateDict, the in-memory form every reader returns and
// every writer takes.

package weights

import (
	"fmt"

	"github.com/gocnn/gocnn/tensor"
)

// Formats a StateDict can come from (StateDict.Format).
const (
	FormatSafetensors = "safetensors"
	FormatTorchZip    = "pytorch-zip"    // torch.save, torch >= 1.6
	FormatTorchLegacy = "pytorch-legacy" // torch.save(..., _use_new_zipfile_serialization=False), torch < 1.6
)

// IntTensor is an integer or bool tensor widened to int64, row-major.
type IntTensor struct {
	Shape []int
	Data  []int64
}

// StateDict is a checkpoint's named tensors.
//
// Floating tensors of any width are converted to float32 and live in
// Tensors, contiguous and each in its own storage. Integer and bool tensors
// (BatchNorm's num_batches_tracked, index buffers) are kept apart in Ints as
// int64 rather than converted, so that no count is silently rounded; Assign
// and SaveSafetensors carry them. A key is in exactly one of the two maps;
// Order lists every key once, in file order.
type StateDict struct {
	Tensors map[string]*tensor.Tensor
	Ints    map[string]*IntTensor
	Order   []string

	// DTypes is each key's element type in the file, in safetensors
	// spelling ("F32", "F16", "BF16", "F64", "I64", ..., "BOOL").
	DTypes map[string]string

	// Metadata is the safetensors __metadata__ (nil for other formats).
	Metadata map[string]string

	// Format is one of the Format constants.
	Format string

	// Root is the path of the dictionary the tensors came from inside a
	// nested checkpoint, such as "state_dict" or "model"; "" at top level.
	Root string

	// StrippedPrefix is "module." when every key carried DataParallel's
	// prefix and it was removed, otherwise "".
	StrippedPrefix string
}

// NewStateDict returns an empty StateDict.
func NewStateDict() *StateDict {
	return &StateDict{
		Tensors: map[string]*tensor.Tensor{},
		Ints:    map[string]*IntTensor{},
		DTypes:  map[string]string{},
	}
}

// Len returns the number of keys.
func (sd *StateDict) Len() int { return len(sd.Order) }

// Has reports whether name is a key of either map.
func (sd *StateDict) Has(name string) bool {
	_, f := sd.Tensors[name]
	_, i := sd.Ints[name]
	return f || i
}

// Shape returns the shape stored under name and whether it exists.
func (sd *StateDict) Shape(name string) ([]int, bool) {
	if t, ok := sd.Tensors[name]; ok {
		return t.Shape(), true
	}
	if t, ok := sd.Ints[name]; ok {
		return t.Shape, true
	}
	return nil, false
}

// Add appends a float tensor under name (DTypes "F32"). It panics if name
// is already present.
func (sd *StateDict) Add(name string, t *tensor.Tensor) {
	sd.add(name, "F32")
	sd.Tensors[name] = t
}

// AddInt appends an integer tensor under name (DTypes "I64"). It panics if
// name is already present or if len(t.Data) does not match t.Shape.
func (sd *StateDict) AddInt(name string, t *IntTensor) {
	if n, ok := numel(t.Shape, int64(len(t.Data))); !ok || n != int64(len(t.Data)) {
		panic(fmt.Sprintf("weights: AddInt: %q: %d values for shape %v", name, len(t.Data), t.Shape))
	}
	sd.add(name, "I64")
	sd.Ints[name] = t
}

func (sd *StateDict) add(name, dt string) {
	if sd.Has(name) {
		panic(fmt.Sprintf("weights: StateDict: duplicate key %q", name))
	}
	sd.Order = append(sd.Order, name)
	sd.DTypes[name] = dt
}

// numel returns the product of shape, and false if a dimension is negative
// or the product exceeds limit (so that no claimed size can overflow).
func numel(shape []int, limit int64) (int64, bool) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, false
		}
		if d == 0 {
			n = 0
		}
	}
	if n == 0 {
		return 0, true
	}
	for _, d := range shape {
		if int64(d) > limit || n > limit/int64(d) {
			return 0, false
		}
		n *= int64(d)
	}
	return n, true
}
