// This file holds CacheWeights, which switches the inference weight cache of
// every layer of a model that has one.

package nn

// WeightCacher is implemented by layers that can keep their weights in the
// form their kernels read, for inference (Conv2d).
type WeightCacher interface {
	CacheWeights(on bool)
}

// CacheWeights calls CacheWeights(on) on m and, through Sequential
// containers, on every layer inside it that implements WeightCacher, and
// returns how many it reached. Use it after loading weights for inference;
// the weights must not change while it is on (turn it on again after
// changing them).
func CacheWeights(m Module, on bool) int {
	n := 0
	if c, ok := m.(WeightCacher); ok {
		c.CacheWeights(on)
		n++
	}
	if s, ok := m.(*Sequential); ok {
		for i := 0; i < s.Len(); i++ {
			n += CacheWeights(s.At(i), on)
		}
	}
	return n
}
