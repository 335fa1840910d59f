// This file holds im2col's paths for small images (the deep layers of a
// CIFAR-style VGG: 8x8 down to 2x2 pixels), where one image has too few
// pixels to make a matrix product worth its packing. Several whole images
// sit side by side in one product (columns for forward and backward data,
// the reduction for backward weights), and the patches are gathered from a
// zero-padded copy of the images through two offset tables,
//
//	patch(c,r,s ; image i, pixel oh,ow) = xp[crsOff[c,r,s] + colOff[i,oh,ow]]
//
// so the gather needs no bounds logic for the padding.

package kernels

// ensureOffsets builds the padded geometry and the offset tables for
// blocks of up to imgs images (called before the workers start).
func (q *im2colPlan) ensureOffsets(imgs int) {
	p := q.p
	if q.crsOff == nil {
		q.hp, q.wp = p.H+2*p.PadH, p.W+2*p.PadW
		q.chwp = p.C * q.hp * q.wp
		q.crsOff = make([]int32, q.crs)
		for pp := range q.crsOff {
			c, r, s := pp/q.rs, pp%q.rs/p.S, pp%p.S
			q.crsOff[pp] = int32(c*q.hp*q.wp + r*p.DilH*q.wp + s*p.DilW)
		}
	}
	if len(q.colOff) >= imgs*q.P {
		return
	}
	q.colOff = make([]int32, imgs*q.P)
	for i := range imgs {
		for oh := 0; oh < q.oh; oh++ {
			for ow := 0; ow < q.ow; ow++ {
				q.colOff[i*q.P+oh*q.ow+ow] = int32(i*q.chwp + oh*p.StrideH*q.wp + ow*p.StrideW)
			}
		}
	}
}

// padImages copies images [n0, n1) of x into xp's padded planes, borders
// zeroed (xp is shared with other plans, whose geometry differs).
func (q *im2colPlan) padImages(xp, x []float32, n0, n1 int) {
	p := q.p
	hw := p.H * p.W
	for n := n0; n < n1; n++ {
		for c := 0; c < p.C; c++ {
			pl := xp[(n-n0)*q.chwp+c*q.hp*q.wp : (n-n0)*q.chwp+(c+1)*q.hp*q.wp]
			padPlane(pl, x[(n*p.C+c)*hw:(n*p.C+c+1)*hw], p.H, p.W, p.PadH, p.PadW, q.wp)
		}
	}
}

// padPlane copies the h×w plane src into pl, a plane of rows wp floats
// wide, at row padH and column padW, and zeroes the rest of pl.
func padPlane(pl, src []float32, h, w, padH, padW, wp int) {
	clear(pl[:padH*wp])
	clear(pl[(padH+h)*wp:])
	for i := 0; i < h; i++ {
		row := pl[(padH+i)*wp : (padH+i+1)*wp]
		clear(row[:padW])
		copy(row[padW:padW+w], src[i*w:(i+1)*w])
		clear(row[padW+w:])
	}
}

// growPadded returns *buf sized for imgs padded images.
func (q *im2colPlan) growPadded(buf *[]float32, imgs int) []float32 {
	if n := imgs * q.chwp; cap(*buf) < n {
		*buf = convFloats(n)
	}
	return *buf
}

// gatherCols packs the im2col matrix of the padded images in xp, rows
// [0, crs) and columns [0, ncur), into 16-column panels of stride crs*16,
// zero past ncur.
func (q *im2colPlan) gatherCols(dst, xp []float32, ncur int) {
	ps := q.crs * convNR
	for jp := 0; jp < convPanels(ncur, convNR); jp++ {
		cols := min(convNR, ncur-jp*convNR)
		co := q.colOff[jp*convNR : jp*convNR+cols]
		d := dst[jp*ps : jp*ps+ps]
		for pp, base := range q.crsOff {
			dd := d[pp*convNR : pp*convNR+convNR]
			src := xp[base:]
			for t, o := range co {
				dd[t] = src[o]
			}
			clear(dd[cols:])
		}
	}
}

// gatherColsT packs the transposed im2col matrix of the padded images in
// xp, rows (pixels) [0, kk) and columns (c,r,s) [j0, j1), into 16-column
// panels of stride kk*16, zero past j1.
func (q *im2colPlan) gatherColsT(dst, xp []float32, j0, j1, kk int) {
	ps := kk * convNR
	for jp := 0; jp < convPanels(j1-j0, convNR); jp++ {
		cols := min(convNR, j1-j0-jp*convNR)
		ro := q.crsOff[j0+jp*convNR : j0+jp*convNR+cols]
		d := dst[jp*ps : jp*ps+ps]
		for u, base := range q.colOff[:kk] {
			dd := d[u*convNR : u*convNR+convNR]
			src := xp[base:]
			for t, o := range ro {
				dd[t] = src[o]
			}
			clear(dd[cols:])
		}
	}
}

