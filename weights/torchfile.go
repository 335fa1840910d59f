// This file reads the two PyTorch file layouts: the zip archive of torch >=
// 1.6 (<dir>/data.pkl, <dir>/data/<key>, <dir>/byteorder) and the legacy
// stream of pickles followed by raw storages (torch < 1.6, and files saved
// with _use_new_zipfile_serialization=False, such as torchvision's VGG).

package weights

import (
	"archive/zip"
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
)

// maxPickle caps a zip archive's data.pkl: a state dict's pickle is a few
// hundred bytes per tensor.
const maxPickle = 1 << 30

func loadTorchZip(r io.ReaderAt, size int64, name string) (*StateDict, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, &FormatError{File: name, Offset: -1, Msg: "not a readable zip archive", Err: err}
	}
	files := map[string]*zip.File{}
	var pkl *zip.File
	for _, f := range zr.File {
		files[f.Name] = f
		if dir, base, ok := strings.Cut(f.Name, "/"); ok && base == "data.pkl" && dir != "" && pkl == nil {
			pkl = f
		}
	}
	if pkl == nil {
		return nil, formatErr(name, "", "zip archive without <dir>/data.pkl: not a PyTorch checkpoint")
	}
	prefix := strings.TrimSuffix(pkl.Name, "data.pkl")

	bo := binary.ByteOrder(binary.LittleEndian)
	if f := files[prefix+"byteorder"]; f != nil {
		b, err := readEntry(f, 16)
		if err != nil {
			return nil, &FormatError{File: name, Entry: f.Name, Offset: -1, Msg: "read", Err: err}
		}
		switch string(b) {
		case "little":
		case "big":
			bo = binary.BigEndian
		default:
			return nil, formatErr(name, f.Name, "unknown byte order %q", b)
		}
	}

	if pkl.UncompressedSize64 > maxPickle || pkl.Method == zip.Store && pkl.CompressedSize64 > uint64(size) {
		return nil, formatErr(name, pkl.Name, "pickle of %d bytes is larger than a state dict's", pkl.UncompressedSize64)
	}
	rc, err := pkl.Open()
	if err != nil {
		return nil, &FormatError{File: name, Entry: pkl.Name, Offset: -1, Msg: "open", Err: err}
	}
	defer rc.Close()
	tp := &torchPickle{storages: map[string]*storage{}}
	u := newTorchUnpickler(tp, rc, int64(pkl.UncompressedSize64), name, pkl.Name)
	root, err := u.load()
	if err != nil {
		return nil, err
	}
	sd := NewStateDict()
	sd.Format = FormatTorchZip
	refs, err := selectStateDict(sd, root, name)
	if err != nil {
		return nil, err
	}
	entry := func(st *storage) string { return prefix + "data/" + st.key }
	check := func(st *storage) error {
		f := files[entry(st)]
		if f == nil {
			return formatErr(name, entry(st), "storage %q is missing from the archive", st.key)
		}
		need := st.numel * int64(st.dt.size)
		avail := int64(min(f.UncompressedSize64, 1<<62))
		if f.Method != zip.Store {
			// Bound what a compressed entry may claim, since the claim is
			// only checked once it has been decompressed.
			avail = min(avail, 64*int64(min(f.CompressedSize64, 1<<40))+1<<20)
		} else if f.CompressedSize64 > uint64(size) {
			avail = 0
		}
		if need > avail {
			return formatErr(name, entry(st), "storage %q of %d %s elements needs %d bytes, the entry holds %d", st.key, st.numel, st.dt.name, need, avail)
		}
		return nil
	}
	read := func(st *storage, dst []byte) error {
		rc, err := files[entry(st)].Open()
		if err == nil {
			if _, err = io.ReadFull(rc, dst); err == nil {
				// Reading to the end makes the zip reader check the CRC.
				_, err = io.Copy(io.Discard, rc)
			}
			rc.Close()
		}
		if err != nil {
			return &FormatError{File: name, Entry: entry(st), Offset: -1, Msg: "read storage", Err: err}
		}
		return nil
	}
	if err := materialize(sd, refs, bo, check, read); err != nil {
		return nil, err
	}
	return sd, nil
}

