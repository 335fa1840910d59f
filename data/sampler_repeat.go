// This file holds RepeatSampler, the sampler of gocnn's default remedy for a
// binary task with a rare class: every minority image several times per
// epoch, each time under a fresh draw of the training augmentation, in an
// epoch as long as the dataset.

package data

import "fmt"

// RepeatSampler visits every index of class c Repeats[c] times per epoch
// (Class and Repeat are the shorthand for one repeated class, a binary
// task's minority, when Repeats is nil) and a random subset of the indices
// of the classes that do not repeat, drawn anew each epoch, that keeps the
// epoch at len(Labels) indices: those classes give up Σ (Repeats[c]-1)·n_c
// samples between them, in proportion to their sizes on average. With
// Random false the classes are spread evenly over the epoch as
// StratifiedSampler spreads them, the repeats in rounds (each a permutation
// of the class), so that an image's copies sit 1/Repeats[c] of an epoch
// apart on average; with Random true the epoch is shuffled.
//
// Epochs before From visit every index once, in StratifiedSampler's order
// (RandomSampler's with Random): repetition deferred to the later epochs.
//
// On the embedded 100:1 Fashion-MNIST task each of the 60 positives appears
// 8 times (8% of an epoch of 6060, five per batch of 64) and the majority
// gives up 420 of its 6000 images per epoch.
type RepeatSampler struct {
	Labels  []int // class of each index, >= 0
	Class   int   // the class whose indices repeat (when Repeats is nil)
	Repeat  int   // visits of each index of Class per epoch, >= 1
	Repeats []int // visits per epoch of each index of class c, >= 1 (missing classes: 1)
	Random  bool  // shuffle the epoch instead of spreading the classes
	Seed    uint64
	From    int // the first epoch (0-based) that repeats; 0: every epoch
}

// Len returns len(Labels): repeating the minority does not lengthen an epoch.
func (s RepeatSampler) Len() int { return len(s.Labels) }

// repeats returns the visits per epoch of each class of by.
func (s RepeatSampler) repeats(classes int) []int {
	r := make([]int, classes)
	for c := range r {
		r[c] = 1
		switch {
		case s.Repeats != nil && c < len(s.Repeats):
			r[c] = s.Repeats[c]
		case s.Repeats == nil && c == s.Class:
			r[c] = s.Repeat
		}
	}
	return r
}

// Epoch appends the epoch's indices to dst. It panics on a negative label
// or Class, a repeat count below 1, or repeats that would not fit in the
// epoch.
func (s RepeatSampler) Epoch(dst []int, epoch int) []int {
	if epoch < s.From {
		if s.Random {
			return RandomSampler{N: len(s.Labels), Seed: s.Seed}.Epoch(dst, epoch)
		}
		return StratifiedSampler{Labels: s.Labels, Seed: s.Seed}.Epoch(dst, epoch)
	}
	if s.Class < 0 {
		panic(fmt.Sprintf("data: RepeatSampler: class %d", s.Class))
	}
	by := byClass("RepeatSampler", s.Labels, max(s.Class+1, len(s.Repeats)))
	reps := s.repeats(len(by))
	g := epochRNG(s.Seed, epoch)
	// The others: a partial Fisher–Yates over all of them picks the subset.
	var rest []int
	extra := 0
	for c, idx := range by {
		if reps[c] < 1 {
			panic(fmt.Sprintf("data: RepeatSampler: %d repeats of class %d", reps[c], c))
		}
		if reps[c] == 1 {
			rest = append(rest, idx...)
		}
		extra += (reps[c] - 1) * len(idx)
	}
	keep := len(rest) - extra
	if keep < 0 {
		panic(fmt.Sprintf("data: RepeatSampler: repeats %v of classes of %v samples do not fit in an epoch of %d", reps, classSizes(by), len(s.Labels)))
	}
	for j := 0; j < keep; j++ {
		r := j + g.IntN(len(rest)-j)
		rest[j], rest[r] = rest[r], rest[j]
	}
	kept := make([][]int, len(by))
	for _, i := range rest[:keep] {
		kept[s.Labels[i]] = append(kept[s.Labels[i]], i)
	}
	// The repeats come in rounds, each a fresh permutation of the class,
	// so that an image's copies sit 1/R of an epoch apart on average.
	preset := make([]bool, len(by))
	for c, idx := range by {
		if reps[c] == 1 {
			continue
		}
		preset[c] = true
		for r := 0; r < reps[c]; r++ {
			round := append([]int(nil), idx...)
			g.Shuffle(len(round), func(a, b int) { round[a], round[b] = round[b], round[a] })
			kept[c] = append(kept[c], round...)
		}
	}
	if !s.Random {
		return spreadClasses(g, kept, preset, dst)
	}
	start := len(dst)
	for _, idx := range kept {
		dst = append(dst, idx...)
	}
	p := dst[start:]
	g.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
	return dst
}

// classSizes returns the length of each list of by.
func classSizes(by [][]int) []int {
	n := make([]int, len(by))
	for c, idx := range by {
		n[c] = len(idx)
	}
	return n
}
