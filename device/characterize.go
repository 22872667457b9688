package device

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Stats summarises a sample.
type Stats struct {
	N                int
	Mean, Std        float64 // Std is the sample standard deviation
	Median, Min, Max float64
}

// Summarize returns the statistics of xs, ignoring NaN values.
func Summarize(xs []float64) Stats {
	v := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	s := Stats{N: len(v), Mean: math.NaN(), Std: math.NaN(), Median: math.NaN(), Min: math.NaN(), Max: math.NaN()}
	if len(v) == 0 {
		return s
	}
	slices.Sort(v)
	s.Min, s.Max = v[0], v[len(v)-1]
	if n := len(v); n%2 == 1 {
		s.Median = v[n/2]
	} else {
		s.Median = 0.5 * (v[n/2-1] + v[n/2])
	}
	sum := 0.0
	for _, x := range v {
		sum += x
	}
	s.Mean = sum / float64(len(v))
	if len(v) > 1 {
		ss := 0.0
		for _, x := range v {
			ss += (x - s.Mean) * (x - s.Mean)
		}
		s.Std = math.Sqrt(ss / float64(len(v)-1))
	} else {
		s.Std = 0
	}
	return s
}

// MaxDuration is the longest span of simulated time a characterisation
// accepts for one integration (a sweep cycle, a pulse, a gap, a relaxation),
// s. The set transient needs steps of ~1e-9 s or less, which float64 time
// no longer resolves much beyond 1e6 s (its resolution there is ~1e-10 s),
// so longer spans end in an integration error; 1e6 s (11.6 days) is far
// beyond any measurement of the paper.
const MaxDuration = 1e6

// checkDuration refuses a span (s) longer than MaxDuration.
func checkDuration(name string, v float64) error {
	if v > MaxDuration {
		return fmt.Errorf("device: %s = %g s: longer than %g s, beyond what the state integrator resolves: %w", name, v, MaxDuration, ErrInvalidParam)
	}
	return nil
}

// errNeedRNG is returned when variation is requested without a source of
// randomness.
var errNeedRNG = errors.New("device: variation requested but rng is nil (pass a seeded *rand.Rand)")

func checkFinite(name, unit string, v float64, positive bool) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || (positive && v <= 0) {
		cond := "finite"
		if positive {
			cond = "finite and > 0"
		}
		return fmt.Errorf("device: %s = %g %s: must be %s: %w", name, v, unit, cond, ErrInvalidParam)
	}
	return nil
}

// ---------------------------------------------------------------------------
// DC voltage sweeps (Fig. 1f, 3a, 3b)

// SweepConfig describes bidirectional staircase DC voltage sweeps with a
// current compliance, as done with a semiconductor parameter analyser.
type SweepConfig struct {
	// Cycles is the number of positive sweep cycles. Default 200 (Fig. 3b).
	Cycles int `json:"cycles"`
	// Icc is the compliance current, A. Default 1e-6 A (paper).
	Icc float64 `json:"icc_A"`
	// VMax is the turning point of the positive sweep, V. Default 3 V.
	VMax float64 `json:"v_max_V"`
	// VNeg is the turning point of the negative sweep, V. Default −2 V.
	VNeg float64 `json:"v_neg_V"`
	// Step is the voltage step, V. Default 0.01 V.
	Step float64 `json:"step_V"`
	// Dwell is the time spent at each step before the current is read, s.
	// Default 1e-3 s (sweep rate 10 V/s; the device is quasi-static since
	// TauRelax ≪ Dwell·Vth/Step).
	Dwell float64 `json:"dwell_s"`
}

// DefaultSweepConfig returns the sweep of Fig. 1f and 3a–b.
func DefaultSweepConfig() SweepConfig {
	return SweepConfig{VMax: 3, VNeg: -2, Step: 0.01, Dwell: 1e-3, Icc: 1e-6, Cycles: 200}
}

