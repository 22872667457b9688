package neuron

import (
	"errors"
	"fmt"
	"math"

	"github.com/mrelu/mrelu/circuit"
)

// PulseConfig is the input current pulse of a transient activation. JSON
// keys carry the unit.
type PulseConfig struct {
	// Amplitude is the pulse current in A. 0 means "the current at which
	// the DC output reaches 90 % of VDD" (TransferMetrics.I90, ≈ 1.45 µA
	// with the defaults): the top of the linear range, a full activation.
	Amplitude float64 `json:"amplitude_A"`
	// Delay is the time before the pulse in s (the neuron sits at its
	// zero-input operating point). Default 10 µs.
	Delay float64 `json:"delay_s"`
	// Rise and Fall are the edge times in s. Default 10 ns (a crossbar
	// column current switches with its input drivers).
	Rise float64 `json:"rise_s"`
	Fall float64 `json:"fall_s"`
	// Width is the pulse width in s. Default 1 ms: over a hundred times the
	// latency of the default neuron (~8 µs with parasitics, docs/neuron.md)
	// and several periods of any relaxation oscillation (50–70 µs), so that
	// the last quarter of the pulse shows whether the output has settled.
	Width float64 `json:"width_s"`
	// After is the time simulated after the pulse in s (recovery).
	// Default 1 ms.
	After float64 `json:"after_s"`
	// SettleWindow is the fraction of the pulse, at its end, over which
	// the output must stay within SettleTol to count as settled. Default
	// 0.25.
	SettleWindow float64 `json:"settle_window"`
	// SettleTol is the largest peak-to-peak Vout in the settle window, in V.
	// Default 0.02 V (1 % of VDD).
	SettleTol float64 `json:"settle_tol_V"`
	// RelTol is the transient's local-truncation-error tolerance
	// (circuit.TranOptions.RelTol). Default 1e-3.
	RelTol float64 `json:"rel_tol"`
}

// DefaultPulseConfig returns the default activation pulse (amplitude 0:
// chosen from the transfer curve).
func DefaultPulseConfig() PulseConfig {
	return PulseConfig{Delay: 10e-6, Rise: 10e-9, Fall: 10e-9, Width: 1e-3, After: 1e-3,
		SettleWindow: 0.25, SettleTol: 0.02, RelTol: 1e-3}
}

// Validate names the first invalid field.
func (c PulseConfig) Validate() error {
	for _, f := range []struct {
		key, unit string
		v         float64
		pos       bool
	}{
		{"amplitude_A", "A", c.Amplitude, false},
		{"delay_s", "s", c.Delay, false},
		{"rise_s", "s", c.Rise, true},
		{"fall_s", "s", c.Fall, true},
		{"width_s", "s", c.Width, true},
		{"after_s", "s", c.After, false},
		{"settle_window", "", c.SettleWindow, true},
		{"settle_tol_V", "V", c.SettleTol, true},
		{"rel_tol", "", c.RelTol, true},
	} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 || (f.pos && f.v == 0) {
			want := "≥ 0"
			if f.pos {
				want = "> 0"
			}
			return fmt.Errorf("neuron: pulse %s = %g %s: must be finite and %s", f.key, f.v, f.unit, want)
		}
	}
	if c.SettleWindow > 1 {
		return fmt.Errorf("neuron: pulse settle_window = %g: must be in (0, 1]", c.SettleWindow)
	}
	if c.RelTol > 0.1 {
		return fmt.Errorf("neuron: pulse rel_tol = %g: must be ≤ 0.1", c.RelTol)
	}
	if c.Amplitude > 1e-3 {
		return fmt.Errorf("neuron: pulse amplitude_A = %g A: must be ≤ 1 mA (the neuron works below 10 µA)", c.Amplitude)
	}
	return nil
}

// Stop returns the end of the simulated interval in s.
func (c PulseConfig) Stop() float64 { return c.Delay + c.Rise + c.Width + c.Fall + c.After }

