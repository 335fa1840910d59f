// This file holds the blocked direct convolution: AlgoDirect for shapes
// with at least blockedMinC input channels. Images are in the NCHW8c layout
// (layout.go), zero-padded into the call's scratch; weights are packed per
// pair of 8-channel output blocks as [K/16][C/8][R][S][8 in][16 out], so
// that a micro-kernel tile of 16 output channels × 6 output pixels of a row
// reads, per input channel and tap, two weight vectors and six broadcast
// pixels for twelve fused multiply-adds, with all strides, dilations and
// paddings folded into byte strides. The tile is assembly on AVX2
// (conv_blocked_amd64.s) and the same loops in Go elsewhere. Forward takes
// NCHW and reorders at its edges; ForwardBlocked stays in NCHW8c, for
// networks that chain convolutions. Backward data of a stride-1 plan is this
// forward on the flipped kernel (Conv.BackwardData); the weight gradient
// runs on im2col.

package kernels

import "math"

const (
	blockedOB = 2 // output blocks of 8 channels per tile
	blockedTW = 6 // output pixels per tile
	// blockedMinC is the fewest input channels the blocked kernel runs:
	// below it most of each 8-channel block would be zeros.
	blockedMinC = 8
)

// blockedApplies reports whether AlgoDirect runs p on the blocked kernel.
func blockedApplies(p ConvParams) bool { return p.C >= blockedMinC }

// blockedChunkBytes bounds the packed weights of one chunk of input
// channel blocks, which a row's tiles reuse from L1: a tile sums one chunk,
// then the next adds to its output.
const blockedChunkBytes = 16 << 10

// blockedPlan is the state of the blocked direct path of a Conv.
type blockedPlan struct {
	p             ConvParams
	oh, ow        int
	cb, kb        int // 8-channel blocks of C and K
	pairs, tiles  int // 16-channel output pairs; 6-pixel tiles per output row
	owp           int // tiles*6: the row length of the blocked output scratch
	chunk         int // input channel blocks per chunk
	hp, wp, plane int // padded image: hp×wp pixels of 8 floats per channel block
	wlen          int // packed weights per pair
	bias16        []float32
	xcs, xrs, xss int // float strides of the tile kernel (see blockedTile)
	xjs, ybs      int
	rowStep       int // floats between the input rows of consecutive output rows

	s       *convScratch
	x, w, y []float32 // the call's input, NCHW weights, output
	xp, yb  []float32 // the padded blocked image; its blocked output, rows of owp
	n       int
	nchw    bool // x and y are NCHW (Forward), not NCHW8c (ForwardBlocked)
	floor   float32

	packFn, padFn, rowFn, outFn func(lo, hi int)
}

func newBlockedPlan(p ConvParams) *blockedPlan {
	q := &blockedPlan{p: p, oh: p.OutH(), ow: p.OutW()}
	q.cb = (p.C + BlockC - 1) / BlockC
	q.kb = (p.K + BlockC - 1) / BlockC
	q.pairs = (q.kb + blockedOB - 1) / blockedOB
	q.tiles = (q.ow + blockedTW - 1) / blockedTW
	q.owp = q.tiles * blockedTW
	q.hp = p.H + 2*p.PadH
	// The last tile may run past OW: its pixels read up to this column.
	q.wp = max(p.W+2*p.PadW, (q.owp-1)*p.StrideW+(p.S-1)*p.DilW+1)
	q.plane = q.hp * q.wp * BlockC
	tap := p.R * p.S * BlockC * blockedOB * BlockC // weights of one input block
	q.wlen = q.cb * tap
	q.chunk = min(q.cb, max(1, blockedChunkBytes/(4*tap)))
	q.bias16 = make([]float32, q.pairs*blockedOB*BlockC)
	q.xcs, q.xrs, q.xss = q.plane, p.DilH*q.wp*BlockC, p.DilW*BlockC
	q.xjs, q.ybs = p.StrideW*BlockC, q.oh*q.owp*BlockC
	q.rowStep = p.StrideH * q.wp * BlockC
	q.packFn, q.padFn, q.rowFn = q.packWeights, q.padImage, q.rows
	q.outFn = q.unblock
	return q
}

