package experiment

// Runners for the device measurements of the paper (Fig. 1f, 1h, 3a–f,
// S5): thin typed wrappers over package device that validate a setting,
// seed the randomness and return the raw results. Package report turns
// them into files; cmd/mrelu wires flags to them.

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strings"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/neuron"
	"github.com/mrelu/mrelu/params"
)

// Random streams of the device runners (the second PCG word), so that the
// same --seed gives independent draws in different experiments.
const (
	streamDeviceIV    = 0x6d52656c75_01
	streamDevicePulse = 0x6d52656c75_02
	streamDeviceTFT   = 0x6d52656c75_03
)

func deviceRNG(seed, stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }

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
	Cycles    int                   `json:"cycles"`          // positive sweep cycles (Fig. 3b: 200)
	Icc       float64               `json:"icc_A"`           // current compliance (paper: 1 µA)
	VMax      float64               `json:"v_max_V"`         // turning point of the positive sweeps
	VNeg      float64               `json:"v_neg_V"`         // turning point of the negative sweep (≤ 0)
	Step      float64               `json:"step_V"`          // staircase step
	Dwell     float64               `json:"dwell_s"`         // time per step
	Variation device.CycleVariation `json:"cycle_variation"` // redrawn every cycle
}

// DefaultDeviceIVConfig returns the sweeps of Fig. 1f and 3a–b: 200 cycles
// 0 → 3 V → 0 with 1 µA compliance, then 0 → −2 V → 0.
func DefaultDeviceIVConfig() DeviceIVConfig {
	s := device.DefaultSweepConfig()
	return DeviceIVConfig{Cycles: s.Cycles, Icc: s.Icc, VMax: s.VMax, VNeg: s.VNeg, Step: s.Step, Dwell: s.Dwell,
		Variation: device.DefaultCycleVariation()}
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

func (c DeviceIVConfig) sweep() device.SweepConfig {
	return device.SweepConfig{VMax: c.VMax, VNeg: c.VNeg, Step: c.Step, Dwell: c.Dwell, Icc: c.Icc, Cycles: c.Cycles}
}

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
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: device iv: %w", err)
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: device iv: %w", err)
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
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: device sweep: %w", err)
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: device sweep: %w", err)
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
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: device pulse: %w", err)
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: device pulse: %w", err)
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

// ---------------------------------------------------------------------------
// a-IGZO TFT (Fig. S5)

// DeviceTFTConfig is the setting of the TFT characterisation.
type DeviceTFTConfig struct {
	// Devices is the number of sampled TFTs (paper: 20).
	Devices int `json:"devices"`
	// VdsTransfer are the drain voltages of the transfer curves.
	VdsTransfer []float64 `json:"vds_transfer_V"`
	// VgsMin, VgsMax, VgsStep span the transfer curves.
	VgsMin  float64 `json:"vgs_min_V"`
	VgsMax  float64 `json:"vgs_max_V"`
	VgsStep float64 `json:"vgs_step_V"`
	// VgsOutput are the gate voltages of the output curves.
	VgsOutput []float64 `json:"vgs_output_V"`
	// VdsMax, VdsStep span the output curves from 0.
	VdsMax  float64 `json:"vds_max_V"`
	VdsStep float64 `json:"vds_step_V"`
	// VdsVth is the (saturation) drain voltage of the threshold extraction.
	VdsVth float64 `json:"vds_vth_V"`
	// Variation is the device-to-device spread (TFT threshold σ 0.038 V).
	Variation device.DeviceVariation `json:"device_variation"`
}

// DefaultDeviceTFTConfig returns 20 TFTs, transfer curves at Vds = 0.1 and
// 2 V over −1..3 V, output curves at Vgs = 1.5..3 V over 0..3 V.
func DefaultDeviceTFTConfig() DeviceTFTConfig {
	return DeviceTFTConfig{Devices: 20, VdsTransfer: []float64{0.1, 2}, VgsMin: -1, VgsMax: 3, VgsStep: 0.01,
		VgsOutput: []float64{1.5, 2, 2.5, 3}, VdsMax: 3, VdsStep: 0.02, VdsVth: 2,
		Variation: device.DefaultDeviceVariation()}
}

// Validate names the first invalid field.
func (c DeviceTFTConfig) Validate() error {
	if c.Devices < 1 || c.Devices > 100000 {
		return fmt.Errorf("devices = %d: must be in 1..100000", c.Devices)
	}
	if len(c.VdsTransfer) == 0 || len(c.VgsOutput) == 0 {
		return fmt.Errorf("vds_transfer and vgs_output need at least one voltage each")
	}
	for k, v := range append(append([]float64{c.VgsMin, c.VgsMax, c.VdsVth}, c.VdsTransfer...), c.VgsOutput...) {
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 100 {
			return fmt.Errorf("bias voltage #%d = %g V: must be finite, |V| ≤ 100", k, v)
		}
	}
	if !(c.VgsMax > c.VgsMin) {
		return fmt.Errorf("vgs range [%g, %g] V is empty", c.VgsMin, c.VgsMax)
	}
	if err := finitePositive("vgs_step", "V", c.VgsStep); err != nil {
		return err
	}
	if err := finitePositive("vds_max", "V", c.VdsMax); err != nil {
		return err
	}
	if err := finitePositive("vds_step", "V", c.VdsStep); err != nil {
		return err
	}
	if (c.VgsMax-c.VgsMin)/c.VgsStep > 1e6 || c.VdsMax/c.VdsStep > 1e6 {
		return fmt.Errorf("more than 1e6 points per curve")
	}
	if c.VdsVth <= 0 {
		return fmt.Errorf("vds_vth = %g V: must be > 0", c.VdsVth)
	}
	return c.Variation.Validate()
}

// TFTCurve is Id over a swept voltage at one fixed bias.
type TFTCurve struct {
	Bias float64   // the fixed voltage (Vds of a transfer curve, Vgs of an output curve), V
	V    []float64 // the swept voltage, V
	Id   []float64 // drain current, A
	G    []float64 // gm (transfer) or gds (output), S
}

// DeviceTFTResult is the outcome of DeviceTFT.
type DeviceTFTResult struct {
	Params   device.Params
	Config   DeviceTFTConfig
	Seed     uint64
	Transfer []TFTCurve // nominal TFT, one per VdsTransfer
	Output   []TFTCurve // nominal TFT, one per VgsOutput
	// Devices are the sampled TFTs; DeviceTransfer their transfer curves at
	// VdsVth; VthExtracted their threshold from the √Id extrapolation.
	Devices        []device.TFT
	DeviceTransfer []TFTCurve
	VthExtracted   []float64
	// NominalVthExtracted is the extracted threshold of the nominal TFT.
	NominalVthExtracted float64
}

// grid returns lo, lo+step, ... up to hi inclusive (within rounding).
func grid(lo, hi, step float64) []float64 {
	n := int(math.Floor((hi-lo)/step+1e-9)) + 1
	out := make([]float64, n)
	for k := range out {
		out[k] = lo + float64(k)*step
	}
	return out
}

func transferCurve(t *device.TFT, vds float64, vgs []float64) TFTCurve {
	c := TFTCurve{Bias: vds, V: vgs, Id: make([]float64, len(vgs)), G: make([]float64, len(vgs))}
	for k, v := range vgs {
		c.Id[k], c.G[k], _ = t.Ids(v, vds)
	}
	return c
}

// ExtractVth returns the threshold voltage of a transfer curve taken in
// saturation, by the usual √Id method: the tangent of √Id(Vgs) at its
// steepest point, extrapolated to √Id = 0. NaN if the curve never rises.
func ExtractVth(c TFTCurve) float64 {
	best, at := 0.0, -1
	for k := 1; k < len(c.V); k++ {
		s := (math.Sqrt(math.Max(c.Id[k], 0)) - math.Sqrt(math.Max(c.Id[k-1], 0))) / (c.V[k] - c.V[k-1])
		if s > best {
			best, at = s, k
		}
	}
	if at < 0 {
		return math.NaN()
	}
	vm := 0.5 * (c.V[at] + c.V[at-1])
	sm := 0.5 * (math.Sqrt(math.Max(c.Id[at], 0)) + math.Sqrt(math.Max(c.Id[at-1], 0)))
	return vm - sm/best
}

// DeviceTFT computes transfer and output curves of the nominal TFT of p and
// samples cfg.Devices TFTs (seeded), extracting each one's threshold.
func DeviceTFT(p device.Params, cfg DeviceTFTConfig, seed uint64) (*DeviceTFTResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: device tft: %w", err)
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: device tft: %w", err)
	}
	r := &DeviceTFTResult{Params: p, Config: cfg, Seed: seed}
	t := p.TFT
	vgs := grid(cfg.VgsMin, cfg.VgsMax, cfg.VgsStep)
	for _, vds := range cfg.VdsTransfer {
		r.Transfer = append(r.Transfer, transferCurve(&t, vds, vgs))
	}
	vds := grid(0, cfg.VdsMax, cfg.VdsStep)
	for _, vg := range cfg.VgsOutput {
		c := TFTCurve{Bias: vg, V: vds, Id: make([]float64, len(vds)), G: make([]float64, len(vds))}
		for k, vd := range vds {
			c.Id[k], _, c.G[k] = t.Ids(vg, vd)
		}
		r.Output = append(r.Output, c)
	}
	r.NominalVthExtracted = ExtractVth(transferCurve(&t, cfg.VdsVth, vgs))
	r.Devices = cfg.Variation.SampleTFTs(t, cfg.Devices, deviceRNG(seed, streamDeviceTFT))
	for k := range r.Devices {
		if err := r.Devices[k].Validate(); err != nil {
			return nil, fmt.Errorf("experiment: device tft: sampled TFT %d: %w", k, err)
		}
		c := transferCurve(&r.Devices[k], cfg.VdsVth, vgs)
		r.DeviceTransfer = append(r.DeviceTransfer, c)
		r.VthExtracted = append(r.VthExtracted, ExtractVth(c))
	}
	return r, nil
}

