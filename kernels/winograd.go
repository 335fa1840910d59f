// This file holds Winograd F(4x4,3x3) for 3x3, stride-1, dilation-1
// convolutions (any padding): each 4x4 output tile comes from a 6x6 input
// tile through 36 independent channel products, 2.25 multiplies per output
// instead of 9 (Lavin & Gray 2016, interpolation points 0, ±1, ±2, ∞):
//
//	Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
//
// The weight transform U = G g Gᵀ is packed as 36 K×C GEMM operands (once
// per call and shared when each worker has several tile blocks; otherwise
// each worker transforms its own rows in L2-sized chunks right before use);
// the input transform V = Bᵀ d B is written straight into 16-tile panels
// (eight tiles side by side inside the image are gathered a row at a time
// by an AVX transpose, winograd_tiles_amd64.s, as their outputs are
// scattered; border tiles go through Go loops);
// the products M[ξ] = U[ξ]·V[ξ] run on convGemm; the output transform adds
// the bias and applies ReLU. All three transforms run 8 tiles (or 6 output
// channels) per AVX2 vector, with generic twins (winograd_generic.go). Backward
// data is this forward on the flipped kernel (Conv.BackwardData); the weight
// gradient is in winograd_bwd.go.
//
// Error bound: the transforms multiply values by up to 8 (Aᵀ) and 5 (Bᵀ) and
// the weights by fractions like 1/6, so rounding errors are larger than a
// direct sum's, and the transforms mix each output with its tile neighbours,
// so the error is bounded relative to the tensor's largest Σ|w*x| rather than
// each output's own. TestConv allows 32 times the direct paths' bound
// (64*eps32*(9C+8) times that largest sum); TestWinogradVGGAccuracy requires a
// max-abs normalised error <= 1e-3 (issue 4) on 14x14 inputs with real-scale
// weights and measured 1.3e-6 (C=3), 2.8e-6 (C=64), 5.0e-6 (C=256) and
// 5.2e-6 (C=512): it grows with C, about as sqrt(C).

package kernels

import "math"

// winoWorker is one worker's scratch: the transformed input of one tile
// block (36 × C × tb, in 16-tile panels) and the products (36 × K × tb).
type winoWorker struct {
	v, m      []float32
	d, o, s   []float32 // transform scratch: winoCB x 288, winoCB x 128, 192
	u         []float32 // fused mode: this worker's chunk of U
	lastBlock int
}

// winogradPlan is the Winograd state of a Conv.
type winogradPlan struct {
	p             ConvParams
	oh, ow        int
	th, tw, tiles int // tiles per image: th×tw; tiles = N*th*tw
	kpanels       int
	tb            int          // tiles per block, a multiple of 16
	zeros         []float32    // K zeros: the bias when there is none
	s             *convScratch // the current call's working memory (U in s.up)
	workers       []winoWorker // s's worker slots for the call
	dyIn, dwOut   []float32    // backward weights: the call's dy and dw

	x, w, bias, y       []float32
	up                  []float32 // the call's U: s.up, or packed weights (nil when fused)
	relu                bool
	nw, blocks, kparts  int
	curTB               int
	fused               bool
	sharedV             []float32 // one tile block split by K: V, transformed once (nil otherwise)
	wtFn, fwdFn, bwdWFn func(lo, hi int)
	inFn                func(lo, hi int)
}

func newWinogradPlan(p ConvParams) *winogradPlan {
	q := &winogradPlan{p: p, oh: p.OutH(), ow: p.OutW()}
	q.th, q.tw = (q.oh+3)/4, (q.ow+3)/4
	q.tiles = p.N * q.th * q.tw
	q.kpanels = convPanels(p.K, convMR)
	q.zeros = make([]float32, p.K)
	// Tiles per block: the transformed input of a block (36*C*tb floats) is
	// kept near 2 MiB, except for C >= 512, where re-reading U (36*K*C
	// floats) once per block costs more than a block spilling to L3: there
	// 8 MiB (measured on VGG16's 28x28 and 56x56 layers, Zen 3).
	budget := 2 << 20
	if p.C >= 512 {
		budget = 8 << 20
	}
	q.tb = min(max(budget/(144*p.C)/convNR*convNR, convNR), 256)
	q.wtFn = q.transformWeights
	q.bwdWFn = q.backwardWeightsWorker
	q.fwdFn = q.forwardWorker
	q.inFn = q.inputWorker
	return q
}

