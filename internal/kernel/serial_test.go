// Copyright 2026 The mrelu Authors.

package kernel

import (
	"math/rand/v2"
	"sync"
	"testing"
)

// TestSerialMatchesSgemm: a Serial gives the single-threaded Sgemm's
// results bit for bit, also when two Serials run at once.
func TestSerialMatchesSgemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	var cases []*fixture
	for i := 0; i < 40; i++ {
		tc := gemmCase{transA: i&1 != 0, transB: i&2 != 0,
			m: 1 + rng.IntN(700), n: 1 + rng.IntN(40), k: 1 + rng.IntN(200),
			alpha: 1, beta: float32(i % 2), pad: rng.IntN(3)}
		cases = append(cases, newFixture(rng, tc))
	}
	want := make([][]float32, len(cases))
	withThreads(1, func() {
		for i, f := range cases {
			tc := f.tc
			want[i] = append([]float32(nil), f.c0...)
			Sgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, f.a, f.lda, f.b, f.ldb, tc.beta, want[i], f.ldc)
		}
	})
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := NewSerial()
			for i := g; i < len(cases); i += 2 {
				f, tc := cases[i], cases[i].tc
				got := append([]float32(nil), f.c0...)
				s.Sgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, f.a, f.lda, f.b, f.ldb, tc.beta, got, f.ldc)
				for x := range got {
					if got[x] != want[i][x] && !(got[x] != got[x] && want[i][x] != want[i][x]) {
						t.Errorf("%v: C[%d] = %v, Sgemm gives %v", tc, x, got[x], want[i][x])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

func TestSerialNoAllocs(t *testing.T) {
	s := NewSerial()
	a, b, c := make([]float32, 300*25), make([]float32, 25*16), make([]float32, 300*16)
	s.Sgemm(false, false, 300, 16, 25, 1, a, 25, b, 16, 0, c, 16)
	if n := testing.AllocsPerRun(10, func() { s.Sgemm(false, false, 300, 16, 25, 1, a, 25, b, 16, 0, c, 16) }); n != 0 {
		t.Errorf("%v allocations per call", n)
	}
}
