//go:build ship

// This file checks gocnn's manners in a container: SIGTERM during training
// leaves a checkpoint and a clean exit, training writes only under -out (or
// the working directory), and the CPU quota sets the worker count.

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocnn/gocnn/vgg16"
)

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
