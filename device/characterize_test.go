package device

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Paper targets (PAPER.md).
const (
	paperLatency = 650e-9 // s, Fig. 3f
	paperEnergy  = 0.5e-12
)

func seeded(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x6d52656c75)) }

// Fig. 3a–b: 200 DC cycles with cycle-to-cycle variation; set above hold
// in every cycle, and the distributions do not overlap.
func TestIVSweepSetAboveHoldNoOverlap(t *testing.T) {
	res, err := IVSweep(DefaultMemristor(), DefaultSweepConfig(), DefaultCycleVariation(), seeded(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cycles) != 200 {
		t.Fatalf("%d cycles, want 200", len(res.Cycles))
	}
	for k, c := range res.Cycles {
		if math.IsNaN(c.Set) || math.IsNaN(c.Hold) {
			t.Fatalf("cycle %d: set %g V, hold %g V (no switching or no relaxation)", k, c.Set, c.Hold)
		}
		if !(c.Set > c.Hold) {
			t.Errorf("cycle %d: set %g V ≤ hold %g V", k, c.Set, c.Hold)
		}
		// Volatile: back in the insulating state at the end of each cycle.
		if last := c.Backward[len(c.Backward)-1]; last.X > 0.01 {
			t.Errorf("cycle %d: state %g at 0 V after the backward sweep", k, last.X)
		}
	}
	if res.Hold.Max >= res.Set.Min {
		t.Errorf("set and hold distributions overlap: max hold %g V ≥ min set %g V", res.Hold.Max, res.Set.Min)
	}
	if res.Set.Median < 1.9 || res.Set.Median > 2.1 || res.Hold.Median < 1.6 || res.Hold.Median > 1.8 {
		t.Errorf("set median %g V (want ≈ Vth = 2 V), hold median %g V (want ≈ Vth − RD·Icc = 1.7 V)", res.Set.Median, res.Hold.Median)
	}
	t.Logf("set: median %.3f V, std %.3f V, range [%.2f, %.2f]; hold: median %.3f V, std %.3f V, range [%.2f, %.2f]",
		res.Set.Median, res.Set.Std, res.Set.Min, res.Set.Max, res.Hold.Median, res.Hold.Std, res.Hold.Min, res.Hold.Max)
}

// Fig. 1f (3): no switching under negative bias down to −2 V.
func TestNegativeSweepDoesNotSwitch(t *testing.T) {
	cfg := DefaultSweepConfig()
	cfg.Cycles = 0
	res, err := IVSweep(DefaultMemristor(), cfg, CycleVariation{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Negative) != 400 {
		t.Fatalf("negative sweep has %d points, want 400", len(res.Negative))
	}
	if res.NegativeSwitched || res.NegativeMaxCurrent > 0.01*cfg.Icc || res.NegativeMaxState > 1e-3 {
		t.Errorf("negative sweep switched: max |I| %g A, max x %g", res.NegativeMaxCurrent, res.NegativeMaxState)
	}
	minV := 0.0
	for _, p := range res.Negative {
		minV = math.Min(minV, p.V)
	}
	if minV > -2+1e-9 {
		t.Errorf("negative sweep reached only %g V", minV)
	}
}

// Fig. 1h / 3c: R falls monotonically and gradually with current over at
// least a decade, with G < G0 throughout.
func TestCurrentSweepGradualMonotone(t *testing.T) {
	m := DefaultMemristor()
	pts, err := CurrentSweep(m, CurrentSweepConfig{IMax: 5e-6, Points: 101})
	if err != nil {
		t.Fatal(err)
	}
	for k := 1; k < len(pts); k++ {
		if !(pts[k].R < pts[k-1].R) {
			t.Errorf("R not falling at I=%g A: %g → %g Ω", pts[k].I, pts[k-1].R, pts[k].R)
		}
		if pts[k].G >= G0 {
			t.Errorf("G=%g S ≥ G0 at I=%g A", pts[k].G, pts[k].I)
		}
	}
	// Gradual: on the switched branch R follows a smooth power law in I;
	// on a log grid (ratio 1.08) no step changes R by more than the
	// steepest expected log-slope (−4 at 5 µA) allows.
	prev := 0.0
	for k := 0; k < 50; k++ {
		i := 0.1e-6 * math.Pow(50, float64(k)/49)
		p, _ := m.SteadyPoint(i)
		if k > 0 && prev/p.R > math.Pow(50, 4.5/49) {
			t.Errorf("abrupt drop at I=%g A: R ratio %g", i, prev/p.R)
		}
		prev = p.R
	}
	r01, _ := m.SteadyPoint(0.1e-6)
	last := pts[len(pts)-1]
	if r01.R/last.R < 10 {
		t.Errorf("R(0.1 µA)/R(5 µA) = %g, want ≥ 10 (a decade)", r01.R/last.R)
	}
	t.Logf("R(0)=%.3g Ω, R(0.1µA)=%.3g Ω, R(1µA)=%.3g Ω, R(5µA)=%.3g Ω", pts[0].R, r01.R, pts[20].R, last.R)
}

// Fig. 3d: alternating 100 nA / 1 µA pulses; the resistance at each level
// does not drift from pulse to pulse (history independence).
func TestPulseTrainHistoryIndependent(t *testing.T) {
	cfg := DefaultPulseTrainConfig()
	res, err := PulseTrain(DefaultMemristor(), cfg, CycleVariation{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Low.N != 10 || res.High.N != 10 {
		t.Fatalf("readings: %d low, %d high", res.Low.N, res.High.N)
	}
	if s := res.Low.RelativeSpread(); s > 0.05 {
		t.Errorf("R at 100 nA varies %.2g %% pulse to pulse", 100*s)
	}
	if s := res.High.RelativeSpread(); s > 0.05 {
		t.Errorf("R at 1 µA varies %.2g %% pulse to pulse", 100*s)
	}
	if res.Low.Median < 5*res.High.Median {
		t.Errorf("R follows the pulse poorly: %g Ω at 100 nA, %g Ω at 1 µA", res.Low.Median, res.High.Median)
	}
	// With per-pulse (cycle-to-cycle) variation the scatter stays small.
	res, err = PulseTrain(DefaultMemristor(), cfg, DefaultCycleVariation(), seeded(2))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []Stats{res.Low, res.High} {
		if cv := s.Std / s.Mean; cv > 0.05 {
			t.Errorf("pulse-to-pulse CV %.3g with cycle variation, want < 5 %%", cv)
		}
	}
}

// Fig. 3e: the resistance at the end of 1 ms pulses falls as the amplitude
// rises.
func TestVoltagePulsesResistanceFalls(t *testing.T) {
	res, err := VoltagePulses(DefaultMemristor(), DefaultVoltagePulsesConfig())
	if err != nil {
		t.Fatal(err)
	}
	for k := 1; k < len(res.Readings); k++ {
		if !(res.Readings[k].R < res.Readings[k-1].R) {
			t.Errorf("R did not fall from %g V to %g V: %g → %g Ω", res.Readings[k-1].Drive, res.Readings[k].Drive, res.Readings[k-1].R, res.Readings[k].R)
		}
	}
	first, last := res.Readings[0], res.Readings[len(res.Readings)-1]
	if first.R/last.R < 100 {
		t.Errorf("R range %g → %g Ω, want > 2 decades", first.R, last.R)
	}
}

// Fig. 3f: latency and energy per activation from the simulated waveform,
// at the default amplitude 2.3 V (the amplitude giving the paper's latency).
func TestSinglePulseLatencyAndEnergy(t *testing.T) {
	res, err := SinglePulse(DefaultMemristor(), DefaultPulseConfig())
	if err != nil {
		t.Fatal(err)
	}
	if !res.Saturated {
		t.Errorf("current not saturated at the end of the pulse: %g of %g A", res.FinalCurrent, res.SteadyCurrent)
	}
	if d := math.Abs(res.Latency-paperLatency) / paperLatency; !(d < 0.15) {
		t.Errorf("latency %g s, want 650 ns ± 15 %%", res.Latency)
	}
	// The amplitude is calibrated to the latency; the energy is not fitted.
	if d := math.Abs(res.Energy-paperEnergy) / paperEnergy; !(d < 0.25) {
		t.Errorf("energy %g J, want 0.5 pJ ± 25 %%", res.Energy)
	}
	// Energy is the waveform integral: bounded by peak power × latency.
	peak := 0.0
	for _, s := range res.Waveform {
		if s.T >= 0 && s.T <= res.Latency {
			peak = math.Max(peak, s.V*s.I)
		}
	}
	if res.Energy <= 0 || res.Energy > peak*res.Latency {
		t.Errorf("energy %g J inconsistent with peak power %g W", res.Energy, peak)
	}
	t.Logf("latency %.1f ns, energy %.3f pJ, I_sat %.3g A, R_on %.3g Ω", res.Latency*1e9, res.Energy*1e12, res.SteadyCurrent, res.ROn)
}

// The integrator is converged: a four times finer state resolution moves
// the latency by less than 1 %.
func TestSinglePulseIntegratorConverged(t *testing.T) {
	m := DefaultMemristor()
	c := DefaultPulseConfig()
	lat := func(dx float64) float64 {
		w, _, err := simulate(&m, m.RelaxedState(), []segment{{source{vs: c.Amplitude, rs: c.SeriesR, ilim: math.Inf(1)}, c.Width}}, dx)
		if err != nil {
			t.Fatal(err)
		}
		_, _, iss := source{vs: c.Amplitude, rs: c.SeriesR, ilim: math.Inf(1)}.steadyFrom(&m, m.RelaxedState())
		for k := 1; k < len(w); k++ {
			if w[k].I >= 0.9*iss {
				a, b := w[k-1], w[k]
				return a.T + (0.9*iss-a.I)/(b.I-a.I)*(b.T-a.T)
			}
		}
		return math.NaN()
	}
	a, b := lat(dxPulse), lat(dxPulse/4)
	if !(math.Abs(a-b) < 0.01*b) {
		t.Errorf("latency %g s at dx=%g, %g s at dx/4", a, dxPulse, b)
	}
}

// Volatility: after a set pulse the resistance returns within 10 % of the
// insulating value, well inside the 5 ms gaps of Fig. 3d.
func TestRelaxationAfterSetPulse(t *testing.T) {
	m := DefaultMemristor()
	res, err := Relaxation(m, DefaultPulseConfig(), 5e-3)
	if err != nil {
		t.Fatal(err)
	}
	// The 2.3 V pulse sets the device to ≈ 4 MΩ (0.44 µA through 1 MΩ),
	// 2.4 decades below the insulating state.
	if res.RSet > res.RInsulating/100 {
		t.Fatalf("pulse did not set the device: R %g Ω vs insulating %g Ω", res.RSet, res.RInsulating)
	}
	if math.IsNaN(res.RelaxationTime) || res.RelaxationTime <= 0 || res.RelaxationTime > 2e-3 {
		t.Errorf("relaxation time %g s, want finite and < 2 ms", res.RelaxationTime)
	}
	if end := res.R[len(res.R)-1]; end < 0.9*res.RInsulating {
		t.Errorf("R at the end %g Ω, not within 10 %% of %g Ω", end, res.RInsulating)
	}
	if !closeRel(res.StateTimeConstant, m.TauRelax, 0.02, 0) {
		t.Errorf("state decays with %g s, want TauRelax = %g s", res.StateTimeConstant, m.TauRelax)
	}
	t.Logf("relaxation time %.3g s (state time constant %.3g s), R_set %.3g Ω → R_ins %.3g Ω", res.RelaxationTime, res.StateTimeConstant, res.RSet, res.RInsulating)
}

// Fig. S6: 25 sampled memristors switch alike.
func TestDeviceToDeviceUniform(t *testing.T) {
	cur := []float64{0.1e-6, 1e-6, 5e-6}
	res, err := DeviceToDevice(DefaultMemristor(), DefaultDeviceVariation(), 25, cur, seeded(3))
	if err != nil {
		t.Fatal(err)
	}
	// Near saturation (5 µA) the device voltage is small, so the spread of
	// Vth and RD weighs more.
	maxCV := []float64{0.05, 0.05, 0.25}
	for k, s := range res.Stats {
		if s.N != 25 {
			t.Fatalf("%d devices", s.N)
		}
		if cv := s.Std / s.Mean; cv > maxCV[k] {
			t.Errorf("I=%g A: device-to-device CV of R %.3g, want < %g", cur[k], cv, maxCV[k])
		}
	}
	for d, row := range res.R {
		if !(row[0] > row[1] && row[1] > row[2]) {
			t.Errorf("device %d: R not falling with current: %v", d, row)
		}
	}
}

func TestCharacterisationRejectsBadInput(t *testing.T) {
	m := DefaultMemristor()
	bad := m
	bad.Vth = math.NaN()
	if _, err := SinglePulse(bad, DefaultPulseConfig()); err == nil {
		t.Error("SinglePulse accepted NaN Vth")
	}
	pc := DefaultPulseConfig()
	pc.Width = 0
	if _, err := SinglePulse(m, pc); err == nil {
		t.Error("SinglePulse accepted zero width")
	}
	sc := DefaultSweepConfig()
	sc.Icc = -1
	if _, err := IVSweep(m, sc, CycleVariation{}, nil); err == nil {
		t.Error("IVSweep accepted negative Icc")
	}
	if _, err := IVSweep(m, DefaultSweepConfig(), DefaultCycleVariation(), nil); err == nil {
		t.Error("IVSweep with variation accepted a nil rng")
	}
	if _, err := CurrentSweep(m, CurrentSweepConfig{IMax: math.Inf(1), Points: 3}); err == nil {
		t.Error("CurrentSweep accepted IMax = Inf")
	}
	tc := DefaultPulseTrainConfig()
	tc.Width = 2 * tc.Period
	if _, err := PulseTrain(m, tc, CycleVariation{}, nil); err == nil {
		t.Error("PulseTrain accepted Width > Period")
	}
	vc := DefaultVoltagePulsesConfig()
	vc.Amplitudes = []float64{1, math.NaN()}
	if _, err := VoltagePulses(m, vc); err == nil {
		t.Error("VoltagePulses accepted a NaN amplitude")
	}
	if _, err := Relaxation(m, DefaultPulseConfig(), -1); err == nil {
		t.Error("Relaxation accepted a negative span")
	}
}

// Fig. 3f over its unstated amplitude: the latency falls monotonically as
// the amplitude rises, and AmplitudeForLatency finds the amplitude of the
// paper's 650 ns, the default amplitude (2.1 V) within 10 mV.
func TestLatencyAgainstAmplitude(t *testing.T) {
	m := DefaultMemristor()
	base := DefaultPulseConfig()
	base.Width = 20e-6
	pts, err := LatencySweep(m, base, []float64{2.0, 2.05, 2.1, 2.2, 2.3, 2.4})
	if err != nil {
		t.Fatal(err)
	}
	for k := 1; k < len(pts); k++ {
		if !(pts[k].Latency < pts[k-1].Latency) || !(pts[k].Steady > pts[k-1].Steady) {
			t.Errorf("%g V: latency %g s after %g s at %g V (steady %g, %g A)", pts[k].Amplitude, pts[k].Latency, pts[k-1].Latency, pts[k-1].Amplitude, pts[k].Steady, pts[k-1].Steady)
		}
	}
	a, err := AmplitudeForLatency(m, base, paperLatency, 1.99, 3)
	if err != nil || math.Abs(a-DefaultPulseConfig().Amplitude) > 0.01 {
		t.Errorf("amplitude for 650 ns %g V (%v), default %g V", a, err, DefaultPulseConfig().Amplitude)
	}
	if a, err := AmplitudeForLatency(m, base, 1e-12, 1.99, 3); err != nil || !math.IsNaN(a) {
		t.Errorf("an unreachable latency gives %g V (%v), want NaN", a, err)
	}
	t.Logf("amplitude for 650 ns: %.4f V; latency %.3g s at 2.0 V, %.3g s at 2.4 V", a, pts[0].Latency, pts[len(pts)-1].Latency)
}
