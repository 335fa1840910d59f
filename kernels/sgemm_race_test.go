//go:build race

package kernels

// raceEnabled reports a -race build: sync.Pool then drops items at random, so
// allocation counts are meaningless.
const raceEnabled = true
