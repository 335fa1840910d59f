package nn

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gocnn/gocnn/tensor"
)

// lossUnderTest adapts the four losses to one shape for the table tests.
type lossUnderTest interface {
	Backward(dy *tensor.Tensor) *tensor.Tensor
}

// buildLoss makes the loss a golden case describes and returns it with a
// forward function of the logits.
func buildLoss(t *testing.T, g *goldenSet, name string, m map[string]any) (lossUnderTest, func(x *tensor.Tensor) *tensor.Tensor) {
	red, err := ParseReduction(m["reduction"].(string))
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(name, "/") // loss/<kind>/<variant>/.../<reduction>
	switch parts[1] {
	case "bce":
		l := NewBCEWithLogits(red)
		tg := g.get(t, "loss/bce/t")
		switch parts[2] {
		case "pw":
			l.PosWeight = g.get(t, "loss/bce/pos_weight")
		case "pw_wfull":
			l.PosWeight = g.get(t, "loss/bce/pos_weight")
			l.Weight = g.get(t, "loss/bce/weight_full")
		case "wrow":
			l.Weight = g.get(t, "loss/bce/weight_row")
		}
		return l, func(x *tensor.Tensor) *tensor.Tensor { return l.Forward(x, tg) }
	case "ce":
		l := NewCrossEntropy(red)
		y := g.ints(t, "loss/ce/target")
		if parts[2] == "w" {
			l.Weight = g.get(t, "loss/ce/weight")
		}
		l.LabelSmoothing = metaNum(m, "label_smoothing")
		return l, func(x *tensor.Tensor) *tensor.Tensor { return l.Forward(x, y) }
	case "sfocal":
		l := NewSigmoidFocal(metaNum(m, "alpha"), metaNum(m, "gamma"), red)
		tg := g.get(t, "loss/sfocal/t")
		return l, func(x *tensor.Tensor) *tensor.Tensor { return l.Forward(x, tg) }
	case "mfocal":
		l := NewSoftmaxFocal(g.get(t, "loss/mfocal/alpha"), metaNum(m, "gamma"), red)
		y := g.ints(t, "loss/ce/target")
		return l, func(x *tensor.Tensor) *tensor.Tensor { return l.Forward(x, y) }
	}
	t.Fatalf("unknown loss case %q", name)
	return nil, nil
}

func lossCases(g *goldenSet) []string {
	var out []string
	for k := range g.idx.Meta {
		if strings.HasPrefix(k, "loss/") {
			out = append(out, k)
		}
	}
	return out
}

func TestLossGolden(t *testing.T) {
	g := loadGolden(t)
	cases := lossCases(g)
	if len(cases) < 40 {
		t.Fatalf("only %d loss cases in the golden files", len(cases))
	}
	for _, name := range cases {
		t.Run(name, func(t *testing.T) {
			l, fwd := buildLoss(t, g, name, g.idx.Meta[name])
			x := g.get(t, name+"/x")
			out := fwd(x)
			want := g.get(t, name+"/out")
			if want.Rank() == 0 {
				want = want.Reshape()
			}
			checkClose(t, "loss", out, want, goldenTol)
			dy := g.get(t, name+"/dy")
			if out.Rank() == 0 {
				dy = nil // mean/sum: the golden dy is 1
			}
			checkClose(t, "dx", l.Backward(dy), g.get(t, name+"/dx"), goldenTol)
		})
	}
}

// TestLossGradCheck checks every loss's gradient against central differences
// of its own forward pass.
func TestLossGradCheck(t *testing.T) {
	g := loadGolden(t)
	for _, name := range lossCases(g) {
		t.Run(name, func(t *testing.T) {
			l, fwd := buildLoss(t, g, name, g.idx.Meta[name])
			x := g.get(t, name+"/x")
			// Keep the differences away from the saturated ±60/80 logits,
			// whose float32 losses are too coarse for differencing.
			xd := x.Data()
			for i := range xd {
				xd[i] = float32(math.Max(-6, math.Min(6, float64(xd[i]))))
			}
			out := fwd(x)
			var dy *tensor.Tensor
			if out.Rank() > 0 {
				dy = g.get(t, name+"/dy")
			}
			obj := func() float64 {
				o := fwd(x)
				if dy == nil {
					return float64(o.Data()[0])
				}
				return dot(o, dy)
			}
			an := l.Backward(dy).Clone()
			gradCheck(t, "dx", xd, an.Data(), obj, 1e-2, 2e-3, nil)
		})
	}
}

func TestBCEStableLargeLogits(t *testing.T) {
	l := NewBCEWithLogits(ReduceNone)
	x := tensor.FromSlice([]float32{1e4, -1e4, 100, -100}, 4)
	tg := tensor.FromSlice([]float32{1, 0, 0, 1}, 4)
	out := l.Forward(x, tg).Values()
	want := []float32{0, 0, 100, 100}
	for i := range want {
		if math.Abs(float64(out[i]-want[i])) > 1e-4 {
			t.Errorf("loss[%d] = %v, want %v", i, out[i], want[i])
		}
	}
	if !l.Backward(nil).IsFinite() {
		t.Error("non-finite gradient")
	}
}

func TestCrossEntropyAllIgnoredIsNaN(t *testing.T) {
	l := NewCrossEntropy(ReduceMean)
	out := l.Forward(tensor.Zeros(2, 3), []int{-100, -100})
	v := float64(out.Data()[0])
	if !math.IsNaN(v) {
		t.Fatalf("loss = %v, want NaN as PyTorch", v)
	}
	err := CheckLoss(7, v)
	var nf *NonFiniteLossError
	if err == nil || !strings.Contains(err.Error(), "step 7") {
		t.Fatalf("CheckLoss = %v, want an error naming step 7", err)
	}
	if e, ok := err.(*NonFiniteLossError); !ok || e.Step != 7 {
		t.Fatalf("CheckLoss error %T %v", err, nf)
	}
	if CheckLoss(1, 0.5) != nil || CheckLoss(1, math.Inf(1)) == nil {
		t.Fatal("CheckLoss misclassifies")
	}
}

func TestSoftmaxFocalGammaZeroIsCrossEntropy(t *testing.T) {
	g := tensor.NewRNG(3)
	z := tensor.RandN(g, 2, 5, 4)
	y := []int{0, 3, 2, 1, 3}
	ce := NewCrossEntropy(ReduceMean).Forward(z, y).Data()[0]
	fl := NewSoftmaxFocal(nil, 0, ReduceMean).Forward(z, y).Data()[0]
	if math.Abs(float64(ce-fl)) > 1e-6 {
		t.Fatalf("focal(γ=0) %v != cross-entropy %v", fl, ce)
	}
}

func TestLossPanicsName(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(fmt.Sprint(r), "CrossEntropy") {
			t.Fatalf("panic %v, want one naming CrossEntropy", r)
		}
	}()
	NewCrossEntropy(ReduceMean).Forward(tensor.Zeros(2, 3), []int{0, 3})
}
