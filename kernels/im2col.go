// This file holds the general convolution path: any kernel size, stride,
// padding and dilation as matrix products over packed panels. The image
// patches are packed straight into GEMM panels (the im2col matrix is never
// formed), so the forward scratch is one block of panels per worker.
//
//	forward:          Y_n[K×P]    = W[K×CRS] · col_n[CRS×P]
//	backward weights: dW[K×CRS]  += Σ_n dY_n[K×P] · col_nᵀ[P×CRS]
//	backward data:    dcol[CRS×P] = Wᵀ · dY_n, scattered back (col2im)
//
// with P = OH*OW and CRS = C*R*S. Work is split by output ownership.

package kernels

// im2colWorker is one worker's scratch.
type im2colWorker struct {
	a, b, c []float32
	xp      []float32 // zero-padded images (small-image paths)
	dxp     []float32 // padded input gradients (small-image backward data)
}

// im2colPlan is the im2col state of a Conv.
type im2colPlan struct {
	p          ConvParams
	oh, ow     int
	crs, rs, P int

	s *convScratch // the current call's working memory

	// The current call's operands, read by the bound workers below.
	x, w, bias, y []float32
	relu          bool
	nw, nc, items int
	ipb           int // images per block when small images are grouped (0: one image's columns per block)

	// Small-image paths (im2col_small.go): the padded image size and the
	// separable gather offsets into padded images.
	hp, wp, chwp int
	crsOff       []int32 // row (c,r,s) -> c*hp*wp + r*dilH*wp + s*dilW
	colOff       []int32 // column i*P + (oh,ow) -> i*chwp + oh*strideH*wp + ow*strideW
	gm, gn       int     // backward-weights worker grid
	cb           int     // backward-data channels per group

	packWFn, packWTFn, fwdFn, bwdWFn, bwdDFn func(lo, hi int)
}

func newIm2colPlan(p ConvParams) *im2colPlan {
	q := &im2colPlan{p: p, oh: p.OutH(), ow: p.OutW(), rs: p.R * p.S}
	q.crs = p.C * q.rs
	q.P = q.oh * q.ow
	q.packWFn = q.packW
	q.packWTFn = q.packWT
	q.fwdFn = q.forwardWorker
	q.bwdWFn = q.backwardWeightsWorker
	q.bwdDFn = q.backwardDataWorker
	return q
}

// worker returns worker i's scratch (ensureWorkers made it).
func (q *im2colPlan) worker(i int) *im2colWorker { return &q.s.im[i] }

// ensureWorkers makes sure nw worker slots exist (before going parallel).
func (q *im2colPlan) ensureWorkers(nw int) { q.s.imWorkers(nw) }

// forward computes y = W·col(x) (+ bias, ReLU) image by image, in column
// blocks of nc pixels shared out among the workers.
func (q *im2colPlan) forward(x, w, bias, y []float32, relu bool) {
	p := q.p
	q.s.ap = growFloats(q.s.ap, convPanels(p.K, convMR)*convMR*q.crs)
	q.w = w
	ParallelFor(convPanels(p.K, convMR), 1+16384/q.crs, q.packWFn)
	nw := Threads()
	// Blocks of nc columns: about 1 MiB of panels, at least one per worker.
	nc := min(max(1<<18/q.crs/convNR*convNR, 64), 512)
	if per := (p.N*q.P + nw - 1) / nw; per < nc {
		nc = max((per+convNR-1)/convNR*convNR, convNR)
	}
	q.nc = nc
	q.items = p.N * convPanels(q.P, nc)
	q.ipb = 0
	if q.P < convGroupCols/2 {
		// Small images: a block holds whole images side by side, so that
		// the packed weights are reused over many columns instead of being
		// streamed again for each image's few pixels.
		q.ipb = min(convGroupCols/q.P, (p.N+nw-1)/nw)
		q.items = (p.N + q.ipb - 1) / q.ipb
		q.ensureOffsets(q.ipb)
	}
	nw = min(nw, q.items)
	q.ensureWorkers(nw)
	q.x, q.bias, q.y, q.relu, q.nw = x, bias, y, relu, nw
	ParallelFor(nw, 1, q.fwdFn)
	q.x, q.w, q.bias, q.y = nil, nil, nil, nil
}

