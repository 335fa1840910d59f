package kernels

import (
	"math/rand/v2"
	"testing"
)

// TestSgemmRowsFar checks the rows path (NN, m = 8 or 16) on B just larger
// than L3, where it takes the kernel's rowsFar: against the reference, and
// with the bits of the same kernel without rowsFar (n = 4099: groups of three
// vectors, one left over and three columns; -short: m = 8 only).
func TestSgemmRowsFar(t *testing.T) {
	forEachKernel(t, func(t *testing.T, kr *sgemmKernel) {
		if kr.rowsFar == nil {
			t.Skip("no rowsFar")
		}
		near := &sgemmKernel{name: kr.name + "-near", mr: kr.mr, nr: kr.nr, micro: kr.micro, edge: kr.edge,
			half: kr.half, direct: kr.direct, dot: kr.dot, dot6: kr.dot6, dot8: kr.dot8, dot16: kr.dot16,
			rows: kr.rows, pack: kr.pack, panelL1: kr.panelL1}
		_, _, l3 := cacheSizes()
		n := 4099
		k := l3/(4*n) + 9
		rng := rand.New(rand.NewPCG(31, 32))
		ms := []int{8, 16}
		if testing.Short() {
			ms = ms[:1]
		}
		for _, m := range ms {
			c := newSgemmCase(rng, false, false, m, n, k, -0.5, 1, 0)
			c0 := clone(c.c)
			want := c.run(t, kernelGemm(near))
			copy(c.c, c0)
			if got := c.run(t, kernelGemm(kr)); !sameBits(got, want) {
				t.Fatalf("%v: rowsFar's bits differ from rows'", c)
			}
		}
	})
}
