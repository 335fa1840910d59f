//go:build !purego

// This file is the Sgemm dispatch of amd64 builds with assembly.

package kernels

// sgemmKernelFor returns the micro-kernel Sgemm uses for isa on an m×n×k
// product. (The assembly kernels are being written: generic for now.)
func sgemmKernelFor(isa ISA, m, n, k int) *sgemmKernel { return &genericKernel }

// sgemmKernels lists the micro-kernels this build and CPU can run, for tests
// and benchmarks.
func sgemmKernels() []*sgemmKernel { return []*sgemmKernel{&genericKernel} }
