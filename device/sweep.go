package device

import (
	"fmt"
	"math"
	"math/rand/v2"
)

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
	if err := checkCycled(&m, cfg.validate, cv, rng); err != nil {
		return res, err
	}
	up := ramp(0, cfg.VMax, cfg.Step)
	down := ramp(cfg.VMax, 0, cfg.Step)
	x := m.RelaxedState()
	for c := 0; c < cfg.Cycles; c++ {
		dev := cv.sampleCycle(m, rng)
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
