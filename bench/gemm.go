// This file holds the GEMM runner behind `gocnn bench gemm`: one Sgemm shape,
// timed as the median of several runs after warm-up, reported in GFLOP/s and
// as a share of this machine's measured FMA peak and, for a shape whose
// operands overflow the last-level cache, of the memory ceiling measured in
// the same sitting.

package bench

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/gocnn/gocnn/kernels"
)

// GemmConfig is one GEMM benchmark: C(M×N) = op(A)·op(B) with op(A) M×K,
// op(B) K×N, alpha 1, beta 0, tight leading dimensions.
type GemmConfig struct {
	M, N, K        int
	TransA, TransB bool
	// Threads is the worker count; 0 keeps kernels.Threads().
	Threads int
	// ISA forces an instruction set ("generic", "avx2", "avx512"); "" keeps
	// the active one.
	ISA string
	// Reps is the least number of timed runs (default 5); runs continue until
	// MinTime has passed too (default 1s), at most 1000.
	Reps    int
	MinTime time.Duration
	// NoPeak skips the FMA-peak probe (PeakGFLOPS is then 0) and the
	// memory probe (MemCeilingGFLOPS is then 0).
	NoPeak bool
	// Peak, when positive, is the FMA peak on Threads cores measured
	// earlier (an earlier result's PeakGFLOPS), reported instead of probing
	// again; the memory probe still runs.
	Peak float64
	// Peer, when not "", names another implementation (GemmPeers) timed on
	// the same operands, each of its runs right after one of gocnn's, so
	// that both see the same load from other processes; the result's
	// PeerSpeedup is the median over these pairs. Each timed run, gocnn's
	// and the peer's, follows an untimed one of the same implementation, so
	// that both are timed warm, as back-to-back calls are (without it
	// gocnn's helpers would have parked during the peer's run, and a
	// product shorter than a thread's wake-up would be timed at one
	// thread's speed). The peer runs with GOMAXPROCS set to the worker
	// count, which sizes gonum's own parallelism, and so does gocnn for the
	// duration of the run.
	Peer string
	// Base, when positive, is a worker count to time each run against:
	// every timed run follows a timed run at Base workers (each after an
	// untimed one at its own count, as with a peer), and the result's
	// Speedup is the median over these pairs of the Base run's time over
	// this one's. On a shared machine the load from other processes drifts
	// within a minute, so pairs taken together give a steadier scaling
	// figure than two medians taken one after the other.
	Base int
}

// GemmResult is the outcome of RunGemm, one JSON object per shape.
type GemmResult struct {
	Op          string  `json:"op"` // "sgemm"
	M           int     `json:"m"`
	N           int     `json:"n"`
	K           int     `json:"k"`
	TransA      bool    `json:"transa"`
	TransB      bool    `json:"transb"`
	Threads     int     `json:"threads"`
	ISA         string  `json:"isa"`
	GFLOPS      float64 `json:"gflops"`      // median run
	BestGFLOPS  float64 `json:"best_gflops"` // fastest run
	PeakGFLOPS  float64 `json:"peak_gflops"` // FMA probe on Threads cores
	PeakPercent float64 `json:"peak_percent"`
	Runs        int     `json:"runs"`
	MedianMS    float64 `json:"median_ms"`
	// ReadGBs, MemCeilingGFLOPS and MemPercent are set for a shape whose
	// operands do not fit in the last-level cache. Each timed run is paired
	// with a pass of a streaming-read probe just before it
	// (kernels.ReadProbe: Threads goroutines, a buffer as large as the
	// operands), so that both see the same load from other processes:
	// ReadGBs is the median pass, MemCeilingGFLOPS the GFLOP/s the shape
	// would reach at that rate if it cost nothing but moving its operands
	// once (A and B read, C written), and MemPercent the median over the
	// pairs of the run's share of its own pass's ceiling. Small-batch FC
	// layers live here: fc6 at batch 8 reads 411 MB of weights for 1.6 GFLOP.
	ReadGBs          float64 `json:"read_gbs,omitempty"`
	MemCeilingGFLOPS float64 `json:"mem_ceiling_gflops,omitempty"`
	MemPercent       float64 `json:"mem_percent,omitempty"`
	// Peer, PeerGFLOPS and PeerSpeedup are set when GemmConfig.Peer named
	// one: its median run, and the median over the pairs of its run's time
	// over gocnn's run's (how many times faster gocnn was).
	Peer        string  `json:"peer,omitempty"`
	PeerGFLOPS  float64 `json:"peer_gflops,omitempty"`
	PeerSpeedup float64 `json:"peer_speedup,omitempty"`
	// Impl is kernels.SgemmImpl's description of what ran: the path,
	// micro-kernel, workers and cache blocks ("path=packed
	// kernel=avx2:6x16 workers=2 grid=1x2 kc=192 mc=288 nc=4096").
	Impl string `json:"impl"`
	// Base and Speedup are set when GemmConfig.Base named a worker count:
	// the median over the pairs of the Base run's time over this run's.
	Base    int     `json:"base_threads,omitempty"`
	Speedup float64 `json:"speedup,omitempty"`
}

