//go:build !amd64 || purego

// This file is the Sgemm dispatch of builds without assembly (purego or a
// non-amd64 architecture): every ISA runs the pure-Go micro-kernel.

package kernels

// sgemmKernelFor returns the micro-kernel Sgemm uses for isa on an m×n×k
// product: always the generic one here.
func sgemmKernelFor(isa ISA, m, n, k int) *sgemmKernel { return &genericKernel }

// sgemmKernels lists the micro-kernels this build and CPU can run, for tests
// and benchmarks.
func sgemmKernels() []*sgemmKernel { return []*sgemmKernel{&genericKernel} }
