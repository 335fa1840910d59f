// This file holds the samplers: the order in which a Loader visits a
// dataset in each epoch, including the class-balanced ones that counter
// class imbalance. Every sampler is a pure function of its configuration,
// its seed and the epoch number, which is what makes a run resumable.

package data

import (
	"fmt"
	"math"
	"sort"

	"github.com/gocnn/gocnn/tensor"
)

// Sampler chooses the dataset indices of an epoch.
type Sampler interface {
	// Epoch appends the indices to visit in the given epoch to dst and
	// returns it. The result depends only on the sampler and epoch, so
	// resuming at (epoch, batch) replays the same order.
	Epoch(dst []int, epoch int) []int
	// Len returns the number of indices per epoch.
	Len() int
}

// SequentialSampler visits 0, 1, ..., N-1 every epoch.
type SequentialSampler struct{ N int }

func (s SequentialSampler) Len() int { return s.N }
func (s SequentialSampler) Epoch(dst []int, _ int) []int {
	for i := 0; i < s.N; i++ {
		dst = append(dst, i)
	}
	return dst
}

// RandomSampler visits a random permutation of [0, N) every epoch, a
// different one per epoch, determined by Seed (PyTorch's RandomSampler
// without replacement).
type RandomSampler struct {
	N    int
	Seed uint64
}

func (s RandomSampler) Len() int { return s.N }
func (s RandomSampler) Epoch(dst []int, epoch int) []int {
	start := len(dst)
	dst = SequentialSampler{s.N}.Epoch(dst, epoch)
	p := dst[start:]
	epochRNG(s.Seed, epoch).Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
	return dst
}

// StratifiedSampler visits a random permutation of [0, len(Labels)) in
// which every class is spread evenly over the epoch, so that every batch
// holds about its share of each class: item j of a class of n (in a random
// order) sits at position (j+u)/n of the epoch, u a random offset per class
// and epoch. At 6000:60 with batches of 64 every batch holds 0 or 1
// positives (a random permutation leaves 53% of batches without one and
// puts 2-4 in others, which a pos_weight of 17 turns into gradient spikes),
// and no class loses more than its share to a dropped last batch.
type StratifiedSampler struct {
	Labels []int // class of each index, >= 0
	Seed   uint64
}

func (s StratifiedSampler) Len() int { return len(s.Labels) }

func (s StratifiedSampler) Epoch(dst []int, epoch int) []int {
	return spreadClasses(epochRNG(s.Seed, epoch), byClass("StratifiedSampler", s.Labels, 0), nil, dst)
}

// byClass returns the indices of each class in labels, in order, with at
// least n lists; it panics, naming sampler, on a negative label.
func byClass(sampler string, labels []int, n int) [][]int {
	by := make([][]int, n)
	for i, y := range labels {
		if y < 0 {
			panic(fmt.Sprintf("data: %s: label %d of index %d", sampler, y, i))
		}
		for len(by) <= y {
			by = append(by, nil)
		}
		by[y] = append(by[y], i)
	}
	return by
}

// spreadClasses shuffles each class's list of indices in by, except those
// of the classes c with keep[c] (nil: none), whose order the caller has
// set, and appends them all to
// dst with every class spread evenly: item j of a class of n sits at
// position (j+u)/n of the result, u a random offset per class (ties in
// position go to the lower index).
func spreadClasses(g *tensor.RNG, by [][]int, keep []bool, dst []int) []int {
	type kv struct {
		key float64
		i   int
	}
	n := 0
	for _, idx := range by {
		n += len(idx)
	}
	keys := make([]kv, 0, n)
	for c, idx := range by {
		if c >= len(keep) || !keep[c] {
			g.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
		}
		u, n := g.Float64(), float64(len(idx))
		for j, i := range idx {
			keys = append(keys, kv{(float64(j) + u) / n, i})
		}
	}
	sort.SliceStable(keys, func(a, b int) bool {
		if keys[a].key != keys[b].key {
			return keys[a].key < keys[b].key
		}
		return keys[a].i < keys[b].i
	})
	for _, k := range keys {
		dst = append(dst, k.i)
	}
	return dst
}

// WeightedRandomSampler draws NumSamples indices per epoch, index i with
// probability Weights[i]/sum(Weights), as PyTorch's WeightedRandomSampler:
// with replacement, or without (each index at most once; NumSamples must not
// exceed the number of positive weights).
type WeightedRandomSampler struct {
	Weights     []float64
	NumSamples  int
	Replacement bool
	Seed        uint64
	cum         []float64 // cumulative weights, for drawing with replacement
}

// NewWeightedRandomSampler checks the weights and returns the sampler. It
// panics on a negative or non-finite weight, a zero total, or too many
// samples without replacement.
func NewWeightedRandomSampler(weights []float64, numSamples int, replacement bool, seed uint64) *WeightedRandomSampler {
	cum := make([]float64, len(weights))
	total, positive := 0.0, 0
	for i, w := range weights {
		if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			panic(fmt.Sprintf("data: NewWeightedRandomSampler: weight %d is %g", i, w))
		}
		if w > 0 {
			positive++
		}
		total += w
		cum[i] = total
	}
	if total == 0 || numSamples < 0 {
		panic(fmt.Sprintf("data: NewWeightedRandomSampler: total weight %g, %d samples", total, numSamples))
	}
	if !replacement && numSamples > positive {
		panic(fmt.Sprintf("data: NewWeightedRandomSampler: %d samples without replacement from %d positive weights", numSamples, positive))
	}
	return &WeightedRandomSampler{Weights: weights, NumSamples: numSamples, Replacement: replacement, Seed: seed, cum: cum}
}

