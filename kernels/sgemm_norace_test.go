//go:build !race

package kernels

// raceEnabled reports a -race build (see sgemm_race_test.go).
const raceEnabled = false
