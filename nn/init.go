// This file holds the weight initialisers: PyTorch's defaults
// (reset_parameters of Linear and Conv2d) and torchvision's VGG scheme, plus
// InitVGG, which applies the latter to a whole model.

package nn

import (
	"fmt"
	"math"

	"github.com/gocnn/gocnn/tensor"
)

// Fans returns fan_in and fan_out of a weight as torch.nn.init computes them:
// for [K, C, R, S] fan_in = C·R·S and fan_out = K·R·S; for [K, C] they are C
// and K.
func Fans(w *tensor.Tensor) (fanIn, fanOut int) {
	if w.Rank() < 2 {
		panic(fmt.Sprintf("nn: Fans: weight shape %v, want rank >= 2", w.Shape()))
	}
	rf := 1
	for _, d := range w.Shape()[2:] {
		rf *= d
	}
	return w.Dim(1) * rf, w.Dim(0) * rf
}

// KaimingNormalFanOut fills w from N(0, 2/fan_out): torch.nn.init.
// kaiming_normal_(w, mode="fan_out", nonlinearity="relu"), torchvision's VGG
// convolution init.
func KaimingNormalFanOut(w *tensor.Tensor, g *tensor.RNG) {
	_, fo := Fans(w)
	w.FillNormal(g, 0, math.Sqrt(2/float64(fo)))
}

// KaimingUniformDefault fills w uniformly in ±1/√fan_in: kaiming_uniform_
// with a=√5, the default init of Linear and Conv2d weights.
func KaimingUniformDefault(w *tensor.Tensor, g *tensor.RNG) {
	fi, _ := Fans(w)
	b := 1 / math.Sqrt(float64(fi))
	w.FillUniform(g, -b, b)
}

// BiasUniformDefault fills b uniformly in ±1/√fanIn, the default bias init
// of Linear and Conv2d (zero when fanIn is 0).
func BiasUniformDefault(b *tensor.Tensor, fanIn int, g *tensor.RNG) {
	if fanIn <= 0 {
		b.Zero()
		return
	}
	bound := 1 / math.Sqrt(float64(fanIn))
	b.FillUniform(g, -bound, bound)
}

// InitVGG re-initialises m as torchvision's VGG does: convolutions Kaiming
// normal (fan_out, ReLU) with zero bias, BatchNorm weight 1 and bias 0,
// Linear N(0, 0.01) with zero bias. It walks Sequential containers in order,
// so a given g gives the same weights every time.
func InitVGG(m Module, g *tensor.RNG) {
	switch l := m.(type) {
	case *Sequential:
		for i := 0; i < l.Len(); i++ {
			InitVGG(l.At(i), g)
		}
	case *Conv2d:
		KaimingNormalFanOut(l.Weight.Value, g)
		if l.Bias != nil {
			l.Bias.Value.Zero()
		}
	case *BatchNorm2d:
		l.Weight.Value.Fill(1)
		l.Bias.Value.Zero()
	case *Linear:
		l.Weight.Value.FillNormal(g, 0, 0.01)
		if l.Bias != nil {
			l.Bias.Value.Zero()
		}
	}
}
