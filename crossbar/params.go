package crossbar

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/internal/clip"
	"github.com/mrelu/mrelu/internal/paramcheck"
	"github.com/mrelu/mrelu/internal/quantity"
	"github.com/mrelu/mrelu/internal/strictjson"
)

// ErrInvalidParam is wrapped by every Params.Validate error.
var ErrInvalidParam = errors.New("crossbar: invalid parameter")

// DefaultVDD is the default Params.VDD in V: the paper's supply of the
// mReLU neuron, VDD = 2 V (neuron.DefaultParams().VDD, which a test pins
// it to).
const DefaultVDD = 2.0

// HiddenReadScale is the read scale of every array after the first in a
// Network, in V per unit of activation: the neurons' output voltages drive
// the next array directly (no ADC, no level shifter), and a network trained
// with the ideal bounded ReLU min(max(z, 0), VDD/1 V) has its activation
// unit equal to 1 V of neuron output (bound 2 with the default VDD = 2 V).
const HiddenReadScale = 1.0

// DefaultUnitCurrent is the default Params.UnitCurrent in A: the input
// current that raises the default mReLU's output by 1 V on its linear part
// (neuron.DefaultIUnit = (1 − RD/RLoad)/(MirrorRatio·RD) = 0.778 µA with
// RD = 0.3 MΩ, RLoad = 1 MΩ, MirrorRatio = 3), so that one network unit of
// pre-activation is one volt of neuron output.
const DefaultUnitCurrent = (1 - 0.3e6/1e6) / (3 * 0.3e6)

// Params are the physical choices of the crossbar arrays: the synapse
// conductance window, how weights and activations become conductances and
// voltages, how the column current reaches the neuron, and the optional
// non-idealities (all off by default, so the mapping is exact). SI units;
// JSON keys carry the unit. The zero value is invalid (GMax must be > 0,
// ReadScale and UnitCurrent too); start from DefaultParams.
type Params struct {
	// GMin is the lowest programmable conductance of a synapse device in S
	// (its off state). Default 0.1 µS (10 MΩ; choice: a 100:1 analogue
	// window, typical of filamentary oxide synapses operated below the
	// quantum conductance G0 = 77.5 µS where conductance changes gradually,
	// the regime the paper argues for; at 0.2 V a 784-row column of
	// off-state devices leaks at most 16 µA per branch, ~2 µA for MNIST's
	// mean pixel intensity, and the leak cancels in the differential pair).
	GMin float64 `json:"g_min_S"`
	// GMax is the highest programmable conductance in S. Default 10 µS
	// (100 kΩ; choice: one device read at 1 V passes at most 10 µA, the
	// neuron's sub-10 µA operating range; well below G0 = 77.5 µS).
	GMax float64 `json:"g_max_S"`
	// GScale is the conductance per unit weight in S, the same for every
	// array. Default 0 = per array: GScale = (GMax − GMin)/max|w| over the
	// array's weights and biases, so the largest weight uses the whole
	// window and nothing clips (best resolution against quantisation).
	// A fixed value models hardware designed before the weights are known:
	// weights with |w|·GScale > GMax − GMin are clipped (Layer.Clipped).
	GScale float64 `json:"g_scale_S"`
	// ReadScale is the read voltage per unit of an array's input in V: the
	// first layer's pixel intensities 0..1 become 0..ReadScale volts. In a
	// Network it applies to the first array only; the others are driven by
	// the neurons at HiddenReadScale = 1 V per unit. Default 0.2 V (choice:
	// a conventional read voltage of non-volatile synapse arrays, below
	// their switching thresholds; with the default window the 784-input
	// columns of an MNIST network then carry a differential summation
	// current of ≈ 9 µA per unit of pre-activation, in the neuron's range,
	// so the matched mirror gain is of order 1: 0.38 measured).
	ReadScale float64 `json:"read_scale_V"`
	// MirrorGain is the current gain between the column's differential
	// current and the neuron's input current (dimensionless). Default 0 =
	// matched per array: gain = UnitCurrent/(ReadScale·GScale), so every
	// neuron sees UnitCurrent per unit of pre-activation and the hardware
	// computes exactly the trained network (a current mirror's width ratio
	// fixed at design time). A positive value fixes the gain of every array
	// (paper, Fig. S7b: the 2T-1M mirror copies faithfully, gain 1); the
	// neurons then see Layer.CurrentPerUnit per unit, which differs from
	// UnitCurrent unless the scales happen to agree.
	MirrorGain float64 `json:"mirror_gain"`
	// UnitCurrent is the neuron input current per unit of pre-activation in
	// A when the mirror is matched (MirrorGain = 0), and the current scale of
	// the IdealNeuron a Network uses when given no neurons. Default
	// DefaultUnitCurrent = 0.778 µA (neuron.DefaultIUnit): the default
	// mReLU's Vout rises by 1 V per 0.778 µA and saturates near VDD = 2 V
	// at ≈ 1.5 µA (sub-10 µA, paper).
	UnitCurrent float64 `json:"unit_current_A"`
	// VDD is the supply of the neurons in V, the bound of their output
	// voltages: the VMax of the IdealNeuron a Network or Stack uses when
	// given no neurons. It belongs to the neuron, not to the arrays, so
	// callers set it from the run's neuron (its supply, --vdd or the
	// --params file's neuron.vdd_V) and it is not serialised (json "-"):
	// the run's params.json records it once, as the neuron's vdd_V.
	// Default DefaultVDD = 2 V (the paper's VDD).
	VDD float64 `json:"-"`

	// Levels is the number of programmable conductance levels of a synapse
	// device, equally spaced from GMin to GMax (both included). Default 0 =
	// analogue (no quantisation); otherwise ≥ 2. A differential pair then
	// represents 2·Levels − 1 weight values.
	Levels int `json:"levels"`
	// ProgramSigma is the relative standard deviation of the programming
	// (write) error, applied once per device when the weights are written:
	// G = G_target·(1 + ProgramSigma·N(0,1)), then clipped to [GMin, GMax].
	// Default 0 (off); a few percent models program-and-verify writing.
	ProgramSigma float64 `json:"program_sigma"`
	// ReadSigma is the relative standard deviation of the read noise, drawn
	// afresh for every device at every evaluation (every input vector):
	// G_read = G·(1 + ReadSigma·N(0,1)). Default 0 (off).
	ReadSigma float64 `json:"read_sigma"`
	// NeuronSpread is the relative device-to-device spread of the neurons'
	// input gain (mirror mismatch: a-IGZO threshold spread), drawn once per
	// neuron: gain_j = MirrorGain·max(0, 1 + NeuronSpread·N(0,1)). Default 0
	// (off). The paper's 0.038 V TFT threshold spread at ~1 V overdrive is
	// ~8 % in a square-law mirror. The neuron's temporal (cycle-to-cycle)
	// variation, 9.9 % in the paper, belongs to the neuron model.
	NeuronSpread float64 `json:"neuron_spread"`
	// Seed seeds every random draw of Program (when given no generator) and
	// of New: programming noise, neuron spread and read noise use separate
	// streams, so turning one on does not change the others. Default 1.
	Seed uint64 `json:"seed"`
}

