// This file holds the direct convolution: the definition as loops over the
// output, no scratch and no packing. It is the plain-Go baseline (AlgoDirect)
// and is never chosen by AlgoAuto; the planes are shared out among workers
// (through pooled jobs, so calls allocate nothing).

package kernels

// convDirectForward computes y (see Conv.Forward) one output plane per task.
func convDirectForward(p ConvParams, x, w, bias, y []float32, relu bool) {
	jb := newElt(func(j *eltJob, lo, hi int) {
		p, x, w, bias, y, relu := j.p, j.a, j.b, j.c, j.d, j.flag
		oh, ow := p.OutH(), p.OutW()

		for t := lo; t < hi; t++ {
			n, k := t/p.K, t%p.K
			out := y[t*oh*ow : (t+1)*oh*ow]
			var b float32
			if bias != nil {
				b = bias[k]
			}
			for i := range out {
				out[i] = b
			}
			for c := 0; c < p.C; c++ {
				plane := x[(n*p.C+c)*p.H*p.W : (n*p.C+c+1)*p.H*p.W]
				for r := 0; r < p.R; r++ {
					for s := 0; s < p.S; s++ {
						wv := w[((k*p.C+c)*p.R+r)*p.S+s]
						for i := 0; i < oh; i++ {
							h := i*p.StrideH - p.PadH + r*p.DilH
							if h < 0 || h >= p.H {
								continue
							}
							row := plane[h*p.W : (h+1)*p.W]
							o := out[i*ow : (i+1)*ow]
							wi := s*p.DilW - p.PadW
							for j := range o {
								if uint(wi) < uint(len(row)) {
									o[j] += wv * row[wi]
								}
								wi += p.StrideW
							}
						}
					}
				}
			}
			if relu {
				for i, v := range out {
					out[i] = max(v, 0)
				}
			}
		}
	})
	jb.p, jb.a, jb.b, jb.c, jb.d, jb.flag = p, x, w, bias, y, relu
	jb.parallel(p.N*p.K, 1)
}

// convDirectBackwardData computes dx (see Conv.BackwardData) one input plane
// per task, gathering from every output that read it.
func convDirectBackwardData(p ConvParams, dy, w, dx []float32) {
	jb := newElt(func(j *eltJob, lo, hi int) {
		p, dy, w, dx := j.p, j.a, j.b, j.c
		oh, ow := p.OutH(), p.OutW()

		for t := lo; t < hi; t++ {
			n, c := t/p.C, t%p.C
			plane := dx[t*p.H*p.W : (t+1)*p.H*p.W]
			clear(plane)
			for k := 0; k < p.K; k++ {
				g := dy[(n*p.K+k)*oh*ow : (n*p.K+k+1)*oh*ow]
				for r := 0; r < p.R; r++ {
					for s := 0; s < p.S; s++ {
						wv := w[((k*p.C+c)*p.R+r)*p.S+s]
						for i := 0; i < oh; i++ {
							h := i*p.StrideH - p.PadH + r*p.DilH
							if h < 0 || h >= p.H {
								continue
							}
							row := plane[h*p.W : (h+1)*p.W]
							gi := g[i*ow : (i+1)*ow]
							wi := s*p.DilW - p.PadW
							for j := range gi {
								if uint(wi) < uint(len(row)) {
									row[wi] += wv * gi[j]
								}
								wi += p.StrideW
							}
						}
					}
				}
			}
		}
	})
	jb.p, jb.a, jb.b, jb.c = p, dy, w, dx
	jb.parallel(p.N*p.C, 1)
}

// convDirectBackwardWeights accumulates dw (see Conv.BackwardWeights), one
// output channel k per task.
func convDirectBackwardWeights(p ConvParams, x, dy, dw []float32) {
	jb := newElt(func(j *eltJob, lo, hi int) {
		p, x, dy, dw := j.p, j.a, j.b, j.c
		oh, ow := p.OutH(), p.OutW()

		for k := lo; k < hi; k++ {
			for c := 0; c < p.C; c++ {
				for r := 0; r < p.R; r++ {
					for s := 0; s < p.S; s++ {
						var sum float32
						for n := 0; n < p.N; n++ {
							plane := x[(n*p.C+c)*p.H*p.W : (n*p.C+c+1)*p.H*p.W]
							g := dy[(n*p.K+k)*oh*ow : (n*p.K+k+1)*oh*ow]
							for i := 0; i < oh; i++ {
								h := i*p.StrideH - p.PadH + r*p.DilH
								if h < 0 || h >= p.H {
									continue
								}
								row := plane[h*p.W : (h+1)*p.W]
								gi := g[i*ow : (i+1)*ow]
								wi := s*p.DilW - p.PadW
								for j := range gi {
									if uint(wi) < uint(len(row)) {
										sum += gi[j] * row[wi]
									}
									wi += p.StrideW
								}
							}
						}
						dw[((k*p.C+c)*p.R+r)*p.S+s] += sum
					}
				}
			}
		}
	})
	jb.p, jb.a, jb.b, jb.c = p, x, dy, dw
	jb.parallel(p.K, 1)
}
