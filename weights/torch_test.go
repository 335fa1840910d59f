package weights

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// golden is expected.json, written by testdata/gen.py from PyTorch.
type golden map[string]struct {
	Root           string `json:"root"`
	StrippedPrefix string `json:"stripped_prefix"`
	Keys           map[string]struct {
		DType string   `json:"dtype"`
		Shape []int    `json:"shape"`
		Bits  []uint32 `json:"bits"`
		Ints  []int64  `json:"ints"`
	} `json:"keys"`
}

func readGolden(t *testing.T) golden {
	t.Helper()
	b, err := os.ReadFile("testdata/expected.json")
	require.NoError(t, err)
	var g golden
	require.NoError(t, json.Unmarshal(b, &g))
	return g
}

// torchDTypes maps torch dtype names to StateDict.DTypes.
var torchDTypes = map[string]string{
	"torch.float32": "F32", "torch.float16": "F16", "torch.bfloat16": "BF16", "torch.float64": "F64",
	"torch.int64": "I64", "torch.int32": "I32", "torch.uint8": "U8", "torch.bool": "BOOL",
}

func TestLoadGolden(t *testing.T) {
	g := readGolden(t)
	formats := map[string]string{
		"zip.pth": FormatTorchZip, "legacy.pth": FormatTorchLegacy, "nested.pth": FormatTorchZip,
		"params.pth": FormatTorchZip, "dtypes.safetensors": FormatSafetensors,
	}
	for file, want := range g {
		t.Run(file, func(t *testing.T) {
			sd, err := Load(filepath.Join("testdata", file))
			require.NoError(t, err)
			assert.Equal(t, formats[file], sd.Format)
			assert.Equal(t, want.Root, sd.Root)
			assert.Equal(t, want.StrippedPrefix, sd.StrippedPrefix)
			require.Len(t, sd.Order, len(want.Keys), "keys: %v", sd.Order)
			for _, k := range sd.Order {
				w, ok := want.Keys[k]
				require.True(t, ok, "unexpected key %q", k)
				assert.Equal(t, torchDTypes[w.DType], sd.DTypes[k], k)
				if w.Ints != nil {
					it, ok := sd.Ints[k]
					require.True(t, ok, "%q should be an int tensor", k)
					assert.Equal(t, w.Shape, it.Shape, k)
					assert.Equal(t, w.Ints, it.Data, k)
					continue
				}
				ft, ok := sd.Tensors[k]
				require.True(t, ok, "%q should be a float tensor", k)
				require.Equal(t, w.Shape, append([]int{}, ft.Shape()...), k)
				require.True(t, ft.IsContiguous(), k)
				got := ft.Data()
				require.Len(t, got, len(w.Bits), k)
				for i, b := range w.Bits {
					if math.Float32bits(got[i]) != b {
						t.Fatalf("%s[%d]: got %v, want %v", k, i, got[i], math.Float32frombits(b))
					}
				}
			}
		})
	}
}

func TestLoadZipLegacySame(t *testing.T) {
	z, err := Load("testdata/zip.pth")
	require.NoError(t, err)
	l, err := Load("testdata/legacy.pth")
	require.NoError(t, err)
	assertSameStateDict(t, z, l)
	// The two views of one storage are independent copies.
	z.Tensors["extra.shared_a"].Data()[10] = 99
	assert.NotEqual(t, float32(99), z.Tensors["extra.shared_b"].Data()[0])
}

func TestLoadHostile(t *testing.T) {
	cases := map[string]string{
		"evil_system.pth":       "global posix.system is not allowed",
		"evil_eval.pth":         "global builtins.eval is not allowed",
		"evil_legacy.pth":       "global posix.system is not allowed",
		"evil_opcode.pth":       "unknown opcode 0xff",
		"evil_storage_size.pth": "needs 4000000000 bytes, the entry holds 16",
		"evil_legacy_size.pth":  "claims 1000000000 F32 elements",
	}
	for file, want := range cases {
		t.Run(file, func(t *testing.T) {
			_, err := Load(filepath.Join("testdata", file))
			require.Error(t, err)
			t.Log(err)
			assert.Contains(t, err.Error(), want)
			assert.Contains(t, err.Error(), file)
			var fe *FormatError
			require.True(t, errors.As(err, &fe))
			if file == "evil_system.pth" || file == "evil_eval.pth" || file == "evil_legacy.pth" {
				assert.ErrorIs(t, err, ErrUnsafe)
				assert.GreaterOrEqual(t, fe.Offset, int64(0))
			}
		})
	}
}