// Waveform returns the input current waveform (Amplitude must be set).
func (c PulseConfig) Waveform() circuit.Pulse {
	return circuit.Pulse{V1: 0, V2: c.Amplitude, Delay: c.Delay, Rise: c.Rise, Fall: c.Fall, Width: c.Width}
}

// TranOptions returns the transient options used for the pulse, the same
// for our solver and the exported SPICE netlist.
func (c PulseConfig) TranOptions() circuit.TranOptions {
	return circuit.TranOptions{RelTol: c.RelTol, MaxStep: c.Width / 500}
}

// Response classifications of a pulse.
const (
	Settled     = "settled"     // the output stays within SettleTol over the settle window
	Oscillating = "oscillating" // it swings up and down by more than SettleTol
	Unsettled   = "unsettled"   // it still drifts (or never rose) at the end of the pulse
)

// PulseResult is the transient response to one input pulse.
type PulseResult struct {
	// Config is the pulse used (Amplitude resolved).
	Config PulseConfig `json:"pulse"`
	// Time (s), Vout (V), Vin (V, mirror input node), State (memristor
	// x), ISupply (A delivered by VDD) and PInput (W delivered by the
	// input source) at every accepted time point.
	Time, Vout, Vin, State, ISupply, PInput []float64 `json:"-"`
	// VDD is the supply in V.
	VDD float64 `json:"vdd_V"`
	// Baseline is Vout just before the pulse (V); DCVout the DC operating
	// point at the pulse amplitude (V), what a settled response reaches.
	Baseline float64 `json:"baseline_V"`
	DCVout   float64 `json:"dc_vout_V"`
	// Status is Settled, Oscillating or Unsettled.
	Status string `json:"status"`
	// Final is the mean Vout over the settle window (V); PeakToPeak its
	// swing there (V); Period the oscillation period (s) when Oscillating
	// (else 0).
	Final      float64 `json:"final_V"`
	PeakToPeak float64 `json:"peak_to_peak_V"`
	Period     float64 `json:"period_s"`
	// Latency is the time from the pulse start until Vout reaches
	// Baseline + 90 % of (Final − Baseline) and stays at or beyond it to
	// the end of the pulse, in s (a brief capacitive feedthrough spike at
	// the pulse edge does not count); NaN unless Settled.
	Latency float64 `json:"latency_s"`
	// SettlingTime is the time from the pulse start until Vout stays
	// within ±10 % of the step (Final − Baseline) around Final to the end of
	// the pulse (s): longer than Latency when the output overshoots. NaN
	// unless Settled.
	SettlingTime float64 `json:"settling_time_s"`
	// Overshoot is the largest Vout during the pulse minus Final (V).
	Overshoot float64 `json:"overshoot_V"`
	// EnergySupply and EnergyInput are the energies delivered by VDD and by
	// the input source over the activation window [pulse start, pulse
	// start + Latency] (J); Energy is their sum, the energy per activation.
	// NaN unless Settled.
	EnergySupply float64 `json:"energy_supply_J"`
	EnergyInput  float64 `json:"energy_input_J"`
	Energy       float64 `json:"energy_J"`
	// EnergyMemristor is the memristor's own energy over the same window,
	// ∫(VDD − Vout)·I(VDD) dt (J): the paper's definition of the energy per
	// activation (the device's V·I over the latency, Fig. 3f). The supply
	// current flows through the memristor (and its parallel capacitance).
	// NaN unless Settled.
	EnergyMemristor float64 `json:"energy_memristor_J"`
	// EnergyPulse is the energy from both sources over the whole pulse
	// (J), and EnergyRun over the whole run (J; equals the sum of
	// circuit.TranResult.Energy of both sources).
	EnergyPulse float64 `json:"energy_pulse_J"`
	EnergyRun   float64 `json:"energy_run_J"`
	// Recovery is the time from the end of the pulse until Vout falls
	// below 10 % of VDD for good (s); NaN if it does not within After.
	// AfterPeak is the largest Vout after the pulse (V): with the mirror
	// off, the still-set memristor pulls the output towards VDD until it
	// relaxes.
	Recovery  float64 `json:"recovery_s"`
	AfterPeak float64 `json:"after_peak_V"`
	// OutputCapacitance is the total capacitance on the output node (F).
	OutputCapacitance float64 `json:"output_capacitance_F"`
	// InputCapacitance is the capacitance on the mirror input node (F,
	// Circuit.InputCapacitance) and MirrorChargeTime = InputCapacitance ·
	// Vin(final) / Amplitude (s) the time the pulse current needs to charge
	// it to the gate voltage it settles at: the latency's lower bound set
	// by the mirror (NaN unless Settled).
	InputCapacitance float64 `json:"input_capacitance_F"`
	MirrorChargeTime float64 `json:"mirror_charge_time_s"`
	// CCrit is the small-signal critical output capacitance at the DC
	// point of the pulse amplitude (F, StabilityLimit; +Inf: none).
	CCrit float64 `json:"-"`
	// Points is the number of time points; Stats the solver's counts (zero
	// for an ngspice run).
	Points int               `json:"points"`
	Stats  circuit.TranStats `json:"-"`
}