// ---------------------------------------------------------------------------
// Fit of the memristor to measured R(I) data

// fitNames maps the --free names to fit parameters.
var fitNames = map[string]device.FitParam{
	"vth": device.FitVth, "rd": device.FitRD, "v0": device.FitV0,
	"gap0": device.FitGap0, "gmax": device.FitGMax, "gmin": device.FitGMin,
}

// FitParamNames lists the names ParseFitParams accepts.
func FitParamNames() []string { return []string{"vth", "rd", "v0", "gap0", "gmax", "gmin"} }

// ParseFitParams reads a comma-separated list of fit parameter names
// ("vth,rd,gmax", case-insensitive). An empty list means Vth and RD.
func ParseFitParams(s string) ([]device.FitParam, error) {
	var out []device.FitParam
	seen := map[device.FitParam]bool{}
	for _, f := range strings.Split(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		if f == "" {
			continue
		}
		p, ok := fitNames[f]
		if !ok {
			return nil, fmt.Errorf("unknown fit parameter %q (want some of %s)", f, strings.Join(FitParamNames(), ","))
		}
		if seen[p] {
			return nil, fmt.Errorf("fit parameter %q given twice", f)
		}
		seen[p] = true
		out = append(out, p)
	}
	if len(out) == 0 {
		out = []device.FitParam{device.FitVth, device.FitRD}
	}
	return out, nil
}