func (c SweepConfig) validate() error {
	if err := checkFinite("SweepConfig.VMax", "V", c.VMax, true); err != nil {
		return err
	}
	if err := checkFinite("SweepConfig.VNeg", "V", c.VNeg, false); err != nil {
		return err
	}
	if c.VNeg > 0 {
		return fmt.Errorf("device: SweepConfig.VNeg = %g V: must be ≤ 0: %w", c.VNeg, ErrInvalidParam)
	}
	if err := checkFinite("SweepConfig.Step", "V", c.Step, true); err != nil {
		return err
	}
	if c.VMax/c.Step > 1e5 || -c.VNeg/c.Step > 1e5 {
		return fmt.Errorf("device: SweepConfig.Step = %g V: more than 1e5 steps per branch: %w", c.Step, ErrInvalidParam)
	}
	if err := checkFinite("SweepConfig.Dwell", "s", c.Dwell, true); err != nil {
		return err
	}
	if n := c.StepsPerCycle(); float64(n)*c.Dwell > MaxDuration {
		return fmt.Errorf("device: SweepConfig.Dwell = %g s: a cycle of %d steps would last %g s, longer than %g s, beyond what the state integrator resolves: %w",
			c.Dwell, n, float64(n)*c.Dwell, MaxDuration, ErrInvalidParam)
	}
	if err := checkFinite("SweepConfig.Icc", "A", c.Icc, true); err != nil {
		return err
	}
	if c.Cycles < 0 || c.Cycles > 100000 {
		return fmt.Errorf("device: SweepConfig.Cycles = %d: must be in [0, 100000]: %w", c.Cycles, ErrInvalidParam)
	}
	return nil
}

// StepsPerCycle returns the number of voltage steps of the longer of a
// positive cycle (0 → VMax → 0) and the negative sweep (0 → VNeg → 0).
func (c SweepConfig) StepsPerCycle() int {
	up := int(math.Round(c.VMax / c.Step))
	neg := int(math.Round(math.Abs(c.VNeg) / c.Step))
	return 2 * max(up, neg)
}

// IVPoint is one reading of a DC sweep.
type IVPoint struct {
	V       float64 // source voltage, V
	VDevice float64 // device voltage (lower than V in compliance), V
	I       float64 // current, A
	X       float64 // state at the reading
}

// IVCycle is one forward (0→VMax) and backward (VMax→0) sweep.
type IVCycle struct {
	Forward, Backward []IVPoint
	// Set is the source voltage of the first forward reading with
	// |I| ≥ Icc/2 (the abrupt rise into compliance), V; NaN if none.
	Set float64
	// Hold is the source voltage of the first backward reading with
	// |I| < Icc/2 (relaxation out of compliance), V; NaN if none.
	Hold float64
}

// IVSweepResult holds the cycles of a DC sweep experiment.
type IVSweepResult struct {
	Config SweepConfig
	Cycles []IVCycle
	// Negative is a 0 → VNeg → 0 sweep of the nominal device started from
	// the relaxed state.
	Negative []IVPoint
	// NegativeMaxCurrent is max |I| over Negative, A.
	NegativeMaxCurrent float64
	// NegativeMaxState is max x over Negative.
	NegativeMaxState float64
	// NegativeSwitched reports whether the negative sweep reached Icc/2.
	NegativeSwitched bool
	// Set and Hold summarise the per-cycle set and hold voltages, V.
	Set, Hold Stats
}

// SetVoltages returns the set voltage of every cycle.
func (r *IVSweepResult) SetVoltages() []float64 {
	out := make([]float64, len(r.Cycles))
	for k, c := range r.Cycles {
		out[k] = c.Set
	}
	return out
}

// HoldVoltages returns the hold voltage of every cycle.
func (r *IVSweepResult) HoldVoltages() []float64 {
	out := make([]float64, len(r.Cycles))
	for k, c := range r.Cycles {
		out[k] = c.Hold
	}
	return out
}

// sweepBranch steps the source through levels and returns one reading per
// level, taken at the end of the dwell.
func sweepBranch(st *stepper, levels []float64, icc, dwell float64) ([]IVPoint, error) {
	out := make([]IVPoint, 0, len(levels))
	st.hMax = dwell
	for _, vs := range levels {
		src := source{vs: vs, ilim: icc}
		if err := st.advance(src, dwell, nil); err != nil {
			return out, fmt.Errorf("sweep at %g V: %w", vs, err)
		}
		v, i, _ := src.operate(st.m, st.x)
		out = append(out, IVPoint{V: vs, VDevice: v, I: i, X: st.x})
	}
	return out, nil
}

