// This file measures end-to-end VGG throughput: images per second of a full
// training step (forward, loss, backward, Adam update) or of inference, the
// nominal GFLOP/s that implies, and the process's peak resident memory —
// the figures bench_vgg224.py and bench_cifar_vgg.py give for PyTorch.

package bench

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gocnn/gocnn/kernels"
	"github.com/gocnn/gocnn/nn"
	"github.com/gocnn/gocnn/optim"
	"github.com/gocnn/gocnn/tensor"
	"github.com/gocnn/gocnn/vgg16"
)

// TrainConfig configures RunTrain. Zero values take the defaults noted.
type TrainConfig struct {
	Arch     string // vgg11..vgg19 with optional _bn; default vgg16 (vgg16_bn for the compact head)
	Size     int    // input side; default 224
	Batch    int    // default 8
	Channels int    // input channels; default 3
	// Outputs is the number of logits: 1 trains with BCEWithLogits (as
	// bench_vgg224.py), more with cross-entropy (as bench_cifar_vgg.py).
	// Default 1.
	Outputs int
	Head    string // torchvision or compact; default compact below 64 px
	Pass    string // "train" (default) or "fwd" (inference, eval mode)
	// CacheWeights keeps the convolution weights packed across inference
	// steps (nn.CacheWeights; Pass "fwd" only).
	CacheWeights bool
	Algo         string // convolution algorithm; default auto
	Threads      int    // kernel workers; 0: GOMAXPROCS
	Warmup       int    // untimed steps; default 2
	Reps         int    // timed steps; default 5
	Seed         uint64
}

// TrainResult is one RunTrain measurement.
type TrainResult struct {
	Arch     string `json:"arch"`
	Head     string `json:"head"`
	Pass     string `json:"pass"`
	Size     int    `json:"size"`
	Batch    int    `json:"batch"`
	Channels int    `json:"channels"`
	Outputs  int    `json:"outputs"`
	Threads  int    `json:"threads"`
	Params   int    `json:"params"`
	// CacheWeights reports TrainConfig.CacheWeights.
	CacheWeights bool `json:"cache_weights,omitempty"`
	// Step times in seconds over the timed steps.
	MedianS float64 `json:"median_s"`
	MinS    float64 `json:"min_s"`
	MaxS    float64 `json:"max_s"`
	// ImagesPerSec is Batch / MedianS.
	ImagesPerSec float64 `json:"img_per_s"`
	// GFLOP is the nominal work of one step: 2·MACs of every conv and
	// linear layer forward, plus twice that backward (data and weight
	// gradients; the first conv computes no data gradient). Pooling, BN,
	// ReLU, the loss and Adam are not counted.
	GFLOP  float64 `json:"gflop_per_step"`
	GFLOPS float64 `json:"gflops"`
	// MaxRSSMiB is the process's peak resident set (getrusage ru_maxrss),
	// RSSAfterBuildMiB the peak before the first step.
	MaxRSSMiB        float64 `json:"maxrss_mib"`
	RSSAfterBuildMiB float64 `json:"rss_after_build_mib"`
	// OthersCPU is the largest fraction of the machine's CPU time that other
	// processes used during a timed step (from /proc/stat; -1 where it
	// cannot be read): above ~0.1 the figures are contended.
	OthersCPU float64 `json:"others_cpu_max"`
	// AllocsPerStep and BytesPerStep are Go heap allocations per timed step.
	AllocsPerStep float64 `json:"allocs_per_step"`
	BytesPerStep  float64 `json:"bytes_per_step"`
}