// LoadRIData reads resistance–current data from a CSV file (see
// device.ReadRICSV); errors name the file and line.
func LoadRIData(path string) ([]device.RIPoint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("experiment: %w", err)
	}
	defer f.Close()
	return ReadRIData(f, path)
}

// ReadRIData is LoadRIData on a reader; name labels errors.
func ReadRIData(r io.Reader, name string) ([]device.RIPoint, error) {
	return device.ReadRICSV(r, name)
}

// DeviceFitResult is the outcome of DeviceFit.
type DeviceFitResult struct {
	Data   string // where the data came from (file name)
	Points []device.RIPoint
	Start  device.Params
	Fitted device.Params // Start with the fitted memristor
	Report device.FitReport
	// Model is the fitted model's R at each data current, Ω.
	Model []float64
	// StartCurve is the starting model on the currents of Report.Curve.
	StartCurve []device.RIPoint
}

// DeviceFit fits the memristor of start to the data points, adjusting the
// free parameters (nil: Vth and RD). A tabulated start memristor is fitted
// as the compact model with its other parameters.
func DeviceFit(points []device.RIPoint, data string, start device.Params, free []device.FitParam) (*DeviceFitResult, error) {
	if err := start.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: device fit: %w", err)
	}
	// A tabulated start: fit the compact model from its compact
	// parameters (a table's Vth and RD hold its threshold and slope).
	start.Memristor.Table = nil
	m, rep, err := device.FitMemristorWith(points, start.Memristor, device.FitOptions{Free: free})
	if err != nil {
		return nil, fmt.Errorf("experiment: device fit: %w", err)
	}
	r := &DeviceFitResult{Data: data, Points: points, Start: start, Fitted: start, Report: rep, Model: rep.Model}
	r.Fitted.Memristor = m
	sm := start.Memristor
	for _, c := range rep.Curve {
		_, _, rr, err := sm.SteadyStateAtCurrent(c.I)
		if err != nil {
			return nil, fmt.Errorf("experiment: device fit: %w", err)
		}
		r.StartCurve = append(r.StartCurve, device.RIPoint{I: c.I, R: rr})
	}
	return r, nil
}

