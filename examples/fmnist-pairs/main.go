// Command fmnist-pairs checks that gocnn's trainer defaults generalise beyond
// the embedded task: it cuts any Fashion-MNIST "class P vs rest" task the way
// the embedded one is cut (training: 6000 random other images and 6000/ratio
// of class P; validation: the next 1000 + 100; test: 1000 of class P and 1000
// others from the official test split), trains with gocnn's defaults (4
// epochs, batch 64, Adam 1e-4, as issue 8's benchmark), and prints the test
// figures of the best checkpoint at its stored threshold, and the best
// balanced accuracy any threshold would give there (the oracle), so that the
// model and its threshold can be judged apart.
//
// It needs the full Fashion-MNIST of Debian's dataset-fashion-mnist:
//
//	go run ./examples/fmnist-pairs -pos 5 -ratio 100           # Sandal vs rest, 100:1
//	go run ./examples/fmnist-pairs -pos 6 -ratio 50 -arch vgg16
//	go run ./examples/fmnist-pairs -pos 6 -eval runs/pairs/best.safetensors
//	go run ./examples/fmnist-pairs -pos 6 -ratio 50 -dump-cut /tmp/shirt50.json
//	python3 examples/fmnist-pairs/torch_pairs.py /tmp/shirt50.json   # PyTorch on the same images
//
// `make quality-pairs` runs the set the README reports. A run takes 6-7
// minutes on 2 cores.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"

	"github.com/gocnn/gocnn/data"
	"github.com/gocnn/gocnn/data/fmnist"
	"github.com/gocnn/gocnn/tensor"
	"github.com/gocnn/gocnn/vgg16"
)

func main() {
	pos := flag.Int("pos", fmnist.Positive, "the positive Fashion-MNIST class (0-9)")
	ratio := flag.Int("ratio", 100, "negatives per positive in training (6000 negatives)")
	seed := flag.Uint64("seed", 0, "training seed (the cut itself is fixed per class)")
	arch := flag.String("arch", "vgg16_bn", "vgg11..vgg19, with an optional _bn")
	dir := flag.String("fmnist", fmnist.DebianDir, "folder of the Fashion-MNIST IDX files")
	out := flag.String("out", "runs/pairs", "output folder of the training run")
	eval := flag.String("eval", "", "evaluate this checkpoint on the task's test split instead of training")
	dump := flag.String("dump-cut", "", "write the task's image indices as JSON to this file and stop (for torch_pairs.py)")
	flag.Parse()
	if err := run(*pos, *ratio, *seed, *arch, *dir, *out, *eval, *dump); err != nil {
		fmt.Fprintln(os.Stderr, "fmnist-pairs:", err)
		os.Exit(1)
	}
}

