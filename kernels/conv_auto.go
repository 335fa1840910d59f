// This file holds AlgoAuto's choice: time the applicable algorithms once per
// shape, worker count and ISA (best of three runs on a batch of up to about
// a GFLOP, in process CPU time where the OS provides it), and remember the
// winner for the process.

package kernels

import (
	"os"
	"sync"
	"time"
)

var wallStart = time.Now()

// wallClock returns seconds since the package started.
func wallClock() float64 { return time.Since(wallStart).Seconds() }

// convAutoMinFLOPs is the direct-convolution size of a call below which
// auto does not time candidates and takes im2col (timing noise would
// dominate). convAutoTimeFLOPs is the size of the batch it times: enough
// images that Winograd's tiles and im2col's grouped small images run as in
// the real call (one 224x224 image already exceeds it).
const (
	convAutoMinFLOPs  = 20e6
	convAutoTimeFLOPs = 1e9
)

type convAutoKey struct {
	p       ConvParams
	threads int
	isa     ISA
}

var convAuto struct {
	sync.Mutex
	choice map[convAutoKey]Algo
}

// autoAlgo returns the algorithm AlgoAuto runs for p. GOCNN_CONV_AUTO=heuristic
// skips the timing: Winograd wherever it applies with C and K >= 16, else
// im2col (reproducible choices, e.g. for bit-exact comparisons across runs).
func autoAlgo(p ConvParams) Algo {
	cands := []Algo{AlgoIm2col}
	if winogradApplies(p) {
		cands = append(cands, AlgoWinograd)
	}
	if blockedApplies(p) || directFastApplies(p) {
		cands = append(cands, AlgoDirect)
	}
	if len(cands) == 1 {
		return AlgoIm2col
	}
	if os.Getenv("GOCNN_CONV_AUTO") == "heuristic" {
		if !winogradApplies(p) {
			return AlgoIm2col
		}
		if p.C >= 16 && p.K >= 16 && p.OutH() >= 4 && p.OutW() >= 4 {
			return AlgoWinograd
		}
		return AlgoIm2col
	}
	if p.FLOPs() < convAutoMinFLOPs {
		return AlgoIm2col
	}
	key := convAutoKey{p, Threads(), Active()}
	convAuto.Lock()
	defer convAuto.Unlock()
	if a, ok := convAuto.choice[key]; ok {
		return a
	}
	// Time a batch of about convAutoTimeFLOPs: small images rank
	// differently one at a time (Winograd at 8x8 has 4 tiles per image,
	// too few to amortise its transforms, but beats im2col 2x at batch 64),
	// while large images need only one, which keeps model construction
	// quick (VGG16 at 224 and batch 8 would otherwise spend seconds here).
	tp := p
	perImage := p.FLOPs() / float64(p.N)
	tp.N = min(p.N, max(1, int(convAutoTimeFLOPs/perImage)))
	x := convFloats(tp.N * p.C * p.H * p.W)
	w := convFloats(p.K * p.C * p.R * p.S)
	y := convFloats(tp.N * p.K * p.OutH() * p.OutW())
	for i := range x {
		x[i] = float32(i%7) - 3
	}
	for i := range w {
		w[i] = float32(i%5-2) * 0.01
	}
	best, bestT := AlgoIm2col, 1e300
	for _, a := range cands {
		c := newConv(tp, a, true)
		c.Forward(x, w, nil, y, false) // warm-up: sizes the scratch
		t := 1e300
		for range 3 {
			t0 := convClock()
			c.Forward(x, w, nil, y, false)
			t = min(t, convClock()-t0)
		}
		if t < bestT {
			best, bestT = a, t
		}
	}
	if convAuto.choice == nil {
		convAuto.choice = map[convAutoKey]Algo{}
	}
	convAuto.choice[key] = best
	return best
}