// packW packs weight panels [lo, hi) of W[K×CRS] for the forward product.
func (q *im2colPlan) packW(lo, hi int) {
	m := min(hi*convMR, q.p.K) - lo*convMR
	convPackA(q.s.ap[lo*convMR*q.crs:], q.w[lo*convMR*q.crs:], q.crs, 1, m, q.crs)
}

func (q *im2colPlan) forwardWorker(lo, hi int) {
	p := q.p
	if q.ipb > 0 {
		q.forwardGrouped(lo, hi)
		return
	}
	for wk := lo; wk < hi; wk++ {
		ws := q.worker(wk)
		ws.b = growFloats(ws.b, q.crs*q.nc)
		blocks := convPanels(q.P, q.nc)
		for it := wk * q.items / q.nw; it < (wk+1)*q.items/q.nw; it++ {
			n, j0 := it/blocks, it%blocks*q.nc
			ncur := min(q.nc, q.P-j0)
			q.packCols(ws.b, q.x[n*p.C*p.H*p.W:], j0, ncur, 0)
			convZeroTail(ws.b, q.crs*convNR, q.crs, ncur)
			yn := q.y[n*p.K*q.P:]
			convGemm(p.K, ncur, q.crs, q.s.ap, q.crs*convMR, ws.b, q.crs*convNR,
				yn[j0:], q.P, false, q.bias, q.relu)
		}
	}
}

// packCols packs columns [j0, j0+ncur) of image xn's im2col matrix (rows
// c*R*S + r*S + s, columns oh*OW + ow) into columns [t0, t0+ncur) of
// 16-column panels of stride CRS*16. The last panel's tail is left alone
// (convZeroTail).
func (q *im2colPlan) packCols(dst, xn []float32, j0, ncur, t0 int) {
	p := q.p
	ps := q.crs * convNR
	for pp := 0; pp < q.crs; pp++ {
		c, r, s := pp/q.rs, pp%q.rs/p.S, pp%p.S
		plane := xn[c*p.H*p.W : (c+1)*p.H*p.W]
		hOff, wOff := r*p.DilH-p.PadH, s*p.DilW-p.PadW
		d := dst[pp*convNR:]
		oh, ow := j0/q.ow, j0%q.ow
		for jj := t0; jj < t0+ncur; {
			run := min(q.ow-ow, t0+ncur-jj)
			h := oh*p.StrideH + hOff
			if h < 0 || h >= p.H {
				for t := jj; t < jj+run; t++ {
					d[t>>4*ps+t&15] = 0
				}
			} else {
				row := plane[h*p.W : (h+1)*p.W]
				wi := ow*p.StrideW + wOff
				a, b := validRun(wi, p.StrideW, run, p.W)
				for t := jj; t < jj+a; t++ {
					d[t>>4*ps+t&15] = 0
				}
				if p.StrideW == 1 {
					// Contiguous input: copy up to the next panel boundary.
					for t, w := jj+a, wi+a; t < jj+b; {
						e := min(jj+b, t|15+1)
						copy(d[t>>4*ps+t&15:][:e-t], row[w:w+e-t])
						w += e - t
						t = e
					}
				} else {
					for t, w := jj+a, wi+a*p.StrideW; t < jj+b; t, w = t+1, w+p.StrideW {
						d[t>>4*ps+t&15] = row[w]
					}
				}
				for t := jj + b; t < jj+run; t++ {
					d[t>>4*ps+t&15] = 0
				}
			}
			jj += run
			oh, ow = oh+1, 0
		}
	}
}

// backwardWeights accumulates dw += Σ_n dY_n · col_nᵀ. The workers form a
// gm×gn grid over (6-row panels of K) × (16-column panels of CRS); each
// packs its own slices of dY and colᵀ, 256 pixels at a time.
func (q *im2colPlan) backwardWeights(x, dy, dw []float32) {
	p := q.p
	nw := Threads()
	np, mp := convPanels(q.crs, convNR), convPanels(p.K, convMR)
	q.gn = min(nw, np)
	q.gm = min(max(nw/q.gn, 1), mp)
	nw = q.gm * q.gn
	q.ensureWorkers(nw)
	if q.P < convKC/2 {
		q.ensureOffsets(convKC / q.P)
	}
	q.x, q.y, q.w, q.nw = x, dy, dw, nw
	ParallelFor(nw, 1, q.bwdWFn)
	q.x, q.y, q.w = nil, nil, nil
}

