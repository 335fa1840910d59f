//go:build ship

// This file holds the shipping checks (`make test-ship`, part of `make
// test`): the binary `make build` produces is static, reproducible and
// within its size budget, and runs as the only file in an empty chroot, the
// stand-in for a FROM scratch container. They build real binaries, so they
// sit behind the ship tag instead of running twice in test-unit and
// test-purego.

package main

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocnn/gocnn/vgg16"
)

// sizeBudget is the most `make build`'s gocnn may weigh, embedded demo data
// (the 4 MB Fashion-MNIST subset) included. README states the same number.
const sizeBudget = 12 << 20

// shipVersion is stamped into the test builds so that the two builds of the
// reproducibility check cannot differ by a tree that turned dirty between.
const shipVersion = "v0.0.0-ship"

var shipClasses = []string{"circle", "square"}

// shipEnv is built once per test process: a snapshot of the source tree,
// the gocnn binary `make build` made from it, a checkpoint and an image.
type shipEnv struct {
	dir       string // temporary root, removed by TestMain
	src       string // snapshot of the working tree
	bin       string // gocnn built from src
	buildTime time.Duration
	model     string // an untrained two-class checkpoint
	img       string // a PNG

	embedOnce sync.Once
	embed     string // examples/embed with model embedded
	embedErr  error
}

var (
	shipOnce sync.Once
	ship     = &shipEnv{}
	shipErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if ship.dir != "" {
		os.RemoveAll(ship.dir)
	}
	os.Exit(code)
}

// shipSetup returns the shared environment, building it on first use.
func shipSetup(t *testing.T) *shipEnv {
	t.Helper()
	shipOnce.Do(func() { shipErr = ship.build() })
	if shipErr != nil {
		t.Fatal(shipErr)
	}
	return ship
}

func (s *shipEnv) build() error {
	var err error
	if s.dir, err = os.MkdirTemp("", "gocnn-ship-"); err != nil {
		return err
	}
	s.src = filepath.Join(s.dir, "src")
	if err := snapshotTree("../..", s.src); err != nil {
		return err
	}
	s.bin = filepath.Join(s.dir, "a", "gocnn")
	start := time.Now()
	if err := makeBuild(s.src, s.bin); err != nil {
		return err
	}
	s.buildTime = time.Since(start)
	s.model = filepath.Join(s.dir, "model.safetensors")
	if err := writeShipCheckpoint(s.model); err != nil {
		return err
	}
	s.img = filepath.Join(s.dir, "img.png")
	return os.WriteFile(s.img, shipPNG(40, 48), 0o644)
}

