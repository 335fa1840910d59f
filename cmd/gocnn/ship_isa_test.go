//go:build ship

// This file checks the go:embed example in a bare root and that every
// kernel path (GOCNN_ISA) gives the same predictions.

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildEmbedExample builds examples/embed with the test checkpoint embedded
// (through -overlay, so the source tree is not touched) and the flags of
// make build.
func (s *shipEnv) buildEmbedExample(t *testing.T) string {
	t.Helper()
	s.embedOnce.Do(func() {
		overlay := filepath.Join(s.dir, "overlay.json")
		js, _ := json.Marshal(map[string]map[string]string{"Replace": {
			filepath.Join(s.src, "examples", "embed", "model", "model.safetensors"): s.model}})
		if s.embedErr = os.WriteFile(overlay, js, 0o644); s.embedErr != nil {
			return
		}
		s.embed = filepath.Join(s.dir, "classify")
		cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-overlay", overlay,
			"-ldflags", "-s -w -buildid=", "-o", s.embed, "./examples/embed")
		cmd.Dir = s.src
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			s.embedErr = fmt.Errorf("building examples/embed: %v\n%s", err, out)
		}
	})
	require.NoError(t, s.embedErr)
	return s.embed
}

// embedPrediction is examples/embed's answer for one image.
type embedPrediction struct {
	Image, Class, Error string
	Index               int
	Probs               []float64
}

// TestShipEmbed runs the go:embed example as the only file in an empty root
// besides an image: the checkpoint travels inside the binary.
func TestShipEmbed(t *testing.T) {
	needChroot(t)
	s := shipSetup(t)
	bin := s.buildEmbedExample(t)
	root := chrootDir(t, map[string]string{"classify": bin, "img.png": s.img})
	r := runIn(t, root, nil, "/img.png\n", "/classify")
	require.Equal(t, 0, r.code, "stderr: %s", r.stderr)
	var p embedPrediction
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &p), r.stdout)
	assert.Empty(t, p.Error)
	assert.Equal(t, "/img.png", p.Image)
	assert.Contains(t, shipClasses, p.Class)
	assert.Len(t, p.Probs, 2)
}

// TestShipISA forces each kernel path with GOCNN_ISA and checks that
// `gocnn version` reports it and that predictions (examples/embed, and
// `gocnn predict -json` once built) agree with the pure-Go path.
func TestShipISA(t *testing.T) {
	s := shipSetup(t)
	bin := s.buildEmbedExample(t)
	r := runIn(t, "", nil, "", s.bin, "version", "-json")
	require.Equal(t, 0, r.code, r.stderr)
	var v struct{ Available []string }
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &v))

	predict := runIn(t, "", nil, "", s.bin, "predict", "-h")
	havePredict := !notBuiltYet(predict)
	if !havePredict {
		t.Log("gocnn predict is not built yet: comparing examples/embed's predictions only")
	}

	type answer struct{ embed, predict []float64 }
	got := map[string]answer{}
	for _, isa := range []string{"generic", "avx2", "avx512"} {
		t.Run("isa="+isa, func(t *testing.T) {
			if !slices.Contains(v.Available, isa) {
				t.Skipf("this CPU or build lacks %s (available: %v)", isa, v.Available)
			}
			env := []string{"GOCNN_ISA=" + isa}
			r := runIn(t, "", env, "", s.bin, "version")
			require.Equal(t, 0, r.code, r.stderr)
			assert.Regexp(t, `(?m)^kernels:  `+isa+` `, r.stdout)

			var a answer
			r = runIn(t, "", env, s.img+"\n", bin)
			require.Equal(t, 0, r.code, r.stderr)
			var p embedPrediction
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &p), r.stdout)
			require.Empty(t, p.Error)
			a.embed = p.Probs

			if havePredict {
				r = runIn(t, "", env, "", s.bin, "predict", "-weights", s.model, "-json", s.img)
				require.Equal(t, 0, r.code, r.stderr)
				var q struct {
					Label string
					Probs []float64
				}
				require.NoError(t, json.Unmarshal([]byte(r.stdout), &q), r.stdout)
				assert.Contains(t, shipClasses, q.Label)
				a.predict = q.Probs
				// The embedded classifier must answer as gocnn predict does:
				// same preprocessing, same kernels, same decision.
				assertClose(t, "embed vs predict", a.predict, a.embed)
			}
			got[isa] = a
		})
	}
	ref, ok := got["generic"]
	require.True(t, ok, "the generic path must always run")
	for isa, a := range got {
		assertClose(t, "embed isa="+isa, ref.embed, a.embed)
		if havePredict {
			assertClose(t, "predict isa="+isa, ref.predict, a.predict)
		}
	}
}

// assertClose compares probabilities from two kernel paths: sums in another
// order differ in the last bits, nothing more.
func assertClose(t *testing.T, what string, want, got []float64) {
	t.Helper()
	require.Equal(t, len(want), len(got), "%s: %d probabilities, want %d", what, len(got), len(want))
	for i := range want {
		if d := want[i] - got[i]; d > 1e-4 || d < -1e-4 {
			t.Errorf("%s: prob[%d] = %v, generic gives %v (diff %.2g)", what, i, got[i], want[i], d)
		}
	}
}
