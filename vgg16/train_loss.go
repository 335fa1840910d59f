// This file turns an imbalance strategy into a loss: BCE with pos_weight or
// class-weighted cross-entropy, focal loss, or the plain loss (with a
// balanced sampler doing the work, or nothing at all).

package vgg16

import (
	"fmt"

	"github.com/gocnn/gocnn/data"
	"github.com/gocnn/gocnn/nn"
	"github.com/gocnn/gocnn/tensor"
)

// focalGamma is the focusing parameter of the focal losses (Lin et al.).
const focalGamma = 2

// lossFn is the training loss for a batch of logits. A binary task has one
// logit per image and a BCE-family loss; k > 2 classes use cross-entropy.
type lossFn struct {
	binary bool
	bce    *nn.BCEWithLogits
	focal  *nn.SigmoidFocal
	ce     *nn.CrossEntropy
	sfocal *nn.SoftmaxFocal
	target *tensor.Tensor // [N, 1] float targets for the binary losses
	desc   string
}

// newLoss builds the loss for strategy from the imbalance plan.
func newLoss(strategy string, plan data.ImbalancePlan, k int) *lossFn {
	l := &lossFn{binary: k == 2}
	switch {
	case l.binary && strategy == "weights":
		l.bce = nn.NewBCEWithLogits(nn.ReduceMean)
		l.bce.PosWeight = tensor.FromSlice([]float32{float32(plan.PosWeight)}, 1)
		l.desc = fmt.Sprintf("BCE with pos_weight %.3g", plan.PosWeight)
	case l.binary && strategy == "focal":
		// alpha weights the positive class by its share of the negatives,
		// so the minority positive class is not down-weighted as with
		// torchvision's 0.25.
		alpha := 0.5
		if n := plan.Counts[0] + plan.Counts[1]; n > 0 {
			alpha = float64(plan.Counts[0]) / float64(n)
		}
		l.focal = nn.NewSigmoidFocal(alpha, focalGamma, nn.ReduceMean)
		l.desc = fmt.Sprintf("sigmoid focal loss (alpha %.3g, gamma %d)", alpha, focalGamma)
	case l.binary:
		l.bce = nn.NewBCEWithLogits(nn.ReduceMean)
		l.desc = "plain BCE"
	case strategy == "weights":
		l.ce = nn.NewCrossEntropy(nn.ReduceMean)
		l.ce.Weight = tensor.FromSlice(float32s(plan.ClassWeights), k)
		l.desc = fmt.Sprintf("cross-entropy with class weights %.3g", plan.ClassWeights)
	case strategy == "focal":
		l.sfocal = nn.NewSoftmaxFocal(tensor.FromSlice(float32s(normalised(plan.ClassWeights)), k), focalGamma, nn.ReduceMean)
		l.desc = "softmax focal loss with per-class alpha"
	default:
		l.ce = nn.NewCrossEntropy(nn.ReduceMean)
		l.desc = "plain cross-entropy"
	}
	return l
}

// forward returns the mean loss of logits [N, outputs] against the batch's
// labels.
func (l *lossFn) forward(logits *tensor.Tensor, labels []int) float64 {
	if l.binary {
		n := len(labels)
		if l.target == nil || l.target.Dim(0) != n {
			l.target = tensor.Zeros(n, 1)
		}
		t := l.target.Data()
		for i, y := range labels {
			t[i] = float32(y)
		}
		if l.focal != nil {
			return float64(l.focal.Forward(logits, l.target).Data()[0])
		}
		return float64(l.bce.Forward(logits, l.target).Data()[0])
	}
	if l.sfocal != nil {
		return float64(l.sfocal.Forward(logits, labels).Data()[0])
	}
	return float64(l.ce.Forward(logits, labels).Data()[0])
}

// backward returns the gradient of the mean loss with respect to the logits.
func (l *lossFn) backward() *tensor.Tensor {
	switch {
	case l.focal != nil:
		return l.focal.Backward(nil)
	case l.bce != nil:
		return l.bce.Backward(nil)
	case l.sfocal != nil:
		return l.sfocal.Backward(nil)
	}
	return l.ce.Backward(nil)
}

func float32s(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// normalised scales v to sum to 1 (all equal when the sum is 0).
func normalised(v []float64) []float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	out := make([]float64, len(v))
	for i, x := range v {
		if s > 0 {
			out[i] = x / s
		} else {
			out[i] = 1 / float64(len(v))
		}
	}
	return out
}