// ramp returns the levels from a (exclusive) to b (inclusive) in steps of
// size step.
func ramp(a, b, step float64) []float64 {
	n := int(math.Round(math.Abs(b-a) / step))
	out := make([]float64, n)
	for k := range out {
		out[k] = a + float64(k+1)*(b-a)/float64(n)
	}
	return out
}

// IVSweep simulates cfg.Cycles bidirectional positive sweeps with
// compliance, redrawing the device parameters per cycle from cv (a switching
// event), followed by one negative sweep of the nominal device. The state
// is carried from step to step and cycle to cycle (quasi-static time
// stepping of the state ODE). rng may be nil only when cv is zero.
func IVSweep(m Memristor, cfg SweepConfig, cv CycleVariation, rng *rand.Rand) (IVSweepResult, error) {
	res := IVSweepResult{Config: cfg}
	if err := m.Validate(); err != nil {
		return res, err
	}
	if err := cfg.validate(); err != nil {
		return res, err
	}
	if err := cv.Validate(); err != nil {
		return res, err
	}
	if !cv.IsZero() && rng == nil {
		return res, errNeedRNG
	}
	up := ramp(0, cfg.VMax, cfg.Step)
	down := ramp(cfg.VMax, 0, cfg.Step)
	x := m.RelaxedState()
	for c := 0; c < cfg.Cycles; c++ {
		dev := m
		if !cv.IsZero() {
			dev = cv.Sample(m, rng)
		}
		st := newStepper(&dev, x, dxSweep, cfg.Dwell)
		fw, err := sweepBranch(st, up, cfg.Icc, cfg.Dwell)
		if err != nil {
			return res, fmt.Errorf("device: IV sweep cycle %d: %w", c, err)
		}
		bw, err := sweepBranch(st, down, cfg.Icc, cfg.Dwell)
		if err != nil {
			return res, fmt.Errorf("device: IV sweep cycle %d: %w", c, err)
		}
		x = st.x
		cyc := IVCycle{Forward: fw, Backward: bw, Set: math.NaN(), Hold: math.NaN()}
		for _, p := range fw {
			if math.Abs(p.I) >= 0.5*cfg.Icc {
				cyc.Set = p.V
				break
			}
		}
		if !math.IsNaN(cyc.Set) {
			for _, p := range bw {
				if math.Abs(p.I) < 0.5*cfg.Icc {
					cyc.Hold = p.V
					break
				}
			}
		}
		res.Cycles = append(res.Cycles, cyc)
	}
	res.Set = Summarize(res.SetVoltages())
	res.Hold = Summarize(res.HoldVoltages())
	if cfg.VNeg < 0 {
		st := newStepper(&m, m.RelaxedState(), dxSweep, cfg.Dwell)
		a, err := sweepBranch(st, ramp(0, cfg.VNeg, cfg.Step), cfg.Icc, cfg.Dwell)
		if err != nil {
			return res, fmt.Errorf("device: negative sweep: %w", err)
		}
		b, err := sweepBranch(st, ramp(cfg.VNeg, 0, cfg.Step), cfg.Icc, cfg.Dwell)
		if err != nil {
			return res, fmt.Errorf("device: negative sweep: %w", err)
		}
		res.Negative = append(a, b...)
		for _, p := range res.Negative {
			res.NegativeMaxCurrent = math.Max(res.NegativeMaxCurrent, math.Abs(p.I))
			res.NegativeMaxState = math.Max(res.NegativeMaxState, p.X)
		}
		res.NegativeSwitched = res.NegativeMaxCurrent >= 0.5*cfg.Icc
	}
	return res, nil
}

// ---------------------------------------------------------------------------
// Current-controlled steady state (Fig. 1h, 3c)

// SteadyPoint is the steady state of the device under a constant current.
type SteadyPoint struct {
	I float64 // current, A
	V float64 // voltage, V
	R float64 // resistance V/I (zero-bias 1/G(x) at I = 0), Ω
	G float64 // conductance 1/R, S
	X float64 // state
}

// CurrentSweepConfig describes a quasi-static current sweep.
type CurrentSweepConfig struct {
	// IMax is the largest current, A. Default 5e-6 A (Fig. 1h, 3c).
	IMax float64
	// Points is the number of currents, equally spaced from 0 to IMax
	// inclusive. Default 51.
	Points int
}

