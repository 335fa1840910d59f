package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseThreadList(t *testing.T) {
	for in, want := range map[string][]int{"0": {0}, "3": {3}, "1,2, 4": {1, 2, 4}} {
		got, err := parseThreadList(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "1,x", "-1", "2,,4", "1.5"} {
		_, err := parseThreadList(in)
		assert.Error(t, err, in)
	}
}

// TestBenchGemmThreadList runs one shape at two thread counts: one JSON
// line each, in order, the second with its speedup over the first (paired
// runs, timed against one thread).
func TestBenchGemmThreadList(t *testing.T) {
	code, out, errOut := capture(t, "bench", "gemm", "-m", "24", "-n", "40", "-k", "32", "-threads", "1,2", "-reps", "1", "-no-peak", "-json")
	require.Equal(t, 0, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2, out)
	var r [2]struct {
		Threads int     `json:"threads"`
		GFLOPS  float64 `json:"gflops"`
		Speedup float64 `json:"speedup"`
		Base    int     `json:"base_threads"`
	}
	for i, l := range lines {
		require.NoError(t, json.Unmarshal([]byte(l), &r[i]), l)
	}
	assert.Equal(t, 1, r[0].Threads)
	assert.Equal(t, 2, r[1].Threads)
	assert.Zero(t, r[0].Speedup, "the first count has no speedup")
	assert.Positive(t, r[1].Speedup, "the second count's runs paired with the first's")
	assert.Equal(t, 1, r[1].Base)

	code, _, errOut = capture(t, "bench", "gemm", "-m", "8", "-n", "8", "-k", "8", "-threads", "2,two")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, `"two" is not a worker count`)
}

// TestBenchGemmPeer runs one shape beside gonum: the JSON line carries the
// peer's figures; an unknown peer is an error that lists the known ones.
func TestBenchGemmPeer(t *testing.T) {
	code, out, errOut := capture(t, "bench", "gemm", "-m", "24", "-n", "40", "-k", "32", "-threads", "1", "-reps", "2", "-no-peak", "-peer", "gonum", "-json")
	require.Equal(t, 0, code, errOut)
	var r struct {
		Peer        string  `json:"peer"`
		PeerGFLOPS  float64 `json:"peer_gflops"`
		PeerSpeedup float64 `json:"peer_speedup"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &r), out)
	assert.Equal(t, "gonum", r.Peer)
	assert.Positive(t, r.PeerGFLOPS)
	assert.Positive(t, r.PeerSpeedup)

	code, _, errOut = capture(t, "bench", "gemm", "-m", "8", "-n", "8", "-k", "8", "-peer", "mkl")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, `unknown peer "mkl" (known: [gonum])`)
	assert.NotContains(t, errOut, "bench gemm: bench gemm")
}
