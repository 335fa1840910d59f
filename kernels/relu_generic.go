// This file holds the bit-casting helpers of the generic ReLU twins.

package kernels

import "math"

func float32bits(f float32) uint32     { return math.Float32bits(f) }
func float32frombits(b uint32) float32 { return math.Float32frombits(b) }
