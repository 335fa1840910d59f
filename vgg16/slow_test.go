package vgg16

import (
	"testing"

	"github.com/gocnn/gocnn/kernels"
)

// skipSlow skips a test that trains or builds a large network under -short
// (the race run) and in the purego build, where the kernels are the generic
// Go ones and the same test takes minutes: the default build covers it.
func skipSlow(t *testing.T, what string) {
	t.Helper()
	if testing.Short() {
		t.Skipf("%s (skipped under -short)", what)
	}
	if !kernels.Info().Asm {
		t.Skipf("%s (skipped without the assembly kernels)", what)
	}
}
