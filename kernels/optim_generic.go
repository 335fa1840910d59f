// This file holds the pure-Go optimizer updates, always compiled, which the
// exported entries in optim.go call (directly, or for the tails the assembly
// leaves). They keep PyTorch's operation order so that every intermediate is
// rounded to float32 where PyTorch rounds it: each product is converted to
// float32 explicitly, which forbids the compiler to fuse it into a
// multiply-add (Go's spec; arm64 and GOAMD64=v3 would otherwise fuse), so
// the results are the same bits on every target and match the assembly.

package kernels

import "math"

// sgdStepGeneric is SGDStep without argument checks.
func sgdStepGeneric(p, g, buf []float32, h SGDParams) {
	lr, mom, wd := h.LR, h.Momentum, h.WeightDecay
	damp := 1 - h.Dampening
	g = g[:len(p)]
	if mom == 0 {
		for i := range p {
			d := g[i]
			if wd != 0 {
				d += float32(wd * p[i])
			}
			p[i] -= float32(lr * d)
		}
		return
	}
	buf = buf[:len(p)]
	for i := range p {
		d := g[i]
		if wd != 0 {
			d += float32(wd * p[i])
		}
		b := d
		if !h.First {
			b = float32(mom*buf[i]) + float32(damp*d)
		}
		buf[i] = b
		if h.Nesterov {
			d += float32(mom * b)
		} else {
			d = b
		}
		p[i] -= float32(lr * d)
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
			gi += float32(h.WeightDecay * x)
		}
		mi := float32(b1*m[i]) + float32(c1*gi)
		vi := float32(b2*v[i]) + float32(float32(c2*gi)*gi)
		m[i], v[i] = mi, vi
		if h.AMSGrad {
			if vmax[i] > vi {
				vi = vmax[i]
			}
			vmax[i] = vi
		}
		den := float32(math.Sqrt(float64(vi)))/h.BC2Sqrt + h.Eps
		p[i] = x - float32(h.StepSize*(mi/den))
	}
}
