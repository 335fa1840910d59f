// This file reads and writes safetensors: an 8-byte little-endian header
// length, a JSON header naming each tensor's dtype, shape and byte range, then
// the raw little-endian data. The reader checks every claim in the header
// against the file before allocating.

package weights

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"unsafe"

	"github.com/gocnn/gocnn/tensor"
)

// maxSafetensorsHeader is the largest JSON header accepted, as in the
// reference implementation (100 MB).
const maxSafetensorsHeader = 100_000_000

// stEntry is one tensor of a safetensors header.
type stEntry struct {
	name       string
	dt         dtype
	shape      []int
	begin, end int64 // byte range within the data section
}

// ReadSafetensors reads a safetensors file. Floating tensors (F32, F16, BF16,
// F64) become float32 Tensors; integer and bool tensors become Ints. The
// header's __metadata__ is returned in Metadata, and Order follows the header.
func ReadSafetensors(path string) (*StateDict, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	return readSafetensors(f, st.Size(), path)
}

func readSafetensors(r io.ReaderAt, size int64, name string) (*StateDict, error) {
	if size < 8 {
		return nil, formatErr(name, "", "safetensors: file is %d bytes, shorter than the 8-byte header length", size)
	}
	var lenBuf [8]byte
	if _, err := r.ReadAt(lenBuf[:], 0); err != nil {
		return nil, &FormatError{File: name, Offset: 0, Msg: "safetensors: reading header length", Err: err}
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	if n > uint64(size-8) {
		return nil, &FormatError{File: name, Offset: 0, Msg: fmt.Sprintf("safetensors: header length %d exceeds the %d bytes after it (truncated file, or not safetensors)", n, size-8)}
	}
	if n > maxSafetensorsHeader {
		return nil, &FormatError{File: name, Offset: 0, Msg: fmt.Sprintf("safetensors: header length %d exceeds the %d-byte limit", n, maxSafetensorsHeader)}
	}
	hdr := make([]byte, n)
	if _, err := r.ReadAt(hdr, 8); err != nil {
		return nil, &FormatError{File: name, Offset: 8, Msg: "safetensors: reading header", Err: err}
	}
	dataStart := 8 + int64(n)
	entries, meta, err := parseSafetensorsHeader(hdr, size-dataStart)
	if err != nil {
		return nil, &FormatError{File: name, Offset: 8, Msg: "safetensors: header: " + err.Error()}
	}
	sd := NewStateDict()
	sd.Format = FormatSafetensors
	sd.Metadata = meta
	for _, e := range entries {
		off := dataStart + e.begin
		nb := e.end - e.begin
		cnt := int(nb) / e.dt.size
		if e.dt.float {
			vals := tensor.AlignedFloats(cnt)
			if e.dt == dtF32 && nativeLE {
				err = readFull(r, floatBytes(vals), off)
			} else {
				buf := make([]byte, nb)
				if err = readFull(r, buf, off); err == nil {
					decodeFloats(vals, buf, e.dt, binary.LittleEndian)
				}
			}
			if err != nil {
				return nil, &FormatError{File: name, Offset: off, Msg: fmt.Sprintf("safetensors: reading %q", e.name), Err: err}
			}
			sd.Tensors[e.name] = tensor.Wrap(vals, e.shape...)
		} else {
			buf := make([]byte, nb)
			if err = readFull(r, buf, off); err != nil {
				return nil, &FormatError{File: name, Offset: off, Msg: fmt.Sprintf("safetensors: reading %q", e.name), Err: err}
			}
			it := &IntTensor{Shape: e.shape, Data: make([]int64, cnt)}
			decodeInts(it.Data, buf, e.dt, binary.LittleEndian)
			sd.Ints[e.name] = it
		}
		sd.Order = append(sd.Order, e.name)
		sd.DTypes[e.name] = e.dt.name
	}
	return sd, nil
}

// readFull reads len(p) bytes at off; a short read is io.ErrUnexpectedEOF.
func readFull(r io.ReaderAt, p []byte, off int64) error {
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// floatBytes views f's memory as bytes (native byte order).
func floatBytes(f []float32) []byte {
	if len(f) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(f))), 4*len(f))
}

