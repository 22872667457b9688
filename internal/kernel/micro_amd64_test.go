// Copyright 2026 The mrelu Authors.

//go:build !noasm

package kernel

import (
	"fmt"
	"testing"
)

// BenchmarkMicroKernel measures the assembly micro-kernels alone on cache
// resident operands (the ceiling for Sgemm).
func BenchmarkMicroKernel(b *testing.B) {
	for _, im := range availableImpls() {
		if im.asm == nil {
			continue
		}
		for _, kc := range []int{64, 384} {
			for _, trans := range []bool{false, true} {
				b.Run(fmt.Sprintf("%s/kc=%d/transA=%v", im.name, kc, trans), func(b *testing.B) {
					microBench(b, im, kc, trans)
				})
			}
		}
	}
}

func microBench(b *testing.B, im *impl, kc int, trans bool) {
	mr, nr := im.mr, im.nr
	a := make([]float32, mr*kc)
	bp := make([]float32, kc*nr+16)
	c := make([]float32, mr*nr)
	lda := kc
	if trans {
		lda = mr
	}
	for b.Loop() {
		im.asm(kc, mr, nr, &a[0], lda, trans, &bp[0], &c[0], nr, 1, 1)
	}
	b.ReportMetric(2*float64(mr*nr*kc)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
