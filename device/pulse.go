package device

import (
	"fmt"
	"math"
)

// Sample is one point of a simulated waveform.
type Sample struct {
	T  float64 // time, s
	VS float64 // source (applied) voltage, V
	V  float64 // device voltage (Cu electrode positive), V
	I  float64 // device current, A
	X  float64 // state, dimensionless in [0,1]
}

// segment is a span of constant source.
type segment struct {
	src source
	dur float64
}

// integration accuracy: largest state change per accepted step.
const (
	dxPulse = 0.002 // transient pulses (latency, energy)
	dxSweep = 0.005 // DC sweeps and long pulse trains
)

// simulate integrates the state from x0 through the segments, returning the
// waveform (one sample at t = 0 and one per accepted step) and the final
// state.
func simulate(m *Memristor, x0 float64, segs []segment, dxMax float64) ([]Sample, float64, error) {
	st := newStepper(m, x0, dxMax, math.Inf(1))
	v, i, _ := segs[0].src.operate(m, x0)
	out := []Sample{{T: 0, VS: segs[0].src.vs, V: v, I: i, X: x0}}
	for _, sg := range segs {
		src := sg.src
		// hMax keeps a few samples per segment for plotting.
		st.hMax = math.Max(sg.dur/20, 0)
		err := st.advance(src, sg.dur, func(t, x float64) {
			v, i, _ := src.operate(m, x)
			out = append(out, Sample{T: t, VS: src.vs, V: v, I: i, X: x})
		})
		if err != nil {
			return out, st.x, err
		}
	}
	return out, st.x, nil
}

// PulseConfig describes a single rectangular voltage pulse applied through a
// series resistor, as in the paper's pulse measurements (Fig. 3e, 3f).
type PulseConfig struct {
	// Amplitude of the source pulse in V. Default 2.3 V (calibration: the
	// paper does not state Fig. 3f's amplitude; 2.3 V is where the default
	// device activates in the paper's 650 ns, AmplitudeForLatency gives
	// 2.29 V; 0.44 µA then flows through 1 MΩ into the set device, the
	// middle of the neuron's operating range).
	Amplitude float64
	// Width of the pulse in s. Default 10e-6 s, long enough for the current
	// to saturate (latency ≈ 650 ns; the last percent takes a few µs).
	Width float64
	// SeriesR is the series resistance in Ω. Default 1e6 Ω (paper: 1 MΩ to
	// prevent hard breakdown, Fig. 3e).
	SeriesR float64
	// Before is the zero-bias time simulated before the pulse in s. Default
	// 100e-9 s.
	Before float64
	// After is the zero-bias time simulated after the pulse in s (to follow
	// the relaxation). Default 0.
	After float64
}

// DefaultPulseConfig returns the single-pulse setting used for the latency
// and energy figures (Fig. 3f).
func DefaultPulseConfig() PulseConfig {
	return PulseConfig{Amplitude: 2.3, Width: 10e-6, SeriesR: 1e6, Before: 100e-9}
}