// DefaultParams returns the documented defaults: a 0.1–10 µS window, the
// window scaled per array, 0.2 V per unit input, a matched mirror with
// 0.778 µA per unit, neurons bounded by VDD = 2 V and every non-ideality
// off.
func DefaultParams() Params {
	return Params{
		GMin:        0.1e-6,
		GMax:        10e-6,
		ReadScale:   0.2,
		UnitCurrent: DefaultUnitCurrent,
		VDD:         DefaultVDD,
		Seed:        1,
	}
}

// Ideal reports whether every non-ideality is off, so the arrays compute
// the network's weighted sums exactly (up to float32 rounding).
func (p Params) Ideal() bool {
	return p.Levels == 0 && p.ProgramSigma == 0 && p.ReadSigma == 0 && p.NeuronSpread == 0
}

// paramsCheck words the errors of Params.Validate; a field that is not
// serialised (VDD) has no JSON key.
var paramsCheck = paramcheck.Checker{Prefix: "crossbar: Params", Sentinel: ErrInvalidParam}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Validate reports the first invalid field, naming it, its JSON key and
// unit. It rejects NaN and ±Inf everywhere, GMin < 0, GMax ≤ GMin,
// GScale < 0, ReadScale, UnitCurrent or VDD ≤ 0, MirrorGain < 0, Levels < 0
// or 1, and sigmas outside [0, 1].
func (p Params) Validate() error {
	if err := paramsCheck.All(paramcheck.NonNegative, paramcheck.Fields{
		{"GMin", "g_min_S", "S", p.GMin},
		{"GMax", "g_max_S", "S", p.GMax},
		{"GScale", "g_scale_S", "S", p.GScale},
		{"ReadScale", "read_scale_V", "V", p.ReadScale},
		{"MirrorGain", "mirror_gain", "", p.MirrorGain},
		{"UnitCurrent", "unit_current_A", "A", p.UnitCurrent},
		{"VDD", "", "V", p.VDD},
		{"ProgramSigma", "program_sigma", "", p.ProgramSigma},
		{"ReadSigma", "read_sigma", "", p.ReadSigma},
		{"NeuronSpread", "neuron_spread", "", p.NeuronSpread},
	}); err != nil {
		return err
	}
	switch {
	case p.GMax <= p.GMin:
		return paramsCheck.Invalid("GMax", "g_max_S", "S", p.GMax, fmt.Sprintf("must be > GMin = %g S", p.GMin))
	case p.ReadScale == 0:
		return paramsCheck.Invalid("ReadScale", "read_scale_V", "V", p.ReadScale, "must be > 0")
	case p.UnitCurrent == 0:
		return paramsCheck.Invalid("UnitCurrent", "unit_current_A", "A", p.UnitCurrent, "must be > 0")
	case p.VDD == 0:
		return paramsCheck.Invalid("VDD", "", "V", p.VDD, "must be > 0 (the neurons' supply)")
	case p.Levels < 0 || p.Levels == 1:
		return paramsCheck.Invalid("Levels", "levels", "", float64(p.Levels), "must be 0 (analogue) or ≥ 2")
	}
	return paramsCheck.All(relativeSigma, paramcheck.Fields{
		{"ProgramSigma", "program_sigma", "", p.ProgramSigma},
		{"ReadSigma", "read_sigma", "", p.ReadSigma},
		{"NeuronSpread", "neuron_spread", "", p.NeuronSpread},
	})
}

