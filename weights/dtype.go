// This file knows the element types checkpoints store and how to widen each
// to float32 or int64, in either byte order.

package weights

import (
	"encoding/binary"
	"math"
)

// dtype is an element type as stored in a file. name is the safetensors
// spelling, which StateDict.DTypes reports for every format.
type dtype struct {
	name  string
	size  int  // bytes per element
	float bool // decoded to float32; otherwise to int64
}

var (
	dtF64  = dtype{"F64", 8, true}
	dtF32  = dtype{"F32", 4, true}
	dtF16  = dtype{"F16", 2, true}
	dtBF16 = dtype{"BF16", 2, true}
	dtI64  = dtype{"I64", 8, false}
	dtI32  = dtype{"I32", 4, false}
	dtI16  = dtype{"I16", 2, false}
	dtI8   = dtype{"I8", 1, false}
	dtU8   = dtype{"U8", 1, false}
	dtBool = dtype{"BOOL", 1, false}
)

// safetensorsDTypes maps the safetensors dtype names this package reads.
var safetensorsDTypes = map[string]dtype{
	"F64": dtF64, "F32": dtF32, "F16": dtF16, "BF16": dtBF16,
	"I64": dtI64, "I32": dtI32, "I16": dtI16, "I8": dtI8, "U8": dtU8, "BOOL": dtBool,
}

// torchStorages maps the storage classes of module torch to their dtypes.
var torchStorages = map[string]dtype{
	"DoubleStorage": dtF64, "FloatStorage": dtF32, "HalfStorage": dtF16, "BFloat16Storage": dtBF16,
	"LongStorage": dtI64, "IntStorage": dtI32, "ShortStorage": dtI16, "CharStorage": dtI8,
	"ByteStorage": dtU8, "BoolStorage": dtBool,
}

// nativeLE reports whether this machine is little-endian, so that F32 data in
// a little-endian file can be read straight into a []float32.
var nativeLE = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// floatAt decodes element i of src, which holds elements of type dt.
func floatAt(src []byte, i int, dt dtype, bo binary.ByteOrder) float32 {
	switch dt {
	case dtF32:
		return math.Float32frombits(bo.Uint32(src[4*i:]))
	case dtF16:
		return halfToFloat(bo.Uint16(src[2*i:]))
	case dtBF16:
		return math.Float32frombits(uint32(bo.Uint16(src[2*i:])) << 16)
	case dtF64:
		return float32(math.Float64frombits(bo.Uint64(src[8*i:])))
	}
	panic("weights: floatAt: " + dt.name)
}

// intAt decodes element i of src, which holds elements of type dt.
func intAt(src []byte, i int, dt dtype, bo binary.ByteOrder) int64 {
	switch dt {
	case dtI64:
		return int64(bo.Uint64(src[8*i:]))
	case dtI32:
		return int64(int32(bo.Uint32(src[4*i:])))
	case dtI16:
		return int64(int16(bo.Uint16(src[2*i:])))
	case dtI8:
		return int64(int8(src[i]))
	case dtU8:
		return int64(src[i])
	case dtBool:
		if src[i] != 0 {
			return 1
		}
		return 0
	}
	panic("weights: intAt: " + dt.name)
}

// decodeFloats fills dst with the first len(dst) elements of src.
func decodeFloats(dst []float32, src []byte, dt dtype, bo binary.ByteOrder) {
	for i := range dst {
		dst[i] = floatAt(src, i, dt, bo)
	}
}

// decodeInts fills dst with the first len(dst) elements of src.
func decodeInts(dst []int64, src []byte, dt dtype, bo binary.ByteOrder) {
	for i := range dst {
		dst[i] = intAt(src, i, dt, bo)
	}
}

// halfToFloat converts IEEE 754 binary16 bits to float32 exactly
// (subnormals, infinities and NaN payloads included).
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0xff<<23 | mant<<13)
	case exp != 0: // normal: rebias 15 -> 127
		return math.Float32frombits(sign | (exp+112)<<23 | mant<<13)
	case mant == 0:
		return math.Float32frombits(sign)
	}
	// Subnormal half: mant * 2^-24, a normal float32.
	e := uint32(113)
	for mant&0x400 == 0 {
		mant <<= 1
		e--
	}
	return math.Float32frombits(sign | e<<23 | (mant&0x3ff)<<13)
}
