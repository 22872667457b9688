package neuron

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mrelu/mrelu/device"
)

// ErrInvalidParam is wrapped by every Params.Validate error.
var ErrInvalidParam = errors.New("neuron: invalid parameter")

// Params are the neuron-level choices of the 2T-1M mReLU circuit: the
// supply, the load, the mirror sizing and the capacitances. The device
// models come from a device.Params (Build takes both). JSON keys carry the
// unit. Zero is invalid for every field except where noted.
type Params struct {
	// VDD is the supply on the memristor's Cu electrode in V. Default 2 V
	// (paper). The design's operating margin is VDD − Vth of the memristor
	// (20 mV with the default device, Vth = 1.98 V): it keeps the
	// memristor on the edge of its switched branch at zero input (a sharp
	// knee) while the off level stays below 50 mV (docs/neuron.md §1a).
	VDD float64 `json:"vdd_V"`
	// RLoad is the resistance from the output node to ground in Ω: the
	// input of the next stage plus a bias resistor. Default 1 MΩ (choice:
	// with the 20 mV margin it carries the ≈ 35 nA standing current that
	// keeps the memristor just switched at zero input, Vout = 35 mV; its
	// current adds to the mirrored one, so the gain is
	// MirrorRatio·RD/(1 − RD/RLoad) ≈ 1.29 MΩ; it must stay above RD or the
	// neuron latches).
	RLoad float64 `json:"r_load_ohm"`
	// MirrorRatio is W(output TFT)/W(diode TFT), the copy ratio of the
	// current mirror. Default 3 (choice: the output TFT is 300/10 µm, the
	// diode TFT the paper's 100/10 µm. The wider output TFT sinks 0.3 µA at
	// the 35 mV off level, so the output rises 50 mV above it by 0.1 µA of
	// input; with a 1:1 mirror it needs ~90 mV of drain voltage first and
	// the knee moves to 0.3 µA. The paper's Fig. S7b shows the mirror
	// copies faithfully; the ratio is a layout choice).
	MirrorRatio float64 `json:"mirror_ratio"`
	// Clamp adds the input clamp: a diode-connected a-IGZO TFT from the
	// mirror input node to ground (gate and drain at ground) that carries a
	// negative input current, which the mirror's n-type diode TFT cannot
	// sink. Default true; without it a negative input has no DC path and
	// the solve fails (see docs/neuron.md).
	Clamp bool `json:"clamp"`
	// LOverlap is the gate–source and gate–drain overlap length of every TFT
	// in m; the overlap capacitance is Cox·W·LOverlap. Default 0.5e-6 m
	// (choice: a self-aligned a-IGZO TFT. The 2 µm overlap of a
	// non-self-aligned bottom-gate TFT puts 1.6 pF of Miller capacitance
	// between the mirror node and the output of the 300 µm output TFT, and
	// the neuron then falls into a relaxation oscillation at 1 µA:
	// docs/neuron.md §6, the nearest stable design).
	LOverlap float64 `json:"l_overlap_m"`
	// CMem is the memristor's own (parallel-plate) capacitance in F, from
	// VDD to the output node. Default 0.14e-12 F: a 10 µm × 10 µm device
	// on the TFT drain (choice; 15 nm copolymer with εr ≈ 2.5 in series
	// with 3 nm Al2O3 with εr = 9 gives 1.4 fF/µm²). The paper's 50 µm ×
	// 50 µm test device would add 3.5 pF, more than the 2.6 pF at which
	// the neuron starts to oscillate (docs/neuron.md, stability).
	CMem float64 `json:"c_mem_F"`
	// CWire is the output node's wiring capacitance to ground in F. Default
	// 0.1e-12 F (choice: ~1 mm of metal line at ~0.1 fF/µm).
	CWire float64 `json:"c_wire_F"`
	// CNext is the input capacitance of the next stage on the output node
	// in F. Default 0.5e-12 F (choice: the gate of a small buffer TFT
	// driving the next crossbar row; ≥ 0, may be 0).
	CNext float64 `json:"c_next_F"`
}

