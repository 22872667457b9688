// Copyright 2026 The mrelu Authors.

package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSparseBytesGemm compares SparseBytesGemm with a float64 reference
// of bias + table[A]·B on random shapes with mostly zero bytes.
func TestSparseBytesGemm(t *testing.T) {
	var table [256]float32
	for i := range table {
		table[i] = float32(i) / 255
	}
	rng := rand.New(rand.NewPCG(9, 9))
	for c := 0; c < 60; c++ {
		m, n, k := 1+rng.IntN(40), 1+rng.IntN(130), 8*(1+rng.IntN(40))
		if c%5 == 4 {
			k = 1 + rng.IntN(200) // mostly not a multiple of 16: the Go path
		}
		lda, ldb, ldc := k+rng.IntN(9), n+rng.IntN(3), n+rng.IntN(3)
		a := make([]uint8, (m-1)*lda+k)
		for i := range a {
			if rng.IntN(5) == 0 {
				a[i] = uint8(rng.IntN(256))
			}
		}
		b := make([]float32, (k-1)*ldb+n)
		for i := range b {
			b[i] = float32(rng.NormFloat64())
		}
		bias := make([]float32, n)
		for i := range bias {
			bias[i] = float32(rng.NormFloat64())
		}
		cm := make([]float32, (m-1)*ldc+n)
		for i := range cm {
			cm[i] = float32(math.NaN()) // never read
		}
		SparseBytesGemm(m, n, k, &table, a, lda, b, ldb, bias, cm, ldc)
		af := make([]float32, len(a))
		for i, v := range a {
			af[i] = table[v]
		}
		cf := make([]float32, len(cm))
		SparseGemm(m, n, k, af, lda, b, ldb, bias, cf, ldc)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				if x, y := cm[i*ldc+j], cf[i*ldc+j]; math.Float32bits(x) != math.Float32bits(y) {
					t.Fatalf("case %d: C[%d][%d] from bytes %v, from float32 %v", c, i, j, x, y)
				}
			}
		}
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				want, mag := float64(bias[j]), math.Abs(float64(bias[j]))
				for p := 0; p < k; p++ {
					v := float64(table[a[i*lda+p]]) * float64(b[p*ldb+j])
					want += v
					mag += math.Abs(v)
				}
				if got := float64(cm[i*ldc+j]); math.Abs(got-want) > 1e-5*mag+1e-6 || math.IsNaN(got) {
					t.Fatalf("case %d (m=%d n=%d k=%d): C[%d][%d] = %v, want %v", c, m, n, k, i, j, got, want)
				}
			}
		}
	}
}