// forward computes y = conv(x, w) + bias (ReLU when relu), image by image:
// x and y are NCHW when nchw is set, else NCHW8c.
func (q *blockedPlan) forward(s *convScratch, x, w, bias, y []float32, relu, nchw bool) {
	p := q.p
	q.s, q.x, q.w, q.y, q.nchw = s, x, w, y, nchw
	s.ap = growFloats(s.ap, q.pairs*q.wlen)
	ParallelFor(q.pairs, 1, q.packFn)
	clear(q.bias16)
	if bias != nil {
		copy(q.bias16, bias[:p.K])
	}
	q.floor = float32(math.Inf(-1))
	if relu {
		q.floor = 0
	}
	s.dpad = growFloats(s.dpad, q.cb*q.plane)
	s.bout = growFloats(s.bout, q.pairs*blockedOB*q.ybs)
	q.xp, q.yb = s.dpad, s.bout
	outs := q.kb
	if !nchw {
		outs = q.kb * q.oh
	}
	for q.n = 0; q.n < p.N; q.n++ {
		ParallelFor(q.cb, 1, q.padFn)
		ParallelFor(q.pairs*q.oh, 1, q.rowFn)
		ParallelFor(outs, 1+8192/(q.oh*q.ow), q.outFn)
	}
	q.s, q.x, q.w, q.y, q.xp, q.yb = nil, nil, nil, nil, nil, nil
}

// packWeights writes pairs [lo, hi) of the packed weights:
// s.ap[pair*wlen + (((c*R+r)*S+s)*8+i)*16 + o] = w[pair*16+o][c*8+i][r][s],
// zero past K and C.
func (q *blockedPlan) packWeights(lo, hi int) {
	p := q.p
	rs := p.R * p.S
	const ob = blockedOB * BlockC
	for pr := lo; pr < hi; pr++ {
		d := q.s.ap[pr*q.wlen : (pr+1)*q.wlen]
		clear(d)
		for o := range min(ob, p.K-pr*ob) {
			k := pr*ob + o
			for ch := range p.C {
				src := q.w[(k*p.C+ch)*rs : (k*p.C+ch+1)*rs]
				base := (ch/BlockC)*rs*BlockC*ob + (ch%BlockC)*ob + o
				for t, v := range src {
					d[base+t*BlockC*ob] = v
				}
			}
		}
	}
}

// padImage writes channel blocks [lo, hi) of image q.n into the padded
// blocked planes, borders and channels past C zeroed.
func (q *blockedPlan) padImage(lo, hi int) {
	p := q.p
	hw := p.H * p.W
	for b := lo; b < hi; b++ {
		pl := q.xp[b*q.plane : (b+1)*q.plane]
		clear(pl[:p.PadH*q.wp*BlockC])
		clear(pl[(p.PadH+p.H)*q.wp*BlockC:])
		valid := min(BlockC, p.C-b*BlockC)
		for h := range p.H {
			row := pl[(p.PadH+h)*q.wp*BlockC : (p.PadH+h+1)*q.wp*BlockC]
			clear(row[:p.PadW*BlockC])
			clear(row[(p.PadW+p.W)*BlockC:])
			in := row[p.PadW*BlockC : (p.PadW+p.W)*BlockC]
			if !q.nchw {
				copy(in, q.x[((q.n*q.cb+b)*hw+h*p.W)*BlockC:])
				continue
			}
			src := q.x[(q.n*p.C+b*BlockC)*hw+h*p.W:]
			if valid == BlockC {
				interleave8(in, src, hw, p.W)
				continue
			}
			clear(in)
			for i := range valid {
				for j, v := range src[i*hw : i*hw+p.W] {
					in[j*BlockC+i] = v
				}
			}
		}
	}
}

// rows computes items [lo, hi): item pr*OH + oh is output row oh of output
// pair pr of image q.n, so that a worker's consecutive items share the
// pair's weights and most input rows in cache. Each chunk of input channel
// blocks runs over the whole row before the next adds to it, so that the
// chunk's weights stay in L1. The rows of the blocked output scratch are
// whole tiles long and its blocks come in pairs, so every tile is whole.
func (q *blockedPlan) rows(lo, hi int) {
	p := q.p
	tap := p.R * p.S * BlockC * blockedOB * BlockC
	for it := lo; it < hi; it++ {
		pr, oh := it/q.oh, it%q.oh
		bias := q.bias16[pr*blockedOB*BlockC:]
		yrow := q.yb[(pr*blockedOB*q.oh+oh)*q.owp*BlockC:]
		xrow := q.xp[oh*q.rowStep:]
		for c0 := 0; c0 < q.cb; c0 += q.chunk {
			n := min(q.chunk, q.cb-c0)
			flags := 0
			if c0 > 0 {
				flags |= tileAccum
			}
			if c0+n == q.cb {
				flags |= tileLast
			}
			w := q.s.ap[pr*q.wlen+c0*tap : pr*q.wlen+(c0+n)*tap]
			x := xrow[c0*q.xcs:]
			for t := range q.tiles {
				blockedTile(x[t*blockedTW*q.xjs:], w, yrow[t*blockedTW*BlockC:], n, p.R, p.S, q.xcs, q.xrs, q.xss, q.xjs, q.ybs, bias, q.floor, flags)
			}
		}
	}
}

