package experiment

// Runners for the 2T-1M mReLU neuron (Fig. 3f, 3i, S6/S7): thin typed
// wrappers over package neuron that validate a setting, seed the
// randomness, time the solver and return the results. Package report
// writes them; cmd/mrelu wires flags to them.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/mrelu/mrelu/circuit"
	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/neuron"
	"github.com/mrelu/mrelu/params"
)

// streamNeuronMC is the random stream of the neuron Monte Carlo (second
// PCG word), independent of the device runners' streams.
const streamNeuronMC = 0x6d52656c75_10

// NeuronTransferConfig is the input-current range of a transfer curve.
type NeuronTransferConfig struct {
	IMin   float64 `json:"i_min_A"`
	IMax   float64 `json:"i_max_A"`
	Points int     `json:"points"`
}

// DefaultNeuronTransferConfig returns −1 µA to 4 µA in 5 nA steps (1001
// points): the off region, the knee, the linear rise and the saturation
// (≈ 1.6 µA) of Fig. 3i, and the decline beyond it.
func DefaultNeuronTransferConfig() NeuronTransferConfig {
	return NeuronTransferConfig{IMin: -1e-6, IMax: 4e-6, Points: 1001}
}

// Validate names the first invalid field.
func (c NeuronTransferConfig) Validate() error {
	for _, f := range []struct {
		key string
		v   float64
	}{{"imin", c.IMin}, {"imax", c.IMax}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || math.Abs(f.v) > 1e-3 {
			return fmt.Errorf("%s = %g A: must be finite with |I| ≤ 1 mA", f.key, f.v)
		}
	}
	if !(c.IMax > c.IMin) {
		return fmt.Errorf("imax = %g A must be above imin = %g A", c.IMax, c.IMin)
	}
	if c.Points < 2 || c.Points > 10_000_000 {
		return fmt.Errorf("points = %d: must be in 2..10000000", c.Points)
	}
	return nil
}

// Currents returns the equally spaced input currents.
func (c NeuronTransferConfig) Currents() []float64 { return neuron.Linspace(c.IMin, c.IMax, c.Points) }

// NeuronTransferResult is a solved transfer curve with its ReLU summary.
type NeuronTransferResult struct {
	Setup   params.Setup
	Config  NeuronTransferConfig
	Curve   *neuron.TransferCurve
	Metrics neuron.TransferMetrics
	// EnvelopeDeviation is the largest |envelope − raw curve| (V): what the
	// network-level evaluator changes.
	EnvelopeDeviation float64
	// OutputCapacitance is the neuron's output-node capacitance (F);
	// WorstCCrit the smallest critical capacitance along the curve (F) and
	// WorstCCritAt its current (A).
	OutputCapacitance float64
	WorstCCrit        float64
	WorstCCritAt      float64
	// Seconds is the wall time of the DC sweep.
	Seconds float64
}

// buildNominal validates a neuron run's settings and builds the nominal
// 2T-1M circuit of the device and neuron parameters.
func buildNominal(cfg interface{ Validate() error }, d device.Params, np neuron.Params) (*neuron.Circuit, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return neuron.Build(d, np)
}

// buildPulsed is buildNominal for a pulse run: it also resolves the
// pulse's amplitude on the built circuit (neuron.ResolveAmplitude) and
// returns the resolved pulse settings.
func buildPulsed(cfg interface{ Validate() error }, d device.Params, np neuron.Params, pulse neuron.PulseConfig) (*neuron.Circuit, neuron.PulseConfig, error) {
	n, err := buildNominal(cfg, d, np)
	if err != nil {
		return nil, pulse, err
	}
	pc, err := neuron.ResolveAmplitude(n, pulse)
	if err != nil {
		return nil, pulse, err
	}
	return n, pc, nil
}

