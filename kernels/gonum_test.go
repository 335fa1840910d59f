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
