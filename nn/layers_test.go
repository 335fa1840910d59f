package nn

import (
	"fmt"
	"math"
	"testing"

	"github.com/gocnn/gocnn/kernels"
	"github.com/gocnn/gocnn/tensor"
)

func TestConv2dGolden(t *testing.T) {
	g := loadGolden(t)
	for _, name := range []string{"3x3", "3x3s2nobias", "1x1", "5x3dil2", "vgg"} {
		m := g.idx.Meta["conv/"+name]
		for _, algo := range []kernels.Algo{kernels.AlgoDirect, kernels.AlgoIm2col, kernels.AlgoWinograd, kernels.AlgoAuto} {
			t.Run(fmt.Sprintf("%s/%v", name, algo), func(t *testing.T) {
				mi := func(k string) int { return int(metaNum(m, k)) }
				c := NewConv2d(mi("C"), mi("K"), mi("R"), Conv2dOptions{Stride: mi("stride"), Padding: mi("pad"), Dilation: mi("dil"),
					KernelW: mi("S"), NoBias: m["bias"] != true, Algo: algo}, tensor.NewRNG(1))
				p := "conv/" + name + "/"
				c.Weight.Value.CopyFrom(g.get(t, p+"w"))
				if c.Bias != nil {
					c.Bias.Value.CopyFrom(g.get(t, p+"b"))
				}
				tol := goldenTol
				y := c.Forward(g.get(t, p+"x"))
				if c.Plan().Algo() == kernels.AlgoWinograd {
					tol = 1e-4 // Winograd F(4x4,3x3)'s documented looser bound
				}
				checkClose(t, "y", y, g.get(t, p+"y"), tol)
				checkClose(t, "dx", c.Backward(g.get(t, p+"dy")), g.get(t, p+"dx"), goldenTol)
				checkClose(t, "dw", c.Weight.Grad, g.get(t, p+"dw"), goldenTol)
				if c.Bias != nil {
					checkClose(t, "db", c.Bias.Grad, g.get(t, p+"db"), goldenTol)
				}
			})
		}
	}
}

func TestPoolReluGolden(t *testing.T) {
	g := loadGolden(t)
	r := NewReLU()
	checkClose(t, "relu y", r.Forward(g.get(t, "relu/x")), g.get(t, "relu/y"), 0)
	checkClose(t, "relu dx", r.Backward(g.get(t, "relu/dy")), g.get(t, "relu/dx"), 0)
	for _, name := range []string{"2s2", "3s2", "2s2odd"} {
		m := g.idx.Meta["maxpool/"+name]
		p := NewMaxPool2d(int(metaNum(m, "kernel")), int(metaNum(m, "stride")))
		pre := "maxpool/" + name + "/"
		checkClose(t, pre+"y", p.Forward(g.get(t, pre+"x")), g.get(t, pre+"y"), 0)
		checkClose(t, pre+"dx", p.Backward(g.get(t, pre+"dy")), g.get(t, pre+"dx"), goldenTol)
	}
	for _, name := range []string{"7to7", "5to3", "6x9to1", "7x5to3x2", "2to7"} {
		m := g.idx.Meta["avgpool/"+name]
		a := NewAdaptiveAvgPool2d(int(metaNum(m, "OH")), int(metaNum(m, "OW")))
		pre := "avgpool/" + name + "/"
		checkClose(t, pre+"y", a.Forward(g.get(t, pre+"x")), g.get(t, pre+"y"), goldenTol)
		checkClose(t, pre+"dx", a.Backward(g.get(t, pre+"dy")), g.get(t, pre+"dx"), goldenTol)
	}
}

func TestBatchNormGolden(t *testing.T) {
	g := loadGolden(t)
	b := NewBatchNorm2d(3)
	b.Weight.Value.CopyFrom(g.get(t, "bn/gamma"))
	b.Bias.Value.CopyFrom(g.get(t, "bn/beta"))
	for step := 0; step < 2; step++ {
		p := fmt.Sprintf("bn/train%d/", step)
		ZeroGrad(b)
		checkClose(t, p+"y", b.Forward(g.get(t, p+"x")), g.get(t, p+"y"), goldenTol)
		checkClose(t, p+"dx", b.Backward(g.get(t, p+"dy")), g.get(t, p+"dx"), goldenTol)
		checkClose(t, p+"dgamma", b.Weight.Grad, g.get(t, p+"dgamma"), goldenTol)
		checkClose(t, p+"dbeta", b.Bias.Grad, g.get(t, p+"dbeta"), goldenTol)
		checkClose(t, p+"running_mean", b.RunningMean.Value, g.get(t, p+"running_mean"), goldenTol)
		checkClose(t, p+"running_var", b.RunningVar.Value, g.get(t, p+"running_var"), goldenTol)
	}
	if b.numBatches != int64(metaNum(g.idx.Meta["bn"], "num_batches_tracked")) {
		t.Errorf("num_batches_tracked = %d", b.numBatches)
	}
	b.SetTrain(false)
	checkClose(t, "eval y", b.Forward(g.get(t, "bn/eval/x")), g.get(t, "bn/eval/y"), goldenTol)
	checkClose(t, "eval dx", b.Backward(g.get(t, "bn/eval/dy")), g.get(t, "bn/eval/dx"), goldenTol)
}

