// This file describes which of Sgemm's paths, micro-kernels, worker grids
// and cache blocks a call takes, for benchmark tools to print beside their
// figures.

package kernels

import "fmt"

// SgemmImpl describes what Sgemm would run for these arguments with the
// active ISA and Threads() workers, in the key=value form that benchmark
// tools print beside their figures (as oneDNN's verbose mode names its
// implementation), for example
//
//	path=packed kernel=avx2:6x16 workers=2 grid=1x2 kc=192 mc=288 nc=4096
//
// path is packed (the cache-blocked kernels; b=in-place when the kernel
// reads B's rows where they are, order=row-wise for a short K), panels (one
// block of op(A), its column panels claimed by the workers as they come),
// shared (4 or more workers packing each block once for all), dot and dot16
// (C = A·Bᵀ with up to 8 or 32 rows: dot products streaming B's rows), rows
// (C = A·B with few rows: B's rows streaming eight at a time), scale (k = 0:
// C = beta*C) or empty. kernel is the ISA's micro-kernel and its register
// tile, or the streaming kernel. b and ldb are the call's (whether B is read
// in place depends on its alignment); B's size is checked as Sgemm checks
// it, and nothing is read or computed.
func SgemmImpl(transA, transB bool, m, n, k int, b []float32, ldb int) string {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("kernels: SgemmImpl: negative size m=%d n=%d k=%d", m, n, k))
	}
	switch {
	case m == 0 || n == 0:
		return "path=empty"
	case k == 0:
		return "path=scale"
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	checkMatrix("SgemmImpl", "B", transB, br, bc, len(b), ldb, "ldb")
	j := new(sgemmJob)
	kr := sgemmKernelFor(active, m, n, k)
	w := j.plan(kr, transA, transB, m, n, k, 1, nil, 0, b, ldb, 0, nil, 0)
	return j.describe(w)
}

// describe is SgemmImpl's text for a planned job on w workers, on the path
// sgemm would take (j.path).
func (j *sgemmJob) describe(w int) string {
	kr := j.kr
	tile := fmt.Sprintf("%s:%dx%d", kr.name, kr.mr, kr.nr)
	kc, mc, nc := kr.blocking()
	switch j.path(w) {
	case pathPanels:
		return fmt.Sprintf("path=panels kernel=%s workers=%d panels=%d kc=%d",
			tile, min(w, (j.n+kr.nr-1)/kr.nr), (j.n+kr.nr-1)/kr.nr, j.k)
	case pathShared:
		return fmt.Sprintf("path=shared kernel=%s workers=%d grid=%dx%d kc=%d mc=%d nc=%d",
			tile, w, j.pm, j.pn, j.sharedKC(), mc, nc)
	case pathRows:
		return fmt.Sprintf("path=rows kernel=%s:%s workers=%d", kr.name, j.rowsKernelName(), w)
	case pathDot:
		return fmt.Sprintf("path=dot kernel=%s:%s workers=%d bands=%d", kr.name, j.dotKernelName(), w, j.pn)
	case pathDot16:
		return fmt.Sprintf("path=dot16 kernel=%s:dot6x16 workers=%d bands=%d", kr.name, w, j.pn)
	}
	s := "path=packed"
	switch {
	case j.directB:
		kc = min(kc, sgemmDirectKC)
		s += " b=in-place"
	case !j.transB && j.m <= mc:
		kc = j.evenKC(kc)
	}
	if j.k <= sgemmRowWiseMaxK {
		s += " order=row-wise"
	}
	return fmt.Sprintf("%s kernel=%s workers=%d grid=%dx%d kc=%d mc=%d nc=%d",
		s, tile, min(w, j.pm*j.pn), j.pm, j.pn, min(kc, j.k), mc, nc)
}

// dotKernelName names the kernel dotBlock calls for most rows of B: gemv1
// to gemv4 (lane sums), dot8, dot6 (dot6-far for B beyond L3) or dot4.
func (j *sgemmJob) dotKernelName() string {
	switch {
	case j.gemv:
		return fmt.Sprintf("gemv%d", j.m)
	case j.useDot8():
		return "dot8"
	case j.kr.dot6 == nil || j.n < 6:
		return "dot4"
	case j.kr.dot6Far != nil && j.bBeyondL3():
		return "dot6-far"
	}
	return "dot6"
}

// rowsKernelName names the kernel runRowsCells calls: rows8, rows4 (up to
// four rows of C) or rows1 (one), with -far for B beyond L3 (one row then
// takes rows4-far).
func (j *sgemmJob) rowsKernelName() string {
	name, far := "rows8", j.kr.rowsFar
	if j.m <= 4 && j.kr.rows4 != nil {
		name, far = "rows4", j.kr.rows4Far
	}
	if far != nil && j.bBeyondL3() {
		return name + "-far"
	}
	if j.m == 1 && j.kr.rows1 != nil {
		return "rows1"
	}
	return name
}
