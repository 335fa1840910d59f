// Tests of pooling, ReLU, batch norm and dropout against the plain
// references in internal/ref, plus finite-difference gradient checks.

package kernels

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gocnn/gocnn/kernels/internal/ref"
)

func TestMaxPool2d(t *testing.T) {
	forEachISA(t, testMaxPool2d)
}

func testMaxPool2d(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range [][6]int{{1, 1, 2, 2, 2, 2}, {2, 3, 7, 9, 2, 2}, {1, 5, 8, 8, 3, 2}, {3, 2, 5, 6, 2, 1},
		{1, 1, 1, 1, 1, 1}, {2, 3, 36, 37, 2, 2}, {1, 2, 16, 16, 2, 2}} {
		n, c, h, w, k, st := s[0], s[1], s[2], s[3], s[4], s[5]
		x := convRand(rng, n*c*h*w, 1)
		for i := 0; i < len(x); i += 13 {
			x[i] = x[(i+1)%len(x)] // ties: the first maximum must win
		}
		if len(x) > 40 {
			x[37] = float32(math.NaN()) // the first NaN must win
			x[38] = float32(math.NaN())
		}
		wantY, wantA := ref.MaxPool2d(n, c, h, w, k, st, x)
		y := make([]float32, len(wantY))
		am := make([]int32, len(wantA))
		MaxPool2dForward(n, c, h, w, k, st, x, y, am)
		for i := range y {
			if (y[i] != wantY[i] && !(y[i] != y[i] && wantY[i] != wantY[i])) || am[i] != wantA[i] {
				t.Fatalf("%v: y[%d] = %g@%d, want %g@%d", s, i, y[i], am[i], wantY[i], wantA[i])
			}
		}
		dy := convRand(rng, len(y), 1)
		dx := convRand(rng, len(x), 1) // garbage: must be overwritten
		MaxPool2dBackward(n, c, h, w, k, st, dy, am, dx)
		want := make([]float64, len(x))
		oh, ow := (h-k)/st+1, (w-k)/st+1
		for i := range dy {
			pl := i / (oh * ow)
			want[pl*h*w+int(am[i])] += float64(dy[i])
		}
		for i := range dx {
			if math.Abs(float64(dx[i])-want[i]) > 1e-6 {
				t.Fatalf("%v: dx[%d] = %g, want %g", s, i, dx[i], want[i])
			}
		}
	}
}

func TestAdaptiveAvgPool2d(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, s := range [][6]int{{1, 2, 14, 14, 7, 7}, {2, 3, 7, 7, 7, 7}, {1, 1, 5, 9, 3, 4}, {2, 2, 1, 1, 7, 7}, {1, 3, 10, 3, 7, 2}} {
		n, c, h, w, oh, ow := s[0], s[1], s[2], s[3], s[4], s[5]
		x := convRand(rng, n*c*h*w, 1)
		want := ref.AdaptiveAvgPool2d(n, c, h, w, oh, ow, x)
		y := make([]float32, len(want))
		AdaptiveAvgPool2dForward(n, c, h, w, oh, ow, x, y)
		for i := range y {
			if math.Abs(float64(y[i])-want[i]) > 1e-6 {
				t.Fatalf("%v: y[%d] = %g, want %g", s, i, y[i], want[i])
			}
		}
		dy := convRand(rng, len(y), 1)
		wantDx := ref.AdaptiveAvgPool2dBackward(n, c, h, w, oh, ow, dy)
		dx := convRand(rng, len(x), 1)
		AdaptiveAvgPool2dBackward(n, c, h, w, oh, ow, dy, dx)
		for i := range dx {
			if math.Abs(float64(dx[i])-wantDx[i]) > 1e-5 {
				t.Fatalf("%v: dx[%d] = %g, want %g", s, i, dx[i], wantDx[i])
			}
		}
	}
}

func TestRelu(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		for _, n := range []int{0, 1, 7, 8, 33, 100003} {
			x := convRand(rng, n, 1)
			if n > 5 {
				x[3] = float32(math.NaN())
				x[4] = 0
			}
			y := make([]float32, n)
			ReluForward(x, y)
			dy := convRand(rng, n, 1)
			dx := make([]float32, n)
			ReluBackward(x, dy, dx)
			for i := range x {
				want := float32(math.Max(float64(x[i]), 0))
				if x[i] != x[i] {
					want = x[i]
				}
				if y[i] != want && !(want != want && y[i] != y[i]) {
					t.Fatalf("n=%d: y[%d] = %g, want %g", n, i, y[i], want)
				}
				wantDx := dy[i]
				if !(x[i] > 0) {
					wantDx = 0
				}
				if dx[i] != wantDx {
					t.Fatalf("n=%d: dx[%d] = %g, want %g", n, i, dx[i], wantDx)
				}
			}
			ReluForward(x, x) // in place
			for i := range x {
				if x[i] != y[i] && !(x[i] != x[i] && y[i] != y[i]) {
					t.Fatalf("in place: x[%d] = %g, want %g", i, x[i], y[i])
				}
			}
			ReluBackward(y, dy, dy) // in place
			for i := range dy {
				if dy[i] != dx[i] {
					t.Fatalf("in place: dy[%d] = %g, want %g", i, dy[i], dx[i])
				}
			}
		}
	})
}

