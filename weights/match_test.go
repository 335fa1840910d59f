package weights

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocnn/gocnn/tensor"
)

// targetsFor builds zeroed targets shaped like sd's keys (scalar ints as Int).
func targetsFor(sd *StateDict, skip ...string) []Target {
	var ts []Target
outer:
	for _, k := range sd.Order {
		for _, s := range skip {
			if k == s {
				continue outer
			}
		}
		shape, _ := sd.Shape(k)
		if it, ok := sd.Ints[k]; ok && len(it.Shape) == 0 {
			ts = append(ts, Target{Name: k, Int: new(int64)})
			continue
		}
		ts = append(ts, Target{Name: k, Value: tensor.Full(-7, shape...)})
	}
	return ts
}

func TestAssignStrict(t *testing.T) {
	sd, err := Load("testdata/zip.pth")
	require.NoError(t, err)
	ts := targetsFor(sd)
	r, err := Assign(ts, sd, true)
	require.NoError(t, err)
	assert.True(t, r.Clean())
	assert.Len(t, r.Loaded, len(sd.Order))
	for _, tg := range ts {
		switch {
		case tg.Int != nil:
			assert.Equal(t, sd.Ints[tg.Name].Data[0], *tg.Int, tg.Name)
		case sd.Tensors[tg.Name] != nil:
			assert.True(t, tensor.Equal(sd.Tensors[tg.Name], tg.Value), tg.Name)
		default: // an integer tensor into a float target
			for i, v := range sd.Ints[tg.Name].Data {
				assert.Equal(t, float32(v), tg.Value.Data()[i], tg.Name)
			}
		}
	}
	assert.Equal(t, int64(1), *ts[6].Int, "1.num_batches_tracked after one training pass")
}

func TestAssignNewHead(t *testing.T) {
	sd, err := Load("testdata/zip.pth")
	require.NoError(t, err)
	// A model with a 3-class head, no extras, and no num_batches_tracked in
	// the file (as in checkpoints older than torch 0.4.1).
	ts := []Target{
		{Name: "0.weight", Value: tensor.Zeros(4, 3, 3, 3)},
		{Name: "0.bias", Value: tensor.Zeros(4)},
		{Name: "1.weight", Value: tensor.Zeros(4)},
		{Name: "1.bias", Value: tensor.Zeros(4)},
		{Name: "1.running_mean", Value: tensor.Zeros(4)},
		{Name: "1.running_var", Value: tensor.Zeros(4)},
		{Name: "1.num_batches_tracked", Int: new(int64)},
		{Name: "4.weight", Value: tensor.Full(0.5, 3, 16)},
		{Name: "4.bias", Value: tensor.Full(0.5, 3)},
		{Name: "new.weight", Value: tensor.Zeros(1)},
	}
	delete(sd.Ints, "1.num_batches_tracked")
	sd.Order = without(sd.Order, "1.num_batches_tracked")
	*ts[6].Int = 42

	r, err := Assign(ts, sd, true)
	var me *MatchError
	require.True(t, errors.As(err, &me))
	assert.Contains(t, err.Error(), "missing keys (1): new.weight")
	assert.Contains(t, err.Error(), "4.weight: model [3 16], file [2 16]")
	assert.Contains(t, err.Error(), "unexpected keys (11): extra.transposed")
	assert.Equal(t, []string{"1.num_batches_tracked"}, r.Defaulted)
	assert.Zero(t, ts[0].Value.Sum(), "strict failure changes nothing")
	assert.Equal(t, int64(42), *ts[6].Int)

	r, err = Assign(ts, sd, false)
	require.NoError(t, err)
	assert.Equal(t, []string{"0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var"}, r.Loaded)
	assert.Len(t, r.Mismatched, 2)
	assert.True(t, tensor.Equal(sd.Tensors["0.weight"], ts[0].Value))
	assert.Equal(t, float32(0.5), ts[7].Value.At(2, 15), "the new head keeps its values")
	assert.Equal(t, int64(0), *ts[6].Int, "num_batches_tracked defaults to 0 as in PyTorch")
}

func without(xs []string, x string) []string {
	var out []string
	for _, s := range xs {
		if s != x {
			out = append(out, s)
		}
	}
	return out
}

func TestAssignNothingMatches(t *testing.T) {
	sd, err := Load("testdata/nested.pth")
	require.NoError(t, err)
	ts := []Target{{Name: "model.weight", Value: tensor.Zeros(2, 3)}}
	_, err = Assign(ts, sd, false)
	assert.ErrorContains(t, err, "no key of the state dict matches the model")
	assert.Panics(t, func() { Match(append(ts, ts[0]), sd) })
	assert.Panics(t, func() { Match([]Target{{Name: "x"}}, sd) })
}
