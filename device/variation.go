package device

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// TemporalVariation is the relative cycle-to-cycle (temporal) variation of
// the neuron output used at system level in the paper (Fig. 4i: 9.9 %). It
// is a property of the whole mReLU neuron, applied per evaluation by the
// network simulation; the device-level per-cycle sigmas are in
// CycleVariation.
const TemporalVariation = 0.099

// CycleVariation holds the relative standard deviations (dimensionless) of
// the memristor parameters that are redrawn at every switching event
// (cycle-to-cycle variation): each switching event forms a new nanocluster
// chain. Each parameter p is drawn log-normally as p·exp(σ·N(0,1)) so it
// stays positive and its median is the nominal value. The zero value means
// no variation.
type CycleVariation struct {
	// VthRel is the relative sigma of Vth. Default 0.01 (choice: narrow,
	// non-overlapping set/hold distributions of Fig. 3b).
	VthRel float64 `json:"v_th_rel"`
	// RDRel is the relative sigma of RD. Default 0.04 (choice; moves the hold
	// voltage Vth − RD·Icc and the resistance at a given current).
	RDRel float64 `json:"r_d_rel"`
	// Gap0Rel is the relative sigma of Gap0. Default 0.01 (choice: cluster
	// arrangement changes the conductance at a given state).
	Gap0Rel float64 `json:"gap0_rel"`
	// TauRelaxRel is the relative sigma of TauRelax. Default 0.05 (choice;
	// the paper reports a narrow spread of relaxation speed, Fig. S3).
	TauRelaxRel float64 `json:"tau_relax_rel"`
}

// DefaultCycleVariation returns the per-cycle sigmas used for the 200-cycle
// DC sweep (Fig. 3b) and the pulse trains.
func DefaultCycleVariation() CycleVariation {
	return CycleVariation{VthRel: 0.01, RDRel: 0.04, Gap0Rel: 0.01, TauRelaxRel: 0.05}
}

// IsZero reports whether no parameter varies.
func (c CycleVariation) IsZero() bool {
	return c == CycleVariation{}
}

