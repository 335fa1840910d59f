// This file reads IDX files, the format of MNIST and Fashion-MNIST, plain or
// gzipped, without trusting the header: sizes are checked before anything is
// allocated.

package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// MaxIDXBytes bounds the payload an IDX header may declare (1 GiB); a larger
// claim is rejected before any allocation.
const MaxIDXBytes = 1 << 30

// IDX is the content of an IDX file of unsigned bytes: its dimensions and
// its elements in row-major order.
type IDX struct {
	Dims []int
	Data []uint8
}

// ReadIDX reads an IDX file of unsigned bytes (type code 0x08) from r,
// decompressing it first if it starts with the gzip magic. A header whose
// dimensions multiply past MaxIDXBytes, a truncated payload, trailing bytes
// and other element types are errors; nothing is allocated for a claimed
// size before the bytes arrive.
func ReadIDX(r io.Reader) (*IDX, error) {
	br := bufio.NewReader(r)
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("idx: gzip: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	var head [4]byte
	if _, err := io.ReadFull(br, head[:]); err != nil {
		return nil, fmt.Errorf("idx: reading the magic number: %w", noEOF(err))
	}
	if head[0] != 0 || head[1] != 0 {
		return nil, fmt.Errorf("idx: bad magic %02x%02x%02x%02x (want 0000 then type and rank)", head[0], head[1], head[2], head[3])
	}
	if head[2] != 0x08 {
		return nil, fmt.Errorf("idx: element type 0x%02x not supported (only 0x08, unsigned bytes)", head[2])
	}
	rank := int(head[3])
	if rank == 0 {
		return nil, fmt.Errorf("idx: rank 0")
	}
	dims := make([]int, rank)
	total := 1
	for i := range dims {
		var d uint32
		if err := binary.Read(br, binary.BigEndian, &d); err != nil {
			return nil, fmt.Errorf("idx: reading dimension %d of %d: %w", i, rank, noEOF(err))
		}
		dims[i] = int(d)
		if d > MaxIDXBytes || (d > 0 && total > MaxIDXBytes/int(d)) {
			return nil, fmt.Errorf("idx: dimensions %v... declare more than %d bytes", dims[:i+1], MaxIDXBytes)
		}
		total *= int(d)
	}
	// Grow with the bytes that actually arrive, never to the claimed size.
	var buf bytes.Buffer
	if total <= 1<<20 {
		buf.Grow(total)
	}
	n, err := io.Copy(&buf, io.LimitReader(br, int64(total)))
	if err != nil {
		return nil, fmt.Errorf("idx: reading %d bytes of data: %w", total, err)
	}
	if int(n) != total {
		return nil, fmt.Errorf("idx: truncated: header %v declares %d bytes, file has %d", dims, total, n)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		if err == nil {
			return nil, fmt.Errorf("idx: trailing bytes after the %d declared by header %v", total, dims)
		}
		return nil, fmt.Errorf("idx: %w", err)
	}
	return &IDX{Dims: dims, Data: buf.Bytes()}, nil
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// ReadIDXFile is ReadIDX on a file; errors name the file.
func ReadIDXFile(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	x, err := ReadIDX(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return x, nil
}

// LoadIDX reads an images file (rank 3: N×H×W, grayscale) and a labels file
// (rank 1: N) into a Memory with the given class names (nil: "0", "1", ...
// up to the largest label).
func LoadIDX(imagesPath, labelsPath string, classes []string) (*Memory, error) {
	im, err := ReadIDXFile(imagesPath)
	if err != nil {
		return nil, err
	}
	lb, err := ReadIDXFile(labelsPath)
	if err != nil {
		return nil, err
	}
	m, err := IDXMemory(im, lb, classes)
	if err != nil {
		return nil, fmt.Errorf("%s, %s: %w", imagesPath, labelsPath, err)
	}
	return m, nil
}

// IDXMemory pairs an images IDX (N×H×W) with a labels IDX (N) as a Memory
// with the given class names (nil: "0", "1", ... up to the largest label).
func IDXMemory(im, lb *IDX, classes []string) (*Memory, error) {
	if len(im.Dims) != 3 {
		return nil, fmt.Errorf("images have rank %d, want 3 (N, H, W)", len(im.Dims))
	}
	if len(lb.Dims) != 1 {
		return nil, fmt.Errorf("labels have rank %d, want 1", len(lb.Dims))
	}
	n, h, w := im.Dims[0], im.Dims[1], im.Dims[2]
	if lb.Dims[0] != n {
		return nil, fmt.Errorf("%d labels for %d images", lb.Dims[0], n)
	}
	if h == 0 || w == 0 {
		return nil, fmt.Errorf("images of size %dx%d", h, w)
	}
	labels := make([]int, n)
	maxLabel := -1
	for i, v := range lb.Data {
		labels[i] = int(v)
		maxLabel = max(maxLabel, int(v))
	}
	if classes == nil {
		for k := 0; k <= maxLabel; k++ {
			classes = append(classes, fmt.Sprint(k))
		}
	}
	if maxLabel >= len(classes) {
		return nil, fmt.Errorf("label %d but only %d class names", maxLabel, len(classes))
	}
	return NewMemory(1, h, w, im.Data, labels, classes), nil
}