func (q *winogradPlan) forward(x, w, bias, y []float32, relu bool) {
	q.forwardU(x, w, nil, bias, y, relu)
}

// forwardU is forward with the weight transform u when it is not nil
// (PackWeights made it from w earlier): then no worker transforms weights.
func (q *winogradPlan) forwardU(x, w, u, bias, y []float32, relu bool) {
	p := q.p
	nw := Threads()
	tb := q.tb
	if per := (q.tiles + nw - 1) / nw; per < tb {
		tb = max((per+convNR-1)/convNR*convNR, convNR)
	}
	q.blocks = convPanels(q.tiles, tb)
	// Few tiles (small images): one block of every tile with the workers
	// splitting K, so that each transforms only its rows of U and only the
	// cheaper input transform is repeated per worker.
	if nw > 1 && q.blocks <= nw && q.tiles <= p.K && 144*p.C*q.tiles <= 16<<20 {
		tb = (q.tiles + convNR - 1) / convNR * convNR
		q.blocks = 1
	}
	q.kparts = 1
	if q.blocks < nw {
		q.kparts = min((nw+q.blocks-1)/q.blocks, q.kpanels)
	}
	// With one tile block per worker or fewer, U is used once: each worker
	// transforms its own rows of it in L2-sized chunks right before use
	// (fused), instead of a K×C×36 round trip through memory.
	q.fused = q.blocks <= nw && u == nil
	q.w, q.up = w, u
	if !q.fused && u == nil {
		q.s.up = growFloats(q.s.up, 36*q.uStride())
		q.up = q.s.up
		ParallelFor(q.kpanels, 1+64/p.C, q.wtFn)
	}
	items := q.blocks * q.kparts
	nw = min(nw, items)
	q.workers = q.s.winoWorkers(nw)
	q.x, q.bias, q.y, q.relu, q.nw = x, bias, y, relu, nw
	q.curTB = tb
	// One tile block shared by workers that split K: its input transform
	// is made once, each worker taking a share of the channels, rather than
	// once per worker (at batch 1 most of VGG16's layers run so).
	q.sharedV = nil
	if q.blocks == 1 && nw > 1 {
		q.s.vShared = growFloats(q.s.vShared, 36*winoStride(tb*p.C))
		q.sharedV = q.s.vShared
		ParallelFor(nw, 1, q.inFn)
	}
	ParallelFor(nw, 1, q.fwdFn)
	q.x, q.w, q.up, q.bias, q.y, q.sharedV = nil, nil, nil, nil, nil, nil
}

// inputWorker transforms the input of the shared tile block (block 0) for
// worker wk's share of the channels, in whole transform calls (winoCB).
func (q *winogradPlan) inputWorker(lo, hi int) {
	p := q.p
	groups := (p.C + winoCB - 1) / winoCB
	npan := q.curTB / convNR
	for wk := lo; wk < hi; wk++ {
		ws := &q.workers[wk]
		ws.d = growFloats(ws.d, winoCB*288)
		c0, c1 := wk*groups/q.nw*winoCB, min((wk+1)*groups/q.nw*winoCB, p.C)
		if c0 < c1 {
			q.transformInputTo(ws, q.sharedV, 0, min(q.curTB, q.tiles), npan*2, winoStride(npan*p.C*convNR), 0, c0, c1)
		}
	}
}

