// This file owns aligned allocation: every backing store the package makes
// starts on a 64-byte boundary.

package tensor

import (
	"fmt"
	"unsafe"
)

// Alignment is the byte alignment of the first element of every backing store
// allocated by this package.
const Alignment = 64

// AlignedFloats returns a zeroed []float32 of length n whose first element is
// 64-byte aligned. It over-allocates by up to 15 elements and slices.
func AlignedFloats(n int) []float32 {
	if n < 0 {
		panic(fmt.Sprintf("tensor: AlignedFloats: negative length %d", n))
	}
	const extra = Alignment/4 - 1
	buf := make([]float32, n+extra)
	off := 0
	if addr := uintptr(unsafe.Pointer(unsafe.SliceData(buf))); addr%Alignment != 0 {
		off = int((Alignment - addr%Alignment) / 4)
	}
	return buf[off : off+n : off+n]
}

// IsAligned reports whether the first element of s sits on a 64-byte boundary
// (an empty slice counts as aligned).
func IsAligned(s []float32) bool {
	if cap(s) == 0 {
		return true
	}
	return uintptr(unsafe.Pointer(unsafe.SliceData(s)))%Alignment == 0
}
