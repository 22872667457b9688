package experiment

// Runners for the device measurements of the paper (Fig. 1f, 1h, 3a–f,
// S5): thin typed wrappers over package device that validate a setting,
// seed the randomness and return the raw results. Package report turns
// them into files; cmd/mrelu wires flags to them.

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mrelu/mrelu/device"
)

// Random streams of the device runners (the second PCG word), so that the
// same --seed gives independent draws in different experiments.
const (
	streamDeviceIV    = 0x6d52656c75_01
	streamDevicePulse = 0x6d52656c75_02
	streamDeviceTFT   = 0x6d52656c75_03
)

func deviceRNG(seed, stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }

// validateRun checks the setting and the parameters of the runner named
// run ("device iv"), in order, and returns the first error naming it.
func validateRun(run string, checks ...interface{ Validate() error }) error {
	for _, c := range checks {
		if err := c.Validate(); err != nil {
			return fmt.Errorf("experiment: %s: %w", run, err)
		}
	}
	return nil
}

// finitePositive reports an error naming key when v is not finite and > 0.
func finitePositive(key, unit string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
		return fmt.Errorf("%s = %g %s: must be a finite number > 0", key, v, unit)
	}
	return nil
}

func finiteNonNegative(key, unit string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return fmt.Errorf("%s = %g %s: must be a finite number ≥ 0", key, v, unit)
	}
	return nil
}

// ---------------------------------------------------------------------------
// DC I–V sweeps (Fig. 1f, 3a, 3b)

// DeviceIVConfig is the setting of the bidirectional DC sweeps with
// compliance. JSON keys carry the unit.
type DeviceIVConfig struct {
	// SweepConfig is the sweep (device.SweepConfig: cycles, compliance,
	// turning points, step, dwell; Fig. 3b: 200 cycles at 1 µA), its JSON
	// keys at this level.
	device.SweepConfig
	Variation device.CycleVariation `json:"cycle_variation"` // redrawn every cycle
}

// DefaultDeviceIVConfig returns the sweeps of Fig. 1f and 3a–b: 200 cycles
// 0 → 3 V → 0 with 1 µA compliance, then 0 → −2 V → 0.
func DefaultDeviceIVConfig() DeviceIVConfig {
	return DeviceIVConfig{SweepConfig: device.DefaultSweepConfig(), Variation: device.DefaultCycleVariation()}
}

// Validate names the first invalid field.
func (c DeviceIVConfig) Validate() error {
	if c.Cycles < 1 || c.Cycles > 100000 {
		return fmt.Errorf("cycles = %d: must be in 1..100000", c.Cycles)
	}
	if err := finitePositive("icc", "A", c.Icc); err != nil {
		return err
	}
	if err := finitePositive("v_max", "V", c.VMax); err != nil {
		return err
	}
	if math.IsNaN(c.VNeg) || math.IsInf(c.VNeg, 0) || c.VNeg > 0 {
		return fmt.Errorf("v_neg = %g V: must be a finite number ≤ 0", c.VNeg)
	}
	if err := finitePositive("step", "V", c.Step); err != nil {
		return err
	}
	if c.VMax/c.Step > 1e5 || -c.VNeg/c.Step > 1e5 {
		return fmt.Errorf("step = %g V: more than 1e5 steps per branch", c.Step)
	}
	if err := finitePositive("dwell", "s", c.Dwell); err != nil {
		return err
	}
	if n := c.sweep().StepsPerCycle(); float64(n)*c.Dwell > device.MaxDuration {
		return fmt.Errorf("dwell = %g s: a sweep cycle of %d steps would last %g s, longer than the %g s the device integrator resolves", c.Dwell, n, float64(n)*c.Dwell, device.MaxDuration)
	}
	return c.Variation.Validate()
}

func (c DeviceIVConfig) sweep() device.SweepConfig { return c.SweepConfig }

// DeviceIVResult is the outcome of DeviceIV.
type DeviceIVResult struct {
	Params device.Params
	Config DeviceIVConfig
	Seed   uint64
	Sweep  device.IVSweepResult
}

