package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// sgdRef and adamRef are float64 transcriptions of torch.optim's formulas.
func sgdRef(p, g, buf []float64, h SGDParams) {
	lr, mom, damp, wd := float64(h.LR), float64(h.Momentum), float64(h.Dampening), float64(h.WeightDecay)
	for i := range p {
		d := g[i] + wd*p[i]
		if mom != 0 {
			if h.First {
				buf[i] = d
			} else {
				buf[i] = mom*buf[i] + (1-damp)*d
			}
			if h.Nesterov {
				d += mom * buf[i]
			} else {
				d = buf[i]
			}
		}
		p[i] -= lr * d
	}
}

func adamRef(p, g, m, v, vm []float64, h AdamParams) {
	for i := range p {
		gi := g[i]
		if h.Decoupled {
			p[i] *= float64(h.Decay)
		} else {
			gi += float64(h.WeightDecay) * p[i]
		}
		m[i] = float64(h.Beta1)*m[i] + (1-float64(h.Beta1))*gi
		v[i] = float64(h.Beta2)*v[i] + (1-float64(h.Beta2))*gi*gi
		vv := v[i]
		if h.AMSGrad {
			vm[i] = math.Max(vm[i], v[i])
			vv = vm[i]
		}
		p[i] -= float64(h.StepSize) * m[i] / (math.Sqrt(vv)/float64(h.BC2Sqrt) + float64(h.Eps))
	}
}

func randVec(r *rand.Rand, n int, pos bool) ([]float32, []float64) {
	a, b := make([]float32, n), make([]float64, n)
	for i := range a {
		x := float32(r.NormFloat64())
		if pos {
			x = x * x
		}
		a[i], b[i] = x, float64(x)
	}
	return a, b
}

func closeVec(t *testing.T, what string, got []float32, want []float64, tol float64) {
	t.Helper()
	for i := range got {
		if d := math.Abs(float64(got[i]) - want[i]); d > tol*(1+math.Abs(want[i])) {
			t.Fatalf("%s[%d] = %v, want %v (error %.3g)", what, i, got[i], want[i], d)
		}
	}
}

func TestSGDStep(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 7, 16, 33} {
		for _, h := range []SGDParams{
			{LR: 0.1},
			{LR: 0.1, WeightDecay: 0.01},
			{LR: 0.05, Momentum: 0.9, Dampening: 0.1, First: true},
			{LR: 0.05, Momentum: 0.9, Dampening: 0.1},
			{LR: 0.05, Momentum: 0.9, Nesterov: true, WeightDecay: 1e-3},
		} {
			p, p64 := randVec(r, n, false)
			g, g64 := randVec(r, n, false)
			b, b64 := randVec(r, n, false)
			gOld := append([]float32(nil), g...)
			SGDStep(p, g, b, h)
			sgdRef(p64, g64, b64, h)
			closeVec(t, "p", p, p64, 1e-6)
			if h.Momentum != 0 {
				closeVec(t, "buf", b, b64, 1e-6)
			}
			for i := range g {
				if g[i] != gOld[i] {
					t.Fatal("gradient modified")
				}
			}
		}
	}
}

func TestAdamStep(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 9, 64} {
		for step := 1; step <= 3; step++ {
			for _, h := range []AdamParams{
				{LR: 1e-2, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8},
				{LR: 1e-2, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.1},
				{LR: 1e-2, Beta1: 0.8, Beta2: 0.99, Eps: 1e-6, WeightDecay: 0.1, Decoupled: true, AMSGrad: true},
			} {
				bc1 := 1 - math.Pow(float64(h.Beta1), float64(step))
				h.StepSize = float32(float64(h.LR) / bc1)
				h.BC2Sqrt = float32(math.Sqrt(1 - math.Pow(float64(h.Beta2), float64(step))))
				h.Decay = float32(1 - float64(h.LR)*float64(h.WeightDecay))
				p, p64 := randVec(r, n, false)
				g, g64 := randVec(r, n, false)
				m, m64 := randVec(r, n, false)
				v, v64 := randVec(r, n, true)
				vm, vm64 := randVec(r, n, true)
				AdamStep(p, g, m, v, vm, h)
				adamRef(p64, g64, m64, v64, vm64, h)
				closeVec(t, "p", p, p64, 1e-5)
				closeVec(t, "m", m, m64, 1e-6)
				closeVec(t, "v", v, v64, 1e-6)
			}
		}
	}
}

