// Copyright 2026 The mrelu Authors.

//go:build !noasm

package kernel

import "unsafe"

// sparseAVX512 is the kernel of both sparse products (sparse_amd64.s):
// rows rows of C; A's elements are bytes looked up in table when bytes !=
// 0, else float32 values; lda, ldb and ldc in bytes; k a positive multiple
// of 16; masks[v] the lanes of C's vector v (0 past n); idx room for k+16
// indices.
//
//go:noescape
func sparseAVX512(c *float32, a unsafe.Pointer, rows, k, lda int, b *float32, ldb int, table, bias *float32, ldc int, masks *[8]uint16, idx *int32, bytes int)

// SparseFast reports whether SparseBytesGemm and SparseGemm run their
// AVX-512 kernels for n columns and depth k (n up to SparseBytesMaxN, k a
// multiple of 16, a CPU with AVX-512); otherwise they run in plain Go.
func SparseFast(n, k int) bool { return sparseAsmOK(n, k) }

func sparseBytesAsm(m, n, k int, table *[256]float32, a []uint8, lda int, b []float32, ldb int, bias, c []float32, ldc int) bool {
	if !sparseAsmOK(n, k) {
		return false
	}
	_ = a[(m-1)*lda+k-1]
	masks := sparseChecks(m, n, k, b, ldb, c, ldc)
	var idx [sparseMaxK + 16]int32
	sparseAVX512(&c[0], unsafe.Pointer(&a[0]), m, k, lda, &b[0], 4*ldb, &table[0], &bias[0], 4*ldc, &masks, &idx[0], 1)
	return true
}

// sparseAsmOK reports whether the AVX-512 kernels take a product of n
// columns and depth k (both kernels the same shapes, so that a byte
// matrix and its float32 copy always take the same path).
func sparseAsmOK(n, k int) bool {
	return avx512Available && n <= SparseBytesMaxN && k > 0 && k%16 == 0 && k <= sparseMaxK
}

// sparseMaxK is the deepest product of the AVX-512 kernels (their list of
// nonzero elements is on the stack).
const sparseMaxK = 4096

// sparseChecks checks that the kernels stay within b and c and returns
// the lanes of C's vectors 0..6 for n columns.
func sparseChecks(m, n, k int, b []float32, ldb int, c []float32, ldc int) (masks [8]uint16) {
	_ = b[(k-1)*ldb+n-1]
	_ = c[(m-1)*ldc+n-1]
	for v := range 7 {
		lanes := min(max(n-16*v, 0), 16)
		masks[v] = uint16(uint32(1)<<uint(lanes) - 1)
	}
	return masks
}

func sparseFloatsAsm(m, n, k int, a []float32, lda int, b []float32, ldb int, bias, c []float32, ldc int) bool {
	if !sparseAsmOK(n, k) {
		return false
	}
	_ = a[(m-1)*lda+k-1]
	masks := sparseChecks(m, n, k, b, ldb, c, ldc)
	var idx [sparseMaxK + 16]int32
	sparseAVX512(&c[0], unsafe.Pointer(&a[0]), m, k, 4*lda, &b[0], 4*ldb, nil, &bias[0], 4*ldc, &masks, &idx[0], 0)
	return true
}
