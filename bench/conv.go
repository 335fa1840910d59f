// This file holds the convolution runner behind `gocnn bench conv`: VGG16's
// thirteen 3x3 layers (or one given shape), forward and/or backward, each
// timed as the median of several runs after warm-up and reported in effective
// GFLOP/s, 2*N*C*K*R*S*OH*OW / time whatever the algorithm (backward counts
// twice that: data and weights).

package bench

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/gocnn/gocnn/kernels"
)

// ConvLayer is one named convolution shape.
type ConvLayer struct {
	Name string
	P    kernels.ConvParams
}

// VGG16ConvLayers returns VGG16's 13 convolutions (3x3, stride 1, pad 1) at
// 224x224 for batch n, named convNN Cin->Cout@HxW.
func VGG16ConvLayers(n int) []ConvLayer {
	spec := [][3]int{{3, 64, 224}, {64, 64, 224}, {64, 128, 112}, {128, 128, 112}, {128, 256, 56},
		{256, 256, 56}, {256, 256, 56}, {256, 512, 28}, {512, 512, 28}, {512, 512, 28},
		{512, 512, 14}, {512, 512, 14}, {512, 512, 14}}
	out := make([]ConvLayer, len(spec))
	for i, s := range spec {
		out[i] = ConvLayer{
			Name: fmt.Sprintf("conv%02d %d->%d@%dx%d", i+1, s[0], s[1], s[2], s[2]),
			P: kernels.ConvParams{N: n, C: s[0], H: s[2], W: s[2], K: s[1], R: 3, S: 3,
				StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilH: 1, DilW: 1},
		}
	}
	return out
}

// ConvConfig is one `gocnn bench conv` run.
type ConvConfig struct {
	Layers  []ConvLayer
	Algo    kernels.Algo
	Pass    string // "fwd", "bwd" or "all"
	Threads int    // 0 keeps kernels.Threads()
	// Reps is the number of timed runs per layer and pass (default 5), after
	// Warmup untimed ones (default 1).
	Reps, Warmup int
	// PeakGFLOPS is the FMA peak for Threads cores, for the percent column;
	// 0 measures it (kernels.FMAPeak), negative leaves the column out.
	PeakGFLOPS float64
	// CPUTime times runs in process CPU seconds instead of wall seconds (unix
	// only): GFLOP per CPU-second, a per-core efficiency that other processes
	// on a shared machine disturb far less than the wall clock. Compare it
	// only with CPU-time figures (and, above one thread, note that idle
	// workers cost nothing here).
	CPUTime bool
	// Packed runs the forward pass on weights packed once before the timed
	// runs (kernels.Conv.PackWeights): what inference with fixed weights
	// costs, and what oneDNN's benchmark harness times (its primitive's
	// weights are reordered once). Without it every forward call transforms
	// the weights, as a training step must.
	Packed bool
}

// ConvResult is one row: a layer and pass, or the "total" row of a pass.
type ConvResult struct {
	Layer   string  `json:"layer"`
	Shape   string  `json:"shape,omitempty"`
	Pass    string  `json:"pass"`
	Algo    string  `json:"algo"`
	Batch   int     `json:"batch"`
	Threads int     `json:"threads"`
	Clock   string  `json:"clock"` // "wall" or "cpu"
	MS      float64 `json:"ms"`
	GFLOPS  float64 `json:"gflops"`
	PctPeak float64 `json:"pct_peak,omitempty"`
	ISA     string  `json:"isa"`
	Packed  bool    `json:"packed,omitempty"` // forward on weights packed once (ConvConfig.Packed)
}

// String formats r for a terminal.
func (r ConvResult) String() string {
	unit := "GFLOP/s"
	if r.Clock == "cpu" {
		unit = "GFLOP/cpu-s"
	}
	algo := r.Algo
	if r.Packed {
		algo += "+packed"
	}
	s := fmt.Sprintf("%-22s %-3s %-8s batch=%d threads=%d %9.2f ms %7.1f %s", r.Layer, r.Pass, algo, r.Batch, r.Threads, r.MS, r.GFLOPS, unit)
	if r.PctPeak > 0 {
		s += fmt.Sprintf(" %5.1f%% of peak", r.PctPeak)
	}
	return s
}

