// This file holds the trainer's configuration, its defaults and its
// validation: every bad value is a clear error before any work starts.

package vgg16

import (
	"fmt"
	"io"
	"math"

	"github.com/gocnn/gocnn/data"
	"path/filepath"
	"strings"
	"time"
)

// Config configures Train. The zero value of a field means "choose a
// sensible default for the data" unless its comment says otherwise.
type Config struct {
	Data string // training images: an image folder (root/<class>/...) or "embedded:fmnist"
	Val  string // validation folder; empty means a stratified split of Data
	// TrainSet and ValSet, when set, are used instead of Data and Val (for
	// programs that embed the trainer and hold their data in memory).
	TrainSet, ValSet data.Dataset
	Algo             string // convolution algorithm: auto (default), direct, im2col or winograd
	Arch             string // vgg11, vgg13, vgg16, vgg19, with an optional _bn suffix; default vgg16
	Size             int    // input height and width; default: the images' size, at least 32
	Head             string // "auto" (compact below 64 px), "compact" or "torchvision"
	Epochs           int    // default 4
	Batch            int    // default 64 (compact) or 8; the CLI rejects an explicit 0
	LR               float64
	Optim            string // adam (default), adamw or sgd
	// Imbalance is the class-imbalance strategy: auto (default), none,
	// weights, focal, oversample or undersample.
	Imbalance string
	// PosWeight overrides the plan's BCE pos_weight for two classes under
	// the "weights" strategy (0: from the class counts).
	PosWeight float64
	// MinorityRepeat sets how many times each image of a binary task's
	// minority class appears per epoch under the weighted loss (whose
	// pos_weight is rescaled to match): 0, the default, takes the imbalance
	// plan's choice (data.PlanImbalance: the minority raised to 8% of an
	// epoch, none with an explicit PosWeight), 1 turns repetition off. With
	// more than two classes the plan repeats every class under 8% of the
	// samples; 1 turns that off too, and other counts are an error.
	MinorityRepeat int
	// RepeatFrom is the epoch (1-based) from which a binary task's minority
	// is repeated (MinorityRepeat); the epochs before it train on each image
	// once, in the same batch order, with the whole weight in the loss
	// (pos_weight times the repeat count): deferred re-balancing (Cao et al.
	// 2019), the features formed on the data as it is, the repeats, which a
	// model memorises within an epoch or two, while the rate is low. 0, the
	// default, repeats from the start, as 1 does. On the embedded 100:1 task
	// (vgg16_bn, 4 epochs) 3 gave test balanced accuracy 0.964, 0.970,
	// 0.968, 0.966, 0.970, 0.964, 0.964 for seeds 0-6 against the default's
	// 0.974, 0.968, 0.968, 0.960, 0.966, 0.966, 0.962 (the same mean, 0.967,
	// a smaller spread) and ROC-AUC 0.990-0.996 against 0.979-0.996. Tasks
	// with more classes repeat from the start.
	RepeatFrom int
	// SAM sets sharpness-aware minimisation (Foret et al. 2021): each step
	// takes the gradient at the weights moved SAM along the normalised
	// gradient, the sharpest point of that radius, so the model settles
	// where the loss is flat. It costs a second forward and backward pass
	// a step. 0, the default, is auto: SAMRho when a class has fewer than
	// SAMAutoMaxClass training images (not with Imbalance none, nor with a
	// frozen backbone); a negative value turns it off. On the embedded
	// 100:1 task (vgg16_bn, 4 epochs, the other defaults) it kept the
	// 60 positives from being memorised (validation ROC-AUC at the last
	// epoch 0.974-0.992 for seeds 0-4, against 0.935-0.964 without for
	// seeds 3-6, where it fell after epoch 1 or 2) and took test balanced
	// accuracy for seeds 0-5 from 0.960-0.974 to 0.972-0.976.
	SAM float64
	// OnCollapse says what to do when the collapse detector fires: warn
	// (default), stop, or fix (apply the next remedy).
	OnCollapse     string
	Weights        string // pretrained weights (.pth or .safetensors) to start from
	FreezeFeatures bool   // train only the classifier
	// Augment adds random horizontal flips during training. It is off by
	// default: flipping assumes a mirror symmetry that not every dataset has
	// (Fashion-MNIST's shoes all face left), and on the embedded 100:1 task
	// (seed 0) it helped VGG16-BN (test balanced accuracy 0.953 -> 0.959) but
	// hurt VGG16 without BN (0.952 -> 0.931).
	Augment bool
	// HeadDropout is the dropout probability before the compact head's
	// Linear (images under 64 px); 0, the default, means none. The
	// torchvision head keeps its own two dropouts at 0.5. On the embedded
	// 100:1 task (vgg16_bn) 0.3 gave test balanced accuracy 0.966, 0.968,
	// 0.962 for seeds 0-2 against the defaults' 0.968, 0.963, 0.964 (the
	// same day's runs): no better on average.
	HeadDropout float64
	// Translate shifts training images by up to this many pixels (random,
	// zero-filled; CIFAR's padded random crop). 0 chooses: Size/16 (2 px at
	// 32) for images of at most 64 px whose backbone trains and has batch
	// norm, none otherwise (without BN it hurt in the 4-epoch budget); -1
	// turns it off.
	Translate int
	// Erase is the probability of blanking a random rectangle of each
	// training image (data.RandomErasing: 2-33% of the area, black); 0, the
	// default, is off. On the embedded 100:1 task (vgg16_bn) p=0.5 did not
	// help: test balanced accuracy 0.960 (seed 1) and 0.954 (seed 0)
	// against the defaults' 0.963 and 0.968.
	Erase float64
	// Schedule is the learning-rate schedule over the run's steps: "cosine"
	// (default: from LR down to 0 at the last step) or "constant".
	Schedule string
	// BatchOrder is the order of the training images in an epoch:
	// "stratified" (default: a random order with every class spread evenly
	// over the batches, see data.StratifiedSampler) or "random".
	BatchOrder  string
	Out         string // output folder for checkpoints and metrics; default "runs/<time>"
	Seed        uint64
	ValFraction float64 // fraction held out when Val is empty; default 0.2
	Resume      bool    // continue from Out/last.safetensors
	Threads     int     // kernel worker goroutines; 0 means GOMAXPROCS
	MaxSteps    int     // stop after this many optimizer steps (0: no limit); for tests and demos
	EvalEvery   int     // also check for collapse every N steps in long epochs (0: per epoch only)
	JSON        bool    // log JSON lines instead of text
	NoProgress  bool    // no progress bar even on a terminal
	Log         io.Writer
}