// NeuronTransfer builds the nominal neuron and solves its transfer curve.
func NeuronTransfer(d device.Params, np neuron.Params, cfg NeuronTransferConfig) (*NeuronTransferResult, error) {
	n, err := buildNominal(cfg, d, np)
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	c, err := neuron.Transfer(n, cfg.Currents())
	if err != nil {
		return nil, err
	}
	r := &NeuronTransferResult{Setup: params.Setup{Device: d, Neuron: np}, Config: cfg, Curve: c, Metrics: c.Metrics(),
		Seconds: time.Since(t0).Seconds(), EnvelopeDeviation: c.EnvelopeDeviation(),
		OutputCapacitance: n.OutputCapacitance(), WorstCCrit: math.Inf(1), WorstCCritAt: math.NaN()}
	for k, cc := range c.CCrit {
		if cc < r.WorstCCrit {
			r.WorstCCrit, r.WorstCCritAt = cc, c.I[k]
		}
	}
	return r, nil
}

// NeuronPulseConfig is the setting of `mrelu neuron pulse`.
type NeuronPulseConfig struct {
	Pulse neuron.PulseConfig `json:"pulse"`
	// CapSearch runs MaxStableCapacitance at the pulse amplitude and at the
	// most sensitive input current, up to CapMax (F) of total output
	// capacitance.
	CapSearch bool    `json:"cap_search"`
	CapMax    float64 `json:"cap_max_F"`
}

// DefaultNeuronPulseConfig returns the default pulse (amplitude: the
// current of 90 % VDD) with the capacitance search up to 100 pF.
func DefaultNeuronPulseConfig() NeuronPulseConfig {
	return NeuronPulseConfig{Pulse: neuron.DefaultPulseConfig(), CapSearch: true, CapMax: 100e-12}
}

// Validate names the first invalid field.
func (c NeuronPulseConfig) Validate() error {
	if err := c.Pulse.Validate(); err != nil {
		return err
	}
	if c.CapSearch && (math.IsNaN(c.CapMax) || c.CapMax <= 0 || c.CapMax > 1e-6) {
		return fmt.Errorf("cap_max = %g F: must be in (0, 1e-6]", c.CapMax)
	}
	return nil
}

// NeuronPulseResult is a transient activation and the stability search.
type NeuronPulseResult struct {
	Setup  params.Setup
	Config NeuronPulseConfig
	Pulse  *neuron.PulseResult
	// QuasiStatic is the same pulse on the neuron without parasitic
	// capacitances (neuron.Circuit.QuasiStatic): the paper's SPICE level,
	// the device and TFT characteristics alone.
	QuasiStatic *neuron.PulseResult
	// Cap is the capacitance search at the pulse amplitude; WorstCap at
	// WorstCurrent, the input current (A) with the smallest critical
	// capacitance on a 0–20 µA sweep (nil without CapSearch).
	Cap          *neuron.CapSearch
	WorstCap     *neuron.CapSearch
	WorstCurrent float64
	// Seconds is the wall time of the pulse transient.
	Seconds float64
}

// NeuronPulse runs the activation transient of the nominal neuron and,
// with CapSearch, the largest output capacitance at which it settles.
func NeuronPulse(d device.Params, np neuron.Params, cfg NeuronPulseConfig) (*NeuronPulseResult, error) {
	n, pc, err := buildPulsed(cfg, d, np, cfg.Pulse)
	if err != nil {
		return nil, err
	}
	cfg.Pulse = pc
	t0 := time.Now()
	p, err := neuron.Pulse(n, pc)
	if err != nil {
		return nil, err
	}
	r := &NeuronPulseResult{Setup: params.Setup{Device: d, Neuron: np}, Config: cfg, Pulse: p, Seconds: time.Since(t0).Seconds(), WorstCurrent: math.NaN()}
	qs, err := neuron.Build(d, np)
	if err != nil {
		return nil, err
	}
	if r.QuasiStatic, err = neuron.Pulse(qs.QuasiStatic(), pc); err != nil {
		return nil, fmt.Errorf("quasi-static pulse: %w", err)
	}
	if !cfg.CapSearch {
		return r, nil
	}
	if r.Cap, err = neuron.MaxStableCapacitance(n, pc, cfg.CapMax); err != nil {
		return nil, err
	}
	c, err := neuron.Transfer(n, neuron.Linspace(0, 20e-6, 2001))
	if err != nil {
		return nil, err
	}
	k := 0
	for j := range c.CCrit {
		if c.CCrit[j] < c.CCrit[k] {
			k = j
		}
	}
	if math.IsInf(c.CCrit[k], 1) {
		return r, nil
	}
	r.WorstCurrent = c.I[k]
	wc := pc
	wc.Amplitude = c.I[k]
	if r.WorstCap, err = neuron.MaxStableCapacitance(n, wc, cfg.CapMax); err != nil {
		return nil, err
	}
	return r, nil
}

