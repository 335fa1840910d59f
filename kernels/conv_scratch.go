// This file holds the convolutions' working memory. Everything a plan needs
// only for the length of one call — packed weights, the Winograd weight
// transform, the flipped kernel of the backward-data convolution, the
// workers' panels and transform buffers — lives in a convScratch taken
// from a process-wide free list for the call and given back after it. A
// network whose layers run one after another so reuses one scratch, sized
// by its largest layer, instead of holding every layer's (at VGG16 224 and
// batch 8 that is about 100 MB instead of about 800 MB); concurrent calls
// on different plans each take their own.

package kernels

import "sync"

// convScratch is one call's working memory; its buffers only grow.
type convScratch struct {
	ap      []float32 // im2col: packed W (forward) or Wᵀ (backward data)
	up      []float32 // Winograd: U = G g Gᵀ for all filters
	vShared []float32 // Winograd: V of a tile block that workers share
	wflip   []float32 // backward data through the flipped kernel
	dpad    []float32 // fast direct paths: one zero-padded image
	bout    []float32 // blocked direct path: one image's NCHW8c output
	im      []im2colWorker
	wino    []winoWorker
	wbwd    []winoBwdWorker
}

var convScratchPool struct {
	sync.Mutex
	free []*convScratch
}

// getConvScratch takes a scratch from the free list (or makes one).
func getConvScratch() *convScratch {
	convScratchPool.Lock()
	defer convScratchPool.Unlock()
	if n := len(convScratchPool.free); n > 0 {
		s := convScratchPool.free[n-1]
		convScratchPool.free = convScratchPool.free[:n-1]
		return s
	}
	return &convScratch{}
}

// putConvScratch gives s back to the free list.
func putConvScratch(s *convScratch) {
	convScratchPool.Lock()
	convScratchPool.free = append(convScratchPool.free, s)
	convScratchPool.Unlock()
}

// imWorkers returns the first n im2col worker slots, growing the table.
func (s *convScratch) imWorkers(n int) []im2colWorker {
	for len(s.im) < n {
		s.im = append(s.im, im2colWorker{})
	}
	return s.im[:n]
}

// winoWorkers returns the first n Winograd worker slots, growing the table.
func (s *convScratch) winoWorkers(n int) []winoWorker {
	for len(s.wino) < n {
		s.wino = append(s.wino, winoWorker{})
	}
	return s.wino[:n]
}

// winoBwdWorkers returns the first n weight-gradient worker slots.
func (s *convScratch) winoBwdWorkers(n int) []winoBwdWorker {
	for len(s.wbwd) < n {
		s.wbwd = append(s.wbwd, winoBwdWorker{})
	}
	return s.wbwd[:n]
}
