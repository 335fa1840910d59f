// This file runs a hyperparameter search: each trial is a Train in its own
// subfolder, one after another or several at a time with the kernel threads
// shared out; the trials are ranked on validation balanced accuracy, printed
// as a table, and the best configuration is saved as best_config.json.

package vgg16

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gocnn/gocnn/kernels"
)

// TrialResult is the outcome of one trial of a search.
type TrialResult struct {
	ID    int    // 1-based, in the order of the trials given
	Rank  int    // 1 is the best; failed trials rank last
	Trial Trial  // the settings tried
	Out   string // the trial's output folder
	// Score is the best validation balanced accuracy (NaN when the trial
	// failed); MacroF1 and BestEpoch belong to the same checkpoint.
	Score     float64
	MacroF1   float64
	BestEpoch int
	Duration  time.Duration
	Err       error   // why the trial failed, or nil
	Result    *Result // Train's result (nil when it failed)
	Config    Config  // the configuration the trial trained with (Log unset)
}

// lockedWriter serialises writes from concurrent trials to one writer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Search trains base once per trial, parallel trials at a time (at least
// 1), each in base.Out/trial-NNN with its log in trial.log there, and each
// with base.Threads (default GOMAXPROCS) / parallel kernel threads. It returns
// the results ranked on validation balanced accuracy (ties: macro-F1, then
// order), prints the ranked table to base.Log and writes best_config.json
// and search.json to base.Out. A failed trial is recorded and the search
// goes on; Search returns an error when every trial failed, when a trial's
// configuration is invalid (before anything runs), or when ctx is cancelled
// (with the results so far).
func Search(ctx context.Context, base Config, trials []Trial, parallel int) ([]TrialResult, error) {
	if len(trials) == 0 {
		return nil, fmt.Errorf("search: no trials")
	}
	if base.Resume {
		return nil, fmt.Errorf("search: -resume does not apply to a search")
	}
	if base.Out == "" {
		base.Out = filepath.Join("runs", "search-"+time.Now().Format("20060102-150405"))
	}
	parallel = min(max(parallel, 1), len(trials))
	total := base.Threads
	if total == 0 {
		total = kernels.Threads()
	}
	per := max(1, total/parallel)
	logw := base.Log
	if logw == nil {
		logw = io.Discard
	}
	log := &logger{w: &lockedWriter{w: logw}, json: base.JSON}

	results := make([]TrialResult, len(trials))
	for i, t := range trials {
		cfg := t.Apply(base)
		cfg.Out = filepath.Join(base.Out, fmt.Sprintf("trial-%03d", i+1))
		cfg.Threads = per
		cfg.NoProgress = cfg.NoProgress || parallel > 1
		if _, err := cfg.withDefaults(); err != nil {
			return nil, fmt.Errorf("trial %d (%s): %w", i+1, t, err)
		}
		cfg.Log = nil
		results[i] = TrialResult{ID: i + 1, Trial: t, Out: cfg.Out, Config: cfg, Score: math.NaN(), MacroF1: math.NaN()}
	}
	if err := os.MkdirAll(base.Out, 0o755); err != nil {
		return nil, fmt.Errorf("search output folder: %w", err)
	}
	// Every trial sets the same thread count, so their own set-and-restore
	// cannot disturb each other; the search restores the caller's at the end.
	defer kernels.SetThreads(kernels.SetThreads(per))
	log.say("search: %d trials, %d at a time, %d kernel threads each -> %s", len(trials), parallel, per, base.Out)
	log.event("search", map[string]any{"trials": len(trials), "parallel": parallel, "threads": per, "out": base.Out})

	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	started := 0
	for i := range results {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		started++
		wg.Add(1)
		go func(tr *TrialResult) {
			defer wg.Done()
			defer func() { <-sem }()
			runTrial(ctx, tr, len(results), log)
		}(&results[i])
	}
	wg.Wait()
	if started == 0 {
		return nil, fmt.Errorf("search interrupted before the first trial: %w", ctx.Err())
	}
	done := results[:started]
	rankTrials(done)
	log.say("%s", TrialTable(done))
	for _, tr := range done {
		log.event("trial_rank", map[string]any{"rank": tr.Rank, "id": tr.ID, "params": tr.Trial, "score": tr.Score, "out": tr.Out})
	}
	if err := writeSearchFiles(base.Out, done); err != nil {
		return done, err
	}
	if ctx.Err() != nil {
		return done, fmt.Errorf("search interrupted after starting %d of %d trials: %w", started, len(results), ctx.Err())
	}
	if done[0].Err != nil {
		return done, fmt.Errorf("search: all %d trials failed; trial %d: %w", len(done), done[0].ID, done[0].Err)
	}
	log.say("best: trial %d (%s), validation balanced accuracy %.3f -> %s", done[0].ID, done[0].Trial, done[0].Score,
		filepath.Join(base.Out, "best_config.json"))
	return done, nil
}