// Validate rejects negative, NaN or infinite sigmas, naming the field.
func (c CycleVariation) Validate() error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"VthRel", c.VthRel}, {"RDRel", c.RDRel}, {"Gap0Rel", c.Gap0Rel}, {"TauRelaxRel", c.TauRelaxRel}} {
		if err := checkSigma("CycleVariation", f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

func checkSigma(model, field string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 1 {
		return fmt.Errorf("device: %s.%s = %g (relative sigma, dimensionless): must be finite and in [0, 1]: %w", model, field, v, ErrInvalidParam)
	}
	return nil
}

// lognormal returns p·exp(σ·N(0,1)).
func lognormal(p, sigma float64, rng *rand.Rand) float64 {
	if sigma == 0 {
		return p
	}
	return p * math.Exp(sigma*rng.NormFloat64())
}

// Sample returns the parameters of one switching cycle of the device m,
// drawn from rng. It draws the same number of variates whatever the sigmas,
// so streams stay aligned when a sigma is set to zero. A tabulated device
// gets a shifted copy of its table (docs/device.md §1b).
func (c CycleVariation) Sample(m Memristor, rng *rand.Rand) Memristor {
	out := m
	out.Vth = lognormal(m.Vth, c.VthRel, rng)
	out.RD = lognormal(m.RD, c.RDRel, rng)
	out.Gap0 = lognormal(m.Gap0, c.Gap0Rel, rng)
	out.TauRelax = lognormal(m.TauRelax, c.TauRelaxRel, rng)
	if out.TauRelax <= out.TauSet {
		out.TauRelax = 2 * out.TauSet
	}
	return varyThreshold(m, out)
}

// DeviceVariation holds the device-to-device spreads used to sample a
// population of neurons. Memristor sigmas are relative (log-normal, as in
// CycleVariation); the TFT threshold spread is absolute (normal).
type DeviceVariation struct {
	// MemVthRel is the relative sigma of the memristor Vth between devices.
	// Default 0.02 (choice: "uniform" volatile switching of 25 devices,
	// Fig. S6).
	MemVthRel float64 `json:"mem_v_th_rel"`
	// MemRDRel is the relative sigma of RD. Default 0.05 (choice, Fig. S6
	// "uniform incremental conductance update").
	MemRDRel float64 `json:"mem_r_d_rel"`
	// MemGMaxRel is the relative sigma of GMax. Default 0.10 (choice). GMax
	// is clamped to 0.95·G0.
	MemGMaxRel float64 `json:"mem_g_max_rel"`
	// MemGMinRel is the relative sigma of GMin (leakage spreads widely).
	// Default 0.30 (choice).
	MemGMinRel float64 `json:"mem_g_min_rel"`
	// MemGap0Rel is the relative sigma of Gap0. Default 0.02 (choice).
	MemGap0Rel float64 `json:"mem_gap0_rel"`
	// MemTauRelaxRel is the relative sigma of TauRelax. Default 0.10
	// (choice).
	MemTauRelaxRel float64 `json:"mem_tau_relax_rel"`
	// TFTVthSigma is the standard deviation of the TFT threshold voltage in
	// V. Default 0.038 V (paper: 20 a-IGZO TFTs, Fig. S5).
	TFTVthSigma float64 `json:"tft_v_th_sigma_V"`
	// TFTMobilityRel is the relative sigma of the TFT mobility. Default 0.05
	// (choice; the paper reports only the threshold spread).
	TFTMobilityRel float64 `json:"tft_mobility_rel"`
}

// DefaultDeviceVariation returns the device-to-device spreads (25
// memristors, 20 TFTs in the paper).
func DefaultDeviceVariation() DeviceVariation {
	return DeviceVariation{
		MemVthRel:      0.02,
		MemRDRel:       0.05,
		MemGMaxRel:     0.10,
		MemGMinRel:     0.30,
		MemGap0Rel:     0.02,
		MemTauRelaxRel: 0.10,
		TFTVthSigma:    0.038,
		TFTMobilityRel: 0.05,
	}
}

// Validate rejects negative, NaN or infinite spreads, naming the field.
func (d DeviceVariation) Validate() error {
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"MemVthRel", d.MemVthRel}, {"MemRDRel", d.MemRDRel}, {"MemGMaxRel", d.MemGMaxRel},
		{"MemGMinRel", d.MemGMinRel}, {"MemGap0Rel", d.MemGap0Rel}, {"MemTauRelaxRel", d.MemTauRelaxRel},
		{"TFTMobilityRel", d.TFTMobilityRel},
	} {
		if err := checkSigma("DeviceVariation", f.name, f.v); err != nil {
			return err
		}
	}
	if v := d.TFTVthSigma; math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 1 {
		return fmt.Errorf("device: DeviceVariation.TFTVthSigma = %g V: must be finite and in [0, 1] V: %w", v, ErrInvalidParam)
	}
	return nil
}

// SampleMemristor draws one memristor of the population around nominal.
// A tabulated nominal device gets a shifted copy of its table (the
// threshold draw applied to Threshold(); docs/device.md §1b).
func (d DeviceVariation) SampleMemristor(nominal Memristor, rng *rand.Rand) Memristor {
	m := nominal
	m.Vth = lognormal(m.Vth, d.MemVthRel, rng)
	m.RD = lognormal(m.RD, d.MemRDRel, rng)
	m.GMax = math.Min(lognormal(m.GMax, d.MemGMaxRel, rng), 0.95*G0)
	m.GMin = math.Min(lognormal(m.GMin, d.MemGMinRel, rng), 0.5*m.GMax)
	m.Gap0 = lognormal(m.Gap0, d.MemGap0Rel, rng)
	m.TauRelax = lognormal(m.TauRelax, d.MemTauRelaxRel, rng)
	if m.TauRelax <= m.TauSet {
		m.TauRelax = 2 * m.TauSet
	}
	return varyThreshold(nominal, m)
}

// SampleTFT draws one TFT of the population around nominal.
func (d DeviceVariation) SampleTFT(nominal TFT, rng *rand.Rand) TFT {
	t := nominal
	t.Vth = nominal.Vth + d.TFTVthSigma*rng.NormFloat64()
	t.Mobility = lognormal(nominal.Mobility, d.TFTMobilityRel, rng)
	return t
}

// SampleMemristors draws n memristors (the paper measured 25).
func (d DeviceVariation) SampleMemristors(nominal Memristor, n int, rng *rand.Rand) []Memristor {
	out := make([]Memristor, n)
	for k := range out {
		out[k] = d.SampleMemristor(nominal, rng)
	}
	return out
}

// SampleTFTs draws n TFTs (the paper measured 20).
func (d DeviceVariation) SampleTFTs(nominal TFT, n int, rng *rand.Rand) []TFT {
	out := make([]TFT, n)
	for k := range out {
		out[k] = d.SampleTFT(nominal, rng)
	}
	return out
}