// ResolveAmplitude returns cfg with Amplitude set: unchanged if it is > 0,
// else the current at which the DC output first reaches 90 % of VDD, found
// on a sweep of 0..20 µA in 10 nA steps.
func ResolveAmplitude(n *Circuit, cfg PulseConfig) (PulseConfig, error) {
	if cfg.Amplitude > 0 {
		return cfg, nil
	}
	c, err := Transfer(n, Linspace(0, 20e-6, 2001))
	if err != nil {
		return cfg, err
	}
	i90 := c.Metrics().I90
	if math.IsNaN(i90) {
		return cfg, errors.New("neuron: pulse: the DC output never reaches 90 % of VDD below 20 µA; give an amplitude")
	}
	cfg.Amplitude = i90
	return cfg, nil
}

// Pulse runs the transient response of the neuron to the input pulse cfg
// (Amplitude 0: see ResolveAmplitude) and analyses it (AnalysePulse). The
// input source's waveform is restored afterwards.
func Pulse(n *Circuit, cfg PulseConfig) (*PulseResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg, err := ResolveAmplitude(n, cfg)
	if err != nil {
		return nil, err
	}
	dc, err := n.operatingAt(cfg.Amplitude)
	if err != nil {
		return nil, err
	}
	old := n.In.W
	defer func() { n.In.W = old }()
	n.In.W = cfg.Waveform()
	tr, err := n.C.Transient(cfg.Stop(), cfg.TranOptions())
	if err != nil {
		return nil, fmt.Errorf("neuron: pulse of %g A: %w", cfg.Amplitude, err)
	}
	r := &PulseResult{Config: cfg, VDD: n.Params.VDD, Time: tr.Time, Stats: tr.Stats}
	if err := r.fill(tr, n, dc); err != nil {
		return nil, err
	}
	r.InputCapacitance = n.InputCapacitance()
	r.analyse()
	r.MirrorChargeTime = math.NaN()
	if r.Status == Settled {
		r.MirrorChargeTime = r.InputCapacitance * interpAt(r.Time, r.Vin, tEndOf(cfg)) / cfg.Amplitude
	}
	return r, nil
}