func (r TrainResult) String() string {
	pass := r.Pass
	if r.CacheWeights {
		pass += " (weights cached)"
	}
	return fmt.Sprintf("%s %s %dx%dx%d batch %d %s: %.3f s/step (min %.3f, max %.3f), %.2f img/s, %.1f GFLOP/s (%.1f GFLOP/step), max RSS %.0f MiB (%.0f after build), %.0f allocs/step (%.1f MiB), others' CPU up to %.2f",
		r.Arch, r.Head, r.Channels, r.Size, r.Size, r.Batch, pass, r.MedianS, r.MinS, r.MaxS, r.ImagesPerSec,
		r.GFLOPS, r.GFLOP, r.MaxRSSMiB, r.RSSAfterBuildMiB, r.AllocsPerStep, r.BytesPerStep/(1<<20), r.OthersCPU)
}

// MaxRSSMiB returns this process's peak resident set size in MiB, from
// getrusage(RUSAGE_SELF) (no cgo needed); 0 where it is unavailable.
func MaxRSSMiB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024 // Linux reports KiB
}

func (c *TrainConfig) defaults() error {
	if c.Size == 0 {
		c.Size = 224
	}
	if c.Head == "" {
		c.Head = vgg16.HeadTorchvision
		if c.Size < 64 {
			c.Head = vgg16.HeadCompact
		}
	}
	if c.Arch == "" {
		c.Arch = "vgg16"
		if c.Head == vgg16.HeadCompact {
			c.Arch = "vgg16_bn"
		}
	}
	if c.Batch == 0 {
		c.Batch = 8
	}
	if c.Channels == 0 {
		c.Channels = 3
	}
	if c.Outputs == 0 {
		c.Outputs = 1
	}
	if c.Pass == "" {
		c.Pass = "train"
	}
	if c.Warmup == 0 {
		c.Warmup = 2
	}
	if c.Reps == 0 {
		c.Reps = 5
	}
	switch {
	case c.Batch < 1 || c.Reps < 1 || c.Warmup < 0:
		return fmt.Errorf("bench train: batch %d, reps %d, warmup %d", c.Batch, c.Reps, c.Warmup)
	case c.Pass != "train" && c.Pass != "fwd":
		return fmt.Errorf("bench train: pass %q (want train or fwd)", c.Pass)
	}
	return nil
}

