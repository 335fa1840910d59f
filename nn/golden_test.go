// This file reads the PyTorch golden files that testdata/gen_golden.py
// writes, and holds the comparison and finite-difference helpers every layer
// and loss test uses.

package nn

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/gocnn/gocnn/tensor"
)

type goldenIndex struct {
	Torch  string `json:"torch"`
	Arrays map[string]struct {
		Offset int   `json:"offset"`
		Shape  []int `json:"shape"`
	} `json:"arrays"`
	Meta map[string]map[string]any `json:"meta"`
}

type goldenSet struct {
	idx  goldenIndex
	data []float32
}

var (
	goldenOnce sync.Once
	golden     *goldenSet
	goldenErr  error
)

func loadGolden(t *testing.T) *goldenSet {
	t.Helper()
	goldenOnce.Do(func() {
		golden, goldenErr = readGolden("testdata")
	})
	if goldenErr != nil {
		t.Fatalf("golden files: %v (regenerate with /usr/bin/python3 nn/testdata/gen_golden.py nn/testdata)", goldenErr)
	}
	return golden
}

func readGolden(dir string) (*goldenSet, error) {
	js, err := os.ReadFile(filepath.Join(dir, "golden.json"))
	if err != nil {
		return nil, err
	}
	g := &goldenSet{}
	if err := json.Unmarshal(js, &g.idx); err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(filepath.Join(dir, "golden.bin"))
	if err != nil {
		return nil, err
	}
	g.data = make([]float32, len(raw)/4)
	for i := range g.data {
		g.data[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return g, nil
}

// get returns a copy of the named array as a tensor.
func (g *goldenSet) get(t *testing.T, name string) *tensor.Tensor {
	t.Helper()
	a, ok := g.idx.Arrays[name]
	if !ok {
		t.Fatalf("golden array %q missing", name)
	}
	n := 1
	for _, d := range a.Shape {
		n *= d
	}
	return tensor.FromSlice(g.data[a.Offset:a.Offset+n], a.Shape...)
}

// ints returns the named array as ints (class targets).
func (g *goldenSet) ints(t *testing.T, name string) []int {
	v := g.get(t, name).Data()
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x)
	}
	return out
}

func metaNum(m map[string]any, k string) float64 {
	switch v := m[k].(type) {
	case float64:
		return v
	case bool:
		if v {
			return 1
		}
	}
	return 0
}

// goldenTol is the normwise relative tolerance for float32 results against
// PyTorch: max|got-want| <= goldenTol * max(max|want|, 1e-30).
const goldenTol = 1e-5

// checkClose fails when got and want differ by more than tol relative to
// want's largest magnitude, reporting the worst index.
func checkClose(t *testing.T, what string, got, want *tensor.Tensor, tol float64) {
	t.Helper()
	if !got.SameShape(want) {
		t.Fatalf("%s: shape %v, want %v", what, got.Shape(), want.Shape())
	}
	g, w := got.Values(), want.Values()
	scale := 1e-30
	for _, v := range w {
		scale = math.Max(scale, math.Abs(float64(v)))
	}
	worst, wi := 0.0, -1
	for i := range g {
		d := math.Abs(float64(g[i]) - float64(w[i]))
		if d > worst || math.IsNaN(d) {
			worst, wi = d, i
			if math.IsNaN(d) {
				worst = math.Inf(1)
			}
		}
	}
	if worst > tol*scale {
		t.Errorf("%s: max error %.3g (relative %.3g > %.1g) at index %d: got %v want %v", what, worst, worst/scale, tol, wi, g[wi], w[wi])
	}
}

// gradCheck compares an analytic gradient with central differences of
// objective, evaluated in float64, over every element of x (skip(i) true
// skips a point, e.g. at a ReLU kink). objective must recompute from x.
func gradCheck(t *testing.T, what string, x []float32, analytic []float32, objective func() float64, h, tol float64, skip func(i int) bool) {
	t.Helper()
	if len(analytic) != len(x) {
		t.Fatalf("%s: %d gradient values for %d inputs", what, len(analytic), len(x))
	}
	num := make([]float64, len(x))
	scale := 1e-12
	for i := range x {
		if skip != nil && skip(i) {
			continue
		}
		old := x[i]
		x[i] = float32(float64(old) + h)
		fp := objective()
		x[i] = float32(float64(old) - h)
		fm := objective()
		x[i] = old
		num[i] = (fp - fm) / (2 * h)
		scale = math.Max(scale, math.Abs(num[i]))
	}
	checked, bad := 0, 0
	for i := range x {
		if skip != nil && skip(i) {
			continue
		}
		checked++
		d := math.Abs(float64(analytic[i]) - num[i])
		if d > tol*scale {
			bad++
			if bad <= 3 {
				t.Errorf("%s: d/dx[%d] analytic %.6g numeric %.6g (error %.3g, scale %.3g)", what, i, analytic[i], num[i], d, scale)
			}
		}
	}
	if checked == 0 {
		t.Errorf("%s: no points checked", what)
	}
}

// dot returns Σ y·w in float64: the objective whose gradient with respect to
// y is w, used to check Backward(w).
func dot(y, w *tensor.Tensor) float64 {
	a, b := y.Data(), w.Data()
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}
