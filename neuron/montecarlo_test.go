package neuron

import (
	"math/rand/v2"
	"testing"

	"github.com/mrelu/mrelu/device"
)

func mcRun(t *testing.T, seed uint64, trim bool) []MCSample {
	t.Helper()
	s, err := MonteCarlo(device.DefaultParams(), DefaultParams(), MCConfig{
		N: 25, Variation: device.DefaultDeviceVariation(), Currents: Linspace(-2e-6, 10e-6, 241), TrimVDD: trim,
	}, rand.New(rand.NewPCG(seed, 0x6e6575726f6e)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// peakVoltage is the largest steady-state voltage of the memristor under
// current control (the peak of its S-curve), searched over 1–300 nA.
func peakVoltage(m device.Memristor) float64 {
	peak := 0.0
	for i := 1e-9; i < 300e-9; i *= 1.02 {
		if _, v, _, err := m.SteadyStateAtCurrent(i); err == nil && v > peak {
			peak = v
		}
	}
	return peak
}

// TestMonteCarlo: the population is reproducible for a seed, every curve
// converges, and the documented sensitivity to the memristor threshold
// shows: with a shared VDD = 2 V exactly the neurons whose memristor's
// S-curve peak (≈ Vth − 14 mV) lies above VDD never switch; with VDD
// trimmed to each Vth all do.
func TestMonteCarlo(t *testing.T) {
	a := mcRun(t, 1, false)
	b := mcRun(t, 1, false)
	c := mcRun(t, 2, false)
	same, dead, deadPredicted := true, 0, 0
	for k := range a {
		if a[k].Err != nil {
			t.Fatalf("device %d: %v", k, a[k].Err)
		}
		if a[k].Devices != b[k].Devices || a[k].Curve.Vout[100] != b[k].Curve.Vout[100] {
			t.Fatal("not reproducible for a fixed seed")
		}
		if a[k].Devices != c[k].Devices {
			same = false
		}
		if a[k].Metrics.MaxVout < 0.5*a[k].Curve.VDD {
			dead++
		}
		if peakVoltage(a[k].Devices.Memristor) > a[k].Curve.VDD {
			deadPredicted++
		}
	}
	if same {
		t.Error("seeds 1 and 2 drew the same devices")
	}
	if dead != deadPredicted || dead == 0 {
		t.Errorf("%d neurons never reach VDD/2; %d memristors have their S-curve peak above VDD", dead, deadPredicted)
	}
	trimmed := mcRun(t, 1, true)
	for k, s := range trimmed {
		if s.Err != nil {
			t.Fatalf("trimmed device %d: %v", k, s.Err)
		}
		// The off level follows the memristor's leakage GMin (σ 30 %):
		// up to ~0.07 V for the leakiest devices.
		if s.Metrics.MaxVout < 0.85*s.Curve.VDD || s.Metrics.MaxVoutNonPositive >= 0.1 {
			t.Errorf("trimmed device %d: max %g V, off level %g V", k, s.Metrics.MaxVout, s.Metrics.MaxVoutNonPositive)
		}
	}
	sp := PopulationSpread(trimmed)
	if sp.N != 25 || len(sp.Mean) != 241 {
		t.Fatalf("spread over %d curves, %d points", sp.N, len(sp.Mean))
	}
	for k := range sp.Mean {
		if !(sp.Min[k] <= sp.P05[k] && sp.P05[k] <= sp.Median[k] && sp.Median[k] <= sp.P95[k] && sp.P95[k] <= sp.Max[k]) {
			t.Fatalf("quantiles out of order at %d", k)
		}
	}
	t.Logf("shared VDD: %d of 25 never switch (S-curve peak above VDD: %d); trimmed VDD: all switch; spread at 3 µA: mean %.3f V, σ %.3f V",
		dead, deadPredicted, sp.Mean[100], sp.Std[100])
}