func TestOptimStepPanicsOnLength(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic on length mismatch")
		}
	}()
	AdamStep(make([]float32, 3), make([]float32, 2), make([]float32, 3), make([]float32, 3), nil, AdamParams{})
}

// guarded returns a slice of n copies of src's values at an unaligned start
// (offset 1) inside a larger array whose other elements hold a guard value,
// and a function that fails the test if a guard changed.
func guarded(t *testing.T, what string, src []float32) ([]float32, func()) {
	const guard = float32(-1234.5)
	back := make([]float32, len(src)+9)
	for i := range back {
		back[i] = guard
	}
	s := back[1 : 1+len(src)]
	copy(s, src)
	return s, func() {
		t.Helper()
		for i, v := range back {
			if (i < 1 || i > len(src)) && v != guard {
				t.Fatalf("%s: guard at %d overwritten with %v", what, i-1, v)
			}
		}
	}
}

// optimSameBits fails unless got and want are the same floats bit for bit.
func optimSameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s[%d] = %v, generic %v (len %d)", what, i, got[i], want[i], len(want))
		}
	}
}

// TestAdamStepISAs checks that every implementation gives the generic twin's
// bits (neither fuses a multiply-add), on lengths around the 8-float vector.
func TestAdamStepISAs(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(5, 6))
		for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 64, 257} {
			for _, h := range []AdamParams{
				{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, StepSize: 1e-2, BC2Sqrt: 0.05},
				{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, StepSize: 1e-2, BC2Sqrt: 0.05, WeightDecay: 0.1},
				{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, StepSize: 1e-2, BC2Sqrt: 0.05, WeightDecay: 0.1, Decoupled: true, Decay: 0.999},
				{Beta1: 0.8, Beta2: 0.99, Eps: 1e-6, StepSize: 3e-3, BC2Sqrt: 0.2, WeightDecay: 0.1, AMSGrad: true},
				{Beta1: 0.8, Beta2: 0.99, Eps: 1e-6, StepSize: 3e-3, BC2Sqrt: 0.2, WeightDecay: 0.1, Decoupled: true, Decay: 0.9997, AMSGrad: true},
			} {
				p, _ := randVec(r, n, false)
				g, _ := randVec(r, n, false)
				m, _ := randVec(r, n, false)
				v, _ := randVec(r, n, true)
				vm, _ := randVec(r, n, true)
				wp, wm, wv, wvm := append([]float32(nil), p...), append([]float32(nil), m...), append([]float32(nil), v...), append([]float32(nil), vm...)
				adamStepGeneric(wp, g, wm, wv, wvm, h)
				gp, cp := guarded(t, "p", p)
				gg, cg := guarded(t, "g", g)
				gm, cm := guarded(t, "m", m)
				gv, cv := guarded(t, "v", v)
				gvm, cvm := guarded(t, "vmax", vm)
				if !h.AMSGrad {
					gvm = nil
				}
				AdamStep(gp, gg, gm, gv, gvm, h)
				cp()
				cg()
				cm()
				cv()
				cvm()
				optimSameBits(t, "p", gp, wp)
				optimSameBits(t, "g", gg, g)
				optimSameBits(t, "m", gm, wm)
				optimSameBits(t, "v", gv, wv)
				if h.AMSGrad {
					optimSameBits(t, "vmax", gvm, wvm)
				} else {
					optimSameBits(t, "vmax", vm, vm)
				}
			}
		}
	})
}

