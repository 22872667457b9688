package neuron

import (
	"math/rand/v2"
	"testing"
)

func benchEvaluator(b *testing.B) (*Evaluator, []float32, []float32) {
	n := Default()
	c, err := Transfer(n, Linspace(-2e-6, 12e-6, 1401))
	if err != nil {
		b.Fatal(err)
	}
	e, err := NewEvaluator(c)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	in := make([]float32, 4096)
	for k := range in {
		in[k] = float32(-3e-6 + 15e-6*rng.Float64())
	}
	return e, in, make([]float32, len(in))
}

// loopPerElement times f, a pass over n elements, with its allocations
// and the time per element.
func loopPerElement(b *testing.B, n int, f func()) {
	b.ReportAllocs()
	for b.Loop() {
		f()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/element")
}

// BenchmarkEvaluatorEval: Vout for a batch of 4096 random currents.
func BenchmarkEvaluatorEval(b *testing.B) {
	e, in, out := benchEvaluator(b)
	loopPerElement(b, len(in), func() { e.Eval(out, in) })
}

// BenchmarkEvaluatorDeriv: dVout/dI for a batch of 4096.
func BenchmarkEvaluatorDeriv(b *testing.B) {
	e, in, out := benchEvaluator(b)
	loopPerElement(b, len(in), func() { e.Deriv(out, in) })
}

// BenchmarkEvaluatorVaried: Vout with 9.9 % temporal variation (one
// normal draw per element).
func BenchmarkEvaluatorVaried(b *testing.B) {
	e, in, out := benchEvaluator(b)
	v := e.WithVariation(0.099, 3)
	loopPerElement(b, len(in), func() { v.Eval(out, in) })
}

// BenchmarkTransfer10k: a 10,000-point DC sweep of the default neuron,
// −2 µA to 12 µA.
func BenchmarkTransfer10k(b *testing.B) {
	n := Default()
	in := Linspace(-2e-6, 12e-6, 10000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Transfer(n, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(in)), "ns/point")
}

// BenchmarkPulse: the transient of the default activation pulse (2 ms
// run, amplitude given so that only the transient is timed).
func BenchmarkPulse(b *testing.B) {
	n := Default()
	cfg, err := ResolveAmplitude(n, DefaultPulseConfig())
	if err != nil {
		b.Fatal(err)
	}
	n.In.W = cfg.Waveform()
	b.ReportAllocs()
	var pts int
	for b.Loop() {
		r, err := n.C.Transient(cfg.Stop(), cfg.TranOptions())
		if err != nil {
			b.Fatal(err)
		}
		pts = r.Len()
	}
	b.ReportMetric(float64(pts), "points")
}
