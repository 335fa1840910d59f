// This file holds the unpickler's opcode table and the step that runs one
// opcode. Opcodes not listed in step are refused.

package weights

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strings"
	"unicode/utf8"
)

// step runs one opcode other than STOP.
func (u *unpickler) step(c byte) error {
	switch c {
	case opProto:
		v, err := u.readUint(1)
		if err != nil {
			return err
		}
		if v > 5 {
			return u.errorf("unsupported pickle protocol %d", v)
		}
	case opFrame:
		// A length hint for buffering; the frame's opcodes follow inline.
		if _, err := u.readUint(8); err != nil {
			return err
		}
	case opMark:
		u.push(pyMark{})
	case opPop:
		if len(u.stack) == 0 {
			return u.errorf("POP on an empty stack")
		}
		u.stack = u.stack[:len(u.stack)-1]
	case opPopMark:
		if _, err := u.popMark(); err != nil {
			return err
		}
	case opDup:
		v, err := u.top()
		if err != nil {
			return err
		}
		u.push(v)
	case opNone:
		u.push(pyNone{})
	case opNewTrue:
		u.push(true)
	case opNewFalse:
		u.push(false)
	case opBinInt:
		v, err := u.readUint(4)
		if err != nil {
			return err
		}
		u.push(int64(int32(uint32(v))))
	case opBinInt1:
		v, err := u.readUint(1)
		if err != nil {
			return err
		}
		u.push(int64(v))
	case opBinInt2:
		v, err := u.readUint(2)
		if err != nil {
			return err
		}
		u.push(int64(v))
	case opLong1:
		n, err := u.readUint(1)
		if err != nil {
			return err
		}
		b, err := u.read(int64(n))
		if err != nil {
			return err
		}
		u.push(decodeLong(b))
	case opBinFloat:
		b, err := u.read(8)
		if err != nil {
			return err
		}
		u.push(math.Float64frombits(binary.BigEndian.Uint64(b)))
	case opShortBinUnicode, opBinUnicode, opBinUnicode8, opShortBinString, opBinString:
		n, err := u.readUint(map[byte]int{opShortBinUnicode: 1, opBinUnicode: 4, opBinUnicode8: 8, opShortBinString: 1, opBinString: 4}[c])
		if err != nil {
			return err
		}
		if n > math.MaxInt64 {
			return u.errorf("%s: length %d", opName(c), n)
		}
		b, err := u.read(int64(n))
		if err != nil {
			return err
		}
		if c != opShortBinString && c != opBinString && !utf8.Valid(b) {
			return u.errorf("%s: invalid UTF-8", opName(c))
		}
		u.push(string(b)) // Python 2 str decodes as UTF-8, as torch.load does
	case opShortBinBytes, opBinBytes, opBinBytes8:
		n, err := u.readUint(map[byte]int{opShortBinBytes: 1, opBinBytes: 4, opBinBytes8: 8}[c])
		if err != nil {
			return err
		}
		if n > math.MaxInt64 {
			return u.errorf("%s: length %d", opName(c), n)
		}
		b, err := u.read(int64(n))
		if err != nil {
			return err
		}
		u.push(b)
	case opEmptyTuple:
		u.push(pyTuple{})
	case opTuple:
		items, err := u.popMark()
		if err != nil {
			return err
		}
		u.push(pyTuple(items))
	case opTuple1, opTuple2, opTuple3:
		n := int(c-opTuple1) + 1
		t := make(pyTuple, n)
		for i := n - 1; i >= 0; i-- {
			v, err := u.pop()
			if err != nil {
				return err
			}
			t[i] = v
		}
		u.push(t)
	case opEmptyList:
		u.push(&pyList{})
	case opList:
		items, err := u.popMark()
		if err != nil {
			return err
		}
		u.push(&pyList{items: items})
	case opAppend, opAppends:
		var items []any
		if c == opAppend {
			v, err := u.pop()
			if err != nil {
				return err
			}
			items = []any{v}
		} else {
			var err error
			if items, err = u.popMark(); err != nil {
				return err
			}
		}
		t, err := u.top()
		if err != nil {
			return err
		}
		l, ok := t.(*pyList)
		if !ok {
			return u.unsafef("%s on a %s, not a list", opName(c), typeName(t))
		}
		l.items = append(l.items, items...)
	case opEmptyDict:
		u.push(newDict())
	case opDict, opSetItems:
		items, err := u.popMark()
		if err != nil {
			return err
		}
		if len(items)%2 != 0 {
			return u.errorf("%s with an odd number (%d) of keys and values", opName(c), len(items))
		}
		var d *pyDict
		if c == opDict {
			d = newDict()
			u.push(d)
		} else {
			t, err := u.top()
			if err != nil {
				return err
			}
			var ok bool
			if d, ok = t.(*pyDict); !ok {
				return u.unsafef("%s on a %s, not a dict", opName(c), typeName(t))
			}
		}
		for i := 0; i < len(items); i += 2 {
			d.set(items[i], items[i+1])
		}
	case opSetItem:
		v, err := u.pop()
		if err != nil {
			return err
		}
		k, err := u.pop()
		if err != nil {
			return err
		}
		t, err := u.top()
		if err != nil {
			return err
		}
		d, ok := t.(*pyDict)
		if !ok {
			return u.unsafef("SETITEM on a %s, not a dict", typeName(t))
		}
		d.set(k, v)
	case opBinPut, opLongBinPut, opMemoize:
		var idx uint64
		if c == opMemoize {
			idx = uint64(len(u.memo))
		} else {
			var err error
			if idx, err = u.readUint(map[byte]int{opBinPut: 1, opLongBinPut: 4}[c]); err != nil {
				return err
			}
		}
		v, err := u.top()
		if err != nil {
			return err
		}
		u.memo[uint32(idx)] = v
	case opBinGet, opLongBinGet:
		idx, err := u.readUint(map[byte]int{opBinGet: 1, opLongBinGet: 4}[c])
		if err != nil {
			return err
		}
		v, ok := u.memo[uint32(idx)]
		if !ok {
			return u.errorf("%s of memo slot %d, which is empty", opName(c), idx)
		}
		u.push(v)
	case opGlobal, opStackGlobal:
		var module, name string
		if c == opGlobal {
			var err error
			if module, err = u.readLine(); err != nil {
				return err
			}
			if name, err = u.readLine(); err != nil {
				return err
			}
		} else {
			nv, err := u.pop()
			if err != nil {
				return err
			}
			mv, err := u.pop()
			if err != nil {
				return err
			}
			var ok1, ok2 bool
			module, ok1 = mv.(string)
			name, ok2 = nv.(string)
			if !ok1 || !ok2 {
				return u.errorf("STACK_GLOBAL of a %s and a %s, not two strings", typeName(mv), typeName(nv))
			}
		}
		g, err := u.global(module, name)
		if err != nil {
			return u.unsafef("global %s.%s is not allowed: a state dict holds only tensors, storages, ordered dicts and plain values", printable(module), printable(name))
		}
		u.push(g)
	case opReduce:
		args, err := u.pop()
		if err != nil {
			return err
		}
		fn, err := u.pop()
		if err != nil {
			return err
		}
		t, ok := args.(pyTuple)
		if !ok {
			return u.errorf("REDUCE with %s arguments, not a tuple", typeName(args))
		}
		v, err := u.call(fn, t)
		if err != nil {
			return u.unsafef("REDUCE: %v", err)
		}
		u.push(v)
	case opBuild:
		state, err := u.pop()
		if err != nil {
			return err
		}
		obj, err := u.top()
		if err != nil {
			return err
		}
		if err := u.build(obj, state); err != nil {
			return u.unsafef("BUILD: %v", err)
		}
	case opBinPersID, opPersID:
		var pid any
		if c == opBinPersID {
			var err error
			if pid, err = u.pop(); err != nil {
				return err
			}
		} else {
			line, err := u.readLine()
			if err != nil {
				return err
			}
			pid = line
		}
		v, err := u.persistentLoad(pid)
		if err != nil {
			return u.errorf("%s: %v", opName(c), err)
		}
		u.push(v)
	default:
		if _, known := opNames[c]; known {
			return u.unsafef("opcode %s is not allowed in a state dict", opName(c))
		}
		return u.errorf("%s", opName(c))
	}
	return nil
}