func (q *im2colPlan) backwardWeightsWorker(lo, hi int) {
	p := q.p
	const kc = convKC
	np, mp := convPanels(q.crs, convNR), convPanels(p.K, convMR)
	for wk := lo; wk < hi; wk++ {
		gi, gj := wk/q.gn, wk%q.gn
		m0, m1 := gi*mp/q.gm*convMR, min((gi+1)*mp/q.gm*convMR, p.K)
		j0, j1 := gj*np/q.gn*convNR, min((gj+1)*np/q.gn*convNR, q.crs)
		if m0 >= m1 || j0 >= j1 {
			continue
		}
		ws := q.worker(wk)
		ws.a = growFloats(ws.a, convPanels(m1-m0, convMR)*convMR*kc)
		ws.b = growFloats(ws.b, convPanels(j1-j0, convNR)*convNR*kc)
		if q.P < kc/2 {
			q.backwardWeightsGrouped(ws, m0, m1, j0, j1)
			continue
		}
		for n := 0; n < p.N; n++ {
			xn := q.x[n*p.C*p.H*p.W:]
			for p0 := 0; p0 < q.P; p0 += kc {
				kk := min(kc, q.P-p0)
				convPackA(ws.a, q.y[(n*p.K+m0)*q.P+p0:], q.P, 1, m1-m0, kk)
				q.packColsT(ws.b, kk*convNR, xn, j0, j1, p0, kk)
				convGemm(m1-m0, j1-j0, kk, ws.a, kk*convMR, ws.b, kk*convNR,
					q.w[m0*q.crs+j0:], q.crs, true, nil, false)
			}
		}
	}
}

// packColsT packs rows [p0, p0+kk) (pixels) and columns [j0, j1) (c,r,s) of
// image xn's transposed im2col matrix into the first kk rows of 16-column
// panels of stride ps >= kk*16.
func (q *im2colPlan) packColsT(dst []float32, ps int, xn []float32, j0, j1, p0, kk int) {
	p := q.p
	for j := j0; j < j1+(-(j1-j0))&15; j++ {
		jj := j - j0
		d := dst[jj>>4*ps+jj&15:]
		if j >= j1 {
			for t := 0; t < kk; t++ {
				d[t*convNR] = 0
			}
			continue
		}
		c, r, s := j/q.rs, j%q.rs/p.S, j%p.S
		plane := xn[c*p.H*p.W : (c+1)*p.H*p.W]
		hOff, wOff := r*p.DilH-p.PadH, s*p.DilW-p.PadW
		oh, ow := p0/q.ow, p0%q.ow
		for t := 0; t < kk; {
			run := min(q.ow-ow, kk-t)
			h := oh*p.StrideH + hOff
			if h < 0 || h >= p.H {
				for u := t; u < t+run; u++ {
					d[u*convNR] = 0
				}
			} else {
				row := plane[h*p.W : (h+1)*p.W]
				wi := ow*p.StrideW + wOff
				a, b := validRun(wi, p.StrideW, run, p.W)
				for u := t; u < t+a; u++ {
					d[u*convNR] = 0
				}
				if p.StrideW == 1 && b > a {
					src := row[wi+a : wi+b]
					dd := d[(t+a)*convNR:]
					for i, v := range src {
						dd[i*convNR] = v
					}
				} else {
					for u, w := t+a, wi+a*p.StrideW; u < t+b; u, w = u+1, w+p.StrideW {
						d[u*convNR] = row[w]
					}
				}
				for u := t + b; u < t+run; u++ {
					d[u*convNR] = 0
				}
			}
			t += run
			oh, ow = oh+1, 0
		}
	}
}

