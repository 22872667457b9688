package neuron

import (
	"fmt"
	"math"
	"testing"
)

// TestNoiseTable checks the table's draws against their definitions: the
// factors' mean 1 and s.d. σ, the offsets' mean 0 and s.d. a, the same
// draws for an element whether drawn in a batch or on its own (the
// counter-based stream), other draws for another step, layer or seed, and
// the clipping of the proportional and full-scale models.
func TestNoiseTable(t *testing.T) {
	const sigma, n = 0.099, 100000
	tab := NewNoiseTable(7)
	tab.SetSigma(sigma)
	tab.SetOffset(0.2)
	key := LayerKey(tab.Next(), 0)
	fac, off := make([]float32, n), make([]float32, n)
	tab.Factors(fac, key, 0)
	tab.Offsets(off, key, 0)
	meanSD := func(v []float32) (float64, float64) {
		var s, ss float64
		for _, x := range v {
			s += float64(x)
			ss += float64(x) * float64(x)
		}
		m := s / float64(len(v))
		return m, math.Sqrt(ss/float64(len(v)) - m*m)
	}
	if m, sd := meanSD(fac); math.Abs(m-1) > 5*sigma/math.Sqrt(n) || math.Abs(sd-sigma) > 0.003 {
		t.Errorf("factors: mean %.5f, s.d. %.5f; want 1, %g", m, sd, sigma)
	}
	if m, sd := meanSD(off); math.Abs(m) > 5*0.2/math.Sqrt(n) || math.Abs(sd-0.2) > 0.006 {
		t.Errorf("offsets: mean %.5f, s.d. %.5f; want 0, 0.2", m, sd)
	}
	// Element p drawn alone (the one-at-a-time path) = drawn in the batch.
	one := make([]float32, 1)
	for _, p := range []uint64{0, 1, 4, 5, 6, 999, 12345} {
		tab.Factors(one, key, p)
		if one[0] != fac[p] {
			t.Fatalf("element %d: %v alone, %v in the batch", p, one[0], fac[p])
		}
	}
	// A batch split at an odd place gives the same draws.
	a, b := make([]float32, 7), make([]float32, 13)
	tab.Factors(a, key, 3)
	tab.Factors(b, key, 10)
	for i, v := range append(a, b...) {
		if v != fac[3+i] {
			t.Fatalf("split batch differs at element %d", 3+i)
		}
	}
	differ := func(name string, k uint64, other *NoiseTable) {
		g := make([]float32, 1000)
		other.Factors(g, k, 0)
		same := 0
		for i := range g {
			if g[i] == fac[i] {
				same++
			}
		}
		if same > 50 {
			t.Errorf("%s: %d of 1000 draws equal", name, same)
		}
	}
	differ("next step", LayerKey(tab.Next(), 0), tab)
	differ("other layer", LayerKey(tab.StepKey(2), 1), tab)
	t2 := NewNoiseTable(8)
	t2.SetSigma(sigma)
	differ("other seed", LayerKey(t2.StepKey(2), 0), t2)
	// Proportional: clipped at vdd with derivative 0; full scale: to [0, vdd].
	y, d, buf := []float32{1.95, 0.5, 0}, []float32{1, 1, 1}, make([]float32, 3)
	big := NewNoiseTable(1)
	big.SetSigma(5)
	big.Scale(y, d, buf, LayerKey(big.Next(), 0), 0, 2)
	for i := range y {
		if y[i] < 0 || y[i] > 2 || (y[i] == 2 && d[i] != 0) {
			t.Errorf("Scale: y %v, d %v", y, d)
		}
	}
	big.SetOffset(10)
	y, d = make([]float32, 200), make([]float32, 200)
	for i := range y {
		y[i], d[i] = 1, 1
	}
	buf = make([]float32, 200)
	big.Add(y, d, buf, LayerKey(big.Next(), 0), 0, 2)
	clipped := 0
	for i := range y {
		edge := y[i] == 0 || y[i] == 2
		if y[i] < 0 || y[i] > 2 || edge != (d[i] == 0) {
			t.Fatalf("Add: y %v with d %v", y[i], d[i])
		}
		if edge {
			clipped++
		}
	}
	if clipped < 150 { // |1 + 10ε| ≥ 1 for |ε| ≥ 0.1 (and ≥ 2 or ≤ 0): most draws clip
		t.Errorf("Add with offsets of s.d. 10 V clipped only %d of 200 outputs", clipped)
	}
}

// ExampleNoiseTable draws the 9.9 % temporal variation of one layer's
// outputs twice from the same step: the draws are a function of seed,
// step, layer and position only.
func ExampleNoiseTable() {
	tab := NewNoiseTable(1)
	tab.SetSigma(0.099)
	key := LayerKey(tab.Next(), 0)
	a, b := make([]float32, 4), make([]float32, 4)
	tab.Factors(a, key, 0)
	tab.Factors(b[2:], key, 2) // elements 2 and 3 on their own
	tab.Factors(b[:2], key, 0)
	fmt.Println(a[0] == b[0] && a[3] == b[3], a[0] != a[1])
	// Output: true true
}