// snapshotTree copies the files git knows in root (tracked and untracked but
// not ignored) to dst, so the builds see one state of a tree that other
// people may be editing.
func snapshotTree(root, dst string) error {
	out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		return fmt.Errorf("git ls-files in %s: %v", root, err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		b, err := os.ReadFile(filepath.Join(root, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted in the working tree
		}
		if err != nil {
			return err
		}
		p := filepath.Join(dst, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// makeBuild runs `make build` in src with the binary going to bin and env
// added to the environment.
func makeBuild(src, bin string, env ...string) error {
	cmd := exec.Command("make", "-s", "build", "BIN="+bin, "VERSION="+shipVersion)
	cmd.Dir = src
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("make build in %s: %v\n%s", src, err, out)
	}
	return nil
}

// writeShipCheckpoint saves an untrained but valid VGG11 (1 channel, 32 px,
// compact head, two classes).
func writeShipCheckpoint(path string) error {
	m, err := vgg16.New(vgg16.Spec{Arch: "vgg11", InChannels: 1, Size: 32, Outputs: 2, Head: vgg16.HeadCompact}, 11)
	if err != nil {
		return err
	}
	return vgg16.SaveCheckpoint(path, m, vgg16.Meta{Classes: shipClasses, Preprocess: vgg16.Preprocess{
		Size: 32, Resize: 32, Channels: 1, Mean: []float32{0.5}, Std: []float32{0.5}}}, nil)
}

// shipPNG encodes a w×h RGB gradient.
func shipPNG(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8(x * y % 256), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// TestShipBuild checks make build's output: static (no ELF interpreter, no
// shared libraries), stamped with its version, within the size budget, and
// byte-identical when built again from a copy of the same tree elsewhere.
func TestShipBuild(t *testing.T) {
	s := shipSetup(t)

	f, err := elf.Open(s.bin)
	require.NoError(t, err)
	defer f.Close()
	for _, p := range f.Progs {
		assert.NotEqual(t, elf.PT_INTERP, p.Type, "gocnn has a PT_INTERP program header: it is dynamically linked")
		assert.NotEqual(t, elf.PT_DYNAMIC, p.Type, "gocnn has a PT_DYNAMIC program header")
	}
	libs, _ := f.ImportedLibraries()
	assert.Empty(t, libs, "shared libraries needed")
	assert.Nil(t, f.Section(".symtab"), "not stripped (-s)")

	fi, err := os.Stat(s.bin)
	require.NoError(t, err)
	t.Logf("gocnn: %d bytes (%.1f MiB; budget %d MiB), built in %v", fi.Size(), float64(fi.Size())/(1<<20), sizeBudget>>20, s.buildTime.Round(time.Second))
	assert.LessOrEqual(t, fi.Size(), int64(sizeBudget), "gocnn is over its size budget: shrink it or raise sizeBudget and the README together")

	out, err := exec.Command(s.bin, "version").Output()
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(out), "gocnn "+shipVersion+" "+runtime.Version()+" "), "version line %q", out)

	// Reproducible: the same tree copied elsewhere builds to the same bytes
	// (no paths, build IDs, VCS stamps or times in the binary).
	src2 := filepath.Join(s.dir, "elsewhere", "gocnn-src")
	require.NoError(t, os.CopyFS(src2, os.DirFS(s.src)))
	bin2 := filepath.Join(s.dir, "b", "gocnn")
	env := []string{}
	if !testing.Short() {
		// A fresh build cache: the compiler runs again, not only the linker.
		env = append(env, "GOCACHE="+filepath.Join(s.dir, "gocache"))
	}
	start := time.Now()
	require.NoError(t, makeBuild(src2, bin2, env...))
	t.Logf("second build (fresh cache: %v) took %v", !testing.Short(), time.Since(start).Round(time.Second))
	h1, h2 := sha256File(t, s.bin), sha256File(t, bin2)
	assert.Equal(t, h1, h2, "two builds of the same tree differ")
	t.Logf("reproducible: sha256 %s", h1)
}

// chrootDir makes an empty directory holding only the given files (name in
// the chroot -> file here).
func chrootDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, from := range files {
		b, err := os.ReadFile(from)
		require.NoError(t, err)
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, b, 0o755))
	}
	return dir
}

// needChroot skips unless this process may chroot.
func needChroot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("the chroot checks need root (CI runs as root); skipping")
	}
	cmd := exec.Command("/bin/true")
	cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: "/"}
	if err := cmd.Run(); err != nil {
		t.Skipf("chroot is not available here (%v); skipping", err)
	}
}

// result is one run of a binary.
type result struct {
	stdout, stderr string
	code           int
}

// runIn runs args[0] with args[1:] inside root (a chroot when root != ""),
// with only the environment given: no PATH, HOME or TMPDIR.
func runIn(t *testing.T, root string, env []string, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	if root != "" {
		cmd.Path = args[0] // inside the chroot; do not resolve it here
		cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root}
		cmd.Dir = "/"
	}
	cmd.Env = env
	if cmd.Env == nil {
		cmd.Env = []string{}
	}
	cmd.Stdin = strings.NewReader(stdin)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	r := result{so.String(), se.String(), 0}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("%v: %v", args, err)
	}
	return r
}