// fill sets the waveforms of r (whose Config and Time are set) from the
// table t of the same run, the input power P = Vin·I_in(t), and the
// operating point dc's output, stability limit and the output capacitance.
func (r *PulseResult) fill(t columns, n *Circuit, dc opPoint) error {
	var err error
	if r.Vout, r.Vin, r.State, r.ISupply, err = readColumns(t); err != nil {
		return err
	}
	w := r.Config.Waveform()
	r.PInput = make([]float64, len(r.Time))
	for k, tk := range r.Time {
		r.PInput[k] = r.Vin[k] * w.At(tk)
	}
	r.DCVout = dc.vout
	r.CCrit = n.StabilityLimit(dc.vout, dc.vin, dc.x)
	r.OutputCapacitance = n.OutputCapacitance()
	return nil
}

type opPoint struct{ vout, vin, x float64 }

// operatingAt solves the DC operating point at input current i.
func (n *Circuit) operatingAt(i float64) (opPoint, error) {
	c, err := Transfer(n, Linspace(0, i, 2))
	if err != nil {
		return opPoint{}, err
	}
	return opPoint{c.Vout[1], c.Vin[1], c.State[1]}, nil
}

// analyse fills the derived fields of a PulseResult from its
// waveforms (Time, Vout, ISupply, PInput), Config and VDD: used for our
// transient and for ngspice's.
func (r *PulseResult) analyse() {
	c := r.Config
	t0 := c.Delay
	tEnd := c.Delay + c.Rise + c.Width // pulse top ends
	r.Points = len(r.Time)
	r.Baseline = interpAt(r.Time, r.Vout, t0)
	// Settle window.
	w0 := tEnd - c.SettleWindow*c.Width
	lo, hi := math.Inf(1), math.Inf(-1)
	var sum, span float64
	var ext []float64 // times of local extrema in the window
	peak := math.Inf(-1)
	for k, t := range r.Time {
		if t >= t0 && t <= tEnd {
			peak = math.Max(peak, r.Vout[k])
		}
		if t < w0 || t > tEnd {
			continue
		}
		lo, hi = math.Min(lo, r.Vout[k]), math.Max(hi, r.Vout[k])
		if k > 0 && r.Time[k-1] >= w0 {
			dt := t - r.Time[k-1]
			sum += 0.5 * (r.Vout[k] + r.Vout[k-1]) * dt
			span += dt
		}
		if k > 0 && k+1 < len(r.Time) && r.Time[k+1] <= tEnd {
			a, b := r.Vout[k]-r.Vout[k-1], r.Vout[k+1]-r.Vout[k]
			if a*b < 0 && math.Abs(a)+math.Abs(b) > 1e-6 {
				ext = append(ext, t)
			}
		}
	}
	if span > 0 {
		r.Final = sum / span
	} else {
		r.Final = interpAt(r.Time, r.Vout, tEnd)
	}
	r.PeakToPeak = hi - lo
	r.Overshoot = peak - r.Final
	nan := math.NaN()
	r.Latency, r.Energy, r.EnergySupply, r.EnergyInput, r.EnergyMemristor, r.SettlingTime = nan, nan, nan, nan, nan, nan
	switch {
	case r.PeakToPeak <= c.SettleTol:
		r.Status = Settled
	case len(ext) >= 3:
		r.Status = Oscillating
		r.Period = 2 * (ext[len(ext)-1] - ext[0]) / float64(len(ext)-1)
	default:
		r.Status = Unsettled
	}
	if r.Status == Settled {
		// The latency ends where Vout enters the band beyond 90 % of the
		// step for good (until the end of the pulse): a brief capacitive
		// feedthrough spike at the pulse edge does not count.
		level := r.Baseline + 0.9*(r.Final-r.Baseline)
		up := r.Final >= r.Baseline
		beyond := func(v float64) bool { return (up && v >= level) || (!up && v <= level) }
		enter := -1
		for k, t := range r.Time {
			if t < t0 || t > tEnd {
				continue
			}
			if !beyond(r.Vout[k]) {
				enter = -1
			} else if enter < 0 {
				enter = k
			}
		}
		if enter >= 0 {
			k := enter
			tc := r.Time[k]
			if k > 0 && r.Time[k-1] >= t0 && r.Vout[k] != r.Vout[k-1] {
				a := (level - r.Vout[k-1]) / (r.Vout[k] - r.Vout[k-1])
				tc = r.Time[k-1] + a*(tc-r.Time[k-1])
			}
			r.Latency = tc - t0
		}
		// The settling time ends where Vout enters ±10 % of the step around
		// its final value for good: it includes an overshoot's decay.
		band := 0.1 * math.Abs(r.Final-r.Baseline)
		in := -1
		for k, t := range r.Time {
			if t < t0 || t > tEnd {
				continue
			}
			if math.Abs(r.Vout[k]-r.Final) > band {
				in = -1
			} else if in < 0 {
				in = k
			}
		}
		if in >= 0 {
			r.SettlingTime = r.Time[in] - t0
		}
		if !math.IsNaN(r.Latency) {
			r.EnergySupply = r.VDD * integrate(r.Time, r.ISupply, t0, t0+r.Latency)
			r.EnergyInput = integrate(r.Time, r.PInput, t0, t0+r.Latency)
			r.Energy = r.EnergySupply + r.EnergyInput
			pm := make([]float64, len(r.Time))
			for k := range pm {
				pm[k] = (r.VDD - r.Vout[k]) * r.ISupply[k]
			}
			r.EnergyMemristor = integrate(r.Time, pm, t0, t0+r.Latency)
		}
	}
	r.EnergyPulse = r.VDD*integrate(r.Time, r.ISupply, t0, tEnd+c.Fall) + integrate(r.Time, r.PInput, t0, tEnd+c.Fall)
	r.EnergyRun = r.VDD*integrate(r.Time, r.ISupply, 0, r.Time[len(r.Time)-1]) + integrate(r.Time, r.PInput, 0, r.Time[len(r.Time)-1])
	// Recovery: the last time after the pulse that Vout is ≥ 10 % VDD.
	r.Recovery = nan
	tOff := tEnd + c.Fall
	last := len(r.Time) - 1
	for k, t := range r.Time {
		if t >= tOff {
			r.AfterPeak = math.Max(r.AfterPeak, r.Vout[k])
		}
	}
	if r.Time[last] > tOff && r.Vout[last] < 0.1*r.VDD {
		rec := 0.0
		for k := last; k >= 0 && r.Time[k] > tOff; k-- {
			if r.Vout[k] >= 0.1*r.VDD {
				rec = r.Time[k] - tOff
				break
			}
		}
		r.Recovery = rec
	}
}

