//go:build unix

package bench

import (
	"syscall"
	"time"
)

// cpuSeconds returns the process's CPU time (user + system) in seconds.
func cpuSeconds() float64 {
	var r syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &r) != nil {
		return float64(time.Now().UnixNano()) / 1e9
	}
	return float64(r.Utime.Nano()+r.Stime.Nano()) / 1e9
}
