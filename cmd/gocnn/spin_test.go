package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocnn/gocnn/kernels"
)

// TestModelSpinWait checks the commands' polling setting: modelSpinWait by
// default, GOCNN_SPIN_WAIT when set, a bad value an error naming it, and a
// command that runs a model applying it.
func TestModelSpinWait(t *testing.T) {
	defer kernels.SetSpinWait(kernels.SetSpinWait(kernels.DefaultSpinWait))

	t.Setenv("GOCNN_SPIN_WAIT", "")
	require.NoError(t, setModelSpinWait())
	assert.Equal(t, modelSpinWait, kernels.SetSpinWait(kernels.DefaultSpinWait))

	t.Setenv("GOCNN_SPIN_WAIT", "0")
	require.NoError(t, setModelSpinWait())
	assert.Equal(t, time.Duration(0), kernels.SetSpinWait(kernels.DefaultSpinWait))

	for _, bad := range []string{"fast", "-1ms", "5"} {
		t.Setenv("GOCNN_SPIN_WAIT", bad)
		err := setModelSpinWait()
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), "GOCNN_SPIN_WAIT")
	}
	code, _, errOut := capture(t, "bench", "train", "-arch", "vgg11", "-size", "32", "-batch", "1", "-channels", "1", "-pass", "fwd", "-reps", "1", "-warmup", "0")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, `GOCNN_SPIN_WAIT="5"`)

	t.Setenv("GOCNN_SPIN_WAIT", "3ms")
	code, _, errOut = capture(t, "bench", "train", "-arch", "vgg11", "-size", "32", "-batch", "1", "-channels", "1", "-pass", "fwd", "-reps", "1", "-warmup", "0")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, 3*time.Millisecond, kernels.SetSpinWait(kernels.DefaultSpinWait), "bench train did not apply GOCNN_SPIN_WAIT")
}
