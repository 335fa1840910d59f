// This file holds the helper that runs a kernel test once per instruction set
// available on this machine and build, so that every dispatching kernel is
// checked on each of its implementations.

package kernels

import "testing"

// implName is the subtest and benchmark name of isa: impl=go, impl=avx2,
// impl=avx512 (STYLE.md's naming).
func implName(isa ISA) string {
	if isa == Generic {
		return "impl=go"
	}
	return "impl=" + isa.String()
}

// forEachISA runs fn as a subtest named impl=<isa> once per ISA in
// Available(), with SetISA forcing that ISA for the duration of the subtest,
// and restores the previous ISA afterwards (also when fn fails or panics).
// ISAs this CPU or build lacks are not listed (their absence is logged).
// Subtests must not call t.Parallel: the ISA is package state.
func forEachISA(t *testing.T, fn func(t *testing.T)) {
	t.Helper()
	for _, isa := range []ISA{Generic, AVX2, AVX512} {
		if !Supported(isa) {
			t.Logf("%s: not available on this CPU/build, skipped", implName(isa))
			continue
		}
		t.Run(implName(isa), func(t *testing.T) {
			prev, prevForced := SetISA(isa), isaForced
			defer func() { SetISA(prev); isaForced = prevForced }()
			fn(t)
		})
	}
}
