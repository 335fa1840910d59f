// This file tests the GEMM benchmark runner: a result, its JSON fields, the
// restored kernel settings, and the errors for bad configurations.

package bench

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocnn/gocnn/kernels"
)

func TestRunGemmSmall(t *testing.T) {
	threads, isa := kernels.Threads(), kernels.Active()
	r, err := RunGemm(GemmConfig{M: 33, N: 47, K: 29, TransB: true, Threads: 1, ISA: "generic", Reps: 3, MinTime: 1, NoPeak: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.GFLOPS <= 0 || r.BestGFLOPS < r.GFLOPS || r.Runs < 3 || r.ISA != "generic" || r.Threads != 1 {
		t.Errorf("implausible result %+v", r)
	}
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{`"op":"sgemm"`, `"m":33`, `"n":47`, `"k":29`, `"threads":1`, `"isa":"generic"`, `"gflops":`, `"peak_gflops":`} {
		if !strings.Contains(string(js), f) {
			t.Errorf("JSON %s lacks %s", js, f)
		}
	}
	// What ran, described under the run's settings (not the restored ones).
	for _, f := range []string{"path=packed", "kernel=go:4x4", "workers=1"} {
		if !strings.Contains(r.Impl, f) || !strings.Contains(r.String(), f) {
			t.Errorf("impl %q (line %q) lacks %s", r.Impl, r.String(), f)
		}
	}
	if kernels.Threads() != threads || kernels.Active() != isa {
		t.Errorf("settings not restored: threads %d (was %d), ISA %v (was %v)", kernels.Threads(), threads, kernels.Active(), isa)
	}
}

func TestRunGemmPeak(t *testing.T) {
	if testing.Short() {
		t.Skip("peak probe")
	}
	r, err := RunGemm(GemmConfig{M: 64, N: 64, K: 64, Reps: 3, MinTime: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.PeakGFLOPS <= 0 || r.PeakPercent <= 0 {
		t.Errorf("no peak: %+v", r)
	}
	if r.MemCeilingGFLOPS != 0 {
		t.Errorf("a 48 KiB shape got a memory ceiling: %+v", r)
	}
	t.Log(r)
}

// TestRunGemmMemCeiling checks that a shape whose operands overflow the
// last-level cache (an FC layer at batch 2) reports the memory probe.
func TestRunGemmMemCeiling(t *testing.T) {
	if testing.Short() {
		t.Skip("memory probe")
	}
	k := max(kernels.Info().L3, 8<<20) / 4 / 1024 * 2 // B twice the L3
	r, err := RunGemm(GemmConfig{M: 2, N: 1024, K: k, TransB: true, Threads: 1, Reps: 2, MinTime: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !(r.ReadGBs > 0 && r.MemCeilingGFLOPS > 0 && r.MemPercent > 0) {
		t.Errorf("no memory ceiling: %+v", r)
	}
	if !strings.Contains(r.String(), "memory ceiling") {
		t.Errorf("String() lacks the memory ceiling: %s", r)
	}
	t.Log(r)
}

func TestRunGemmErrors(t *testing.T) {
	for _, c := range []GemmConfig{{M: 0, N: 1, K: 1}, {M: 1, N: 1, K: 1, Threads: -1}, {M: 1, N: 1, K: 1, ISA: "sse9"}, {M: 1, N: 1, K: 1, Peer: "openblas"}} {
		if _, err := RunGemm(c); err == nil {
			t.Errorf("%+v: no error", c)
		} else {
			t.Log(err)
		}
	}
}

// TestRunGemmPeakGiven checks that a peak measured earlier is reported
// instead of probing again.
func TestRunGemmPeakGiven(t *testing.T) {
	r, err := RunGemm(GemmConfig{M: 16, N: 16, K: 16, Threads: 1, Reps: 3, MinTime: 1, Peak: 123})
	if err != nil {
		t.Fatal(err)
	}
	if r.PeakGFLOPS != 123 || r.PeakPercent != 100*r.GFLOPS/123 {
		t.Errorf("peak %v (%v%%), want the given 123 (%v%%)", r.PeakGFLOPS, r.PeakPercent, 100*r.GFLOPS/123)
	}
}

// TestRunGemmPeer checks the paired peer runs: gonum's figures on a small
// shape, and with a peer that takes 20 ms a run, that the speedup is its
// time over gocnn's (not the inverse) and that GOMAXPROCS is restored.
func TestRunGemmPeer(t *testing.T) {
	procs := runtime.GOMAXPROCS(0)
	r, err := RunGemm(GemmConfig{M: 33, N: 47, K: 29, TransA: true, Threads: 1, Reps: 3, MinTime: 1, NoPeak: true, Peer: "gonum"})
	require.NoError(t, err)
	assert.Equal(t, "gonum", r.Peer)
	assert.Positive(t, r.PeerGFLOPS)
	assert.Positive(t, r.PeerSpeedup)
	assert.Contains(t, r.String(), "x gonum (")
	js, err := json.Marshal(r)
	require.NoError(t, err)
	for _, f := range []string{`"peer":"gonum"`, `"peer_gflops":`, `"peer_speedup":`} {
		assert.Contains(t, string(js), f)
	}

	gemmPeers["sleeper"] = func(bool, bool, int, int, int, []float32, int, []float32, int, []float32, int) {
		time.Sleep(20 * time.Millisecond)
	}
	defer delete(gemmPeers, "sleeper")
	r, err = RunGemm(GemmConfig{M: 8, N: 8, K: 8, Threads: 1, Reps: 3, MinTime: 1, NoPeak: true, Peer: "sleeper"})
	require.NoError(t, err)
	assert.Greater(t, r.PeerSpeedup, 10.0, "a peer 20 ms a run against a 1 KFLOP product")
	assert.Less(t, r.PeerGFLOPS, 2*8*8*8/0.02/1e9*1.01)
	assert.Equal(t, procs, runtime.GOMAXPROCS(0), "GOMAXPROCS not restored")

	r, err = RunGemm(GemmConfig{M: 64, N: 64, K: 64, Threads: 1, Reps: 3, MinTime: 1, NoPeak: true})
	require.NoError(t, err)
	assert.Empty(t, r.Peer)
	assert.NotContains(t, r.String(), "paired")
}

// TestRunGemmBase checks the runs paired with a base worker count: the
// speedup of one thread over one thread is about 1, the line and the JSON
// say what it was timed against, and the worker count is restored.
func TestRunGemmBase(t *testing.T) {
	threads := kernels.Threads()
	r, err := RunGemm(GemmConfig{M: 64, N: 64, K: 64, Threads: 1, Base: 1, Reps: 9, MinTime: 1, NoPeak: true})
	require.NoError(t, err)
	assert.Equal(t, 1, r.Base)
	assert.InDelta(t, 1, r.Speedup, 0.5, "the same worker count either side of a pair")
	assert.Contains(t, r.String(), "the speed on 1 thread(s) (paired runs)")
	js, err := json.Marshal(r)
	require.NoError(t, err)
	assert.Contains(t, string(js), `"base_threads":1`)
	assert.Equal(t, threads, kernels.Threads(), "worker count not restored")

	_, err = RunGemm(GemmConfig{M: 8, N: 8, K: 8, Base: -1})
	assert.Error(t, err)
}