// interpAt interpolates (ts, ys) linearly at t (clamped to the ends).
func interpAt(ts, ys []float64, t float64) float64 {
	n := len(ts)
	if n == 0 {
		return math.NaN()
	}
	if t <= ts[0] {
		return ys[0]
	}
	if t >= ts[n-1] {
		return ys[n-1]
	}
	lo, hi := 0, n-1
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if ts[mid] <= t {
			lo = mid
		} else {
			hi = mid
		}
	}
	if ts[hi] == ts[lo] {
		return ys[hi]
	}
	a := (t - ts[lo]) / (ts[hi] - ts[lo])
	return ys[lo] + a*(ys[hi]-ys[lo])
}

// integrate is the trapezoidal integral of (ts, ys) over [a, b], with the
// ends interpolated.
func integrate(ts, ys []float64, a, b float64) float64 {
	if b <= a || len(ts) < 2 {
		return 0
	}
	s := 0.0
	prevT, prevY := a, interpAt(ts, ys, a)
	for k, t := range ts {
		if t <= a {
			continue
		}
		if t >= b {
			break
		}
		s += 0.5 * (ys[k] + prevY) * (t - prevT)
		prevT, prevY = t, ys[k]
	}
	s += 0.5 * (interpAt(ts, ys, b) + prevY) * (b - prevT)
	return s
}