// TestSGDStepISAs is TestAdamStepISAs for SGD.
func TestSGDStepISAs(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(7, 8))
		for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 64, 257} {
			for _, h := range []SGDParams{
				{LR: 0.1},
				{LR: 0.1, WeightDecay: 0.01},
				{LR: 0.05, Momentum: 0.9, Dampening: 0.1, First: true, WeightDecay: 1e-3},
				{LR: 0.05, Momentum: 0.9, Dampening: 0.1},
				{LR: 0.05, Momentum: 0.9, Nesterov: true, WeightDecay: 1e-3},
				{LR: 0.05, Momentum: 0.9, Nesterov: true, First: true},
			} {
				p, _ := randVec(r, n, false)
				g, _ := randVec(r, n, false)
				b, _ := randVec(r, n, false)
				wp, wb := append([]float32(nil), p...), append([]float32(nil), b...)
				sgdStepGeneric(wp, g, wb, h)
				gp, cp := guarded(t, "p", p)
				gg, cg := guarded(t, "g", g)
				gb, cb := guarded(t, "buf", b)
				if h.Momentum == 0 {
					gb = nil
				}
				SGDStep(gp, gg, gb, h)
				cp()
				cg()
				cb()
				optimSameBits(t, "p", gp, wp)
				optimSameBits(t, "g", gg, g)
				if h.Momentum != 0 {
					optimSameBits(t, "buf", gb, wb)
				}
			}
		}
	})
}

// FuzzAdamStep compares the dispatched Adam update with the generic twin on
// arbitrary bit patterns (NaN, infinities and subnormals included; any NaN
// matches any NaN, as payloads depend on operand order).
func FuzzAdamStep(f *testing.F) {
	f.Add(uint64(1), uint16(37), uint8(0), []byte{0x7f, 0x80, 0, 0})
	f.Add(uint64(2), uint16(8), uint8(7), []byte{0xff, 0xc0, 0, 1, 0, 0, 0x80, 0})
	f.Fuzz(func(t *testing.T, seed uint64, n uint16, flags uint8, raw []byte) {
		n %= 300
		r := rand.New(rand.NewPCG(seed, 9))
		vec := func(pos bool) []float32 {
			s := make([]float32, n)
			for i := range s {
				s[i] = float32(r.NormFloat64())
				if pos {
					s[i] *= s[i]
				}
			}
			return s
		}
		p, g, m, v, vm := vec(false), vec(false), vec(false), vec(true), vec(true)
		for i := 0; i+4 <= len(raw) && n > 0; i += 4 { // plant raw bit patterns
			b := uint32(raw[i])<<24 | uint32(raw[i+1])<<16 | uint32(raw[i+2])<<8 | uint32(raw[i+3])
			[][]float32{p, g, m, v, vm}[i/4%5][(i/4)%int(n)] = math.Float32frombits(b)
		}
		h := AdamParams{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, StepSize: 1e-3, BC2Sqrt: 0.3,
			WeightDecay: float32(flags&1) * 0.01, Decoupled: flags&2 != 0, Decay: 0.9999, AMSGrad: flags&4 != 0}
		wp, wm, wv, wvm := clone(p), clone(m), clone(v), clone(vm)
		adamStepGeneric(wp, g, wm, wv, wvm, h)
		AdamStep(p, g, m, v, vm, h)
		for _, c := range []struct {
			name      string
			got, want []float32
		}{{"p", p, wp}, {"m", m, wm}, {"v", v, wv}, {"vmax", vm, wvm}} {
			for i := range c.want {
				a, b := c.got[i], c.want[i]
				if math.Float32bits(a) != math.Float32bits(b) && !(a != a && b != b) {
					t.Fatalf("%s[%d] = %v, generic %v (n %d, flags %d)", c.name, i, a, b, n, flags)
				}
			}
		}
	})
}