// decodeLong decodes LONG1's two's-complement little-endian bytes: an int64
// when it fits, otherwise a *big.Int (the legacy format's magic number).
func decodeLong(b []byte) any {
	if len(b) == 0 {
		return int64(0)
	}
	if len(b) <= 8 {
		var v uint64
		for i := len(b) - 1; i >= 0; i-- {
			v = v<<8 | uint64(b[i])
		}
		shift := 64 - 8*uint(len(b))
		return int64(v<<shift) >> shift
	}
	be := make([]byte, len(b))
	for i := range b {
		be[len(b)-1-i] = b[i]
	}
	v := new(big.Int).SetBytes(be)
	if b[len(b)-1]&0x80 != 0 {
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return v
}

// typeName names a value's Python type for messages.
func typeName(v any) string {
	switch v := v.(type) {
	case pyNone:
		return "None"
	case bool:
		return "bool"
	case int64, *big.Int:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case []byte:
		return "bytes"
	case pyTuple:
		return "tuple"
	case *pyList:
		return "list"
	case *pyDict:
		return "dict"
	case pyGlobal:
		return "global " + v.module + "." + v.name
	}
	return fmt.Sprintf("%T", v)
}

// printable quotes a name from a file if it holds anything unusual.
func printable(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r > 0x7e }) >= 0 {
		return fmt.Sprintf("%q", s)
	}
	return s
}