// packWeights writes U for w into u (36*uStride floats), in parallel.
func (q *winogradPlan) packWeights(w, u []float32) {
	q.w = w
	ParallelFor(q.kpanels, 1+64/q.p.C, func(lo, hi int) { q.transformWeightsTo(u, q.uStride(), lo, hi, 0) })
	q.w = nil
}

// transformWeights writes U[ξ][k][c] = (G g Gᵀ)[ξ] for the 6-row panels of
// K in [lo, hi), packed as up[((ξ*kpanels + k/6)*C + c)*6 + k%6].
func (q *winogradPlan) transformWeights(lo, hi int) {
	q.transformWeightsTo(q.s.up, q.uStride(), lo, hi, 0)
}

// transformWeightsTo writes U for panels [lo, hi) to up, element ξ of panel
// kp, channel c, row k%6 at up[ξ*xs + (kp-base)*C*6 + c*6 + k%6]: the kernels
// of a panel's 6 rows are gathered into lanes, winoCB channels per call.
func (q *winogradPlan) transformWeightsTo(up []float32, xs, lo, hi, base int) {
	p := q.p
	var g [winoCB * 72]float32
	var t [144]float32
	var zero [winoCB * 9]float32
	for kp := lo; kp < hi; kp++ {
		rows := min(convMR, p.K-kp*convMR)
		for c0 := 0; c0 < p.C; c0 += winoCB {
			nc := min(winoCB, p.C-c0)
			// Tap e of channel c0+ci of row l goes to lane l of g[(ci*9+e)*8:]:
			// the rows' runs of nc*9 taps interleave six at a time.
			if o := (kp*convMR*p.C + c0) * 9; rows == convMR && nc%8 == 0 && winoGatherW6(q.w[o:], p.C*9, nc*9/8, g[:]) {
				winoWeights6(nc, &g[0], &up[(kp-base)*p.C*convMR+c0*convMR], xs, &t[0])
				continue
			}
			var src [convMR][]float32
			for l := range src {
				src[l] = zero[:nc*9]
				if l < rows {
					o := ((kp*convMR+l)*p.C + c0) * 9
					src[l] = q.w[o : o+nc*9]
				}
			}
			s0, s1, s2, s3, s4, s5 := src[0], src[1][:len(src[0])], src[2][:len(src[0])], src[3][:len(src[0])], src[4][:len(src[0])], src[5][:len(src[0])]
			for i := range s0 {
				d := (*[6]float32)(g[i*8 : i*8+6])
				d[0], d[1], d[2], d[3], d[4], d[5] = s0[i], s1[i], s2[i], s3[i], s4[i], s5[i]
			}
			winoWeights6(nc, &g[0], &up[(kp-base)*p.C*convMR+c0*convMR], xs, &t[0])
		}
	}
}

// winoStride returns the distance between the 36 slices ξ of a transform
// buffer holding n floats each: n plus 16 floats, so that the slices do not
// all fall in the same L1 set when n*4 is a multiple of 4 KiB (they are
// written or read in step).
func winoStride(n int) int { return n + 16 }

// uStride is the ξ stride of the plan's U.
func (q *winogradPlan) uStride() int { return winoStride(q.kpanels * convMR * q.p.C) }

// winoG applies G (6x3) to (g0, g1, g2).
func winoG(g0, g1, g2 float32) (u0, u1, u2, u3, u4, u5 float32) {
	const r6, r12, r24 = 1.0 / 6, 1.0 / 12, 1.0 / 24
	a := (g0 + g2) * -r6
	b := g0*r24 + g2*r6
	c := g1 * -r6
	d := g1 * r12
	return g0 * 0.25, a + c, a - c, b + d, b - d, g2
}

// winoBT applies Bᵀ (6x6) to (d0..d5).
func winoBT(d0, d1, d2, d3, d4, d5 float32) (v0, v1, v2, v3, v4, v5 float32) {
	a := d4 - 4*d2
	b := d3 - 4*d1
	c := d4 - d2
	e := 2 * (d3 - d1)
	return 4*d0 - 5*d2 + d4, a + b, a - b, c + e, c - e, 4*d1 - 5*d3 + d5
}

