// Copyright 2026 The mrelu Authors.

package kernel

import "fmt"

// SparseBytesMaxN is the widest C that SparseBytesGemm computes with its
// AVX-512 kernel (seven vectors of 16 lanes); wider products run in Go.
const SparseBytesMaxN = 112

// SparseBytesGemm computes C = 1·bias + A·B for row-major matrices, where
// A is m x k given as bytes through a table of values, A(i, p) =
// table[a[i*lda+p]], B is k x n (leading dimension ldb), C is m x n
// (leading dimension ldc) and bias (n values) is added to every row.
//
// Only the rows of B whose byte in A is not 0 are read, and table[0] is
// taken to be 0: the product of an image's pixel bytes (most of MNIST's
// are 0) with the weights of the first layer, read straight from the
// data set, with no float32 copy of the images and about a fifth of a
// dense product's work. For each row of C the nonzero terms are summed in
// order of p (fused multiply-adds with the AVX-512 kernel, which runs
// when SparseFast reports true), then the bias is added; the result
// differs from Sgemm's only by rounding. SparseGemm takes A as float32
// values and computes exactly the same sums, so a byte matrix and its
// float32 copy (table[v] for v) give the same C bit for bit.
//
// It panics on negative dimensions, short slices or leading dimensions
// smaller than the rows they stride over.
func SparseBytesGemm(m, n, k int, table *[256]float32, a []uint8, lda int, b []float32, ldb int, bias, c []float32, ldc int) {
	if !sparseArgs(m, n, k, len(a), lda, len(b), ldb, len(bias), len(c), ldc) {
		return
	}
	if sparseBytesAsm(m, n, k, table, a, lda, b, ldb, bias, c, ldc) {
		return
	}
	sparseGo(m, n, k, a, lda, func(v uint8) float32 { return table[v] }, b, ldb, bias, c, ldc)
}

// sparseArgs panics unless the arguments describe a valid sparse product
// (la, lb, lbias, lc: the slices' lengths) and reports whether C has any
// element.
func sparseArgs(m, n, k, la, lda, lb, ldb, lbias, lc, ldc int) bool {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("kernel: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	checkMatrix("A", m, k, la, lda)
	checkMatrix("B", k, n, lb, ldb)
	checkMatrix("C", m, n, lc, ldc)
	if lbias < n {
		panic(fmt.Sprintf("kernel: sparse product: bias of %d values for %d columns", lbias, n))
	}
	return m > 0 && n > 0
}

// sparseGo is the plain-Go SparseBytesGemm and SparseGemm, A(i, p) =
// value(a[i*lda+p]), zero elements skipped.
func sparseGo[T uint8 | float32](m, n, k int, a []T, lda int, value func(T) float32, b []float32, ldb int, bias, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		clear(row)
		for p, v := range a[i*lda : i*lda+k] {
			if v == 0 {
				continue
			}
			x := value(v)
			for j, w := range b[p*ldb : p*ldb+n] {
				row[j] += x * w
			}
		}
		for j, bj := range bias[:n] {
			row[j] += bj
		}
	}
}

// SparseGemm is SparseBytesGemm with A given as float32 values, A(i, p) =
// a[i*lda+p]: the elements equal to 0 (either sign) are skipped, the others
// summed in order of p and the bias added last, exactly as SparseBytesGemm
// does for the byte matrix whose values these are.
func SparseGemm(m, n, k int, a []float32, lda int, b []float32, ldb int, bias, c []float32, ldc int) {
	if !sparseArgs(m, n, k, len(a), lda, len(b), ldb, len(bias), len(c), ldc) {
		return
	}
	if sparseFloatsAsm(m, n, k, a, lda, b, ldb, bias, c, ldc) {
		return
	}
	sparseGo(m, n, k, a, lda, func(x float32) float32 { return x }, b, ldb, bias, c, ldc)
}
