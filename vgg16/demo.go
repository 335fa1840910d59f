// This file is the `make run` demonstration: the seed's failure and its fix,
// side by side, on the embedded imbalanced Fashion-MNIST task.

package vgg16

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
)

// DemoConfig returns the configuration the demo trains with: the embedded
// Sneaker-vs-rest task (100:1), torchvision's VGG without batch norm (the
// seed's network) with the compact head at 32x32.
func DemoConfig(base Config) Config {
	c := base
	c.Data = EmbeddedFMNIST
	if c.Arch == "" || c.Arch == "vgg16" {
		c.Arch = "vgg11"
	}
	if c.Epochs == 0 || c.Epochs == 4 {
		c.Epochs = 2
	}
	if c.Out == "" {
		c.Out = filepath.Join("runs", "demo")
	}
	return c
}

// Demo trains the demo task twice, first with -imbalance none (the collapse
// detector speaks), then with gocnn's defaults, and prints the two test
// confusion matrices side by side.
func Demo(ctx context.Context, base Config) error {
	cfg := DemoConfig(base)
	log := &logger{w: cfg.Log, json: cfg.JSON}
	if log.w == nil {
		return fmt.Errorf("demo: no log writer")
	}
	log.say("== gocnn demo: %s (no batch norm, as torchvision's) on the embedded Sneaker-vs-rest task, 100:1", cfg.Arch)
	log.say("== 1/2: plain training (-imbalance none), what the seed did")
	plain := cfg
	plain.Imbalance = "none"
	plain.Out = filepath.Join(cfg.Out, "plain")
	rp, err := Train(ctx, plain)
	if err != nil {
		return err
	}
	log.say("")
	log.say("== 2/2: gocnn's defaults (-imbalance auto)")
	auto := cfg
	auto.Imbalance = "auto"
	auto.Out = filepath.Join(cfg.Out, "auto")
	ra, err := Train(ctx, auto)
	if err != nil {
		return err
	}
	log.say("")
	log.say("== test set (1000 sneakers, 1000 others): confusion matrices [true x predicted]")
	left := strings.Split(strings.TrimRight(confusionText(rp.Test.Confusion, rp.Classes), "\n"), "\n")
	right := strings.Split(strings.TrimRight(confusionText(ra.Test.Confusion, ra.Classes), "\n"), "\n")
	w := 0
	for _, l := range left {
		w = max(w, len(l))
	}
	log.say("%-*s   %s", w, "-imbalance none", "-imbalance auto")
	for i := range left {
		log.say("%-*s   %s", w, left[i], right[i])
	}
	row := func(name string, f func(m *Result) float64) {
		log.say("%-*s   %s", w, fmt.Sprintf("%-18s %.3f", name, f(rp)), fmt.Sprintf("%-18s %.3f", name, f(ra)))
	}
	row("balanced accuracy", func(m *Result) float64 { return m.Test.BalancedAccuracy })
	row("sneaker recall", func(m *Result) float64 { return m.Test.PerClass[1].Recall })
	row("specificity", func(m *Result) float64 { return m.Test.PerClass[0].Recall })
	row("ROC-AUC", func(m *Result) float64 { return m.Test.ROCAUC })
	if rp.Collapsed {
		log.say("plain training collapsed: %s", rp.Diagnosis.Message)
	}
	return nil
}