// winoAT applies Aᵀ (4x6) to (m0..m5).
func winoAT(m0, m1, m2, m3, m4, m5 float32) (y0, y1, y2, y3 float32) {
	a, b := m1+m2, m1-m2
	c, d := m3+m4, m3-m4
	return m0 + a + c, b + 2*d, a + 4*c, b + 8*d + m5
}

func (q *winogradPlan) forwardWorker(lo, hi int) {
	p := q.p
	tb := q.curTB
	items := q.blocks * q.kparts
	npan := tb / convNR
	for wk := lo; wk < hi; wk++ {
		ws := &q.workers[wk]
		xsV := winoStride(npan * p.C * convNR)
		v := q.sharedV
		if v == nil {
			ws.v = growFloats(ws.v, 36*xsV)
			v = ws.v
		}
		ws.lastBlock = -1
		ws.d = growFloats(ws.d, winoCB*288)
		ws.o = growFloats(ws.o, winoCB*128)
		ws.s = growFloats(ws.s, 192)
		for it := wk * items / q.nw; it < (wk+1)*items/q.nw; it++ {
			b, kp := it/q.kparts, it%q.kparts
			t0 := b * tb
			nt := min(tb, q.tiles-t0)
			if ws.lastBlock != b && q.sharedV == nil {
				q.transformInput(ws, ws.v, t0, nt, npan)
				ws.lastBlock = b
			}
			kp0, kp1 := kp*q.kpanels/q.kparts, (kp+1)*q.kpanels/q.kparts
			k0, k1 := kp0*convMR, min(kp1*convMR, p.K)
			mk := k1 - k0
			xsM := winoStride(mk * tb)
			ws.m = growFloats(ws.m, 36*xsM)
			if !q.fused {
				for xi := 0; xi < 36; xi++ {
					convGemm(mk, nt, p.C, q.up[xi*q.uStride()+kp0*p.C*convMR:], p.C*convMR,
						v[xi*xsV:], p.C*convNR, ws.m[xi*xsM:], tb, false, nil, false)
				}
			} else {
				g := max(1, (512<<10)/(36*convMR*4*p.C)) // panels per L2-sized chunk of U
				ws.u = growFloats(ws.u, 36*winoStride(g*convMR*p.C))
				for c0 := kp0; c0 < kp1; c0 += g {
					c1 := min(c0+g, kp1)
					xsl := winoStride((c1 - c0) * convMR * p.C)
					q.transformWeightsTo(ws.u, xsl, c0, c1, c0)
					rows := min(c1*convMR, p.K) - c0*convMR
					for xi := 0; xi < 36; xi++ {
						convGemm(rows, nt, p.C, ws.u[xi*xsl:], p.C*convMR, v[xi*xsV:], p.C*convNR,
							ws.m[xi*xsM+(c0*convMR-k0)*tb:], tb, false, nil, false)
					}
				}
			}
			q.transformOutput(ws, ws.m, t0, nt, k0, k1, tb)
		}
	}
}

// winoCB is the number of channels one transform call handles.
const winoCB = 16

// transformInput writes V = Bᵀ d B for tiles [t0, t0+nt) and every channel
// into v: element ξ of tile t0+j, channel c at v[((ξ*npan + j/16)*C + c)*16 + j%16].
// Groups of 8 tiles are gathered into ws.d (lane = tile) and transformed 8
// lanes wide, winoCB channels per call.
func (q *winogradPlan) transformInput(ws *winoWorker, v []float32, t0, nt, npan int) {
	q.transformInputTo(ws, v, t0, nt, npan*2, winoStride(npan*q.p.C*convNR), 0, 0, q.p.C)
}