// String formats r for a terminal.
func (r GemmResult) String() string {
	s := fmt.Sprintf("sgemm m=%d n=%d k=%d transa=%v transb=%v threads=%d isa=%s: %.1f GFLOP/s (median of %d, best %.1f, %.3f ms)",
		r.M, r.N, r.K, r.TransA, r.TransB, r.Threads, r.ISA, r.GFLOPS, r.Runs, r.BestGFLOPS, r.MedianMS)
	if r.PeakGFLOPS > 0 {
		s += fmt.Sprintf(", %.0f%% of the %.0f GFLOP/s FMA peak", r.PeakPercent, r.PeakGFLOPS)
	}
	if r.MemCeilingGFLOPS > 0 {
		s += fmt.Sprintf(", %.0f%% of the %.0f GFLOP/s memory ceiling (read %.1f GB/s)", r.MemPercent, r.MemCeilingGFLOPS, r.ReadGBs)
	}
	if r.Peer != "" {
		s += fmt.Sprintf(", %.2fx %s (%.1f GFLOP/s, paired runs)", r.PeerSpeedup, r.Peer, r.PeerGFLOPS)
	}
	if r.Speedup > 0 {
		s += fmt.Sprintf(", %.2fx the speed on %d thread(s) (paired runs)", r.Speedup, r.Base)
	}
	if r.Impl != "" {
		s += "; " + r.Impl
	}
	return s
}

