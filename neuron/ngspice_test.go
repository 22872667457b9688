package neuron

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/internal/testutil"
)

// TestNgspiceAgreement runs the same netlists in ngspice: the DC transfer
// curve within 1 % of VDD, the pulse latency within 5 %.
func TestNgspiceAgreement(t *testing.T) {
	testutil.RequireNgspice(t, "the neuron's ngspice cross-check")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	n := Default()
	in := Linspace(-2e-6, 10e-6, 1201)
	ours, err := Transfer(n, in)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := NgspiceTransfer(ctx, n, in, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	maxDV, at := 0.0, 0.0
	for k := range in {
		if math.Abs(sp.I[k]-in[k]) > 1e-15 {
			t.Fatalf("ngspice sweep value %d = %g A, want %g A", k, sp.I[k], in[k])
		}
		if d := math.Abs(ours.Vout[k] - sp.Vout[k]); d > maxDV {
			maxDV, at = d, in[k]
		}
	}
	t.Logf("DC, %d points: max |ΔVout| = %.3g V (%.2g %% of VDD) at %g A", len(in), maxDV, 100*maxDV/n.Params.VDD, at)
	if maxDV > 0.01*n.Params.VDD {
		t.Errorf("DC: max |ΔVout| = %.3g V exceeds 1 %% of VDD", maxDV)
	}

	cfg, err := ResolveAmplitude(n, DefaultPulseConfig())
	if err != nil {
		t.Fatal(err)
	}
	a, b := bothPulses(ctx, t, n, cfg)
	if a.Status != Settled || b.Status != Settled {
		t.Fatalf("status ours %s, ngspice %s", a.Status, b.Status)
	}
	rel := math.Abs(a.Latency-b.Latency) / b.Latency
	t.Logf("transient at %.4g A: latency ours %.5g s, ngspice %.5g s (%.2g %%); energy ours %.4g J, ngspice %.4g J; final %.5f / %.5f V; %d / %d points",
		cfg.Amplitude, a.Latency, b.Latency, 100*rel, a.Energy, b.Energy, a.Final, b.Final, a.Points, b.Points)
	if rel > 0.05 {
		t.Errorf("latency differs by %.2g %%", 100*rel)
	}
	if math.Abs(a.Energy-b.Energy) > 0.05*b.Energy {
		t.Errorf("energy ours %g J, ngspice %g J", a.Energy, b.Energy)
	}
}

// bothPulses runs the pulse cfg through our solver (a) and ngspice (b).
func bothPulses(ctx context.Context, t *testing.T, n *Circuit, cfg PulseConfig) (a, b *PulseResult) {
	t.Helper()
	a, err := Pulse(n, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if b, err = NgspicePulse(ctx, n, cfg, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	return a, b
}

// TestNgspiceSeesTheOscillation: the relaxation oscillation of an
// over-capacitive output node is a property of the circuit, not of our
// integrator: ngspice finds it too.
func TestNgspiceSeesTheOscillation(t *testing.T) {
	testutil.RequireNgspice(t, "the neuron's ngspice cross-check")
	p := DefaultParams()
	p.CMem = 3.5e-12
	n := MustBuild(device.DefaultParams(), p)
	cfg := DefaultPulseConfig()
	cfg.Amplitude, cfg.Width, cfg.After = 1e-6, 0.6e-3, 0.05e-3
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	a, b := bothPulses(ctx, t, n, cfg)
	if a.Status != Oscillating || b.Status != Oscillating {
		t.Errorf("status ours %s, ngspice %s", a.Status, b.Status)
	}
	if math.Abs(a.Period-b.Period) > 0.1*b.Period {
		t.Errorf("period ours %g s, ngspice %g s", a.Period, b.Period)
	}
	t.Logf("ours: %s, p-p %.3f V, period %.3g s; ngspice: %s, p-p %.3f V, period %.3g s", a.Status, a.PeakToPeak, a.Period, b.Status, b.PeakToPeak, b.Period)
}
