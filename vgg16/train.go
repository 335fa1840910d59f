// This file is the trainer: it ties data, model, loss, optimizer, the
// collapse detector and checkpoints into Train.

package vgg16

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gocnn/gocnn/data"
	"github.com/gocnn/gocnn/kernels"
	"github.com/gocnn/gocnn/nn"
	"github.com/gocnn/gocnn/optim"
	"github.com/gocnn/gocnn/tensor"
)

// Result summarises a finished training run.
type Result struct {
	Best       Metrics   `json:"best"`       // validation metrics of the best checkpoint
	BestEpoch  int       `json:"best_epoch"` // 1-based
	Threshold  float64   `json:"threshold"`  // decision threshold (binary tasks)
	Strategy   string    `json:"strategy"`   // imbalance strategy finally in use
	Collapsed  bool      `json:"collapsed"`  // the detector fired at the last check
	Diagnosis  Diagnosis `json:"diagnosis"`
	Checkpoint string    `json:"checkpoint"` // path of the best checkpoint
	Steps      int       `json:"steps"`      // optimizer steps taken
	Classes    []string  `json:"classes"`
	// Test holds metrics on the embedded test split, when training on it.
	Test   *Metrics      `json:"test,omitempty"`
	Epochs []EpochRecord `json:"epochs"`
}

// EpochRecord is one line of metrics.jsonl.
type EpochRecord struct {
	Epoch        int       `json:"epoch"`
	Step         int       `json:"step"`
	TrainLoss    float64   `json:"train_loss"`
	ValLoss      float64   `json:"val_loss"`
	LR           float64   `json:"lr"`
	GradNorm     float64   `json:"grad_norm"`
	ImagesPerSec float64   `json:"images_per_sec"`
	Threshold    float64   `json:"threshold"`
	Strategy     string    `json:"strategy"`
	Val          Metrics   `json:"val"`     // at the tuned threshold
	ValRaw       Metrics   `json:"val_raw"` // at probability 0.5 / argmax
	Collapse     Diagnosis `json:"collapse"`
}

// run is the state of one training run.
type run struct {
	cfg        Config
	log        *logger
	bar        *progress
	td         *trainData
	plan       data.ImbalancePlan
	strategy   string
	model      *Model
	loss       *lossFn
	opt        optim.Optimizer
	loader     *data.Loader
	val        *data.Loader
	k          int
	step       int
	losses     []float64 // per-step training loss, this epoch
	recent     []float64 // running losses for the collapse detector
	gradNorm   float64
	best       float64
	bestEp     int
	thr        float64
	records    []EpochRecord
	conflicts  int
	cache      *FeatureCache
	headLoaded bool    // the output layer came from -weights // the frozen backbone's training features, when worthwhile
	lrScale    float64 // the remedies' factor on cfg.LR
	totalSteps int     // the steps the schedule spans (planned at each epoch's start)
	sam        sam     // sharpness-aware minimisation, when on
}

// Train trains a VGG as cfg says and returns the result. It writes
// best.safetensors, last.safetensors and metrics.jsonl to cfg.Out. When ctx
// is cancelled (SIGINT, SIGTERM) it finishes the current step, writes
// last.safetensors and returns an error saying so.
func Train(ctx context.Context, cfg Config) (*Result, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.Threads > 0 {
		defer kernels.SetThreads(kernels.SetThreads(cfg.Threads))
	}
	r := &run{cfg: cfg, log: &logger{w: cfg.Log, json: cfg.JSON}, best: -1, thr: 0.5, lrScale: 1}
	r.bar = newProgress(!cfg.JSON && !cfg.NoProgress && isTerminal(os.Stderr))
	if err := r.setup(); err != nil {
		return nil, err
	}
	defer r.loader.Close()
	defer r.val.Close()
	return r.train(ctx)
}