// transformInputTo is transformInput for ngroups groups of 8 tiles with ξ
// stride xs, in one of two layouts: rowLen == 0 gives the forward GEMM's
// 16-tile panels (group g, channel c at (g/2*C + c)*16 + g%2*8); rowLen > 0
// gives one row of rowLen tiles per channel (group g, channel c at
// c*rowLen + g*8), the operand of the weight-gradient products. Only
// channels [cLo, cHi) are written; cLo is a multiple of winoCB.
func (q *winogradPlan) transformInputTo(ws *winoWorker, v []float32, t0, nt, ngroups, xs, rowLen, cLo, cHi int) {
	p := q.p
	per := q.th * q.tw
	hw := p.H * p.W
	var org, h0s, w0s, img [8]int
	var rlo, rhi, clo, chi [8]int // border tiles: the rows and columns inside the image
	var valid, inside [8]bool
	d := ws.d
	for g := 0; g < ngroups; g++ {
		base, cs := g/2*p.C*convNR+g%2*8, convNR
		if rowLen > 0 {
			base, cs = g*8, rowLen
		}
		for l := 0; l < 8; l++ {
			j := g*8 + l
			valid[l] = j < nt
			if !valid[l] {
				continue
			}
			t := t0 + j
			n, th, tw := t/per, t%per/q.tw, t%q.tw
			h0s[l], w0s[l] = th*4-p.PadH, tw*4-p.PadW
			img[l] = n * p.C * hw
			org[l] = h0s[l]*p.W + w0s[l]
			inside[l] = h0s[l] >= 0 && w0s[l] >= 0 && h0s[l]+6 <= p.H && w0s[l]+6 <= p.W
			rlo[l], rhi[l] = max(0, -h0s[l]), max(0, min(6, p.H-h0s[l]))
			clo[l], chi[l] = max(0, -w0s[l]), max(0, min(6, p.W-w0s[l]))
		}
		if !valid[0] {
			// The whole group is padding: zero its lanes of every ξ.
			for xi := 0; xi < 36; xi++ {
				for c := cLo; c < cHi; c++ {
					clear(v[xi*xs+base+c*cs:][:8])
				}
			}
			continue
		}
		// A half of the group (lanes 0-3 or 4-7) that is a run of four tiles
		// side by side in a row of an image, all inside it, with the two
		// floats past its last window readable, is gathered a row at a time
		// by the assembly; the Go loops below do the other lanes (a half
		// that is not a run goes through the assembly too, as a copy of the
		// other, and is then overwritten).
		runA := winoTilesAVX2() && valid[3] && q.insideRun(&inside, &img, &org, 0)
		runB := winoTilesAVX2() && valid[7] && q.insideRun(&inside, &img, &org, 4)
		oa, ob := img[0]+org[0], img[4]+org[4]
		lo, hi := 0, 8
		switch {
		case runA && runB:
			lo, hi = 0, 0
		case runA:
			ob, lo = oa, 4
		case runB:
			oa, hi = ob, 4
		}
		for c0 := cLo; c0 < cHi; c0 += winoCB {
			nc := min(winoCB, cHi-c0)
			if runA || runB {
				winoGather8AVX2(&q.x[oa+c0*hw], &q.x[ob+c0*hw], p.W, hw, nc, &d[0])
			}
			for ci := 0; ci < nc && lo < hi; ci++ {
				dc := d[ci*288 : ci*288+288]
				for l := lo; l < hi; l++ {
					switch {
					case !valid[l]:
						for e := 0; e < 36; e++ {
							dc[e*8+l] = 0
						}
					case inside[l]:
						base := img[l] + (c0+ci)*hw + org[l]
						for r := 0; r < 6; r++ {
							row := (*[6]float32)(q.x[base+r*p.W : base+r*p.W+6])
							o := r*48 + l
							dc[o], dc[o+8], dc[o+16], dc[o+24], dc[o+32], dc[o+40] = row[0], row[1], row[2], row[3], row[4], row[5]
						}
					default:
						// A tile over the border: zeros, then the part
						// inside the image, row by row.
						for e := 0; e < 36; e++ {
							dc[e*8+l] = 0
						}
						if clo[l] >= chi[l] {
							continue
						}
						plane := q.x[img[l]+(c0+ci)*hw : img[l]+(c0+ci+1)*hw]
						for r := rlo[l]; r < rhi[l]; r++ {
							at := (h0s[l]+r)*p.W + w0s[l]
							row := plane[at+clo[l] : at+chi[l]]
							o := (r*6+clo[l])*8 + l
							for i, v := range row {
								dc[o+i*8] = v
							}
						}
					}
				}
			}
			winoInput8(nc, &d[0], &v[base+c0*cs], xs, cs)
		}
	}
}