// notBuiltYet reports whether a gocnn subcommand is still the stub.
func notBuiltYet(r result) bool { return strings.Contains(r.stderr, "not built yet") }

// treeFiles lists the regular files under dir, relative, sorted.
func treeFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	}))
	sort.Strings(out)
	return out
}

// TestShipChroot runs gocnn as the only program in an empty root: no /etc,
// /tmp, /proc, /sys or /dev, no environment. CPU features must come from
// CPUID and GOMAXPROCS from the affinity mask.
func TestShipChroot(t *testing.T) {
	needChroot(t)
	s := shipSetup(t)
	root := chrootDir(t, map[string]string{"gocnn": s.bin, "model.safetensors": s.model, "img.png": s.img})
	before := treeFiles(t, root)

	t.Run("version", func(t *testing.T) {
		r := runIn(t, root, nil, "", "/gocnn", "version")
		require.Equal(t, 0, r.code, "stderr: %s", r.stderr)
		assert.True(t, strings.HasPrefix(r.stdout, "gocnn "+shipVersion+" "), r.stdout)
		assert.Regexp(t, `(?m)^kernels:  (generic|avx2|avx512) \(available: `, r.stdout)

		r = runIn(t, root, nil, "", "/gocnn", "version", "-json")
		require.Equal(t, 0, r.code, "stderr: %s", r.stderr)
		var v struct {
			Version, ISA string
			Available    []string
			Threads      int
		}
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &v), r.stdout)
		assert.Equal(t, shipVersion, v.Version)
		assert.Contains(t, v.Available, v.ISA)
		assert.Equal(t, runtime.NumCPU(), v.Threads, "workers default to the CPUs in the affinity mask")

		r = runIn(t, root, []string{"GOMAXPROCS=1"}, "", "/gocnn", "version", "-json")
		require.Equal(t, 0, r.code, "stderr: %s", r.stderr)
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &v), r.stdout)
		assert.Equal(t, 1, v.Threads, "GOMAXPROCS=1 must give one kernel worker")
	})

	t.Run("bench", func(t *testing.T) {
		// GOMEMLIMIT is the runtime's; it must parse and hold in a bare root.
		r := runIn(t, root, []string{"GOMEMLIMIT=256MiB"}, "", "/gocnn", "bench", "conv",
			"-shape", "1,16,16,16,16,3,3,1,1", "-reps", "1", "-threads", "1", "-json")
		require.Equal(t, 0, r.code, "stderr: %s", r.stderr)
		var b struct {
			Threads int
			GFLOPS  float64
			ISA     string
			Algo    string
		}
		require.NoError(t, json.Unmarshal([]byte(strings.TrimSpace(r.stdout)), &b), r.stdout)
		assert.Equal(t, 1, b.Threads, "-threads 1 must reach the kernels")
		assert.Greater(t, b.GFLOPS, 0.0)
		assert.NotEmpty(t, b.ISA)
	})

	t.Run("predict", func(t *testing.T) {
		r := runIn(t, root, nil, "", "/gocnn", "predict", "-weights", "/model.safetensors", "/img.png")
		if notBuiltYet(r) {
			t.Skip("gocnn predict is not built yet (cmd/gocnn/cmd_predict.go is a stub); this check runs once it is")
		}
		require.Equal(t, 0, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
		assert.Regexp(t, strings.Join(shipClasses, "|"), r.stdout, "the prediction names a class")
		assert.Contains(t, r.stdout, "img.png")
	})

	assert.Equal(t, before, treeFiles(t, root), "gocnn wrote files into the root")
}

