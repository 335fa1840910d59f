package weights

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocnn/gocnn/tensor"
)

// rawSafetensors assembles a file from a header and a data section.
func rawSafetensors(header string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(header)))
	b.WriteString(header)
	b.Write(data)
	return b.Bytes()
}

func sampleStateDict() *StateDict {
	sd := NewStateDict()
	sd.Add("features.0.weight", tensor.FromSlice([]float32{1, -2, 3.5, float32(math.Inf(1)), 0, -0.25}, 2, 3))
	sd.Add("features.0.bias", tensor.FromSlice([]float32{0.5, -0.5}, 2))
	sd.AddInt("bn.num_batches_tracked", &IntTensor{Shape: []int{}, Data: []int64{1 << 40}})
	sd.Add("scalar", tensor.FromSlice([]float32{7}))
	sd.Add("empty", tensor.Zeros(0, 4))
	sd.Metadata = map[string]string{"arch": "vgg16", "classes": "cat,dog"}
	return sd
}

func TestSafetensorsRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.safetensors")
	want := sampleStateDict()
	require.NoError(t, SaveSafetensors(path, want))
	got, err := ReadSafetensors(path)
	require.NoError(t, err)
	assertSameStateDict(t, want, got)
	assert.Equal(t, want.Metadata, got.Metadata)
	assert.Equal(t, FormatSafetensors, got.Format)
	for _, k := range got.Order {
		if tt, ok := got.Tensors[k]; ok {
			assert.True(t, tensor.IsAligned(tt.Data()), k)
		}
	}

	// The header is padded to 8 bytes and the I64 data comes first, so every
	// tensor is aligned to its element size.
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	hl := binary.LittleEndian.Uint64(raw)
	assert.Zero(t, hl%8)
}

func TestWriteSafetensorsMap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.safetensors")
	a := tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	// A non-contiguous view is written in row-major order.
	m := map[string]*tensor.Tensor{"b": a.Transpose(0, 1), "a": a}
	require.NoError(t, WriteSafetensors(path, m, nil))
	got, err := ReadSafetensors(path)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, got.Order)
	assert.Equal(t, []int{3, 2}, got.Tensors["b"].Shape())
	assert.Equal(t, []float32{1, 4, 2, 5, 3, 6}, got.Tensors["b"].Data())
	assert.Nil(t, got.Metadata)
}

// assertSameStateDict compares keys, order, shapes and bits exactly.
func assertSameStateDict(t *testing.T, want, got *StateDict) {
	t.Helper()
	require.Equal(t, want.Order, got.Order)
	for _, k := range want.Order {
		if w, ok := want.Tensors[k]; ok {
			g, ok := got.Tensors[k]
			require.True(t, ok, "float tensor %q missing", k)
			require.Equal(t, w.Shape(), g.Shape(), k)
			wv, gv := w.Values(), g.Values()
			for i := range wv {
				if math.Float32bits(wv[i]) != math.Float32bits(gv[i]) {
					t.Fatalf("%s[%d]: got %v, want %v", k, i, gv[i], wv[i])
				}
			}
			continue
		}
		w := want.Ints[k]
		g, ok := got.Ints[k]
		require.True(t, ok, "int tensor %q missing", k)
		assert.Equal(t, w.Shape, g.Shape, k)
		assert.Equal(t, w.Data, g.Data, k)
	}
}

