package neuron

import (
	"math"
	"testing"

	"github.com/mrelu/mrelu/device"
)

// TestPulseSettles: the default activation (the current of 90 % VDD)
// settles at the DC value; latency and energy are the documented ones and
// the energy bookkeeping matches circuit.TranResult.Energy.
func TestPulseSettles(t *testing.T) {
	n := Default()
	r, err := Pulse(n, DefaultPulseConfig())
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != Settled {
		t.Fatalf("status %s (p-p %g V)", r.Status, r.PeakToPeak)
	}
	if math.Abs(r.Config.Amplitude-1.446e-6) > 0.02e-6 {
		t.Errorf("amplitude %g A, want I90 ≈ 1.446 µA", r.Config.Amplitude)
	}
	if math.Abs(r.Final-r.DCVout) > 1e-3 || math.Abs(r.Final-0.9*r.VDD) > 2e-3 {
		t.Errorf("final %g V, DC %g V", r.Final, r.DCVout)
	}
	if r.Latency < 6e-6 || r.Latency > 10e-6 {
		t.Errorf("latency %g s, documented ≈ 7.8 µs", r.Latency)
	}
	if !(r.Energy > 0) || math.Abs(r.Energy-r.EnergySupply-r.EnergyInput) > 1e-18 || r.EnergyPulse < r.Energy {
		t.Errorf("energies: %g = %g + %g, pulse %g", r.Energy, r.EnergySupply, r.EnergyInput, r.EnergyPulse)
	}
	// The same run through circuit.TranResult.Energy.
	n.In.W = r.Config.Waveform()
	tr, err := n.C.Transient(r.Config.Stop(), r.Config.TranOptions())
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := tr.Energy(SourceVDD)
	ei, _ := tr.Energy(SourceIn)
	if math.Abs(ev+ei-r.EnergyRun) > 1e-6*r.EnergyRun {
		t.Errorf("energy over the run %g J, TranResult.Energy %g + %g J", r.EnergyRun, ev, ei)
	}
	if math.IsNaN(r.Recovery) || r.Recovery <= 0 {
		t.Errorf("recovery %g s", r.Recovery)
	}
	t.Logf("I = %.4g A: latency %.4g s, energy %.3g J (VDD %.3g J, input %.3g J), overshoot %.3g V, recovery %.3g s, %d points",
		r.Config.Amplitude, r.Latency, r.Energy, r.EnergySupply, r.EnergyInput, r.Overshoot, r.Recovery, r.Points)
}

// TestPulseReportsOscillation: with the 3.5 pF of a 50 µm × 50 µm
// memristor on the output node, a mid-range input (1 µA) makes the neuron
// a relaxation oscillator; Pulse reports it instead of a latency.
func TestPulseReportsOscillation(t *testing.T) {
	p := DefaultParams()
	p.CMem = 3.5e-12
	n := MustBuild(device.DefaultParams(), p)
	cfg := DefaultPulseConfig()
	cfg.Amplitude = 1e-6
	r, err := Pulse(n, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != Oscillating || !math.IsNaN(r.Latency) || !math.IsNaN(r.Energy) || r.PeakToPeak < 0.2 || r.Period <= 0 {
		t.Errorf("status %s, latency %g, p-p %g V, period %g s", r.Status, r.Latency, r.PeakToPeak, r.Period)
	}
	if r.CCrit >= r.OutputCapacitance {
		t.Errorf("Hopf bound %g F ≥ output capacitance %g F for an oscillating point", r.CCrit, r.OutputCapacitance)
	}
	t.Logf("C_out %.3g F > C_crit %.3g F: %s, p-p %.3f V, period %.3g s", r.OutputCapacitance, r.CCrit, r.Status, r.PeakToPeak, r.Period)
}

// TestMaxStableCapacitance: the transient search and the small-signal
// (Hopf) bound agree at the most sensitive input current.
func TestMaxStableCapacitance(t *testing.T) {
	n, c := defaultCurve(t)
	k := 0
	for j := range c.CCrit {
		if c.CCrit[j] < c.CCrit[k] {
			k = j
		}
	}
	if c.CCrit[k] < 2*n.OutputCapacitance() {
		t.Errorf("default output capacitance %g F within a factor 2 of the worst C_crit %g F", n.OutputCapacitance(), c.CCrit[k])
	}
	cfg := DefaultPulseConfig()
	cfg.Amplitude = c.I[k]
	s, err := MaxStableCapacitance(n, cfg, 50e-12)
	if err != nil {
		t.Fatal(err)
	}
	if math.IsNaN(s.MaxStable) || math.IsInf(s.MinUnstable, 1) {
		t.Fatalf("no limit found: %+v", s)
	}
	if math.Abs(s.MaxStable-s.Hopf) > 0.1*s.Hopf {
		t.Errorf("transient limit %.3g F, Hopf %.3g F", s.MaxStable, s.Hopf)
	}
	if n.COut.C != n.Params.CWire+n.Params.CNext {
		t.Error("cout not restored")
	}
	t.Logf("I = %.3g A: settles up to %.3g F, oscillates from %.3g F; Hopf bound %.3g F; %d transients",
		c.I[k], s.MaxStable, s.MinUnstable, s.Hopf, len(s.Points))
}

func TestPulseConfigValidate(t *testing.T) {
	for _, mod := range []func(*PulseConfig){
		func(c *PulseConfig) { c.Width = 0 },
		func(c *PulseConfig) { c.Amplitude = -1e-6 },
		func(c *PulseConfig) { c.Amplitude = math.NaN() },
		func(c *PulseConfig) { c.SettleWindow = 2 },
		func(c *PulseConfig) { c.RelTol = 0 },
		func(c *PulseConfig) { c.Delay = math.Inf(1) },
	} {
		c := DefaultPulseConfig()
		mod(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("accepted %+v", c)
		}
		if _, err := Pulse(Default(), c); err == nil {
			t.Errorf("Pulse accepted %+v", c)
		}
	}
}
