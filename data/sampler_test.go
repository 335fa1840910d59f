package data

import (
	"math"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

// imbalancedLabels returns neg zeros followed by pos ones.
func imbalancedLabels(neg, pos int) []int {
	y := make([]int, neg+pos)
	for i := neg; i < neg+pos; i++ {
		y[i] = 1
	}
	return y
}

// TestBalancedSampler100to1 draws 10 epochs from a class-balanced sampler
// over 10,000 negatives and 100 positives. Each draw is class 1 with
// probability 1/2, so over n = 101,000 draws the fraction has standard
// deviation 0.5/sqrt(n) = 0.0016; the bound 0.01 is over 6 sigma.
func TestBalancedSampler100to1(t *testing.T) {
	y := imbalancedLabels(10000, 100)
	s := BalancedSampler(y, 2, 42)
	var idx []int
	pos, n := 0, 0
	seen := map[int]bool{}
	for e := 0; e < 10; e++ {
		idx = s.Epoch(idx[:0], e)
		require.Len(t, idx, len(y))
		for _, i := range idx {
			pos += y[i]
			n++
			if y[i] == 1 {
				seen[i] = true
			}
		}
	}
	frac := float64(pos) / float64(n)
	require.InDelta(t, 0.5, frac, 0.01, "positive fraction %.4f", frac)
	require.Len(t, seen, 100, "every positive drawn at some point")
	// Deterministic for (seed, epoch), different between epochs.
	a := s.Epoch(nil, 3)
	b := BalancedSampler(y, 2, 42).Epoch(nil, 3)
	require.Equal(t, a, b)
	require.NotEqual(t, a, s.Epoch(nil, 4))
}

func TestWeightedRandomSampler(t *testing.T) {
	w := []float64{0, 1, 0, 3, 0}
	s := NewWeightedRandomSampler(w, 40000, true, 1)
	cnt := map[int]int{}
	for _, i := range s.Epoch(nil, 0) {
		cnt[i]++
	}
	require.Len(t, cnt, 2, "zero weights never drawn: %v", cnt)
	// p(3) = 0.75, sd over 40000 draws = 0.0022; bound 0.015.
	require.InDelta(t, 0.75, float64(cnt[3])/40000, 0.015)

	nr := NewWeightedRandomSampler([]float64{1, 1, 5, 0, 2}, 4, false, 2).Epoch(nil, 0)
	sort.Ints(nr)
	require.Equal(t, []int{0, 1, 2, 4}, nr)
	require.Panics(t, func() { NewWeightedRandomSampler([]float64{1, 0}, 2, false, 0) })
	require.Panics(t, func() { NewWeightedRandomSampler([]float64{-1}, 1, true, 0) })
}

func TestResampleSamplers(t *testing.T) {
	y := imbalancedLabels(1000, 10)
	o := Oversampler(y, 2, 1, 3)
	idx := o.Epoch(nil, 0)
	require.Len(t, idx, 2000)
	require.Equal(t, []int{1000, 1000}, CountLabels(pick2(y, idx), 2))
	negSeen := map[int]bool{}
	for _, i := range idx {
		if y[i] == 0 {
			negSeen[i] = true
		}
	}
	require.Len(t, negSeen, 1000, "oversampling keeps every original")

	o10 := Oversampler(y, 2, 10, 3)
	require.Equal(t, []int{1000, 100}, CountLabels(pick2(y, o10.Epoch(nil, 0)), 2))

	u := Undersampler(y, 2, 1, 3)
	a, b := u.Epoch(nil, 0), u.Epoch(nil, 1)
	require.Equal(t, []int{10, 10}, CountLabels(pick2(y, a), 2))
	require.NotEqual(t, a, b, "a fresh subset each epoch")
	require.Equal(t, []int{50, 10}, CountLabels(pick2(y, Undersampler(y, 2, 5, 3).Epoch(nil, 0)), 2))
}

func pick2(y, idx []int) []int {
	out := make([]int, len(idx))
	for k, i := range idx {
		out[k] = y[i]
	}
	return out
}

func TestRandomSampler(t *testing.T) {
	s := RandomSampler{N: 100, Seed: 9}
	a := s.Epoch(nil, 0)
	b := append([]int(nil), a...)
	sort.Ints(b)
	require.Equal(t, SequentialSampler{100}.Epoch(nil, 0), b)
	require.NotEqual(t, a, s.Epoch(nil, 1))
}

func TestStratifiedSplit(t *testing.T) {
	y := imbalancedLabels(6000, 60)
	y = append(y, 2, 2) // a class of two
	y = append(y, 3)    // and of one
	tr, va, te := StratifiedSplit(y, 4, 0.1, 0.2, 5)
	require.Equal(t, len(y), len(tr)+len(va)+len(te))
	require.Equal(t, []int{4200, 42, 1, 1}, CountLabels(pick2(y, tr), 4))
	require.Equal(t, []int{600, 6, 1, 0}, CountLabels(pick2(y, va), 4))
	require.Equal(t, []int{1200, 12, 0, 0}, CountLabels(pick2(y, te), 4))
	seen := map[int]bool{}
	for _, part := range [][]int{tr, va, te} {
		for _, i := range part {
			require.False(t, seen[i])
			seen[i] = true
		}
	}
	tr2, _, _ := StratifiedSplit(y, 4, 0.1, 0.2, 5)
	require.Equal(t, tr, tr2)
	tr3, _, _ := StratifiedSplit(y, 4, 0.1, 0.2, 6)
	require.NotEqual(t, tr, tr3)
}

func TestOneVsRest(t *testing.T) {
	y := make([]int, 0, 1000)
	for i := 0; i < 1000; i++ {
		y = append(y, i%10)
	}
	m := NewMemory(1, 1, 1, make([]uint8, 1000), y, []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"})
	d, err := OneVsRest(m, 7, 0, 0)
	require.NoError(t, err)
	require.Equal(t, []string{"not h", "h"}, d.Classes())
	require.Equal(t, []int{900, 100}, ClassCounts(d))
	d, err = OneVsRest(m, 7, 50, 1)
	require.NoError(t, err)
	require.Equal(t, []int{900, 18}, ClassCounts(d))
	d, err = OneVsRest(m, 7, 3, 1)
	require.NoError(t, err)
	require.Equal(t, []int{300, 100}, ClassCounts(d))
	_, err = OneVsRest(m, 10, 0, 0)
	require.Error(t, err)
}

func TestPlanImbalance(t *testing.T) {
	p := PlanImbalance([]int{100, 90})
	require.Equal(t, StrategyNone, p.Strategy)
	require.Equal(t, 1.0, p.PosWeight)
	require.InDelta(t, math.Log(0.9), p.BiasInit[0], 1e-12)

	p = PlanImbalance([]int{6000, 60})
	require.Equal(t, StrategyWeights, p.Strategy)
	require.True(t, p.Extreme)
	require.Equal(t, 100.0, p.Ratio)
	e0, e1 := EffectiveNumber(6000), EffectiveNumber(60)
	require.InDelta(t, 997.5, e0, 0.1)
	require.InDelta(t, 58.3, e1, 0.1)
	// 1% minority: each positive 8 times per epoch (8%), its weight / 8.
	require.Equal(t, 1, p.Minority)
	require.Equal(t, 8, p.Repeat)
	require.InDelta(t, e0/e1/8, p.PosWeight, 1e-12)
	require.InDelta(t, 17.1/8, p.PosWeight, 0.01)
	require.Contains(t, p.Reason, "repeated 8 times per epoch")
	require.InDeltaSlice(t, []float64{2 * e1 / (e0 + e1), 2 * e0 / (e0 + e1)}, p.ClassWeights, 1e-12)
	require.Equal(t, []float64{0, 0}, p.BiasInit)
	require.Contains(t, p.Reason, "pos_weight")

	// The minority as class 0: its weight is multiplied, pos_weight < 1.
	p = PlanImbalance([]int{60, 6000})
	require.Equal(t, 0, p.Minority)
	require.Equal(t, 8, p.Repeat)
	require.InDelta(t, e1/e0*8, p.PosWeight, 1e-12)
	// 50:1: 4 repeats; 20:1 (4.8%) none; a repeat never drops the
	// minority's weight below the majority's (3000:150 would give 1).
	require.Equal(t, 4, PlanImbalance([]int{3000, 60}).Repeat)
	p = PlanImbalance([]int{1200, 60})
	require.Equal(t, 1, p.Repeat)
	require.InDelta(t, EffectiveNumber(1200)/EffectiveNumber(60), p.PosWeight, 1e-12)
	require.NotContains(t, p.Reason, "repeated")
	require.Equal(t, 12, PlanImbalance([]int{300, 2}).Repeat, "floor(0.08*302/2)")
	require.Equal(t, 1, PlanImbalance([]int{16, 1}).Repeat, "floor(0.08*17)")
	_, r := minorityRepeat([]int{1000, 10}, 2.5)
	require.Equal(t, 2, r, "floor(0.08*1010/10) = 8, capped at the weight ratio 2.5")
	_, r = minorityRepeat([]int{1000, 10}, 1/2.5)
	require.Equal(t, 2, r, "the ratio either way round")

	p = PlanImbalance([]int{100, 10, 50, 0})
	require.Zero(t, p.Repeat, "more than two classes: no repetition")
	require.Equal(t, StrategyWeights, p.Strategy)
	require.Equal(t, 10.0, p.Ratio)
	require.Equal(t, []int{3}, p.Empty)
	require.Zero(t, p.PosWeight)
	mean := (p.ClassWeights[0] + p.ClassWeights[1] + p.ClassWeights[2]) / 3
	require.InDelta(t, 1, mean, 1e-12)
	require.InDelta(t, EffectiveNumber(100)/EffectiveNumber(10), p.ClassWeights[1]/p.ClassWeights[0], 1e-12)
	require.InDelta(t, 9.6, p.ClassWeights[1]/p.ClassWeights[0], 0.05, "small classes: about the inverse frequency")
	require.Zero(t, p.ClassWeights[3])
	require.Nil(t, p.Repeats, "no class under 8% of the samples")
	require.NotPanics(t, func() { PlanImbalance(nil) })

	// Ten classes, 100:1 (fmnist-longtail): the classes under 8% repeat.
	counts := []int{5000, 2997, 1797, 1077, 646, 387, 232, 139, 83, 50}
	p = PlanImbalance(counts)
	require.Equal(t, []int{1, 1, 1, 1, 1, 2, 4, 7, 11, 19}, p.Repeats, "floor(0.08*12408/n)")
	require.Contains(t, p.Reason, "repeated")
	sum := 0.0
	for _, w := range p.ClassWeights {
		sum += w
	}
	require.InDelta(t, 10, sum, 1e-9, "weights keep mean 1")
	require.InDelta(t, EffectiveNumber(5000)/EffectiveNumber(50)/19, p.ClassWeights[9]/p.ClassWeights[0], 1e-9)
	require.Greater(t, p.ClassWeights[9], p.ClassWeights[0], "a repeated class keeps at least the largest class's weight")
	off := p.WithRepeat(1)
	require.Nil(t, off.Repeats)
	require.InDelta(t, EffectiveNumber(5000)/EffectiveNumber(50), off.ClassWeights[9]/off.ClassWeights[0], 1e-9, "full weights back")
	require.Equal(t, []int{1, 1, 1, 1, 1, 2, 4, 7, 11, 19}, p.Repeats, "WithRepeat does not change p")
	// Many tiny classes: the repeats shrink until the others can give up
	// their extra visits.
	tiny := []int{10}
	for range 20 {
		tiny = append(tiny, 1)
	}
	w := make([]float64, len(tiny))
	for c, n := range tiny {
		w[c] = 1 / EffectiveNumber(n)
	}
	reps := classRepeats(tiny, w)
	extra, pool := 0, 0
	for c, n := range tiny {
		extra += (reps[c] - 1) * n
		if reps[c] == 1 {
			pool += n
		}
	}
	require.Equal(t, 15, extra, "15 classes repeat twice; the other 5 join the 10 images that give up visits")
	require.Equal(t, 15, pool)
}

// TestStratifiedSampler checks that the order is a permutation, that every
// window of a batch's length holds each class's share within one, and that
// epochs and seeds differ. A random permutation fails the window check.
func TestStratifiedSampler(t *testing.T) {
	labels := make([]int, 6060)
	for i := 6000; i < 6060; i++ {
		labels[i] = 1
	}
	windowOK := func(order []int) bool {
		const batch = 64
		for start := 0; start+batch <= len(order); start += batch {
			pos := 0
			for _, i := range order[start : start+batch] {
				pos += labels[i]
			}
			if pos > 1 { // share: 64*60/6060 = 0.63
				return false
			}
		}
		return true
	}
	s := StratifiedSampler{Labels: labels, Seed: 3}
	a := s.Epoch(nil, 0)
	b := append([]int(nil), a...)
	sort.Ints(b)
	require.Equal(t, SequentialSampler{len(labels)}.Epoch(nil, 0), b)
	require.True(t, windowOK(a))
	require.True(t, windowOK(s.Epoch(nil, 1)))
	require.NotEqual(t, a, s.Epoch(nil, 1))
	require.NotEqual(t, a, StratifiedSampler{Labels: labels, Seed: 4}.Epoch(nil, 0))
	require.Equal(t, a, s.Epoch(nil, 0), "an epoch's order depends only on seed and epoch")
	require.False(t, windowOK(RandomSampler{N: len(labels), Seed: 3}.Epoch(nil, 0)), "the check must be able to fail")

	// Three classes, one empty: still a permutation, spread within one.
	l3 := make([]int, 300)
	for i := range l3 {
		l3[i] = []int{0, 0, 0, 2}[i%4]
	}
	o := StratifiedSampler{Labels: l3, Seed: 1}.Epoch([]int{-1}, 2)
	require.Equal(t, -1, o[0])
	o = o[1:]
	require.Len(t, o, 300)
	for start := 0; start+20 <= 300; start += 20 {
		n2 := 0
		for _, i := range o[start : start+20] {
			n2 += l3[i] / 2
		}
		require.InDelta(t, 5, n2, 1)
	}
}
