// This file holds the pure-Go twins of the vectorised Winograd transforms:
// each works on 8 tiles at once (one per vector lane), so that the assembly
// versions in winograd_amd64.s can run them 8 lanes wide.

package kernels

import "unsafe"

// winoInput8Generic transforms n channels of 8 tiles: for channel i, the 6x6
// input tile of lane l is d[i*288 + (r*6+c)*8 + l]; it writes V = Bᵀ d B,
// element ξ of lane l, to v[i*cs + ξ*xs + l]. d is overwritten (it holds Bᵀ d
// afterwards).
func winoInput8Generic(n int, d, v *float32, xs, cs int) {
	ds := unsafe.Slice(d, n*288)
	vs := unsafe.Slice(v, (n-1)*cs+35*xs+8)
	for i := 0; i < n; i++ {
		t := ds[i*288 : i*288+288]
		for c := 0; c < 6; c++ { // columns: t[·][c] = Bᵀ d[·][c]
			for l := 0; l < 8; l++ {
				o := c*8 + l
				t[o], t[o+48], t[o+96], t[o+144], t[o+192], t[o+240] =
					winoBT(t[o], t[o+48], t[o+96], t[o+144], t[o+192], t[o+240])
			}
		}
		for r := 0; r < 6; r++ { // rows: V[r][·] = Bᵀ t[r][·]
			for l := 0; l < 8; l++ {
				o := r*48 + l
				v0, v1, v2, v3, v4, v5 := winoBT(t[o], t[o+8], t[o+16], t[o+24], t[o+32], t[o+40])
				ov := i*cs + r*6*xs + l
				vs[ov], vs[ov+xs], vs[ov+2*xs], vs[ov+3*xs], vs[ov+4*xs], vs[ov+5*xs] = v0, v1, v2, v3, v4, v5
			}
		}
	}
}

// winoOutput8Generic transforms n output channels of 8 tiles: for channel i,
// element ξ of lane l of M is m[i*ms + ξ*xs + l]; it writes Y = Aᵀ M A +
// bias[i], then max(lo, ·) (lo is 0 for a fused ReLU, -Inf otherwise), to
// o[i*128 + (r*4+c)*8 + l]. s is scratch of 192 floats.
func winoOutput8Generic(n int, m *float32, ms, xs int, bias *float32, lo float32, o, s *float32) {
	mv := unsafe.Slice(m, (n-1)*ms+35*xs+8)
	bs := unsafe.Slice(bias, n)
	os := unsafe.Slice(o, n*128)
	ss := unsafe.Slice(s, 192)
	for i := 0; i < n; i++ {
		for c := 0; c < 6; c++ { // columns: s[·][c] = Aᵀ M[·][c]
			for l := 0; l < 8; l++ {
				b := i*ms + c*xs + l
				s0, s1, s2, s3 := winoAT(mv[b], mv[b+6*xs], mv[b+12*xs], mv[b+18*xs], mv[b+24*xs], mv[b+30*xs])
				ss[c*8+l], ss[48+c*8+l], ss[96+c*8+l], ss[144+c*8+l] = s0, s1, s2, s3
			}
		}
		for r := 0; r < 4; r++ { // rows: Y[r][·] = Aᵀ s[r][·]
			for l := 0; l < 8; l++ {
				b := r*48 + l
				y0, y1, y2, y3 := winoAT(ss[b], ss[b+8], ss[b+16], ss[b+24], ss[b+32], ss[b+40])
				ob := i*128 + r*32 + l
				os[ob] = winoMax(lo, y0+bs[i])
				os[ob+8] = winoMax(lo, y1+bs[i])
				os[ob+16] = winoMax(lo, y2+bs[i])
				os[ob+24] = winoMax(lo, y3+bs[i])
			}
		}
	}
}

// winoMax returns lo if lo > y, else y (so NaN passes through), as VMAXPS
// with lo as first source does.
func winoMax(lo, y float32) float32 {
	if lo > y {
		return lo
	}
	return y
}

// winoWeights6Generic transforms n channels of one 6-row panel of K: for
// channel i, the 3x3 kernel of lane l (row k%6 of the panel; lanes 6 and 7
// are ignored) is g[i*72 + e*8 + l], e = r*3+s; it writes U = G g Gᵀ, element
// ξ of lane l < 6, to up[i*6 + ξ*xs + l]. t is scratch of 144 floats.
func winoWeights6Generic(n int, g, up *float32, xs int, t *float32) {
	gs := unsafe.Slice(g, n*72)
	us := unsafe.Slice(up, (n-1)*6+35*xs+6)
	ts := unsafe.Slice(t, 144)
	for i := 0; i < n; i++ {
		gi := gs[i*72 : i*72+72]
		for j := 0; j < 3; j++ { // columns: t[·][j] = G g[·][j]
			for l := 0; l < 8; l++ {
				o := j*8 + l
				ts[o], ts[24+o], ts[48+o], ts[72+o], ts[96+o], ts[120+o] = winoG(gi[o], gi[24+o], gi[48+o])
			}
		}
		for r := 0; r < 6; r++ { // rows: U[r][·] = G t[r][·]
			for l := 0; l < convMR; l++ {
				o := r*24 + l
				u0, u1, u2, u3, u4, u5 := winoG(ts[o], ts[o+8], ts[o+16])
				ou := i*6 + r*6*xs + l
				us[ou], us[ou+xs], us[ou+2*xs], us[ou+3*xs], us[ou+4*xs], us[ou+5*xs] = u0, u1, u2, u3, u4, u5
			}
		}
	}
}