// forwardGrouped is forwardWorker for small images: each item is a block
// of ipb whole images whose columns are packed side by side; the product
// goes to the worker's C scratch and is then copied into each image's
// planes of y.
func (q *im2colPlan) forwardGrouped(lo, hi int) {
	p := q.p
	kp := p.K * q.P
	for wk := lo; wk < hi; wk++ {
		ws := q.worker(wk)
		ws.b = growFloats(ws.b, q.crs*q.ipb*q.P+convNR*q.crs)
		ws.c = growFloats(ws.c, p.K*q.ipb*q.P)
		xp := q.growPadded(&ws.xp, q.ipb)
		for it := wk * q.items / q.nw; it < (wk+1)*q.items/q.nw; it++ {
			n0 := it * q.ipb
			n1 := min(n0+q.ipb, p.N)
			ncur := (n1 - n0) * q.P
			q.padImages(xp, q.x, n0, n1)
			q.gatherCols(ws.b, xp, ncur)
			convGemm(p.K, ncur, q.crs, q.s.ap, q.crs*convMR, ws.b, q.crs*convNR,
				ws.c, ncur, false, q.bias, q.relu)
			for n := n0; n < n1; n++ {
				yn, src := q.y[n*kp:(n+1)*kp], ws.c[(n-n0)*q.P:]
				for k := 0; k < p.K; k++ {
					copy(yn[k*q.P:(k+1)*q.P], src[k*ncur:k*ncur+q.P])
				}
			}
		}
	}
}

// convGroupCols is the number of columns (pixels over several images) a
// forward block of small images aims at.
const convGroupCols = 256

// backwardWeightsGrouped is backwardWeightsWorker's loop for small images:
// the reduction runs over kc/P images' pixels at a time, for output rows
// [m0, m1) (filters) and columns [j0, j1) (c,r,s) of dw.
func (q *im2colPlan) backwardWeightsGrouped(ws *im2colWorker, m0, m1, j0, j1 int) {
	p := q.p
	ipb := convKC / q.P
	xp := q.growPadded(&ws.xp, ipb)
	for n0 := 0; n0 < p.N; n0 += ipb {
		n1 := min(n0+ipb, p.N)
		kk := (n1 - n0) * q.P
		for n := n0; n < n1; n++ {
			t0 := (n - n0) * q.P
			convPackAS(ws.a[t0*convMR:], kk*convMR, q.y[(n*p.K+m0)*q.P:], q.P, 1, m1-m0, q.P)
		}
		q.padImages(xp, q.x, n0, n1)
		q.gatherColsT(ws.b, xp, j0, j1, kk)
		convGemm(m1-m0, j1-j0, kk, ws.a, kk*convMR, ws.b, kk*convNR,
			q.w[m0*q.crs+j0:], q.crs, true, nil, false)
	}
}

// backwardDataGrouped is backwardDataWorker's loop for small images, nc/P
// whole images' columns side by side per product, for channel groups
// [g0, g1): dcol is scattered into a zero-padded copy of the images' input
// gradient, whose interior is then copied out.
func (q *im2colPlan) backwardDataGrouped(ws *im2colWorker, g0, g1 int) {
	p := q.p
	ipb := q.nc / q.P
	chw, hw, hwp := p.C*p.H*p.W, p.H*p.W, q.hp*q.wp
	c0, c1 := g0*q.cb, min(g1*q.cb, p.C)
	xp := q.growPadded(&ws.dxp, ipb)
	for n0 := 0; n0 < p.N; n0 += ipb {
		n1 := min(n0+ipb, p.N)
		ncur := (n1 - n0) * q.P
		for n := n0; n < n1; n++ {
			convPackBAt(ws.b, p.K*convNR, q.x[n*p.K*q.P:], q.P, p.K, q.P, (n-n0)*q.P)
			clear(xp[(n-n0)*q.chwp+c0*hwp : (n-n0)*q.chwp+c1*hwp])
		}
		convZeroTail(ws.b, p.K*convNR, p.K, ncur)
		for g := g0; g < g1; g++ {
			rows := (min((g+1)*q.cb, p.C) - g*q.cb) * q.rs
			r0 := g * q.cb * q.rs
			convGemm(rows, ncur, p.K, q.s.ap[r0*p.K:], p.K*convMR, ws.b, p.K*convNR,
				ws.c, ncur, false, nil, false)
			co := q.colOff[:ncur]
			for i, base := range q.crsOff[r0 : r0+rows] {
				dst := xp[base:]
				for t, v := range ws.c[i*ncur : i*ncur+ncur] {
					dst[co[t]] += v
				}
			}
		}
		for n := n0; n < n1; n++ {
			for c := c0; c < c1; c++ {
				src := xp[(n-n0)*q.chwp+c*hwp+p.PadH*q.wp+p.PadW:]
				dst := q.y[n*chw+c*hw : n*chw+(c+1)*hw]
				for h := 0; h < p.H; h++ {
					copy(dst[h*p.W:(h+1)*p.W], src[h*q.wp:h*q.wp+p.W])
				}
			}
		}
	}
}