func TestLoadTruncated(t *testing.T) {
	for _, file := range []string{"zip.pth", "legacy.pth", "nested.pth", "dtypes.safetensors"} {
		full, err := os.ReadFile(filepath.Join("testdata", file))
		require.NoError(t, err)
		for i := 0; i < 8; i++ {
			n := len(full) * i / 8
			_, err := LoadFrom(bytes.NewReader(full[:n]), int64(n), file)
			assert.Error(t, err, "%s cut at %d of %d", file, n, len(full))
		}
		// One byte short is also caught.
		_, err = LoadFrom(bytes.NewReader(full[:len(full)-1]), int64(len(full)-1), file)
		assert.Error(t, err, "%s one byte short", file)
	}
}

func TestLoadWrongMagic(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":      nil,
		"text":       []byte("hello, world"),
		"pickle int": {0x80, 2, 'K', 1, '.'},
		"numpy":      []byte("\x93NUMPY\x01\x00"),
	} {
		_, err := LoadFrom(bytes.NewReader(data), int64(len(data)), name)
		assert.Error(t, err, name)
	}
	legacy, err := os.ReadFile("testdata/legacy.pth")
	require.NoError(t, err)
	bad := bytes.Clone(legacy)
	bad[4] ^= 0x55 // inside LONG1's magic number
	_, err = LoadFrom(bytes.NewReader(bad), int64(len(bad)), "bad.pth")
	assert.ErrorContains(t, err, "not a PyTorch file")
}

func FuzzLoad(f *testing.F) {
	for _, file := range []string{"zip.pth", "legacy.pth", "nested.pth", "params.pth", "evil_storage_size.pth", "evil_legacy_size.pth"} {
		b, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sd, err := LoadFrom(bytes.NewReader(data), int64(len(data)), "fuzz")
		if err != nil {
			return
		}
		for _, k := range sd.Order {
			if !sd.Has(k) {
				t.Fatalf("key %q in Order but in neither map", k)
			}
		}
	})
}

// tensorPickle is a data.pkl for {"w": a 2x3 F32 tensor on storage "0"}.
const tensorPickle = "\x80\x02}(X\x01\x00\x00\x00wctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x06tQK\x00K\x02K\x03\x86K\x03K\x01\x86\x89ccollections\nOrderedDict\n)RtRu."

type zipEntry struct {
	name    string
	data    []byte
	deflate bool
}

func torchZip(t *testing.T, entries ...zipEntry) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		m := zip.Store
		if e.deflate {
			m = zip.Deflate
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: m})
		require.NoError(t, err)
		w.Write(e.data)
	}
	require.NoError(t, zw.Close())
	return b.Bytes()
}

func f32Bytes(bo binary.ByteOrder, v ...float32) []byte {
	var b bytes.Buffer
	binary.Write(&b, bo, v)
	return b.Bytes()
}

func TestLoadZipVariants(t *testing.T) {
	want := []float32{1, 2, 3, -4, 5.5, 6}
	load := func(data []byte) (*StateDict, error) {
		return LoadFrom(bytes.NewReader(data), int64(len(data)), "v.pth")
	}
	// Big-endian storages, as torch >= 2.1 marks them.
	sd, err := load(torchZip(t,
		zipEntry{name: "m/data.pkl", data: []byte(tensorPickle)},
		zipEntry{name: "m/byteorder", data: []byte("big")},
		zipEntry{name: "m/data/0", data: f32Bytes(binary.BigEndian, want...)}))
	require.NoError(t, err)
	assert.Equal(t, want, sd.Tensors["w"].Data())

	// Compressed entries (a re-zipped checkpoint) read the same.
	sd, err = load(torchZip(t,
		zipEntry{name: "m/data.pkl", data: []byte(tensorPickle), deflate: true},
		zipEntry{name: "m/data/0", data: f32Bytes(binary.LittleEndian, want...), deflate: true}))
	require.NoError(t, err)
	assert.Equal(t, want, sd.Tensors["w"].Data())

	_, err = load(torchZip(t, zipEntry{name: "m/data.pkl", data: []byte(tensorPickle)}))
	assert.ErrorContains(t, err, `storage "0" is missing`)
	_, err = load(torchZip(t,
		zipEntry{name: "m/data.pkl", data: []byte(tensorPickle)},
		zipEntry{name: "m/data/0", data: f32Bytes(binary.LittleEndian, 1, 2, 3)}))
	assert.ErrorContains(t, err, "needs 24 bytes, the entry holds 12")
	_, err = load(torchZip(t,
		zipEntry{name: "m/data.pkl", data: []byte(tensorPickle)},
		zipEntry{name: "m/byteorder", data: []byte("middle")}))
	assert.ErrorContains(t, err, `unknown byte order "middle"`)
	_, err = load(torchZip(t, zipEntry{name: "other.txt", data: []byte("hi")}))
	assert.ErrorContains(t, err, "not a PyTorch checkpoint")
	_, err = load(torchZip(t,
		zipEntry{name: "m/data.pkl", data: []byte("\x80\x02}(X\x01\x00\x00\x00aK\x01u.")}))
	assert.ErrorContains(t, err, "no dictionary of tensors found in a dict with keys [\"a\"]")
}
