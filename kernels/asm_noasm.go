//go:build !amd64 || purego

package kernels

// asmAvailable reports that the assembly kernels are compiled out (purego
// build or a non-amd64 architecture); every kernel runs its generic twin.
const asmAvailable = false
