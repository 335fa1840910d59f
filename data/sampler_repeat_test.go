package data

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRepeatSampler(t *testing.T) {
	labels := imbalancedLabels(6000, 60)
	s := RepeatSampler{Labels: labels, Class: 1, Repeat: 8, Seed: 3}
	require.Equal(t, 6060, s.Len())
	e0 := s.Epoch(nil, 0)
	require.Len(t, e0, 6060)
	seen := map[int]int{}
	for _, i := range e0 {
		require.True(t, i >= 0 && i < len(labels), "index %d", i)
		seen[i]++
	}
	neg := 0
	for i, n := range seen {
		if labels[i] == 1 {
			assert.Equal(t, 8, n, "positive %d", i)
		} else {
			assert.Equal(t, 1, n, "negative %d appears more than once", i)
			neg++
		}
	}
	assert.Equal(t, 60, len(seen)-neg, "every positive")
	assert.Equal(t, 6060-8*60, neg, "the majority gives up (8-1)*60")

	// Spread: every batch of 64 holds 5 or 6 of the 480 repeats (7.9%).
	for b := 0; b+64 <= len(e0); b += 64 {
		pos := 0
		for _, i := range e0[b : b+64] {
			pos += labels[i]
		}
		assert.True(t, pos == 5 || pos == 6, "batch %d holds %d positives", b/64, pos)
	}
	// An image's copies sit about an eighth of the epoch apart.
	last, gaps, sum := map[int]int{}, 0, 0
	for p, i := range e0 {
		if labels[i] == 1 {
			if q, ok := last[i]; ok {
				gaps++
				sum += p - q
			}
			last[i] = p
		}
	}
	assert.InDelta(t, 6060.0/8, float64(sum)/float64(gaps), 6060.0/8*0.2)

	// Pure in (seed, epoch); the majority's subset changes with the epoch.
	assert.Equal(t, e0, s.Epoch(nil, 0))
	e1 := s.Epoch(nil, 1)
	assert.NotEqual(t, e0, e1)
	in0 := map[int]bool{}
	for _, i := range e0 {
		in0[i] = true
	}
	fresh := 0
	for _, i := range e1 {
		if !in0[i] {
			fresh++
		}
	}
	assert.Positive(t, fresh, "epoch 1 visits negatives epoch 0 left out")

	// Random: the same counts, shuffled.
	r := RepeatSampler{Labels: labels, Class: 1, Repeat: 8, Random: true, Seed: 3}.Epoch([]int{-7}, 0)
	require.Len(t, r, 6061)
	assert.Equal(t, -7, r[0], "appends to dst")
	counts := map[int]int{}
	for _, i := range r[1:] {
		counts[labels[i]]++
	}
	assert.Equal(t, map[int]int{0: 5580, 1: 480}, counts)

	// The minority may be class 0; Repeat 1 is StratifiedSampler's mix.
	flipped := make([]int, len(labels))
	for i, y := range labels {
		flipped[i] = 1 - y
	}
	f := RepeatSampler{Labels: flipped, Class: 0, Repeat: 4, Seed: 1}.Epoch(nil, 2)
	zeros := 0
	for _, i := range f {
		zeros += 1 - flipped[i]
	}
	assert.Equal(t, 240, zeros)
	one := RepeatSampler{Labels: labels, Class: 1, Repeat: 1, Seed: 5}.Epoch(nil, 0)
	assert.ElementsMatch(t, SequentialSampler{N: len(labels)}.Epoch(nil, 0), one)
}