func TestBatchNorm(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, s := range [][3]int{{1, 1, 1}, {2, 3, 5}, {4, 7, 49}, {3, 2, 1}} {
		n, c, hw := s[0], s[1], s[2]
		x := convRand(rng, n*c*hw, 2)
		for i := range x {
			x[i] += 3 // a mean far from 0
		}
		gamma, beta := convRand(rng, c, 1), convRand(rng, c, 1)
		const eps = 1e-5
		wantY, wantMean, wantInv := ref.BatchNormTrain(n, c, hw, x, gamma, beta, eps)
		y := make([]float32, len(x))
		mean, inv := make([]float32, c), make([]float32, c)
		BatchNormForwardTrain(n, c, hw, x, gamma, beta, y, mean, inv, eps)
		for i := range y {
			if math.Abs(float64(y[i])-wantY[i]) > 1e-4*(1+math.Abs(wantY[i])) {
				t.Fatalf("%v: y[%d] = %g, want %g", s, i, y[i], wantY[i])
			}
		}
		for ch := 0; ch < c; ch++ {
			if math.Abs(float64(mean[ch])-wantMean[ch]) > 1e-5*(1+math.Abs(wantMean[ch])) ||
				math.Abs(float64(inv[ch])-wantInv[ch]) > 1e-4*wantInv[ch] {
				t.Fatalf("%v: channel %d stats %g %g, want %g %g", s, ch, mean[ch], inv[ch], wantMean[ch], wantInv[ch])
			}
		}
		// Eval with the batch stats as running stats gives the train output.
		rv := make([]float32, c)
		for ch := range rv {
			rv[ch] = float32(1/(wantInv[ch]*wantInv[ch]) - eps)
		}
		ye := make([]float32, len(x))
		BatchNormForwardEval(n, c, hw, x, gamma, beta, mean, rv, ye, eps)
		for i := range ye {
			if math.Abs(float64(ye[i])-wantY[i]) > 2e-3*(1+math.Abs(wantY[i])) {
				t.Fatalf("%v: eval y[%d] = %g, want %g", s, i, ye[i], wantY[i])
			}
		}
		dy := convRand(rng, len(x), 1)
		wantDx, wantDg, wantDb := ref.BatchNormBackward(n, c, hw, x, dy, gamma, eps)
		dx := make([]float32, len(x))
		dg, db := []float32{}, []float32{}
		dg, db = append(dg, make([]float32, c)...), append(db, make([]float32, c)...)
		for ch := range dg {
			dg[ch], db[ch] = 1, -1 // accumulate onto
		}
		BatchNormBackward(n, c, hw, x, dy, gamma, mean, inv, dx, dg, db)
		for i := range dx {
			if math.Abs(float64(dx[i])-wantDx[i]) > 2e-3*(1+math.Abs(wantDx[i])) {
				t.Fatalf("%v: dx[%d] = %g, want %g", s, i, dx[i], wantDx[i])
			}
		}
		for ch := 0; ch < c; ch++ {
			if math.Abs(float64(dg[ch])-1-wantDg[ch]) > 1e-4*(1+math.Abs(wantDg[ch])) ||
				math.Abs(float64(db[ch])+1-wantDb[ch]) > 1e-4*(1+math.Abs(wantDb[ch])) {
				t.Fatalf("%v: dgamma/dbeta[%d] = %g %g, want %g %g", s, ch, dg[ch]-1, db[ch]+1, wantDg[ch], wantDb[ch])
			}
		}
	}
}

