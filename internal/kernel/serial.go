// Copyright 2026 The mrelu Authors.

package kernel

// Serial computes Sgemm on the calling goroutine only, with packing
// buffers of its own. Unlike Sgemm, whose calls share one worker pool and
// are serialized, calls on distinct Serials run concurrently: a caller
// that splits its work over goroutines itself (a convolution over the
// samples of a batch, each goroutine with its own Serial) keeps every
// core busy with small products that would not be worth splitting.
//
// A Serial is not safe for concurrent use; after one warm-up call with
// its largest shape it allocates nothing. The zero value is not usable:
// call NewSerial.
type Serial struct{ p pool }

// NewSerial returns a Serial using the micro-kernel Sgemm uses now.
func NewSerial() *Serial {
	s := &Serial{}
	s.p.threads = 1
	defaultPool.mu.Lock()
	s.p.impl = defaultPool.impl
	defaultPool.mu.Unlock()
	return s
}

// Sgemm is Sgemm (same arguments, results and panics) on the calling
// goroutine.
func (s *Serial) Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemm(&s.p, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemm is Sgemm on pool p: the argument checks and the trivial cases,
// then p's blocked product.
func gemm(p *pool, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkArgs(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	p.sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
