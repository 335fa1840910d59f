// This file holds 2-D batch normalisation over NCHW data (statistics per
// channel over N and H×W): training forward with batch statistics, eval
// forward with running statistics, and the backward. Running-statistic
// updates (momentum, unbiased variance) are the nn layer's job. Channels are
// shared out among workers. Each plane's sums run in 8 (or 4) float32
// chains (independent, so they pipeline; a chain adds at most hw/4 terms),
// combined in float64 across lanes and planes in a fixed order; the variance
// is the mean squared deviation from the mean (two passes), not E[x²]-E[x]².

package kernels

import (
	"fmt"
	"math"
)

func bnCheck(op string, n, c, hw int, x []float32, per ...[]float32) {
	if n < 0 || c < 1 || hw < 1 {
		panic(fmt.Sprintf("kernels: %s: invalid shape n=%d c=%d hw=%d", op, n, c, hw))
	}
	checkLen(op, "x", x, n*c*hw)
	for _, s := range per {
		if s != nil {
			checkLen(op, "per-channel slice", s, c)
		}
	}
}

// BatchNormForwardTrain normalises x [n,c,hw] with each channel's batch mean
// and biased variance: y = gamma*(x-mean)*invstd + beta, invstd =
// 1/sqrt(var+eps). It writes mean[c] and invstd[c] for the backward. y may
// alias x.
func BatchNormForwardTrain(n, c, hw int, x, gamma, beta, y, mean, invstd []float32, eps float32) {
	bnCheck("BatchNormForwardTrain", n, c, hw, x, gamma, beta, mean, invstd)
	checkLen("BatchNormForwardTrain", "y", y, n*c*hw)
	if n == 0 {
		return
	}
	jb := newElt(func(j *eltJob, lo, hi int) {
		n, c, hw, eps := j.n[0], j.n[1], j.n[2], j.x0
		x, gamma, beta, y, mean, invstd := j.a, j.b, j.c, j.d, j.e, j.f
		m := float64(n * hw)
		for ch := lo; ch < hi; ch++ {
			var s float64
			for i := 0; i < n; i++ {
				s += bnSum(x[(i*c+ch)*hw : (i*c+ch+1)*hw])
			}
			mu := s / m
			var ss float64
			for i := 0; i < n; i++ {
				ss += bnSqDev(x[(i*c+ch)*hw:(i*c+ch+1)*hw], float32(mu))
			}
			is := 1 / math.Sqrt(ss/m+float64(eps))
			mean[ch], invstd[ch] = float32(mu), float32(is)
			scale := float32(float64(gamma[ch]) * is)
			shift := float32(float64(beta[ch]) - mu*float64(gamma[ch])*is)
			for i := 0; i < n; i++ {
				xs, ys := x[(i*c+ch)*hw:(i*c+ch+1)*hw], y[(i*c+ch)*hw:(i*c+ch+1)*hw]
				for j, v := range xs {
					ys[j] = v*scale + shift
				}
			}
		}
	})
	jb.n = [6]int{n, c, hw}
	jb.x0 = eps
	jb.a, jb.b, jb.c, jb.d, jb.e, jb.f = x, gamma, beta, y, mean, invstd
	jb.parallel(c, 1+16384/(n*hw))
}

// BatchNormForwardEval normalises x [n,c,hw] with running statistics: y =
// gamma*(x-runMean)/sqrt(runVar+eps) + beta. y may alias x.
func BatchNormForwardEval(n, c, hw int, x, gamma, beta, runMean, runVar, y []float32, eps float32) {
	bnCheck("BatchNormForwardEval", n, c, hw, x, gamma, beta, runMean, runVar)
	checkLen("BatchNormForwardEval", "y", y, n*c*hw)
	jb := newElt(func(j *eltJob, lo, hi int) {
		c, hw, eps := j.n[1], j.n[2], j.x0
		x, gamma, beta, runMean, runVar, y := j.a, j.b, j.c, j.d, j.e, j.f

		for pl := lo; pl < hi; pl++ {
			ch := pl % c
			is := 1 / math.Sqrt(float64(runVar[ch])+float64(eps))
			scale := float32(float64(gamma[ch]) * is)
			shift := float32(float64(beta[ch]) - float64(runMean[ch])*float64(gamma[ch])*is)
			xs, ys := x[pl*hw:(pl+1)*hw], y[pl*hw:(pl+1)*hw]
			for j, v := range xs {
				ys[j] = v*scale + shift
			}
		}
	})
	jb.n = [6]int{n, c, hw}
	jb.x0 = eps
	jb.a, jb.b, jb.c, jb.d, jb.e, jb.f = x, gamma, beta, runMean, runVar, y
	jb.parallel(n*c, 1+16384/hw)
}

