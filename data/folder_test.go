package data

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// pattern returns a w×h RGB image whose content depends on seed (smooth
// gradients plus a seeded blob, so perceptual hashes differ between seeds).
func pattern(w, h int, seed int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	cx, cy := (seed*37)%w, (seed*53)%h
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			d := (x-cx)*(x-cx) + (y-cy)*(y-cy)
			v := uint8((x*255/w + seed*40) % 256)
			if d < w*h/8 {
				v = 255 - v
			}
			img.Set(x, y, color.NRGBA{v, uint8(y * 255 / h), uint8((seed * 71) % 256), 255})
		}
	}
	return img
}

func encodePNG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

func encodeJPEG(t testing.TB, img image.Image, q int) []byte {
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, img, &jpeg.Options{Quality: q}))
	return b.Bytes()
}

func writeFile(t testing.TB, path string, b []byte) {
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, b, 0o644))
}

func TestImageFolder(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "dog", "a.png"), encodePNG(t, pattern(16, 12, 1)))
	writeFile(t, filepath.Join(root, "dog", "nested", "deeper", "b.JPG"), encodeJPEG(t, pattern(16, 12, 2), 90))
	writeFile(t, filepath.Join(root, "cat", "c.jpeg"), encodeJPEG(t, pattern(8, 8, 3), 90))
	writeFile(t, filepath.Join(root, "cat", "notes.txt"), []byte("hello"))
	writeFile(t, filepath.Join(root, "cat", "labels.csv"), []byte("x"))
	writeFile(t, filepath.Join(root, "Zebra", "z.png"), encodePNG(t, image.NewGray(image.Rect(0, 0, 5, 7))))
	writeFile(t, filepath.Join(root, ".ipynb_checkpoints", "x.png"), encodePNG(t, pattern(4, 4, 1)))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "empty"), 0o755))
	writeFile(t, filepath.Join(root, "README.md"), []byte("not a class"))
	// Corrupt and truncated files: listed, failing at Load with their name.
	writeFile(t, filepath.Join(root, "dog", "corrupt.png"), []byte("this is not a png"))
	full := encodeJPEG(t, pattern(32, 32, 4), 90)
	writeFile(t, filepath.Join(root, "dog", "truncated.jpg"), full[:len(full)/2])
	// Symlinks: a linked file, a linked folder, and a loop.
	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "linked.png"), encodePNG(t, pattern(6, 6, 5)))
	writeFile(t, filepath.Join(outside, "sub", "inlinked.png"), encodePNG(t, pattern(6, 6, 6)))
	require.NoError(t, os.Symlink(filepath.Join(outside, "linked.png"), filepath.Join(root, "cat", "link.png")))
	require.NoError(t, os.Symlink(filepath.Join(outside, "sub"), filepath.Join(root, "cat", "linkdir")))
	require.NoError(t, os.Symlink(filepath.Join(root, "cat"), filepath.Join(root, "cat", "loop")))

	f, err := ImageFolder(root)
	require.NoError(t, err)
	// Sorted by byte order, as torchvision (upper case first).
	require.Equal(t, []string{"Zebra", "cat", "dog", "empty"}, f.Classes())
	rel := func(i int) string { p, _ := filepath.Rel(root, f.Paths[i]); return p }
	var got []string
	for i := range f.Paths {
		got = append(got, rel(i)+":"+f.Classes()[f.Label(i)])
	}
	require.Equal(t, []string{
		"Zebra/z.png:Zebra",
		"cat/c.jpeg:cat", "cat/link.png:cat", "cat/linkdir/inlinked.png:cat",
		"dog/a.png:dog", "dog/corrupt.png:dog", "dog/nested/deeper/b.JPG:dog", "dog/truncated.jpg:dog",
	}, got)
	warn := strings.Join(f.Warnings, "\n")
	require.Contains(t, warn, `class "empty"`)
	require.Contains(t, warn, "ignored 2 files that are not images (.csv: 1, .txt: 1)")
	require.Contains(t, warn, ".ipynb_checkpoints")
	require.Contains(t, warn, "not followed again")

	var img Image
	require.NoError(t, f.Load(0, &img))
	require.Equal(t, [3]int{1, 7, 5}, [3]int{img.C, img.H, img.W}, "grayscale stays one channel")
	require.NoError(t, f.Load(4, &img))
	require.Equal(t, [3]int{3, 12, 16}, [3]int{img.C, img.H, img.W})
	err = f.Load(5, &img)
	require.ErrorContains(t, err, "corrupt.png")
	err = f.Load(7, &img)
	require.ErrorContains(t, err, "truncated.jpg")
	require.ErrorContains(t, err, "EOF")

	// The loader skips the unreadable files with a count, never panics.
	l, err := NewLoader(f, LoaderConfig{BatchSize: 3, Channels: 3, Height: 8, Width: 8, Transform: Compose(Resize(8), CenterCrop(8, 8))})
	require.NoError(t, err)
	defer l.Close()
	l.Start(0)
	n := 0
	for l.Next() {
		n += l.Batch().N
	}
	require.NoError(t, l.Err())
	require.Equal(t, 8, n)
	require.Len(t, l.Skipped(), 2)

	_, err = ImageFolder(filepath.Join(root, "empty"))
	require.ErrorContains(t, err, "no class folders")
	_, err = ImageFolder(filepath.Join(root, "missing"))
	require.Error(t, err)
}

func TestManifest(t *testing.T) {
	f, err := ParseManifest(strings.NewReader("path,label\n# a comment\na/1.png,cat\n\"b,2.png\",dog\n/abs/3.png, cat\n"), "/base")
	require.NoError(t, err)
	require.Equal(t, []string{"/base/a/1.png", "/base/b,2.png", "/abs/3.png"}, f.Paths)
	require.Equal(t, []string{"cat", "dog"}, f.Classes())
	require.Equal(t, []int{0, 1, 0}, f.Targets)

	f, err = ParseManifest(strings.NewReader("x.png,2\ny.png,0\n"), "")
	require.NoError(t, err)
	require.Equal(t, []string{"0", "1", "2"}, f.Classes())
	require.Equal(t, []int{2, 0}, f.Targets)
	require.Len(t, f.Warnings, 1)

	for in, want := range map[string]string{
		"":                     "no records",
		"a.png\n":              "line 1: 1 fields",
		"a.png,1\nb.png,1,2\n": "line 2: 3 fields",
		"a.png,\n":             "line 1: empty",
		"\"a.png,1\n":          "line 1",
	} {
		_, err := ParseManifest(strings.NewReader(in), "")
		require.ErrorContains(t, err, want, "%q", in)
	}
}

func FuzzParseManifest(f *testing.F) {
	f.Add("path,label\na.png,cat\nb.png,dog\n")
	f.Add("a.png,3\n\"q\"\"x.png\",1\n")
	f.Add("a.png,99999\n")
	f.Fuzz(func(t *testing.T, in string) {
		m, err := ParseManifest(strings.NewReader(in), "base")
		if err != nil {
			return
		}
		if len(m.Paths) != len(m.Targets) || len(m.Paths) == 0 {
			t.Fatalf("%d paths, %d labels", len(m.Paths), len(m.Targets))
		}
		for _, y := range m.Targets {
			if y < 0 || y >= len(m.ClassNames) {
				t.Fatalf("label %d of %d classes", y, len(m.ClassNames))
			}
		}
	})
}