func TestSafetensorsDTypes(t *testing.T) {
	// F16: 1, -2, 65504 (max), 2^-24 (smallest subnormal), -0, +Inf.
	f16 := []uint16{0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7c00}
	// BF16: 1, -3.
	bf16 := []uint16{0x3f80, 0xc040}
	var data bytes.Buffer
	binary.Write(&data, binary.LittleEndian, []float64{0.1, -1e40})
	binary.Write(&data, binary.LittleEndian, f16)
	binary.Write(&data, binary.LittleEndian, bf16)
	binary.Write(&data, binary.LittleEndian, []int32{-5, 7})
	data.Write([]byte{0, 1, 2})
	hdr := `{"d":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},` +
		`"h":{"dtype":"F16","shape":[2,3],"data_offsets":[16,28]},` +
		`"b":{"dtype":"BF16","shape":[2],"data_offsets":[28,32]},` +
		`"i":{"dtype":"I32","shape":[2],"data_offsets":[32,40]},` +
		`"m":{"dtype":"BOOL","shape":[3],"data_offsets":[40,43]}}`
	sd, err := readSafetensors(bytes.NewReader(rawSafetensors(hdr, data.Bytes())), int64(8+len(hdr)+data.Len()), "x")
	require.NoError(t, err)
	assert.Equal(t, []string{"d", "h", "b", "i", "m"}, sd.Order)
	assert.Equal(t, []float32{float32(0.1), float32(math.Inf(-1))}, sd.Tensors["d"].Data())
	h := sd.Tensors["h"].Data()
	assert.Equal(t, []float32{1, -2, 65504, float32(math.Ldexp(1, -24))}, h[:4])
	assert.Equal(t, uint32(0x80000000), math.Float32bits(h[4]))
	assert.True(t, math.IsInf(float64(h[5]), 1))
	assert.Equal(t, []float32{1, -3}, sd.Tensors["b"].Data())
	assert.Equal(t, []int64{-5, 7}, sd.Ints["i"].Data)
	assert.Equal(t, []int64{0, 1, 1}, sd.Ints["m"].Data)
	assert.Equal(t, "BF16", sd.DTypes["b"])
}

func TestHalfToFloatAll(t *testing.T) {
	// Every finite half converts exactly: compare against a float64 formula.
	for h := 0; h < 1<<16; h++ {
		e, m := (h>>10)&0x1f, h&0x3ff
		if e == 0x1f {
			continue
		}
		var v float64
		if e == 0 {
			v = math.Ldexp(float64(m), -24)
		} else {
			v = math.Ldexp(float64(m|0x400), e-25)
		}
		if h&0x8000 != 0 {
			v = -v
		}
		if got := halfToFloat(uint16(h)); float64(got) != v || math.Signbit(float64(got)) != (h&0x8000 != 0) {
			t.Fatalf("half %#04x: got %v, want %v", h, got, v)
		}
	}
	assert.True(t, math.IsNaN(float64(halfToFloat(0x7e00))))
}

func TestSafetensorsHostile(t *testing.T) {
	f32 := func(n int) []byte { return make([]byte, 4*n) }
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"short", []byte{1, 2, 3}, "shorter than the 8-byte header"},
		{"huge header length", append(binary.LittleEndian.AppendUint64(nil, 1<<62), "{}"...), "exceeds the 2 bytes after it"},
		{"empty", rawSafetensors(`{}`, nil), ""}, // valid: no tensors
		{"not json", rawSafetensors(`[1,2]`, nil), "not a JSON object"},
		{"bad json", rawSafetensors(`{"a":`, nil), "header"},
		{"trailing", rawSafetensors(`{} x`, nil), "trailing garbage"},
		{"unknown dtype", rawSafetensors(`{"a":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}}`, f32(1)[:1]), `unsupported dtype "F8"`},
		{"shape mismatch", rawSafetensors(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, f32(2)), "needs 12 bytes"},
		{"beyond data", rawSafetensors(`{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}`, f32(2)), "outside the 8-byte data section"},
		{"negative", rawSafetensors(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}`, nil), "does not fit"},
		{"huge shape", rawSafetensors(`{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}`, nil), "does not fit"},
		{"overflowing shape", rawSafetensors(`{"a":{"dtype":"F32","shape":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],"data_offsets":[0,4]}}`, f32(1)), "dimensions"},
		{"overlap", rawSafetensors(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, f32(3)), "overlap"},
		{"hole", rawSafetensors(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, f32(2)), "hole"},
		{"uncovered tail", rawSafetensors(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, f32(2)), "cover 4 bytes of a 8-byte"},
		{"duplicate", rawSafetensors(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, f32(2)), "duplicate key"},
		{"float offsets", rawSafetensors(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4.5]}}`, f32(2)), "tensor \"a\""},
		{"bad metadata", rawSafetensors(`{"__metadata__":{"a":1}}`, nil), "__metadata__"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := readSafetensors(bytes.NewReader(c.file), int64(len(c.file)), "bad.safetensors")
			if c.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), "bad.safetensors")
			var fe *FormatError
			assert.True(t, errors.As(err, &fe))
		})
	}
}

