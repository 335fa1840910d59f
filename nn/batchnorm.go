// This file holds BatchNorm2d, torch.nn.BatchNorm2d: batch statistics and
// running-statistic updates in training, running statistics in evaluation,
// on the kernels' batch-norm routines.

package nn

import (
	"fmt"
	"math"

	"github.com/gocnn/gocnn/kernels"
	"github.com/gocnn/gocnn/tensor"
)

// BatchNorm2d is torch.nn.BatchNorm2d(C, eps, momentum) with affine
// parameters and running statistics. In training it normalises each channel
// with the batch mean and biased variance and updates
//
//	running_mean = (1-momentum)·running_mean + momentum·mean
//	running_var  = (1-momentum)·running_var  + momentum·var·M/(M-1)
//
// (M = N·H·W, the unbiased variance) and num_batches_tracked; in evaluation
// it uses the running statistics. It caches a reference to its input x and,
// in training, the batch mean and 1/√(var+eps) (all backward needs; x must not
// change until Backward). Backward does not read y, so a Sequential lets the
// next ReLU rectify y in place.
type BatchNorm2d struct {
	C        int
	Eps      float64 // default 1e-5
	Momentum float64 // default 0.1

	Weight, Bias            *Param  // "weight" (γ), "bias" (β), [C]
	RunningMean, RunningVar *Buffer // "running_mean", "running_var", [C]
	NumBatchesTracked       *Buffer // "num_batches_tracked" (Int)
	numBatches              int64
	params                  []*Param
	buffers                 []*Buffer
	train                   bool
	trainedStep             bool // the last Forward used batch statistics
	x                       *tensor.Tensor
	y                       *tensor.Tensor
	mean, invstd, sdg, sdb  []float32
	noInGrad                bool
	linkage
}

// NewBatchNorm2d returns the layer for c channels with weight 1, bias 0,
// running mean 0 and running variance 1 (PyTorch's defaults), eps 1e-5 and
// momentum 0.1, in training mode.
func NewBatchNorm2d(c int) *BatchNorm2d {
	if c <= 0 {
		panic(fmt.Sprintf("nn: NewBatchNorm2d: %d channels", c))
	}
	b := &BatchNorm2d{C: c, Eps: 1e-5, Momentum: 0.1, train: true,
		Weight:      NewParam("weight", tensor.Full(1, c)),
		Bias:        NewParam("bias", tensor.Zeros(c)),
		RunningMean: &Buffer{Name: "running_mean", Value: tensor.Zeros(c)},
		RunningVar:  &Buffer{Name: "running_var", Value: tensor.Full(1, c)},
		mean:        make([]float32, c), invstd: make([]float32, c),
		sdg: make([]float32, c), sdb: make([]float32, c),
	}
	b.NumBatchesTracked = &Buffer{Name: "num_batches_tracked", Int: &b.numBatches}
	b.params = []*Param{b.Weight, b.Bias}
	b.buffers = []*Buffer{b.RunningMean, b.RunningVar, b.NumBatchesTracked}
	return b
}

// Forward normalises x [N, C, H, W].
func (b *BatchNorm2d) Forward(x *tensor.Tensor) *tensor.Tensor {
	n, c, h, w := need4("BatchNorm2d", x, b.C)
	hw := h * w
	b.x = x
	b.y = b.output(dimsOf(x), x)
	g, be := b.Weight.Value.Data(), b.Bias.Value.Data()
	rm, rv := b.RunningMean.Value.Data(), b.RunningVar.Value.Data()
	b.trainedStep = b.train
	if !b.train {
		kernels.BatchNormForwardEval(n, c, hw, x.Data(), g, be, rm, rv, b.y.Data(), float32(b.Eps))
		return b.y
	}
	m := n * hw
	if m <= 1 {
		panic(fmt.Sprintf("nn: BatchNorm2d(%d): expected more than 1 value per channel when training, got input shape %v", b.C, x.Shape()))
	}
	kernels.BatchNormForwardTrain(n, c, hw, x.Data(), g, be, b.y.Data(), b.mean, b.invstd, float32(b.Eps))
	// Running statistics; the biased variance is recovered from invstd.
	mo, unbias := b.Momentum, float64(m)/float64(m-1)
	for ch := 0; ch < c; ch++ {
		is := float64(b.invstd[ch])
		v := math.Max(1/(is*is)-b.Eps, 0)
		rm[ch] = float32((1-mo)*float64(rm[ch]) + mo*float64(b.mean[ch]))
		rv[ch] = float32((1-mo)*float64(rv[ch]) + mo*v*unbias)
	}
	b.numBatches++
	return b.y
}

