//go:build !purego

package kernels

// adamConsts returns the broadcast constants of adamStepAVX2 and its mode
// bits: bit 0 adds wd*p to the gradient (Adam with weight decay), bit 1 keeps
// the AMSGrad maximum. Decay is 1 unless AdamW, so p*decay is exact then.
func adamConsts(h AdamParams) (k [9]float32, mode int) {
	decay := float32(1)
	if h.Decoupled {
		decay = h.Decay
	} else if h.WeightDecay != 0 {
		mode |= 1
	}
	if h.AMSGrad {
		mode |= 2
	}
	k = [9]float32{h.Beta1, 1 - h.Beta1, h.Beta2, 1 - h.Beta2, h.BC2Sqrt, h.Eps, h.StepSize, decay, h.WeightDecay}
	return k, mode
}

// adamStep runs the AVX2 loop on the multiple-of-8 prefix and the generic
// twin on the rest.
func adamStep(p, g, m, v, vmax []float32, h AdamParams) {
	n := len(p) &^ 7
	if active >= AVX2 && n > 0 {
		k, mode := adamConsts(h)
		var vm *float32
		var vmTail []float32
		if h.AMSGrad {
			vm, vmTail = &vmax[:n][0], vmax[n:len(p)]
		}
		adamStepAVX2(&p[0], &g[:n][0], &m[:n][0], &v[:n][0], vm, n, &k, mode)
		adamStepGeneric(p[n:], g[n:len(p)], m[n:len(p)], v[n:len(p)], vmTail, h)
		return
	}
	adamStepGeneric(p, g, m, v, vmax, h)
}

// sgdStep runs the AVX2 loop on the multiple-of-8 prefix and the generic
// twin on the rest.
func sgdStep(p, g, buf []float32, h SGDParams) {
	n := len(p) &^ 7
	if active >= AVX2 && n > 0 {
		mode := 0
		var b *float32
		var bTail []float32
		if h.WeightDecay != 0 {
			mode |= 1
		}
		if h.Momentum != 0 {
			mode |= 2
			b, bTail = &buf[:n][0], buf[n:len(p)]
			if h.First {
				mode |= 4
			}
			if h.Nesterov {
				mode |= 8
			}
		}
		k := [4]float32{h.WeightDecay, h.Momentum, 1 - h.Dampening, h.LR}
		sgdStepAVX2(&p[0], &g[:n][0], b, n, &k, mode)
		sgdStepGeneric(p[n:], g[n:len(p)], bTail, h)
		return
	}
	sgdStepGeneric(p, g, buf, h)
}

// adamStepAVX2 must match adamStepGeneric bit for bit (it rounds every
// product and sum to float32 in the same order and fuses nothing):
//
//	x = p*k[7]; gi = grad (+ k[8]*x when mode&1)
//	m = k[0]*m + k[1]*gi; v = k[2]*v + (k[3]*gi)*gi
//	vi = max(vmax, v) stored to vmax (mode&2), else v
//	p = x - k[6]*(m / (sqrt(vi)/k[4] + k[5]))
//
// with k from adamConsts. Preconditions: n > 0, a multiple of 8; p, grad, m, v
// (and vmax when mode&2) hold n floats; needs AVX2.
//
//go:noescape
func adamStepAVX2(p, grad, m, v, vmax *float32, n int, k *[9]float32, mode int)

// sgdStepAVX2 must match sgdStepGeneric bit for bit:
//
//	d = grad (+ k[0]*p when mode&1)
//	with momentum (mode&2): b = d (first step, mode&4) or k[1]*buf + k[2]*d;
//	buf = b; d = d + k[1]*b (Nesterov, mode&8) or b
//	p = p - k[3]*d
//
// with k = {wd, momentum, 1-dampening, lr}. Preconditions: n > 0, a multiple
// of 8; p and grad (and buf with momentum) hold n floats; needs AVX2.
//
//go:noescape
func sgdStepAVX2(p, grad, buf *float32, n int, k *[4]float32, mode int)
