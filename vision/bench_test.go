package vision

import "testing"

// BenchmarkEdgesCamera is one whole run on the built-in 160x160 image:
// the neuron's 400-point DC transfer sweep, then both built-in filters
// through the crossbar and the neuron, with statistics.
func BenchmarkEdgesCamera(b *testing.B) {
	img := DefaultImage()
	kernels := []Kernel{Vertical(), Lateral()}
	cfg := DefaultConfig()
	b.ReportAllocs()
	for b.Loop() {
		n, err := DefaultNeuron()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Detect(img, kernels, n, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDetect is Detect alone (both filters, 160x160), with the
// neuron solved once, without and with the 9.9 % variation.
func BenchmarkDetect(b *testing.B) {
	n := mustNeuron(b)
	img := DefaultImage()
	kernels := []Kernel{Vertical(), Lateral()}
	for _, bc := range []struct {
		name string
		v    float64
	}{{"ideal", 0}, {"variation", 0.099}} {
		b.Run(bc.name, func(b *testing.B) {
			cfg := DefaultConfig()
			cfg.Variation = bc.v
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Detect(img, kernels, n, cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNeuron is the 400-point transfer sweep alone.
func BenchmarkNeuron(b *testing.B) {
	for b.Loop() {
		if _, err := DefaultNeuron(); err != nil {
			b.Fatal(err)
		}
	}
}
