package circuit

import "testing"

// BenchmarkDCSweep10k sweeps the input current of the nonlinear 2T-1M test
// circuit (two square-law FETs, the toy memristor, a load) over 10,000
// points.
func BenchmarkDCSweep10k(b *testing.B) {
	c := neuronCircuit()
	in := linspace(0, 20e-6, 10000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.DCSweep("iin", in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(in)), "ns/point")
}

// BenchmarkTransient integrates a 1.5 V, 5 µs pulse through 10 kΩ onto the
// toy memristor with 10 pF across it, to 12 µs (set and relaxation).
func BenchmarkTransient(b *testing.B) {
	c := pulsedMemristor()
	b.ReportAllocs()
	var steps int
	for b.Loop() {
		r, err := c.Transient(12e-6, TranOptions{})
		if err != nil {
			b.Fatal(err)
		}
		steps = r.Len()
	}
	b.ReportMetric(float64(steps), "points")
}

// BenchmarkOperatingPoint solves the neuron test circuit from scratch.
func BenchmarkOperatingPoint(b *testing.B) {
	c := neuronCircuit()
	c.Element("iin").(*CurrentSource).W = DC(5e-6)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.OperatingPoint(); err != nil {
			b.Fatal(err)
		}
	}
}
