package weights

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Hand-made legacy files in the shape torch 0.1.12-0.3 wrote them (the
// torchvision VGG files of 2017): _rebuild_tensor with four arguments,
// storages on "cuda:0", Python 2 strings, and storage views.

func binunicode(s string) string {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], uint32(len(s)))
	return "X" + string(b[:]) + s
}

func shortBinstring(s string) string { return "U" + string(rune(len(s))) + s }

// legacyFile assembles magic, protocol, sys_info, main pickle, key list and
// storages (each an element count and the raw bytes).
func legacyFile(bo binary.ByteOrder, main string, keys []string, storages ...[]float32) []byte {
	var b bytes.Buffer
	b.WriteString("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.") // 0x1950a86a20f9469cfc6c
	b.WriteString("\x80\x02M\xe9\x03.")                                        // 1001
	le := "\x88"
	if bo == binary.BigEndian {
		le = "\x89"
	}
	b.WriteString("\x80\x02}(" + binunicode("little_endian") + le + "u.")
	b.WriteString(main)
	b.WriteString("\x80\x02](")
	for _, k := range keys {
		b.WriteString(shortBinstring(k))
	}
	b.WriteString("e.")
	for _, s := range storages {
		binary.Write(&b, bo, int64(len(s)))
		binary.Write(&b, bo, s)
	}
	return b.Bytes()
}

// storagePID is a legacy persistent id; view is "" or a BINUNICODE'd view tuple.
func storagePID(key string, numel byte, view string) string {
	if view == "" {
		view = "N"
	}
	return "(" + shortBinstring("storage") + "ctorch\nFloatStorage\n" + shortBinstring(key) +
		shortBinstring("cuda:0") + "K" + string(rune(numel)) + view + "tQ"
}

func TestLoadLegacyOldTorch(t *testing.T) {
	rebuild := "ctorch._utils\n_rebuild_tensor\n"
	main := "\x80\x02ccollections\nOrderedDict\n)R(" +
		// w: a 2x3 tensor on storage k1
		shortBinstring("features.0.weight") + rebuild + "(" + storagePID("k1", 6, "") + "K\x00K\x02K\x03\x86K\x03K\x01\x86tR" +
		// v: elements 4..9 of storage k2 through a storage view
		shortBinstring("features.0.bias") + rebuild + "(" + storagePID("k2", 10, "("+shortBinstring("view1")+"K\x04K\x06t") + "K\x00K\x06\x85K\x01\x85tR" +
		"u}(" + shortBinstring("_metadata") + "}ub."
	k1 := []float32{1, 2, 3, 4, 5, 6}
	k2 := []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		t.Run(bo.String(), func(t *testing.T) {
			file := legacyFile(bo, main, []string{"k1", "k2"}, k1, k2)
			sd, err := LoadFrom(bytes.NewReader(file), int64(len(file)), "old.pth")
			require.NoError(t, err)
			assert.Equal(t, []string{"features.0.weight", "features.0.bias"}, sd.Order)
			assert.Equal(t, []int{2, 3}, sd.Tensors["features.0.weight"].Shape())
			assert.Equal(t, k1, sd.Tensors["features.0.weight"].Data())
			assert.Equal(t, k2[4:], sd.Tensors["features.0.bias"].Data())
		})
	}

	// Storage problems are reported, not trusted.
	file := legacyFile(binary.LittleEndian, main, []string{"k1"}, k1)
	_, err := LoadFrom(bytes.NewReader(file), int64(len(file)), "old.pth")
	assert.ErrorContains(t, err, `storage "k2" has no data`)
	file = legacyFile(binary.LittleEndian, main, []string{"k1", "nope"}, k1, k2)
	_, err = LoadFrom(bytes.NewReader(file), int64(len(file)), "old.pth")
	assert.ErrorContains(t, err, "names nope, which the pickle does not reference")
	file = legacyFile(binary.LittleEndian, main, []string{"k1", "k2"}, k1, k2[:5])
	_, err = LoadFrom(bytes.NewReader(file), int64(len(file)), "old.pth")
	assert.ErrorContains(t, err, `storage "k2" claims 5 F32 elements (the pickle says 10)`)
	badView := "\x80\x02}(" + shortBinstring("b") + rebuild + "(" + storagePID("k2", 10, "("+shortBinstring("view1")+"K\x08K\x06t") + "K\x00K\x06\x85K\x01\x85tRu."
	file = legacyFile(binary.LittleEndian, badView, []string{"k2"}, k2)
	_, err = LoadFrom(bytes.NewReader(file), int64(len(file)), "old.pth")
	assert.ErrorContains(t, err, "out of range")
}

func FuzzTorchZip(f *testing.F) {
	// The archive is rebuilt around the fuzzed pickle and storage, so that
	// mutations reach the unpickler and the storage checks rather than
	// stopping at the zip checksums.
	f.Add([]byte(tensorPickle), f32Bytes(binary.LittleEndian, 1, 2, 3, 4, 5, 6), false)
	f.Add([]byte(tensorPickle), f32Bytes(binary.BigEndian, 1, 2, 3, 4, 5, 6), true)
	f.Fuzz(func(t *testing.T, pkl, data []byte, big bool) {
		entries := []zipEntry{{name: "a/data.pkl", data: pkl}, {name: "a/data/0", data: data}}
		if big {
			entries = append(entries, zipEntry{name: "a/byteorder", data: []byte("big")})
		}
		file := torchZip(t, entries...)
		LoadFrom(bytes.NewReader(file), int64(len(file)), "fuzz.pth")
	})
}
