package data

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/image/draw"
)

// plantedFolder builds a training folder with known problems, and a test
// folder that leaks one training image.
func plantedFolder(t *testing.T) (train, test string) {
	root := t.TempDir()
	train, test = filepath.Join(root, "train"), filepath.Join(root, "test")
	// 30 "cat" and 3 "dog" distinct images: ratio 10:1 before the planted ones.
	for i := 0; i < 30; i++ {
		writeFile(t, filepath.Join(train, "cat", "c"+itoa(i)+".png"), encodePNG(t, pattern(48, 40, i)))
	}
	for i := 0; i < 3; i++ {
		writeFile(t, filepath.Join(train, "dog", "d"+itoa(i)+".png"), encodePNG(t, pattern(48, 40, 50+i)))
	}
	// An exact duplicate under both classes.
	dup := encodePNG(t, pattern(48, 40, 77))
	writeFile(t, filepath.Join(train, "cat", "dup.png"), dup)
	writeFile(t, filepath.Join(train, "dog", "dup-copy.png"), dup)
	// A near duplicate: re-encoded as JPEG (quality 60) after a 0.6x resize.
	big := pattern(200, 150, 91)
	writeFile(t, filepath.Join(train, "cat", "orig.png"), encodePNG(t, big))
	small := image.NewRGBA(image.Rect(0, 0, 120, 90))
	draw.CatmullRom.Scale(small, small.Bounds(), big, big.Bounds(), draw.Src, nil)
	var jb bytes.Buffer
	require.NoError(t, jpeg.Encode(&jb, small, &jpeg.Options{Quality: 60}))
	writeFile(t, filepath.Join(train, "dog", "nested", "reencoded.jpg"), jb.Bytes())
	// A blank image, a tiny one, a very wide one, a grayscale one.
	blank := image.NewGray(image.Rect(0, 0, 40, 40))
	for i := range blank.Pix {
		blank.Pix[i] = 128
	}
	writeFile(t, filepath.Join(train, "cat", "blank.png"), encodePNG(t, blank))
	writeFile(t, filepath.Join(train, "cat", "tiny.png"), encodePNG(t, pattern(8, 8, 31)))
	writeFile(t, filepath.Join(train, "cat", "wide.png"), encodePNG(t, pattern(400, 40, 32)))
	g := image.NewGray(image.Rect(0, 0, 40, 40))
	for i := range g.Pix {
		g.Pix[i] = uint8(i * 13)
	}
	writeFile(t, filepath.Join(train, "cat", "gray.png"), encodePNG(t, g))
	// Unreadable: corrupt and truncated.
	writeFile(t, filepath.Join(train, "cat", "corrupt.jpg"), []byte("GIF89a not really"))
	full := encodeJPEG(t, pattern(64, 64, 33), 90)
	writeFile(t, filepath.Join(train, "dog", "truncated.jpg"), full[:len(full)/3])
	writeFile(t, filepath.Join(train, "dog", "notes.txt"), []byte("ignored"))
	// Test folder: one leaked training image, one new.
	writeFile(t, filepath.Join(test, "cat", "leak.png"), encodePNG(t, pattern(48, 40, 5)))
	writeFile(t, filepath.Join(test, "dog", "new.png"), encodePNG(t, pattern(48, 40, 120)))
	return train, test
}

func itoa(i int) string { return string(rune('a'+i/26)) + string(rune('a'+i%26)) }

