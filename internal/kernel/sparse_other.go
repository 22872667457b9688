// Copyright 2026 The mrelu Authors.

//go:build noasm || !amd64

package kernel

// SparseFast reports whether SparseBytesGemm and SparseGemm run an
// assembly kernel: never in this build.
func SparseFast(n, k int) bool { return false }

func sparseBytesAsm(m, n, k int, table *[256]float32, a []uint8, lda int, b []float32, ldb int, bias, c []float32, ldc int) bool {
	return false
}

func sparseFloatsAsm(m, n, k int, a []float32, lda int, b []float32, ldb int, bias, c []float32, ldc int) bool {
	return false
}