// layerGradCheck checks a layer's dx and parameter gradients against central
// differences of Σ y·w for a random w.
func layerGradCheck(t *testing.T, name string, l Module, x *tensor.Tensor, h, tol float64, skip func(i int) bool) {
	t.Helper()
	rng := tensor.NewRNG(99)
	y := l.Forward(x)
	w := tensor.RandN(rng, 1, y.Shape()...)
	ZeroGrad(l)
	dx := l.Backward(w).Clone()
	obj := func() float64 { return dot(l.Forward(x), w) }
	gradCheck(t, name+" dx", x.Data(), dx.Data(), obj, h, tol, skip)
	for _, p := range l.Params() {
		gradCheck(t, name+" d"+p.Name, p.Value.Data(), p.Grad.Clone().Data(), obj, h, tol, nil)
	}
}

func TestLayerGradChecks(t *testing.T) {
	rng := tensor.NewRNG(5)
	t.Run("conv", func(t *testing.T) {
		for _, algo := range []kernels.Algo{kernels.AlgoDirect, kernels.AlgoIm2col} {
			c := NewConv2d(3, 4, 3, Conv2dOptions{Stride: 2, Padding: 1, Algo: algo}, rng)
			layerGradCheck(t, "conv "+algo.String(), c, tensor.RandN(rng, 1, 2, 3, 7, 6), 1e-2, 2e-3, nil)
		}
	})
	t.Run("batchnorm", func(t *testing.T) {
		b := NewBatchNorm2d(3)
		b.Weight.Value.FillUniform(rng, 0.5, 1.5)
		b.Bias.Value.FillUniform(rng, -1, 1)
		b.Momentum = 0 // keep the running statistics fixed across evaluations
		layerGradCheck(t, "bn train", b, tensor.RandN(rng, 1, 3, 3, 4, 4), 1e-2, 5e-3, nil)
		b.SetTrain(false)
		layerGradCheck(t, "bn eval", b, tensor.RandN(rng, 1, 3, 3, 4, 4), 1e-2, 2e-3, nil)
	})
	t.Run("relu", func(t *testing.T) {
		x := tensor.RandN(rng, 1, 2, 3, 4, 4)
		xd := x.Data()
		layerGradCheck(t, "relu", NewReLU(), x, 1e-3, 1e-3, func(i int) bool { return math.Abs(float64(xd[i])) < 1e-2 })
	})
	t.Run("maxpool", func(t *testing.T) {
		x := tensor.RandN(rng, 1, 2, 2, 7, 7)
		xd := x.Data()
		// Skip points whose window has a near tie with another element.
		near := func(i int) bool {
			for j := range xd {
				if j != i && j/49 == i/49 && math.Abs(float64(xd[i]-xd[j])) < 2e-2 {
					return true
				}
			}
			return false
		}
		layerGradCheck(t, "maxpool 3s2", NewMaxPool2d(3, 2), x, 1e-3, 1e-3, near)
		layerGradCheck(t, "maxpool 2s2", NewMaxPool2d(2, 2), x, 1e-3, 1e-3, near)
	})
	t.Run("avgpool", func(t *testing.T) {
		layerGradCheck(t, "avgpool", NewAdaptiveAvgPool2d(3, 2), tensor.RandN(rng, 1, 2, 2, 7, 5), 1e-2, 1e-3, nil)
	})
	t.Run("dropout", func(t *testing.T) {
		d := NewDropout(0.3, 7)
		// The mask changes every call, so check with a fixed mask: dx must
		// equal y/x wherever x != 0.
		x := tensor.RandN(rng, 1, 4, 50)
		y := d.Forward(x).Clone()
		dx := d.Backward(tensor.Full(1, 4, 50))
		for i, v := range x.Data() {
			if want := y.Data()[i] / v; math.Abs(float64(dx.Data()[i]-want)) > 1e-5 {
				t.Fatalf("dx[%d] = %v, want %v", i, dx.Data()[i], want)
			}
		}
	})
	t.Run("flatten+linear", func(t *testing.T) {
		s := NewSequential(NewFlatten(), NewLinear(12, 3, true, rng))
		s.SetInputGrad(true)
		layerGradCheck(t, "flatten+linear", s, tensor.RandN(rng, 1, 2, 3, 2, 2), 1e-2, 1e-3, nil)
	})
}

func TestDropoutStatistics(t *testing.T) {
	d := NewDropout(0.25, 1)
	x := tensor.Full(1, 100000)
	a := d.Forward(x).Clone()
	zeros, sum := 0, 0.0
	for _, v := range a.Data() {
		if v == 0 {
			zeros++
		}
		sum += float64(v)
	}
	if f := float64(zeros) / 1e5; math.Abs(f-0.25) > 0.01 {
		t.Errorf("dropped fraction %v, want 0.25", f)
	}
	if m := sum / 1e5; math.Abs(m-1) > 0.02 {
		t.Errorf("mean %v, want 1 (inverted dropout)", m)
	}
	if b := d.Forward(x); tensor.Equal(a, b) {
		t.Error("two steps gave the same mask")
	}
	d2 := NewDropout(0.25, 1)
	if !tensor.Equal(a, d2.Forward(x)) {
		t.Error("same seed gave a different mask")
	}
	d.SetTrain(false)
	if d.Forward(x) != x {
		t.Error("eval dropout is not the identity")
	}
}