// setup opens the data and builds the model, loss, optimizer and loaders.
func (r *run) setup() error {
	cfg := r.cfg
	td, err := openData(cfg)
	if err != nil {
		return err
	}
	r.td = td
	r.k = len(td.classes)
	for _, w := range td.warnings {
		r.log.say("warning: %s", w)
	}
	td.pre, err = choosePreprocess(cfg, td.train, cfg.Weights != "")
	if err != nil {
		return err
	}
	r.plan = data.PlanImbalance(td.counts)
	switch {
	case r.k != 2 && cfg.MinorityRepeat > 1:
		return fmt.Errorf("-minority-repeat %d: a count applies to two classes; with %d, 0 takes the imbalance plan's repeats and 1 turns them off", cfg.MinorityRepeat, r.k)
	case r.k != 2 && cfg.MinorityRepeat == 1:
		r.plan = r.plan.WithRepeat(1)
	case r.k != 2:
	case cfg.MinorityRepeat > 0:
		r.plan = r.plan.WithRepeat(cfg.MinorityRepeat)
		if n, total := td.counts[r.plan.Minority], td.counts[0]+td.counts[1]; cfg.MinorityRepeat*n > total {
			return fmt.Errorf("-minority-repeat %d: %d repeats of the %d %q images do not fit in an epoch of %d",
				cfg.MinorityRepeat, cfg.MinorityRepeat, n, td.classes[r.plan.Minority], total)
		}
	case cfg.PosWeight > 0:
		r.plan = r.plan.WithRepeat(1) // an explicit weight is the whole remedy
	}
	if cfg.PosWeight > 0 && r.k == 2 {
		r.plan.PosWeight = cfg.PosWeight
	}
	r.strategy = cfg.Imbalance
	if r.strategy == "auto" {
		r.strategy = r.plan.Strategy
	}
	if r.k != 2 && r.strategy != "weights" {
		r.plan = r.plan.WithRepeat(1) // only the weighted loss repeats classes
	}
	head := cfg.Head
	if head == "auto" {
		head = HeadTorchvision
		if td.pre.Size < 64 {
			head = HeadCompact
		}
	}
	outputs := r.k
	if r.k == 2 {
		outputs = 1
	}
	spec := Spec{Arch: cfg.Arch, InChannels: td.pre.Channels, Size: td.pre.Size, Outputs: outputs, Head: head, Algo: cfg.Algo}
	if head == HeadCompact {
		spec.Dropout = cfg.HeadDropout
	}
	if r.model, err = New(spec, cfg.Seed); err != nil {
		return err
	}
	if cfg.Weights != "" {
		rep, err := LoadWeights(r.model, cfg.Weights, false)
		if err != nil {
			return err
		}
		r.log.say("loaded %s: %s", cfg.Weights, rep)
		for _, name := range rep.Loaded {
			if r.model.Last.Bias != nil && name == r.model.Last.Bias.Name {
				r.headLoaded = true // the file's head fits: keep its bias
			}
		}
	}
	if cfg.FreezeFeatures {
		r.model.FreezeFeatures()
	}
	r.initBias()
	if r.cfg.Batch == 0 {
		r.cfg.Batch = 8
		if head == HeadCompact {
			r.cfg.Batch = 64
		}
	}
	r.loss = newLoss(r.strategy, r.plan, r.k)
	r.opt = newOptimizer(r.cfg, r.model)
	r.setupSAM()
	if err := r.newLoaders(); err != nil {
		return err
	}
	r.describe(head)
	if cfg.FreezeFeatures && CacheWorthwhile(true, cfg.Augment || cfg.Erase > 0 || translatePixels(cfg, td.pre.Size) > 0) {
		c, err := BuildFeatureCache(context.Background(), r.model, r.td.train, r.td.pre.Transform(), CacheOptions{Batch: r.cfg.Batch, MaxBytes: 2 << 30})
		if err != nil {
			r.log.say("feature cache: %v; training with full forward passes", err)
		} else {
			r.cache = c
			r.log.say("feature cache: the frozen backbone's output for %d training images (%d MiB); steps train the head alone", c.Len(), c.Bytes()>>20)
		}
	}
	return nil
}

// initBias sets the output bias to the class prior the loss sees: the
// plan's BiasInit under the plan's own strategy; under a forced strategy,
// zero when it balances the classes (weights, resampling) and the log prior
// of the training counts when it does not (none, focal).
func (r *run) initBias() {
	b := r.model.Last.Bias
	if b == nil || r.headLoaded {
		return
	}
	vals := b.Value.Data()
	if r.strategy == r.plan.Strategy {
		if r.k == 2 {
			vals[0] = float32(r.plan.BiasInit[0])
			return
		}
		for c := range vals {
			vals[c] = float32(r.plan.BiasInit[c])
		}
		return
	}
	clear(vals)
	if r.strategy != "none" && r.strategy != "focal" {
		return
	}
	counts, total := r.td.counts, 0
	for _, n := range counts {
		total += n
	}
	prior := func(n int) float64 { return math.Log(max(float64(n), 0.5) / float64(total)) }
	if r.k == 2 {
		vals[0] = float32(prior(counts[1]) - prior(counts[0]))
		return
	}
	for c := range vals {
		vals[c] = float32(prior(counts[c]))
	}
}

