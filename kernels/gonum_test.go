// This file checks the gonum adapter through gonum's own blas32 API against
// gonum's native results.

package kernels

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"
)

func TestGonumAdapterThroughBlas32(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	defer blas32.Use(gonum.Implementation{})
	trans := []blas.Transpose{blas.NoTrans, blas.Trans, blas.ConjTrans}
	for _, sh := range [][3]int{{1, 1, 1}, {7, 33, 19}, {40, 17, 300}, {64, 65, 66}} {
		m, n, k := sh[0], sh[1], sh[2]
		for _, tA := range trans {
			for _, tB := range trans {
				a := general(rng, m, k, tA != blas.NoTrans)
				b := general(rng, k, n, tB != blas.NoTrans)
				c0 := general(rng, m, n, false)
				want := blas32.General{Rows: m, Cols: n, Stride: c0.Stride, Data: clone(c0.Data)}
				got := blas32.General{Rows: m, Cols: n, Stride: c0.Stride, Data: clone(c0.Data)}

				blas32.Use(gonum.Implementation{})
				blas32.Gemm(tA, tB, -0.5, a, b, 1, want)
				blas32.Use(Gonum{})
				blas32.Gemm(tA, tB, -0.5, a, b, 1, got)

				tol := 4 * float64(k+2) * 0x1p-24 * float64(k) // |a|,|b| <= 1
				for i, g := range got.Data {
					if e := math.Abs(float64(g - want.Data[i])); !(e <= tol) {
						t.Fatalf("m=%d n=%d k=%d tA=%c tB=%c: C[%d][%d] = %v, gonum %v (err %.3g)",
							m, n, k, tA, tB, i/n, i%n, g, want.Data[i], e)
					}
				}
			}
		}
	}
	// A routine the adapter does not override still works (gonum's own).
	blas32.Use(Gonum{})
	x := blas32.Vector{N: 3, Inc: 1, Data: []float32{1, 2, 3}}
	if got := blas32.Dot(x, x); got != 14 {
		t.Errorf("Dot through the adapter = %v, want 14", got)
	}
}

// general returns a random rows×cols matrix (cols×rows when trans, as gonum
// stores op(X) = X^T) with a stride one wider than its rows.
func general(rng *rand.Rand, rows, cols int, trans bool) blas32.General {
	if trans {
		rows, cols = cols, rows
	}
	g := blas32.General{Rows: rows, Cols: cols, Stride: cols + 1, Data: make([]float32, rows*(cols+1))}
	for i := range g.Data {
		g.Data[i] = float32(rng.Float64()*2 - 1)
	}
	return g
}

func TestGonumAdapterBadTranspose(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic on a bad transpose")
		}
	}()
	Gonum{}.Sgemm('x', blas.NoTrans, 1, 1, 1, 1, []float32{1}, 1, []float32{1}, 1, 0, []float32{0}, 1)
}

// TestGonumSgemvThroughBlas32 drives the adapter's Sgemv through blas32.Gemv
// against gonum's own: A·x and Aᵀ·x (ConjTrans too) on shapes gocnn's
// kernels take (A·x with 60000 elements, Aᵀ·x with A beyond L3, taken as
// 1 MiB through sgemmFarBytes) and shapes gonum keeps (small, few columns,
// A in L3, strided vectors), beta 0 over NaN and beta 0.5, A's stride wider
// than its rows; and that gemvRoute sends each where it says.
func TestGonumSgemvThroughBlas32(t *testing.T) {
	defer func(old int) { sgemmFarBytes = old }(sgemmFarBytes)
	sgemmFarBytes = 1 << 20
	defer blas32.Use(gonum.Implementation{})
	rng := rand.New(rand.NewPCG(23, 24))
	cases := []struct {
		tA        blas.Transpose
		m, n, inc int
		route     blas.Transpose
	}{
		{blas.NoTrans, 200, 300, 1, blas.NoTrans}, {blas.NoTrans, 64, 64, 1, 0},
		{blas.NoTrans, 900, 40, 1, 0}, {blas.NoTrans, 200, 300, 2, 0},
		{blas.Trans, 600, 700, 1, blas.Trans}, {blas.ConjTrans, 600, 700, 1, blas.Trans},
		{blas.Trans, 200, 300, 1, 0}, {blas.Trans, 600, 700, -1, 0},
	}
	for _, c := range cases {
		a := general(rng, c.m, c.n, false)
		lx, ly := c.n, c.m
		if c.tA != blas.NoTrans {
			lx, ly = ly, lx
		}
		if got := gemvRoute(c.tA, c.m, c.n, len(a.Data), a.Stride, lx, c.inc, ly, c.inc); got != c.route {
			t.Fatalf("%+v: gemvRoute %d, want %d", c, got, c.route)
		}
		inc := max(c.inc, -c.inc)
		x := blas32.Vector{N: lx, Inc: c.inc, Data: make([]float32, 1+(lx-1)*inc)}
		for i := range x.Data {
			x.Data[i] = float32(rng.Float64()*2 - 1)
		}
		for _, beta := range []float32{0, 0.5} {
			y0 := make([]float32, 1+(ly-1)*inc)
			for i := range y0 {
				y0[i] = float32(rng.Float64()*2 - 1)
				if beta == 0 && i%inc == 0 { // the gaps must keep their values
					y0[i] = float32(math.NaN())
				}
			}
			want := blas32.Vector{N: ly, Inc: c.inc, Data: clone(y0)}
			got := blas32.Vector{N: ly, Inc: c.inc, Data: clone(y0)}
			blas32.Use(gonum.Implementation{})
			blas32.Gemv(c.tA, -0.5, a, x, beta, want)
			blas32.Use(Gonum{})
			blas32.Gemv(c.tA, -0.5, a, x, beta, got)
			k := float64(lx)
			tol := 4 * (k + 2) * 0x1p-24 * k
			for i, g := range got.Data {
				if e := math.Abs(float64(g - want.Data[i])); !(e <= tol) {
					t.Fatalf("%+v beta=%v: y[%d] = %v, gonum %v (err %.3g)", c, beta, i, g, want.Data[i], e)
				}
			}
		}
	}
}

// TestGemvRouteL2 checks that Aᵀ·x goes to gocnn's kernels (L3 taken as
// eight L2s through sgemmFarBytes) when A has 256 rows and overflows L2
// but not a quarter of L3, or overflows L3, and to gonum with fewer rows,
// A in L2, or A between a quarter of L3 and L3.
func TestGemvRouteL2(t *testing.T) {
	defer func(old int) { sgemmFarBytes = old }(sgemmFarBytes)
	_, l2, _ := cacheSizes()
	sgemmFarBytes = 8 * l2
	n := l2/(4*300) + 40 // A just over L2
	for _, c := range []struct {
		m, n  int
		route blas.Transpose
	}{{300, n, blas.Trans}, {200, 2 * n, 0}, {300, n / 2, 0}, {300, 3 * n, 0}, {300, 9 * n, blas.Trans}} {
		lenA := c.m * c.n
		if got := gemvRoute(blas.Trans, c.m, c.n, lenA, c.n, c.m, 1, c.n, 1); got != c.route {
			t.Errorf("%dx%d: gemvRoute %d, want %d", c.m, c.n, got, c.route)
		}
	}
}

func TestGonumSgemvBadArgs(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic on lda < n")
		}
	}()
	a := make([]float32, 200*300)
	Gonum{}.Sgemv(blas.NoTrans, 200, 300, 1, a, 299, make([]float32, 300), 1, 0, make([]float32, 200), 1)
}
