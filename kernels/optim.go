// This file holds the fused optimizer updates: one pass over a parameter, its
// gradient and its state per step, so that SGD and Adam touch each element
// once and allocate nothing. The formulas follow PyTorch's single-tensor
// implementations (torch.optim.SGD and Adam/AdamW, 1.13 to 2.x) operation by
// operation, in float32, so that trajectories agree to rounding.

package kernels

import "fmt"

// SGDParams are the scalars of one SGD update (torch.optim.SGD).
type SGDParams struct {
	LR          float32 // learning rate
	Momentum    float32 // 0 disables the momentum buffer
	Dampening   float32
	WeightDecay float32 // L2 penalty added to the gradient
	Nesterov    bool
	// First marks the first step of this parameter: the momentum buffer is
	// set to the gradient (no dampening), as PyTorch clones it.
	First bool
}

// SGDStep performs one SGD update of p in place:
//
//	d = g + wd*p
//	buf = d                          (first step)
//	buf = momentum*buf + (1-damp)*d  (later steps)
//	d = d + momentum*buf (Nesterov) or d = buf
//	p = p - lr*d
//
// buf is read and written only when Momentum != 0 and must then be as long
// as p; g must be as long as p. It panics on a length mismatch.
func SGDStep(p, g, buf []float32, h SGDParams) {
	if len(g) != len(p) || (h.Momentum != 0 && len(buf) != len(p)) {
		panic(fmt.Sprintf("kernels: SGDStep: len(p)=%d len(g)=%d len(buf)=%d momentum=%v", len(p), len(g), len(buf), h.Momentum))
	}
	sgdStep(p, g, buf, h)
}

// AdamParams are the scalars of one Adam/AdamW update. StepSize is
// lr/(1-beta1^t) and BC2Sqrt is sqrt(1-beta2^t), computed by the caller in
// float64 as PyTorch does in Python.
type AdamParams struct {
	LR          float32
	Beta1       float32
	Beta2       float32
	Eps         float32
	WeightDecay float32
	StepSize    float32 // lr / (1 - beta1^t)
	BC2Sqrt     float32 // sqrt(1 - beta2^t)
	Decoupled   bool    // AdamW: p *= Decay before the update; else wd*p joins the gradient
	Decay       float32 // AdamW's 1 - lr*wd, computed by the caller in float64
	AMSGrad     bool    // keep vmax = max(vmax, v) and divide by it
}

// AdamStep performs one Adam (or AdamW when Decoupled) update in place:
//
//	p = p*decay (decay = 1 - lr*wd)       (AdamW)   or   g = g + wd*p   (Adam)
//	m = beta1*m + (1-beta1)*g
//	v = beta2*v + (1-beta2)*g*g
//	vmax = max(vmax, v)                   (AMSGrad; then v below is vmax)
//	p = p - stepSize * m / (sqrt(v)/bc2sqrt + eps)
//
// m, v (and vmax with AMSGrad) must be as long as p and g; vmax is not
// touched otherwise. It panics on a length mismatch.
func AdamStep(p, g, m, v, vmax []float32, h AdamParams) {
	if len(g) != len(p) || len(m) != len(p) || len(v) != len(p) || (h.AMSGrad && len(vmax) != len(p)) {
		panic(fmt.Sprintf("kernels: AdamStep: len(p)=%d len(g)=%d len(m)=%d len(v)=%d len(vmax)=%d amsgrad=%v",
			len(p), len(g), len(m), len(v), len(vmax), h.AMSGrad))
	}
	adamStep(p, g, m, v, vmax, h)
}
