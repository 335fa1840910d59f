package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/gocnn/gocnn/bench"
	"github.com/gocnn/gocnn/kernels"
)

func init() {
	register(&command{name: "bench", short: "measure throughput: gemm, conv layers, end-to-end training", run: runBench})
}

// benchSubs are the benchmarks of `gocnn bench <what>`. gemm (bench/gemm.go's
// RunGemm) and train (end-to-end VGG16 images/s) register here when built.
var benchSubs = map[string]func(args []string) int{
	"conv":  runBenchConv,
	"gemm":  runBenchGemm,
	"train": runBenchTrain,
}

func runBench(args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		fmt.Fprint(os.Stderr, `usage: gocnn bench <conv|gemm|train> [flags]

Bench measures kernel throughput on this machine. Run "gocnn bench conv -h"
for the convolution benchmark's flags.
`)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	sub, ok := benchSubs[args[0]]
	if !ok {
		fmt.Fprintf(os.Stderr, "gocnn bench %s: unknown benchmark (want conv, gemm or train)\n", args[0])
		return 2
	}
	return sub(args[1:])
}

func runBenchConv(args []string) int {
	fs := flag.NewFlagSet("bench conv", flag.ContinueOnError)
	netName := fs.String("net", "vgg16", "network whose conv layers to run (vgg16)")
	batch := fs.Int("batch", 1, "batch size N")
	threads := fs.Int("threads", 0, "worker goroutines (0: GOMAXPROCS)")
	algoName := fs.String("algo", "auto", "algorithm: auto, direct, im2col or winograd")
	pass := fs.String("pass", "fwd", "pass: fwd, bwd (data + weights) or all")
	shape := fs.String("shape", "", "one shape N,C,H,W,K,R,S,stride,pad instead of -net")
	reps := fs.Int("reps", 5, "timed runs per layer (median reported)")
	peak := fs.Float64("peak", 0, "FMA peak in GFLOP/s for the percent column (0: measure it now; -1: leave the column out)")
	asJSON := fs.Bool("json", false, "print one JSON object per line")
	cpuClock := fs.Bool("cpu", false, "time in process CPU seconds (GFLOP per CPU-second; steadier on a shared machine)")
	packed := fs.Bool("packed", false, "forward on weights packed once before timing (inference; no per-call Winograd weight transform)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: gocnn bench conv [-net vgg16] [-batch N] [-threads T] [-algo A] [-pass fwd|bwd|all] [-packed] [-shape N,C,H,W,K,R,S,stride,pad] [-json]

Bench conv times each convolution layer (median of -reps runs after a warm-up)
and prints milliseconds and effective GFLOP/s, 2*N*C*K*R*S*OH*OW / time
whatever the algorithm (the backward pass counts twice that), then a total
row per pass. -algo auto times the candidates once per shape and reports the
one it chose. By default each forward call transforms the weights, as a
training step must; -packed packs them once before the timed runs
(kernels.Conv.PackWeights), as inference with fixed weights can and as
oneDNN's benchmark harness times its primitives (weights reordered once).

`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if err := kernels.CheckISA(); err != nil {
		return fail("bench conv", err, "unset GOCNN_ISA or pick one of the available ISAs")
	}
	if err := setModelSpinWait(); err != nil {
		return fail("bench conv", err, "")
	}
	algo, err := kernels.ParseAlgo(*algoName)
	if err != nil {
		return fail("bench conv", err, "")
	}
	var layers []bench.ConvLayer
	switch {
	case *shape != "":
		p, err := parseConvShape(*shape)
		if err != nil {
			return fail("bench conv", err, "give nine integers, e.g. -shape 1,64,56,56,64,3,3,1,1")
		}
		layers = []bench.ConvLayer{{Name: fmt.Sprintf("%d->%d@%dx%d", p.C, p.K, p.H, p.W), P: p}}
	case strings.EqualFold(*netName, "vgg16"):
		if *batch < 1 {
			return fail("bench conv", fmt.Errorf("-batch %d: must be >= 1", *batch), "")
		}
		layers = bench.VGG16ConvLayers(*batch)
	default:
		return fail("bench conv", fmt.Errorf("-net %q: unknown network", *netName), "the only network is vgg16; use -shape for others")
	}
	enc := json.NewEncoder(os.Stdout)
	emit := func(r bench.ConvResult) {
		if *asJSON {
			_ = enc.Encode(r)
			return
		}
		fmt.Println(r)
	}
	if _, err := bench.RunConv(bench.ConvConfig{Layers: layers, Algo: algo, Pass: *pass, Threads: *threads,
		Reps: *reps, PeakGFLOPS: *peak, CPUTime: *cpuClock, Packed: *packed}, emit); err != nil {
		return fail("bench conv", err, "")
	}
	return 0
}

// parseConvShape parses N,C,H,W,K,R,S,stride,pad.
func parseConvShape(s string) (kernels.ConvParams, error) {
	f := strings.Split(s, ",")
	if len(f) != 9 {
		return kernels.ConvParams{}, fmt.Errorf("-shape %q: want 9 comma-separated integers N,C,H,W,K,R,S,stride,pad, got %d", s, len(f))
	}
	v := make([]int, 9)
	for i, t := range f {
		n, err := strconv.Atoi(strings.TrimSpace(t))
		if err != nil {
			return kernels.ConvParams{}, fmt.Errorf("-shape %q: field %d: %w", s, i+1, err)
		}
		v[i] = n
	}
	p := kernels.ConvParams{N: v[0], C: v[1], H: v[2], W: v[3], K: v[4], R: v[5], S: v[6],
		StrideH: v[7], StrideW: v[7], PadH: v[8], PadW: v[8], DilH: 1, DilW: 1}
	if p.N < 1 || p.C < 1 || p.H < 1 || p.W < 1 || p.K < 1 || p.R < 1 || p.S < 1 || p.StrideH < 1 || p.PadH < 0 || p.OutH() < 1 || p.OutW() < 1 {
		return p, fmt.Errorf("-shape %q: not a valid convolution (sizes >= 1, stride >= 1, pad >= 0, output non-empty)", s)
	}
	return p, nil
}

// ---- bench train (end-to-end VGG images/s; the runner is bench/train.go) ----

func runBenchTrain(args []string) int {
	fs := flag.NewFlagSet("bench train", flag.ContinueOnError)
	var c bench.TrainConfig
	fs.StringVar(&c.Arch, "arch", "", "vgg11..vgg19 with optional _bn (default vgg16; vgg16_bn for the compact head)")
	fs.IntVar(&c.Size, "size", 224, "input height and width")
	fs.IntVar(&c.Batch, "batch", 8, "batch size")
	fs.IntVar(&c.Channels, "channels", 3, "input channels")
	fs.IntVar(&c.Outputs, "classes", 1, "logits: 1 trains with BCE, more with cross-entropy")
	fs.StringVar(&c.Head, "head", "", "torchvision or compact (default: compact below 64 px)")
	fs.StringVar(&c.Pass, "pass", "train", "train (forward, loss, backward, Adam) or fwd (inference)")
	fs.BoolVar(&c.CacheWeights, "cache-weights", false, "with -pass fwd: transform the convolution weights once, not every step (as predict -cache-weights)")
	fs.StringVar(&c.Algo, "algo", "auto", "convolution algorithm: auto, direct, im2col or winograd")
	fs.IntVar(&c.Threads, "threads", 0, "worker goroutines (0: GOMAXPROCS)")
	fs.IntVar(&c.Warmup, "warmup", 2, "untimed steps")
	fs.IntVar(&c.Reps, "reps", 5, "timed steps (median reported)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: gocnn bench train [-arch vgg16] [-size 224] [-batch 8] [-pass train|fwd] [-json]

Bench train times full VGG training steps (forward, BCE or cross-entropy
loss, backward, Adam) or inference on a fixed random batch and prints
images/s, nominal GFLOP/s and the peak resident memory, as PyTorch's
bench_vgg224.py and bench_cifar_vgg.py do. -size 32 -batch 64 runs the
CIFAR-style compact head with batch norm (vgg16_bn).

`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if err := kernels.CheckISA(); err != nil {
		return fail("bench train", err, "unset GOCNN_ISA or pick one of the available ISAs")
	}
	if err := setModelSpinWait(); err != nil {
		return fail("bench train", err, "")
	}
	r, err := bench.RunTrain(c)
	if err != nil {
		return fail("bench train", err, "")
	}
	if *asJSON {
		if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
			return fail("bench train", err, "")
		}
		return 0
	}
	fmt.Println(r)
	return 0
}
