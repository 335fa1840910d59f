// This file writes a search's record: search.json with every trial, and
// best_config.json with the winner's configuration and the gocnn train
// command that reproduces it.

package vgg16

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gocnn/gocnn/weights"
)

// trialJSON is a TrialResult as search.json and best_config.json hold it.
type trialJSON struct {
	Rank       int      `json:"rank"`
	ID         int      `json:"trial"`
	Params     Trial    `json:"params"`
	Score      *float64 `json:"balanced_accuracy,omitempty"` // best validation balanced accuracy
	MacroF1    *float64 `json:"macro_f1,omitempty"`
	BestEpoch  int      `json:"best_epoch,omitempty"`
	Seconds    float64  `json:"seconds"`
	Error      string   `json:"error,omitempty"`
	Out        string   `json:"out"`
	Checkpoint string   `json:"checkpoint,omitempty"`
}

func newTrialJSON(r TrialResult) trialJSON {
	j := trialJSON{Rank: r.Rank, ID: r.ID, Params: r.Trial, Score: finitePtr(r.Score), MacroF1: finitePtr(r.MacroF1),
		BestEpoch: r.BestEpoch, Seconds: math.Round(r.Duration.Seconds()*10) / 10, Out: r.Out}
	if r.Err != nil {
		j.Error = r.Err.Error()
	}
	if r.Result != nil {
		j.Checkpoint = r.Result.Checkpoint
	}
	return j
}

// BestConfig is the content of best_config.json.
type BestConfig struct {
	trialJSON
	// Config is the winning trial's configuration as a vgg16.Config (Out,
	// Threads and in-memory datasets cleared), ready for json.Unmarshal and
	// Train.
	Config Config `json:"config"`
	// Command is the gocnn train command line that repeats the trial
	// ("" when the data was in memory).
	Command string `json:"command,omitempty"`
}

// writeSearchFiles writes search.json and, when a trial succeeded,
// best_config.json into dir; rs is ranked.
func writeSearchFiles(dir string, rs []TrialResult) error {
	all := make([]trialJSON, len(rs))
	for i, r := range rs {
		all[i] = newTrialJSON(r)
	}
	if err := writeJSONFile(filepath.Join(dir, "search.json"), all); err != nil {
		return err
	}
	if rs[0].Err != nil {
		return nil
	}
	c := rs[0].Config
	c.Out, c.Threads, c.Log, c.TrainSet, c.ValSet = "", 0, nil, nil, nil
	best := BestConfig{trialJSON: all[0], Config: c, Command: TrainCommand(c)}
	return writeJSONFile(filepath.Join(dir, "best_config.json"), best)
}

// writeJSONFile writes v as indented JSON to path atomically.
func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	err = weights.WriteFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// TrainCommand returns the gocnn train command line for c, naming every
// setting that differs from the command's defaults, or "" when c's data is
// not a folder (in-memory datasets).
func TrainCommand(c Config) string {
	if c.Data == "" || c.TrainSet != nil {
		return ""
	}
	args := []string{"gocnn", "train", "-data", shellQuote(c.Data)}
	str := func(flag, v, def string) {
		if v != "" && v != def {
			args = append(args, "-"+flag, shellQuote(v))
		}
	}
	num := func(flag string, v, def float64) {
		if v != 0 && v != def {
			args = append(args, "-"+flag, strconv.FormatFloat(v, 'g', -1, 64))
		}
	}
	str("val", c.Val, "")
	str("arch", c.Arch, "vgg16")
	num("size", float64(c.Size), 0)
	str("head", c.Head, "auto")
	num("epochs", float64(c.Epochs), 4)
	num("batch", float64(c.Batch), 0)
	num("lr", c.LR, 0)
	str("optim", c.Optim, "adam")
	str("imbalance", c.Imbalance, "auto")
	num("pos-weight", c.PosWeight, 0)
	num("minority-repeat", float64(c.MinorityRepeat), 0)
	num("repeat-from", float64(c.RepeatFrom), 0)
	num("sam", c.SAM, 0)
	if c.Augment {
		args = append(args, "-augment")
	}
	num("head-dropout", c.HeadDropout, 0)
	num("erase", c.Erase, 0)
	num("translate", float64(c.Translate), 0)
	str("schedule", c.Schedule, "cosine")
	str("batch-order", c.BatchOrder, "stratified")
	str("on-collapse", c.OnCollapse, "warn")
	str("weights", c.Weights, "")
	if c.FreezeFeatures {
		args = append(args, "-freeze-features")
	}
	if c.Seed != 0 {
		args = append(args, "-seed", strconv.FormatUint(c.Seed, 10))
	}
	num("max-steps", float64(c.MaxSteps), 0)
	return strings.Join(args, " ")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=+,@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
