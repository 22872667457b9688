// Copyright 2026 The mrelu Authors.

//go:build !noasm

package kernel

//go:generate go run gen_asm.go gen_asm_more.go

// cpuid executes the CPUID instruction with the given leaf and sub-leaf.
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

// xgetbv returns the XCR0 register; only call it when OSXSAVE is set.
func xgetbv() (eax, edx uint32)

// spinPause executes PAUSE, the spin-wait hint.
func spinPause()

// cpuFeatures reports whether the CPU and the operating system support the
// AVX2+FMA kernels and the AVX-512 (F, with the ZMM state enabled) kernels.
func cpuFeatures() (hasAVX2FMA, hasAVX512 bool) {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false, false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const (
		fma     = 1 << 12
		osxsave = 1 << 27
		avx     = 1 << 28
	)
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false, false
	}
	xcr0, _ := xgetbv()
	if xcr0&6 != 6 { // XMM and YMM state
		return false, false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	const (
		avx2     = 1 << 5
		avx512f  = 1 << 16
		zmmState = 0xe0 // opmask, ZMM0-15 upper halves, ZMM16-31
	)
	hasAVX2FMA = ebx7&avx2 != 0
	hasAVX512 = hasAVX2FMA && ebx7&avx512f != 0 && xcr0&zmmState == zmmState
	return hasAVX2FMA, hasAVX512
}

// lanes16 holds the lane numbers 0, 1, ..., 15, the gather and compress
// indices of the AVX-512 kernels in pack_amd64.s and sparse_amd64.s.
var lanes16 = [16]int32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}

// avx2Masks[8-r:16-r] is the VMASKMOVPS lane mask selecting the first r lanes.
var avx2Masks = [16]int32{-1, -1, -1, -1, -1, -1, -1, -1}

// packPanelNAVX512 and packPanelTAVX512 are packPanel for !transB and transB
// with w = 16 or 32; m1 and m2 are the lane masks of columns 0-15 and 16-31.
//
//go:noescape
func packPanelNAVX512(dst, src *float32, ldb, kl int, m1, m2 uint32, w int)

//go:noescape
func packPanelTAVX512(dst, src *float32, ldb, kl int, m1, m2 uint32, w int)

// packPanelAVX512 is packPanel for the AVX-512 panels (w = 16 or 32).
func packPanelAVX512(dst []float32, transB bool, b []float32, ldb, k0, kl, j0, cols, w int) {
	if kl == 0 {
		return
	}
	if w != 16 && w != 32 || cols < 1 || cols > w || transB && 32*ldb >= 1<<31 {
		packPanel(dst, transB, b, ldb, k0, kl, j0, cols, w)
		return
	}
	_ = dst[kl*w-1]
	var off, last int
	if transB {
		off, last = j0*ldb+k0, (j0+cols-1)*ldb+k0+kl-1
	} else {
		off, last = k0*ldb+j0, (k0+kl-1)*ldb+j0+cols-1
	}
	_ = b[last] // all reads are within b
	m1 := uint32(1)<<uint(min(cols, 16)) - 1
	m2 := uint32(1)<<uint(max(cols-16, 0)) - 1
	if transB {
		packPanelTAVX512(&dst[0], &b[off], ldb, kl, m1, m2, w)
	} else {
		packPanelNAVX512(&dst[0], &b[off], ldb, kl, m1, m2, w)
	}
}

// dotAVX512 adapts sgemmAVX512Dot to impl.dot.
func dotAVX512(kc, mr int, a *float32, lda int, bt *float32, ldbt int, c *float32, ldc int, alpha, beta float32, cols int) {
	kmask := uint32(1)<<uint(kc%16) - 1
	cmask := uint32(1)<<uint(cols) - 1
	sgemmAVX512Dot(mr, kc, a, lda, bt, ldbt, c, ldc, alpha, beta, kmask, cmask)
}

// panelKernels are an instruction set's four panel kernels (gen_asm.go),
// indexed [A transposed][panel two vectors wide]; M is the type of their
// lane mask.
type panelKernels[M any] [2][2]func(mr, kc int, a *float32, lda int, b, c *float32, ldc int, alpha, beta float32, mask M)

// pick returns the kernel for op(A) = A^T or A and for a panel of more
// than one vector of lanes or not.
func (k *panelKernels[M]) pick(transA, wide bool) func(mr, kc int, a *float32, lda int, b, c *float32, ldc int, alpha, beta float32, mask M) {
	t, w := 0, 0
	if transA {
		t = 1
	}
	if wide {
		w = 1
	}
	return k[t][w]
}

// lastVectorCols returns the number of a panel's nr columns that fall in
// its last vector of lanes columns.
func lastVectorCols(nr, lanes int) int {
	if nr > lanes {
		return nr - lanes
	}
	return nr
}

var avx512Panels = panelKernels[uint32]{
	{sgemmAVX512N16, sgemmAVX512N32},
	{sgemmAVX512T16, sgemmAVX512T32},
}

var avx2Panels = panelKernels[*int32]{
	{sgemmAVX2N8, sgemmAVX2N16},
	{sgemmAVX2T8, sgemmAVX2T16},
}

var implAVX512 = &impl{
	name: "avx512", mr: 14, nr: 32, vec: 16, pack: packPanelAVX512,
	dot: dotAVX512, dotRows: 6,
	asm: func(kc, mr, nr int, a *float32, lda int, transA bool, b, c *float32, ldc int, alpha, beta float32) {
		mask := uint32(1)<<uint(lastVectorCols(nr, 16)) - 1
		avx512Panels.pick(transA, nr > 16)(mr, kc, a, lda, b, c, ldc, alpha, beta, mask)
	},
}

var implAVX2 = &impl{
	name: "avx2", mr: 6, nr: 16, vec: 8,
	asm: func(kc, mr, nr int, a *float32, lda int, transA bool, b, c *float32, ldc int, alpha, beta float32) {
		mask := &avx2Masks[8-lastVectorCols(nr, 8)]
		avx2Panels.pick(transA, nr > 8)(mr, kc, a, lda, b, c, ldc, alpha, beta, mask)
	},
}

// availableImpls lists the kernels this machine can run, best first.
func availableImpls() []*impl {
	hasAVX2FMA, hasAVX512 := cpuFeatures()
	var l []*impl
	if hasAVX512 {
		l = append(l, implAVX512)
	}
	if hasAVX2FMA {
		l = append(l, implAVX2)
	}
	return append(l, implGeneric)
}
