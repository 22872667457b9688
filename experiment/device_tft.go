package experiment

// The TFT characterisation runner (Fig. S5).

import (
	"fmt"
	"math"

	"github.com/mrelu/mrelu/device"
)

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
	if err := validateRun("device tft", cfg, &p); err != nil {
		return nil, err
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
