// This file is a restricted unpickler: it understands the pickle opcodes a
// PyTorch state dict is made of (protocols 2 to 5, plus the protocol-1 string
// forms old Python 2 files use) and nothing that builds arbitrary objects.
// Calls (GLOBAL, STACK_GLOBAL, REDUCE, BUILD) are delegated to a whitelist
// the caller supplies; everything else is refused with the opcode's name and
// offset.

package weights

import (
	"bufio"
	"fmt"
	"io"
)

// Python values as the unpickler builds them.
type (
	pyNone  struct{}
	pyTuple []any
	pyList  struct{ items []any }
	// pyDict keeps insertion order; index finds keys of hashable kinds.
	pyDict struct {
		keys, vals []any
		index      map[any]int
	}
	// pyGlobal is a whitelisted global, such as torch.FloatStorage.
	pyGlobal struct{ module, name string }
)

func newDict() *pyDict { return &pyDict{index: map[any]int{}} }

// set inserts or replaces k. Keys of unhashable kinds are appended.
func (d *pyDict) set(k, v any) {
	switch k.(type) {
	case string, int64, bool, float64, pyNone:
		if i, ok := d.index[k]; ok {
			d.vals[i] = v
			return
		}
		d.index[k] = len(d.keys)
	}
	d.keys = append(d.keys, k)
	d.vals = append(d.vals, v)
}

// get returns the value under a string key.
func (d *pyDict) get(k string) (any, bool) {
	i, ok := d.index[k]
	if !ok {
		return nil, false
	}
	return d.vals[i], true
}

// pyMark is pushed by MARK in place of the separate mark stack some
// implementations use; it keeps the stack and the marks in one slice.
type pyMark struct{}

// unpickler decodes one pickle from r. Offsets in errors are relative to
// the start of the section (base is added for the legacy format's file).
type unpickler struct {
	file, entry string
	r           *bufio.Reader
	base        int64 // file offset of the section start, for messages
	pos, size   int64 // bytes consumed, bytes available
	op          int64 // offset of the opcode being run
	curOp       byte  // the opcode being run
	stack       []any
	memo        map[uint32]any

	// global resolves GLOBAL and STACK_GLOBAL; it returns ErrUnsafe for a
	// name outside the whitelist.
	global func(module, name string) (any, error)
	// call runs REDUCE on a value that global returned.
	call func(fn any, args pyTuple) (any, error)
	// build runs BUILD: state applied to obj; nil means refuse.
	build func(obj, state any) error
	// persistentLoad resolves BINPERSID and PERSID.
	persistentLoad func(pid any) (any, error)
}

func (u *unpickler) errorf(format string, args ...any) error {
	return &FormatError{File: u.file, Entry: u.entry, Offset: u.base + u.op, Msg: "pickle: " + fmt.Sprintf(format, args...)}
}

func (u *unpickler) unsafef(format string, args ...any) error {
	return &FormatError{File: u.file, Entry: u.entry, Offset: u.base + u.op, Msg: "pickle: " + fmt.Sprintf(format, args...), Err: ErrUnsafe}
}

// read returns the next n bytes, refusing n larger than what is left so that
// a corrupt length never drives an allocation.
func (u *unpickler) read(n int64) ([]byte, error) {
	if n < 0 || n > u.size-u.pos {
		return nil, u.errorf("%s claims %d bytes but only %d remain (truncated or corrupt)", opName(u.curOp), n, u.size-u.pos)
	}
	var b []byte
	var err error
	if n <= 1<<20 {
		b = make([]byte, n)
		_, err = io.ReadFull(u.r, b)
	} else {
		// size may be a compressed zip entry's unverified claim: grow the
		// buffer only as the bytes arrive.
		b, err = io.ReadAll(io.LimitReader(u.r, n))
		if err == nil && int64(len(b)) != n {
			err = io.ErrUnexpectedEOF
		}
	}
	if err != nil {
		return nil, &FormatError{File: u.file, Entry: u.entry, Offset: u.base + u.pos, Msg: "pickle: read", Err: err}
	}
	u.pos += n
	return b, nil
}

func (u *unpickler) readUint(n int) (uint64, error) {
	b, err := u.read(int64(n))
	if err != nil {
		return 0, err
	}
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v, nil
}

// readLine reads a newline-terminated line of at most 256 bytes (GLOBAL).
func (u *unpickler) readLine() (string, error) {
	var b []byte
	for {
		if u.pos >= u.size {
			return "", u.errorf("%s: unterminated line", opName(u.curOp))
		}
		c, err := u.r.ReadByte()
		if err != nil {
			return "", &FormatError{File: u.file, Entry: u.entry, Offset: u.base + u.pos, Msg: "pickle: read", Err: err}
		}
		u.pos++
		if c == '\n' {
			return string(b), nil
		}
		if len(b) == 256 {
			return "", u.errorf("%s: line longer than 256 bytes", opName(u.curOp))
		}
		b = append(b, c)
	}
}

func (u *unpickler) push(v any) { u.stack = append(u.stack, v) }

func (u *unpickler) pop() (any, error) {
	if len(u.stack) == 0 {
		return nil, u.errorf("%s on an empty stack", opName(u.curOp))
	}
	v := u.stack[len(u.stack)-1]
	u.stack = u.stack[:len(u.stack)-1]
	if _, ok := v.(pyMark); ok {
		return nil, u.errorf("%s found a MARK where it wanted a value", opName(u.curOp))
	}
	return v, nil
}

func (u *unpickler) top() (any, error) {
	if len(u.stack) == 0 {
		return nil, u.errorf("%s on an empty stack", opName(u.curOp))
	}
	v := u.stack[len(u.stack)-1]
	if _, ok := v.(pyMark); ok {
		return nil, u.errorf("%s found a MARK where it wanted a value", opName(u.curOp))
	}
	return v, nil
}

// popMark pops everything down to the topmost MARK and returns it as a copy.
func (u *unpickler) popMark() ([]any, error) {
	for i := len(u.stack) - 1; i >= 0; i-- {
		if _, ok := u.stack[i].(pyMark); ok {
			items := append([]any(nil), u.stack[i+1:]...)
			u.stack = u.stack[:i]
			return items, nil
		}
	}
	return nil, u.errorf("%s without a MARK", opName(u.curOp))
}

// load runs the pickle to its STOP and returns the value it built.
func (u *unpickler) load() (any, error) {
	u.memo = map[uint32]any{}
	for {
		u.op = u.pos
		if u.pos >= u.size {
			return nil, u.errorf("truncated: no STOP opcode")
		}
		c, err := u.r.ReadByte()
		if err != nil {
			return nil, &FormatError{File: u.file, Entry: u.entry, Offset: u.base + u.pos, Msg: "pickle: read", Err: err}
		}
		u.pos++
		u.curOp = c
		if c == opStop {
			if len(u.stack) != 1 {
				return nil, u.errorf("STOP with %d values on the stack, want 1", len(u.stack))
			}
			return u.pop()
		}
		if err := u.step(c); err != nil {
			return nil, err
		}
	}
}