// CapPoint is one transient of a capacitance sweep.
type CapPoint struct {
	// COut is the value of the cout element (F); Total the whole output
	// node capacitance (F).
	COut       float64 `json:"c_out_F"`
	Total      float64 `json:"c_total_F"`
	Status     string  `json:"status"`
	Latency    float64 `json:"latency_s"`
	PeakToPeak float64 `json:"peak_to_peak_V"`
}

// CapSearch is the result of MaxStableCapacitance.
type CapSearch struct {
	// MaxStable is the largest total output-node capacitance (F) at which
	// the pulse response settled, and MinUnstable the smallest at which it
	// did not (+Inf if none up to the search limit); the limit lies
	// between them. MaxStableCOut is the cout element's value at MaxStable.
	MaxStable     float64 `json:"max_stable_total_F"`
	MaxStableCOut float64 `json:"max_stable_c_out_F"`
	MinUnstable   float64 `json:"min_unstable_total_F"`
	// Hopf is the small-signal critical capacitance at the DC point of the
	// pulse amplitude (F; StabilityLimit), the analytic estimate of the
	// same limit.
	Hopf float64 `json:"hopf_total_F"`
	// Points are the transients run, in the order they were run.
	Points []CapPoint `json:"points"`
}

// MaxStableCapacitance finds the largest output-node capacitance at which
// the response to the pulse cfg still settles: it steps the cout element
// (wiring + next stage) up geometrically by ×1.5 from 0 to at most cmax F
// (total output capacitance), then bisects between the last settled and
// the first unsettled value to 2 %. The cout element is restored
// afterwards. MaxStable is NaN if the response does not settle even with
// cout = 0.
func MaxStableCapacitance(n *Circuit, cfg PulseConfig, cmax float64) (*CapSearch, error) {
	cfg, err := ResolveAmplitude(n, cfg)
	if err != nil {
		return nil, err
	}
	old := n.COut.C
	defer func() { n.COut.C = old }()
	res := &CapSearch{MaxStable: math.NaN(), MaxStableCOut: math.NaN(), MinUnstable: math.Inf(1)}
	try := func(c float64) (bool, error) {
		n.COut.C = c
		r, err := Pulse(n, cfg)
		if err != nil {
			return false, fmt.Errorf("neuron: capacitance sweep at cout = %g F: %w", c, err)
		}
		res.Hopf = r.CCrit
		res.Points = append(res.Points, CapPoint{COut: c, Total: r.OutputCapacitance, Status: r.Status, Latency: r.Latency, PeakToPeak: r.PeakToPeak})
		if r.Status == Settled {
			res.MaxStable, res.MaxStableCOut = r.OutputCapacitance, c
			return true, nil
		}
		res.MinUnstable = math.Min(res.MinUnstable, r.OutputCapacitance)
		return false, nil
	}
	base := n.OutputCapacitance() - n.COut.C // capacitance without cout
	good, bad := math.NaN(), math.NaN()
	ok, err := try(0)
	if err != nil {
		return nil, err
	}
	if !ok {
		return res, nil
	}
	good = 0
	for c := math.Max(0.1e-12, 0.05*base); base+c <= cmax; c *= 1.5 {
		ok, err := try(c)
		if err != nil {
			return nil, err
		}
		if !ok {
			bad = c
			break
		}
		good = c
	}
	if math.IsNaN(bad) {
		return res, nil
	}
	for k := 0; k < 30 && (bad-good) > 0.02*(base+good); k++ {
		mid := 0.5 * (good + bad)
		ok, err := try(mid)
		if err != nil {
			return nil, err
		}
		if ok {
			good = mid
		} else {
			bad = mid
		}
	}
	res.MaxStable, res.MaxStableCOut, res.MinUnstable = base+good, good, base+bad
	return res, nil
}

// tEndOf is the end of the pulse top (s).
func tEndOf(c PulseConfig) float64 { return c.Delay + c.Rise + c.Width }
