// Copyright 2026 The mrelu Authors.

package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSgemmPackedMatchesSerial: products with a PackedB, packed whole or
// re-packed row range by row range after B changed, equal Serial.Sgemm's
// bit for bit.
func TestSgemmPackedMatchesSerial(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	s := NewSerial()
	for i := 0; i < 40; i++ {
		tc := gemmCase{transA: i&1 != 0, transB: i&2 != 0,
			m: 1 + rng.IntN(300), n: 1 + rng.IntN(140), k: 1 + rng.IntN(300),
			alpha: 1, beta: float32(i % 2), pad: rng.IntN(3)}
		f := newFixture(rng, tc)
		pb := NewPackedB(tc.transA, tc.transB, tc.k, tc.n, f.b, f.ldb)
		// Change B, then re-pack it in two row ranges.
		for j := range f.b {
			f.b[j] = float32(rng.NormFloat64())
		}
		rows := tc.k
		if tc.transB {
			rows = tc.n
		}
		cut := rng.IntN(rows + 1)
		pb.Update(0, cut)
		pb.Update(cut, rows)
		want := append([]float32(nil), f.c0...)
		s.Sgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, f.a, f.lda, f.b, f.ldb, tc.beta, want, f.ldc)
		got := append([]float32(nil), f.c0...)
		s.SgemmPacked(tc.m, tc.alpha, f.a, f.lda, pb, tc.beta, got, f.ldc)
		for j := range want {
			if math.Float32bits(want[j]) != math.Float32bits(got[j]) {
				t.Fatalf("case %d %+v: element %d: packed %v, Sgemm %v", i, tc, j, got[j], want[j])
			}
		}
	}
}
