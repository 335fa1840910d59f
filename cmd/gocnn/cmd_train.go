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
	tf := addTrainFlags(fs)
	resume := fs.Bool("resume", false, "continue from -out/last.safetensors")
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
	if err := setModelSpinWait(); err != nil {
		return fail("train", err, "")
	}
	c, err := tf.config(fs)
	if err != nil {
		return fail("train", err, "")
	}
	c.Resume = *resume
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
