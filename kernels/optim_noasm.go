//go:build !amd64 || purego

package kernels

func adamStep(p, g, m, v, vmax []float32, h AdamParams) { adamStepGeneric(p, g, m, v, vmax, h) }
func sgdStep(p, g, buf []float32, h SGDParams)          { sgdStepGeneric(p, g, buf, h) }