// NeuronSpiceConfig is the setting of `mrelu neuron spice`.
type NeuronSpiceConfig struct {
	Transfer NeuronTransferConfig `json:"transfer"`
	Pulse    neuron.PulseConfig   `json:"pulse"`
	// Run runs ngspice on both netlists and compares.
	Run bool `json:"run"`
}

// DefaultNeuronSpiceConfig returns the transfer and pulse defaults.
func DefaultNeuronSpiceConfig() NeuronSpiceConfig {
	return NeuronSpiceConfig{Transfer: DefaultNeuronTransferConfig(), Pulse: neuron.DefaultPulseConfig()}
}

// Validate names the first invalid field.
func (c NeuronSpiceConfig) Validate() error {
	if err := c.Transfer.Validate(); err != nil {
		return err
	}
	return c.Pulse.Validate()
}

// NeuronSpiceResult holds the exported netlists and, after a run, both
// simulators' results.
type NeuronSpiceResult struct {
	Setup  params.Setup
	Config NeuronSpiceConfig // Pulse.Amplitude resolved
	// DCNetlist and TranNetlist are the ngspice netlists (mrelu.cir,
	// mrelu_tran.cir).
	DCNetlist, TranNetlist string
	// Ran is set when ngspice ran; the fields below are filled then.
	Ran                   bool
	Ours, Spice           *neuron.TransferCurve
	MaxDiff, MaxDiffAt    float64 // max |Vout ours − ngspice| (V) and where (A)
	PulseOurs, PulseSpice *neuron.PulseResult
	LatencyRelDiff        float64 // |ours − ngspice| / ngspice
	OursDCSeconds         float64
	SpiceDCSeconds        float64 // whole ngspice process, incl. start-up and file I/O
	OursTranSeconds       float64
	SpiceTranSeconds      float64
}

// ErrNoNgspice is returned (wrapped) by NeuronSpice with Run when ngspice
// is not installed.
var ErrNoNgspice = circuit.ErrNoNgspice

