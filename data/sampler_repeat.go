// This file holds RepeatSampler, the sampler of gocnn's default remedy for a
// binary task with a rare class: every minority image several times per
// epoch, each time under a fresh draw of the training augmentation, in an
// epoch as long as the dataset.

package data

import "fmt"

// RepeatSampler visits every index of class Class Repeat times per epoch
// and a random subset of the other indices, drawn anew each epoch, that
// keeps the epoch at len(Labels) indices: the other classes give up
// (Repeat-1)·count(Class) samples between them, in proportion to their
// sizes on average. With Random false the classes are spread evenly over
// the epoch as StratifiedSampler spreads them, the repeats in rounds (each
// a permutation of the class), so that an image's copies sit 1/Repeat
// of an epoch apart on average; with Random true the epoch is shuffled.
//
// On the embedded 100:1 Fashion-MNIST task each of the 60 positives appears
// 8 times (8% of an epoch of 6060, five per batch of 64) and the majority
// gives up 420 of its 6000 images per epoch.
type RepeatSampler struct {
	Labels []int // class of each index, >= 0
	Class  int   // the class whose indices repeat
	Repeat int   // visits of each index of Class per epoch, >= 1
	Random bool  // shuffle the epoch instead of spreading the classes
	Seed   uint64
}

// Len returns len(Labels): repeating the minority does not lengthen an epoch.
func (s RepeatSampler) Len() int { return len(s.Labels) }

// Epoch appends the epoch's indices to dst. It panics on a negative label
// or Class, Repeat < 1, or repeats that would not fit in the epoch.
func (s RepeatSampler) Epoch(dst []int, epoch int) []int {
	if s.Class < 0 {
		panic(fmt.Sprintf("data: RepeatSampler: class %d", s.Class))
	}
	by := byClass("RepeatSampler", s.Labels, s.Class+1)
	n := len(by[s.Class])
	if s.Repeat < 1 || s.Repeat*n > len(s.Labels) {
		panic(fmt.Sprintf("data: RepeatSampler: %d repeats of %d samples of class %d in an epoch of %d", s.Repeat, n, s.Class, len(s.Labels)))
	}
	g := epochRNG(s.Seed, epoch)
	// The others: a partial Fisher–Yates over all of them picks the subset.
	var rest []int
	for c, idx := range by {
		if c != s.Class {
			rest = append(rest, idx...)
		}
	}
	keep := len(s.Labels) - s.Repeat*n
	for j := 0; j < keep; j++ {
		r := j + g.IntN(len(rest)-j)
		rest[j], rest[r] = rest[r], rest[j]
	}
	kept := make([][]int, len(by))
	for _, i := range rest[:keep] {
		kept[s.Labels[i]] = append(kept[s.Labels[i]], i)
	}
	// The repeats come in rounds, each a fresh permutation of the class,
	// so that an image's copies sit 1/Repeat of an epoch apart on average.
	for r := 0; r < s.Repeat; r++ {
		round := append([]int(nil), by[s.Class]...)
		g.Shuffle(len(round), func(a, b int) { round[a], round[b] = round[b], round[a] })
		kept[s.Class] = append(kept[s.Class], round...)
	}
	if !s.Random {
		return spreadClasses(g, kept, s.Class, dst)
	}
	start := len(dst)
	for _, idx := range kept {
		dst = append(dst, idx...)
	}
	p := dst[start:]
	g.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
	return dst
}