func TestDoctorPlanted(t *testing.T) {
	train, test := plantedFolder(t)
	var calls int
	r, err := Diagnose(context.Background(), train, test, DiagnoseOptions{Progress: func(done, total int) { calls++; require.LessOrEqual(t, done, total) }})
	require.NoError(t, err)
	require.Positive(t, calls)

	// cat: 30 + dup + orig + blank + tiny + wide + gray = 36 readable (+1 corrupt);
	// dog: 3 + dup-copy + reencoded = 5 readable (+1 truncated).
	require.Equal(t, []ClassStat{{"cat", 37, 36, 1}, {"dog", 6, 5, 1}}, r.Classes)
	require.Equal(t, 43, r.Total)
	require.Equal(t, 41, r.Readable)
	require.InDelta(t, 36.0/5, r.Imbalance.Ratio, 1e-12)
	require.Equal(t, StrategyWeights, r.Imbalance.Strategy)
	require.InDelta(t, EffectiveNumber(36)/EffectiveNumber(5), r.Imbalance.PosWeight, 1e-12)

	require.Len(t, r.Unreadable, 2)
	require.Contains(t, r.Unreadable[0].Path, "corrupt.jpg")
	require.Contains(t, r.Unreadable[1].Path, "truncated.jpg")
	require.NotEmpty(t, r.Unreadable[1].Detail)

	require.Len(t, r.ExactDuplicates, 1)
	require.True(t, r.ExactDuplicates[0].Conflict)
	require.Len(t, r.NearConflicts, 1, "%+v", r.NearConflicts)
	nc := r.NearConflicts[0].Files
	require.Contains(t, nc[0].Path+nc[1].Path, "orig.png")
	require.Contains(t, nc[0].Path+nc[1].Path, "reencoded.jpg")
	require.Equal(t, 2, r.LabelConflicts)

	require.Len(t, r.Blank, 1)
	require.Contains(t, r.Blank[0].Path, "blank.png")
	require.Len(t, r.Tiny, 1)
	require.Len(t, r.ExtremeAspect, 1)
	require.Equal(t, map[string]int{"gray": 2, "rgb": 39}, r.Modes, "blank.png and gray.png are grayscale")
	require.Len(t, r.Mean, 3)

	require.NotNil(t, r.Leakage)
	require.Len(t, r.Leakage.Exact, 1)
	require.Contains(t, r.Leakage.Exact[0].Files[0].Path, "leak.png")
	require.Empty(t, r.Leakage.Near)
	require.True(t, r.Strict())

	js, err := json.Marshal(r)
	require.NoError(t, err)
	require.Contains(t, string(js), `"label_conflicts":2`)

	var text bytes.Buffer
	require.NoError(t, r.WriteText(&text))
	out := text.String()
	for _, want := range []string{"cat", "36", "7.20:1", "pos_weight", "2 unreadable", "2 label conflicts", "reencoded.jpg", "1 blank", "leak.png", "1 tiny"} {
		require.Contains(t, out, want)
	}
	if testing.Verbose() {
		os.Stdout.WriteString(out)
	}
}

func TestDoctorClean(t *testing.T) {
	root := t.TempDir()
	for i := 0; i < 10; i++ {
		writeFile(t, filepath.Join(root, []string{"a", "b"}[i%2], itoa(i)+".png"), encodePNG(t, pattern(64, 64, i)))
	}
	r, err := Diagnose(context.Background(), root, "", DiagnoseOptions{Workers: 1})
	require.NoError(t, err)
	require.False(t, r.Strict())
	require.Equal(t, StrategyNone, r.Imbalance.Strategy)
	require.Zero(t, r.LabelConflicts)
	require.Empty(t, r.Blank)

	// On an in-memory dataset, a planted pixel-identical pair is found too.
	m := synth(20, 2)
	copy(m.Bytes(3), m.Bytes(4)) // 3 is class 1, 4 is class 0
	r, err = DiagnoseDataset(context.Background(), m, nil, DiagnoseOptions{TinySide: 1})
	require.NoError(t, err)
	require.Equal(t, 1, r.LabelConflicts)
	require.Empty(t, r.Imbalance.Empty)
	require.Len(t, r.Mean, 1, "grayscale data has one channel of statistics")
}

func TestDoctorCancel(t *testing.T) {
	train, _ := plantedFolder(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Diagnose(ctx, train, "", DiagnoseOptions{})
	require.ErrorIs(t, err, context.Canceled)
}
