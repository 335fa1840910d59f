package kernels

import (
	"math"
	"testing"
)

// TestFMAPeak checks that the probe (the widest loop this CPU and build
// have) runs and reports a finite, positive rate on one and two threads.
func TestFMAPeak(t *testing.T) {
	for _, threads := range []int{1, 2} {
		p := FMAPeak(threads, 1)
		if !(p > 0) || math.IsInf(p, 0) {
			t.Errorf("FMAPeak(%d, 1) = %v, want a finite rate above 0", threads, p)
		}
	}
}
