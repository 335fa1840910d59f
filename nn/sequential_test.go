package nn

// This file tests what a Sequential arranges between its children: the
// fused Conv2d→ReLU, in-place ReLUs, the shared gradient buffers and the
// shared evaluation outputs must give what the same layers give run one by
// one with their own buffers.

import (
	"slices"
	"strings"
	"testing"

	"github.com/gocnn/gocnn/kernels"
	"github.com/gocnn/gocnn/tensor"
)

// sharingLayers returns, from a fresh RNG with the given seed, the layers of
// a small network that meets every arrangement: Conv2d→ReLU (fused),
// Conv2d→ReLU→MaxPool2d and BatchNorm2d→ReLU→MaxPool2d (pool first),
// MaxPool2d→ReLU, BatchNorm2d→ReLU, AdaptiveAvgPool2d→ReLU, Linear→ReLU (in
// place), a ReLU after Flatten (not in place), dropout, and a ReLU as the
// last child (the caller's dy must survive).
func sharingLayers(seed uint64) (features, classifier []Module) {
	g := tensor.NewRNG(seed)
	conv := func(c, k int) *Conv2d {
		return NewConv2d(c, k, 3, Conv2dOptions{Padding: 1, Algo: kernels.AlgoIm2col}, g)
	}
	bn := func() *BatchNorm2d {
		b := NewBatchNorm2d(6)
		b.Weight.Value.FillUniform(g, 0.5, 1.5)
		b.Bias.Value.FillUniform(g, -0.5, 0.5)
		return b
	}
	features = []Module{conv(3, 4), NewReLU(), conv(4, 4), NewReLU(), NewMaxPool2d(2, 2), NewReLU(),
		conv(4, 6), bn(), NewReLU(), NewMaxPool2d(2, 2), bn(), NewReLU(), NewAdaptiveAvgPool2d(2, 2), NewReLU()}
	classifier = []Module{NewFlatten(), NewReLU(), NewLinear(24, 10, true, g), NewReLU(), NewDropout(0.3, 5),
		NewLinear(10, 5, true, g), NewReLU()}
	return features, classifier
}

// runAlone runs mods one by one (forward, then backward from dy in reverse)
// and returns the output and the input gradient (cloned).
func runAlone(mods []Module, x, dy *tensor.Tensor, backward bool) (y, dx *tensor.Tensor) {
	for _, m := range mods {
		x = m.Forward(x)
	}
	y = x.Clone()
	if !backward {
		return y, nil
	}
	for i := len(mods) - 1; i >= 0; i-- {
		dy = mods[i].Backward(dy)
	}
	return y, dy.Clone()
}

