// This file holds the training flags that gocnn train and gocnn search
// share, so that a search trial is configured exactly as a train run.

package main

import (
	"flag"
	"fmt"

	"github.com/gocnn/gocnn/vgg16"
)

// trainFlags binds the shared training flags to a vgg16.Config.
type trainFlags struct {
	c     vgg16.Config
	batch *int
	seed  *uint64
}

// addTrainFlags registers the training flags on fs.
func addTrainFlags(fs *flag.FlagSet) *trainFlags {
	t := &trainFlags{}
	c := &t.c
	fs.StringVar(&c.Data, "data", "", "training image folder (root/<class>/...)")
	fs.StringVar(&c.Val, "val", "", "validation image folder (default: a stratified split of -data)")
	fs.StringVar(&c.Arch, "arch", "vgg16", "vgg11, vgg13, vgg16 or vgg19, optionally with _bn")
	fs.IntVar(&c.Size, "size", 0, "input size in pixels (default: the images' size, at least 32)")
	fs.StringVar(&c.Head, "head", "auto", "classifier head: auto (compact below 64 px), compact or torchvision")
	fs.IntVar(&c.Epochs, "epochs", 4, "passes over the training set")
	t.batch = fs.Int("batch", 0, "batch size (default 64 for the compact head, 8 otherwise)")
	fs.Float64Var(&c.LR, "lr", 0, "learning rate (default 1e-4 for adam/adamw, 1e-2 for sgd)")
	fs.StringVar(&c.Optim, "optim", "adam", "optimizer: adam, adamw or sgd")
	fs.StringVar(&c.Imbalance, "imbalance", "auto", "auto, none, weights, focal, oversample or undersample")
	fs.Float64Var(&c.PosWeight, "pos-weight", 0, "BCE pos_weight for two classes under -imbalance weights (default: from the class counts)")
	fs.IntVar(&c.MinorityRepeat, "minority-repeat", 0, "times each image of a two-class task's minority appears per epoch under -imbalance weights, pos_weight rescaled to match (default: raised to 8% of an epoch; 1: off, also for the rare classes of a larger task)")
	fs.Float64Var(&c.SAM, "sam", 0, "sharpness-aware minimisation radius (two passes a step; default 0: auto, 0.05 when a class has fewer than 1000 training images; -1: off)")
	fs.IntVar(&c.RepeatFrom, "repeat-from", 0, "epoch (1-based) from which a two-class task's minority is repeated; before it each image once, with the whole weight in pos_weight (default 1: from the start; 3 of 4 epochs defers the re-balancing to the second half)")
	fs.StringVar(&c.OnCollapse, "on-collapse", "warn", "when the model collapses: warn, stop, or fix (apply the next remedy)")
	fs.StringVar(&c.Weights, "weights", "", "pretrained weights to start from (.pth or .safetensors)")
	fs.BoolVar(&c.FreezeFeatures, "freeze-features", false, "train only the classifier head")
	fs.StringVar(&c.Out, "out", "", "output folder (default runs/<date-time>)")
	t.seed = fs.Uint64("seed", 0, "random seed")
	fs.IntVar(&c.Threads, "threads", 0, "kernel worker goroutines (default GOMAXPROCS)")
	fs.IntVar(&c.MaxSteps, "max-steps", 0, "stop after this many optimizer steps (0: no limit)")
	fs.BoolVar(&c.JSON, "json", false, "log JSON lines instead of text")
	fs.BoolVar(&c.Augment, "augment", false, "random horizontal flips during training (off by default: not every dataset is mirror-symmetric)")
	fs.Float64Var(&c.HeadDropout, "head-dropout", 0, "dropout before the compact head's Linear (images under 64 px)")
	fs.Float64Var(&c.Erase, "erase", 0, "probability of blanking a random rectangle of each training image (random erasing)")
	fs.IntVar(&c.Translate, "translate", 0, "shift training images by up to N pixels (default: size/16 for images up to 64 px with a BN backbone; -1: off)")
	fs.StringVar(&c.Schedule, "schedule", "cosine", "learning-rate schedule: cosine (to 0 at the last step) or constant")
	fs.StringVar(&c.BatchOrder, "batch-order", "stratified", "training order: stratified (classes spread evenly over batches) or random")
	fs.StringVar(&c.Algo, "algo", "auto", "convolution algorithm: auto, direct, im2col or winograd")
	fs.IntVar(&c.EvalEvery, "eval-every", 0, "also check for collapse every N steps (0: once per epoch)")
	return t
}

// config returns the configuration once fs is parsed; an explicit -batch 0
// is an error rather than "the default".
func (t *trainFlags) config(fs *flag.FlagSet) (vgg16.Config, error) {
	explicit0 := false
	fs.Visit(func(f *flag.Flag) {
		explicit0 = explicit0 || f.Name == "batch" && *t.batch == 0
	})
	if explicit0 {
		return vgg16.Config{}, fmt.Errorf("-batch 0: must be at least 1")
	}
	c := t.c
	c.Batch = *t.batch
	c.Seed = *t.seed
	return c, nil
}

// setFlags returns the names of the flags given on the command line.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}
