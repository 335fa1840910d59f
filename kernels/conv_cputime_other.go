//go:build !unix

package kernels

// convClock returns the wall clock in seconds (no portable CPU clock here).
func convClock() float64 { return wallClock() }