// BatchNormBackward computes, from the training forward's mean and invstd,
// dx = gamma*invstd/m * (m*dy - Σdy - xhat*Σ(dy*xhat)) with xhat =
// (x-mean)*invstd and m = n*hw (dx overwritten), and accumulates dbeta +=
// Σdy and dgamma += Σ(dy*xhat) per channel. dx may alias dy.
func BatchNormBackward(n, c, hw int, x, dy, gamma, mean, invstd, dx, dgamma, dbeta []float32) {
	bnCheck("BatchNormBackward", n, c, hw, x, gamma, mean, invstd, dgamma, dbeta)
	checkLen("BatchNormBackward", "dy", dy, n*c*hw)
	checkLen("BatchNormBackward", "dx", dx, n*c*hw)
	if n == 0 {
		return
	}
	jb := newElt(func(j *eltJob, lo, hi int) {
		n, c, hw := j.n[0], j.n[1], j.n[2]
		x, dy, gamma, mean, invstd, dx, dgamma := j.a, j.b, j.c, j.d, j.e, j.f, j.g
		dbeta := j.h
		m := float64(n * hw)
		for ch := lo; ch < hi; ch++ {
			mu, is := float64(mean[ch]), float64(invstd[ch])
			var sdy, sdyx float64
			for i := 0; i < n; i++ {
				a, b := bnDot(dy[(i*c+ch)*hw:(i*c+ch+1)*hw], x[(i*c+ch)*hw:(i*c+ch+1)*hw], float32(mu))
				sdy += a
				sdyx += b
			}
			sdyx *= is // Σ dy*xhat
			dbeta[ch] += float32(sdy)
			dgamma[ch] += float32(sdyx)
			// dx = a*dy + b*x + d, expanded from the formula above.
			k := float64(gamma[ch]) * is / m
			a := float32(k * m)
			b := float32(-k * sdyx * is)
			d := float32(k * (-sdy + sdyx*is*mu))
			for i := 0; i < n; i++ {
				xs := x[(i*c+ch)*hw : (i*c+ch+1)*hw]
				gs, ds := dy[(i*c+ch)*hw:(i*c+ch+1)*hw], dx[(i*c+ch)*hw:(i*c+ch+1)*hw]
				for j, v := range xs {
					ds[j] = a*gs[j] + b*v + d
				}
			}
		}
	})
	jb.n = [6]int{n, c, hw}
	jb.a, jb.b, jb.c, jb.d, jb.e, jb.f, jb.g, jb.h = x, dy, gamma, mean, invstd, dx, dgamma, dbeta
	jb.parallel(c, 1+16384/(n*hw))
}

// bnSum returns Σ x in 8 float32 chains added up in float64.
func bnSum(x []float32) float64 {
	var a0, a1, a2, a3, a4, a5, a6, a7 float32
	i := 0
	for ; i+8 <= len(x); i += 8 {
		v := (*[8]float32)(x[i:])
		a0, a1, a2, a3 = a0+v[0], a1+v[1], a2+v[2], a3+v[3]
		a4, a5, a6, a7 = a4+v[4], a5+v[5], a6+v[6], a7+v[7]
	}
	t := float64(a0) + float64(a1) + float64(a2) + float64(a3) +
		float64(a4) + float64(a5) + float64(a6) + float64(a7)
	for _, v := range x[i:] {
		t += float64(v)
	}
	return t
}

// bnSqDev returns Σ (x-mu)² in 8 float32 chains added up in float64.
func bnSqDev(x []float32, mu float32) float64 {
	var a0, a1, a2, a3, a4, a5, a6, a7 float32
	i := 0
	for ; i+8 <= len(x); i += 8 {
		v := (*[8]float32)(x[i:])
		d0, d1, d2, d3 := v[0]-mu, v[1]-mu, v[2]-mu, v[3]-mu
		d4, d5, d6, d7 := v[4]-mu, v[5]-mu, v[6]-mu, v[7]-mu
		a0, a1, a2, a3 = a0+d0*d0, a1+d1*d1, a2+d2*d2, a3+d3*d3
		a4, a5, a6, a7 = a4+d4*d4, a5+d5*d5, a6+d6*d6, a7+d7*d7
	}
	t := float64(a0) + float64(a1) + float64(a2) + float64(a3) +
		float64(a4) + float64(a5) + float64(a6) + float64(a7)
	for _, v := range x[i:] {
		d := float64(v - mu)
		t += d * d
	}
	return t
}

// bnDot returns Σ dy and Σ dy*(x-mu) in 4 float32 chains each, added up in
// float64.
func bnDot(dy, x []float32, mu float32) (sdy, sdyx float64) {
	var a0, a1, a2, a3, b0, b1, b2, b3 float32
	x = x[:len(dy)]
	i := 0
	for ; i+4 <= len(dy); i += 4 {
		g := (*[4]float32)(dy[i:])
		v := (*[4]float32)(x[i:])
		a0, a1, a2, a3 = a0+g[0], a1+g[1], a2+g[2], a3+g[3]
		b0, b1 = b0+g[0]*(v[0]-mu), b1+g[1]*(v[1]-mu)
		b2, b3 = b2+g[2]*(v[2]-mu), b3+g[3]*(v[3]-mu)
	}
	sdy = float64(a0) + float64(a1) + float64(a2) + float64(a3)
	sdyx = float64(b0) + float64(b1) + float64(b2) + float64(b3)
	for j := i; j < len(dy); j++ {
		sdy += float64(dy[j])
		sdyx += float64(dy[j]) * float64(x[j]-mu)
	}
	return sdy, sdyx
}
