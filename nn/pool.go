// This file holds the pooling layers VGG uses: MaxPool2d (torch.nn.MaxPool2d
// without padding) and AdaptiveAvgPool2d, on the kernels' pooling routines.

package nn

import (
	"fmt"

	"github.com/gocnn/gocnn/kernels"
	"github.com/gocnn/gocnn/tensor"
)

// MaxPool2d is torch.nn.MaxPool2d(kernel, stride) with no padding, dilation 1
// and floor rounding. It caches the argmax of each output (backward needs
// only that and the input shape).
type MaxPool2d struct {
	Kernel, Stride int

	argmax   []int32
	in       shape4
	y        *tensor.Tensor
	noInGrad bool
	linkage
}

// NewMaxPool2d returns a max-pooling layer; stride 0 means stride = kernel,
// as in PyTorch.
func NewMaxPool2d(kernel, stride int) *MaxPool2d {
	if stride == 0 {
		stride = kernel
	}
	if kernel <= 0 || stride <= 0 {
		panic(fmt.Sprintf("nn: NewMaxPool2d: kernel %d stride %d (want > 0)", kernel, stride))
	}
	return &MaxPool2d{Kernel: kernel, Stride: stride}
}

// Forward returns the window maxima of x [N, C, H, W].
func (m *MaxPool2d) Forward(x *tensor.Tensor) *tensor.Tensor {
	n, c, h, w := need4("MaxPool2d", x, -1)
	if h < m.Kernel || w < m.Kernel {
		panic(fmt.Sprintf("nn: MaxPool2d(%d, %d): input shape %v smaller than the window", m.Kernel, m.Stride, x.Shape()))
	}
	oh, ow := (h-m.Kernel)/m.Stride+1, (w-m.Kernel)/m.Stride+1
	m.in = dimsOf(x)
	m.y = m.output(dims4(n, c, oh, ow), x)
	if len(m.argmax) != m.y.Len() {
		m.argmax = make([]int32, m.y.Len())
	}
	kernels.MaxPool2dForward(n, c, h, w, m.Kernel, m.Stride, x.Data(), m.y.Data(), m.argmax)
	return m.y
}

// Backward routes each dy to its window's maximum (nil when the input
// gradient is switched off).
func (m *MaxPool2d) Backward(dy *tensor.Tensor) *tensor.Tensor {
	mustSameShape("MaxPool2d", dy, m.y)
	if m.noInGrad {
		return nil
	}
	dx := m.inputGrad(m.in, dy)
	s := m.in.d
	kernels.MaxPool2dBackward(s[0], s[1], s[2], s[3], m.Kernel, m.Stride, dy.Data(), m.argmax, dx.Data())
	return dx
}

// SetInputGrad sets whether Backward computes dx (default true).
func (m *MaxPool2d) SetInputGrad(need bool) { m.noInGrad = !need }

// Params returns nil.
func (m *MaxPool2d) Params() []*Param { return nil }

// Buffers returns nil.
func (m *MaxPool2d) Buffers() []*Buffer { return nil }

// SetTrain does nothing.
func (m *MaxPool2d) SetTrain(bool) {}

// AdaptiveAvgPool2d is torch.nn.AdaptiveAvgPool2d((OH, OW)): output (i, j)
// averages rows ⌊i·H/OH⌋ … ⌈(i+1)·H/OH⌉-1 and likewise columns. It caches
// the input shape (all backward needs).
type AdaptiveAvgPool2d struct {
	OH, OW int

	in       shape4
	y        *tensor.Tensor
	noInGrad bool
	linkage
}

// NewAdaptiveAvgPool2d returns the layer with output size oh×ow.
func NewAdaptiveAvgPool2d(oh, ow int) *AdaptiveAvgPool2d {
	if oh <= 0 || ow <= 0 {
		panic(fmt.Sprintf("nn: NewAdaptiveAvgPool2d: output size %dx%d (want > 0)", oh, ow))
	}
	return &AdaptiveAvgPool2d{OH: oh, OW: ow}
}

// Forward pools x [N, C, H, W] to [N, C, OH, OW].
func (a *AdaptiveAvgPool2d) Forward(x *tensor.Tensor) *tensor.Tensor {
	n, c, h, w := need4("AdaptiveAvgPool2d", x, -1)
	a.in = dimsOf(x)
	a.y = a.output(dims4(n, c, a.OH, a.OW), x)
	kernels.AdaptiveAvgPool2dForward(n, c, h, w, a.OH, a.OW, x.Data(), a.y.Data())
	return a.y
}

// Backward spreads each dy evenly over its window (nil when the input
// gradient is switched off).
func (a *AdaptiveAvgPool2d) Backward(dy *tensor.Tensor) *tensor.Tensor {
	mustSameShape("AdaptiveAvgPool2d", dy, a.y)
	if a.noInGrad {
		return nil
	}
	dx := a.inputGrad(a.in, dy)
	s := a.in.d
	kernels.AdaptiveAvgPool2dBackward(s[0], s[1], s[2], s[3], a.OH, a.OW, dy.Data(), dx.Data())
	return dx
}

// SetInputGrad sets whether Backward computes dx (default true).
func (a *AdaptiveAvgPool2d) SetInputGrad(need bool) { a.noInGrad = !need }

// Params returns nil.
func (a *AdaptiveAvgPool2d) Params() []*Param { return nil }

// Buffers returns nil.
func (a *AdaptiveAvgPool2d) Buffers() []*Buffer { return nil }

// SetTrain does nothing.
func (a *AdaptiveAvgPool2d) SetTrain(bool) {}
