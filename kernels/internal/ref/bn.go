// This file holds the batch-normalisation reference in float64: training-mode
// forward with batch statistics, and its backward from the textbook formula.

package ref

import "math"

// BatchNormTrain normalises x [n,c,hw] per channel with the batch mean and
// biased variance: y = gamma*(x-mean)/sqrt(var+eps) + beta. It returns y, mean
// and invstd = 1/sqrt(var+eps).
func BatchNormTrain(n, c, hw int, x, gamma, beta []float32, eps float64) (y, mean, invstd []float64) {
	y = make([]float64, len(x))
	mean = make([]float64, c)
	invstd = make([]float64, c)
	m := float64(n * hw)
	for ch := 0; ch < c; ch++ {
		var s float64
		for i := 0; i < n; i++ {
			for j := 0; j < hw; j++ {
				s += float64(x[(i*c+ch)*hw+j])
			}
		}
		mu := s / m
		var v float64
		for i := 0; i < n; i++ {
			for j := 0; j < hw; j++ {
				d := float64(x[(i*c+ch)*hw+j]) - mu
				v += d * d
			}
		}
		is := 1 / math.Sqrt(v/m+eps)
		mean[ch], invstd[ch] = mu, is
		for i := 0; i < n; i++ {
			for j := 0; j < hw; j++ {
				o := (i*c+ch)*hw + j
				y[o] = float64(gamma[ch])*(float64(x[o])-mu)*is + float64(beta[ch])
			}
		}
	}
	return y, mean, invstd
}

// BatchNormBackward returns dx, dgamma and dbeta for BatchNormTrain:
// dbeta = Σdy, dgamma = Σdy*xhat, dx = gamma*invstd/m * (m*dy - dbeta - xhat*dgamma).
func BatchNormBackward(n, c, hw int, x, dy, gamma []float32, eps float64) (dx, dgamma, dbeta []float64) {
	_, mean, invstd := BatchNormTrain(n, c, hw, x, gamma, gamma, eps)
	dx = make([]float64, len(x))
	dgamma = make([]float64, c)
	dbeta = make([]float64, c)
	m := float64(n * hw)
	for ch := 0; ch < c; ch++ {
		for i := 0; i < n; i++ {
			for j := 0; j < hw; j++ {
				o := (i*c+ch)*hw + j
				xh := (float64(x[o]) - mean[ch]) * invstd[ch]
				dbeta[ch] += float64(dy[o])
				dgamma[ch] += float64(dy[o]) * xh
			}
		}
		for i := 0; i < n; i++ {
			for j := 0; j < hw; j++ {
				o := (i*c+ch)*hw + j
				xh := (float64(x[o]) - mean[ch]) * invstd[ch]
				dx[o] = float64(gamma[ch]) * invstd[ch] / m * (m*float64(dy[o]) - dbeta[ch] - xh*dgamma[ch])
			}
		}
	}
	return dx, dgamma, dbeta
}