// backwardData computes dx by col2im: each worker owns groups of cb input
// channels (cb*R*S a multiple of 6, so groups start on panel boundaries of
// the packed Wᵀ), computes their rows of dcol = Wᵀ·dY_n a block of columns
// at a time and scatters them into its own channels of dx.
func (q *im2colPlan) backwardData(dy, w, dx []float32) {
	p := q.p
	g := 6 // gcd(R*S, 6)
	for q.rs%g != 0 || 6%g != 0 {
		g--
	}
	q.cb = convMR / g
	q.s.ap = growFloats(q.s.ap, convPanels(q.crs, convMR)*convMR*p.K)
	q.w = w
	ParallelFor(convPanels(q.crs, convMR), 1+16384/p.K, q.packWTFn)
	q.nc = min(max(1<<16/p.K/convNR*convNR, 64), 1024)
	if q.P <= q.nc/2 {
		q.ensureOffsets(q.nc / q.P)
	}
	nw := min(Threads(), convPanels(p.C, q.cb))
	q.ensureWorkers(nw)
	q.x, q.y, q.nw = dy, dx, nw
	ParallelFor(nw, 1, q.bwdDFn)
	q.x, q.y, q.w = nil, nil, nil
}

// packWT packs panels [lo, hi) of Wᵀ[CRS×K] for backward data.
func (q *im2colPlan) packWT(lo, hi int) {
	m := min(hi*convMR, q.crs) - lo*convMR
	convPackA(q.s.ap[lo*convMR*q.p.K:], q.w[lo*convMR:], 1, q.crs, m, q.p.K)
}

func (q *im2colPlan) backwardDataWorker(lo, hi int) {
	p := q.p
	groups := convPanels(p.C, q.cb)
	for wk := lo; wk < hi; wk++ {
		g0, g1 := wk*groups/q.nw, (wk+1)*groups/q.nw
		if g0 >= g1 {
			continue
		}
		ws := q.worker(wk)
		ws.b = growFloats(ws.b, p.K*q.nc)
		ws.c = growFloats(ws.c, q.cb*q.rs*q.nc)
		c0, c1 := g0*q.cb, min(g1*q.cb, p.C)
		if q.P <= q.nc/2 {
			q.backwardDataGrouped(ws, g0, g1)
			continue
		}
		for n := 0; n < p.N; n++ {
			dxn := q.y[n*p.C*p.H*p.W:]
			clear(dxn[c0*p.H*p.W : c1*p.H*p.W])
			for j0 := 0; j0 < q.P; j0 += q.nc {
				ncur := min(q.nc, q.P-j0)
				convPackB(ws.b, q.x[n*p.K*q.P+j0:], q.P, 1, p.K, ncur)
				for g := g0; g < g1; g++ {
					rows := (min((g+1)*q.cb, p.C) - g*q.cb) * q.rs
					r0 := g * q.cb * q.rs
					convGemm(rows, ncur, p.K, q.s.ap[r0*p.K:], p.K*convMR, ws.b, p.K*convNR,
						ws.c, ncur, false, nil, false)
					q.col2im(dxn, ws.c, ncur, r0, rows, j0, ncur)
				}
			}
		}
	}
}

// col2im adds dcol's rows [r0, r0+rows) (columns j0..j0+ncur, row stride
// ld) into the matching input positions of dxn.
func (q *im2colPlan) col2im(dxn, dcol []float32, ld, r0, rows, j0, ncur int) {
	p := q.p
	for i := 0; i < rows; i++ {
		pp := r0 + i
		c, r, s := pp/q.rs, pp%q.rs/p.S, pp%p.S
		plane := dxn[c*p.H*p.W : (c+1)*p.H*p.W]
		src := dcol[i*ld : i*ld+ncur]
		hOff, wOff := r*p.DilH-p.PadH, s*p.DilW-p.PadW
		oh, ow := j0/q.ow, j0%q.ow
		for jj := 0; jj < ncur; {
			run := min(q.ow-ow, ncur-jj)
			h := oh*p.StrideH + hOff
			if h >= 0 && h < p.H {
				row := plane[h*p.W : (h+1)*p.W]
				wi := ow*p.StrideW + wOff
				for t := jj; t < jj+run; t++ {
					if uint(wi) < uint(len(row)) {
						row[wi] += src[t]
					}
					wi += p.StrideW
				}
			}
			jj += run
			oh, ow = oh+1, 0
		}
	}
}

// validRun returns the sub-range [a, b) of i in [0, n) for which the input
// column w0 + i*stride lies in [0, w) (a == b when there is none).
func validRun(w0, stride, n, w int) (a, b int) {
	if w0 < 0 {
		a = (-w0 + stride - 1) / stride
	}
	b = n
	if last := w0 + (n-1)*stride; last >= w {
		b = n - (last-w)/stride - 1
	}
	a = min(a, n)
	b = max(b, a)
	return a, b
}