// DeviceIV runs cfg.Cycles bidirectional DC sweeps of the memristor of p
// with cycle-to-cycle variation drawn from seed, then the negative sweep of
// the nominal device.
func DeviceIV(p device.Params, cfg DeviceIVConfig, seed uint64) (*DeviceIVResult, error) {
	if err := validateRun("device iv", cfg, &p); err != nil {
		return nil, err
	}
	res, err := device.IVSweep(p.Memristor, cfg.sweep(), cfg.Variation, deviceRNG(seed, streamDeviceIV))
	if err != nil {
		return nil, fmt.Errorf("experiment: device iv: %w", err)
	}
	return &DeviceIVResult{Params: p, Config: cfg, Seed: seed, Sweep: res}, nil
}

// ---------------------------------------------------------------------------
// Current-controlled steady state R(I) (Fig. 1h, 3c)

// DeviceSweepConfig is the setting of the current sweep.
type DeviceSweepConfig struct {
	IMax   float64 `json:"i_max_A"` // largest current (paper: 5 µA)
	Points int     `json:"points"`  // currents equally spaced over [0, IMax]
}

// DefaultDeviceSweepConfig returns 0–5 µA in 51 points.
func DefaultDeviceSweepConfig() DeviceSweepConfig {
	c := device.DefaultCurrentSweepConfig()
	return DeviceSweepConfig{IMax: c.IMax, Points: c.Points}
}

// Validate names the first invalid field.
func (c DeviceSweepConfig) Validate() error {
	if err := finitePositive("i_max", "A", c.IMax); err != nil {
		return err
	}
	if c.IMax > 1e-3 {
		return fmt.Errorf("i_max = %g A: above 1 mA, far outside the device's sub-10 µA range", c.IMax)
	}
	if c.Points < 2 || c.Points > 1000000 {
		return fmt.Errorf("points = %d: must be in 2..1000000", c.Points)
	}
	return nil
}

// DeviceSweepResult is the outcome of DeviceSweep.
type DeviceSweepResult struct {
	Params device.Params
	Config DeviceSweepConfig
	// Points holds the steady state at each current, the first at I = 0
	// (R is then the zero-bias 1/G of the relaxed device).
	Points []device.SteadyPoint
}

// DeviceSweep returns the current-controlled steady state of the memristor
// of p from 0 to cfg.IMax.
func DeviceSweep(p device.Params, cfg DeviceSweepConfig) (*DeviceSweepResult, error) {
	if err := validateRun("device sweep", cfg, &p); err != nil {
		return nil, err
	}
	pts, err := device.CurrentSweep(p.Memristor, device.CurrentSweepConfig{IMax: cfg.IMax, Points: cfg.Points})
	if err != nil {
		return nil, fmt.Errorf("experiment: device sweep: %w", err)
	}
	return &DeviceSweepResult{Params: p, Config: cfg, Points: pts}, nil
}

// ---------------------------------------------------------------------------
// Pulses (Fig. 3d–f) and relaxation

// PulseTrainSettings is the alternating current pulse train of Fig. 3d.
type PulseTrainSettings struct {
	ILow        float64 `json:"i_low_A"`
	IHigh       float64 `json:"i_high_A"`
	Width       float64 `json:"width_s"`
	Period      float64 `json:"period_s"`
	Pulses      int     `json:"pulses"`
	VCompliance float64 `json:"v_compliance_V"`
}

// VoltagePulseSettings is the rising-amplitude voltage pulse series of
// Fig. 3e.
type VoltagePulseSettings struct {
	Amplitudes []float64 `json:"amplitudes_V"`
	Width      float64   `json:"width_s"`
	Gap        float64   `json:"gap_s"`
	SeriesR    float64   `json:"series_r_ohm"`
}

// SinglePulseSettings is the time-resolved single pulse of Fig. 3f, also
// the set pulse before the relaxation.
type SinglePulseSettings struct {
	Amplitude float64 `json:"amplitude_V"`
	Width     float64 `json:"width_s"`
	SeriesR   float64 `json:"series_r_ohm"`
	Before    float64 `json:"before_s"`
	// RelaxSpan is the zero-bias time followed after the set pulse.
	RelaxSpan float64 `json:"relax_span_s"`
}

// DevicePulseConfig is the setting of DevicePulse.
type DevicePulseConfig struct {
	Train   PulseTrainSettings   `json:"pulse_train"`
	Voltage VoltagePulseSettings `json:"voltage_pulses"`
	Single  SinglePulseSettings  `json:"single_pulse"`
	// Variation is redrawn at every pulse of the train (pulse-to-pulse
	// variation); the voltage pulses and the single pulse use the nominal
	// device.
	Variation device.CycleVariation `json:"cycle_variation"`
}