// unblock writes items [lo, hi) of image q.n's output from the blocked
// scratch to y: 8-channel blocks into NCHW, or (block, row) pairs into
// NCHW8c.
func (q *blockedPlan) unblock(lo, hi int) {
	ohw := q.oh * q.ow
	for it := lo; it < hi; it++ {
		if !q.nchw {
			b, oh := it/q.oh, it%q.oh
			src := q.yb[(b*q.oh+oh)*q.owp*BlockC:]
			d := q.y[((q.n*q.kb+b)*q.oh+oh)*q.ow*BlockC : ((q.n*q.kb+b)*q.oh+oh+1)*q.ow*BlockC]
			copy(d, src)
			continue
		}
		b := it
		src := q.yb[b*q.ybs:]
		d := q.y[(q.n*q.p.K+b*BlockC)*ohw:]
		if valid := min(BlockC, q.p.K-b*BlockC); valid < BlockC {
			for i := range q.oh {
				row := src[i*q.owp*BlockC:]
				for k := range valid {
					for j := range q.ow {
						d[k*ohw+i*q.ow+j] = row[j*BlockC+k]
					}
				}
			}
			continue
		}
		for i := range q.oh {
			deinterleave8(d[i*q.ow:], src[i*q.owp*BlockC:], ohw, q.ow)
		}
	}
}

// Flags of a tile call: tileAccum adds to the output instead of starting
// from zero (a later chunk of input channels), tileLast applies bias and
// floor (the last chunk).
const (
	tileAccum = 1
	tileLast  = 2
)

// blockedTileGo is the tile kernel in Go (see convBlocked16x6AVX2 for the
// contract; strides here are in floats): 16 output channels × 6 pixels.
func blockedTileGo(x, w, y []float32, cb, r, s, xcs, xrs, xss, xjs, ybs int, bias []float32, floor float32, flags int) {
	var acc [blockedOB][blockedTW][BlockC]float32
	if flags&tileAccum != 0 {
		for b := range blockedOB {
			for j := range blockedTW {
				copy(acc[b][j][:], y[b*ybs+j*BlockC:])
			}
		}
	}
	wi := 0
	for c := range cb {
		for ri := range r {
			for si := range s {
				px := x[c*xcs+ri*xrs+si*xss:]
				for i := range BlockC {
					wv := w[wi : wi+blockedOB*BlockC]
					wi += blockedOB * BlockC
					for j := range blockedTW {
						v := px[j*xjs+i]
						for o := range BlockC {
							acc[0][j][o] += wv[o] * v
							acc[1][j][o] += wv[BlockC+o] * v
						}
					}
				}
			}
		}
	}
	for b := range blockedOB {
		for j := range blockedTW {
			d := y[b*ybs+j*BlockC : b*ybs+(j+1)*BlockC]
			for o := range BlockC {
				t := acc[b][j][o]
				if flags&tileLast != 0 {
					t += bias[b*BlockC+o]
					if t < floor { // NaN stays
						t = floor
					}
				}
				d[o] = t
			}
		}
	}
}

// blockedTileCheck panics unless the slices hold everything a tile reads
// and writes (the assembly kernel does not check).
func blockedTileCheck(x, w, y []float32, cb, r, s, xcs, xrs, xss, xjs, ybs int, bias []float32) {
	_ = x[(cb-1)*xcs+(r-1)*xrs+(s-1)*xss+(blockedTW-1)*xjs+BlockC-1]
	_ = w[cb*r*s*BlockC*blockedOB*BlockC-1]
	_ = y[(blockedOB-1)*ybs+blockedTW*BlockC-1]
	_ = bias[blockedOB*BlockC-1]
}