// DefaultCurrentSweepConfig returns the 0–5 µA sweep of Fig. 1h and 3c.
func DefaultCurrentSweepConfig() CurrentSweepConfig {
	return CurrentSweepConfig{IMax: 5e-6, Points: 51}
}

// CurrentSweep returns the current-controlled steady state R(I), G(I) from
// 0 to cfg.IMax: the quasi-static resistance–current curve of Fig. 1h/3c,
// computed as the steady state of the state equation.
func CurrentSweep(m Memristor, cfg CurrentSweepConfig) ([]SteadyPoint, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if err := checkFinite("CurrentSweepConfig.IMax", "A", cfg.IMax, true); err != nil {
		return nil, err
	}
	if cfg.Points < 2 || cfg.Points > 1000000 {
		return nil, fmt.Errorf("device: CurrentSweepConfig.Points = %d: must be in [2, 1e6]: %w", cfg.Points, ErrInvalidParam)
	}
	out := make([]SteadyPoint, cfg.Points)
	for k := range out {
		i := cfg.IMax * float64(k) / float64(cfg.Points-1)
		p, err := m.SteadyPoint(i)
		if err != nil {
			return nil, err
		}
		out[k] = p
	}
	return out, nil
}

// SteadyPoint returns the current-controlled steady state at the current
// i ≥ 0 (A) as a SteadyPoint.
func (m *Memristor) SteadyPoint(i float64) (SteadyPoint, error) {
	x, v, r, err := m.SteadyStateAtCurrent(i)
	if err != nil {
		return SteadyPoint{}, err
	}
	return SteadyPoint{I: i, V: v, R: r, G: 1 / r, X: x}, nil
}

// ---------------------------------------------------------------------------
// Current pulse train (Fig. 3d)

// PulseTrainConfig describes alternating current pulses from a current
// source with voltage compliance.
type PulseTrainConfig struct {
	// ILow and IHigh are the alternating pulse currents, A. Defaults
	// 100e-9 A and 1e-6 A (Fig. 3d).
	ILow, IHigh float64
	// Width is the pulse width, s. Default 5e-3 s (Fig. 3d).
	Width float64
	// Period is the pulse period, s (zero current between pulses).
	// Default 10e-3 s (Fig. 3d).
	Period float64
	// Pulses is the total number of pulses, starting with ILow. Default 20.
	Pulses int
	// VCompliance is the voltage compliance of the current source, V.
	// Default 10 V.
	VCompliance float64
}

// DefaultPulseTrainConfig returns the pulse train of Fig. 3d.
func DefaultPulseTrainConfig() PulseTrainConfig {
	return PulseTrainConfig{ILow: 100e-9, IHigh: 1e-6, Width: 5e-3, Period: 10e-3, Pulses: 20, VCompliance: 10}
}

func (c PulseTrainConfig) validate() error {
	for _, f := range []struct {
		name, unit string
		v          float64
	}{{"ILow", "A", c.ILow}, {"IHigh", "A", c.IHigh}, {"Width", "s", c.Width}, {"Period", "s", c.Period}, {"VCompliance", "V", c.VCompliance}} {
		if err := checkFinite("PulseTrainConfig."+f.name, f.unit, f.v, true); err != nil {
			return err
		}
	}
	if err := checkDuration("PulseTrainConfig.Period", c.Period); err != nil {
		return err
	}
	if c.Width > c.Period {
		return fmt.Errorf("device: PulseTrainConfig.Width = %g s exceeds Period = %g s: %w", c.Width, c.Period, ErrInvalidParam)
	}
	if c.Pulses < 1 || c.Pulses > 100000 {
		return fmt.Errorf("device: PulseTrainConfig.Pulses = %d: must be in [1, 100000]: %w", c.Pulses, ErrInvalidParam)
	}
	return nil
}

// PulseReading is the device at the end of one pulse.
type PulseReading struct {
	Index int     // pulse number from 0
	T     float64 // time of the reading (end of the pulse), s
	Drive float64 // pulse current (A) or source amplitude (V)
	V     float64 // device voltage, V
	I     float64 // device current, A
	R     float64 // device resistance V/I, Ω
	X     float64 // state
}

