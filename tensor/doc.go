// Package tensor is gocnn's float32 tensor core.
//
// A Tensor is a shape, strides and a []float32 backing store. Layout is
// row-major; image tensors are NCHW (batch N, channels C, height H, width W),
// the layout PyTorch uses, and that is the only layout the rest of gocnn
// assumes at package boundaries. Storage that this package allocates starts on
// a 64-byte boundary (a cache line, and the width of an AVX-512 register), so
// SIMD kernels can use aligned loads on the first element; views made by Slice
// keep the alignment only when their offset is a multiple of 16 elements.
//
// Programmer errors (shape mismatches, out-of-range indices, negative sizes)
// panic at the API boundary with a message naming the operation and the
// shapes, as in "tensor: Add: shape [8 3 32 32] vs [8 3 31 32]".
//
// Random constructors take an explicit *RNG, a PCG generator, so that results
// are reproducible across runs and machines for a seed.
//
// Imports: tensor imports nothing of gocnn's. Hot elementwise work is written
// in plain Go here; the kernels package holds the SIMD versions.
package tensor
