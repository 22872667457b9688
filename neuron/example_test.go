package neuron_test

import (
	"fmt"
	"log"

	"github.com/mrelu/mrelu/neuron"
)

// Build the default neuron, solve its transfer curve, summarise it as a
// ReLU and evaluate it fast in network units.
func Example() {
	n := neuron.Default()
	curve, err := neuron.Transfer(n, neuron.Linspace(-2e-6, 12e-6, 1401))
	if err != nil {
		log.Fatal(err)
	}
	m := curve.Metrics()
	fmt.Printf("off level %.3f V, I at 90%% VDD %.2f µA, slope %.2f MΩ, R² %.4f\n",
		m.MaxVoutNonPositive, m.I90*1e6, m.Slope/1e6, m.R2)

	ev, err := neuron.NewEvaluator(curve)
	if err != nil {
		log.Fatal(err)
	}
	net := ev.Scaled(neuron.DefaultIUnit) // input z: I = z·0.778 µA
	z := []float32{-1, 0, 1, 3}
	out := make([]float32, len(z))
	net.Eval(out, z)
	fmt.Printf("f(z) for z = %v: %.2f\n", z, out)
	// Output:
	// off level 0.035 V, I at 90% VDD 1.45 µA, slope 1.27 MΩ, R² 0.9999
	// f(z) for z = [-1 0 1 3]: [0.03 0.03 0.98 1.87]
}

// A transient activation: latency and energy at the current that drives
// the output to 90 % of VDD.
func ExamplePulse() {
	n := neuron.Default()
	r, err := neuron.Pulse(n, neuron.DefaultPulseConfig())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: latency %.1f µs, memristor %.1f pJ, VDD %.1f pJ, input %.1f pJ\n", r.Status, r.Latency*1e6,
		r.EnergyMemristor*1e12, r.EnergySupply*1e12, r.EnergyInput*1e12)
	// Output:
	// settled: latency 7.8 µs, memristor 3.1 pJ, VDD 5.1 pJ, input 7.6 pJ
}