// newOptimizer builds cfg's optimizer over the trainable parameters.
func newOptimizer(cfg Config, m *Model) optim.Optimizer {
	groups := optim.ParamsOf(nn.Trainable(m.Params()), cfg.LR, 0)
	switch cfg.Optim {
	case "sgd":
		return optim.NewSGD(groups, optim.SGDConfig{Momentum: 0.9})
	case "adamw":
		for _, g := range groups {
			g.WeightDecay = 0.01
		}
		return optim.NewAdamW(groups, optim.AdamConfig{})
	}
	return optim.NewAdam(groups, optim.AdamConfig{})
}

// newLoaders builds the training loader (sampler by strategy, augmentation)
// and the validation loader.
func (r *run) newLoaders() error {
	if r.loader != nil {
		r.loader.Close()
	}
	pre := r.td.pre
	labels := data.Labels(r.td.train)
	var sampler data.Sampler
	switch r.strategy {
	case "oversample":
		sampler = data.BalancedSampler(labels, r.k, r.cfg.Seed)
	case "undersample":
		sampler = data.Undersampler(labels, r.k, 1, r.cfg.Seed)
	default:
		if rs, ok := r.repeatSampler(labels); ok {
			sampler = rs
		} else if r.cfg.BatchOrder == "stratified" {
			sampler = data.StratifiedSampler{Labels: labels, Seed: r.cfg.Seed}
		}
	}
	n := r.td.train.Len()
	if sampler != nil {
		n = sampler.Len()
	}
	batch := min(r.cfg.Batch, n)
	var err error
	r.loader, err = data.NewLoader(r.td.train, data.LoaderConfig{
		BatchSize: batch, Channels: pre.Channels, Height: pre.Size, Width: pre.Size,
		Transform: pre.trainTransform(translatePixels(r.cfg, pre.Size), r.cfg.Augment, r.cfg.Erase), Sampler: sampler, Shuffle: true,
		Seed: r.cfg.Seed, DropLast: n >= 2*batch,
	})
	if err != nil {
		return err
	}
	if r.val == nil {
		r.val, err = data.NewLoader(r.td.val, data.LoaderConfig{
			BatchSize: batch, Channels: pre.Channels, Height: pre.Size, Width: pre.Size,
			Transform: pre.Transform(),
		})
	}
	return err
}

// repeatSampler returns the sampler that repeats a binary task's minority
// images (the plan's Repeat), or the rare classes of a larger task (its
// Repeats), under the weighted loss, whose weights count on it, and false
// when there is nothing to repeat.
func (r *run) repeatSampler(labels []int) (data.RepeatSampler, bool) {
	rs := data.RepeatSampler{Labels: labels, Random: r.cfg.BatchOrder != "stratified", Seed: r.cfg.Seed}
	switch {
	case r.strategy != "weights":
		return rs, false
	case r.k == 2 && r.plan.Repeat > 1:
		rs.Class, rs.Repeat, rs.From = r.plan.Minority, r.plan.Repeat, r.cfg.RepeatFrom-1
		return rs, true
	case r.k > 2 && r.plan.Repeats != nil:
		rs.Repeats = r.plan.Repeats
		return rs, true
	}
	return rs, false
}

// epochPosWeight sets the BCE pos_weight for epoch (0-based) and returns
// it: the plan's, or, in the epochs before Config.RepeatFrom, when the
// minority is not repeated yet, the plan's times the repeat count, so that
// the minority's share of the loss stays the same. It returns 0 and does
// nothing when no repeats are planned (or without a pos_weight).
func (r *run) epochPosWeight(epoch int) float64 {
	rs, ok := r.repeatSampler(nil)
	if !ok || rs.Repeats != nil || r.loss.bce == nil || r.loss.bce.PosWeight == nil {
		return 0
	}
	pw := r.plan.PosWeight
	if epoch < rs.From {
		pw *= float64(rs.Repeat)
	}
	r.loss.bce.PosWeight.Data()[0] = float32(pw)
	return pw
}

