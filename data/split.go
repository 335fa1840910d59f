// This file holds the stratified train/val/test split and the derivation of
// a binary "class X vs rest" task, both seeded.

package data

import (
	"fmt"
	"math"
)

// StratifiedSplit splits the indices of labels into train, val and test so
// that every class keeps its proportion: per class with n samples, val gets
// round(valFrac*n) and test round(testFrac*n), but at least one each when
// the fraction is positive and the class has at least 3 samples (2 samples:
// one to train, one to val if valFrac > 0, else to test), and train keeps at
// least one. Within each part indices are sorted; the choice depends only on
// seed. It panics on fractions outside [0, 1) or summing to 1 or more.
func StratifiedSplit(labels []int, numClasses int, valFrac, testFrac float64, seed uint64) (train, val, test []int) {
	if valFrac < 0 || testFrac < 0 || valFrac+testFrac >= 1 || math.IsNaN(valFrac+testFrac) {
		panic(fmt.Sprintf("data: StratifiedSplit: fractions val %g, test %g", valFrac, testFrac))
	}
	by := make([][]int, numClasses)
	for i, y := range labels {
		if y < 0 || y >= numClasses {
			panic(fmt.Sprintf("data: StratifiedSplit: label %d at %d out of range [0, %d)", y, i, numClasses))
		}
		by[y] = append(by[y], i)
	}
	g := epochRNG(seed, -1)
	part := make([]int8, len(labels)) // 0 train, 1 val, 2 test
	for _, idx := range by {
		n := len(idx)
		nv := int(math.Round(valFrac * float64(n)))
		nt := int(math.Round(testFrac * float64(n)))
		if n >= 3 {
			if valFrac > 0 {
				nv = max(nv, 1)
			}
			if testFrac > 0 {
				nt = max(nt, 1)
			}
		}
		if n == 2 {
			nv, nt = 0, 0
			if valFrac > 0 {
				nv = 1
			} else if testFrac > 0 {
				nt = 1
			}
		}
		if n < 2 {
			nv, nt = 0, 0
		}
		for nv+nt > n-1 && n > 0 {
			if nt >= nv && nt > 0 {
				nt--
			} else {
				nv--
			}
		}
		g.Shuffle(n, func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		for _, i := range idx[:nv] {
			part[i] = 1
		}
		for _, i := range idx[nv : nv+nt] {
			part[i] = 2
		}
	}
	for i, p := range part {
		switch p {
		case 0:
			train = append(train, i)
		case 1:
			val = append(val, i)
		default:
			test = append(test, i)
		}
	}
	return train, val, test
}

// Split is StratifiedSplit on a dataset, returning the three parts as
// subsets (val or test is empty when its fraction is 0).
func Split(ds Dataset, valFrac, testFrac float64, seed uint64) (train, val, test *SubsetDataset) {
	tr, va, te := StratifiedSplit(Labels(ds), len(ds.Classes()), valFrac, testFrac, seed)
	return Subset(ds, tr), Subset(ds, va), Subset(ds, te)
}

// OneVsRest derives the binary task "class positive vs the rest" from ds:
// label 1 for the positive class, 0 otherwise, classes
// ["not <name>", "<name>"]. With ratio > 0 it also subsamples (seeded) so
// that negatives/positives = ratio: negatives are cut when there are more
// than ratio*positives, positives otherwise (as in "6000 negatives, 60
// positives"). ratio 0 keeps every sample. The result keeps the dataset's
// order of samples. It returns an error when a class would be empty.
func OneVsRest(ds Dataset, positive int, ratio float64, seed uint64) (Dataset, error) {
	classes := ds.Classes()
	if positive < 0 || positive >= len(classes) {
		return nil, fmt.Errorf("one-vs-rest: class %d out of range [0, %d)", positive, len(classes))
	}
	n := ds.Len()
	labels := make([]int, n)
	var pos, neg []int
	for i := 0; i < n; i++ {
		if ds.Label(i) == positive {
			labels[i] = 1
			pos = append(pos, i)
		} else {
			neg = append(neg, i)
		}
	}
	name := classes[positive]
	rel := &Relabeled{Base: ds, Labels: labels, ClassNames: []string{"not " + name, name}}
	if len(pos) == 0 || len(neg) == 0 {
		return nil, fmt.Errorf("one-vs-rest: %d samples of %q and %d of the rest", len(pos), name, len(neg))
	}
	if ratio <= 0 {
		return rel, nil
	}
	g := epochRNG(seed, -2)
	keepPos, keepNeg := len(pos), len(neg)
	if float64(len(neg)) > ratio*float64(len(pos)) {
		keepNeg = max(1, int(math.Round(ratio*float64(len(pos)))))
	} else {
		keepPos = max(1, int(math.Round(float64(len(neg))/ratio)))
	}
	keep := make([]bool, n)
	for _, set := range []struct {
		idx  []int
		keep int
	}{{neg, keepNeg}, {pos, keepPos}} {
		idx := set.idx
		for j := 0; j < set.keep; j++ {
			r := j + g.IntN(len(idx)-j)
			idx[j], idx[r] = idx[r], idx[j]
			keep[idx[j]] = true
		}
	}
	var sel []int
	for i, k := range keep {
		if k {
			sel = append(sel, i)
		}
	}
	return Subset(rel, sel), nil
}