// readEntry reads a small zip entry whole, refusing more than max bytes.
func readEntry(f *zip.File, max int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err == nil && int64(len(b)) > max {
		err = fmt.Errorf("entry larger than %d bytes", max)
	}
	return b, err
}

func newTorchUnpickler(tp *torchPickle, r io.Reader, size int64, file, entry string) *unpickler {
	return &unpickler{
		file: file, entry: entry, r: bufio.NewReaderSize(r, 1<<16), size: size,
		global: tp.global, call: tp.call, build: tp.build, persistentLoad: tp.persistentLoad,
	}
}

// legacyMagic is the first pickle of a legacy file.
var legacyMagic, _ = new(big.Int).SetString("1950a86a20f9469cfc6c", 16)

func loadTorchLegacy(r io.ReaderAt, size int64, name string) (*StateDict, error) {
	tp := &torchPickle{legacy: true, storages: map[string]*storage{}}
	u := newTorchUnpickler(tp, io.NewSectionReader(r, 0, size), size, name, "")
	magic, err := u.load()
	if err != nil {
		return nil, err
	}
	if m, ok := magic.(*big.Int); !ok || m.Cmp(legacyMagic) != 0 {
		return nil, formatErr(name, "", "a pickle, but not a PyTorch file (magic number %v)", magic)
	}
	u.stack = u.stack[:0]
	if v, err := u.load(); err != nil {
		return nil, err
	} else if v != int64(1001) {
		return nil, formatErr(name, "", "unsupported legacy protocol version %v, want 1001", v)
	}
	u.stack = u.stack[:0]
	info, err := u.load()
	if err != nil {
		return nil, err
	}
	bo := binary.ByteOrder(binary.LittleEndian)
	if d, ok := info.(*pyDict); ok {
		if le, ok := d.get("little_endian"); ok && le == false {
			bo = binary.BigEndian
		}
	}
	u.stack = u.stack[:0]
	root, err := u.load()
	if err != nil {
		return nil, err
	}
	u.stack = u.stack[:0]
	u.global = func(m, n string) (any, error) { return nil, ErrUnsafe } // a list of strings
	keysv, err := u.load()
	if err != nil {
		return nil, err
	}
	keys, ok := keysv.(*pyList)
	if !ok {
		return nil, formatErr(name, "", "storage key list is a %s", typeName(keysv))
	}
	// The storages follow, in the key list's order: an element count, then
	// the raw elements.
	at := u.pos
	for _, kv := range keys.items {
		key, _ := kv.(string)
		st := tp.storages[key]
		if st == nil || st.root != nil || st.at != 0 {
			return nil, formatErr(name, "", "storage key list names %v, which the pickle does not reference once", kv)
		}
		var nb [8]byte
		if err := readFull(r, nb[:], at); err != nil {
			return nil, &FormatError{File: name, Offset: at, Msg: fmt.Sprintf("storage %q: reading its size", key), Err: err}
		}
		n := int64(bo.Uint64(nb[:]))
		if n < st.numel || n > (size-at-8)/int64(st.dt.size) {
			return nil, &FormatError{File: name, Offset: at, Msg: fmt.Sprintf("storage %q claims %d %s elements (the pickle says %d) but %d bytes remain", key, n, st.dt.name, st.numel, size-at-8)}
		}
		st.at = at + 8
		at += 8 + n*int64(st.dt.size)
	}
	sd := NewStateDict()
	sd.Format = FormatTorchLegacy
	refs, err := selectStateDict(sd, root, name)
	if err != nil {
		return nil, err
	}
	check := func(st *storage) error {
		if st.at == 0 {
			return formatErr(name, "", "storage %q has no data in the file", st.key)
		}
		return nil
	}
	read := func(st *storage, dst []byte) error {
		if err := readFull(r, dst, st.at); err != nil {
			return &FormatError{File: name, Offset: st.at, Msg: fmt.Sprintf("reading storage %q", st.key), Err: err}
		}
		return nil
	}
	if err := materialize(sd, refs, bo, check, read); err != nil {
		return nil, err
	}
	return sd, nil
}
