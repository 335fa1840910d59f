package kernels

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestSgemmImpl checks that SgemmImpl names the path Sgemm then takes (seen
// through sgemmTrace), the path each shape is meant to take, the
// micro-kernel and the worker count, on every ISA and 1, 2 and 4 workers.
func TestSgemmImpl(t *testing.T) {
	defer SetThreads(SetThreads(1))
	defer func() { sgemmTrace = nil }()
	var taken []string
	sgemmTrace = func(path string) { taken = append(taken, path) }
	rng := rand.New(rand.NewPCG(21, 22))
	cases := []struct {
		transA, transB bool
		m, n, k        int
		workers        []int // where the paths below hold (nil: all)
		want, generic  string
		tokens         []string // also in SgemmImpl's text, on every ISA
	}{
		{false, true, 8, 512, 256, nil, "dot", "packed", nil},
		{false, true, 2, 256, 300, nil, "dot", "packed", nil},
		{false, true, 16, 300, 700, nil, "dot16", "packed", nil},
		{false, false, 8, 512, 600, nil, "rows", "packed", nil},
		{false, false, 1, 1000, 600, nil, "rows", "packed", nil},
		{false, false, 100, 600, 200, []int{2}, "panels", "panels", nil},
		{false, false, 300, 300, 300, []int{4}, "shared", "shared", nil},
		{true, true, 300, 300, 300, []int{4}, "shared", "shared", nil},
		{false, false, 300, 300, 300, []int{1, 2}, "packed", "packed", nil},
		{true, false, 200, 150, 90, []int{2}, "packed", "packed", nil},
		{false, false, 300, 300, 32, []int{1}, "packed", "packed", []string{"order=row-wise", "kc=32"}},
		{false, false, 12, 1024, 300, []int{1}, "packed", "packed", []string{"b=in-place", "kc=128", "grid=1x1"}},
		{false, false, 0, 5, 5, nil, "empty", "empty", nil},
		{false, false, 5, 5, 0, nil, "scale", "scale", nil},
	}
	forEachISA(t, func(t *testing.T) {
		for _, w := range []int{1, 2, 4} {
			SetThreads(w)
			for _, cs := range cases {
				if cs.workers != nil && !slices.Contains(cs.workers, w) {
					continue
				}
				m, n, k := cs.m, cs.n, cs.k
				lda, ldb := max(k, 1), max(n, 1)
				if cs.transA {
					lda = max(m, 1)
				}
				if cs.transB {
					ldb = max(k, 1)
				}
				// B on a cache line, so that the in-place-B kernel is chosen
				// where the shape allows it.
				b := alignedFloats(k*n + 1)
				copy(b, randFloats(rng, k*n+1))
				a, c := randFloats(rng, m*k+1), make([]float32, m*n+1)
				impl := SgemmImpl(cs.transA, cs.transB, m, n, k, b, ldb)
				taken = taken[:0]
				Sgemm(cs.transA, cs.transB, m, n, k, 1, a, lda, b, ldb, 0, c, max(n, 1))
				name := t.Name() + " " + impl
				want := cs.want
				if active == Generic {
					want = cs.generic
				}
				if got := implField(impl, "path"); got != want {
					t.Errorf("%d workers, %+v: %s: path %q, want %q", w, cs, name, got, want)
				}
				switch {
				case want == "empty" || want == "scale":
					if len(taken) != 0 {
						t.Errorf("%d workers, %+v: %s: Sgemm took %v, want no kernel", w, cs, name, taken)
					}
					continue
				case len(taken) != 1 || taken[0] != want:
					t.Errorf("%d workers, %+v: %s: Sgemm took %v, want [%s]", w, cs, name, taken, want)
				}
				for _, tok := range cs.tokens {
					if !slices.Contains(strings.Fields(impl), tok) {
						t.Errorf("%d workers, %+v: %s: no %s", w, cs, name, tok)
					}
				}
				kr := sgemmKernelFor(active, m, n, k)
				if got := implField(impl, "kernel"); !strings.HasPrefix(got, kr.name+":") {
					t.Errorf("%d workers, %+v: %s: kernel %q, want %s:...", w, cs, name, got, kr.name)
				}
				if got := implField(impl, "workers"); want == "packed" && m*n*k >= 1<<21 && got != strconv.Itoa(w) {
					t.Errorf("%d workers, %+v: %s: workers %q, want %d", w, cs, name, got, w)
				}
			}
		}
	})
}

// TestSgemmImplPanics checks that SgemmImpl rejects what Sgemm rejects,
// naming itself.
func TestSgemmImplPanics(t *testing.T) {
	for _, f := range []func(){
		func() { SgemmImpl(false, false, -1, 2, 2, make([]float32, 4), 2) },
		func() { SgemmImpl(false, false, 2, 4, 3, make([]float32, 11), 4) },
		func() { SgemmImpl(false, true, 2, 4, 3, make([]float32, 12), 2) },
	} {
		func() {
			defer func() {
				r := recover()
				if s, _ := r.(string); !strings.Contains(s, "SgemmImpl") {
					t.Errorf("panic %v, want one naming SgemmImpl", r)
				}
			}()
			f()
		}()
	}
}

// implField returns the value of key in SgemmImpl's key=value text.
func implField(impl, key string) string {
	for _, f := range strings.Fields(impl) {
		if v, ok := strings.CutPrefix(f, key+"="); ok {
			return v
		}
	}
	return ""
}