// DefaultDevicePulseConfig returns the settings of Fig. 3d–f: 100 nA / 1 µA
// pulses 5 ms wide every 10 ms; 1 ms voltage pulses 1.6–3.2 V through
// 1 MΩ; a 2.4 V, 4 µs pulse through 1 MΩ followed for 3 ms.
func DefaultDevicePulseConfig() DevicePulseConfig {
	t := device.DefaultPulseTrainConfig()
	v := device.DefaultVoltagePulsesConfig()
	s := device.DefaultPulseConfig()
	return DevicePulseConfig{
		Train:     PulseTrainSettings{ILow: t.ILow, IHigh: t.IHigh, Width: t.Width, Period: t.Period, Pulses: t.Pulses, VCompliance: t.VCompliance},
		Voltage:   VoltagePulseSettings{Amplitudes: v.Amplitudes, Width: v.Width, Gap: v.Gap, SeriesR: v.SeriesR},
		Single:    SinglePulseSettings{Amplitude: s.Amplitude, Width: s.Width, SeriesR: s.SeriesR, Before: s.Before, RelaxSpan: 3e-3},
		Variation: device.DefaultCycleVariation(),
	}
}

// MaxPulseAmplitude is the largest pulse amplitude DevicePulse accepts, V:
// the device switches at ~2 V, and far larger sources overflow the model
// (sinh law, set rate) into NaN currents and energies.
const MaxPulseAmplitude = 100.0

// Validate names the first invalid field.
func (c DevicePulseConfig) Validate() error {
	t := c.Train
	for _, f := range []struct {
		key, unit string
		v         float64
	}{
		{"pulse_train.i_low", "A", t.ILow}, {"pulse_train.i_high", "A", t.IHigh},
		{"pulse_train.width", "s", t.Width}, {"pulse_train.period", "s", t.Period},
		{"pulse_train.v_compliance", "V", t.VCompliance},
		{"voltage_pulses.width", "s", c.Voltage.Width},
		{"single_pulse.amplitude", "V", c.Single.Amplitude}, {"single_pulse.width", "s", c.Single.Width},
		{"single_pulse.relax_span", "s", c.Single.RelaxSpan},
	} {
		if err := finitePositive(f.key, f.unit, f.v); err != nil {
			return err
		}
	}
	if t.Width > t.Period {
		return fmt.Errorf("pulse_train.width = %g s: longer than the period %g s", t.Width, t.Period)
	}
	for _, f := range []struct {
		key string
		v   float64
	}{
		{"pulse_train.period", t.Period}, {"voltage_pulses.width", c.Voltage.Width}, {"voltage_pulses.gap", c.Voltage.Gap},
		{"single_pulse.width", c.Single.Width}, {"single_pulse.before", c.Single.Before}, {"single_pulse.relax_span", c.Single.RelaxSpan},
	} {
		if f.v > device.MaxDuration {
			return fmt.Errorf("%s = %g s: longer than the %g s the device integrator resolves", f.key, f.v, device.MaxDuration)
		}
	}
	if a := c.Single.Amplitude; a > MaxPulseAmplitude {
		return fmt.Errorf("single_pulse.amplitude = %g V: above %g V, far outside the device's few-volt range", a, MaxPulseAmplitude)
	}
	if t.Pulses < 1 || t.Pulses > 100000 {
		return fmt.Errorf("pulse_train.pulses = %d: must be in 1..100000", t.Pulses)
	}
	if len(c.Voltage.Amplitudes) == 0 {
		return fmt.Errorf("voltage_pulses.amplitudes is empty")
	}
	for k, a := range c.Voltage.Amplitudes {
		if math.IsNaN(a) || math.IsInf(a, 0) || math.Abs(a) > MaxPulseAmplitude {
			return fmt.Errorf("voltage_pulses.amplitudes[%d] = %g V: must be finite, |V| ≤ %g", k, a, MaxPulseAmplitude)
		}
	}
	for _, f := range []struct {
		key, unit string
		v         float64
	}{
		{"voltage_pulses.gap", "s", c.Voltage.Gap}, {"voltage_pulses.series_r", "Ω", c.Voltage.SeriesR},
		{"single_pulse.series_r", "Ω", c.Single.SeriesR}, {"single_pulse.before", "s", c.Single.Before},
	} {
		if err := finiteNonNegative(f.key, f.unit, f.v); err != nil {
			return err
		}
	}
	return c.Variation.Validate()
}

