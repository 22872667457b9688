package neuron

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/mrelu/mrelu/circuit"
	"github.com/mrelu/mrelu/device"
)

// fastDevice is the default device with the field acceleration switched on
// at the setting docs/neuron.md §5 studies (TauSetTh 0.9 µs, VA 0.1 V).
func fastDevice() device.Params {
	d := device.DefaultParams()
	d.Memristor.TauSetTh, d.Memristor.VA = 0.9e-6, 0.1
	return d
}

func TestQuasiStaticRemovesEveryCapacitance(t *testing.T) {
	n := Default().QuasiStatic()
	caps := 0
	for _, e := range n.C.Elements() {
		if c, ok := e.(*circuit.Capacitor); ok {
			caps++
			if c.C != QuasiStaticCapacitance {
				t.Errorf("capacitor %s = %g F after QuasiStatic", c.Name(), c.C)
			}
		}
	}
	if caps < 4 {
		t.Fatalf("%d capacitors in the neuron, want ≥ 4", caps)
	}
}

// The acceleration changes the dynamics only: the DC transfer curve is the
// same to the solver's tolerance.
func TestAccelerationKeepsTransferCurve(t *testing.T) {
	is := Linspace(-1e-6, 10e-6, 221)
	a, err := Transfer(Default(), is)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Transfer(MustBuild(fastDevice(), DefaultParams()), is)
	if err != nil {
		t.Fatal(err)
	}
	for k := range is {
		if d := math.Abs(a.Vout[k] - b.Vout[k]); d > 1e-6 {
			t.Fatalf("I = %g A: Vout %g V without, %g V with acceleration", is[k], a.Vout[k], b.Vout[k])
		}
	}
}

// The quasi-static targets at VDD = 2 V, for the accelerated
// device: latency ≤ 1.3 µs at 1 µA and at I90, memristor energy per
// activation at 1 µA in [0.25, 1.5] pJ; the energy split is consistent.
func TestAcceleratedQuasiStaticActivation(t *testing.T) {
	for _, amp := range []float64{1e-6, 0} {
		n := MustBuild(fastDevice(), DefaultParams()).QuasiStatic()
		cfg := DefaultPulseConfig()
		cfg.Amplitude = amp
		cfg.Width, cfg.After = 50e-6, 50e-6
		r, err := Pulse(n, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != Settled {
			t.Fatalf("amplitude %g A: status %s", r.Config.Amplitude, r.Status)
		}
		if !(r.Latency > 0.1e-6 && r.Latency <= 1.3e-6) {
			t.Errorf("amplitude %g A: quasi-static latency %g s, want in (0.1, 1.3] µs", r.Config.Amplitude, r.Latency)
		}
		if !(r.EnergyMemristor > 0 && r.EnergyMemristor <= r.EnergySupply*(1+1e-9)) {
			t.Errorf("memristor energy %g J must be positive and within the supply's %g J", r.EnergyMemristor, r.EnergySupply)
		}
		if amp == 1e-6 && !(r.EnergyMemristor >= 0.25e-12 && r.EnergyMemristor <= 1.5e-12) {
			t.Errorf("memristor energy at 1 µA %g J, want in [0.25, 1.5] pJ", r.EnergyMemristor)
		}
	}
}

// With the default parasitics the accelerated neuron is below its
// stability limit at 1 µA: the small-signal critical capacitance there is
// smaller than the output node's, and the pulse response is not settled
// (the design rule of docs/neuron.md §6).
func TestAcceleratedNeuronNeedsSmallOutputCapacitance(t *testing.T) {
	n := MustBuild(fastDevice(), DefaultParams())
	c, err := Transfer(n, []float64{0, 1e-6})
	if err != nil {
		t.Fatal(err)
	}
	if cc := c.CCrit[1]; !(cc < n.OutputCapacitance()) {
		t.Fatalf("critical capacitance at 1 µA %g F, output node %g F: expected the node to exceed it", cc, n.OutputCapacitance())
	}
	cfg := DefaultPulseConfig()
	cfg.Amplitude, cfg.Width, cfg.After = 1e-6, 100e-6, 10e-6
	r, err := Pulse(n, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status == Settled {
		t.Errorf("1 µA pulse with parasitics settled (latency %g s); the stability limit says it should not", r.Latency)
	}
}

// ngspice runs the exported netlist of the accelerated, quasi-static neuron
// (the acceleration factor is in the state source) and agrees on the
// latency within 5 %.
func TestNgspiceAgreesOnAcceleratedTransient(t *testing.T) {
	requireNgspice(t)
	for _, amp := range []float64{1e-6, 6e-6} {
		cfg := DefaultPulseConfig()
		cfg.Amplitude, cfg.Width, cfg.After = amp, 20e-6, 5e-6
		a, err := Pulse(MustBuild(fastDevice(), DefaultParams()).QuasiStatic(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		b, err := NgspicePulse(ctx, MustBuild(fastDevice(), DefaultParams()).QuasiStatic(), cfg, t.TempDir())
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != Settled || b.Status != Settled {
			t.Fatalf("%g A: status ours %s, ngspice %s", amp, a.Status, b.Status)
		}
		if d := math.Abs(a.Latency-b.Latency) / b.Latency; d > 0.05 {
			t.Errorf("%g A: latency ours %g s, ngspice %g s (%.1f %%)", amp, a.Latency, b.Latency, 100*d)
		}
		t.Logf("%g A: latency ours %.4g s, ngspice %.4g s", amp, a.Latency, b.Latency)
	}
}
