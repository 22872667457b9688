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

// BenchmarkPackPanel measures packing op(B) of the training shapes into
// AVX-512 panels, with the assembly and the Go packers.
func BenchmarkPackPanel(b *testing.B) {
	for _, s := range []struct {
		transB bool
		k, n   int
	}{{false, 784, 100}, {true, 100, 784}} {
		for _, asm := range []bool{true, false} {
			b.Run(fmt.Sprintf("transB=%v/%dx%d/asm=%v", s.transB, s.k, s.n, asm), func(b *testing.B) {
				if _, ok := cpuFeatures(); !ok && asm {
					b.Skip("no AVX-512")
				}
				src := make([]float32, s.k*s.n)
				dst := make([]float32, s.k*roundUp(s.n, 32))
				ld := s.n
				if s.transB {
					ld = s.k
				}
				f := packPanel
				if asm {
					f = packPanelAVX512
				}
				for b.Loop() {
					for j0 := 0; j0 < s.n; j0 += 32 {
						cols := min(32, s.n-j0)
						f(dst[j0*s.k:], s.transB, src, ld, 0, s.k, j0, cols, roundUp(cols, 16))
					}
				}
			})
		}
	}
}

func TestPackPanelAVX512(t *testing.T) {
	if _, ok := cpuFeatures(); !ok {
		t.Skip("no AVX-512")
	}
	for _, transB := range []bool{false, true} {
		for _, cols := range []int{1, 5, 15, 16, 17, 31, 32} {
			for _, kl := range []int{0, 1, 7, 64} {
				const k0, j0, ld = 3, 2, 40
				w := roundUp(cols, 16)
				b := make([]float32, 80*ld)
				for i := range b {
					b[i] = float32(i)
				}
				want := make([]float32, kl*w)
				got := make([]float32, kl*w)
				for i := range got {
					got[i], want[i] = -1, -1
				}
				packPanel(want, transB, b, ld, k0, kl, j0, cols, w)
				packPanelAVX512(got, transB, b, ld, k0, kl, j0, cols, w)
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("transB=%v cols=%d kl=%d: dst[%d] = %g, want %g", transB, cols, kl, i, got[i], want[i])
					}
				}
			}
		}
	}
}
