package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/gocnn/gocnn/kernels"
	"github.com/gocnn/gocnn/vgg16"
)

func init() {
	register(&command{name: "search", short: "search hyperparameters: a grid or random trials, ranked on balanced accuracy", run: runSearch})
}

const searchUsage = `usage: gocnn search -data DIR -grid 'lr=1e-3,1e-4;imbalance=weights,focal' [flags]
       gocnn search -data DIR -random N [-grid SPACE] [flags]

Search trains one model per trial, each in -out/trial-NNN with its own
checkpoints, metrics.jsonl and trial.log, and ranks the trials on their best
validation balanced accuracy. It prints the ranked table and writes
search.json (every trial) and best_config.json (the winner's configuration
and the gocnn train command that repeats it) to -out.

-grid lists values per key, separated by ';': every combination is a trial.
Keys: lr, imbalance, optim, batch, epochs, arch, sam (auto, off or a radius),
seed.

-random N samples N trials (seeded by -search-seed): lr log-uniform in
[1e-5, 1e-2], imbalance from auto, weights, focal and oversample, optim adam
or adamw. With -random, -grid narrows that space and may give ranges:
'lr=1e-4..1e-2;epochs=2..6;imbalance=weights,focal'. -lr, -imbalance and
-optim given as flags pin those keys.

-parallel P runs P trials at a time, each with -threads/P kernel threads
(each holds its own model in memory). The other flags set every trial's
base configuration, as for gocnn train.

Flags:
`

func runSearch(args []string) int {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	tf := addTrainFlags(fs)
	grid := fs.String("grid", "", "search space: 'key=v1,v2;key=v3' (keys lr, imbalance, optim, batch, epochs, arch, sam, seed)")
	random := fs.Int("random", 0, "sample this many random trials instead of the full grid")
	parallel := fs.Int("parallel", 1, "trials to run at a time")
	searchSeed := fs.Uint64("search-seed", 0, "seed of the random sampling (default: -seed)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), searchUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "gocnn search: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	c, err := tf.config(fs)
	if err != nil {
		return fail("search", err, "")
	}
	if c.Data == "" || (*grid == "" && *random == 0) {
		fs.Usage()
		return 2
	}
	if *parallel < 1 {
		return fail("search", fmt.Errorf("-parallel %d: must be at least 1", *parallel), "")
	}
	if err := kernels.CheckISA(); err != nil {
		return fail("search", err, "unset GOCNN_ISA or pick one of the available ISAs (gocnn version lists them)")
	}
	set := setFlags(fs)
	var trials []vgg16.Trial
	if *random > 0 {
		seed := c.Seed
		if set["search-seed"] {
			seed = *searchSeed
		}
		trials, err = vgg16.RandomTrials(*random, seed, pinFlags(*grid, set, c))
	} else {
		trials, err = vgg16.ParseGrid(*grid)
	}
	if err != nil {
		return fail("search", err, "e.g. -grid 'lr=1e-3,1e-4;imbalance=weights,focal'")
	}
	c.Log = os.Stdout

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	results, err := vgg16.Search(ctx, c, trials, *parallel)
	if err != nil {
		return fail("search", err, "each trial's trial.log in -out says more")
	}
	if !c.JSON && len(results) > 0 {
		out := filepath.Dir(results[0].Out)
		fmt.Printf("best configuration: %s\n", filepath.Join(out, "best_config.json"))
		if cmd := vgg16.TrainCommand(results[0].Config); cmd != "" {
			fmt.Printf("train it with: %s\n", cmd)
		}
	}
	return 0
}

// pinFlags adds to a random search's space the keys given as flags (-lr,
// -imbalance, -optim) that the space does not name, so the flags hold.
func pinFlags(spec string, set map[string]bool, c vgg16.Config) string {
	named := map[string]bool{}
	for _, part := range strings.Split(spec, ";") {
		if k, _, ok := strings.Cut(part, "="); ok {
			named[strings.ToLower(strings.TrimSpace(k))] = true
		}
	}
	pins := map[string]string{"lr": strconv.FormatFloat(c.LR, 'g', -1, 64), "imbalance": c.Imbalance, "optim": c.Optim}
	for _, k := range []string{"lr", "imbalance", "optim"} {
		if set[k] && !named[k] {
			spec += ";" + k + "=" + pins[k]
		}
	}
	return spec
}
