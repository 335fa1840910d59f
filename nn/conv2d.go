// This file holds Conv2d, torch.nn.Conv2d on NCHW data, on top of the
// convolution plans of kernels.NewConv (direct, im2col, Winograd or auto).

package nn

import (
	"fmt"

	"github.com/gocnn/gocnn/kernels"
	"github.com/gocnn/gocnn/tensor"
)

// Conv2dOptions are Conv2d's optional settings; zero Stride and Dilation
// mean 1. Algo is passed to kernels.NewConv (AlgoAuto times the candidates
// once per shape; Winograd's looser error bound is documented in kernels).
type Conv2dOptions struct {
	Stride, Padding, Dilation int
	KernelW                   int // when nonzero, the window is kernel×KernelW (R×S)
	NoBias                    bool
	Algo                      kernels.Algo
}

// Conv2d is torch.nn.Conv2d (groups = 1, zero padding): x [N, C, H, W],
// weight [K, C, R, S], bias [K] give y [N, K, OH, OW]. It caches a reference
// to its input x (backward needs only x, for dw; x must not change until
// Backward) and one kernels.Conv plan per input shape. Backward does not read
// y, so a Sequential lets the next ReLU rectify y (fused into the output
// pass).
type Conv2d struct {
	In, Out, KH, KW int
	Opt             Conv2dOptions
	Weight          *Param // "weight", [K, C, R, S]
	Bias            *Param // "bias", [K]; nil with NoBias

	params   []*Param
	plan     *kernels.Conv
	x        *tensor.Tensor
	y        *tensor.Tensor
	noInGrad bool
	cache    bool                   // CacheWeights
	packed   *kernels.PackedWeights // the weights packed for the plans (nil: pack at the next Forward)
	linkage
}

// NewConv2d returns a Conv2d with in input channels, out output channels and
// a kernel×kernel window, initialised as PyTorch's default (weight and bias
// uniform in ±1/√(C·R·S)) from g. A nil g leaves weight and bias zero, for
// a layer whose parameters are about to be loaded.
func NewConv2d(in, out, kernel int, opt Conv2dOptions, g *tensor.RNG) *Conv2d {
	if in <= 0 || out <= 0 || kernel <= 0 || opt.KernelW < 0 || opt.Stride < 0 || opt.Padding < 0 || opt.Dilation < 0 {
		panic(fmt.Sprintf("nn: NewConv2d: in %d out %d kernel %d stride %d padding %d dilation %d", in, out, kernel, opt.Stride, opt.Padding, opt.Dilation))
	}
	if opt.Stride == 0 {
		opt.Stride = 1
	}
	if opt.Dilation == 0 {
		opt.Dilation = 1
	}
	kw := kernel
	if opt.KernelW > 0 {
		kw = opt.KernelW
	}
	c := &Conv2d{In: in, Out: out, KH: kernel, KW: kw, Opt: opt,
		Weight: NewParam("weight", tensor.Zeros(out, in, kernel, kw))}
	c.params = []*Param{c.Weight}
	if !opt.NoBias {
		c.Bias = NewParam("bias", tensor.Zeros(out))
		c.params = append(c.params, c.Bias)
	}
	if g != nil {
		c.ResetParameters(g)
	}
	return c
}

// ResetParameters applies PyTorch's default initialisation.
func (c *Conv2d) ResetParameters(g *tensor.RNG) {
	KaimingUniformDefault(c.Weight.Value, g)
	if c.Bias != nil {
		fi, _ := Fans(c.Weight.Value)
		BiasUniformDefault(c.Bias.Value, fi, g)
	}
}

// ensurePlan returns the plan for an input of shape [n, C, h, w], making a
// new one only when the shape changes.
func (c *Conv2d) ensurePlan(n, h, w int) *kernels.Conv {
	if c.plan != nil {
		p := c.plan.Params()
		if p.N == n && p.H == h && p.W == w {
			return c.plan
		}
	}
	o := c.Opt
	c.plan = kernels.NewConv(kernels.ConvParams{N: n, C: c.In, H: h, W: w, K: c.Out, R: c.KH, S: c.KW,
		StrideH: o.Stride, StrideW: o.Stride, PadH: o.Padding, PadW: o.Padding, DilH: o.Dilation, DilW: o.Dilation}, o.Algo)
	return c.plan
}

