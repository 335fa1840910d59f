// This file holds the Loader: it batches a dataset into preallocated
// tensors, decoding and augmenting in a bounded pool of goroutines a bounded
// number of batches ahead, with results that depend only on the seed.

package data

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/gocnn/gocnn/tensor"
)

// LoaderConfig configures a Loader.
type LoaderConfig struct {
	BatchSize int // samples per batch, > 0
	// Channels, Height, Width: the shape of one sample in the batch. Zero
	// values are taken from sample 0 after the transform. Samples with
	// another channel count are converted (1 -> 3 replicates, 3 -> 1 takes
	// the luma); another height or width is an error.
	Channels, Height, Width int
	Transform               Transform // applied to every sample; nil: none
	// Sampler gives each epoch's order; nil: a RandomSampler over the
	// dataset when Shuffle is set, a SequentialSampler otherwise.
	Sampler  Sampler
	Shuffle  bool
	Seed     uint64 // seeds the default sampler and every random transform
	DropLast bool   // drop the last incomplete batch of an epoch
	Workers  int    // decoding goroutines; 0: GOMAXPROCS
	Prefetch int    // batches prepared ahead of the consumer; 0: 2
	// StrictErrors stops the epoch with the error of a sample that fails to
	// load. By default the sample is replaced by the next loadable dataset
	// index (deterministically) and counted in Skipped.
	StrictErrors bool
}

// Batch is one batch, valid until the next call to Next, Start or Close.
type Batch struct {
	X       *tensor.Tensor // [N, C, H, W]
	Y       *tensor.Tensor // [N], the labels as float32 (targets for BCE)
	Labels  []int          // N labels
	Indices []int          // N dataset indices
	N       int
	Epoch   int
	Index   int // batch number within the epoch

	xFull, yFull *tensor.Tensor
	xPart, yPart *tensor.Tensor // views for a short last batch
	labels, idx  []int
	pending      atomic.Int32
	ready        chan struct{}
	errMu        sync.Mutex
	err          error
	errSlot      int // slot of err: the first failing sample in batch order
}

// setErr records the error of the sample in slot, keeping the one of the
// lowest slot whatever order the workers finish in, so that a strict epoch
// always reports the first unreadable sample of the batch.
func (b *Batch) setErr(slot int, err error) {
	b.errMu.Lock()
	if b.err == nil || slot < b.errSlot {
		b.err, b.errSlot = err, slot
	}
	b.errMu.Unlock()
}

// LoaderState is where a loader stands: the epoch and the number of its
// batches already delivered. Saved with a checkpoint and given to Resume,
// it replays the rest of the epoch exactly.
type LoaderState struct {
	Epoch int `json:"epoch"`
	Batch int `json:"batch"`
}

type job struct {
	gen      int64
	epoch    int
	buf, pos int // buffer, position in the epoch order
	slot     int
	idx      int
}

// Loader batches a dataset. Use it from one goroutine:
//
//	l, err := data.NewLoader(ds, cfg)
//	defer l.Close()
//	for epoch := 0; epoch < n; epoch++ {
//		l.Start(epoch)
//		for l.Next() {
//			b := l.Batch() // b.X [N,C,H,W], b.Labels
//		}
//		if err := l.Err(); err != nil { ... }
//	}
type Loader struct {
	ds      Dataset
	cfg     LoaderConfig
	sampler Sampler
	c, h, w int
	bufs    []*Batch
	jobs    chan job
	free    chan struct{}
	workers sync.WaitGroup
	gen     atomic.Int64

	// Epoch state, owned by the consumer goroutine.
	order    []int
	epoch    int
	nb, next int
	held     int // buffer held by the consumer, or -1
	cur      *Batch
	err      error
	running  bool
	cancel   chan struct{}
	done     chan struct{}
	inflight sync.WaitGroup
	closed   bool

	skipMu  sync.Mutex
	skipped map[int]error
}

