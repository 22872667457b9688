package circuit

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestLUSolvesRandomSystems(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 2, 3, 5, 8, 17, 40} {
		st := n + 1
		a := make([]float64, st*st)
		orig := make([]float64, st*st)
		for trial := 0; trial < 20; trial++ {
			for i := range a {
				a[i] = rng.NormFloat64()
			}
			copy(orig, a)
			x := make([]float64, st)
			want := make([]float64, n)
			for i := range want {
				want[i] = rng.NormFloat64()
			}
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					x[i] += orig[i*st+j] * want[j]
				}
			}
			perm := make([]int, n)
			if k := luFactor(a, n, st, perm, make([]float64, n), pivRel); k >= 0 {
				t.Fatalf("n=%d: singular at %d", n, k)
			}
			luSolve(a, n, st, perm, x, make([]float64, n))
			for i := range want {
				if math.Abs(x[i]-want[i]) > 1e-8*(1+math.Abs(want[i])) {
					t.Fatalf("n=%d: x[%d] = %g, want %g", n, i, x[i], want[i])
				}
			}
		}
	}
	// Exactly singular (two equal rows) and a zero column.
	a := []float64{1, 2, 0, 1, 2, 0, 0, 0, 0}
	if k := luFactor(a, 2, 3, make([]int, 2), make([]float64, 2), pivRel); k != 1 {
		t.Errorf("equal rows: singular column %d, want 1", k)
	}
	b := []float64{1, 0, 0, 3, 0, 0, 0, 0, 0}
	if k := luFactor(b, 2, 3, make([]int, 2), make([]float64, 2), pivRel); k != 1 {
		t.Errorf("zero column: singular column %d, want 1", k)
	}
}

func BenchmarkLU5(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n, st = 5, 6
	orig := make([]float64, st*st)
	for i := range orig {
		orig[i] = rng.NormFloat64()
	}
	a := make([]float64, st*st)
	x := make([]float64, st)
	perm := make([]int, n)
	cm := make([]float64, n)
	tmp := make([]float64, n)
	for b.Loop() {
		copy(a, orig)
		luFactor(a, n, st, perm, cm, pivRel)
		x[0] = 1
		luSolve(a, n, st, perm, x, tmp)
	}
}