// RunTrain builds the model, runs Warmup untimed and Reps timed steps on a
// fixed random batch, and reports the median.
func RunTrain(cfg TrainConfig) (TrainResult, error) {
	if err := cfg.defaults(); err != nil {
		return TrainResult{}, err
	}
	if cfg.Threads > 0 {
		defer kernels.SetThreads(kernels.SetThreads(cfg.Threads))
	}
	spec := vgg16.Spec{Arch: cfg.Arch, InChannels: cfg.Channels, Size: cfg.Size, Outputs: cfg.Outputs, Head: cfg.Head, Algo: cfg.Algo}
	m, err := vgg16.New(spec, cfg.Seed)
	if err != nil {
		return TrainResult{}, fmt.Errorf("bench train: %w", err)
	}
	g := tensor.NewRNG(cfg.Seed + 1)
	x := tensor.RandN(g, 1, cfg.Batch, cfg.Channels, cfg.Size, cfg.Size)
	var step func()
	if cfg.Pass == "fwd" {
		m.SetTrain(false)
		nn.CacheWeights(m.Net, cfg.CacheWeights)
		step = func() { m.Forward(x) }
	} else {
		m.SetTrain(true)
		opt := optim.NewAdam(optim.ParamsOf(m.Params(), 1e-4, 0), optim.AdamConfig{})
		if cfg.Outputs == 1 {
			loss := nn.NewBCEWithLogits(nn.ReduceMean)
			y := tensor.Zeros(cfg.Batch, 1)
			for i := range y.Data() {
				y.Data()[i] = float32(g.IntN(2))
			}
			step = func() {
				opt.ZeroGrad()
				loss.Forward(m.Forward(x), y)
				m.Backward(loss.Backward(nil))
				opt.Step()
			}
		} else {
			loss := nn.NewCrossEntropy(nn.ReduceMean)
			y := make([]int, cfg.Batch)
			for i := range y {
				y[i] = g.IntN(cfg.Outputs)
			}
			step = func() {
				opt.ZeroGrad()
				loss.Forward(m.Forward(x), y)
				m.Backward(loss.Backward(nil))
				opt.Step()
			}
		}
	}
	res := TrainResult{Arch: cfg.Arch, Head: cfg.Head, Pass: cfg.Pass, Size: cfg.Size, Batch: cfg.Batch,
		CacheWeights: cfg.CacheWeights && cfg.Pass == "fwd",
		Channels:     cfg.Channels, Outputs: cfg.Outputs, Threads: kernels.Threads(), Params: m.NumParams(),
		RSSAfterBuildMiB: MaxRSSMiB()}
	res.GFLOP = StepFLOPs(m, cfg.Batch, cfg.Pass == "train") / 1e9
	for range cfg.Warmup {
		step()
	}
	var before, after runtime.MemStats
	var mallocs, bytes uint64
	ts := make([]float64, cfg.Reps)
	for i := range ts {
		b0, o0 := machineBusy(), ownCPU()
		runtime.ReadMemStats(&before)
		t0 := time.Now()
		step()
		ts[i] = time.Since(t0).Seconds()
		runtime.ReadMemStats(&after)
		mallocs += after.Mallocs - before.Mallocs
		bytes += after.TotalAlloc - before.TotalAlloc
		if b0 < 0 {
			res.OthersCPU = -1
			continue
		}
		others := max(0, (machineBusy()-b0)-(ownCPU()-o0)) / (ts[i] * float64(runtime.NumCPU()))
		res.OthersCPU = max(res.OthersCPU, others)
	}
	res.AllocsPerStep = float64(mallocs) / float64(cfg.Reps)
	res.BytesPerStep = float64(bytes) / float64(cfg.Reps)
	slices.Sort(ts)
	res.MinS, res.MaxS = ts[0], ts[len(ts)-1]
	res.MedianS = ts[len(ts)/2]
	if len(ts)%2 == 0 {
		res.MedianS = (ts[len(ts)/2-1] + ts[len(ts)/2]) / 2
	}
	res.ImagesPerSec = float64(cfg.Batch) / res.MedianS
	res.GFLOPS = res.GFLOP / res.MedianS
	res.MaxRSSMiB = MaxRSSMiB()
	return res, nil
}

// StepFLOPs returns the nominal floating-point operations of one forward
// (train false) or training step (train true) of m on a batch of n: 2·MACs
// of the conv and linear layers forward, and twice that backward except the
// first conv's data gradient.
func StepFLOPs(m *vgg16.Model, n int, train bool) float64 {
	var fwd, first float64
	h := m.Spec.Size
	for i := 0; i < m.Features.Len(); i++ {
		switch l := m.Features.At(i).(type) {
		case *nn.Conv2d:
			f := 2 * float64(n) * float64(l.In) * float64(l.Out) * float64(l.KH*l.KW) * float64(h*h)
			if fwd == 0 {
				first = f
			}
			fwd += f
		case *nn.MaxPool2d:
			h /= 2
		}
	}
	for _, p := range m.Classifier.Params() {
		if s := p.Value.Shape(); len(s) == 2 {
			fwd += 2 * float64(n) * float64(s[0]) * float64(s[1])
		}
	}
	if !train {
		return fwd
	}
	return 3*fwd - first
}

// machineBusy returns the CPU seconds all processes have used, from
// /proc/stat's first line (user..steal minus idle and iowait, in USER_HZ
// ticks of 1/100 s), or -1 where /proc/stat cannot be read. The same
// accounting as the PyTorch harness (reference/common.py).
func machineBusy() float64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return -1
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return -1
	}
	var sum, idle float64
	for i := 1; i <= 8; i++ {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return -1
		}
		sum += v
		if i == 4 || i == 5 {
			idle += v
		}
	}
	return (sum - idle) / 100
}

// ownCPU returns this process's user and system CPU seconds.
func ownCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
