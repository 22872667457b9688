// Copyright 2026 The mrelu Authors.

package kernel

import "fmt"

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major matrices.
//
// op(A) is m x k: A is m x k with leading dimension lda, or k x m if transA.
// op(B) is k x n: B is k x n with leading dimension ldb, or n x k if transB.
// C is m x n with leading dimension ldc. When beta == 0, C is overwritten and
// its old contents (NaN or Inf included) are never read. When alpha == 0 or
// k == 0, A and B are not read.
//
// Sgemm splits large products over Threads() goroutines of a persistent
// worker pool and does not allocate once its buffers have grown to the size
// of the problems it is given. Calls from several goroutines are safe; they
// are serialized.
//
// Sgemm panics if a dimension is negative, a leading dimension is smaller
// than the row length it strides over (or < 1), or a slice is too short.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemm(defaultPool, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// SgemmRef is a plain reference implementation of Sgemm with the same
// arguments and panics. It is a naive triple loop that accumulates each
// element of op(A)*op(B) in float64 and then computes
// float32(alpha*sum + beta*C) in float64 (C is not read when beta == 0).
// It is meant for tests; it is single-threaded and slow.
func SgemmRef(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkArgs(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			if alpha != 0 {
				for p := 0; p < k; p++ {
					var av, bv float32
					if transA {
						av = a[p*lda+i]
					} else {
						av = a[i*lda+p]
					}
					if transB {
						bv = b[j*ldb+p]
					} else {
						bv = b[p*ldb+j]
					}
					s += float64(av) * float64(bv)
				}
			}
			r := float64(alpha) * s
			if beta != 0 {
				r += float64(beta) * float64(c[i*ldc+j])
			}
			c[i*ldc+j] = float32(r)
		}
	}
}

// checkArgs panics unless the arguments describe a valid Sgemm call.
func checkArgs(transA, transB bool, m, n, k, la, lda, lb, ldb, lc, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("kernel: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	checkMatrix("A", ar, ac, la, lda)
	checkMatrix("B", br, bc, lb, ldb)
	checkMatrix("C", m, n, lc, ldc)
}

func checkMatrix(name string, rows, cols, length, ld int) {
	if ld < max(1, cols) {
		panic(fmt.Sprintf("kernel: leading dimension of %s is %d, want >= %d", name, ld, max(1, cols)))
	}
	if rows > 0 && cols > 0 && length < (rows-1)*ld+cols {
		panic(fmt.Sprintf("kernel: %s has %d elements, want >= %d for %dx%d with leading dimension %d",
			name, length, (rows-1)*ld+cols, rows, cols, ld))
	}
}

// scaleC sets C = beta*C, writing zeros when beta == 0.
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc:][:n]
		if beta == 0 {
			clear(row)
			continue
		}
		if beta == 1 {
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}
