// This file holds the Winograd F(4x4,3x3) weight gradient. The forward tile
// identity y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A is linear in g, so its adjoint gives
//
//	dW[k,c] = Gᵀ [ Σ_tiles (A dY_k Aᵀ) ⊙ (Bᵀ X_c B) ] G
//
// exactly (in exact arithmetic) for the same tiles the forward uses, with dY
// zero beyond the output edge. The 36 sums over tiles are K×C products with
// the tile index as the reduction: they run on winoNT, whose vector lanes
// run along the tiles, so the transforms keep their 8-tiles-per-vector
// layout. A quarter of the direct multiply-adds, as in the forward.

package kernels

import "unsafe"

// winoBwdMinTiles is the number of output tiles (N*ceil(OH/4)*ceil(OW/4))
// from which Conv.BackwardWeights uses the Winograd weight gradient.
const winoBwdMinTiles = 160

// winoBwdWorker is one worker's weight-gradient scratch: the transformed
// input and output gradient of one tile block, and the running sums Z.
type winoBwdWorker struct {
	v, dy, z []float32
}

// bwdTB returns the tiles per block of the weight gradient: a multiple of 8
// that keeps 36*C*tb floats near 4 MiB, at least 64 so that each winoNT call
// reduces over enough tiles to repay its final horizontal sums. It does not
// depend on the worker count, so neither do the results.
func (q *winogradPlan) bwdTB() int {
	return min(max(4<<20/(144*q.p.C)/8*8, 64), 256)
}

// backwardWeights accumulates dw += dW for x, dy (see Conv.BackwardWeights).
// Workers own ranges of 4 output channels.
func (q *winogradPlan) backwardWeights(x, dy, dw []float32) {
	p := q.p
	nw := min(Threads(), convPanels(p.K, 4))
	q.s.winoBwdWorkers(nw)
	q.workers = q.s.winoWorkers(nw)
	q.x, q.dyIn, q.dwOut, q.nw = x, dy, dw, nw
	ParallelFor(nw, 1, q.bwdWFn)
	q.x, q.dyIn, q.dwOut = nil, nil, nil
}

func (q *winogradPlan) backwardWeightsWorker(lo, hi int) {
	p := q.p
	tb := q.bwdTB()
	kq := convPanels(p.K, 4)
	// V and A·dY·Aᵀ rows are padded to multiples of 3 channels and 4 output
	// channels with zero rows, so that every product tile is a full 4x3 one.
	cp := (p.C + 2) / 3 * 3
	xsV := winoStride(cp * tb)
	var out [12]float32
	for wk := lo; wk < hi; wk++ {
		k0, k1 := wk*kq/q.nw*4, min((wk+1)*kq/q.nw*4, p.K)
		if k0 >= k1 {
			continue
		}
		kr := k1 - k0
		xsD := winoStride((kr + 3) / 4 * 4 * tb)
		ws, bs := &q.workers[wk], &q.s.wbwd[wk]
		ws.d = growFloats(ws.d, winoCB*288)
		ws.s = growFloats(ws.s, 192)
		bs.v = growFloats(bs.v, 36*xsV)
		bs.dy = growFloats(bs.dy, 36*xsD)
		bs.z = growFloats(bs.z, 36*kr*p.C)
		clear(bs.z)
		for t0 := 0; t0 < q.tiles; t0 += tb {
			nt := min(tb, q.tiles-t0)
			n8 := (nt + 7) / 8 * 8
			q.transformInputTo(ws, bs.v, t0, nt, n8/8, xsV, tb, 0, q.p.C)
			q.transformDY(ws, bs.dy, t0, nt, n8/8, xsD, tb, k0, k1)
			for xi := 0; xi < 36; xi++ {
				a, b := bs.dy[xi*xsD:], bs.v[xi*xsV:]
				z := bs.z[xi*kr*p.C : (xi+1)*kr*p.C]
				for i := 0; i < kr; i += 4 {
					mr := min(4, kr-i)
					for j := 0; j < p.C; j += 3 {
						nr := min(3, p.C-j)
						winoNT4x3(n8, &a[i*tb], tb, &b[j*tb], tb, &out[0])
						for jj := 0; jj < nr; jj++ {
							for ii := 0; ii < mr; ii++ {
								z[(i+ii)*p.C+j+jj] += out[jj*4+ii]
							}
						}
					}
				}
			}
		}
		// dW[k,c] += Gᵀ Z G.
		for k := k0; k < k1; k++ {
			for c := 0; c < p.C; c++ {
				o := (k-k0)*p.C + c
				zs := kr * p.C
				var t [3][6]float32
				for j := 0; j < 6; j++ {
					t[0][j], t[1][j], t[2][j] = winoGT(bs.z[o+j*zs], bs.z[o+(6+j)*zs], bs.z[o+(12+j)*zs],
						bs.z[o+(18+j)*zs], bs.z[o+(24+j)*zs], bs.z[o+(30+j)*zs])
				}
				d := (*[9]float32)(q.dwOut[(k*p.C+c)*9:])
				for r := 0; r < 3; r++ {
					w0, w1, w2 := winoGT(t[r][0], t[r][1], t[r][2], t[r][3], t[r][4], t[r][5])
					d[r*3] += w0
					d[r*3+1] += w1
					d[r*3+2] += w2
				}
			}
		}
	}
}