// DefaultParams returns the neuron-level defaults (see the field comments
// for each source).
func DefaultParams() Params {
	return Params{
		VDD:         2,
		RLoad:       1e6,
		MirrorRatio: 3,
		Clamp:       true,
		LOverlap:    0.5e-6,
		CMem:        0.14e-12,
		CWire:       0.1e-12,
		CNext:       0.5e-12,
	}
}

func bad(field, key, unit string, v float64, why string) error {
	return fmt.Errorf("neuron: Params.%s (json %q) = %g %s: %s: %w", field, key, v, unit, why, ErrInvalidParam)
}

// Validate reports the first invalid field, naming it with its JSON key and
// unit.
func (p Params) Validate() error {
	for _, f := range []struct {
		name, key, unit string
		v               float64
		zeroOK          bool
		max             float64
	}{
		{"VDD", "vdd_V", "V", p.VDD, false, 20},
		{"RLoad", "r_load_ohm", "Ω", p.RLoad, false, 1e15},
		{"MirrorRatio", "mirror_ratio", "", p.MirrorRatio, false, 100},
		{"LOverlap", "l_overlap_m", "m", p.LOverlap, true, 1e-3},
		{"CMem", "c_mem_F", "F", p.CMem, true, 1e-6},
		{"CWire", "c_wire_F", "F", p.CWire, true, 1e-6},
		{"CNext", "c_next_F", "F", p.CNext, true, 1e-6},
	} {
		switch {
		case math.IsNaN(f.v) || math.IsInf(f.v, 0):
			return bad(f.name, f.key, f.unit, f.v, "must be finite")
		case f.v < 0 || (f.v == 0 && !f.zeroOK):
			if f.zeroOK {
				return bad(f.name, f.key, f.unit, f.v, "must be ≥ 0")
			}
			return bad(f.name, f.key, f.unit, f.v, "must be > 0")
		case f.v > f.max:
			return bad(f.name, f.key, f.unit, f.v, fmt.Sprintf("must be ≤ %g", f.max))
		}
	}
	return nil
}

// Devices are the four devices of one neuron. A nominal neuron uses the
// same TFT parameters for all transistors (the output TFT's width scaled by
// Params.MirrorRatio); a Monte Carlo sample draws each independently.
type Devices struct {
	Memristor device.Memristor `json:"memristor"`
	// Diode is the mirror's diode-connected input TFT (M1).
	Diode device.TFT `json:"diode_tft"`
	// Output is the mirror's output TFT (M2), which sinks the copied
	// current from the output node.
	Output device.TFT `json:"output_tft"`
	// Clamp is the input clamp TFT (MC), used when Params.Clamp is set.
	Clamp device.TFT `json:"clamp_tft"`
}

// NominalDevices returns the devices of a nominal neuron from the device
// parameters: the memristor, and the TFT for M1, M2 (width ×MirrorRatio)
// and the clamp.
func NominalDevices(d device.Params, p Params) Devices {
	out := d.TFT
	out.W *= p.MirrorRatio
	return Devices{Memristor: d.Memristor, Diode: d.TFT, Output: out, Clamp: d.TFT}
}

// Validate validates every device, naming it.
func (d Devices) Validate() error {
	if err := d.Memristor.Validate(); err != nil {
		return fmt.Errorf("memristor: %w", err)
	}
	for _, t := range []struct {
		name string
		tft  device.TFT
	}{{"diode TFT", d.Diode}, {"output TFT", d.Output}, {"clamp TFT", d.Clamp}} {
		if err := t.tft.Validate(); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	return nil
}

// SampleDevices draws the devices of one neuron of a population around
// the nominal device parameters: the memristor and each TFT independently
// (the output TFT's width is scaled by MirrorRatio after sampling). It
// draws the same number of variates whatever the spreads.
func SampleDevices(d device.Params, p Params, v device.DeviceVariation, rng *rand.Rand) Devices {
	out := Devices{Memristor: v.SampleMemristor(d.Memristor, rng)}
	out.Diode = v.SampleTFT(d.TFT, rng)
	out.Output = v.SampleTFT(d.TFT, rng)
	out.Output.W *= p.MirrorRatio
	out.Clamp = v.SampleTFT(d.TFT, rng)
	return out
}