// TestBatchNormFiniteDifference checks the reference backward itself against
// central differences of the loss L = Σ dy*y, in float64.
func TestBatchNormFiniteDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	n, c, hw := 2, 3, 4
	x := convRand(rng, n*c*hw, 1)
	gamma, beta := convRand(rng, c, 1), convRand(rng, c, 1)
	dy := convRand(rng, len(x), 1)
	const eps = 1e-5
	loss := func(xx []float32) float64 {
		y, _, _ := ref.BatchNormTrain(n, c, hw, xx, gamma, beta, eps)
		var s float64
		for i := range y {
			s += y[i] * float64(dy[i])
		}
		return s
	}
	mean, inv := make([]float32, c), make([]float32, c)
	y := make([]float32, len(x))
	BatchNormForwardTrain(n, c, hw, x, gamma, beta, y, mean, inv, eps)
	dx := make([]float32, len(x))
	BatchNormBackward(n, c, hw, x, dy, gamma, mean, inv, dx, make([]float32, c), make([]float32, c))
	for i := range x {
		const h = 1e-2
		xp, xm := append([]float32(nil), x...), append([]float32(nil), x...)
		xp[i] += h
		xm[i] -= h
		fd := (loss(xp) - loss(xm)) / (2 * h)
		if math.Abs(fd-float64(dx[i])) > 2e-3*(1+math.Abs(fd)) {
			t.Fatalf("dx[%d] = %g, finite difference %g", i, dx[i], fd)
		}
	}
}

func TestDropout(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const n = 200000
	x := convRand(rng, n, 1)
	for _, p := range []float32{0, 0.1, 0.5, 0.9} {
		y := make([]float32, n)
		mask := make([]uint8, n)
		DropoutForward(x, y, mask, p, 42)
		kept := 0
		for i := range x {
			if mask[i] != 0 {
				kept++
				if y[i] != x[i]*(1/(1-p)) {
					t.Fatalf("p=%g: y[%d] = %g, want %g", p, i, y[i], x[i]/(1-p))
				}
			} else if y[i] != 0 {
				t.Fatalf("p=%g: dropped y[%d] = %g", p, i, y[i])
			}
		}
		if frac := float64(kept) / n; math.Abs(frac-(1-float64(p))) > 0.01 {
			t.Errorf("p=%g: kept fraction %.4f", p, frac)
		}
		// Same seed, different worker count: same mask.
		prev := SetThreads(1)
		y1, m1 := make([]float32, n), make([]uint8, n)
		DropoutForward(x, y1, m1, p, 42)
		SetThreads(prev)
		for i := range m1 {
			if m1[i] != mask[i] || y1[i] != y[i] {
				t.Fatalf("p=%g: worker count changed element %d", p, i)
			}
		}
		dx := make([]float32, n)
		DropoutBackward(x, mask, p, dx)
		for i := range dx {
			if dx[i] != y[i] {
				t.Fatalf("p=%g: dx[%d] = %g, want %g", p, i, dx[i], y[i])
			}
		}
	}
}

// TestEltwiseAllocs checks that pooling, ReLU, batch norm, dropout and the
// direct convolution allocate nothing per call (a training step must not).
func TestEltwiseAllocs(t *testing.T) {
	const n, c, h, w = 2, 64, 32, 32 // large enough for several workers
	x := make([]float32, n*c*h*w)
	y := make([]float32, len(x))
	dx := make([]float32, len(x))
	am := make([]int32, len(x))
	mask := make([]uint8, len(x))
	per := make([]float32, c)
	p := ConvParams{N: 1, C: 2, H: 5, W: 5, K: 4, R: 3, S: 3, PadH: 1, PadW: 1}
	cv := NewConv(p, AlgoDirect)
	cw := make([]float32, p.K*p.C*9)
	cy := make([]float32, p.N*p.K*25)
	cx := make([]float32, p.N*p.C*25)
	step := func() {
		MaxPool2dForward(n, c, h, w, 2, 2, x, y, am)
		MaxPool2dBackward(n, c, h, w, 2, 2, y, am, dx)
		AdaptiveAvgPool2dForward(n, c, h, w, 3, 3, x, y)
		AdaptiveAvgPool2dBackward(n, c, h, w, 3, 3, y, dx)
		ReluForward(x, y)
		ReluBackward(y, x, dx)
		BatchNormForwardTrain(n, c, h*w, x, per, per, y, per, per, 1e-5)
		BatchNormForwardEval(n, c, h*w, x, per, per, per, per, y, 1e-5)
		BatchNormBackward(n, c, h*w, x, y, per, per, per, dx, per, per)
		DropoutForward(x, y, mask, 0.5, 1)
		DropoutBackward(y, mask, 0.5, dx)
		cv.Forward(cx, cw, nil, cy, true)
		cv.BackwardData(cy, cw, cx)
		cv.BackwardWeights(cx, cy, cw, nil)
	}
	step()
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race (sync.Pool drops items)")
	}
	if a := testing.AllocsPerRun(10, step); a != 0 {
		t.Errorf("%v allocations per step, want 0", a)
	}
}