func (c PulseConfig) validate() error {
	for _, f := range []struct {
		name, unit string
		v          float64
		min        float64
		strict     bool
	}{
		{"Amplitude", "V", c.Amplitude, 0, false},
		{"Width", "s", c.Width, 0, true},
		{"SeriesR", "Ω", c.SeriesR, 0, false},
		{"Before", "s", c.Before, 0, false},
		{"After", "s", c.After, 0, false},
	} {
		bad := math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < f.min || (f.strict && f.v == f.min)
		if bad {
			return fmt.Errorf("device: PulseConfig.%s = %g %s: must be finite and %s 0: %w", f.name, f.v, f.unit, map[bool]string{true: ">", false: "≥"}[f.strict], ErrInvalidParam)
		}
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"PulseConfig.Width", c.Width}, {"PulseConfig.Before", c.Before}, {"PulseConfig.After", c.After}} {
		if err := checkDuration(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

// PulseResult is a simulated single pulse (Fig. 3f).
type PulseResult struct {
	Config   PulseConfig
	Waveform []Sample // t = 0 is the pulse onset; Before is at negative t
	// FinalCurrent is the device current at the end of the pulse, A.
	FinalCurrent float64
	// SteadyCurrent is the saturated current, A: the steady state of the
	// model under the pulse amplitude and series resistor, reached from
	// the relaxed state (first root of dx/dt above it).
	SteadyCurrent float64
	// Latency is the time from pulse onset until the device current first
	// reaches 90 % of SteadyCurrent, s (the paper's "pulse to saturation
	// of the output"); NaN if it is not reached within the pulse.
	Latency float64
	// Saturated reports whether FinalCurrent is within 2 % of
	// SteadyCurrent.
	Saturated bool
	// Energy is the energy dissipated in the device from pulse onset to
	// Latency, J: ∫ V·I dt over a pulse as wide as the latency, the paper's
	// energy per activation.
	Energy float64
	// EnergyPulse is the device energy over the whole pulse, J.
	EnergyPulse float64
	// SourceEnergy is the energy delivered by the source (device + series
	// resistor) over the whole pulse, J.
	SourceEnergy float64
	// ROn is the device resistance V/I at the end of the pulse (the
	// zero-bias 1/G(x) if no current flows), Ω.
	ROn float64
}

// SinglePulse simulates one voltage pulse on the relaxed device and
// extracts latency and energy per activation from the waveform.
func SinglePulse(m Memristor, c PulseConfig) (PulseResult, error) {
	if err := m.Validate(); err != nil {
		return PulseResult{}, err
	}
	if err := c.validate(); err != nil {
		return PulseResult{}, err
	}
	inf := math.Inf(1)
	segs := []segment{}
	if c.Before > 0 {
		segs = append(segs, segment{source{vs: 0, rs: c.SeriesR, ilim: inf}, c.Before})
	}
	segs = append(segs, segment{source{vs: c.Amplitude, rs: c.SeriesR, ilim: inf}, c.Width})
	if c.After > 0 {
		segs = append(segs, segment{source{vs: 0, rs: c.SeriesR, ilim: inf}, c.After})
	}
	w, _, err := simulate(&m, m.RelaxedState(), segs, dxPulse)
	if err != nil {
		return PulseResult{Config: c, Waveform: w}, fmt.Errorf("device: single pulse: %w", err)
	}
	for k := range w {
		w[k].T -= c.Before
	}
	r := PulseResult{Config: c, Waveform: w}
	// End of pulse and saturation check.
	endIdx := 0
	for k, s := range w {
		if s.T <= c.Width*(1+1e-12) {
			endIdx = k
		}
	}
	r.FinalCurrent = w[endIdx].I
	if w[endIdx].I != 0 {
		r.ROn = w[endIdx].V / w[endIdx].I
	} else {
		r.ROn = m.Resistance(w[endIdx].X)
	}
	_, _, r.SteadyCurrent = source{vs: c.Amplitude, rs: c.SeriesR, ilim: inf}.steadyFrom(&m, m.RelaxedState())
	r.Saturated = r.FinalCurrent >= 0.98*r.SteadyCurrent
	// Latency: first crossing of 90 % of the saturated current after onset.
	target := 0.9 * r.SteadyCurrent
	r.Latency = math.NaN()
	for k := 1; k <= endIdx; k++ {
		a, b := w[k-1], w[k]
		if b.T <= 0 {
			continue
		}
		if a.I < target && b.I >= target {
			r.Latency = a.T + (target-a.I)/(b.I-a.I)*(b.T-a.T)
			break
		}
	}
	p := func(s Sample) float64 { return s.V * s.I }
	ps := func(s Sample) float64 { return s.VS * s.I }
	r.EnergyPulse = integrate(w, 0, c.Width, p)
	r.SourceEnergy = integrate(w, 0, c.Width, ps)
	if !math.IsNaN(r.Latency) {
		r.Energy = integrate(w, 0, r.Latency, p)
	}
	return r, nil
}

// interpAt interpolates q linearly in the waveform at time t.
func interpAt(w []Sample, t float64, q func(Sample) float64) float64 {
	for k := 1; k < len(w); k++ {
		if w[k].T >= t {
			a, b := w[k-1], w[k]
			if b.T == a.T {
				return q(b)
			}
			f := (t - a.T) / (b.T - a.T)
			return q(a) + f*(q(b)-q(a))
		}
	}
	return q(w[len(w)-1])
}

// integrate returns ∫ q dt over [t0, t1] of the waveform with the
// trapezoidal rule, splitting the end intervals by interpolation. Samples at
// the same time (source discontinuities) contribute nothing.
func integrate(w []Sample, t0, t1 float64, q func(Sample) float64) float64 {
	sum := 0.0
	for k := 1; k < len(w); k++ {
		a, b := w[k-1], w[k]
		lo, hi := math.Max(a.T, t0), math.Min(b.T, t1)
		if hi <= lo || b.T == a.T {
			continue
		}
		qa, qb := q(a), q(b)
		f := func(t float64) float64 { return qa + (t-a.T)/(b.T-a.T)*(qb-qa) }
		sum += 0.5 * (f(lo) + f(hi)) * (hi - lo)
	}
	return sum
}

// AmplitudePoint is the single-pulse latency and energy at one amplitude.
type AmplitudePoint struct {
	Amplitude float64 // V
	Latency   float64 // s; NaN if the current never reaches 90 % of saturation within the pulse
	Energy    float64 // J over the latency (0 when Latency is NaN)
	Steady    float64 // saturated current, A
}

// LatencySweep runs SinglePulse at each amplitude (V) with the other
// settings of base: latency and energy per activation against pulse
// amplitude (the Fig. 3f measurement repeated over its unknown amplitude).
func LatencySweep(m Memristor, base PulseConfig, amplitudes []float64) ([]AmplitudePoint, error) {
	out := make([]AmplitudePoint, 0, len(amplitudes))
	for _, a := range amplitudes {
		c := base
		c.Amplitude = a
		r, err := SinglePulse(m, c)
		if err != nil {
			return out, fmt.Errorf("device: latency sweep at %g V: %w", a, err)
		}
		out = append(out, AmplitudePoint{Amplitude: a, Latency: r.Latency, Energy: r.Energy, Steady: r.SteadyCurrent})
	}
	return out, nil
}

// AmplitudeForLatency returns the pulse amplitude (V) in [lo, hi] at which
// the single-pulse latency equals target (s), by bisection on the
// amplitude (latency falls as the amplitude rises), with the settings of
// base. It returns NaN when target is not bracketed.
func AmplitudeForLatency(m Memristor, base PulseConfig, target, lo, hi float64) (float64, error) {
	lat := func(a float64) (float64, error) {
		c := base
		c.Amplitude = a
		r, err := SinglePulse(m, c)
		if err != nil {
			return 0, err
		}
		if math.IsNaN(r.Latency) {
			return math.Inf(1), nil
		}
		return r.Latency, nil
	}
	llo, err := lat(lo)
	if err != nil {
		return math.NaN(), err
	}
	lhi, err := lat(hi)
	if err != nil {
		return math.NaN(), err
	}
	if !(llo > target && lhi <= target) {
		return math.NaN(), nil
	}
	for it := 0; it < 40 && hi-lo > 1e-6; it++ {
		mid := 0.5 * (lo + hi)
		l, err := lat(mid)
		if err != nil {
			return math.NaN(), err
		}
		if l > target {
			lo = mid
		} else {
			hi = mid
		}
	}
	return 0.5 * (lo + hi), nil
}