// overrides names the flags that replace part of the imbalance rule's
// choice (the rule line describes the plan before them), or "".
func (r *run) overrides() string {
	var o []string
	if r.cfg.MinorityRepeat > 0 {
		o = append(o, fmt.Sprintf("-minority-repeat %d", r.cfg.MinorityRepeat))
	}
	if r.cfg.PosWeight > 0 && r.k == 2 {
		o = append(o, fmt.Sprintf("-pos-weight %g", r.cfg.PosWeight))
	}
	if len(o) == 0 {
		return ""
	}
	return strings.Join(o, ", ") + " (the strategy line above gives the figures in use)"
}

// augmentation lists the training augmentation in use, or says "none".
func (r *run) augmentation() string {
	var a []string
	if px := translatePixels(r.cfg, r.td.pre.Size); px > 0 {
		a = append(a, fmt.Sprintf("shift up to %d px", px))
	}
	if r.cfg.Augment {
		a = append(a, "horizontal flips")
	}
	if r.cfg.Erase > 0 {
		a = append(a, fmt.Sprintf("random erasing p=%g", r.cfg.Erase))
	}
	if len(a) == 0 {
		return "none"
	}
	return strings.Join(a, ", ")
}

// describe prints what the trainer is about to do.
func (r *run) describe(head string) {
	p := r.plan
	m := r.model
	r.log.say("data: %d training images, %d validation; classes %v; counts %v (ratio %.1f:1)",
		r.td.train.Len(), r.td.val.Len(), r.td.classes, r.td.counts, p.Ratio)
	repeat := ""
	if rs, ok := r.repeatSampler(nil); ok && rs.Repeats == nil {
		repeat = fmt.Sprintf("; each %q image %d times per epoch", r.td.classes[p.Minority], p.Repeat)
		if rs.From > 0 && rs.From < r.cfg.Epochs {
			repeat += fmt.Sprintf(" from epoch %d; before it once, with pos_weight %.3g", rs.From+1, p.PosWeight*float64(p.Repeat))
		} else if rs.From > 0 {
			repeat = fmt.Sprintf("; each image once, with pos_weight %.3g: -repeat-from %d is past the last epoch", p.PosWeight*float64(p.Repeat), rs.From+1)
		}
	} else if ok {
		repeat = fmt.Sprintf("; each class's images %v times per epoch", rs.Repeats)
	}
	r.log.say("imbalance: %s -> strategy %q (%s%s)", r.cfg.Imbalance, r.strategy, r.loss.desc, repeat)
	if r.cfg.Imbalance == "auto" {
		r.log.say("  rule: %s", p.Reason)
		if o := r.overrides(); o != "" {
			r.log.say("  set by flags instead: %s", o)
		}
	}
	if m.Spec.Head == HeadCompact && m.Spec.Dropout > 0 {
		head = fmt.Sprintf("%s (dropout %g)", head, m.Spec.Dropout)
	}
	r.log.say("model: %s, %s head, %dx%dx%d input, %d outputs, %.1fM parameters; %s lr %g, batch %d, %d epochs, kernels %s x%d",
		m.Spec.Arch, head, m.Spec.InChannels, m.Spec.Size, m.Spec.Size, m.Spec.Outputs, float64(m.NumParams())/1e6,
		r.cfg.Optim, r.cfg.LR, r.cfg.Batch, r.cfg.Epochs, kernels.Active(), kernels.Threads())
	samDesc := "SAM " + r.sam.why
	if r.sam.rho > 0 {
		samDesc = fmt.Sprintf("SAM rho %g (%s; two passes a step)", r.sam.rho, r.sam.why)
	}
	r.log.say("training: %s batch order; augmentation: %s; %s learning rate; %s",
		r.cfg.BatchOrder, r.augmentation(), r.cfg.Schedule, samDesc)
	reps, classReps := 1, []int(nil)
	if rs, ok := r.repeatSampler(nil); ok {
		reps, classReps = max(rs.Repeat, 1), rs.Repeats
	}
	r.log.event("setup", map[string]any{"classes": r.td.classes, "counts": r.td.counts, "ratio": p.Ratio,
		"strategy": r.strategy, "loss": r.loss.desc, "minority_repeat": reps, "repeat_from": r.cfg.RepeatFrom, "class_repeats": classReps, "sam_rho": r.sam.rho, "arch": m.Spec.Arch, "head": head, "size": m.Spec.Size,
		"batch": r.cfg.Batch, "epochs": r.cfg.Epochs, "lr": r.cfg.LR})
}