// NeuronSpice writes the neuron's DC-sweep and pulse netlists and, with
// Run, runs them in ngspice (in a temporary folder) and compares them with
// our solver on the same netlist.
func NeuronSpice(ctx context.Context, d device.Params, np neuron.Params, cfg NeuronSpiceConfig) (*NeuronSpiceResult, error) {
	n, pc, err := buildPulsed(cfg, d, np, cfg.Pulse)
	if err != nil {
		return nil, err
	}
	cfg.Pulse = pc
	r := &NeuronSpiceResult{Setup: params.Setup{Device: d, Neuron: np}, Config: cfg, LatencyRelDiff: math.NaN()}
	currents := cfg.Transfer.Currents()
	var b1, b2 strings.Builder
	if err := neuron.WriteSpiceDC(&b1, n, currents); err != nil {
		return nil, err
	}
	if err := neuron.WriteSpiceTran(&b2, n, pc); err != nil {
		return nil, err
	}
	r.DCNetlist, r.TranNetlist = b1.String(), b2.String()
	if !cfg.Run {
		return r, nil
	}
	dir, err := os.MkdirTemp("", "mrelu-ngspice-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	t0 := time.Now()
	if r.Ours, err = neuron.Transfer(n, currents); err != nil {
		return nil, err
	}
	r.OursDCSeconds = time.Since(t0).Seconds()
	t0 = time.Now()
	if r.Spice, err = neuron.NgspiceTransfer(ctx, n, currents, dir); err != nil {
		if errors.Is(err, circuit.ErrNoNgspice) {
			return nil, fmt.Errorf("--run needs ngspice on PATH (Debian/Ubuntu: apt-get install -y ngspice): %w", err)
		}
		return nil, err
	}
	r.SpiceDCSeconds = time.Since(t0).Seconds()
	for k := range currents {
		if dv := math.Abs(r.Ours.Vout[k] - r.Spice.Vout[k]); dv > r.MaxDiff {
			r.MaxDiff, r.MaxDiffAt = dv, currents[k]
		}
	}
	t0 = time.Now()
	if r.PulseOurs, err = neuron.Pulse(n, pc); err != nil {
		return nil, err
	}
	r.OursTranSeconds = time.Since(t0).Seconds()
	t0 = time.Now()
	if r.PulseSpice, err = neuron.NgspicePulse(ctx, n, pc, dir); err != nil {
		return nil, err
	}
	r.SpiceTranSeconds = time.Since(t0).Seconds()
	if a, b := r.PulseOurs.Latency, r.PulseSpice.Latency; !math.IsNaN(a) && !math.IsNaN(b) && b > 0 {
		r.LatencyRelDiff = math.Abs(a-b) / b
	}
	r.Ran = true
	return r, nil
}

// NeuronMonteCarloConfig is the setting of `mrelu neuron montecarlo`.
type NeuronMonteCarloConfig struct {
	Devices   int                    `json:"devices"`
	IMin      float64                `json:"i_min_A"`
	IMax      float64                `json:"i_max_A"`
	Points    int                    `json:"points"`
	Variation device.DeviceVariation `json:"device_variation"`
	// TrimVDD gives every neuron VDD = its memristor's Vth + the nominal
	// margin VDD − Vth (neuron.MCConfig.TrimVDD); false: a shared VDD.
	TrimVDD bool `json:"trim_vdd"`
}

// DefaultNeuronMonteCarloConfig returns 25 neurons (the paper's 25
// memristors) over −1..4 µA in 10 nA steps, default device spreads, each
// neuron's supply trimmed to its memristor (the design: docs/neuron.md §7;
// set TrimVDD = false for a shared VDD).
func DefaultNeuronMonteCarloConfig() NeuronMonteCarloConfig {
	return NeuronMonteCarloConfig{Devices: 25, IMin: -1e-6, IMax: 4e-6, Points: 501, Variation: device.DefaultDeviceVariation(), TrimVDD: true}
}

// Validate names the first invalid field.
func (c NeuronMonteCarloConfig) Validate() error {
	if c.Devices < 1 || c.Devices > 100000 {
		return fmt.Errorf("devices = %d: must be in 1..100000", c.Devices)
	}
	if err := (NeuronTransferConfig{IMin: c.IMin, IMax: c.IMax, Points: c.Points}).Validate(); err != nil {
		return err
	}
	if c.Points > 100000 {
		return fmt.Errorf("points = %d: must be ≤ 100000 per device", c.Points)
	}
	return c.Variation.Validate()
}

// NeuronMonteCarloResult is a population of transfer curves.
type NeuronMonteCarloResult struct {
	Setup   params.Setup
	Config  NeuronMonteCarloConfig
	Seed    uint64
	Samples []neuron.MCSample
	Spread  neuron.Spread
	// Failed counts neurons whose curve did not converge; Dead those that
	// never reach VDD/2; OffAbove those whose output exceeds 0.05 V at an
	// input ≤ 0.
	Failed, Dead, OffAbove int
	Seconds                float64
}

// NeuronMonteCarlo samples cfg.Devices neurons (seeded) and solves their
// transfer curves.
func NeuronMonteCarlo(d device.Params, np neuron.Params, cfg NeuronMonteCarloConfig, seed uint64) (*NeuronMonteCarloResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	t0 := time.Now()
	s, err := neuron.MonteCarlo(d, np, neuron.MCConfig{N: cfg.Devices, Variation: cfg.Variation,
		Currents: neuron.Linspace(cfg.IMin, cfg.IMax, cfg.Points), TrimVDD: cfg.TrimVDD},
		rand.New(rand.NewPCG(seed, streamNeuronMC)))
	if err != nil {
		return nil, err
	}
	r := &NeuronMonteCarloResult{Setup: params.Setup{Device: d, Neuron: np}, Config: cfg, Seed: seed, Samples: s,
		Spread: neuron.PopulationSpread(s), Seconds: time.Since(t0).Seconds()}
	for _, x := range s {
		switch {
		case x.Err != nil:
			r.Failed++
		default:
			if x.Metrics.MaxVout < 0.5*x.Curve.VDD {
				r.Dead++
			}
			if x.Metrics.MaxVoutNonPositive >= 0.05 {
				r.OffAbove++
			}
		}
	}
	return r, nil
}

// MedianSigma is the median and standard deviation of a sample (NaN when
// it has no finite value).
type MedianSigma struct{ Median, Sigma float64 }

// medianSigma summarises the non-NaN values of v.
func medianSigma(v []float64) MedianSigma {
	var ok []float64
	for _, x := range v {
		if !math.IsNaN(x) {
			ok = append(ok, x)
		}
	}
	if len(ok) == 0 {
		return MedianSigma{math.NaN(), math.NaN()}
	}
	s := device.Summarize(ok)
	return MedianSigma{s.Median, s.Std}
}

// NeuronMCStats are the numbers derived from a Monte Carlo run.
type NeuronMCStats struct {
	// Status is each sample's verdict: "ok", "failed: <why>" or "never
	// reaches VDD/2".
	Status []string
	// Switching counts the samples whose output reaches VDD/2, and
	// SwitchingFraction and OffAboveFraction are that count and OffAbove
	// as fractions of the samples.
	Switching                           int
	SwitchingFraction, OffAboveFraction float64
	// VDDMargin is the nominal VDD − Vth (V) that a trimmed neuron keeps.
	VDDMargin float64
	// The switching samples' metrics.
	Threshold, I90, MaxVout, Slope MedianSigma
}

// Stats derives the Monte Carlo run's summary numbers.
func (r *NeuronMonteCarloResult) Stats() NeuronMCStats {
	s := NeuronMCStats{VDDMargin: r.Setup.Neuron.VDD - r.Setup.Device.Memristor.Vth}
	var th, i90, mx, sl []float64
	for _, smp := range r.Samples {
		status := "ok"
		if smp.Err != nil {
			status = "failed: " + smp.Err.Error()
		} else if m := smp.Metrics; m.MaxVout >= 0.5*smp.Curve.VDD {
			th, i90, mx, sl = append(th, m.ThresholdCurrent), append(i90, m.I90), append(mx, m.MaxVout), append(sl, m.Slope)
		} else {
			status = "never reaches VDD/2"
		}
		s.Status = append(s.Status, status)
	}
	s.Switching = len(mx)
	if n := len(r.Samples); n > 0 {
		s.SwitchingFraction = float64(len(mx)) / float64(n)
		s.OffAboveFraction = float64(r.OffAbove) / float64(n)
	}
	s.Threshold, s.I90, s.MaxVout, s.Slope = medianSigma(th), medianSigma(i90), medianSigma(mx), medianSigma(sl)
	return s
}
