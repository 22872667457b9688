package device

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// powerLawRI is issue 13's measured-looking device: R = r1·(I/1 µA)^exp Ω,
// 30 currents log-spaced over 0.1–8 µA, 5 % Gaussian noise, fixed seed.
func powerLawRI(r1, exp float64) []RIPoint {
	rng := rand.New(rand.NewPCG(13, 7))
	pts := make([]RIPoint, 30)
	for k := range pts {
		i := 0.1e-6 * math.Pow(80, float64(k)/29)
		pts[k] = RIPoint{I: i, R: r1 * math.Pow(i/1e-6, exp) * (1 + 0.05*rng.NormFloat64())}
	}
	return pts
}

// TestFitRecoversWithinUncertainty: data from the compact model itself
// (5 % noise) are fitted from a distant start; Vth and r_d come back
// within 3 reported sigmas, the verdict is good, nothing is at a bound,
// and the fixed parameters (the kinetics among them) are listed.
func TestFitRecoversWithinUncertainty(t *testing.T) {
	truth := DefaultMemristor()
	rng := rand.New(rand.NewPCG(5, 5))
	pts := make([]RIPoint, 30)
	for k := range pts {
		i := 0.1e-6 * math.Pow(50, float64(k)/29)
		_, _, r, err := truth.SteadyStateAtCurrent(i)
		if err != nil {
			t.Fatal(err)
		}
		pts[k] = RIPoint{I: i, R: r * (1 + 0.05*rng.NormFloat64())}
	}
	start := truth
	start.Vth, start.RD = 1.5, 1e5
	_, rep, err := FitMemristor(pts, start)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range []float64{truth.Vth, truth.RD} {
		if s := rep.Sigma[k]; !(s > 0) || math.IsInf(s, 0) || math.Abs(rep.Fitted[k]-want) > 3*s {
			t.Errorf("%v: fitted %g ± %g, true %g", rep.Free[k], rep.Fitted[k], s, want)
		}
		if rep.AtBound[k] != "" {
			t.Errorf("%v at the %s bound", rep.Free[k], rep.AtBound[k])
		}
	}
	if rep.Verdict != FitGood || len(rep.Warnings) > 0 {
		t.Errorf("verdict %q, warnings %q (RMS %g, scatter %g)", rep.Verdict, rep.Warnings, rep.RMSLog10, rep.NoiseLog10)
	}
	if math.Abs(rep.NoiseLog10-0.05/math.Ln10) > 0.01 {
		t.Errorf("scatter %g, want ≈ %g (5 %% noise)", rep.NoiseLog10, 0.05/math.Ln10)
	}
	keys := map[string]float64{}
	for _, f := range rep.Fixed {
		keys[f.Key] = f.Value
	}
	if keys["tau_set_s"] != truth.TauSet || keys["tau_relax_s"] != truth.TauRelax {
		t.Errorf("fixed parameters %v lack the kinetics", rep.Fixed)
	}
	if _, ok := keys["v_th_V"]; ok {
		t.Error("a fitted parameter is listed as fixed")
	}
}

// TestFitFlagsHostileDevices: the power law with exponent −0.9 ends with
// r_d at the lower bound of the search (flagged); the one with −0.5 is a
// poor fit (RMS ≫ the data's scatter).
func TestFitFlagsHostileDevices(t *testing.T) {
	_, rep, err := FitMemristor(powerLawRI(2e5, -0.9), DefaultMemristor())
	if err != nil {
		t.Fatal(err)
	}
	if rep.AtBound[1] != "lower" || len(rep.Warnings) == 0 || !strings.Contains(rep.Warnings[0], "r_d_ohm = 100 Ω is at the lower bound") {
		t.Errorf("steep power law: at bound %q, warnings %q", rep.AtBound, rep.Warnings)
	}
	_, rep, err = FitMemristor(powerLawRI(2e6, -0.5), DefaultMemristor())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != FitPoor || !strings.Contains(strings.Join(rep.Warnings, " "), "does not describe these data") {
		t.Errorf("shallow power law: verdict %q (RMS %g, scatter %g), warnings %q", rep.Verdict, rep.RMSLog10, rep.NoiseLog10, rep.Warnings)
	}
}
