package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/gocnn/gocnn/bench"
	"github.com/gocnn/gocnn/kernels"
)

// gemmShapes are the shapes issue 3 reports: squares, VGG16's convolutions
// as GEMM (M=Cout, N=H*W, K=Cin*9) and its fully-connected layers at batch 8.
var gemmShapes = [][3]int{
	{256, 256, 256}, {512, 512, 512}, {1024, 1024, 1024}, {2048, 2048, 2048},
	{64, 50176, 27}, {64, 50176, 576}, {128, 12544, 1152}, {256, 3136, 2304}, {512, 784, 4608}, {512, 196, 4608},
	{8, 4096, 25088}, {8, 4096, 4096},
}

func runBenchGemm(args []string) int {
	fs := flag.NewFlagSet("bench gemm", flag.ContinueOnError)
	m := fs.Int("m", 0, "rows of C (with -n and -k: one shape; default: the standard set)")
	n := fs.Int("n", 0, "columns of C")
	k := fs.Int("k", 0, "inner dimension")
	transA := fs.Bool("transa", false, "A is stored transposed (K×M)")
	transB := fs.Bool("transb", false, "B is stored transposed (N×K)")
	threads := fs.String("threads", "0", "worker goroutines, or a comma-separated list of counts to run each shape at (0: GOMAXPROCS)")
	isa := fs.String("isa", "", "force an instruction set: generic, avx2 or avx512 (default: the dispatched one)")
	reps := fs.Int("reps", 5, "least number of timed runs (median reported)")
	noPeak := fs.Bool("no-peak", false, "skip the FMA-peak and memory probes")
	peer := fs.String("peer", "", "also time another implementation ("+strings.Join(bench.GemmPeers, ", ")+") on the same operands, a run of it after each of gocnn's, and print the median ratio")
	asJSON := fs.Bool("json", false, "print one JSON object per line")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: gocnn bench gemm [-m M -n N -k K] [-transa] [-transb] [-threads T[,T...]] [-isa ISA] [-peer gonum] [-json]

Bench gemm times row-major SGEMM, C = op(A)·op(B), and prints GFLOP/s (the
median of several runs after a warm-up) and the percentage of this machine's
FMA peak, measured by a built-in probe of independent FMA chains. A shape whose
operands overflow the last-level cache (the FC layers at small batch) also
gets its memory ceiling: the GFLOP/s it would reach if moving A, B and C once
at the streaming-read rate of a second probe were the only cost. A probe pass
runs just before each timed run, so that both see the same load from other
processes; the percentage is the median over these pairs (JSON: read_gbs, the
median pass; mem_ceiling_gflops; mem_percent). Without
-m/-n/-k it runs the standard set: squares 256-2048, VGG16's convolutions as
GEMM and its fully-connected layers at batch 8. With a list of thread counts
(-threads 1,2,4,8) each shape runs at each count in turn, and the results
after the first also give the speedup over the first count: each of their
timed runs follows one at the first count, and the speedup is the median over
these pairs of the first count's time over theirs (JSON: base_threads,
speedup).
With -peer gonum, gonum's pure-Go Sgemm runs on the same operands right after
each of gocnn's runs, both with GOMAXPROCS set to the worker count and each
timed run after an untimed one of the same implementation (so both are timed
warm, as back-to-back calls); the line gives the median over these pairs of
gonum's time over gocnn's (JSON: peer, peer_gflops, its median run;
peer_speedup, that ratio). Paired runs see the same load from other
processes, so on a shared machine the ratio is steadier than two separate
figures.

`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := kernels.CheckISA(); err != nil {
		return fail("bench gemm", err, "unset GOCNN_ISA or pick one of the available ISAs")
	}
	shapes := gemmShapes
	switch {
	case *m > 0 && *n > 0 && *k > 0:
		shapes = [][3]int{{*m, *n, *k}}
	case *m != 0 || *n != 0 || *k != 0:
		return fail("bench gemm", fmt.Errorf("-m %d -n %d -k %d: give all three, each >= 1", *m, *n, *k), "")
	}
	counts, err := parseThreadList(*threads)
	if err != nil {
		return fail("bench gemm", err, "give -threads a count or a list such as 1,2,4,8")
	}
	enc := json.NewEncoder(os.Stdout)
	peaks := map[int]float64{} // the FMA probe's figure per thread count, measured once
	for _, s := range shapes {
		for i, t := range counts {
			base := 0 // the first count, which the later ones are timed against
			if i > 0 {
				base = counts[0]
				if base == 0 {
					base = kernels.Threads()
				}
			}
			r, err := bench.RunGemm(bench.GemmConfig{M: s[0], N: s[1], K: s[2], TransA: *transA, TransB: *transB,
				Threads: t, ISA: *isa, Reps: *reps, NoPeak: *noPeak, Peak: peaks[t], Peer: *peer, Base: base})
			if err != nil {
				return fail("bench gemm", errors.New(strings.TrimPrefix(err.Error(), "bench gemm: ")), "")
			}
			peaks[t] = r.PeakGFLOPS
			if *asJSON {
				_ = enc.Encode(r)
			} else {
				fmt.Println(r)
			}
		}
	}
	return 0
}

// parseThreadList parses -threads: one worker count or a comma-separated
// list of them, each >= 0 (0: GOMAXPROCS).
func parseThreadList(s string) ([]int, error) {
	var counts []int
	for _, f := range strings.Split(s, ",") {
		t, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || t < 0 {
			return nil, fmt.Errorf("-threads %q: %q is not a worker count (an integer >= 0)", s, f)
		}
		counts = append(counts, t)
	}
	return counts, nil
}
