package vgg16

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocnn/gocnn/nn"
	"github.com/gocnn/gocnn/tensor"
)

// torchvision's vgg16 state_dict: 13 convs at these feature indices, then
// classifier.0/3/6.
func TestTorchvisionKeys(t *testing.T) {
	skipSlow(t, "allocates and initialises 138M parameters")
	m, err := New(Spec{Arch: "vgg16", InChannels: 3, Size: 224, Outputs: 1000, Head: HeadTorchvision}, 1)
	require.NoError(t, err)
	var names []string
	for _, p := range m.Params() {
		names = append(names, p.Name)
	}
	convIdx := []int{0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28}
	var want []string
	for _, i := range convIdx {
		want = append(want, "features."+itoa(i)+".weight", "features."+itoa(i)+".bias")
	}
	want = append(want, "classifier.0.weight", "classifier.0.bias", "classifier.3.weight", "classifier.3.bias", "classifier.6.weight", "classifier.6.bias")
	assert.Equal(t, want, names)
	assert.Equal(t, 138357544, m.NumParams(), "torchvision's vgg16 has 138,357,544 parameters")
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestBNKeysAndBuffers(t *testing.T) {
	m, err := New(Spec{Arch: "vgg11_bn", InChannels: 1, Size: 32, Outputs: 1, Head: HeadCompact}, 1)
	require.NoError(t, err)
	tensors, ints := nn.StateDict(m.Net)
	// vgg11_bn: conv 0, bn 1, relu 2, pool 3, conv 4, bn 5, ...
	assert.Contains(t, tensors, "features.0.weight")
	assert.Contains(t, tensors, "features.1.running_var")
	assert.Contains(t, tensors, "features.4.weight")
	assert.Contains(t, ints, "features.1.num_batches_tracked")
	assert.Equal(t, []int{1, 512}, tensors["classifier.0.weight"].Shape())
}

func TestForwardShapesAndErrors(t *testing.T) {
	m, err := New(Spec{Arch: "vgg11", InChannels: 1, Size: 32, Outputs: 3, Head: HeadCompact}, 7)
	require.NoError(t, err)
	x := tensor.RandN(tensor.NewRNG(1), 1, 2, 1, 32, 32)
	y := m.Forward(x)
	assert.Equal(t, []int{2, 3}, y.Shape())
	assert.True(t, y.IsFinite())
	assert.Panics(t, func() { m.Forward(tensor.Zeros(2, 3, 32, 32)) })
	// The same seed gives the same weights.
	m2, _ := New(m.Spec, 7)
	assert.True(t, tensor.Equal(m.Params()[0].Value, m2.Params()[0].Value))

	for _, bad := range []Spec{
		{Arch: "vgg15", InChannels: 1, Size: 32, Outputs: 1, Head: HeadCompact},
		{Arch: "vgg16", InChannels: 0, Size: 32, Outputs: 1, Head: HeadCompact},
		{Arch: "vgg16", InChannels: 1, Size: 16, Outputs: 1, Head: HeadCompact},
		{Arch: "vgg16", InChannels: 1, Size: 32, Outputs: 0, Head: HeadCompact},
		{Arch: "vgg16", InChannels: 1, Size: 32, Outputs: 1, Head: "big"},
		{Arch: "vgg16", InChannels: 1, Size: 32, Outputs: 1, Head: HeadCompact, Algo: "fft"},
	} {
		_, err := New(bad, 1)
		assert.Error(t, err, "%+v", bad)
	}
}

// TestCompactHeadDropout checks the compact head's optional dropout: the
// same state_dict keys and initial weights as without it, identity in
// evaluation, active in training.
func TestCompactHeadDropout(t *testing.T) {
	spec := Spec{Arch: "vgg11_bn", InChannels: 1, Size: 32, Outputs: 1, Head: HeadCompact}
	plain, err := New(spec, 3)
	require.NoError(t, err)
	spec.Dropout = 0.5
	m, err := New(spec, 3)
	require.NoError(t, err)
	pt, _ := nn.StateDict(plain.Net)
	mt, _ := nn.StateDict(m.Net)
	require.Equal(t, len(pt), len(mt))
	for k, v := range pt {
		require.Contains(t, mt, k)
		require.True(t, tensor.Equal(v, mt[k]), "%s differs", k)
	}
	require.Equal(t, 2, m.Classifier.Len())
	_, isDrop := m.Classifier.At(0).(*nn.Dropout)
	require.True(t, isDrop)

	x := tensor.RandN(tensor.NewRNG(2), 1, 4, 1, 32, 32)
	plain.SetTrain(false)
	m.SetTrain(false)
	want := plain.Forward(x).Clone()
	require.True(t, tensor.Equal(want, m.Forward(x)), "dropout must be the identity in evaluation")

	// In training the features feeding the head are dropped at random: the
	// logits differ from a dropout-free model's on the same batch.
	plain.SetTrain(true)
	m.SetTrain(true)
	a := plain.Forward(x).Clone()
	require.False(t, tensor.Equal(a, m.Forward(x)))
}
