package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"

	"github.com/gocnn/gocnn/kernels"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "dev"

func init() {
	register(&command{name: "version", short: "print the version, Go version and CPU features the kernels use", run: runVersion})
}

func runVersion(args []string) int {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print one JSON object")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: gocnn version [-json]

Version prints gocnn's version, the Go version and GOOS/GOARCH it was built
with, and the CPU features and instruction set the kernels dispatch to
(override with GOCNN_ISA=generic|avx2|avx512).

`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	info := kernels.Info()
	if err := kernels.CheckISA(); err != nil {
		return fail("version", err, "unset GOCNN_ISA or pick one of the available ISAs")
	}
	if *asJSON {
		avail := []string{}
		for _, a := range info.Available {
			avail = append(avail, a.String())
		}
		out := map[string]any{
			"version": version, "go": runtime.Version(), "goos": runtime.GOOS, "goarch": runtime.GOARCH,
			"cpu": info.Brand, "vendor": info.Vendor, "family": info.Family, "model": info.Model,
			"cores": info.Cores, "threads": kernels.Threads(),
			"l1d": info.L1D, "l2": info.L2, "l3": info.L3,
			"avx2": info.AVX2, "fma": info.FMA, "avx512f": info.AVX512F, "avx512bw": info.AVX512BW,
			"avx512vl": info.AVX512VL, "avx512vnni": info.AVX512VNNI,
			"asm": info.Asm, "isa": info.Active.String(), "available": avail,
		}
		enc := json.NewEncoder(os.Stdout)
		if err := enc.Encode(out); err != nil {
			return fail("version", err, "")
		}
		return 0
	}
	fmt.Printf("gocnn %s %s %s/%s\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Printf("cpu:      %s (%s family %d model %d), %d cores, %d workers\n", info.Brand, info.Vendor, info.Family, info.Model, info.Cores, kernels.Threads())
	fmt.Printf("caches:   L1d %s, L2 %s, L3 %s\n", kib(info.L1D), kib(info.L2), kib(info.L3))
	fmt.Printf("features: AVX2=%v FMA=%v AVX-512F=%v AVX-512BW=%v AVX-512VL=%v AVX-512VNNI=%v\n",
		info.AVX2, info.FMA, info.AVX512F, info.AVX512BW, info.AVX512VL, info.AVX512VNNI)
	fmt.Printf("kernels:  %s (available: %v; assembly compiled in: %v)\n", info.Active, info.Available, info.Asm)
	return 0
}

func kib(b int) string {
	if b <= 0 {
		return "unknown"
	}
	if b >= 1<<20 {
		return fmt.Sprintf("%d MiB", b>>20)
	}
	return fmt.Sprintf("%d KiB", b>>10)
}
