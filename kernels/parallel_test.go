// This file tests the helper pool's polling setting.

package kernels

import (
	"sync/atomic"
	"testing"
	"time"
)

// TestSetSpinWait checks the setting's round trip, that a negative wait is
// zero, and that ParallelFor covers its range with helpers that block at once
// and with helpers that poll long.
func TestSetSpinWait(t *testing.T) {
	prev := SetSpinWait(-time.Second)
	defer SetSpinWait(prev)
	if prev != DefaultSpinWait {
		t.Errorf("spin wait %v at start, want DefaultSpinWait %v", prev, DefaultSpinWait)
	}
	for _, d := range []time.Duration{0, 5 * time.Millisecond} {
		if got := SetSpinWait(d); got < 0 {
			t.Errorf("SetSpinWait returned %v after a negative setting", got)
		}
		var hits [1000]atomic.Int32
		for range 20 {
			ParallelFor(len(hits), 7, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					hits[i].Add(1)
				}
			})
		}
		for i := range hits {
			if h := hits[i].Load(); h != 20 {
				t.Fatalf("spin %v: index %d covered %d times in 20 calls", d, i, h)
			}
		}
	}
	if got := SetSpinWait(prev); got != 5*time.Millisecond {
		t.Errorf("SetSpinWait returned %v, want the 5ms set before", got)
	}
}