func TestSequentialSharingMatchesLayersAlone(t *testing.T) {
	rng := tensor.NewRNG(11)
	fa, ca := sharingLayers(1)
	fs, cs := sharingLayers(1)
	model := NewSequential().
		AddNamed("features", NewSequential(fs...)).
		AddNamed("classifier", NewSequential(cs...))
	model.SetInputGrad(true)
	alone := append(append([]Module{}, fa...), ca...)
	if st, want := model.Child("features").(*Sequential).steps, []step{stepConvReLU, stepReLUApplied,
		stepToPool, stepReLUDeferred, stepPoolReLU, stepReLUInPlace, stepPlain, stepToPool, stepReLUDeferred,
		stepPoolReLU, stepPlain, stepReLUInPlace, stepPlain, stepReLUInPlace}; !slices.Equal(st, want) {
		t.Fatalf("features steps %v, want %v", st, want)
	}
	if st := model.Child("classifier").(*Sequential).steps; st[1] != stepPlain || st[3] != stepReLUInPlace || st[6] != stepReLUInPlace {
		t.Fatalf("classifier steps %v", st)
	}
	for it := 0; it < 3; it++ {
		x := tensor.RandN(rng, 1, 2, 3, 8, 8)
		xc := x.Clone()
		dy := tensor.RandN(rng, 1, 2, 5)
		dyc := dy.Clone()
		for _, m := range alone {
			ZeroGrad(m)
		}
		ZeroGrad(model)
		wantY, wantDX := runAlone(alone, x, dy, true)
		y := model.Forward(x)
		checkClose(t, "output", y, wantY, 1e-6)
		dx := model.Backward(dy)
		checkClose(t, "dx", dx, wantDX, 1e-6)
		if !tensor.Equal(x, xc) || !tensor.Equal(dy, dyc) {
			t.Fatal("the caller's input or output gradient was modified")
		}
		var ps []*Param
		for _, m := range alone {
			ps = append(ps, m.Params()...)
		}
		for i, p := range model.Params() {
			checkClose(t, p.Name+" grad", p.Grad, ps[i].Grad, 1e-6)
		}
	}

	// Evaluation: outputs shared between layers, same results; backward
	// refused; training works again afterwards.
	model.SetTrain(false)
	for _, m := range alone {
		m.SetTrain(false)
	}
	x := tensor.RandN(rng, 1, 2, 3, 8, 8)
	wantY, _ := runAlone(alone, x, nil, false)
	checkClose(t, "eval output", model.Forward(x), wantY, 1e-6)
	checkClose(t, "eval output again", model.Forward(x), wantY, 1e-6)
	if c := model.Child("features").(*Sequential).At(0).(*Conv2d); !c.outShared || !c.shared.holds(c.y) {
		t.Fatal("evaluation output of the first conv is not in the shared buffers")
	}
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(r.(string), "evaluation-mode Forward") {
				t.Fatalf("Backward after an evaluation Forward: recovered %v", r)
			}
		}()
		model.Backward(tensor.RandN(rng, 1, 2, 5))
	}()
	model.SetTrain(true)
	for _, m := range alone {
		m.SetTrain(true)
		ZeroGrad(m)
	}
	ZeroGrad(model)
	dy := tensor.RandN(rng, 1, 2, 5)
	wantY, wantDX := runAlone(alone, x, dy, true)
	checkClose(t, "train output after eval", model.Forward(x), wantY, 1e-6)
	checkClose(t, "dx after eval", model.Backward(dy), wantDX, 1e-6)
}

// TestSequentialKeepsOneActivationPerLayer checks the memory arrangement of
// a conv/BN/ReLU stack in training: ReLUs keep no buffer of their own, and
// no layer owns an input-gradient buffer (they alternate between the two
// shared ones).
func TestSequentialKeepsOneActivationPerLayer(t *testing.T) {
	rng := tensor.NewRNG(4)
	model := smallVGG(rng, kernels.AlgoIm2col)
	model.Child("features").(*Sequential).Add(NewConv2d(16, 16, 3, Conv2dOptions{Padding: 1}, rng)).Add(NewReLU())
	x := tensor.RandN(rng, 1, 2, 3, 16, 16)
	model.SetInputGrad(true)
	model.Backward(model.Forward(x))
	var walk func(s *Sequential)
	walk = func(s *Sequential) {
		for i := 0; i < s.Len(); i++ {
			switch m := s.At(i).(type) {
			case *Sequential:
				walk(m)
			case *ReLU:
				if m.ownY != nil || m.ownDX != nil {
					t.Errorf("%s: ReLU owns a buffer", s.Name(i))
				}
			case sharer:
				if l := linkOf(s.At(i)); l.ownDX != nil {
					t.Errorf("%s (%T) owns an input-gradient buffer", s.Name(i), m)
				}
			}
		}
	}
	walk(model)
	a, want := model.shared, 2*8*16*16 // the largest input gradient: BN(8)'s and its ReLU's
	if a.need != want || cap(a.buf[0]) != want || cap(a.buf[1]) != want {
		t.Fatalf("shared buffers %d and %d floats, reserved %d; want %d", cap(a.buf[0]), cap(a.buf[1]), a.need, want)
	}
}

// linkOf returns the linkage of one of this package's layers.
func linkOf(m Module) *linkage {
	switch l := m.(type) {
	case *Conv2d:
		return &l.linkage
	case *BatchNorm2d:
		return &l.linkage
	case *Linear:
		return &l.linkage
	case *MaxPool2d:
		return &l.linkage
	case *AdaptiveAvgPool2d:
		return &l.linkage
	case *Dropout:
		return &l.linkage
	case *ReLU:
		return &l.linkage
	}
	return &linkage{}
}
