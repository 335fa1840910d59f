package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/gocnn/gocnn/kernels"
	"github.com/gocnn/gocnn/vgg16"
)

func init() {
	register(&command{name: "predict", short: "classify images with a gocnn checkpoint or PyTorch VGG weights", run: runPredict})
}

// modelFlags are the flags predict and eval share: which weights, and how
// to override what the file says about classes and preprocessing.
type modelFlags struct {
	weights, arch, labels, mean, std, algo string
	classes, size, resize, pad, batch      int
	noResize, cacheWeights                 bool
	threshold                              float64
}

func addModelFlags(fs *flag.FlagSet) *modelFlags {
	f := &modelFlags{}
	fs.StringVar(&f.weights, "weights", "", "gocnn checkpoint (.safetensors) or PyTorch state dict (.pth, .pt, .safetensors)")
	fs.StringVar(&f.arch, "arch", "", "vgg11, vgg13, vgg16, vgg19 (+_bn); inferred from a plain state dict when empty, checked when given")
	fs.IntVar(&f.classes, "classes", 0, "number of classes (checked against the last layer; 0: from the file)")
	fs.StringVar(&f.labels, "labels", "", "comma-separated class names (default: the checkpoint's, or 0, 1, ...)")
	fs.IntVar(&f.size, "size", 0, "input size (0: the checkpoint's, the compact head's, or 224)")
	fs.IntVar(&f.resize, "resize", 0, "resize the shorter side to this before the center crop (0: the checkpoint's or size*256/224)")
	fs.BoolVar(&f.noResize, "no-resize", false, "do not resize: center-crop (or zero-pad) only")
	fs.IntVar(&f.pad, "pad", -1, "zero border added after the crop (-1: the checkpoint's, or 0)")
	fs.StringVar(&f.mean, "mean", "", "comma-separated per-channel means (default: the checkpoint's, or ImageNet's)")
	fs.StringVar(&f.std, "std", "", "comma-separated per-channel standard deviations (default: the checkpoint's, or ImageNet's)")
	fs.Float64Var(&f.threshold, "threshold", -1, "probability of class 1 above which a single-logit model says 1 (-1: the checkpoint's, or 0.5)")
	fs.StringVar(&f.algo, "algo", "", "convolution algorithm: auto, direct, im2col or winograd")
	fs.IntVar(&f.batch, "batch", 8, "images per forward pass")
	fs.BoolVar(&f.cacheWeights, "cache-weights", false, "transform the convolution weights once, not on every forward pass (faster; 4x the conv weights' memory)")
	return f
}

// options turns the flags into vgg16.OpenOptions.
func (f *modelFlags) options() (vgg16.OpenOptions, error) {
	o := vgg16.DefaultOpenOptions()
	if f.weights == "" {
		return o, errors.New("no -weights FILE given")
	}
	o.Arch, o.Classes, o.Size, o.Threshold, o.Algo, o.Batch = f.arch, f.classes, f.size, f.threshold, f.algo, f.batch
	o.CacheWeights = f.cacheWeights
	if f.batch < 1 {
		return o, fmt.Errorf("-batch %d: must be >= 1", f.batch)
	}
	if f.arch != "" {
		if _, _, err := vgg16.ParseArch(f.arch); err != nil {
			return o, err
		}
	}
	if f.algo != "" {
		if _, err := kernels.ParseAlgo(f.algo); err != nil {
			return o, err
		}
	}
	if f.labels != "" {
		o.Labels = strings.Split(f.labels, ",")
		for i := range o.Labels {
			o.Labels[i] = strings.TrimSpace(o.Labels[i])
		}
	}
	o.Preprocess.Resize, o.Preprocess.NoResize, o.Preprocess.Pad = f.resize, f.noResize, f.pad
	var err error
	if o.Preprocess.Mean, err = floatList("-mean", f.mean); err != nil {
		return o, err
	}
	if o.Preprocess.Std, err = floatList("-std", f.std); err != nil {
		return o, err
	}
	return o, nil
}

func (f *modelFlags) open() (*vgg16.Predictor, error) {
	o, err := f.options()
	if err != nil {
		return nil, err
	}
	return vgg16.Open(f.weights, o)
}

// openHint explains the usual causes of a weights file that does not load.
const openHint = `a gocnn checkpoint needs only -weights; a plain PyTorch or safetensors state dict must be a torchvision VGG (features.N.*, classifier.N.*): check -arch and -classes against the file, or run 'gocnn convert' to inspect it`

func floatList(name, s string) ([]float32, error) {
	if s == "" {
		return nil, nil
	}
	var out []float32
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 32)
		if err != nil {
			return nil, fmt.Errorf("%s %q: %w", name, s, err)
		}
		out = append(out, float32(v))
	}
	return out, nil
}

// parseInterleaved parses flags that may come after positional arguments
// ("gocnn predict a.jpg -json") and returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func runPredict(args []string) int {
	fs := flag.NewFlagSet("predict", flag.ContinueOnError)
	mf := addModelFlags(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per image")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: gocnn predict -weights FILE [-arch vgg16] [-classes N] [-json] IMAGE...

Predict classifies images. A gocnn checkpoint carries the architecture, class
names, preprocessing and decision threshold; a plain PyTorch (.pth, .pt) or
safetensors state dict of a torchvision VGG is read with torchvision's eval
preprocessing (resize the shorter side to size*256/224, center crop, ImageNet
normalisation), its architecture inferred from the file and checked against
-arch and -classes. An image already at the crop size is not resampled.

With -json, one object per image: {"file", "logits", "probs", "class",
"label"}, or {"file", "error"} for an image that could not be read. A
single-logit model gives probs [1-p, p] and class 1 when p >= threshold.

`)
		fs.PrintDefaults()
	}
	files, err := parseInterleaved(fs, args)
	if err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if len(files) == 0 {
		fmt.Fprintln(os.Stderr, "gocnn predict: no images given")
		fs.Usage()
		return 2
	}
	if err := kernels.CheckISA(); err != nil {
		return fail("predict", err, "unset GOCNN_ISA or pick one of the available ISAs")
	}
	if err := setModelSpinWait(); err != nil {
		return fail("predict", err, "")
	}
	p, err := mf.open()
	if err != nil {
		return fail("predict", err, openHint)
	}
	if p.Report != nil && len(p.Report.Defaulted) > 0 {
		fmt.Fprintf(os.Stderr, "gocnn predict: %s\n", p.Report)
	}
	status := 0
	enc := json.NewEncoder(os.Stdout)
	for _, r := range p.PredictFiles(files) {
		if r.Err != nil {
			fmt.Fprintf(os.Stderr, "gocnn predict: %v\n", r.Err)
			status = 1
		}
		if *asJSON {
			if err := enc.Encode(r); err != nil {
				return fail("predict", err, "")
			}
			continue
		}
		if r.Err == nil {
			fmt.Printf("%s\t%s\t(class %d, p=%.4f)\n", r.File, r.Label, r.Class, r.Probs[r.Class])
		}
	}
	return status
}