// PulseSettings returns the device.PulseConfig of the single pulse.
func (c DevicePulseConfig) PulseSettings() device.PulseConfig {
	return device.PulseConfig{Amplitude: c.Single.Amplitude, Width: c.Single.Width, SeriesR: c.Single.SeriesR, Before: c.Single.Before}
}

// DevicePulseResult is the outcome of DevicePulse.
type DevicePulseResult struct {
	Params     device.Params
	Config     DevicePulseConfig
	Seed       uint64
	Train      device.PulseTrainResult
	Voltage    device.VoltagePulsesResult
	Single     device.PulseResult
	Relaxation device.RelaxationResult
	// Sweep is the single pulse at LatencySweepAmplitudes (Fig. 3f over
	// its unstated amplitude) and AmplitudeForPaperLatency the amplitude
	// (V) at which the latency is the paper's 650 ns (NaN if not within
	// 1.99–3 V).
	Sweep                    []device.AmplitudePoint
	AmplitudeForPaperLatency float64
	// TrainNominal is the train without variation: the reference for the
	// pulse-to-pulse spread.
	TrainNominal device.PulseTrainResult
}

// DevicePulse runs the current pulse train (with cycle-to-cycle variation
// drawn from seed, and once without), the rising voltage pulses, the single
// pulse (latency and energy) and the relaxation after that pulse.
func DevicePulse(p device.Params, cfg DevicePulseConfig, seed uint64) (*DevicePulseResult, error) {
	if err := validateRun("device pulse", cfg, &p); err != nil {
		return nil, err
	}
	m := p.Memristor
	r := &DevicePulseResult{Params: p, Config: cfg, Seed: seed}
	t := cfg.Train
	tc := device.PulseTrainConfig{ILow: t.ILow, IHigh: t.IHigh, Width: t.Width, Period: t.Period, Pulses: t.Pulses, VCompliance: t.VCompliance}
	var err error
	if r.Train, err = device.PulseTrain(m, tc, cfg.Variation, deviceRNG(seed, streamDevicePulse)); err != nil {
		return nil, fmt.Errorf("experiment: device pulse: %w", err)
	}
	if r.TrainNominal, err = device.PulseTrain(m, tc, device.CycleVariation{}, nil); err != nil {
		return nil, fmt.Errorf("experiment: device pulse: %w", err)
	}
	v := cfg.Voltage
	vc := device.VoltagePulsesConfig{Amplitudes: append([]float64(nil), v.Amplitudes...), Width: v.Width, Gap: v.Gap, SeriesR: v.SeriesR}
	if r.Voltage, err = device.VoltagePulses(m, vc); err != nil {
		return nil, fmt.Errorf("experiment: device pulse: %w", err)
	}
	pc := cfg.PulseSettings()
	if r.Single, err = device.SinglePulse(m, pc); err != nil {
		return nil, fmt.Errorf("experiment: device pulse: %w", err)
	}
	if r.Relaxation, err = device.Relaxation(m, pc, cfg.Single.RelaxSpan); err != nil {
		return nil, fmt.Errorf("experiment: device pulse: %w", err)
	}
	sc := pc
	sc.Width = math.Max(pc.Width, 20e-6)
	if r.Sweep, err = device.LatencySweep(m, sc, LatencySweepAmplitudes()); err != nil {
		return nil, fmt.Errorf("experiment: device pulse: %w", err)
	}
	if r.AmplitudeForPaperLatency, err = device.AmplitudeForLatency(m, sc, PaperLatency, 1.99, 3); err != nil {
		return nil, fmt.Errorf("experiment: device pulse: %w", err)
	}
	return r, nil
}

// LatencySweepAmplitudes are the pulse amplitudes (V) of the latency and
// energy sweep of `device pulse`: 2.0 to 2.6 V in 25 mV steps, through the
// default device's threshold region to well above it.
func LatencySweepAmplitudes() []float64 {
	var a []float64
	for k := 0; k <= 24; k++ {
		a = append(a, 2.0+0.025*float64(k))
	}
	return a
}
