//go:build !amd64 || purego

package kernels

func reluForward(x, y []float32)       { reluForwardGeneric(x, y) }
func reluBackward(y, dy, dx []float32) { reluBackwardGeneric(y, dy, dx) }