func TestRepeatSamplerRejectsBadRepeats(t *testing.T) {
	labels := imbalancedLabels(10, 5)
	assert.PanicsWithValue(t, "data: RepeatSampler: repeats [1 4] of classes of [10 5] samples do not fit in an epoch of 15",
		func() { RepeatSampler{Labels: labels, Class: 1, Repeat: 4}.Epoch(nil, 0) })
	assert.Panics(t, func() { RepeatSampler{Labels: labels, Class: 1, Repeat: 0}.Epoch(nil, 0) })
	assert.PanicsWithValue(t, "data: RepeatSampler: class -1", func() { RepeatSampler{Labels: labels, Class: -1, Repeat: 1}.Epoch(nil, 0) })
	assert.Panics(t, func() { RepeatSampler{Labels: []int{0, -1}, Class: 1, Repeat: 1}.Epoch(nil, 0) })
	// Three repeats of five fill the epoch: no majority left.
	e := RepeatSampler{Labels: labels, Class: 1, Repeat: 3}.Epoch(nil, 0)
	for _, i := range e {
		assert.Equal(t, 1, labels[i])
	}
}

// TestRepeatSamplerClasses checks per-class repeats (more than two classes):
// each index of a repeated class appears exactly its count of times, the
// classes that do not repeat fill the rest of an epoch of the same length
// with distinct indices, and a repeated class is spread over the epoch.
func TestRepeatSamplerClasses(t *testing.T) {
	var labels []int
	for c, n := range []int{100, 30, 10, 5} {
		for range n {
			labels = append(labels, c)
		}
	}
	reps := []int{1, 1, 3, 6}
	for _, random := range []bool{false, true} {
		s := RepeatSampler{Labels: labels, Repeats: reps, Random: random, Seed: 9}
		for epoch := range 3 {
			e := s.Epoch(nil, epoch)
			require.Len(t, e, len(labels))
			seen := map[int]int{}
			for _, i := range e {
				seen[i]++
			}
			for i, k := range seen {
				want := reps[labels[i]]
				if want == 1 {
					assert.Equal(t, 1, k, "index %d of class %d", i, labels[i])
					continue
				}
				assert.Equal(t, want, k, "index %d of class %d", i, labels[i])
			}
			assert.Equal(t, e, s.Epoch(nil, epoch), "the same epoch twice")
			if random {
				continue
			}
			// Class 3's 30 visits sit about 145/30 apart: no gap of a
			// quarter of the epoch.
			last := -1
			for p, i := range e {
				if labels[i] == 3 {
					assert.Less(t, p-last, len(e)/4, "gap before position %d", p)
					last = p
				}
			}
		}
	}
	assert.Panics(t, func() { RepeatSampler{Labels: labels, Repeats: []int{1, 0, 1, 1}}.Epoch(nil, 0) })
	assert.Panics(t, func() { RepeatSampler{Labels: labels, Repeats: []int{1, 5, 10, 6}}.Epoch(nil, 0) })
}

func TestRepeatSamplerDefersRepeatsUntilFrom(t *testing.T) {
	labels := imbalancedLabels(600, 6)
	for _, random := range []bool{false, true} {
		s := RepeatSampler{Labels: labels, Class: 1, Repeat: 8, Random: random, Seed: 5, From: 2}
		plain := Sampler(StratifiedSampler{Labels: labels, Seed: 5})
		if random {
			plain = RandomSampler{N: len(labels), Seed: 5}
		}
		for epoch := 0; epoch < 4; epoch++ {
			got := s.Epoch(nil, epoch)
			require.Len(t, got, len(labels))
			pos := 0
			for _, i := range got {
				pos += labels[i]
			}
			if epoch < 2 {
				assert.Equal(t, plain.Epoch(nil, epoch), got, "epoch %d before From: the plain order (random %v)", epoch, random)
				assert.Equal(t, 6, pos, "epoch %d: each positive once", epoch)
				continue
			}
			assert.Equal(t, 48, pos, "epoch %d from From: each positive 8 times", epoch)
			full := RepeatSampler{Labels: labels, Class: 1, Repeat: 8, Random: random, Seed: 5}
			assert.Equal(t, full.Epoch(nil, epoch), got, "epoch %d: the same order as without deferral", epoch)
		}
	}
}