// train runs the epochs.
func (r *run) train(ctx context.Context) (*Result, error) {
	if err := os.MkdirAll(r.cfg.Out, 0o755); err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	startEpoch, startBatch := 0, 0
	if r.cfg.Resume {
		var err error
		if startEpoch, startBatch, err = r.resume(); err != nil {
			return nil, err
		}
	}
	res := &Result{Classes: r.td.classes}
	var lastDiag Diagnosis
	for epoch := startEpoch; epoch < r.cfg.Epochs; epoch++ {
		r.epochPosWeight(epoch)
		t0 := time.Now()
		images, err := r.runEpoch(ctx, epoch, startBatch)
		startBatch = 0
		if err != nil {
			return nil, err
		}
		rate := float64(images) / time.Since(t0).Seconds()
		rec, err := r.endEpoch(epoch, rate)
		if err != nil {
			return nil, err
		}
		lastDiag = rec.Collapse
		if r.cfg.MaxSteps > 0 && r.step >= r.cfg.MaxSteps {
			break
		}
		if rec.Collapse.Collapsed && r.cfg.OnCollapse == "stop" {
			r.log.say("stopping: the model collapsed (-on-collapse stop)")
			break
		}
	}
	res.Steps, res.Strategy, res.Collapsed, res.Diagnosis = r.step, r.strategy, lastDiag.Collapsed, lastDiag
	res.Epochs = r.records
	res.Checkpoint = filepath.Join(r.cfg.Out, "best.safetensors")
	if err := r.finish(res); err != nil {
		return nil, err
	}
	return res, nil
}

// runEpoch trains one epoch from batch `from` and returns the images seen.
func (r *run) runEpoch(ctx context.Context, epoch, from int) (int, error) {
	r.model.SetTrain(true)
	if r.cfg.FreezeFeatures {
		// A frozen backbone must not drift: batch norm keeps its running
		// statistics, as the feature cache assumes. (The Sequential itself
		// stays in training mode: only its BN layers switch.)
		for i := 0; i < r.model.Features.Len(); i++ {
			if bn, ok := r.model.Features.At(i).(*nn.BatchNorm2d); ok {
				bn.SetTrain(false)
			}
		}
	}
	if r.cache != nil {
		return r.runCachedEpoch(ctx, epoch)
	}
	r.loader.Resume(data.LoaderState{Epoch: epoch, Batch: from})
	if from == 0 {
		r.losses = r.losses[:0]
	}
	r.planSteps(epoch, from, r.loader.NumBatches())
	r.bar.begin(fmt.Sprintf("epoch %d/%d", epoch+1, r.cfg.Epochs), r.loader.NumBatches()*r.cfg.Batch)
	defer r.bar.end()
	images := 0
	for r.loader.Next() {
		b := r.loader.Batch()
		logits := r.model.Forward(b.X)
		loss := r.loss.forward(logits, b.Labels)
		if err := nn.CheckLoss(r.step, loss); err != nil {
			last := filepath.Join(r.cfg.Out, "last.safetensors")
			if _, serr := os.Stat(last); serr != nil {
				return images, fmt.Errorf("%w before the first checkpoint (try a lower -lr; gocnn doctor checks the images)", err)
			}
			return images, fmt.Errorf("%w; the last good checkpoint, %s, is kept (try a lower -lr, or -resume from it)", err, last)
		}
		r.model.Backward(r.loss.backward())
		r.gradNorm = optim.ClipGradNorm(r.model.Params(), math.Inf(1))
		if r.sam.rho > 0 {
			r.samStep(r.model, b.X, b.Labels)
		}
		r.setLR()
		r.opt.Step()
		r.opt.ZeroGrad()
		r.step++
		images += b.N
		r.losses = append(r.losses, loss)
		r.bar.step(b.N, loss)
		if r.cfg.EvalEvery > 0 && r.step%r.cfg.EvalEvery == 0 {
			r.bar.end()
			if _, _, d, err := r.evaluate(); err == nil && d.Collapsed {
				r.log.say("step %d: %s", r.step, d.Message)
			}
			r.model.SetTrain(true)
		}
		if ctx.Err() != nil || (r.cfg.MaxSteps > 0 && r.step >= r.cfg.MaxSteps) {
			st := r.loader.State()
			if ctx.Err() != nil {
				r.bar.end()
				path := filepath.Join(r.cfg.Out, "last.safetensors")
				if err := r.saveLast(st.Epoch, st.Batch); err != nil {
					return images, err
				}
				return images, fmt.Errorf("interrupted at step %d; checkpoint written to %s (continue with -resume)", r.step, path)
			}
			break
		}
	}
	if err := r.loader.Err(); err != nil {
		return images, err
	}
	if n := len(r.loader.Skipped()); n > 0 {
		r.log.say("warning: %d unreadable training images skipped (gocnn doctor lists them)", n)
	}
	return images, nil
}