// BalancedSampler returns the class-balanced WeightedRandomSampler: weight
// 1/count(class) per sample, len(labels) draws per epoch with replacement,
// so that each class is drawn about equally often.
func BalancedSampler(labels []int, numClasses int, seed uint64) *WeightedRandomSampler {
	return NewWeightedRandomSampler(BalancedWeights(labels, numClasses), len(labels), true, seed)
}

// BalancedWeights returns 1/count(labels[i]) for every sample.
func BalancedWeights(labels []int, numClasses int) []float64 {
	counts := CountLabels(labels, numClasses)
	w := make([]float64, len(labels))
	for i, y := range labels {
		w[i] = 1 / float64(counts[y])
	}
	return w
}

func (s *WeightedRandomSampler) Len() int { return s.NumSamples }

func (s *WeightedRandomSampler) Epoch(dst []int, epoch int) []int {
	g := epochRNG(s.Seed, epoch)
	if s.Replacement {
		total := s.cum[len(s.cum)-1]
		for k := 0; k < s.NumSamples; k++ {
			u := g.Float64() * total
			i := sort.SearchFloat64s(s.cum, u)
			// SearchFloat64s finds cum[i] >= u; step over zero-weight ties.
			for i < len(s.cum)-1 && (s.cum[i] <= u || s.Weights[i] == 0) {
				i++
			}
			dst = append(dst, i)
		}
		return dst
	}
	// Without replacement: Efraimidis–Spirakis keys u^(1/w), largest first.
	type kv struct {
		key float64
		i   int
	}
	keys := make([]kv, 0, len(s.Weights))
	for i, w := range s.Weights {
		if w > 0 {
			keys = append(keys, kv{math.Log(g.Float64()) / w, i})
		}
	}
	sort.Slice(keys, func(a, b int) bool { return keys[a].key > keys[b].key })
	for _, k := range keys[:s.NumSamples] {
		dst = append(dst, k.i)
	}
	return dst
}

// ResampleSampler is random oversampling or undersampling: each epoch it
// takes Targets[c] samples of class c — all of the class plus draws with
// replacement when the target exceeds the count (oversampling), a fresh
// random subset when it is smaller (undersampling) — and shuffles them.
type ResampleSampler struct {
	Targets []int
	Seed    uint64
	byClass [][]int
}

// Oversampler returns a ResampleSampler that raises every class to at least
// max(count)/ratio samples (ratio 1: every class as large as the largest),
// keeping all originals.
func Oversampler(labels []int, numClasses int, ratio float64, seed uint64) *ResampleSampler {
	counts := CountLabels(labels, numClasses)
	if ratio < 1 || math.IsNaN(ratio) {
		panic(fmt.Sprintf("data: Oversampler: ratio %g < 1", ratio))
	}
	hi := 0
	for _, c := range counts {
		hi = max(hi, c)
	}
	t := make([]int, numClasses)
	for k, c := range counts {
		t[k] = c
		if c > 0 {
			t[k] = max(c, int(math.Ceil(float64(hi)/ratio)))
		}
	}
	return newResample(labels, numClasses, t, seed)
}

// Undersampler returns a ResampleSampler that cuts every class to at most
// min(count)*ratio samples (ratio 1: every class as small as the smallest
// non-empty one), a new random subset each epoch.
func Undersampler(labels []int, numClasses int, ratio float64, seed uint64) *ResampleSampler {
	counts := CountLabels(labels, numClasses)
	if ratio < 1 || math.IsNaN(ratio) {
		panic(fmt.Sprintf("data: Undersampler: ratio %g < 1", ratio))
	}
	lo := math.MaxInt
	for _, c := range counts {
		if c > 0 {
			lo = min(lo, c)
		}
	}
	t := make([]int, numClasses)
	for k, c := range counts {
		t[k] = min(c, int(math.Floor(float64(lo)*ratio)))
	}
	return newResample(labels, numClasses, t, seed)
}

func newResample(labels []int, numClasses int, targets []int, seed uint64) *ResampleSampler {
	by := make([][]int, numClasses)
	for i, y := range labels {
		by[y] = append(by[y], i)
	}
	return &ResampleSampler{Targets: targets, Seed: seed, byClass: by}
}

func (s *ResampleSampler) Len() int {
	n := 0
	for _, t := range s.Targets {
		n += t
	}
	return n
}

func (s *ResampleSampler) Epoch(dst []int, epoch int) []int {
	g := epochRNG(s.Seed, epoch)
	start := len(dst)
	for k, idx := range s.byClass {
		t := s.Targets[k]
		switch {
		case t >= len(idx):
			dst = append(dst, idx...)
			for j := len(idx); j < t; j++ {
				dst = append(dst, idx[g.IntN(len(idx))])
			}
		default:
			// A partial Fisher–Yates over a copy picks t distinct indices.
			tmp := append([]int(nil), idx...)
			for j := 0; j < t; j++ {
				r := j + g.IntN(len(tmp)-j)
				tmp[j], tmp[r] = tmp[r], tmp[j]
			}
			dst = append(dst, tmp[:t]...)
		}
	}
	p := dst[start:]
	g.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
	return dst
}
