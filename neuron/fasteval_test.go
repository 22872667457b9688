package neuron

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestEvalDerivMatchesEvalAndDeriv compares the fused branch-free pass
// with the separate ones over the whole input range and beyond.
func TestEvalDerivMatchesEvalAndDeriv(t *testing.T) {
	x := make([]float64, 41)
	y := make([]float64, 41)
	for i := range x {
		x[i] = -1e-6 + float64(i)*0.25e-6
		y[i] = math.Min(2, math.Max(0.03, 0.3e6*x[i]))
	}
	e, err := NewEvaluatorFromPoints(x, y, 2)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	in := make([]float32, 5000)
	for i := range in {
		in[i] = float32(-3e-6 + 16e-6*rng.Float64())
	}
	in[0], in[1], in[2] = float32(x[0]), float32(x[len(x)-1]), float32(math.NaN())
	v1, d1 := make([]float32, len(in)), make([]float32, len(in))
	v2, d2 := make([]float32, len(in)), make([]float32, len(in))
	e.Eval(v1, in)
	e.Deriv(d1, in)
	e.EvalDeriv(v2, d2, in)
	for i := range in {
		if i == 2 { // NaN in, NaN out
			if v2[i] == v2[i] {
				t.Errorf("NaN input gave %g", v2[i])
			}
			continue
		}
		if math.Abs(float64(v1[i]-v2[i])) > 1e-5 || math.Abs(float64(d1[i]-d2[i])) > 1e-5*math.Abs(float64(d1[i]))+1 {
			t.Fatalf("input %g: Eval/Deriv %g/%g, EvalDeriv %g/%g", in[i], v1[i], d1[i], v2[i], d2[i])
		}
	}
}

func BenchmarkEvaluatorEvalDeriv(b *testing.B) {
	e := Default()
	c, err := Transfer(e, Linspace(-2e-6, 10e-6, 400))
	if err != nil {
		b.Fatal(err)
	}
	ev, err := NewEvaluator(c)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	in := make([]float32, 4096)
	for i := range in {
		in[i] = float32(3e-6 * rng.NormFloat64())
	}
	v, d := make([]float32, len(in)), make([]float32, len(in))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ev.EvalDeriv(v, d, in)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(in)), "ns/element")
}
