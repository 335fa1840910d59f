// This file finds duplicates for the doctor: near-duplicate pairs by
// perceptual hash (all pairs compared, in parallel), their grouping, and
// train/test leakage.

package data

import (
	"sort"
	"sync"
)

type pair struct{ i, j, d int }

// nearPairs returns the pairs (i in a, j in b) accepted by keep whose hashes
// are within NearDistance and whose thumbnails correlate at MinCorrelation,
// comparing all pairs (64-bit popcounts: about a second per 10^9 pairs) in
// opt.Workers goroutines.
func nearPairs(a, b []scanItem, keep func(i, j int) bool, opt DiagnoseOptions) []pair {
	out := make([][]pair, opt.Workers)
	var wg sync.WaitGroup
	for w := range opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(a); i += opt.Workers {
				if a[i].err != nil || a[i].blank {
					continue
				}
				hi := a[i].p.hash
				for j := range b {
					if b[j].err != nil || b[j].blank {
						continue
					}
					d := hamming(hi, b[j].p.hash)
					if d > opt.NearDistance || !keep(i, j) {
						continue
					}
					if thumbCorr(&a[i].p.thumb, &b[j].p.thumb) >= opt.MinCorrelation {
						out[w] = append(out[w], pair{i, j, d})
					}
				}
			}
		}()
	}
	wg.Wait()
	var all []pair
	for _, p := range out {
		all = append(all, p...)
	}
	sort.Slice(all, func(x, y int) bool {
		if all[x].i != all[y].i {
			return all[x].i < all[y].i
		}
		return all[x].j < all[y].j
	})
	return all
}

// groupPairs turns pairs into groups: one group per first member, listing
// its matches (a file that matches several others appears once with all).
func groupPairs(pairs []pair, refA, refB func(int) FileRef) []DupGroup {
	var groups []DupGroup
	for k := 0; k < len(pairs); {
		i := pairs[k].i
		g := DupGroup{Files: []FileRef{refA(i)}, Conflict: true}
		for ; k < len(pairs) && pairs[k].i == i; k++ {
			g.Files = append(g.Files, refB(pairs[k].j))
			g.Distance = max(g.Distance, pairs[k].d)
		}
		groups = append(groups, g)
	}
	return groups
}

func sortGroup(g *DupGroup) {
	sort.Slice(g.Files, func(a, b int) bool { return g.Files[a].Path < g.Files[b].Path })
}

func sortGroups(gs []DupGroup) {
	sort.Slice(gs, func(a, b int) bool {
		if gs[a].Conflict != gs[b].Conflict {
			return gs[a].Conflict
		}
		return gs[a].Files[0].Path < gs[b].Files[0].Path
	})
}

// leakage finds test images that are exact or near copies of training ones.
func leakage(train Dataset, items []scanItem, test Dataset, titems []scanItem, opt DiagnoseOptions) *Leakage {
	lk := &Leakage{}
	refTr := func(i int) FileRef {
		return FileRef{Path: sampleName(train, i), Class: train.Classes()[train.Label(i)]}
	}
	refTe := func(i int) FileRef {
		return FileRef{Path: sampleName(test, i), Class: test.Classes()[test.Label(i)]}
	}
	byHash := map[[32]byte][]int{}
	for i := range items {
		if items[i].err == nil && !items[i].blank {
			byHash[items[i].sum] = append(byHash[items[i].sum], i)
		}
	}
	exact := map[int]bool{}
	for j := range titems {
		if titems[j].err != nil || titems[j].blank {
			continue
		}
		if idx, ok := byHash[titems[j].sum]; ok {
			g := DupGroup{Files: []FileRef{refTe(j)}}
			for _, i := range idx {
				g.Files = append(g.Files, refTr(i))
				g.Conflict = g.Conflict || g.Files[0].Class != refTr(i).Class
			}
			lk.Exact = append(lk.Exact, g)
			exact[j] = true
		}
	}
	pairs := nearPairs(titems, items, func(j, i int) bool { return !exact[j] }, opt)
	lk.Near = groupPairs(pairs, refTe, refTr)
	for k := range lk.Near {
		g := &lk.Near[k]
		g.Conflict = false
		for _, f := range g.Files[1:] {
			g.Conflict = g.Conflict || f.Class != g.Files[0].Class
		}
	}
	return lk
}
