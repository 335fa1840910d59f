package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

func idxBytes(typ byte, dims []uint32, payload []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, typ, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, d)
	}
	b.Write(payload)
	return b.Bytes()
}

func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func TestReadIDX(t *testing.T) {
	payload := []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	raw := idxBytes(8, []uint32{3, 2, 2}, payload)
	for name, in := range map[string][]byte{"plain": raw, "gzip": gz(raw)} {
		x, err := ReadIDX(bytes.NewReader(in))
		require.NoError(t, err, name)
		require.Equal(t, []int{3, 2, 2}, x.Dims)
		require.Equal(t, payload, x.Data)
	}
	im, _ := ReadIDX(bytes.NewReader(raw))
	lb, _ := ReadIDX(bytes.NewReader(idxBytes(8, []uint32{3}, []byte{0, 2, 1})))
	m, err := IDXMemory(im, lb, nil)
	require.NoError(t, err)
	require.Equal(t, []string{"0", "1", "2"}, m.Classes())
	var img Image
	require.NoError(t, m.Load(1, &img))
	require.InDelta(t, 5.0/255, img.Pix[0], 1e-7)
}

func TestReadIDXErrors(t *testing.T) {
	for name, in := range map[string][]byte{
		"empty":      nil,
		"bad magic":  {1, 0, 8, 1, 0, 0, 0, 0},
		"float type": idxBytes(0x0d, []uint32{1}, []byte{0, 0, 0, 0}),
		"rank 0":     idxBytes(8, nil, nil),
		"truncated":  idxBytes(8, []uint32{4, 2}, []byte{1, 2, 3}),
		"trailing":   idxBytes(8, []uint32{2}, []byte{1, 2, 3}),
		"short dims": {0, 0, 8, 3, 0, 0},
		// 2^31 images of 28x28: rejected from the header, nothing allocated.
		"huge":     idxBytes(8, []uint32{1 << 31, 28, 28}, nil),
		"overflow": idxBytes(8, []uint32{1 << 31, 1 << 31, 1 << 31}, nil),
		"bad gzip": {0x1f, 0x8b, 0, 0},
	} {
		_, err := ReadIDX(bytes.NewReader(in))
		require.Error(t, err, name)
	}
}

func TestReadIDXHugeHeaderAllocatesLittle(t *testing.T) {
	// A header claiming 1 GiB (just at the limit) followed by nothing must
	// not allocate the gigabyte.
	in := idxBytes(8, []uint32{1 << 20, 32, 32}, []byte{1, 2, 3})
	allocs := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			ReadIDX(bytes.NewReader(in))
		}
	})
	require.Less(t, allocs.AllocedBytesPerOp(), int64(1<<20))
}

func FuzzReadIDX(f *testing.F) {
	f.Add(idxBytes(8, []uint32{2, 2, 2}, []byte{1, 2, 3, 4, 5, 6, 7, 8}))
	f.Add(gz(idxBytes(8, []uint32{3}, []byte{0, 1, 2})))
	f.Add(idxBytes(8, []uint32{1 << 31, 28, 28}, nil))
	f.Fuzz(func(t *testing.T, in []byte) {
		x, err := ReadIDX(bytes.NewReader(in))
		if err != nil {
			return
		}
		n := 1
		for _, d := range x.Dims {
			n *= d
		}
		if n != len(x.Data) {
			t.Fatalf("dims %v but %d bytes", x.Dims, len(x.Data))
		}
	})
}
