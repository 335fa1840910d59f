// Package fmnist embeds gocnn's default dataset, a small imbalanced binary
// task cut from Fashion-MNIST: "Sneaker (7) vs rest", 100:1 in training,
// 28x28 grayscale. gen.py (beside this file) builds it from Debian's
// dataset-fashion-mnist package; its train and test cuts are those of the
// PyTorch reference (shared/reference/imbalance.py, seed 0), so results can
// be compared image for image. Fashion-MNIST is (c) Zalando SE, MIT licence.
//
// Imports: fmnist imports data.
package fmnist

import (
	"bytes"
	"embed"
	"fmt"
	"path/filepath"

	"github.com/gocnn/gocnn/data"
)

//go:embed *.idx.gz
var files embed.FS

// ClassNames are Fashion-MNIST's ten classes, by label.
var ClassNames = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// Positive is the class of the default binary task: Sneaker.
const Positive = 7

// Sizes of the embedded splits.
const (
	TrainNeg, TrainPos = 6000, 60   // 100:1
	ValNeg, ValPos     = 1000, 100  // 10:1
	TestNeg, TestPos   = 1000, 1000 // balanced
)

// Splits holds the three parts of a task.
type Splits struct {
	Train, Val, Test data.Dataset
}

// Default returns the embedded binary task, classes ["not Sneaker",
// "Sneaker"] (label 1 = Sneaker): train 6000:60, val 1000:100, test
// 1000:1000, each a 1x28x28 in-memory dataset. It decodes the embedded
// files on every call (about 0.1 s).
func Default() (*Splits, error) {
	all, err := Multiclass()
	if err != nil {
		return nil, err
	}
	var s Splits
	for _, p := range []struct {
		src data.Dataset
		dst *data.Dataset
	}{{all.Train, &s.Train}, {all.Val, &s.Val}, {all.Test, &s.Test}} {
		if *p.dst, err = data.OneVsRest(p.src, Positive, 0, 0); err != nil {
			return nil, err
		}
	}
	return &s, nil
}

// Multiclass returns the embedded images with their original ten labels and
// ClassNames (the same images as Default).
func Multiclass() (*Splits, error) {
	var s Splits
	for _, p := range []struct {
		name string
		dst  *data.Dataset
	}{{"train", &s.Train}, {"val", &s.Val}, {"test", &s.Test}} {
		m, err := readEmbedded(p.name)
		if err != nil {
			return nil, err
		}
		*p.dst = m
	}
	return &s, nil
}

func readEmbedded(name string) (*data.Memory, error) {
	read := func(kind string) (*data.IDX, error) {
		f := name + "-" + kind + ".idx.gz"
		b, err := files.ReadFile(f)
		if err != nil {
			return nil, err
		}
		x, err := data.ReadIDX(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("fmnist: embedded %s: %w", f, err)
		}
		return x, nil
	}
	im, err := read("images")
	if err != nil {
		return nil, err
	}
	lb, err := read("labels")
	if err != nil {
		return nil, err
	}
	return data.IDXMemory(im, lb, ClassNames)
}

// DebianDir is where Debian's dataset-fashion-mnist installs the full set.
const DebianDir = "/usr/share/datasets/fashion-mnist"

// Load reads the full Fashion-MNIST from dir (DebianDir when empty): the
// official train (60,000) and test (10,000) splits with ClassNames, for tasks
// other than the embedded one (data.OneVsRest cuts any class pair and ratio).
func Load(dir string) (train, test *data.Memory, err error) {
	if dir == "" {
		dir = DebianDir
	}
	train, err = data.LoadIDX(filepath.Join(dir, "train-images-idx3-ubyte.gz"), filepath.Join(dir, "train-labels-idx1-ubyte.gz"), ClassNames)
	if err != nil {
		return nil, nil, fmt.Errorf("fmnist: %w (install Debian's dataset-fashion-mnist)", err)
	}
	test, err = data.LoadIDX(filepath.Join(dir, "t10k-images-idx3-ubyte.gz"), filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"), ClassNames)
	if err != nil {
		return nil, nil, fmt.Errorf("fmnist: %w (install Debian's dataset-fashion-mnist)", err)
	}
	return train, test, nil
}