// relativeSigma is the rule of a relative sigma already known to be
// finite and ≥ 0.
func relativeSigma(v float64) string {
	if v > 1 {
		return "a relative sigma must be ≤ 1"
	}
	return ""
}

// AddFlags registers one command-line flag per field of p except Seed
// (commands take --seed for every random draw), with p's current values as
// defaults; parsing the flag set writes into p. Validate after parsing.
func (p *Params) AddFlags(fs *flag.FlagSet) {
	quantity.Var(fs, &p.GMin, "g-min", quantity.Siemens, "lowest synapse conductance in `S`")
	quantity.Var(fs, &p.GMax, "g-max", quantity.Siemens, "highest synapse conductance in `S`")
	quantity.Var(fs, &p.GScale, "g-scale", quantity.Siemens, "conductance per unit weight in `S` (0: per array, (g-max − g-min)/max|w|)")
	quantity.Var(fs, &p.ReadScale, "read-scale", quantity.Volt, "read voltage per unit of the first layer's input (pixel 1) in `V`")
	fs.Float64Var(&p.MirrorGain, "mirror-gain", p.MirrorGain, "neuron input current / column current (0: matched per array to --unit-current)")
	quantity.Var(fs, &p.UnitCurrent, "unit-current", quantity.Ampere, "neuron input current per unit pre-activation in `A`")
	fs.IntVar(&p.Levels, "levels", p.Levels, "conductance levels per synapse device (0: analogue)")
	fs.Float64Var(&p.ProgramSigma, "program-sigma", p.ProgramSigma, "relative programming noise, once per device")
	fs.Float64Var(&p.ReadSigma, "read-sigma", p.ReadSigma, "relative read noise per device and evaluation")
	fs.Float64Var(&p.NeuronSpread, "neuron-spread", p.NeuronSpread, "relative device-to-device spread of the neuron input gain")
}

// maxParamsBytes bounds a parameter document: device.MaxParamsBytes,
// the limit of every parameter file; real ones are < 1 kB.
const maxParamsBytes = device.MaxParamsBytes

// DecodeParams reads a Params JSON object. Absent keys keep their
// defaults; unknown keys, trailing data and invalid values are errors
// naming the key.
func DecodeParams(r io.Reader) (Params, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxParamsBytes+1))
	if err != nil {
		return DefaultParams(), fmt.Errorf("crossbar: params: %w", err)
	}
	if len(data) > maxParamsBytes {
		return DefaultParams(), fmt.Errorf("crossbar: params: the document is %w (the limit for a parameter file)", device.ErrParamsTooLarge)
	}
	p := DefaultParams()
	if err := strictjson.Decode(data, &p); err != nil {
		return DefaultParams(), fmt.Errorf("crossbar: params: %w", clip.Error(err))
	}
	if err := p.Validate(); err != nil {
		return DefaultParams(), err
	}
	return p, nil
}
