//go:build amd64 && !purego

package kernels

// asmAvailable reports that the assembly kernels are compiled in.
const asmAvailable = true
