package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/gocnn/gocnn/data"
	"github.com/gocnn/gocnn/data/fmnist"
	"github.com/gocnn/gocnn/kernels"
	"github.com/gocnn/gocnn/vgg16"
)

func init() {
	register(&command{name: "eval", short: "evaluate a model on an image folder: accuracy, balanced accuracy, per-class F1, confusion", run: runEval})
}

// embeddedSets are the -data values that name the embedded Fashion-MNIST
// task (28x28 gray, "not Sneaker" vs "Sneaker").
var embeddedSets = map[string]func(*fmnist.Splits) data.Dataset{
	"embedded:fmnist-test": func(s *fmnist.Splits) data.Dataset { return s.Test },
	"embedded:fmnist-val":  func(s *fmnist.Splits) data.Dataset { return s.Val },
}

func runEval(args []string) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	mf := addModelFlags(fs)
	dataDir := fs.String("data", "", "image folder (root/<class>/...) or embedded:fmnist-test / embedded:fmnist-val")
	limit := fs.Int("limit", 0, "evaluate at most this many samples, evenly spread (0: all)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: gocnn eval -weights FILE -data DIR [-json]

Eval runs the model over a labelled image folder (root/<class>/<image>, classes
in sorted folder order, as torchvision's ImageFolder) and prints accuracy,
balanced accuracy, per-class precision/recall/F1 and the confusion matrix
(rows: true class, columns: predicted), plus ROC-AUC and PR-AUC for binary
models. Folder classes are matched to the model's class names when they
agree, by position otherwise. -data embedded:fmnist-test evaluates on the
embedded Fashion-MNIST test split (Sneaker vs rest, 28x28 gray, zero-padded to
the model's size unless the checkpoint says otherwise). Unreadable images are
skipped and listed. With -json one object with at least accuracy,
balanced_accuracy, per_class and confusion.

`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		return fail("eval", fmt.Errorf("unexpected arguments %q", fs.Args()), "give the images with -data DIR")
	}
	if *dataDir == "" {
		return fail("eval", fmt.Errorf("no -data given"), "-data DIR (an image folder) or -data embedded:fmnist-test")
	}
	if err := kernels.CheckISA(); err != nil {
		return fail("eval", err, "unset GOCNN_ISA or pick one of the available ISAs")
	}
	if err := setModelSpinWait(); err != nil {
		return fail("eval", err, "")
	}
	opt, err := mf.options()
	if err != nil {
		return fail("eval", err, openHint)
	}
	var ds data.Dataset
	if pick, ok := embeddedSets[*dataDir]; ok {
		sp, err := fmnist.Default()
		if err != nil {
			return fail("eval", err, "")
		}
		ds = pick(sp)
	} else if strings.HasPrefix(*dataDir, "embedded:") {
		return fail("eval", fmt.Errorf("-data %s: unknown embedded set", *dataDir), "embedded:fmnist-test or embedded:fmnist-val")
	} else {
		f, err := data.ImageFolder(*dataDir)
		if err != nil {
			return fail("eval", err, "-data must be a folder with one sub-folder of images per class")
		}
		ds = f
	}
	p, err := vgg16.Open(mf.weights, opt)
	if err != nil {
		return fail("eval", err, openHint)
	}
	if _, ok := embeddedSets[*dataDir]; ok && p.Meta == nil && mf.pad < 0 {
		// 28x28 images: pad to the model's size, as the embedded task trains.
		if d := p.Preprocess.Size - 28; d >= 0 && d%2 == 0 {
			p.Preprocess.Pad = d / 2
		}
	}
	if *limit > 0 && *limit < ds.Len() {
		idx := make([]int, *limit)
		for i := range idx {
			idx[i] = i * ds.Len() / *limit
		}
		ds = data.Subset(ds, idx)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := vgg16.Evaluate(ctx, p, ds, vgg16.EvalOptions{})
	if err != nil {
		return fail("eval", fmt.Errorf("%s: %w", *dataDir, err), "")
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(os.Stderr, "gocnn eval: skipped %s\n", s)
	}
	if *asJSON {
		if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
			return fail("eval", err, "")
		}
		return 0
	}
	printEval(res)
	return 0
}

func printEval(r *vgg16.EvalResult) {
	fmt.Printf("samples:           %d (%.1f images/s)\n", r.N, r.ImagesPerSec)
	fmt.Printf("accuracy:          %.4f\n", r.Accuracy)
	fmt.Printf("balanced accuracy: %.4f\n", r.BalancedAccuracy)
	fmt.Printf("macro F1:          %.4f   MCC: %.4f\n", r.MacroF1, r.MCC)
	if r.Binary {
		fmt.Printf("threshold:         %.4g   ROC-AUC: %.4f   PR-AUC: %.4f\n", r.Threshold, r.ROCAUC, r.PRAUC)
	}
	w := 5
	for _, c := range r.Classes {
		w = max(w, len(c))
	}
	fmt.Printf("\n%-*s  %9s  %9s  %9s  %7s\n", w, "class", "precision", "recall", "f1", "support")
	for i, c := range r.PerClass {
		fmt.Printf("%-*s  %9.4f  %9.4f  %9.4f  %7d\n", w, r.Classes[i], c.Precision, c.Recall, c.F1, c.Support)
	}
	fmt.Printf("\nconfusion (rows: true, columns: predicted)\n%-*s", w, "")
	for i := range r.Classes {
		fmt.Printf("  %7d", i)
	}
	fmt.Println()
	for i, row := range r.Confusion {
		fmt.Printf("%-*s", w, r.Classes[i])
		for _, v := range row {
			fmt.Printf("  %7d", v)
		}
		fmt.Println()
	}
	for _, wmsg := range r.Warnings {
		fmt.Printf("warning: %s\n", wmsg)
	}
}