// winoGT applies Gᵀ (3x6) to (z0..z5).
func winoGT(z0, z1, z2, z3, z4, z5 float32) (w0, w1, w2 float32) {
	const r6, r12, r24 = 1.0 / 6, 1.0 / 12, 1.0 / 24
	a, b := z1+z2, z3+z4
	return z0*0.25 - a*r6 + b*r24, (z2-z1)*r6 + (z3-z4)*r12, -a*r6 + b*r6 + z5
}

// winoA applies A (6x4, the transpose of Aᵀ) to (d0..d3).
func winoA(d0, d1, d2, d3 float32) (z0, z1, z2, z3, z4, z5 float32) {
	e, o := d0+d2, d1+d3
	e4, o2 := d0+4*d2, 2*d1+8*d3
	return d0, e + o, e - o, e4 + o2, e4 - o2, d3
}

// transformDY writes A dY Aᵀ for tiles [t0, t0+nt) (ngroups groups of 8)
// and output channels [k0, k1): element ξ of tile t0+j, channel k at
// dyt[ξ*xs + (k-k0)*rowLen + j]; tiles past nt and outputs past the edge
// count as zero.
func (q *winogradPlan) transformDY(ws *winoWorker, dyt []float32, t0, nt, ngroups, xs, rowLen, k0, k1 int) {
	p := q.p
	per := q.th * q.tw
	ohw := q.oh * q.ow
	var off [8]int
	var rows, cols [8]int
	d := ws.d
	for g := 0; g < ngroups; g++ {
		for l := 0; l < 8; l++ {
			j := g*8 + l
			if j >= nt {
				rows[l], cols[l] = 0, 0
				continue
			}
			t := t0 + j
			n, th, tw := t/per, t%per/q.tw, t%q.tw
			off[l] = n*p.K*ohw + th*4*q.ow + tw*4
			rows[l], cols[l] = min(4, q.oh-th*4), min(4, q.ow-tw*4)
		}
		for kb := k0; kb < k1; kb += winoCB {
			nk := min(winoCB, k1-kb)
			for ki := 0; ki < nk; ki++ {
				dk := d[ki*128 : ki*128+128]
				clear(dk)
				base := (kb + ki) * ohw
				for l := 0; l < 8; l++ {
					for r := 0; r < rows[l]; r++ {
						src := q.dyIn[off[l]+base+r*q.ow : off[l]+base+r*q.ow+cols[l]]
						for c, v := range src {
							dk[(r*4+c)*8+l] = v
						}
					}
				}
			}
			winoDY8(nk, &d[0], &dyt[g*8+(kb-k0)*rowLen], xs, rowLen, &ws.s[0])
		}
	}
}

// winoDY8Generic transforms n channels of 8 output-gradient tiles: for
// channel i, the 4x4 tile of lane l is d[i*128 + (r*4+c)*8 + l]; it writes
// A dY Aᵀ, element ξ of lane l, to z[i*cs + ξ*xs + l].
func winoDY8Generic(n int, d, z *float32, xs, cs int) {
	ds := unsafe.Slice(d, n*128)
	zs := unsafe.Slice(z, (n-1)*cs+35*xs+8)
	for i := 0; i < n; i++ {
		di := ds[i*128 : i*128+128]
		var t [6][4][8]float32 // t = A dY (columns)
		for c := 0; c < 4; c++ {
			for l := 0; l < 8; l++ {
				t[0][c][l], t[1][c][l], t[2][c][l], t[3][c][l], t[4][c][l], t[5][c][l] =
					winoA(di[c*8+l], di[32+c*8+l], di[64+c*8+l], di[96+c*8+l])
			}
		}
		for r := 0; r < 6; r++ {
			for l := 0; l < 8; l++ {
				z0, z1, z2, z3, z4, z5 := winoA(t[r][0][l], t[r][1][l], t[r][2][l], t[r][3][l])
				o := i*cs + r*6*xs + l
				zs[o], zs[o+xs], zs[o+2*xs], zs[o+3*xs], zs[o+4*xs], zs[o+5*xs] = z0, z1, z2, z3, z4, z5
			}
		}
	}
}

// winoNTGeneric sets out[j*4+i] = Σ_{t<n} a[i*lda+t]*b[j*ldb+t] for i < mr
// (<= 4), j < nr (<= 3); n is a multiple of 8. The sum runs in 8 lanes (t mod
// 8) added pairwise at the end, as the assembly does.
func winoNTGeneric(n int, a *float32, lda int, b *float32, ldb int, out *float32, mr, nr int) {
	as := unsafe.Slice(a, (mr-1)*lda+n)
	bs := unsafe.Slice(b, (nr-1)*ldb+n)
	os := unsafe.Slice(out, 12)
	for j := 0; j < nr; j++ {
		for i := 0; i < mr; i++ {
			var s [8]float32
			ar, br := as[i*lda:i*lda+n], bs[j*ldb:j*ldb+n]
			for t := 0; t < n; t += 8 {
				for l := range s {
					s[l] += ar[t+l] * br[t+l]
				}
			}
			os[j*4+i] = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
		}
	}
}
