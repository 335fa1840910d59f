package data

import (
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// synth returns an in-memory dataset of n 1x4x4 images whose pixels encode
// the index, with labels i%k.
func synth(n, k int) *Memory {
	pix := make([]uint8, n*16)
	y := make([]int, n)
	for i := 0; i < n; i++ {
		for j := 0; j < 16; j++ {
			pix[i*16+j] = uint8(i + j)
		}
		y[i] = i % k
	}
	cls := make([]string, k)
	for c := range cls {
		cls[c] = fmt.Sprint("c", c)
	}
	return NewMemory(1, 4, 4, pix, y, cls)
}

// noise is a random transform: it adds a uniform value to every pixel.
var noise = TransformFunc(func(s *Sample) {
	v := s.RNG.Float32()
	for i := range s.Pix {
		s.Pix[i] += v
	}
})

func collect(t *testing.T, l *Loader, epoch int) (xs [][]float32, ys [][]int) {
	l.Start(epoch)
	for l.Next() {
		b := l.Batch()
		xs = append(xs, b.X.Values())
		ys = append(ys, append([]int(nil), b.Labels...))
	}
	require.NoError(t, l.Err())
	return xs, ys
}

func TestLoaderDeterministicAcrossWorkers(t *testing.T) {
	ds := synth(103, 3)
	var ref [][]float32
	for _, workers := range []int{1, 2, 5} {
		for _, prefetch := range []int{1, 3} {
			l, err := NewLoader(ds, LoaderConfig{BatchSize: 8, Shuffle: true, Seed: 7, Transform: noise, Workers: workers, Prefetch: prefetch})
			require.NoError(t, err)
			xs, ys := collect(t, l, 2)
			require.NoError(t, l.Close())
			require.Len(t, xs, 13)
			require.Len(t, ys[12], 103-96, "short last batch")
			if ref == nil {
				ref = xs
				continue
			}
			require.Equal(t, ref, xs, "workers=%d prefetch=%d", workers, prefetch)
		}
	}
}

func TestLoaderEpochsAndDropLast(t *testing.T) {
	ds := synth(20, 2)
	l, err := NewLoader(ds, LoaderConfig{BatchSize: 6, Shuffle: true, Seed: 1, DropLast: true})
	require.NoError(t, err)
	defer l.Close()
	require.Equal(t, 3, l.NumBatches())
	a, _ := collect(t, l, 0)
	b, _ := collect(t, l, 1)
	require.Len(t, a, 3)
	require.NotEqual(t, a, b)
	seen := map[int]bool{}
	l.Start(0)
	for l.Next() {
		b := l.Batch()
		require.Equal(t, []int{6, 1, 4, 4}, b.X.Shape())
		for k, i := range b.Indices {
			require.False(t, seen[i])
			seen[i] = true
			require.Equal(t, ds.Label(i), b.Labels[k])
			require.Equal(t, float32(ds.Label(i)), b.Y.Data()[k])
			require.InDelta(t, float32(i)/255, b.X.At(k, 0, 0, 0), 1e-6)
		}
	}
	require.Len(t, seen, 18)
}

func TestLoaderResume(t *testing.T) {
	ds := synth(50, 2)
	cfg := LoaderConfig{BatchSize: 4, Shuffle: true, Seed: 3, Transform: noise, Workers: 2}
	l, err := NewLoader(ds, cfg)
	require.NoError(t, err)
	full, _ := collect(t, l, 4)
	l.Start(4)
	for k := 0; k < 5; k++ {
		require.True(t, l.Next())
	}
	st := l.State()
	require.Equal(t, LoaderState{Epoch: 4, Batch: 5}, st)
	require.NoError(t, l.Close())

	l2, err := NewLoader(ds, cfg)
	require.NoError(t, err)
	defer l2.Close()
	l2.Resume(st)
	var rest [][]float32
	for l2.Next() {
		rest = append(rest, l2.Batch().X.Values())
	}
	require.Equal(t, full[5:], rest)
}

func TestLoaderCloseJoinsGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	l, err := NewLoader(synth(1000, 2), LoaderConfig{BatchSize: 4, Workers: 4, Shuffle: true})
	require.NoError(t, err)
	l.Start(0)
	require.True(t, l.Next()) // abandon the epoch midway
	l.Start(1)
	require.True(t, l.Next())
	require.NoError(t, l.Close())
	require.NoError(t, l.Close())
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	require.LessOrEqual(t, runtime.NumGoroutine(), before)
}

// flaky fails to load some indices.
type flaky struct {
	*Memory
	bad map[int]bool
}

func (f flaky) Load(i int, dst *Image) error {
	if f.bad[i] {
		return fmt.Errorf("img%03d.png: %w", i, errors.New("unexpected EOF"))
	}
	return f.Memory.Load(i, dst)
}

func TestLoaderSkipsUnreadable(t *testing.T) {
	ds := flaky{synth(30, 2), map[int]bool{3: true, 4: true, 17: true}}
	l, err := NewLoader(ds, LoaderConfig{BatchSize: 7})
	require.NoError(t, err)
	var idx []int
	l.Start(0)
	for l.Next() {
		idx = append(idx, l.Batch().Indices...)
	}
	require.NoError(t, l.Err())
	require.Len(t, idx, 30)
	require.Equal(t, 5, idx[3], "3 and 4 replaced by 5")
	require.Equal(t, 5, idx[4])
	require.Equal(t, 18, idx[17])
	sk := l.Skipped()
	require.Len(t, sk, 3)
	require.ErrorContains(t, sk[17], "img017.png")
	require.NoError(t, l.Close())

	l, err = NewLoader(ds, LoaderConfig{BatchSize: 7, StrictErrors: true})
	require.NoError(t, err)
	defer l.Close()
	l.Start(0)
	for l.Next() {
	}
	require.ErrorContains(t, l.Err(), "img003.png")
}

func TestLoaderShapeErrors(t *testing.T) {
	ds := synth(10, 2)
	l, err := NewLoader(ds, LoaderConfig{BatchSize: 4, Height: 8, Width: 8, Channels: 3})
	require.NoError(t, err)
	defer l.Close()
	l.Start(0)
	require.False(t, l.Next())
	require.ErrorContains(t, l.Err(), "expects 8x8")

	l3, err := NewLoader(ds, LoaderConfig{BatchSize: 4, Channels: 3})
	require.NoError(t, err)
	defer l3.Close()
	l3.Start(0)
	require.True(t, l3.Next())
	x := l3.Batch().X
	require.Equal(t, []int{4, 3, 4, 4}, x.Shape())
	require.Equal(t, x.At(1, 0, 2, 3), x.At(1, 2, 2, 3), "gray replicated to 3 channels")
	require.Panics(t, func() { NewLoader(ds, LoaderConfig{}) })
}

func TestLoaderZeroAllocsPerBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	ds := synth(20000, 2)
	l, err := NewLoader(ds, LoaderConfig{BatchSize: 8, Shuffle: true, Seed: 1, Transform: noise, Workers: 2})
	require.NoError(t, err)
	defer l.Close()
	for e := 0; e < 2; e++ { // warm up: buffers grown, views made
		collect(t, l, e)
	}
	l.Start(2)
	for k := 0; k < 10; k++ {
		l.Next()
	}
	allocs := testing.AllocsPerRun(500, func() {
		if !l.Next() {
			t.Fatal("epoch ended")
		}
	})
	require.Zero(t, allocs)
}