// TestShipBadISA checks that asking for an ISA the CPU lacks is an error
// with a message, not SIGILL.
func TestShipBadISA(t *testing.T) {
	s := shipSetup(t)
	r := runIn(t, "", []string{"GOCNN_ISA=avx512"}, "", s.bin, "version", "-json")
	if r.code == 0 {
		t.Skip("this CPU has AVX-512; nothing unsupported to ask for")
	}
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "GOCNN_ISA=avx512 is not supported")
	r = runIn(t, "", []string{"GOCNN_ISA=sse9"}, "", s.bin, "version")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "unknown ISA")
}

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
			if !slicesContains(v.Available, isa) {
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

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// writeImageFolder makes root/<class>/<i>.png: n 32×32 gray images per
// class, circles and squares on a noisy background.
func writeImageFolder(t *testing.T, root string, n int) {
	t.Helper()
	for ci, class := range shipClasses {
		dir := filepath.Join(root, class)
		require.NoError(t, os.MkdirAll(dir, 0o755))
		for i := 0; i < n; i++ {
			img := image.NewGray(image.Rect(0, 0, 32, 32))
			r := 6 + i%6
			for y := 0; y < 32; y++ {
				for x := 0; x < 32; x++ {
					dx, dy := x-16, y-16
					in := dx*dx+dy*dy <= r*r
					if ci == 1 {
						in = dx >= -r && dx <= r && dy >= -r && dy <= r
					}
					v := uint8((x*7 + y*13 + i*31) % 40)
					if in {
						v += 200
					}
					img.SetGray(x, y, color.Gray{v})
				}
			}
			var buf bytes.Buffer
			require.NoError(t, png.Encode(&buf, img))
			require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("%02d.png", i)), buf.Bytes(), 0o644))
		}
	}
}

// newFiles returns the files in after that are not in before.
func newFiles(before, after []string) []string {
	old := map[string]bool{}
	for _, f := range before {
		old[f] = true
	}
	var out []string
	for _, f := range after {
		if !old[f] {
			out = append(out, f)
		}
	}
	return out
}

// TestShipTrainSignal trains in an empty root, sends SIGTERM mid-run and
// expects a clean exit with a loadable last.safetensors, and no file written
// outside -out; without -out, nothing outside the working directory.
func TestShipTrainSignal(t *testing.T) {
	needChroot(t)
	s := shipSetup(t)
	root := chrootDir(t, map[string]string{"gocnn": s.bin})
	writeImageFolder(t, filepath.Join(root, "data"), 12)
	require.NoError(t, os.MkdirAll(filepath.Join(root, "work"), 0o755))
	before := treeFiles(t, root)

	t.Run("sigterm", func(t *testing.T) {
		cmd := exec.Command("/gocnn", "train", "-data", "/data", "-out", "/out", "-arch", "vgg11", "-size", "32",
			"-epochs", "1000", "-batch", "4", "-json")
		cmd.Path = "/gocnn"
		cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root}
		cmd.Dir = "/work"
		cmd.Env = []string{}
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		var se bytes.Buffer
		cmd.Stderr = &se
		require.NoError(t, cmd.Start())
		// Training has started once it has logged a line; give it a few steps.
		lines := make(chan string, 1000)
		go func() {
			defer close(lines)
			buf := make([]byte, 4096)
			for {
				n, err := stdout.Read(buf)
				if n > 0 {
					lines <- string(buf[:n])
				}
				if err != nil {
					return
				}
			}
		}()
		var so strings.Builder
		select {
		case l, ok := <-lines:
			if !ok {
				cmd.Wait()
				if notBuiltYet(result{stderr: se.String()}) {
					t.Skip("gocnn train is not built yet (vgg16.Train is a stub); this check runs once it is")
				}
				t.Fatalf("train exited before logging anything; stderr: %s", se.String())
			}
			so.WriteString(l)
		case <-time.After(60 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("train logged nothing in 60 s; stderr: %s", se.String())
		}
		time.Sleep(1500 * time.Millisecond)
		require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
		done := make(chan error, 1)
		go func() {
			for l := range lines {
				so.WriteString(l)
			}
			done <- cmd.Wait()
		}()
		select {
		case err = <-done:
		case <-time.After(60 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("train did not exit within 60 s of SIGTERM; stderr: %s", se.String())
		}
		state := cmd.ProcessState
		ws := state.Sys().(syscall.WaitStatus)
		require.False(t, ws.Signaled(), "train was killed by %v instead of stopping", ws.Signal())
		t.Logf("exit status %d; stderr: %s", state.ExitCode(), strings.TrimSpace(se.String()))
		assert.Contains(t, []int{0, 1}, state.ExitCode(), "a clean stop, not a panic (2); stdout: %s", so.String())
		assert.NotContains(t, se.String(), "panic")

		ck, err := vgg16.LoadCheckpoint(filepath.Join(root, "out", "last.safetensors"))
		require.NoError(t, err, "SIGTERM must leave a loadable last.safetensors")
		assert.Equal(t, shipClasses, ck.Meta.Classes)
		assert.Greater(t, ck.Meta.Step, 0)

		for _, f := range newFiles(before, treeFiles(t, root)) {
			assert.True(t, strings.HasPrefix(f, "out/"), "train wrote %s outside -out", f)
		}
	})

	t.Run("no-out", func(t *testing.T) {
		start := treeFiles(t, root)
		cmd := exec.Command("/gocnn", "train", "-data", "/data", "-arch", "vgg11", "-size", "32",
			"-epochs", "1", "-batch", "4", "-max-steps", "1", "-json")
		cmd.Path = "/gocnn"
		cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root}
		cmd.Dir = "/work"
		cmd.Env = []string{}
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		created := newFiles(start, treeFiles(t, root))
		assert.NotEmpty(t, created, "train without -out wrote nothing")
		for _, f := range created {
			assert.True(t, strings.HasPrefix(f, "work/"), "train without -out wrote %s outside the working directory", f)
		}
	})
}