// knownArchs are the VGG configurations torchvision defines.
var knownArchs = map[string]bool{"vgg11": true, "vgg13": true, "vgg16": true, "vgg19": true}

// ParseArch splits "vgg16_bn" into its depth name and whether it has BN. It
// returns an error naming the valid choices for anything else.
func ParseArch(arch string) (name string, bn bool, err error) {
	a := strings.ToLower(strings.TrimSpace(arch))
	if strings.HasSuffix(a, "_bn") {
		a, bn = strings.TrimSuffix(a, "_bn"), true
	}
	if !knownArchs[a] {
		return "", false, fmt.Errorf("unknown architecture %q (want vgg11, vgg13, vgg16 or vgg19, optionally with _bn)", arch)
	}
	return a, bn, nil
}

// oneOf returns an error unless v is one of the choices.
func oneOf(flag, v string, choices ...string) error {
	for _, c := range choices {
		if v == c {
			return nil
		}
	}
	return fmt.Errorf("-%s %q: want one of %s", flag, v, strings.Join(choices, ", "))
}

// withDefaults returns c with every zero field set to its default, or an
// error for a value that cannot work.
func (c Config) withDefaults() (Config, error) {
	if c.Data == "" && c.TrainSet == nil {
		return c, fmt.Errorf("no training data: give -data DIR (an image folder with one subfolder per class)")
	}
	if c.Arch == "" {
		c.Arch = "vgg16"
	}
	if _, _, err := ParseArch(c.Arch); err != nil {
		return c, err
	}
	if c.Head == "" {
		c.Head = "auto"
	}
	if err := oneOf("head", c.Head, "auto", "compact", "torchvision"); err != nil {
		return c, err
	}
	if c.Size < 0 || (c.Size > 0 && c.Size < 32) {
		return c, fmt.Errorf("-size %d: VGG needs inputs of at least 32x32", c.Size)
	}
	if c.Epochs < 0 {
		return c, fmt.Errorf("-epochs %d: must be positive", c.Epochs)
	}
	if c.Epochs == 0 {
		c.Epochs = 4
	}
	if c.Batch < 0 {
		return c, fmt.Errorf("-batch %d: must be at least 1", c.Batch)
	}
	if c.LR < 0 {
		return c, fmt.Errorf("-lr %g: must be positive", c.LR)
	}
	if c.Optim == "" {
		c.Optim = "adam"
	}
	if err := oneOf("optim", c.Optim, "adam", "adamw", "sgd"); err != nil {
		return c, err
	}
	if c.LR == 0 {
		c.LR = 1e-4
		if c.Optim == "sgd" {
			c.LR = 1e-2
		}
	}
	if c.Imbalance == "" {
		c.Imbalance = "auto"
	}
	if err := oneOf("imbalance", c.Imbalance, "auto", "none", "weights", "focal", "oversample", "undersample"); err != nil {
		return c, err
	}
	if c.OnCollapse == "" {
		c.OnCollapse = "warn"
	}
	if err := oneOf("on-collapse", c.OnCollapse, "warn", "stop", "fix"); err != nil {
		return c, err
	}
	if c.Translate < -1 {
		return c, fmt.Errorf("-translate %d: want pixels >= 0, or -1 for none", c.Translate)
	}
	if c.RepeatFrom < 0 {
		return c, fmt.Errorf("-repeat-from %d: want an epoch >= 1", c.RepeatFrom)
	}
	if c.RepeatFrom == 0 {
		c.RepeatFrom = 1
	}
	if math.IsNaN(c.SAM) || math.IsInf(c.SAM, 0) {
		return c, fmt.Errorf("-sam %v: want a radius > 0, 0 for auto or -1 for off", c.SAM)
	}
	if c.MinorityRepeat < 0 {
		return c, fmt.Errorf("-minority-repeat %d: want a count >= 1, or 0 for the imbalance plan's", c.MinorityRepeat)
	}
	if c.HeadDropout < 0 || c.HeadDropout >= 1 || math.IsNaN(c.HeadDropout) {
		return c, fmt.Errorf("-head-dropout %v: want a probability in [0, 1)", c.HeadDropout)
	}
	if c.Erase < 0 || c.Erase > 1 || math.IsNaN(c.Erase) {
		return c, fmt.Errorf("-erase %v: want a probability in [0, 1]", c.Erase)
	}
	if c.Schedule == "" {
		c.Schedule = "cosine"
	}
	if err := oneOf("schedule", c.Schedule, "cosine", "constant"); err != nil {
		return c, err
	}
	if c.BatchOrder == "" {
		c.BatchOrder = "stratified"
	}
	if err := oneOf("batch-order", c.BatchOrder, "stratified", "random"); err != nil {
		return c, err
	}
	if c.ValFraction == 0 {
		c.ValFraction = 0.2
	}
	if c.ValFraction <= 0 || c.ValFraction >= 1 {
		return c, fmt.Errorf("validation fraction %g: must be in (0, 1)", c.ValFraction)
	}
	if c.Threads < 0 || c.MaxSteps < 0 || c.EvalEvery < 0 {
		return c, fmt.Errorf("-threads, -max-steps and -eval-every must not be negative")
	}
	if c.Out == "" {
		if c.Resume {
			return c, fmt.Errorf("-resume needs -out: the folder holding last.safetensors")
		}
		c.Out = filepath.Join("runs", time.Now().Format("20060102-150405"))
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	return c, nil
}
