// Copyright 2026 The mrelu Authors.

package kernel

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchShapes are the GEMMs of training a 784-100-100-100-10 MLP with
// batch 500.
var benchShapes = []struct {
	name           string
	transA, transB bool
	m, n, k        int
}{
	{"fwd_500x100x784", false, false, 500, 100, 784},
	{"dW_784x100x500_tA", true, false, 784, 100, 500},
	{"dX_500x784x100_tB", false, true, 500, 784, 100},
	{"hid_500x100x100", false, false, 500, 100, 100},
	{"out_500x10x100", false, false, 500, 10, 100},
}

func benchSgemm(b *testing.B, transA, transB bool, m, n, k, threads int) {
	rng := rand.New(rand.NewPCG(1, 2))
	a := randSlice(rng, m*k)
	bb := randSlice(rng, k*n)
	c := make([]float32, m*n)
	lda, ldb := k, n
	if transA {
		lda = m
	}
	if transB {
		ldb = k
	}
	withThreads(threads, func() {
		Sgemm(transA, transB, m, n, k, 1, a, lda, bb, ldb, 0, c, n)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			Sgemm(transA, transB, m, n, k, 1, a, lda, bb, ldb, 0, c, n)
		}
		flops := 2 * float64(m) * float64(n) * float64(k) * float64(b.N)
		b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
}

func BenchmarkSgemm(b *testing.B) {
	for _, s := range benchShapes {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads=%d", s.name, threads), func(b *testing.B) {
				benchSgemm(b, s.transA, s.transB, s.m, s.n, s.k, threads)
			})
		}
	}
}

// BenchmarkSgemmImpl compares the kernels available on this machine on the
// first-layer forward shape, single-threaded.
func BenchmarkSgemmImpl(b *testing.B) {
	saved := defaultPool.impl
	defer defaultPool.setImpl(saved)
	for _, im := range testImpls() {
		defaultPool.setImpl(im)
		b.Run(im.name, func(b *testing.B) {
			benchSgemm(b, false, false, 500, 100, 784, 1)
		})
	}
}