// TestShipCPUQuota puts gocnn in a cgroup limited to 2 CPUs and expects 2
// kernel workers: Go (1.25+) sets GOMAXPROCS from the quota, which
// kernels.Threads follows. Go never goes below 2 from a quota, so this needs
// a machine with more than 2 CPUs.
func TestShipCPUQuota(t *testing.T) {
	if runtime.NumCPU() <= 2 {
		t.Skipf("%d CPUs: a quota cannot lower GOMAXPROCS below 2, so there is nothing to see here", runtime.NumCPU())
	}
	if os.Geteuid() != 0 {
		t.Skip("making a cgroup needs root")
	}
	s := shipSetup(t)
	name := fmt.Sprintf("gocnn-ship-%d", os.Getpid())
	var dir string
	var limit map[string]string
	if _, err := os.Stat("/sys/fs/cgroup/cgroup.controllers"); err == nil {
		dir, limit = filepath.Join("/sys/fs/cgroup", name), map[string]string{"cpu.max": "200000 100000"}
	} else {
		dir, limit = filepath.Join("/sys/fs/cgroup/cpu", name), map[string]string{"cpu.cfs_period_us": "100000", "cpu.cfs_quota_us": "200000"}
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Skipf("cannot make a cgroup: %v", err)
	}
	defer os.Remove(dir)
	for _, f := range []string{"cpu.max", "cpu.cfs_period_us", "cpu.cfs_quota_us"} {
		if v, ok := limit[f]; ok {
			if err := os.WriteFile(filepath.Join(dir, f), []byte(v), 0o644); err != nil {
				t.Skipf("cannot set the CPU quota (%s): %v", f, err)
			}
		}
	}
	out, err := exec.Command("/bin/sh", "-c", `echo $$ > "$1/cgroup.procs" && exec "$2" version -json`, "sh", dir, s.bin).Output()
	require.NoError(t, err)
	var v struct{ Threads int }
	require.NoError(t, json.Unmarshal(out, &v), "%s", out)
	assert.Equal(t, 2, v.Threads, "a 2-CPU quota on %d CPUs", runtime.NumCPU())
}
