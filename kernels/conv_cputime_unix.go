//go:build unix

package kernels

import "syscall"

// convClock returns the process's CPU time in seconds. AlgoAuto ranks
// algorithms by it: on a machine shared with other processes it varies far
// less than the wall clock, which time-slicing inflates at random.
func convClock() float64 {
	var r syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &r) != nil {
		return wallClock()
	}
	return float64(r.Utime.Nano()+r.Stime.Nano()) / 1e9
}