// PulseTrainResult holds a simulated current pulse train.
type PulseTrainResult struct {
	Config   PulseTrainConfig
	Waveform []Sample
	Readings []PulseReading
	// Low and High summarise the resistance read at the end of the ILow and
	// IHigh pulses, Ω.
	Low, High Stats
}

// RelativeSpread returns (max − min)/median of s, the pulse-to-pulse
// variation.
func (s Stats) RelativeSpread() float64 { return (s.Max - s.Min) / s.Median }

// PulseTrain simulates alternating ILow/IHigh current pulses (Fig. 3d) and
// reads the resistance at the end of each pulse. With a non-zero cv the
// device parameters are redrawn at each pulse (switching event).
func PulseTrain(m Memristor, cfg PulseTrainConfig, cv CycleVariation, rng *rand.Rand) (PulseTrainResult, error) {
	res := PulseTrainResult{Config: cfg}
	if err := m.Validate(); err != nil {
		return res, err
	}
	if err := cfg.validate(); err != nil {
		return res, err
	}
	if err := cv.Validate(); err != nil {
		return res, err
	}
	if !cv.IsZero() && rng == nil {
		return res, errNeedRNG
	}
	x := m.RelaxedState()
	t0 := 0.0
	var lows, highs []float64
	for k := 0; k < cfg.Pulses; k++ {
		dev := m
		if !cv.IsZero() {
			dev = cv.Sample(m, rng)
		}
		ip := cfg.ILow
		if k%2 == 1 {
			ip = cfg.IHigh
		}
		on := source{vs: cfg.VCompliance, ilim: ip}
		off := source{}
		segs := []segment{{on, cfg.Width}}
		if cfg.Period > cfg.Width {
			segs = append(segs, segment{off, cfg.Period - cfg.Width})
		}
		w, xe, err := simulate(&dev, x, segs[:1], dxSweep)
		if err != nil {
			return res, fmt.Errorf("device: pulse train pulse %d: %w", k, err)
		}
		end := w[len(w)-1]
		rd := PulseReading{Index: k, T: t0 + end.T, Drive: ip, V: end.V, I: end.I, R: end.V / end.I, X: end.X}
		res.Readings = append(res.Readings, rd)
		if k%2 == 0 {
			lows = append(lows, rd.R)
		} else {
			highs = append(highs, rd.R)
		}
		if len(segs) > 1 {
			w2, xe2, err := simulate(&dev, xe, segs[1:], dxSweep)
			if err != nil {
				return res, fmt.Errorf("device: pulse train gap %d: %w", k, err)
			}
			for j := range w2 {
				w2[j].T += cfg.Width
			}
			w = append(w, w2[1:]...)
			xe = xe2
		}
		for j := range w {
			w[j].T += t0
		}
		if k > 0 {
			w = w[1:]
		}
		res.Waveform = append(res.Waveform, w...)
		x = xe
		t0 += cfg.Period
	}
	res.Low = Summarize(lows)
	res.High = Summarize(highs)
	return res, nil
}

// ---------------------------------------------------------------------------
// Voltage pulses of rising amplitude through a series resistor (Fig. 3e)

// VoltagePulsesConfig describes voltage pulses of rising amplitude through a
// series resistor.
type VoltagePulsesConfig struct {
	// Amplitudes are the source pulse amplitudes in order, V. Default 1.6 V
	// to 3.2 V in 0.2 V steps (choice; Fig. 3e gives no values).
	Amplitudes []float64
	// Width is the pulse width, s. Default 1e-3 s (Fig. 3e).
	Width float64
	// Gap is the zero-bias time after each pulse, s. Default 1e-3 s.
	Gap float64
	// SeriesR is the series resistance, Ω. Default 1e6 Ω (Fig. 3e).
	SeriesR float64
}

// DefaultVoltagePulsesConfig returns the setting of Fig. 3e.
func DefaultVoltagePulsesConfig() VoltagePulsesConfig {
	amps := make([]float64, 9)
	for k := range amps {
		amps[k] = 1.6 + 0.2*float64(k)
	}
	return VoltagePulsesConfig{Amplitudes: amps, Width: 1e-3, Gap: 1e-3, SeriesR: 1e6}
}