// lengthOnly is a file whose first 8 bytes hold n and the rest are zero.
type lengthOnly uint64

func (n lengthOnly) ReadAt(p []byte, off int64) (int, error) {
	var head [8]byte
	binary.LittleEndian.PutUint64(head[:], uint64(n))
	clear(p)
	if off < 8 {
		copy(p, head[off:])
	}
	return len(p), nil
}

func TestSafetensorsHeaderLimit(t *testing.T) {
	// A header length within a 1 TiB file but over 100 MB is refused before
	// anything is allocated.
	_, err := readSafetensors(lengthOnly(150_000_000), 1<<40, "big.safetensors")
	assert.ErrorContains(t, err, "exceeds the 100000000-byte limit")
}

func TestSafetensorsTruncated(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, EncodeSafetensors(&b, sampleStateDict()))
	full := b.Bytes()
	for i := 0; i < 8; i++ {
		n := len(full) * i / 8
		_, err := readSafetensors(bytes.NewReader(full[:n]), int64(n), "cut.safetensors")
		assert.Error(t, err, "cut at %d of %d", n, len(full))
	}
	_, err := readSafetensors(bytes.NewReader(full), int64(len(full)), "whole")
	assert.NoError(t, err)
}

func TestEncodeSafetensorsBadInput(t *testing.T) {
	sd := NewStateDict()
	sd.Add("__metadata__", tensor.Zeros(1))
	assert.ErrorContains(t, EncodeSafetensors(io.Discard, sd), "__metadata__")
	sd = NewStateDict()
	sd.Add("a", tensor.Zeros(1))
	sd.Order = append(sd.Order, "a")
	sd.Tensors["b"] = tensor.Zeros(1)
	assert.ErrorContains(t, EncodeSafetensors(io.Discard, sd), "duplicated")
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ckpt.safetensors")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o600))

	// A failing writer leaves the old file and no temporary behind.
	boom := errors.New("boom")
	err := WriteFileAtomic(path, func(w io.Writer) error {
		w.Write([]byte("partial"))
		return boom
	})
	assert.ErrorIs(t, err, boom)
	got, _ := os.ReadFile(path)
	assert.Equal(t, "old", string(got))
	ents, _ := os.ReadDir(dir)
	assert.Len(t, ents, 1)

	require.NoError(t, WriteFileAtomic(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "new")
		return err
	}))
	got, _ = os.ReadFile(path)
	assert.Equal(t, "new", string(got))
	st, _ := os.Stat(path)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "keeps the replaced file's mode")
	ents, _ = os.ReadDir(dir)
	assert.Len(t, ents, 1)

	assert.Error(t, WriteFileAtomic(filepath.Join(dir, "no", "such", "dir"), func(io.Writer) error { return nil }))
}

func FuzzSafetensors(f *testing.F) {
	var b bytes.Buffer
	EncodeSafetensors(&b, sampleStateDict())
	f.Add(b.Bytes())
	f.Add(rawSafetensors(`{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}`, make([]byte, 4)))
	f.Fuzz(func(t *testing.T, data []byte) {
		sd, err := readSafetensors(bytes.NewReader(data), int64(len(data)), "fuzz")
		if err != nil {
			return
		}
		// Whatever was read writes back and reads again identically.
		var out bytes.Buffer
		if err := EncodeSafetensors(&out, sd); err != nil {
			t.Fatal(err)
		}
		if _, err := readSafetensors(bytes.NewReader(out.Bytes()), int64(out.Len()), "again"); err != nil {
			t.Fatal(err)
		}
	})
}
