package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/gocnn/gocnn/kernels"
	"github.com/gocnn/gocnn/vgg16"
)

func init() {
	register(&command{name: "train", short: "train a VGG with built-in class-imbalance handling", run: runTrain})
}

const trainUsage = `usage: gocnn train -data DIR [-val DIR] [flags]
       gocnn train -demo

Train trains a torchvision-compatible VGG on an image folder (one subfolder
per class) and writes the best and last checkpoints, metrics.jsonl and plots
to -out.

Class imbalance is handled by default (-imbalance auto): from the class counts
the trainer chooses class weights (pos_weight for two classes) or a balanced
sampler, initialises the output bias to the class prior, selects checkpoints
on balanced accuracy and, for two classes, tunes the decision threshold on
validation. Every epoch a collapse detector checks whether the model predicts
one class for nearly everything and says why it might (-on-collapse).

-demo trains on the embedded imbalanced Fashion-MNIST task twice, first with
-imbalance none and then with the defaults, and prints both confusion
matrices.

Flags:
`

func runTrain(args []string) int {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	var c vgg16.Config
	fs.StringVar(&c.Data, "data", "", "training image folder (root/<class>/...)")
	fs.StringVar(&c.Val, "val", "", "validation image folder (default: a stratified split of -data)")
	fs.StringVar(&c.Arch, "arch", "vgg16", "vgg11, vgg13, vgg16 or vgg19, optionally with _bn")
	fs.IntVar(&c.Size, "size", 0, "input size in pixels (default: the images' size, at least 32)")
	fs.StringVar(&c.Head, "head", "auto", "classifier head: auto (compact below 64 px), compact or torchvision")
	fs.IntVar(&c.Epochs, "epochs", 4, "passes over the training set")
	batch := fs.Int("batch", 0, "batch size (default 64 for the compact head, 8 otherwise)")
	fs.Float64Var(&c.LR, "lr", 0, "learning rate (default 1e-4 for adam/adamw, 1e-2 for sgd)")
	fs.StringVar(&c.Optim, "optim", "adam", "optimizer: adam, adamw or sgd")
	fs.StringVar(&c.Imbalance, "imbalance", "auto", "auto, none, weights, focal, oversample or undersample")
	fs.StringVar(&c.OnCollapse, "on-collapse", "warn", "when the model collapses: warn, stop, or fix (apply the next remedy)")
	fs.StringVar(&c.Weights, "weights", "", "pretrained weights to start from (.pth or .safetensors)")
	fs.BoolVar(&c.FreezeFeatures, "freeze-features", false, "train only the classifier head")
	fs.StringVar(&c.Out, "out", "", "output folder (default runs/<date-time>)")
	seed := fs.Uint64("seed", 0, "random seed")
	fs.BoolVar(&c.Resume, "resume", false, "continue from -out/last.safetensors")
	fs.IntVar(&c.Threads, "threads", 0, "kernel worker goroutines (default GOMAXPROCS)")
	fs.IntVar(&c.MaxSteps, "max-steps", 0, "stop after this many optimizer steps (0: no limit)")
	fs.BoolVar(&c.JSON, "json", false, "log JSON lines instead of text")
	findLR := fs.Bool("find-lr", false, "run a learning-rate range test (-max-steps steps, default 100), write lr_find.png and suggest a rate")
	demo := fs.Bool("demo", false, "train on the embedded imbalanced dataset: plain, then with the defaults")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), trainUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "gocnn train: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if err := kernels.CheckISA(); err != nil {
		return fail("train", err, "unset GOCNN_ISA or pick one of the available ISAs (gocnn version lists them)")
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "batch" && *batch == 0 {
			*batch = -1 // an explicit -batch 0 is an error, not "default"
		}
	})
	if *batch == -1 {
		return fail("train", fmt.Errorf("-batch 0: must be at least 1"), "")
	}
	c.Batch = *batch
	c.Seed = *seed
	c.Log = os.Stdout

	// SIGINT/SIGTERM stop training after the current step; the trainer
	// writes a checkpoint before it returns.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *demo {
		if err := vgg16.Demo(ctx, c); err != nil {
			return fail("train", err, "")
		}
		return 0
	}
	if c.Data == "" {
		fs.Usage()
		return 2
	}
	if *findLR {
		if _, err := vgg16.FindLR(ctx, c); err != nil {
			return fail("train", err, "")
		}
		return 0
	}
	if _, err := vgg16.Train(ctx, c); err != nil {
		return fail("train", err, "gocnn doctor -data DIR checks a dataset for problems")
	}
	return 0
}