// ---------------------------------------------------------------------------
// A tabulated memristor from measured data

// DeviceTabulateResult is the outcome of DeviceTabulate.
type DeviceTabulateResult struct {
	Data   string           // where the data came from (file name)
	Points []device.RIPoint // as read
	Prep   device.TableRows // sorted, merged, pooled rows
	// Params is the start's devices with the tabulated memristor (and
	// GMin/GMax widened where the rows need it).
	Params device.Params
	// Widened says which conduction bounds were moved and why.
	Widened []string
	// DefaultKinetics are the kinetic keys at their default values.
	DefaultKinetics []string
	// MaxRowError is the largest relative difference between the model's
	// steady-state R and the table at the rows (rounding only).
	MaxRowError float64
	// Curve is the model's steady state on 121 log-spaced currents from
	// a tenth of the first row to twice the last (I, R, V) with the hold
	// voltage; Region[k] is "below", "table" or "above".
	Curve  []device.RIPoint
	CurveV []float64
	Hold   []float64
	Region []string
	// Viability is the neuron check of the tabulated device in the
	// default circuit (VDD = 2 V).
	Viability *Viability
}

// DeviceTabulate makes a tabulated memristor from measured R(I) points
// (device.PrepareTableRows with pooling unless strict): the start's
// conduction and kinetics, GMin lowered / GMax raised (below 0.95·G0)
// where a row needs a conductance outside them, and the table's
// threshold and mean slope written into Vth and RD for readers (the
// model does not use them).
func DeviceTabulate(points []device.RIPoint, data string, start device.Params, strict bool) (*DeviceTabulateResult, error) {
	if err := start.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: device tabulate: %w", err)
	}
	prep, err := device.PrepareTableRows(points, !strict)
	if err != nil {
		return nil, fmt.Errorf("experiment: device tabulate: %s: %w", data, err)
	}
	r := &DeviceTabulateResult{Data: data, Points: points, Prep: prep, Params: start}
	m := start.Memristor
	m.Table = nil
	r.DefaultKinetics = device.DefaultKineticsOf(m)
	tab, err := device.TableFromRI(prep.Rows, filepathBase(data))
	if err != nil {
		return nil, fmt.Errorf("experiment: device tabulate: %s: %w", data, err)
	}
	tab.DefaultKinetics = r.DefaultKinetics
	// The conductance each row needs, G = I/(VNL·sinh(V/VNL)).
	gmin, gmax, kmax := math.Inf(1), 0.0, 0
	for k, p := range prep.Rows {
		v := p.R * p.I
		g := p.I / (m.VNL * math.Sinh(v/m.VNL))
		gmin = math.Min(gmin, g)
		if g > gmax {
			gmax, kmax = g, k
		}
	}
	g0 := m.GMin + (m.GMax-m.GMin)*math.Exp(-m.Gap0/m.Lambda)
	if gmax >= 0.9*m.GMax {
		ng := math.Min(gmax/0.8, 0.95*device.G0)
		if gmax >= 0.9*ng {
			return nil, fmt.Errorf("experiment: device tabulate: %s: row %d (I = %.4g A, R = %.4g Ω) needs a conductance of %.4g S, too near or above the conductance quantum G0 = %.4g S that a tunnelling device stays below: %w",
				data, kmax+1, prep.Rows[kmax].I, prep.Rows[kmax].R, gmax, device.G0, device.ErrTable)
		}
		r.Widened = append(r.Widened, fmt.Sprintf("g_max_S raised from %.4g to %.4g S: row %d (R = %.4g Ω) needs %.4g S", m.GMax, ng, kmax+1, prep.Rows[kmax].R, gmax))
		m.GMax = ng
		g0 = m.GMin + (m.GMax-m.GMin)*math.Exp(-m.Gap0/m.Lambda)
	}
	if gmin <= 1.05*g0 {
		ng := gmin / 4
		r.Widened = append(r.Widened, fmt.Sprintf("g_min_S lowered from %.4g to %.4g S: the relaxed conductance must stay below the %.4g S the highest-resistance row needs", m.GMin, ng, gmin))
		m.GMin = ng
	}
	m.Table = tab
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: device tabulate: %s: %w", data, err)
	}
	if th := m.Threshold(); th > m.V0 {
		m.Vth = th
	}
	if rd := m.EffectiveRD(); rd > 0 {
		m.RD = rd
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: device tabulate: %s: %w", data, err)
	}
	r.Params.Memristor = m
	for _, p := range prep.Rows {
		_, _, rr, err := m.SteadyStateAtCurrent(p.I)
		if err != nil {
			return nil, fmt.Errorf("experiment: device tabulate: %w", err)
		}
		r.MaxRowError = math.Max(r.MaxRowError, math.Abs(rr/p.R-1))
	}
	lo, hi := prep.Rows[0].I, prep.Rows[len(prep.Rows)-1].I
	const n = 121
	for k := 0; k < n; k++ {
		i := lo / 10 * math.Pow(20*hi/lo, float64(k)/(n-1))
		_, v, rr, err := m.SteadyStateAtCurrent(i)
		if err != nil {
			return nil, fmt.Errorf("experiment: device tabulate: %w", err)
		}
		h, _ := m.HoldVoltage(i)
		reg := "table"
		if i < lo {
			reg = "below"
		} else if i > hi {
			reg = "above"
		}
		r.Curve, r.CurveV, r.Hold, r.Region = append(r.Curve, device.RIPoint{I: i, R: rr}), append(r.CurveV, v), append(r.Hold, h), append(r.Region, reg)
	}
	if r.Viability, err = CheckViability(params.Setup{Device: r.Params, Neuron: neuron.DefaultParams()}); err != nil {
		return nil, fmt.Errorf("experiment: device tabulate: %w", err)
	}
	return r, nil
}

