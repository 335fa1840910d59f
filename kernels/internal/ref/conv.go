// This file holds the convolution reference: the literal definition of a 2-D
// cross-correlation on NCHW data and its two gradients, summed in float64.

package ref

// ConvShape describes a 2-D convolution: N batch, C in-channels, H×W input,
// K out-channels, R×S kernel, strides, zero padding and dilation.
type ConvShape struct {
	N, C, H, W, K, R, S          int
	StrideH, StrideW, PadH, PadW int
	DilH, DilW                   int
}

// OutH returns (H + 2*PadH - DilH*(R-1) - 1)/StrideH + 1.
func (p ConvShape) OutH() int { return (p.H+2*p.PadH-p.DilH*(p.R-1)-1)/p.StrideH + 1 }

// OutW returns (W + 2*PadW - DilW*(S-1) - 1)/StrideW + 1.
func (p ConvShape) OutW() int { return (p.W+2*p.PadW-p.DilW*(p.S-1)-1)/p.StrideW + 1 }

// ConvForward computes y[n,k,oh,ow] = bias[k] + Σ_{c,r,s} w[k,c,r,s] *
// x[n,c,oh*sh-ph+r*dh, ow*sw-pw+s*dw] (out-of-range x reads as 0), then
// max(0,·) when relu is set. bias may be nil. It returns the result in float64
// and, for tolerance checks, abs[i] = |bias| + Σ|w*x| for every output.
func ConvForward(p ConvShape, x, w, bias []float32, relu bool) (y, abs []float64) {
	oh, ow := p.OutH(), p.OutW()
	y = make([]float64, p.N*p.K*oh*ow)
	abs = make([]float64, len(y))
	for n := 0; n < p.N; n++ {
		for k := 0; k < p.K; k++ {
			for i := 0; i < oh; i++ {
				for j := 0; j < ow; j++ {
					var s, a float64
					if bias != nil {
						s = float64(bias[k])
						a = abs64(s)
					}
					for c := 0; c < p.C; c++ {
						for r := 0; r < p.R; r++ {
							h := i*p.StrideH - p.PadH + r*p.DilH
							if h < 0 || h >= p.H {
								continue
							}
							for q := 0; q < p.S; q++ {
								v := j*p.StrideW - p.PadW + q*p.DilW
								if v < 0 || v >= p.W {
									continue
								}
								t := float64(w[((k*p.C+c)*p.R+r)*p.S+q]) * float64(x[((n*p.C+c)*p.H+h)*p.W+v])
								s += t
								a += abs64(t)
							}
						}
					}
					if relu && s < 0 {
						s = 0
					}
					o := ((n*p.K+k)*oh+i)*ow + j
					y[o], abs[o] = s, a
				}
			}
		}
	}
	return y, abs
}

// ConvBackwardData returns dx[n,c,h,w] = Σ dy[n,k,oh,ow]*w[k,c,r,s] over every
// (k,r,s,oh,ow) with oh*sh-ph+r*dh = h and ow*sw-pw+s*dw = w, and the matching
// sums of absolute products.
func ConvBackwardData(p ConvShape, dy, w []float32) (dx, abs []float64) {
	oh, ow := p.OutH(), p.OutW()
	dx = make([]float64, p.N*p.C*p.H*p.W)
	abs = make([]float64, len(dx))
	for n := 0; n < p.N; n++ {
		for k := 0; k < p.K; k++ {
			for i := 0; i < oh; i++ {
				for j := 0; j < ow; j++ {
					g := float64(dy[((n*p.K+k)*oh+i)*ow+j])
					for c := 0; c < p.C; c++ {
						for r := 0; r < p.R; r++ {
							h := i*p.StrideH - p.PadH + r*p.DilH
							if h < 0 || h >= p.H {
								continue
							}
							for q := 0; q < p.S; q++ {
								v := j*p.StrideW - p.PadW + q*p.DilW
								if v < 0 || v >= p.W {
									continue
								}
								t := g * float64(w[((k*p.C+c)*p.R+r)*p.S+q])
								o := ((n*p.C+c)*p.H+h)*p.W + v
								dx[o] += t
								abs[o] += abs64(t)
							}
						}
					}
				}
			}
		}
	}
	return dx, abs
}

// ConvBackwardWeights returns dw[k,c,r,s] = Σ_{n,oh,ow} dy[n,k,oh,ow] *
// x[n,c,oh*sh-ph+r*dh, ow*sw-pw+s*dw] and db[k] = Σ_{n,oh,ow} dy[n,k,oh,ow],
// with the sums of absolute products (dwAbs, dbAbs).
func ConvBackwardWeights(p ConvShape, x, dy []float32) (dw, dwAbs, db, dbAbs []float64) {
	oh, ow := p.OutH(), p.OutW()
	dw = make([]float64, p.K*p.C*p.R*p.S)
	dwAbs = make([]float64, len(dw))
	db = make([]float64, p.K)
	dbAbs = make([]float64, p.K)
	for n := 0; n < p.N; n++ {
		for k := 0; k < p.K; k++ {
			for i := 0; i < oh; i++ {
				for j := 0; j < ow; j++ {
					g := float64(dy[((n*p.K+k)*oh+i)*ow+j])
					db[k] += g
					dbAbs[k] += abs64(g)
					for c := 0; c < p.C; c++ {
						for r := 0; r < p.R; r++ {
							h := i*p.StrideH - p.PadH + r*p.DilH
							if h < 0 || h >= p.H {
								continue
							}
							for q := 0; q < p.S; q++ {
								v := j*p.StrideW - p.PadW + q*p.DilW
								if v < 0 || v >= p.W {
									continue
								}
								t := g * float64(x[((n*p.C+c)*p.H+h)*p.W+v])
								o := ((k*p.C+c)*p.R+r)*p.S + q
								dw[o] += t
								dwAbs[o] += abs64(t)
							}
						}
					}
				}
			}
		}
	}
	return dw, dwAbs, db, dbAbs
}