// runTrial trains one trial and fills tr.
func runTrial(ctx context.Context, tr *TrialResult, n int, log *logger) {
	t0 := time.Now()
	log.say("trial %d/%d [%s] -> %s", tr.ID, n, tr.Trial, tr.Out)
	log.event("trial_start", map[string]any{"id": tr.ID, "params": tr.Trial, "out": tr.Out})
	defer func() { tr.Duration = time.Since(t0) }()
	if err := os.MkdirAll(tr.Out, 0o755); err != nil {
		tr.Err = err
		return
	}
	path := filepath.Join(tr.Out, "trial.log")
	f, err := os.Create(path)
	if err != nil {
		tr.Err = err
		return
	}
	defer f.Close()
	cfg := tr.Config
	cfg.Log = f
	res, err := Train(ctx, cfg)
	el := time.Since(t0).Round(time.Second)
	if err != nil {
		tr.Err = err
		log.say("trial %d/%d failed after %s: %v (log: %s)", tr.ID, n, el, err, path)
		log.event("trial_end", map[string]any{"id": tr.ID, "error": err.Error()})
		return
	}
	tr.Result, tr.Score, tr.MacroF1, tr.BestEpoch = res, res.Best.BalancedAccuracy, res.Best.MacroF1, res.BestEpoch
	log.say("trial %d/%d done in %s: validation balanced accuracy %.3f (epoch %d)", tr.ID, n, el, tr.Score, tr.BestEpoch)
	log.event("trial_end", map[string]any{"id": tr.ID, "score": tr.Score, "best_epoch": tr.BestEpoch, "seconds": time.Since(t0).Seconds()})
}

// rankTrials sorts rs best first and numbers their ranks: by score, then
// macro-F1, then ID; failed trials and NaN scores last, in ID order.
func rankTrials(rs []TrialResult) {
	ok := func(r TrialResult) bool { return r.Err == nil && !math.IsNaN(r.Score) }
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if ok(a) != ok(b) {
			return ok(a)
		}
		if ok(a) && a.Score != b.Score {
			return a.Score > b.Score
		}
		if ok(a) && a.MacroF1 != b.MacroF1 && !math.IsNaN(a.MacroF1) && !math.IsNaN(b.MacroF1) {
			return a.MacroF1 > b.MacroF1
		}
		return a.ID < b.ID
	})
	for i := range rs {
		rs[i].Rank = i + 1
	}
}

// TrialTable renders ranked results as a text table with a column per
// setting the trials vary.
func TrialTable(rs []TrialResult) string {
	var keys []string
	for _, k := range SearchKeys {
		for _, r := range rs {
			if r.Trial.Value(k) != "" {
				keys = append(keys, k)
				break
			}
		}
	}
	rows := [][]string{append(append([]string{"rank", "trial"}, keys...), "bal.acc", "macro-F1", "epoch", "time")}
	for _, r := range rs {
		row := []string{fmt.Sprint(r.Rank), fmt.Sprint(r.ID)}
		for _, k := range keys {
			row = append(row, r.Trial.Value(k))
		}
		if r.Err != nil {
			msg := strings.SplitN(r.Err.Error(), "\n", 2)[0]
			row = append(row, "failed: "+clip(msg, 60))
		} else {
			row = append(row, fmt.Sprintf("%.3f", r.Score), fmt.Sprintf("%.3f", r.MacroF1), fmt.Sprint(r.BestEpoch),
				r.Duration.Round(time.Second).String())
		}
		rows = append(rows, row)
	}
	width := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, c := range row {
			if i < len(width) && !(i == len(keys)+2 && strings.HasPrefix(c, "failed: ")) {
				width[i] = max(width[i], len(c))
			}
		}
	}
	var b strings.Builder
	for _, row := range rows {
		for i, c := range row {
			if i > 0 {
				b.WriteString("  ")
			}
			if i == len(row)-1 {
				b.WriteString(c)
			} else {
				fmt.Fprintf(&b, "%-*s", width[i], c)
			}
		}
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}