// VoltagePulsesResult holds the readings at the end of each pulse.
type VoltagePulsesResult struct {
	Config   VoltagePulsesConfig
	Waveform []Sample
	Readings []PulseReading // Drive is the amplitude, V
}

// VoltagePulses simulates 1 ms voltage pulses of rising amplitude through a
// series resistor (Fig. 3e) and reads the device resistance V/I at the end
// of each pulse.
func VoltagePulses(m Memristor, cfg VoltagePulsesConfig) (VoltagePulsesResult, error) {
	res := VoltagePulsesResult{Config: cfg}
	if err := m.Validate(); err != nil {
		return res, err
	}
	if len(cfg.Amplitudes) == 0 {
		return res, fmt.Errorf("device: VoltagePulsesConfig.Amplitudes is empty: %w", ErrInvalidParam)
	}
	for k, a := range cfg.Amplitudes {
		if err := checkFinite(fmt.Sprintf("VoltagePulsesConfig.Amplitudes[%d]", k), "V", a, false); err != nil {
			return res, err
		}
	}
	if err := checkFinite("VoltagePulsesConfig.Width", "s", cfg.Width, true); err != nil {
		return res, err
	}
	if err := checkFinite("VoltagePulsesConfig.Gap", "s", cfg.Gap, false); err != nil {
		return res, err
	}
	if cfg.Gap < 0 {
		return res, fmt.Errorf("device: VoltagePulsesConfig.Gap = %g s: must be ≥ 0: %w", cfg.Gap, ErrInvalidParam)
	}
	if err := checkDuration("VoltagePulsesConfig.Width", cfg.Width); err != nil {
		return res, err
	}
	if err := checkDuration("VoltagePulsesConfig.Gap", cfg.Gap); err != nil {
		return res, err
	}
	if err := checkFinite("VoltagePulsesConfig.SeriesR", "Ω", cfg.SeriesR, false); err != nil || cfg.SeriesR < 0 {
		return res, fmt.Errorf("device: VoltagePulsesConfig.SeriesR = %g Ω: must be finite and ≥ 0: %w", cfg.SeriesR, ErrInvalidParam)
	}
	inf := math.Inf(1)
	x := m.RelaxedState()
	t0 := 0.0
	for k, a := range cfg.Amplitudes {
		w, xe, err := simulate(&m, x, []segment{{source{vs: a, rs: cfg.SeriesR, ilim: inf}, cfg.Width}}, dxSweep)
		if err != nil {
			return res, fmt.Errorf("device: voltage pulse %d (%g V): %w", k, a, err)
		}
		end := w[len(w)-1]
		r := math.Inf(1)
		if end.I != 0 {
			r = end.V / end.I
		}
		res.Readings = append(res.Readings, PulseReading{Index: k, T: t0 + end.T, Drive: a, V: end.V, I: end.I, R: r, X: end.X})
		if cfg.Gap > 0 {
			w2, xe2, err := simulate(&m, xe, []segment{{source{vs: 0, rs: cfg.SeriesR, ilim: inf}, cfg.Gap}}, dxSweep)
			if err != nil {
				return res, fmt.Errorf("device: gap after voltage pulse %d: %w", k, err)
			}
			for j := range w2 {
				w2[j].T += cfg.Width
			}
			w = append(w, w2[1:]...)
			xe = xe2
		}
		for j := range w {
			w[j].T += t0
		}
		if k > 0 {
			w = w[1:]
		}
		res.Waveform = append(res.Waveform, w...)
		x = xe
		t0 += cfg.Width + cfg.Gap
	}
	return res, nil
}

// ---------------------------------------------------------------------------
// Relaxation (volatility)

// RelaxationResult follows the zero-bias resistance after a set pulse.
type RelaxationResult struct {
	Pulse PulseConfig
	// T is the time after the end of the pulse, s; R the zero-bias
	// resistance 1/G(x) at T, Ω; X the state.
	T, R, X []float64
	// RInsulating is the zero-bias resistance of the relaxed device, Ω.
	RInsulating float64
	// RSet is the zero-bias resistance at the end of the pulse, Ω.
	RSet float64
	// RelaxationTime is the time after the pulse until R first returns
	// within 10 % of RInsulating (R ≥ 0.9·RInsulating), s; NaN if not
	// within the simulated time.
	RelaxationTime float64
	// StateTimeConstant is the time for the state to fall to 1/e of its
	// value at the end of the pulse, s.
	StateTimeConstant float64
}