// insideRun reports whether lanes a..a+3 of a tile group are four tiles
// side by side in one row of one image, all inside it, whose gather
// (winoGather8AVX2) reads within x.
func (q *winogradPlan) insideRun(inside *[8]bool, img, org *[8]int, a int) bool {
	p := q.p
	return inside[a] && inside[a+3] && img[a+3] == img[a] && org[a+3] == org[a]+12 &&
		img[a]+(p.C-1)*p.H*p.W+org[a]+5*p.W+20 <= len(q.x)
}

// transformOutput writes Y = Aᵀ M A (+ bias, ReLU) for tiles [t0, t0+nt) and
// channels [k0, k1), M[ξ] at m[(ξ*(k1-k0) + k-k0)*tb + j]: 8 tiles (lanes) by
// winoCB channels per transform call, then scattered into y.
func (q *winogradPlan) transformOutput(ws *winoWorker, m []float32, t0, nt, k0, k1, tb int) {
	p := q.p
	mk := k1 - k0
	xs := winoStride(mk * tb)
	per := q.th * q.tw
	ohw := q.oh * q.ow
	bias := q.zeros
	if q.bias != nil {
		bias = q.bias
	}
	lo := float32(math.Inf(-1))
	if q.relu {
		lo = 0
	}
	var yoff [8]int
	var rows, cols [8]int
	for j0 := 0; j0 < nt; j0 += 8 {
		nl := min(8, nt-j0)
		for l := 0; l < nl; l++ {
			t := t0 + j0 + l
			n, th, tw := t/per, t%per/q.tw, t%q.tw
			yoff[l] = n*p.K*ohw + th*4*q.ow + tw*4
			rows[l], cols[l] = min(4, q.oh-th*4), min(4, q.ow-tw*4)
		}
		// Two runs of four whole tiles side by side in a row of an image:
		// the assembly scatters them a row at a time.
		row := winoTilesAVX2() && nl == 8
		for _, a := range [2]int{0, 4} {
			row = row && rows[a] == 4 && cols[a] == 4 && rows[a+3] == 4 && cols[a+3] == 4 && yoff[a+3] == yoff[a]+12
		}
		for kb := k0; kb < k1; kb += winoCB {
			nk := min(winoCB, k1-kb)
			winoOutput8(nk, &m[(kb-k0)*tb+j0], tb, xs, &bias[kb], lo, &ws.o[0], &ws.s[0])
			if row {
				_ = q.y[max(yoff[0], yoff[4])+(kb+nk-1)*ohw+3*q.ow+15]
				winoScatter8AVX2(&ws.o[0], nk, &q.y[yoff[0]+kb*ohw], &q.y[yoff[4]+kb*ohw], q.ow, ohw)
				continue
			}
			for ki := 0; ki < nk; ki++ {
				o := ws.o[ki*128 : ki*128+128]
				kof := (kb + ki) * ohw
				for l := 0; l < nl; l++ {
					base := yoff[l] + kof
					for r := 0; r < rows[l]; r++ {
						yr := q.y[base+r*q.ow : base+r*q.ow+cols[l]]
						for cc := range yr {
							yr[cc] = o[(r*4+cc)*8+l]
						}
					}
				}
			}
		}
	}
}
