package nn

import (
	"testing"

	"github.com/gocnn/gocnn/tensor"
)

func TestLinearGolden(t *testing.T) {
	g := loadGolden(t)
	l := NewLinear(7, 5, true, tensor.NewRNG(1))
	l.Weight.Value.CopyFrom(g.get(t, "linear/w"))
	l.Bias.Value.CopyFrom(g.get(t, "linear/b"))
	x := g.get(t, "linear/x")
	checkClose(t, "y", l.Forward(x), g.get(t, "linear/y"), goldenTol)
	dx := l.Backward(g.get(t, "linear/dy"))
	checkClose(t, "dx", dx, g.get(t, "linear/dx"), goldenTol)
	checkClose(t, "dw", l.Weight.Grad, g.get(t, "linear/dw"), goldenTol)
	checkClose(t, "db", l.Bias.Grad, g.get(t, "linear/db"), goldenTol)
}

func TestLinearGradCheck(t *testing.T) {
	rng := tensor.NewRNG(2)
	l := NewLinear(6, 4, true, rng)
	x := tensor.RandN(rng, 1, 3, 6)
	dy := tensor.RandN(rng, 1, 3, 4)
	l.Forward(x)
	dx := l.Backward(dy).Clone()
	obj := func() float64 { return dot(l.Forward(x), dy) }
	gradCheck(t, "dx", x.Data(), dx.Data(), obj, 1e-2, 1e-3, nil)
	gradCheck(t, "dw", l.Weight.Value.Data(), l.Weight.Grad.Data(), obj, 1e-2, 1e-3, nil)
	gradCheck(t, "db", l.Bias.Value.Data(), l.Bias.Grad.Data(), obj, 1e-2, 1e-3, nil)
}

func TestLinearFrozenSkipsGradients(t *testing.T) {
	rng := tensor.NewRNG(3)
	l := NewLinear(3, 2, true, rng)
	Freeze(l)
	l.SetInputGrad(false)
	l.Forward(tensor.RandN(rng, 1, 4, 3))
	if dx := l.Backward(tensor.RandN(rng, 1, 4, 2)); dx != nil {
		t.Fatal("dx computed with the input gradient off")
	}
	if l.Weight.Grad.Sum() != 0 || l.Bias.Grad.Sum() != 0 {
		t.Fatal("frozen parameters received gradients")
	}
}

func TestSequentialNamesAndBackwardRange(t *testing.T) {
	rng := tensor.NewRNG(4)
	head := NewSequential(NewLinear(4, 3, true, rng), NewLinear(3, 2, false, rng))
	body := NewSequential(NewLinear(5, 4, true, rng))
	model := NewSequential().AddNamed("features", body).AddNamed("classifier", head)
	var names []string
	for _, p := range model.Params() {
		names = append(names, p.Name)
	}
	want := []string{"features.0.weight", "features.0.bias", "classifier.0.weight", "classifier.0.bias", "classifier.1.weight"}
	if len(names) != len(want) {
		t.Fatalf("names %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("names %v, want %v", names, want)
		}
	}
	if n := Freeze(model, "features."); n != 2 {
		t.Fatalf("Freeze changed %d params, want 2", n)
	}
	x := tensor.RandN(rng, 1, 2, 5)
	model.Forward(x)
	if dx := model.Backward(tensor.RandN(rng, 1, 2, 2)); dx != nil {
		t.Fatal("top-level Sequential returned an input gradient")
	}
	if body.At(0).(*Linear).Weight.Grad.Sum() != 0 {
		t.Fatal("frozen backbone got a gradient")
	}
	if head.At(0).(*Linear).Weight.Grad.Sum() == 0 {
		t.Fatal("trainable head got no gradient")
	}
	// The frozen backbone was not even visited: no dx tensor was ever made.
	noDX := func(l *Linear) bool { return l.ownDX == nil && l.dxv.t[0] == nil && l.dxv.t[1] == nil }
	if !noDX(body.At(0).(*Linear)) || !noDX(head.At(0).(*Linear)) {
		t.Fatal("backward ran below the lowest trainable layer")
	}
	sd, _ := StateDict(model)
	if len(sd) != 5 || sd["classifier.1.weight"] == nil {
		t.Fatalf("state dict keys %v", sd)
	}
	if err := LoadStateDict(model, sd, nil); err != nil {
		t.Fatal(err)
	}
	sd["bogus"] = tensor.Zeros(1)
	if err := LoadStateDict(model, sd, nil); err == nil {
		t.Fatal("unexpected key accepted")
	}
}
