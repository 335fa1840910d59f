// This file holds 2-D batch normalisation over NCHW data (statistics per
// channel over N and H×W): training forward with batch statistics, eval
// forward with running statistics, and the backward. Running-statistic
// updates (momentum, unbiased variance) are the nn layer's job. Channels are
// shared out among workers; sums run in float64 in a fixed order.

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
				for _, v := range x[(i*c+ch)*hw : (i*c+ch+1)*hw] {
					s += float64(v)
				}
			}
			mu := s / m
			var ss float64
			for i := 0; i < n; i++ {
				for _, v := range x[(i*c+ch)*hw : (i*c+ch+1)*hw] {
					d := float64(v) - mu
					ss += d * d
				}
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
				xs, gs := x[(i*c+ch)*hw:(i*c+ch+1)*hw], dy[(i*c+ch)*hw:(i*c+ch+1)*hw]
				for j, v := range xs {
					g := float64(gs[j])
					sdy += g
					sdyx += g * (float64(v) - mu)
				}
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