// NewLoader checks the configuration, sizes the batch buffers and starts the
// worker goroutines; call Close to stop them. It panics on a non-positive
// batch size (a programmer error) and returns an error when the sample shape
// must be inferred and sample 0 cannot be loaded.
func NewLoader(ds Dataset, cfg LoaderConfig) (*Loader, error) {
	if cfg.BatchSize <= 0 {
		panic(fmt.Sprintf("data: NewLoader: batch size %d", cfg.BatchSize))
	}
	if ds.Len() == 0 {
		return nil, errors.New("loader: empty dataset")
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.Prefetch <= 0 {
		cfg.Prefetch = 2
	}
	l := &Loader{ds: ds, cfg: cfg, sampler: cfg.Sampler, held: -1, skipped: map[int]error{}}
	if l.sampler == nil {
		if cfg.Shuffle {
			l.sampler = RandomSampler{N: ds.Len(), Seed: cfg.Seed}
		} else {
			l.sampler = SequentialSampler{N: ds.Len()}
		}
	}
	l.c, l.h, l.w = cfg.Channels, cfg.Height, cfg.Width
	if l.c == 0 || l.h == 0 || l.w == 0 {
		s := &Sample{}
		s.reseed(cfg.Seed, 0, 0)
		if err := ds.Load(0, &s.Image); err != nil {
			return nil, fmt.Errorf("loader: inferring the sample shape: %w", err)
		}
		if cfg.Transform != nil {
			cfg.Transform.Apply(s)
		}
		l.c, l.h, l.w = pick(l.c, s.C), pick(l.h, s.H), pick(l.w, s.W)
	}
	B := cfg.BatchSize
	R := cfg.Prefetch + 1
	l.bufs = make([]*Batch, R)
	for i := range l.bufs {
		b := &Batch{
			xFull: tensor.Zeros(B, l.c, l.h, l.w), yFull: tensor.Zeros(B),
			labels: make([]int, B), idx: make([]int, B), ready: make(chan struct{}, 1),
		}
		l.bufs[i] = b
	}
	l.free = make(chan struct{}, R)
	for range R {
		l.free <- struct{}{}
	}
	l.jobs = make(chan job, B)
	for range cfg.Workers {
		l.workers.Add(1)
		go l.work()
	}
	return l, nil
}

func pick(set, got int) int {
	if set != 0 {
		return set
	}
	return got
}

// SampleShape returns the C, H, W of one sample in a batch.
func (l *Loader) SampleShape() (c, h, w int) { return l.c, l.h, l.w }

// NumBatches returns the number of batches in an epoch.
func (l *Loader) NumBatches() int {
	n, b := l.sampler.Len(), l.cfg.BatchSize
	if l.cfg.DropLast {
		return n / b
	}
	return (n + b - 1) / b
}

// Sampler returns the sampler that orders the epochs.
func (l *Loader) Sampler() Sampler { return l.sampler }

// Start begins the given epoch at its first batch, abandoning any epoch in
// progress.
func (l *Loader) Start(epoch int) { l.Resume(LoaderState{Epoch: epoch}) }

// Resume continues an epoch at st.Batch: the batches it delivers are those
// an uninterrupted run would have delivered from there on.
func (l *Loader) Resume(st LoaderState) {
	if l.closed {
		panic("data: Loader.Resume: loader is closed")
	}
	l.stop()
	l.epoch, l.err, l.cur = st.Epoch, nil, nil
	l.order = l.sampler.Epoch(l.order[:0], st.Epoch)
	l.nb = l.NumBatches()
	l.next = min(max(st.Batch, 0), l.nb)
	gen := l.gen.Add(1)
	l.cancel, l.done = make(chan struct{}), make(chan struct{})
	l.running = true
	go l.feed(gen, l.next, l.nb, l.cancel, l.done)
}

// State returns the current epoch and the number of its batches delivered
// so far.
func (l *Loader) State() LoaderState { return LoaderState{Epoch: l.epoch, Batch: l.next} }

// Next waits for the next batch of the epoch and reports whether there is
// one; it returns false at the end of the epoch or on an error (see Err).
// The previous batch's buffers are reused from here on.
func (l *Loader) Next() bool {
	if l.held >= 0 {
		l.free <- struct{}{}
		l.held = -1
	}
	l.cur = nil
	if !l.running || l.err != nil || l.next >= l.nb {
		return false
	}
	k := l.next
	i := k % len(l.bufs)
	b := l.bufs[i]
	<-b.ready
	l.held = i
	l.next++
	if b.err != nil {
		l.err = b.err
		return false
	}
	l.cur = b
	return true
}

// Batch returns the batch that the last successful Next delivered.
func (l *Loader) Batch() *Batch { return l.cur }

// Err returns the error that ended the epoch, if any.
func (l *Loader) Err() error { return l.err }

// Skipped returns the samples that failed to load and were replaced, by
// dataset index, with their errors.
func (l *Loader) Skipped() map[int]error {
	l.skipMu.Lock()
	defer l.skipMu.Unlock()
	out := make(map[int]error, len(l.skipped))
	for k, v := range l.skipped {
		out[k] = v
	}
	return out
}

// Close stops the epoch in progress and joins the workers. The loader is
// unusable afterwards.
func (l *Loader) Close() error {
	if l.closed {
		return nil
	}
	l.stop()
	l.closed = true
	close(l.jobs)
	l.workers.Wait()
	return nil
}

// stop abandons the epoch in progress: it stops the feeder, waits for the
// jobs already queued, and returns every buffer to the free list.
func (l *Loader) stop() {
	if !l.running {
		return
	}
	l.gen.Add(1) // workers skip stale jobs
	close(l.cancel)
	<-l.done
	l.inflight.Wait()
	for _, b := range l.bufs {
		select {
		case <-b.ready:
		default:
		}
	}
	for len(l.free) > 0 {
		<-l.free
	}
	for range l.bufs {
		l.free <- struct{}{}
	}
	l.held = -1
	l.running = false
}

// feed queues the samples of batches [from, nb), one buffer at a time.
func (l *Loader) feed(gen int64, from, nb int, cancel, done chan struct{}) {
	defer close(done)
	B := l.cfg.BatchSize
	for k := from; k < nb; k++ {
		select {
		case <-l.free:
		case <-cancel:
			return
		}
		bi := k % len(l.bufs)
		b := l.bufs[bi]
		lo := k * B
		hi := min(lo+B, len(l.order))
		b.prepare(hi-lo, l.epoch, k)
		b.pending.Store(int32(hi - lo))
		for p := lo; p < hi; p++ {
			l.inflight.Add(1)
			select {
			case l.jobs <- job{gen: gen, epoch: l.epoch, buf: bi, pos: p, slot: p - lo, idx: l.order[p]}:
			case <-cancel:
				l.inflight.Done()
				return
			}
		}
	}
}

// prepare sets the batch's size and views for n samples.
func (b *Batch) prepare(n, epoch, index int) {
	b.N, b.Epoch, b.Index, b.err = n, epoch, index, nil
	b.Labels, b.Indices = b.labels[:n], b.idx[:n]
	if n == b.xFull.Dim(0) {
		b.X, b.Y = b.xFull, b.yFull
		return
	}
	if b.xPart == nil || b.xPart.Dim(0) != n {
		b.xPart, b.yPart = b.xFull.Slice(0, n), b.yFull.Slice(0, n)
	}
	b.X, b.Y = b.xPart, b.yPart
}

// work runs one worker: it loads, transforms and copies samples into their
// batch slots until the job channel closes.
func (l *Loader) work() {
	defer l.workers.Done()
	s := &Sample{}
	chw := l.c * l.h * l.w
	for j := range l.jobs {
		if j.gen != l.gen.Load() {
			l.inflight.Done()
			continue
		}
		b := l.bufs[j.buf]
		idx, err := l.load(s, j)
		if err == nil {
			if s.H != l.h || s.W != l.w {
				err = fmt.Errorf("%s: %dx%d after the transform, the loader expects %dx%d (add a Resize and CenterCrop)", sampleName(l.ds, idx), s.H, s.W, l.h, l.w)
			} else {
				convertChannels(b.xFull.Data()[j.slot*chw:(j.slot+1)*chw], &s.Image, l.c)
				y := l.ds.Label(idx)
				b.labels[j.slot], b.idx[j.slot] = y, idx
				b.yFull.Data()[j.slot] = float32(y)
			}
		}
		if err != nil {
			b.setErr(j.slot, err)
		}
		if b.pending.Add(-1) == 0 {
			b.ready <- struct{}{}
		}
		l.inflight.Done()
	}
}

// maxReplace bounds the indices tried in place of an unreadable sample.
const maxReplace = 16

// load loads and transforms job j's sample, or (unless StrictErrors) the
// first loadable index after it; it returns the index used.
func (l *Loader) load(s *Sample, j job) (int, error) {
	n := l.ds.Len()
	var first error
	for k := 0; k <= maxReplace && k < n; k++ {
		idx := (j.idx + k) % n
		s.reseed(l.cfg.Seed, uint64(j.epoch), uint64(j.pos))
		err := l.ds.Load(idx, &s.Image)
		if err == nil {
			if l.cfg.Transform != nil {
				l.cfg.Transform.Apply(s)
			}
			return idx, nil
		}
		l.skipMu.Lock()
		l.skipped[idx] = err
		l.skipMu.Unlock()
		if first == nil {
			first = err
		}
		if l.cfg.StrictErrors {
			break
		}
	}
	return j.idx, first
}
