// This file holds the pure-Go optimizer updates, always compiled, which the
// exported entries in optim.go call. They keep PyTorch's operation order so
// that every intermediate is rounded to float32 where PyTorch rounds it.

package kernels

import "math"

// sgdStepGeneric is SGDStep without argument checks.
func sgdStepGeneric(p, g, buf []float32, h SGDParams) {
	lr, mom, wd := h.LR, h.Momentum, h.WeightDecay
	damp := 1 - h.Dampening
	if mom == 0 {
		for i := range p {
			d := g[i]
			if wd != 0 {
				d += wd * p[i]
			}
			p[i] -= lr * d
		}
		return
	}
	buf = buf[:len(p)]
	for i := range p {
		d := g[i]
		if wd != 0 {
			d += wd * p[i]
		}
		b := d
		if !h.First {
			b = mom*buf[i] + damp*d
		}
		buf[i] = b
		if h.Nesterov {
			d += mom * b
		} else {
			d = b
		}
		p[i] -= lr * d
	}
}

// adamStepGeneric is AdamStep without argument checks.
func adamStepGeneric(p, g, m, v, vmax []float32, h AdamParams) {
	b1, b2 := h.Beta1, h.Beta2
	c1, c2 := 1-b1, 1-b2
	decay := h.Decay
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	if h.AMSGrad {
		vmax = vmax[:len(p)]
	}
	for i := range p {
		x := p[i]
		gi := g[i]
		if h.Decoupled {
			x *= decay
		} else if h.WeightDecay != 0 {
			gi += h.WeightDecay * x
		}
		mi := b1*m[i] + c1*gi
		vi := b2*v[i] + c2*gi*gi
		m[i], v[i] = mi, vi
		if h.AMSGrad {
			if vmax[i] > vi {
				vi = vmax[i]
			}
			vmax[i] = vi
		}
		den := float32(math.Sqrt(float64(vi)))/h.BC2Sqrt + h.Eps
		p[i] = x - h.StepSize*(mi/den)
	}
}