// parseSafetensorsHeader decodes and validates a header against a data
// section of dataSize bytes: known dtypes, shapes that match their byte
// ranges, ranges inside the data, no duplicates, no overlaps, no holes.
// Entries are returned in header order.
func parseSafetensorsHeader(hdr []byte, dataSize int64) ([]stEntry, map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(hdr))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, fmt.Errorf("not a JSON object")
	}
	var entries []stEntry
	var meta map[string]string
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		key := tok.(string) // object keys are always strings
		if seen[key] {
			return nil, nil, fmt.Errorf("duplicate key %q", key)
		}
		seen[key] = true
		if key == "__metadata__" {
			if err := dec.Decode(&meta); err != nil {
				return nil, nil, fmt.Errorf("__metadata__ must map strings to strings: %v", err)
			}
			continue
		}
		var raw struct {
			DType       string  `json:"dtype"`
			Shape       []int64 `json:"shape"`
			DataOffsets []int64 `json:"data_offsets"`
		}
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, fmt.Errorf("tensor %q: %v", key, err)
		}
		e, err := checkEntry(key, raw.DType, raw.Shape, raw.DataOffsets, dataSize)
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, e)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	if rest := hdr[dec.InputOffset():]; len(bytes.TrimSpace(rest)) != 0 {
		return nil, nil, fmt.Errorf("%d bytes of trailing garbage after the JSON object", len(rest))
	}
	// Byte ranges must tile the data section exactly.
	byStart := slices.Clone(entries)
	sort.SliceStable(byStart, func(i, j int) bool { return byStart[i].begin < byStart[j].begin })
	var at int64
	for _, e := range byStart {
		if e.begin < at {
			return nil, nil, fmt.Errorf("tensor %q: data_offsets [%d, %d] overlap the previous tensor, which ends at %d", e.name, e.begin, e.end, at)
		}
		if e.begin > at {
			return nil, nil, fmt.Errorf("tensor %q: data_offsets [%d, %d] leave a hole after byte %d", e.name, e.begin, e.end, at)
		}
		at = e.end
	}
	if at != dataSize {
		return nil, nil, fmt.Errorf("tensors cover %d bytes of a %d-byte data section", at, dataSize)
	}
	return entries, meta, nil
}

// checkEntry validates one header entry.
func checkEntry(name, dtName string, shape64, offsets []int64, dataSize int64) (stEntry, error) {
	dt, ok := safetensorsDTypes[dtName]
	if !ok {
		return stEntry{}, fmt.Errorf("tensor %q: unsupported dtype %q", name, dtName)
	}
	if len(offsets) != 2 {
		return stEntry{}, fmt.Errorf("tensor %q: data_offsets has %d values, want 2", name, len(offsets))
	}
	begin, end := offsets[0], offsets[1]
	if begin < 0 || end < begin || end > dataSize {
		return stEntry{}, fmt.Errorf("tensor %q: data_offsets [%d, %d] outside the %d-byte data section", name, begin, end, dataSize)
	}
	if len(shape64) > 64 {
		return stEntry{}, fmt.Errorf("tensor %q: %d dimensions", name, len(shape64))
	}
	shape := make([]int, len(shape64))
	for i, d := range shape64 {
		if d < 0 || d > dataSize+1 {
			return stEntry{}, fmt.Errorf("tensor %q: shape %v does not fit the %d-byte data section", name, shape64, dataSize)
		}
		shape[i] = int(d)
	}
	n, ok := numel(shape, dataSize)
	if !ok || n*int64(dt.size) != end-begin {
		return stEntry{}, fmt.Errorf("tensor %q: shape %v of %s needs %d bytes, data_offsets [%d, %d] hold %d", name, shape64, dtName, n*int64(dt.size), begin, end, end-begin)
	}
	return stEntry{name: name, dt: dt, shape: shape, begin: begin, end: end}, nil
}

// WriteSafetensors writes tensors as F32 to path atomically, in sorted key
// order, with metadata (may be nil) as the header's __metadata__.
func WriteSafetensors(path string, tensors map[string]*tensor.Tensor, metadata map[string]string) error {
	sd := NewStateDict()
	keys := make([]string, 0, len(tensors))
	for k := range tensors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		sd.Add(k, tensors[k])
	}
	sd.Metadata = metadata
	return SaveSafetensors(path, sd)
}