// RunConv runs cfg, calling emit for each row as soon as it is measured
// (layers in order, then one "total" row per pass), and returns the rows. It
// sets the kernels' worker count for the run and restores it.
func RunConv(cfg ConvConfig, emit func(ConvResult)) ([]ConvResult, error) {
	if len(cfg.Layers) == 0 {
		return nil, fmt.Errorf("bench conv: no layers")
	}
	passes := map[string][]string{"fwd": {"fwd"}, "bwd": {"bwd"}, "all": {"fwd", "bwd"}}[cfg.Pass]
	if passes == nil {
		return nil, fmt.Errorf("bench conv: pass %q: want fwd, bwd or all", cfg.Pass)
	}
	if cfg.Threads < 0 {
		return nil, fmt.Errorf("bench conv: threads must be >= 0, got %d", cfg.Threads)
	}
	if cfg.Threads > 0 {
		defer kernels.SetThreads(kernels.SetThreads(cfg.Threads))
	}
	reps, warm := max(cfg.Reps, 1), max(cfg.Warmup, 0)
	if cfg.Reps == 0 {
		reps = 5
	}
	if cfg.Warmup == 0 {
		warm = 1
	}
	threads := kernels.Threads()
	clock := "wall"
	if cfg.CPUTime {
		clock = "cpu"
	}
	peak := cfg.PeakGFLOPS
	if peak == 0 {
		peak = kernels.FMAPeak(threads, 5)
	}
	if cfg.CPUTime {
		peak /= float64(threads) // GFLOP per CPU-second compares with one core's peak
	}
	var rows []ConvResult
	type tot struct{ flops, sec float64 }
	totals := map[string]*tot{}
	rng := rand.New(rand.NewPCG(1, 2))
	batch := 0
	for _, l := range cfg.Layers {
		p := l.P
		if p.N < 1 {
			return nil, fmt.Errorf("bench conv: %s: batch must be >= 1", l.Name)
		}
		batch = p.N
		c := newConvChecked(p, cfg.Algo)
		if c == nil {
			return nil, fmt.Errorf("bench conv: %s: invalid shape %v", l.Name, p)
		}
		oh, ow := p.OutH(), p.OutW()
		x := convRandSlice(rng, p.N*p.C*p.H*p.W, 1)
		w := convRandSlice(rng, p.K*p.C*p.R*p.S, 0.05)
		b := convRandSlice(rng, p.K, 1)
		y := make([]float32, p.N*p.K*oh*ow)
		for _, pass := range passes {
			var run func()
			flops := p.FLOPs()
			switch pass {
			case "fwd":
				run = func() { c.Forward(x, w, b, y, false) }
				if cfg.Packed {
					pw := c.PackWeights(w, nil)
					run = func() { c.ForwardPacked(x, pw, b, y, false) }
				}
			case "bwd":
				dx := make([]float32, len(x))
				dw := make([]float32, len(w))
				db := make([]float32, p.K)
				run = func() { c.BackwardData(y, w, dx); c.BackwardWeights(x, y, dw, db) }
				flops *= 2
			}
			for range warm {
				run()
			}
			ts := make([]float64, reps)
			for i := range ts {
				if cfg.CPUTime {
					t0 := cpuSeconds()
					run()
					ts[i] = cpuSeconds() - t0
					continue
				}
				t0 := time.Now()
				run()
				ts[i] = time.Since(t0).Seconds()
			}
			slices.Sort(ts)
			med := ts[len(ts)/2]
			r := ConvResult{Layer: l.Name, Shape: p.String(), Pass: pass, Algo: c.Algo().String(), Batch: p.N,
				Threads: threads, Clock: clock, MS: med * 1e3, GFLOPS: flops / med / 1e9, ISA: kernels.Active().String(),
				Packed: cfg.Packed && pass == "fwd"}
			if peak > 0 {
				r.PctPeak = 100 * r.GFLOPS / peak
			}
			rows = append(rows, r)
			if emit != nil {
				emit(r)
			}
			if totals[pass] == nil {
				totals[pass] = &tot{}
			}
			totals[pass].flops += flops
			totals[pass].sec += med
		}
	}
	if len(cfg.Layers) > 1 {
		for _, pass := range passes {
			t := totals[pass]
			r := ConvResult{Layer: "total", Pass: pass, Algo: cfg.Algo.String(), Batch: batch, Threads: threads,
				Clock: clock, MS: t.sec * 1e3, GFLOPS: t.flops / t.sec / 1e9, ISA: kernels.Active().String(),
				Packed: cfg.Packed && pass == "fwd"}
			if peak > 0 {
				r.PctPeak = 100 * r.GFLOPS / peak
			}
			rows = append(rows, r)
			if emit != nil {
				emit(r)
			}
		}
	}
	return rows, nil
}

// newConvChecked returns kernels.NewConv(p, a), or nil if p is invalid.
func newConvChecked(p kernels.ConvParams, a kernels.Algo) (c *kernels.Conv) {
	defer func() {
		if recover() != nil {
			c = nil
		}
	}()
	return kernels.NewConv(p, a)
}

func convRandSlice(rng *rand.Rand, n int, scale float32) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = (rng.Float32()*2 - 1) * scale
	}
	return s
}
