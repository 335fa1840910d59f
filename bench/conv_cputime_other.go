//go:build !unix

package bench

import "time"

// cpuSeconds falls back to the wall clock where there is no portable CPU
// clock.
func cpuSeconds() float64 { return float64(time.Now().UnixNano()) / 1e9 }