// filepathBase is the last element of a slash- or backslash-separated
// path (the table's "source").
func filepathBase(p string) string {
	if k := strings.LastIndexAny(p, `/\`); k >= 0 {
		return p[k+1:]
	}
	return p
}

// ---------------------------------------------------------------------------
// Derived numbers of the device runs (package report only maps them to
// files)

// DeviceIVStats are the numbers derived from an I-V run.
type DeviceIVStats struct {
	// Overlap reports whether the set and hold distributions overlap (max
	// hold ≥ min set; false when either is empty); Gap is min set − max
	// hold (V).
	Overlap bool
	Gap     float64
	// SetAboveHold, NoSet and NoHold count the cycles with set > hold,
	// without a set and without a hold voltage.
	SetAboveHold, NoSet, NoHold int
	// MaxFinalState is the largest state x at 0 V after a backward sweep.
	MaxFinalState float64
	// NegativeMaxOverIcc is the negative sweep's largest |I| over Icc.
	NegativeMaxOverIcc float64
	// NullReason says why the set or hold statistics are empty ("" when
	// both have values or no cycle ran).
	NullReason string
	// PlottedCycles are up to five evenly spread cycles (0-based).
	PlottedCycles []int
}

// Stats derives the I-V run's summary numbers.
func (r *DeviceIVResult) Stats() DeviceIVStats {
	sw := r.Sweep
	s := DeviceIVStats{Overlap: sw.Hold.Max >= sw.Set.Min, Gap: sw.Set.Min - sw.Hold.Max,
		NegativeMaxOverIcc: sw.NegativeMaxCurrent / r.Config.Icc}
	if math.IsNaN(sw.Hold.Max) || math.IsNaN(sw.Set.Min) {
		s.Overlap = false
	}
	for _, c := range sw.Cycles {
		switch {
		case math.IsNaN(c.Set):
			s.NoSet++
		case math.IsNaN(c.Hold):
			s.NoHold++
		case c.Set > c.Hold:
			s.SetAboveHold++
		}
		if n := len(c.Backward); n > 0 {
			s.MaxFinalState = math.Max(s.MaxFinalState, c.Backward[n-1].X)
		}
	}
	switch {
	case len(sw.Cycles) == 0:
	case sw.Set.N == 0:
		s.NullReason = fmt.Sprintf("no cycle reached Icc/2 = %g A on the way up to v_max = %g V: the device never switched, so set_V and hold_V have no values",
			0.5*r.Config.Icc, r.Config.VMax)
	case sw.Hold.N == 0:
		s.NullReason = fmt.Sprintf("in no cycle did |I| drop below Icc/2 = %g A on the way back to 0 V: the device never released, so hold_V has no values",
			0.5*r.Config.Icc)
	}
	s.PlottedCycles = ivPlotCycles(len(sw.Cycles))
	return s
}

// ivPlotCycles picks up to five evenly spread cycles (0-based) to overlay.
func ivPlotCycles(n int) []int {
	var out []int
	for k := 0; k < 5 && k < n; k++ {
		c := 0
		if n > 1 {
			c = int(math.Round(float64(k) * float64(n-1) / float64(min(4, n-1))))
		}
		if len(out) == 0 || out[len(out)-1] != c {
			out = append(out, c)
		}
	}
	return out
}

// PulseLevelStats is the pulse-to-pulse variation at one current level of
// the pulse train.
type PulseLevelStats struct {
	Current float64
	R       device.Stats // R = V/I at the end of each pulse
	// CV is σ/mean and RelSpread (max − min)/median of R; NominalR and
	// NominalRelSpread the same without variation.
	CV, RelSpread              float64
	NominalR, NominalRelSpread float64
}

func pulseLevelStats(i float64, s, nominal device.Stats) PulseLevelStats {
	return PulseLevelStats{Current: i, R: s, CV: s.Std / s.Mean, RelSpread: s.RelativeSpread(),
		NominalR: nominal.Median, NominalRelSpread: nominal.RelativeSpread()}
}

// DevicePulseStats are the numbers derived from a pulse run.
type DevicePulseStats struct {
	// LatencyRatio and EnergyRatio are the single pulse's latency and
	// energy over the paper's (Fig. 3f).
	LatencyRatio, EnergyRatio float64
	// Switched reports whether the pulse set the device (zero-bias R at
	// its end below 0.9·R insulating); Relaxation is the relaxation time,
	// 0 when it did not switch.
	Switched   bool
	Relaxation float64
	// Low and High are the pulse train's two current levels.
	Low, High PulseLevelStats
}

// Stats derives the pulse run's summary numbers.
func (r *DevicePulseResult) Stats() DevicePulseStats {
	sp, rl := r.Single, r.Relaxation
	s := DevicePulseStats{LatencyRatio: sp.Latency / PaperLatency, EnergyRatio: sp.Energy / PaperEnergy,
		Switched: rl.RSet < 0.9*rl.RInsulating, Relaxation: rl.RelaxationTime}
	if !s.Switched {
		s.Relaxation = 0
	}
	tc := r.Train.Config
	s.Low = pulseLevelStats(tc.ILow, r.Train.Low, r.TrainNominal.Low)
	s.High = pulseLevelStats(tc.IHigh, r.Train.High, r.TrainNominal.High)
	return s
}

// CurrentRange returns the smallest and largest current of the fit's
// data points (+Inf, 0 without points).
func (r *DeviceFitResult) CurrentRange() [2]float64 {
	out := [2]float64{math.Inf(1), 0}
	for _, p := range r.Points {
		out[0], out[1] = math.Min(out[0], p.I), math.Max(out[1], p.I)
	}
	return out
}

// RowHold returns the tabulated memristor's hold voltage at each table
// row's current.
func (r *DeviceTabulateResult) RowHold() []float64 {
	out := make([]float64, len(r.Prep.Rows))
	for k, p := range r.Prep.Rows {
		out[k], _ = r.Params.Memristor.HoldVoltage(p.I)
	}
	return out
}

// DeviceSweepStats are the numbers derived from a current sweep.
type DeviceSweepStats struct {
	// R0 is the zero-bias resistance (the I = 0 point); GMax the largest
	// conductance; Monotone whether R falls at every step.
	R0         float64
	GMax       float64
	GMaxOverG0 float64
	Monotone   bool
	// MaxDev is the largest |V − Vhold(I)| at I ≥ 0.1 µA (NaN: none).
	MaxDev float64
	// Decades is log10 of the first over the last non-zero-current R.
	Decades float64
}

// Stats derives the sweep's summary numbers.
func (r *DeviceSweepResult) Stats() DeviceSweepStats {
	m := r.Params.Memristor
	s := DeviceSweepStats{Monotone: true, MaxDev: math.NaN()}
	var first, last float64
	n := 0
	for k, p := range r.Points {
		s.GMax = math.Max(s.GMax, p.G)
		if k > 0 && !(p.R < r.Points[k-1].R) {
			s.Monotone = false
		}
		if p.I == 0 {
			s.R0 = p.R
			continue
		}
		if n == 0 {
			first = p.R
		}
		last = p.R
		n++
		if p.I >= 0.1e-6 {
			h, _ := m.HoldVoltage(p.I) // Vth − RD·I; a table's hold voltage
			d := math.Abs(p.V - h)
			if math.IsNaN(s.MaxDev) || d > s.MaxDev {
				s.MaxDev = d
			}
		}
	}
	if n > 0 {
		s.Decades = math.Log10(first / last)
	}
	s.GMaxOverG0 = s.GMax / device.G0
	return s
}

// DeviceTFTStats are the numbers derived from a TFT run.
type DeviceTFTStats struct {
	// IdOn and IdOff are the nominal TFT's drain current at (VgsMax,
	// VdsVth) and (VgsMin, VdsVth).
	IdOn, IdOff float64
	// Vth and VthExtracted summarise the sampled and the extracted
	// thresholds.
	Vth, VthExtracted device.Stats
}

// Stats derives the TFT run's summary numbers.
func (r *DeviceTFTResult) Stats() DeviceTFTStats {
	t, c := r.Params.TFT, r.Config
	var s DeviceTFTStats
	s.IdOn, _, _ = t.Ids(c.VgsMax, c.VdsVth)
	s.IdOff, _, _ = t.Ids(c.VgsMin, c.VdsVth)
	vths := make([]float64, len(r.Devices))
	for k, d := range r.Devices {
		vths[k] = d.Vth
	}
	s.Vth = device.Summarize(vths)
	s.VthExtracted = device.Summarize(r.VthExtracted)
	return s
}
