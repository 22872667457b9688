// Copyright 2026 The mrelu Authors.

//go:build !noasm

package kernel

//go:noescape
func reluAVX512(y, z *float32, n int)

//go:noescape
func reluMaskAVX512(grad, z *float32, n int)

// reluAsm runs ReLU on the largest multiple of 16 elements and returns it
// (0 without AVX-512).
func reluAsm(y, z []float32) int {
	n := len(z) &^ 15
	if !avx512Available || n == 0 {
		return 0
	}
	reluAVX512(&y[0], &z[0], n)
	return n
}

// reluMaskAsm is reluAsm for ReLUMask.
func reluMaskAsm(g, z []float32) int {
	n := len(z) &^ 15
	if !avx512Available || n == 0 {
		return 0
	}
	reluMaskAVX512(&g[0], &z[0], n)
	return n
}
