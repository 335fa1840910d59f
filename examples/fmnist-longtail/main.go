// Command fmnist-longtail checks gocnn's trainer defaults on a multi-class
// long-tailed task: all ten Fashion-MNIST classes, class c (in label order)
// keeping 5000·ratio^(-c/9) training images (5000 T-shirts down to 5000/ratio
// ankle boots, the CIFAR-10-LT convention of Cao et al. 2019), a validation
// set with the same skew at a sixth of the size (at least 10 per class), and
// the official balanced test split (1000 per class), on which accuracy is
// balanced accuracy. It trains with the given -imbalance strategy (auto, the
// default, or none for plain cross-entropy) at the issue-8 budget (4 epochs,
// batch 64, Adam 1e-4) and prints the test balanced accuracy, macro-F1 and
// each class's recall.
//
// It needs the full Fashion-MNIST of Debian's dataset-fashion-mnist:
//
//	go run ./examples/fmnist-longtail -ratio 100                  # the defaults
//	go run ./examples/fmnist-longtail -ratio 100 -imbalance none  # plain training
//	go run ./examples/fmnist-longtail -ratio 100 -eval runs/longtail/best.safetensors
//
// A run takes about 15 minutes on 2 cores (about 12,400 training images).
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"

	"github.com/gocnn/gocnn/data"
	"github.com/gocnn/gocnn/data/fmnist"
	"github.com/gocnn/gocnn/vgg16"
)

func main() {
	ratio := flag.Float64("ratio", 100, "largest/smallest class in training (>= 1)")
	imbalance := flag.String("imbalance", "auto", "the trainer's -imbalance strategy")
	seed := flag.Uint64("seed", 0, "training seed (the cut itself is fixed)")
	arch := flag.String("arch", "vgg16_bn", "vgg11..vgg19, with an optional _bn")
	epochs := flag.Int("epochs", 4, "passes over the training set")
	dir := flag.String("fmnist", fmnist.DebianDir, "folder of the Fashion-MNIST IDX files")
	out := flag.String("out", "runs/longtail", "output folder of the training run")
	eval := flag.String("eval", "", "evaluate this checkpoint on the test split instead of training")
	repeat := flag.Int("minority-repeat", 0, "the trainer's -minority-repeat (0: the plan's repeats of the rare classes; 1: none)")
	flag.Parse()
	if err := run(*ratio, *imbalance, *seed, *arch, *epochs, *repeat, *dir, *out, *eval); err != nil {
		fmt.Fprintln(os.Stderr, "fmnist-longtail:", err)
		os.Exit(1)
	}
}

func run(ratio float64, imbalance string, seed uint64, arch string, epochs, repeat int, dir, out, eval string) error {
	if ratio < 1 || ratio > 6000 || math.IsNaN(ratio) {
		return fmt.Errorf("-ratio %v: want 1..6000", ratio)
	}
	tr, te, err := fmnist.Load(dir)
	if err != nil {
		return err
	}
	train, val, counts, err := cut(tr, ratio)
	if err != nil {
		return err
	}
	fmt.Printf("training images per class: %v\n", counts)
	ckpt := eval
	if ckpt == "" {
		res, err := vgg16.Train(context.Background(), vgg16.Config{
			TrainSet: train, ValSet: val, Arch: arch, Epochs: epochs, Batch: 64, LR: 1e-4,
			Imbalance: imbalance, MinorityRepeat: repeat, Seed: seed, Out: out, Log: os.Stdout, NoProgress: true,
		})
		if err != nil {
			return err
		}
		ckpt = res.Checkpoint
	}
	p, err := vgg16.Open(ckpt, vgg16.DefaultOpenOptions())
	if err != nil {
		return err
	}
	ev, err := vgg16.Evaluate(context.Background(), p, te, vgg16.EvalOptions{})
	if err != nil {
		return err
	}
	m := ev.Metrics
	var rec []string
	for c, pc := range m.PerClass {
		rec = append(rec, fmt.Sprintf("%s %.3f", fmnist.ClassNames[c], pc.Recall))
	}
	what := fmt.Sprintf("-imbalance %s, %s seed %d", imbalance, arch, seed)
	if eval != "" {
		what = eval
	}
	fmt.Printf("longtail %g:1 %s: test balanced accuracy %.3f, macro-F1 %.3f; recall: %s\n",
		ratio, what, m.BalancedAccuracy, m.MacroF1, strings.Join(rec, ", "))
	return nil
}

// cut returns the long-tailed training and validation sets (disjoint images
// of the official train split, a fixed shuffle per class) and the training
// counts; the largest class takes 5000 of its 6000 images, so that its
// validation share fits beside them.
func cut(tr data.Dataset, ratio float64) (train, val data.Dataset, counts []int, err error) {
	byClass := make([][]int, len(fmnist.ClassNames))
	for i := 0; i < tr.Len(); i++ {
		byClass[tr.Label(i)] = append(byClass[tr.Label(i)], i)
	}
	rng := rand.New(rand.NewPCG(4242, 10))
	var ti, vi []int
	for c, idx := range byClass {
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		n := int(math.Round(5000 * math.Pow(ratio, -float64(c)/9)))
		nv := max(10, n/6)
		if n+nv > len(idx) {
			return nil, nil, nil, fmt.Errorf("class %d has %d images, fewer than the %d + %d the cut takes", c, len(idx), n, nv)
		}
		ti = append(ti, idx[:n]...)
		vi = append(vi, idx[n:n+nv]...)
		counts = append(counts, n)
	}
	return data.Subset(tr, ti), data.Subset(tr, vi), counts, nil
}