func run(pos, ratio int, seed uint64, arch, dir, out, eval, dump string) error {
	if pos < 0 || pos > 9 {
		return fmt.Errorf("-pos %d: want a class 0-9", pos)
	}
	if ratio < 1 || ratio > 6000 {
		return fmt.Errorf("-ratio %d: want 1..6000", ratio)
	}
	train, val, test, c, err := cut(dir, pos, ratio)
	if err != nil {
		return err
	}
	if dump != "" {
		b, err := json.Marshal(c)
		if err != nil {
			return err
		}
		return os.WriteFile(dump, b, 0o644)
	}
	ckpt := eval
	if ckpt == "" {
		res, err := vgg16.Train(context.Background(), vgg16.Config{
			TrainSet: train, ValSet: val, Arch: arch, Epochs: 4, Batch: 64, LR: 1e-4,
			Seed: seed, Out: out, Log: os.Stdout, NoProgress: true,
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
	scores, labels, err := score(p, test)
	if err != nil {
		return err
	}
	m := vgg16.BinaryMetrics(scores, labels, p.Threshold)
	oracle := 0.0
	for _, t := range scores {
		oracle = max(oracle, vgg16.BinaryMetrics(scores, labels, t).BalancedAccuracy)
	}
	fmt.Printf("pair %s vs rest, %d:1, %s seed %d: test balanced accuracy %.3f (oracle threshold %.3f), recall %.3f, specificity %.3f, ROC-AUC %.3f, threshold %.3g\n",
		fmnist.ClassNames[pos], ratio, arch, seed, m.BalancedAccuracy, oracle, m.PerClass[1].Recall, m.PerClass[0].Recall, m.ROCAUC, p.Threshold)
	return nil
}

// Cut is a task's images, by index into the official train and test splits.
type Cut struct {
	Pos      int   `json:"pos"`
	Ratio    int   `json:"ratio"`
	TrainNeg []int `json:"train_neg"`
	TrainPos []int `json:"train_pos"`
	ValNeg   []int `json:"val_neg"`
	ValPos   []int `json:"val_pos"`
	TestNeg  []int `json:"test_neg"`
	TestPos  []int `json:"test_pos"`
}

// cutIndices chooses the task's images: a fixed shuffle per class P.
func cutIndices(tr, te data.Dataset, pos, ratio int) Cut {
	rng := rand.New(rand.NewPCG(12345, uint64(pos)))
	split := func(ds data.Dataset) (p, n []int) {
		for i := 0; i < ds.Len(); i++ {
			if ds.Label(i) == pos {
				p = append(p, i)
			} else {
				n = append(n, i)
			}
		}
		rng.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
		rng.Shuffle(len(n), func(i, j int) { n[i], n[j] = n[j], n[i] })
		return p, n
	}
	tp, tn := split(tr)
	np := 6000 / ratio
	ep, en := split(te)
	return Cut{Pos: pos, Ratio: ratio, TrainNeg: tn[:6000], TrainPos: tp[:np], ValNeg: tn[6000:7000],
		ValPos: tp[np : np+100], TestNeg: en[:1000], TestPos: ep[:1000]}
}

// cut returns the task's three splits from the full Fashion-MNIST in dir,
// and their indices.
func cut(dir string, pos, ratio int) (train, val, test data.Dataset, c Cut, err error) {
	tr, te, err := fmnist.Load(dir)
	if err != nil {
		return nil, nil, nil, c, err
	}
	c = cutIndices(tr, te, pos, ratio)
	names := []string{"not " + fmnist.ClassNames[pos], fmnist.ClassNames[pos]}
	binary := func(base data.Dataset, p, n []int) data.Dataset {
		idx := append(append([]int{}, n...), p...)
		labels := make([]int, len(idx))
		for i := len(n); i < len(idx); i++ {
			labels[i] = 1
		}
		return &data.Relabeled{Base: data.Subset(base, idx), Labels: labels, ClassNames: names}
	}
	return binary(tr, c.TrainPos, c.TrainNeg), binary(tr, c.ValPos, c.ValNeg), binary(te, c.TestPos, c.TestNeg), c, nil
}

// score returns p(class 1) and the label of every image of ds, with the
// checkpoint's evaluation preprocessing.
func score(p *vgg16.Predictor, ds data.Dataset) ([]float64, []int, error) {
	t, pp := p.Transform(), p.Preprocess
	var scores []float64
	var labels, pending []int
	var buf []float32
	s := &data.Sample{}
	flush := func() {
		x := tensor.Wrap(buf, len(pending), pp.Channels, pp.Size, pp.Size)
		for j, lg := range p.Logits(x) {
			probs, class := p.Decide(lg)
			scores = append(scores, vgg16.Score(probs, class))
			labels = append(labels, pending[j])
		}
		buf, pending = buf[:0], pending[:0]
	}
	for i := 0; i < ds.Len(); i++ {
		if err := ds.Load(i, &s.Image); err != nil {
			return nil, nil, fmt.Errorf("test image %d: %w", i, err)
		}
		s.Seed(0, 0, uint64(i))
		t.Apply(s)
		buf = append(buf, s.Pix...)
		pending = append(pending, ds.Label(i))
		if len(pending) == 64 {
			flush()
		}
	}
	if len(pending) > 0 {
		flush()
	}
	return scores, labels, nil
}