// RunGemm runs cfg and returns its result. It sets the kernels' worker count
// and ISA for the duration of the run and restores them; it must not run
// while other goroutines use the kernels with other settings.
func RunGemm(cfg GemmConfig) (GemmResult, error) {
	if cfg.M <= 0 || cfg.N <= 0 || cfg.K <= 0 {
		return GemmResult{}, fmt.Errorf("bench gemm: sizes must be positive, got m=%d n=%d k=%d", cfg.M, cfg.N, cfg.K)
	}
	if cfg.Threads < 0 || cfg.Base < 0 {
		return GemmResult{}, fmt.Errorf("bench gemm: threads must be >= 0, got %d (base %d)", cfg.Threads, cfg.Base)
	}
	if cfg.ISA != "" {
		isa, err := kernels.ParseISA(cfg.ISA)
		if err != nil {
			return GemmResult{}, fmt.Errorf("bench gemm: %w", err)
		}
		if !kernels.Supported(isa) {
			return GemmResult{}, fmt.Errorf("bench gemm: ISA %s is not available here (available: %v)", isa, kernels.Available())
		}
		defer kernels.SetISA(kernels.SetISA(isa))
	}
	if cfg.Threads > 0 {
		defer kernels.SetThreads(kernels.SetThreads(cfg.Threads))
	}
	var peer gemmFunc
	if cfg.Peer != "" {
		var err error
		if peer, err = gemmPeer(cfg.Peer); err != nil {
			return GemmResult{}, err
		}
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(kernels.Threads()))
	}
	if cfg.Reps <= 0 {
		cfg.Reps = 5
	}
	if cfg.MinTime <= 0 {
		cfg.MinTime = time.Second
	}
	m, n, k := cfg.M, cfg.N, cfg.K
	lda, ldb := k, n
	if cfg.TransA {
		lda = m
	}
	if cfg.TransB {
		ldb = k
	}
	rng := rand.New(rand.NewPCG(1, 2))
	a, b, c := randSlice(rng, m*k), randSlice(rng, k*n), make([]float32, m*n)
	call := func() {
		kernels.Sgemm(cfg.TransA, cfg.TransB, m, n, k, 1, a, lda, b, ldb, 0, c, n)
	}
	call() // warm-up: packing buffers, page faults, helper goroutines
	if peer != nil {
		peer(cfg.TransA, cfg.TransB, m, n, k, a, lda, b, ldb, c, n)
	}
	bytes := 4 * (m*k + k*n + m*n)
	var probe *kernels.ReadProbe
	if l3 := kernels.Info().L3; !cfg.NoPeak && bytes > max(l3, 8<<20) {
		probe = kernels.NewReadProbe(bytes, kernels.Threads())
	}
	workers := kernels.Threads()
	var times, reads, shares, peerTimes, ratios, baseRatios []float64
	start := time.Now()
	for len(times) < 1000 && (len(times) < cfg.Reps || time.Since(start) < cfg.MinTime) {
		tb := 0.0
		if cfg.Base > 0 {
			kernels.SetThreads(cfg.Base)
			call() // warm at Base workers
			t0 := time.Now()
			call()
			tb = time.Since(t0).Seconds()
			kernels.SetThreads(workers)
		}
		gbs := 0.0
		if probe != nil {
			gbs = probe.Pass()
		}
		if peer != nil || cfg.Base > 0 {
			call() // warm again after the peer's or the Base run
		}
		t0 := time.Now()
		call()
		t := time.Since(t0).Seconds()
		times = append(times, t)
		if cfg.Base > 0 {
			baseRatios = append(baseRatios, tb/t)
		}
		if probe != nil {
			reads = append(reads, gbs)
			shares = append(shares, float64(bytes)/(gbs*1e9)/t)
		}
		if peer != nil {
			peer(cfg.TransA, cfg.TransB, m, n, k, a, lda, b, ldb, c, n)
			t0 := time.Now()
			peer(cfg.TransA, cfg.TransB, m, n, k, a, lda, b, ldb, c, n)
			tp := time.Since(t0).Seconds()
			peerTimes = append(peerTimes, tp)
			ratios = append(ratios, tp/t)
		}
	}
	slices.Sort(times)
	flops := 2 * float64(m) * float64(n) * float64(k)
	r := GemmResult{
		Op: "sgemm", M: m, N: n, K: k, TransA: cfg.TransA, TransB: cfg.TransB,
		Threads: kernels.Threads(), ISA: kernels.Active().String(),
		GFLOPS:     flops / times[len(times)/2] / 1e9,
		BestGFLOPS: flops / times[0] / 1e9,
		Runs:       len(times),
		MedianMS:   times[len(times)/2] * 1e3,
		Impl:       kernels.SgemmImpl(cfg.TransA, cfg.TransB, m, n, k, b, ldb),
	}
	if !cfg.NoPeak {
		r.PeakGFLOPS = cfg.Peak
		if r.PeakGFLOPS <= 0 {
			r.PeakGFLOPS = kernels.FMAPeak(r.Threads, 10)
		}
		r.PeakPercent = 100 * r.GFLOPS / r.PeakGFLOPS
	}
	if peer != nil {
		r.Peer = cfg.Peer
		r.PeerGFLOPS = flops / median(peerTimes) / 1e9
		r.PeerSpeedup = median(ratios)
	}
	if cfg.Base > 0 {
		r.Base = cfg.Base
		r.Speedup = median(baseRatios)
	}
	if probe != nil {
		r.ReadGBs = median(reads)
		r.MemCeilingGFLOPS = flops / (float64(bytes) / (r.ReadGBs * 1e9)) / 1e9
		r.MemPercent = 100 * median(shares)
	}
	return r, nil
}

// median returns the middle of v (the upper one of the two for an even
// length); v is sorted in place.
func median(v []float64) float64 {
	slices.Sort(v)
	return v[len(v)/2]
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.Float64() - 0.5)
	}
	return s
}
