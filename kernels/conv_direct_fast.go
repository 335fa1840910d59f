// This file holds the fast path of AlgoDirect for stride-1, dilation-1
// convolutions of any kernel size and padding: an assembly micro-kernel
// computes 4 output channels × 24 output pixels of a row straight from a
// zero-padded copy of the image (NCHW in, NCHW out, no im2col matrix and no
// transform), with the weights packed in blocks of 4 output channels,
// [K/4][C][R][S][4], so that each tap is one 16-byte read of weights and
// three vector reads of pixels for twelve fused multiply-adds. Bias and
// ReLU are applied to the accumulators before the store. Backward data of
// such a plan is this forward on the flipped kernel (Conv.BackwardData);
// its weight gradient runs on im2col. Other shapes, and CPUs without AVX2,
// use the plain loops of conv_direct.go.

package kernels

import "math"

const (
	directCB = 4  // output channels per tile
	directTW = 24 // output pixels per tile (three 8-float vectors)
)

// directPlan is the state of the fast direct path of a Conv.
type directPlan struct {
	p             ConvParams
	oh, ow        int
	kq, tiles     int // 4-channel blocks of K; 24-pixel tiles per output row
	bpc, chunks   int // blocks per chunk (whose weights stay in L2) and chunks
	hp, wp, plane int // padded image: hp×wp per channel
	bias4         []float32

	s             *convScratch // the call's working memory (packed weights in s.ap, image in s.dpad)
	x, w, y       []float32
	n             int
	floor         float32
	packFn, padFn func(lo, hi int)
	rowFn         func(lo, hi int)
}

// directFastApplies reports whether the fast direct path runs p.
func directFastApplies(p ConvParams) bool {
	return directFastAvailable() && p.StrideH == 1 && p.StrideW == 1 && p.DilH == 1 && p.DilW == 1
}

func newDirectPlan(p ConvParams) *directPlan {
	q := &directPlan{p: p, oh: p.OutH(), ow: p.OutW()}
	q.kq = (p.K + directCB - 1) / directCB
	q.tiles = (q.ow + directTW - 1) / directTW
	q.hp = p.H + 2*p.PadH
	q.wp = max(p.W+2*p.PadW, q.tiles*directTW+p.S-1)
	q.plane = q.hp * q.wp
	q.bias4 = make([]float32, q.kq*directCB)
	q.bpc = min(q.kq, max(1, directChunkBytes/(p.C*p.R*p.S*directCB*4)))
	q.chunks = (q.kq + q.bpc - 1) / q.bpc
	q.packFn, q.padFn, q.rowFn = q.packWeights, q.padImage, q.rows
	return q
}

// forward computes y = conv(x, w) + bias (ReLU when relu), image by image.
func (q *directPlan) forward(s *convScratch, x, w, bias, y []float32, relu bool) {
	p := q.p
	crs := p.C * p.R * p.S
	q.s, q.x, q.w, q.y = s, x, w, y
	s.ap = growFloats(s.ap, q.kq*crs*directCB)
	ParallelFor(q.kq, 1+4096/crs, q.packFn)
	clear(q.bias4)
	if bias != nil {
		copy(q.bias4, bias)
	}
	q.floor = float32(math.Inf(-1))
	if relu {
		q.floor = 0
	}
	s.dpad = growFloats(s.dpad, p.C*q.plane)
	for q.n = 0; q.n < p.N; q.n++ {
		ParallelFor(p.C, 1+16384/q.plane, q.padFn)
		ParallelFor(q.chunks*q.oh, 1, q.rowFn)
	}
	q.s, q.x, q.w, q.y = nil, nil, nil, nil
}

// packWeights writes the 4-channel blocks [lo, hi) of the packed weights:
// s.ap[((b*C + c)*R*S + rs)*4 + i] = w[b*4+i][c][rs], zero past K.
func (q *directPlan) packWeights(lo, hi int) {
	p := q.p
	crs := p.C * p.R * p.S
	for b := lo; b < hi; b++ {
		d := q.s.ap[b*crs*directCB : (b+1)*crs*directCB]
		for i := 0; i < directCB; i++ {
			k := b*directCB + i
			if k >= p.K {
				for j := 0; j < crs; j++ {
					d[j*directCB+i] = 0
				}
				continue
			}
			for j, v := range q.w[k*crs : (k+1)*crs] {
				d[j*directCB+i] = v
			}
		}
	}
}

// padImage copies channels [lo, hi) of image q.n into the padded planes,
// borders zeroed (the scratch is shared with other plans).
func (q *directPlan) padImage(lo, hi int) {
	p := q.p
	hw := p.H * p.W
	for c := lo; c < hi; c++ {
		padPlane(q.s.dpad[c*q.plane:(c+1)*q.plane], q.x[(q.n*p.C+c)*hw:(q.n*p.C+c+1)*hw], p.H, p.W, p.PadH, p.PadW, q.wp)
	}
}

// rows computes items [lo, hi): item ch*OH + oh is output row oh of the
// blocks of chunk ch of image q.n, so that a worker's consecutive items
// reuse the chunk's weights and most input rows from cache. Whole tiles go
// straight to y; a tile past the row's end or K goes through a local tile.
func (q *directPlan) rows(lo, hi int) {
	var tile [directCB * directTW]float32
	for it := lo; it < hi; it++ {
		ch, oh := it/q.oh, it%q.oh
		for b := ch * q.bpc; b < min((ch+1)*q.bpc, q.kq); b++ {
			q.row(b, oh, &tile)
		}
	}
}

// directChunkBytes is the packed-weight size of a chunk of 4-channel blocks.
const directChunkBytes = 192 << 10

// row computes output row oh of block b (tile is the worker's edge tile).
func (q *directPlan) row(b, oh int, tile *[directCB * directTW]float32) {
	p := q.p
	crs := p.C * p.R * p.S
	ohw := q.oh * q.ow
	wb := q.s.ap[b*crs*directCB:]
	bias := q.bias4[b*directCB:]
	chans := min(directCB, p.K-b*directCB)
	yrow := (q.n*p.K+b*directCB)*ohw + oh*q.ow
	for t := 0; t < q.tiles; t++ {
		ow0 := t * directTW
		xp := q.s.dpad[oh*q.wp+ow0:]
		cols := min(directTW, q.ow-ow0)
		if cols == directTW && chans == directCB {
			_ = q.y[yrow+(directCB-1)*ohw+ow0+directTW-1]
			directTile(&xp[0], &wb[0], &q.y[yrow+ow0], p.C, p.R, p.S, q.plane, q.wp, ohw, &bias[0], q.floor)
			continue
		}
		directTile(&xp[0], &wb[0], &tile[0], p.C, p.R, p.S, q.plane, q.wp, directTW, &bias[0], q.floor)
		for i := 0; i < chans; i++ {
			copy(q.y[yrow+i*ohw+ow0:yrow+i*ohw+ow0+cols], tile[i*directTW:i*directTW+cols])
		}
	}
}