// Backward accumulates dγ = Σ dy·x̂ and dβ = Σ dy (for parameters with
// RequiresGrad) and returns dx (nil when the input gradient is switched
// off). After a training Forward the batch statistics' dependence on x is
// included; after an evaluation Forward dx = dy·γ/√(running_var+eps).
func (b *BatchNorm2d) Backward(dy *tensor.Tensor) *tensor.Tensor {
	mustSameShape("BatchNorm2d", dy, b.y)
	n, c := dy.Dim(0), b.C
	hw := dy.Dim(2) * dy.Dim(3)
	dg, db := b.sdg, b.sdb // sinks for frozen parameters
	clear(dg)
	clear(db)
	if b.Weight.RequiresGrad {
		dg = b.Weight.Grad.Data()
	}
	if b.Bias.RequiresGrad {
		db = b.Bias.Grad.Data()
	}
	if !b.trainedStep {
		return b.backwardEval(n, c, hw, dy, dg, db)
	}
	if b.noInGrad && !b.Weight.RequiresGrad && !b.Bias.RequiresGrad {
		return nil
	}
	dx := b.inputGrad(dimsOf(dy), dy)
	kernels.BatchNormBackward(n, c, hw, b.x.Data(), dy.Data(), b.Weight.Value.Data(), b.mean, b.invstd, dx.Data(), dg, db)
	if b.noInGrad {
		return nil
	}
	return dx
}

// backwardEval is Backward after an evaluation-mode Forward (the statistics
// are constants).
func (b *BatchNorm2d) backwardEval(n, c, hw int, dy *tensor.Tensor, dg, db []float32) *tensor.Tensor {
	x, d := b.x.Data(), dy.Data()
	g, rm, rv := b.Weight.Value.Data(), b.RunningMean.Value.Data(), b.RunningVar.Value.Data()
	var dxt *tensor.Tensor
	var dx []float32
	if !b.noInGrad {
		dxt = b.inputGrad(dimsOf(dy), dy)
		dx = dxt.Data()
	}
	for ch := 0; ch < c; ch++ {
		is := 1 / math.Sqrt(float64(rv[ch])+b.Eps)
		mu := float64(rm[ch])
		scale := float32(float64(g[ch]) * is)
		var sdy, sdyx float64
		for i := 0; i < n; i++ {
			o := (i*c + ch) * hw
			for j, v := range d[o : o+hw] {
				sdy += float64(v)
				sdyx += float64(v) * (float64(x[o+j]) - mu) * is
				if dx != nil {
					dx[o+j] = v * scale
				}
			}
		}
		dg[ch] += float32(sdyx)
		db[ch] += float32(sdy)
	}
	return dxt
}

// SetInputGrad sets whether Backward computes dx (default true).
func (b *BatchNorm2d) SetInputGrad(need bool) { b.noInGrad = !need }

// Params returns weight and bias.
func (b *BatchNorm2d) Params() []*Param { return b.params }

// Buffers returns running_mean, running_var and num_batches_tracked.
func (b *BatchNorm2d) Buffers() []*Buffer { return b.buffers }

// SetTrain selects batch statistics (true) or running statistics (false).
func (b *BatchNorm2d) SetTrain(train bool) { b.train = train }