// SaveSafetensors writes sd to path atomically (see WriteFileAtomic): Tensors
// as F32, Ints as I64, the header in sd.Order, sd.Metadata as __metadata__.
func SaveSafetensors(path string, sd *StateDict) error {
	return WriteFileAtomic(path, func(w io.Writer) error { return EncodeSafetensors(w, sd) })
}

// EncodeSafetensors writes sd in safetensors format to w. In the data
// section the I64 tensors come first, so that every tensor starts at a
// multiple of its element size; the header keeps sd.Order.
func EncodeSafetensors(w io.Writer, sd *StateDict) error {
	if len(sd.Order) != len(sd.Tensors)+len(sd.Ints) {
		return fmt.Errorf("weights: safetensors: Order lists %d keys but the maps hold %d", len(sd.Order), len(sd.Tensors)+len(sd.Ints))
	}
	type item struct {
		name  string
		shape []int
		f     *tensor.Tensor
		i     *IntTensor
		begin int64
	}
	items := make([]item, len(sd.Order))
	seen := make(map[string]bool, len(sd.Order))
	for _, name := range sd.Order {
		_, f := sd.Tensors[name]
		_, i := sd.Ints[name]
		if seen[name] || f == i {
			return fmt.Errorf("weights: safetensors: key %q is duplicated in Order, or in both maps or neither", name)
		}
		seen[name] = true
	}
	var at int64
	for pass := 0; pass < 2; pass++ { // ints, then floats
		for k, name := range sd.Order {
			if t, ok := sd.Ints[name]; ok && pass == 0 {
				items[k] = item{name: name, shape: t.Shape, i: t, begin: at}
				at += 8 * int64(len(t.Data))
			} else if t, ok := sd.Tensors[name]; ok && pass == 1 {
				items[k] = item{name: name, shape: t.Shape(), f: t, begin: at}
				at += 4 * int64(t.Len())
			}
		}
	}
	var h strings.Builder
	h.WriteByte('{')
	if len(sd.Metadata) > 0 {
		mb, err := json.Marshal(sd.Metadata) // sorted keys
		if err != nil {
			return fmt.Errorf("weights: safetensors: metadata: %w", err)
		}
		h.WriteString(`"__metadata__":`)
		h.Write(mb)
	}
	for _, it := range items {
		if it.name == "__metadata__" {
			return fmt.Errorf("weights: safetensors: a tensor may not be named __metadata__")
		}
		if h.Len() > 1 {
			h.WriteByte(',')
		}
		nb, _ := json.Marshal(it.name)
		dt, size := "F32", int64(4)
		if it.i != nil {
			dt, size = "I64", 8
		}
		n, _ := numel(it.shape, 1<<62)
		shape, _ := json.Marshal(it.shape)
		if len(it.shape) == 0 {
			shape = []byte("[]")
		}
		fmt.Fprintf(&h, `%s:{"dtype":%q,"shape":%s,"data_offsets":[%d,%d]}`, nb, dt, shape, it.begin, it.begin+n*size)
	}
	h.WriteByte('}')
	for (h.Len())%8 != 0 {
		h.WriteByte(' ')
	}
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(h.Len()))
	if _, err := w.Write(lenBuf[:]); err != nil {
		return err
	}
	if _, err := io.WriteString(w, h.String()); err != nil {
		return err
	}
	buf := make([]byte, 0, 1<<16)
	for pass := 0; pass < 2; pass++ {
		for _, it := range items {
			var err error
			if pass == 0 && it.i != nil {
				err = writeInts(w, it.i.Data, buf)
			} else if pass == 1 && it.f != nil {
				err = writeFloats(w, it.f.Contiguous().Data(), buf)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// writeFloats writes v little-endian, through buf when the host is not.
func writeFloats(w io.Writer, v []float32, buf []byte) error {
	if nativeLE {
		_, err := w.Write(floatBytes(v))
		return err
	}
	for len(v) > 0 {
		n := min(len(v), cap(buf)/4)
		b := buf[:4*n]
		for i, x := range v[:n] {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
		v = v[n:]
	}
	return nil
}

// writeInts writes v little-endian through buf.
func writeInts(w io.Writer, v []int64, buf []byte) error {
	for len(v) > 0 {
		n := min(len(v), cap(buf)/8)
		b := buf[:8*n]
		for i, x := range v[:n] {
			binary.LittleEndian.PutUint64(b[8*i:], uint64(x))
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
		v = v[n:]
	}
	return nil
}
