package kernels

import (
	"math/rand/v2"
	"testing"
)

// TestSgemmFar checks the kernels for B larger than L3 (rowsFar, dot6Far):
// on B just larger than L3 (taken as 4 MiB through sgemmFarBytes, so that
// the test costs the same on every machine), against the reference and
// with the bits of the same kernel without them. The rows path (NN, m = 8
// or 16): n = 4099, so groups of three vectors, one left over and three
// columns. The six-row dot path (NT, m = 8 or 5, rows 4 KiB apart): k =
// 1023 (an odd last p) with rows 1024 floats apart, n so that a last group
// overlaps the one before. -short: the first m of each.
func TestSgemmFar(t *testing.T) {
	const l3 = 4 << 20
	defer func(old int) { sgemmFarBytes = old }(sgemmFarBytes)
	sgemmFarBytes = l3
	forEachKernel(t, func(t *testing.T, kr *sgemmKernel) {
		if kr.rowsFar == nil && kr.dot6Far == nil {
			t.Skip("no far kernels")
		}
		near := &sgemmKernel{name: kr.name + "-near", mr: kr.mr, nr: kr.nr, micro: kr.micro, edge: kr.edge,
			half: kr.half, direct: kr.direct, dot: kr.dot, dot6: kr.dot6, dot8: kr.dot8, dot16: kr.dot16,
			rows: kr.rows, pack: kr.pack, panelL1: kr.panelL1}
		rng := rand.New(rand.NewPCG(31, 32))
		cases := []struct {
			transB       bool
			m, n, k, pad int
		}{
			{false, 8, 4099, l3/(4*4099) + 9, 0}, {true, 8, l3/(4*1024) + 101, 1023, 1},
			{false, 16, 4099, l3/(4*4099) + 9, 0}, {true, 5, l3/(4*1024) + 101, 1023, 1},
		}
		if testing.Short() {
			cases = cases[:2]
		}
		for _, cs := range cases {
			c := newSgemmCase(rng, false, cs.transB, cs.m, cs.n, cs.k, -0.5, 1, cs.pad)
			if cs.transB && c.ldb%1024 != 0 {
				t.Fatalf("%v: rows not 4 KiB apart", c)
			}
			c0 := clone(c.c)
			want := c.run(t, kernelGemm(near))
			copy(c.c, c0)
			if got := c.run(t, kernelGemm(kr)); !sameBits(got, want) {
				t.Fatalf("%v: the far kernel's bits differ from the near one's", c)
			}
		}
	})
}
