package kernels

import (
	"math/rand/v2"
	"testing"
)

// TestSgemmDotLanes checks the dot-product path (NT, m <= 8) where B's rows
// are shorter than dotLaneBytes/2 and a kernel call reads rows lanes apart:
// eight rows a call (k = 4099, 1500, 7) or six and four (k = 1024, rows
// 4 KiB apart), whole runs of g*lanes rows and a rest that is not (one row short of a run), rows
// further apart than k (pad), op(A) transposed or not, against the reference
// and with the bits of one worker on two and three; with B over
// dotPartBytes (also for 13 rows, sixteen rows of op(A) a call), bands
// claimed in turn, more of them than workers (under -race: op(A) as stored only).
func TestSgemmDotLanes(t *testing.T) {
	defer SetThreads(SetThreads(1))
	forEachISA(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(23, 24))
		for _, s := range []struct{ m, n, k, pad int }{
			{8, 131, 4099, 0}, {8, 167, 4099, 0}, {3, 173, 1500, 3}, {6, 200, 1024, 0}, {8, 397, 1024, 0},
			{1, 101, 2048, 0}, {2, 37451, 7, 0}, {5, 9000, 30, 1},
			{8, 3001, 1500, 0}, {13, 2003, 2100, 1},
		} {
			for _, transA := range []bool{false, true} {
				if raceEnabled && transA {
					continue // ~10x slower under -race: op(A) as stored only
				}
				base := newSgemmCase(rng, transA, true, s.m, s.n, s.k, -0.5, 1, s.pad)
				c0 := clone(base.c)
				SetThreads(1)
				want := base.run(t, Sgemm)
				for _, w := range []int{2, 3} {
					SetThreads(w)
					copy(base.c, c0)
					if got := base.run(t, Sgemm); !sameBits(got, want) {
						t.Fatalf("%v: %d workers differ from 1 worker", base, w)
					}
				}
			}
		}
	})
}