// Plan returns the convolution plan of the last Forward (nil before one),
// e.g. to report which algorithm AlgoAuto chose.
func (c *Conv2d) Plan() *kernels.Conv { return c.plan }

// Forward computes the convolution of x [N, In, H, W].
func (c *Conv2d) Forward(x *tensor.Tensor) *tensor.Tensor { return c.forward(x, false) }

// forward is Forward, followed by max(0,·) in the same output pass when
// relu is set (a Sequential fusing the next ReLU; Backward then receives dy
// already masked by that ReLU's backward).
func (c *Conv2d) forward(x *tensor.Tensor, relu bool) *tensor.Tensor {
	n, _, h, w := need4("Conv2d", x, c.In)
	plan := c.ensurePlan(n, h, w)
	p := plan.Params()
	c.x = x
	c.y = c.output(dims4(n, c.Out, p.OutH(), p.OutW()), x)
	var b []float32
	if c.Bias != nil {
		b = c.Bias.Value.Data()
	}
	if !c.cache {
		plan.Forward(x.Data(), c.Weight.Value.Data(), b, c.y.Data(), relu)
		return c.y
	}
	// A plan with a transform to pack (Winograd) may follow one without.
	if c.packed == nil || plan.Algo() == kernels.AlgoWinograd && c.packed.Bytes() == 0 {
		c.packed = plan.PackWeights(c.Weight.Value.Data(), c.packed)
	}
	plan.ForwardPacked(x.Data(), c.packed, b, c.y.Data(), relu)
	return c.y
}

// CacheWeights sets whether Forward keeps the weights in the form its
// convolution plan reads (kernels.Conv.PackWeights: for Winograd the weight
// transform, four times the weights' memory) and reuses it on later calls
// instead of transforming them every time: for inference, where the weights
// do not change. While it is set the layer assumes they do not: set it again
// after changing them (each call drops what was packed); SetTrain(true)
// turns it off. Off by default.
func (c *Conv2d) CacheWeights(on bool) {
	c.cache, c.packed = on, nil
}

// Backward accumulates dw (and db) for parameters with RequiresGrad and
// returns dx (nil when the input gradient is switched off).
func (c *Conv2d) Backward(dy *tensor.Tensor) *tensor.Tensor {
	mustSameShape("Conv2d", dy, c.y)
	d := dy.Data()
	wantB := c.Bias != nil && c.Bias.RequiresGrad
	switch {
	case c.Weight.RequiresGrad:
		var db []float32
		if wantB {
			db = c.Bias.Grad.Data()
		}
		c.plan.BackwardWeights(c.x.Data(), d, c.Weight.Grad.Data(), db)
	case wantB:
		channelSums(d, dy.Dim(0), c.Out, dy.Dim(2)*dy.Dim(3), c.Bias.Grad.Data())
	}
	if c.noInGrad {
		return nil
	}
	dx := c.inputGrad(dimsOf(c.x), dy)
	c.plan.BackwardData(d, c.Weight.Value.Data(), dx.Data())
	return dx
}

// channelSums adds Σ_{n, hw} d[n, k, hw] to db[k], in float64.
func channelSums(d []float32, n, k, hw int, db []float32) {
	for ch := 0; ch < k; ch++ {
		var s float64
		for i := 0; i < n; i++ {
			for _, v := range d[(i*k+ch)*hw : (i*k+ch+1)*hw] {
				s += float64(v)
			}
		}
		db[ch] += float32(s)
	}
}

// SetInputGrad sets whether Backward computes dx (default true).
func (c *Conv2d) SetInputGrad(need bool) { c.noInGrad = !need }

// Params returns weight and bias (if any).
func (c *Conv2d) Params() []*Param { return c.params }

// Buffers returns nil.
func (c *Conv2d) Buffers() []*Buffer { return nil }

// SetTrain(true) turns CacheWeights off (training changes the weights);
// SetTrain(false) does nothing.
func (c *Conv2d) SetTrain(train bool) {
	if train {
		c.CacheWeights(false)
	}
}