// Relaxation applies the set pulse p (through its series resistor) to the
// relaxed device, removes the drive and follows the zero-bias resistance
// for the time span (s) until it returns within 10 % of the insulating
// value.
func Relaxation(m Memristor, p PulseConfig, span float64) (RelaxationResult, error) {
	res := RelaxationResult{Pulse: p, RelaxationTime: math.NaN(), StateTimeConstant: math.NaN()}
	if err := m.Validate(); err != nil {
		return res, err
	}
	if err := p.validate(); err != nil {
		return res, err
	}
	if err := checkFinite("relaxation span", "s", span, true); err != nil {
		return res, err
	}
	if err := checkDuration("PulseConfig.Width", p.Width); err != nil {
		return res, err
	}
	if err := checkDuration("relaxation span", span); err != nil {
		return res, err
	}
	inf := math.Inf(1)
	_, xs, err := simulate(&m, m.RelaxedState(), []segment{{source{vs: p.Amplitude, rs: p.SeriesR, ilim: inf}, p.Width}}, dxPulse)
	if err != nil {
		return res, fmt.Errorf("device: relaxation set pulse: %w", err)
	}
	w, _, err := simulate(&m, xs, []segment{{source{vs: 0, rs: p.SeriesR, ilim: inf}, span}}, dxSweep)
	if err != nil {
		return res, fmt.Errorf("device: relaxation: %w", err)
	}
	res.RInsulating = m.InsulatingResistance()
	res.RSet = m.Resistance(xs)
	xe := xs / math.E
	if res.RSet >= 0.9*res.RInsulating {
		// The pulse never set the device: it is already relaxed.
		res.RelaxationTime, res.StateTimeConstant = 0, 0
	}
	for k, s := range w {
		r := m.Resistance(s.X)
		res.T = append(res.T, s.T)
		res.R = append(res.R, r)
		res.X = append(res.X, s.X)
		if k == 0 {
			continue
		}
		a := w[k-1]
		if math.IsNaN(res.StateTimeConstant) && s.X <= xe {
			res.StateTimeConstant = a.T + (a.X-xe)/(a.X-s.X)*(s.T-a.T)
		}
		if math.IsNaN(res.RelaxationTime) && r >= 0.9*res.RInsulating {
			ra := res.R[k-1]
			if r == ra {
				res.RelaxationTime = s.T
				continue
			}
			res.RelaxationTime = a.T + (0.9*res.RInsulating-ra)/(r-ra)*(s.T-a.T)
		}
	}
	return res, nil
}

// ---------------------------------------------------------------------------
// Device-to-device spread (Fig. S6)

// D2DResult holds the steady-state resistance of a sampled population.
type D2DResult struct {
	Devices  []Memristor
	Currents []float64   // A
	R        [][]float64 // R[d][k]: device d at Currents[k], Ω
	Stats    []Stats     // per current, over devices
}

// DeviceToDevice samples n memristors (the paper: 25) from dv and returns
// their steady-state resistance at each current.
func DeviceToDevice(nominal Memristor, dv DeviceVariation, n int, currents []float64, rng *rand.Rand) (D2DResult, error) {
	res := D2DResult{Currents: currents}
	if err := nominal.Validate(); err != nil {
		return res, err
	}
	if err := dv.Validate(); err != nil {
		return res, err
	}
	if rng == nil {
		return res, errNeedRNG
	}
	if n < 1 {
		return res, fmt.Errorf("device: DeviceToDevice n = %d: must be ≥ 1: %w", n, ErrInvalidParam)
	}
	res.Devices = dv.SampleMemristors(nominal, n, rng)
	for d := range res.Devices {
		row := make([]float64, len(currents))
		for k, i := range currents {
			p, err := res.Devices[d].SteadyPoint(i)
			if err != nil {
				return res, err
			}
			row[k] = p.R
		}
		res.R = append(res.R, row)
	}
	for k := range currents {
		col := make([]float64, n)
		for d := range col {
			col[d] = res.R[d][k]
		}
		res.Stats = append(res.Stats, Summarize(col))
	}
	return res, nil
}