// runCachedEpoch trains the head on cached backbone features: the same
// loss, optimizer and sampler order as a full step, at a fraction of the
// cost.
func (r *run) runCachedEpoch(ctx context.Context, epoch int) (int, error) {
	r.losses = r.losses[:0]
	order := data.RandomSampler{N: r.cache.Len(), Seed: r.cfg.Seed}.Epoch(nil, epoch)
	if r.strategy == "oversample" {
		order = data.BalancedSampler(r.cache.Labels, r.k, r.cfg.Seed).Epoch(nil, epoch)
	}
	if rs, ok := r.repeatSampler(r.cache.Labels); ok {
		order = rs.Epoch(nil, epoch)
	}
	batch := min(r.cfg.Batch, len(order))
	nb := len(order) / batch
	if len(order) < 2*r.cfg.Batch && len(order)%batch != 0 {
		nb++
	}
	r.planSteps(epoch, 0, nb)
	images := 0
	err := r.cache.Batches(order, min(r.cfg.Batch, len(order)), len(order) >= 2*r.cfg.Batch, func(x, _ *tensor.Tensor, labels []int) error {
		logits := r.model.Classifier.Forward(x)
		loss := r.loss.forward(logits, labels)
		if err := nn.CheckLoss(r.step, loss); err != nil {
			return err
		}
		r.model.Classifier.Backward(r.loss.backward())
		r.gradNorm = optim.ClipGradNorm(r.model.Params(), math.Inf(1))
		if r.sam.rho > 0 {
			r.samStep(headNet{r.model.Classifier}, x, labels)
		}
		r.setLR()
		r.opt.Step()
		r.opt.ZeroGrad()
		r.step++
		images += len(labels)
		r.losses = append(r.losses, loss)
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted at step %d", r.step)
		}
		if r.cfg.MaxSteps > 0 && r.step >= r.cfg.MaxSteps {
			return errStop
		}
		return nil
	})
	if err == errStop {
		err = nil
	}
	return images, err
}

// planSteps sets the steps the learning-rate schedule spans, at the start
// of an epoch (from its batch from) of nb batches: the steps taken so far
// plus those left at nb per epoch. It depends only on the run's position,
// so a resumed run plans the same schedule; MaxSteps does not shorten it
// (it stops a run, as an interruption would).
func (r *run) planSteps(epoch, from, nb int) {
	r.totalSteps = r.step + (r.cfg.Epochs-epoch)*nb - from
}

// lrFactor is the schedule's factor on the learning rate at step t (0-based)
// of total: 1 for "constant", (1+cos(πt/total))/2 for "cosine".
func lrFactor(schedule string, t, total int) float64 {
	if schedule != "cosine" || total <= 1 {
		return 1
	}
	return (1 + math.Cos(math.Pi*float64(min(t, total))/float64(total))) / 2
}

// setLR sets every group's learning rate for the step about to be taken.
func (r *run) setLR() {
	lr := r.cfg.LR * r.lrScale * lrFactor(r.cfg.Schedule, r.step, r.totalSteps)
	for _, g := range r.opt.Groups() {
		g.LR = lr
	}
}

// errStop ends an epoch early without an error (-max-steps).
var errStop = errors.New("stop")

// mean returns the mean of v (NaN when empty).
func mean(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// jsonRaw marshals v, ignoring errors (the types are ours and marshal).
func jsonRaw(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}
