package vision

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/mrelu/mrelu/crossbar"
)

// ErrInvalidConfig is wrapped by every Config.Validate error.
var ErrInvalidConfig = errors.New("vision: invalid configuration")

// Boundary says how the 3x3 window treats the image border.
type Boundary int

const (
	// Replicate keeps the image size ('same'): a window reaching past the
	// border repeats the nearest edge pixel (the row driver re-applies
	// that pixel's voltage), so the border adds no edge of its own.
	Replicate Boundary = iota
	// Zero keeps the image size ('same') with 0 V on the rows outside the
	// image (zero padding): a bright border then reads as an edge against
	// black.
	Zero
	// Valid computes only windows that lie wholly inside the image: the
	// output is (W−2)×(H−2) and output pixel (x, y) is centred on input
	// pixel (x+1, y+1).
	Valid
)

var boundaryNames = []string{"replicate", "zero", "valid"}

// String returns "replicate", "zero" or "valid".
func (b Boundary) String() string { return enumString(b, "Boundary", boundaryNames) }

// ParseBoundary reads a Boundary name.
func ParseBoundary(s string) (Boundary, error) {
	return parseEnum[Boundary](s, "boundary", boundaryNames)
}

// MarshalText implements encoding.TextMarshaler.
func (b Boundary) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (b *Boundary) UnmarshalText(t []byte) error {
	return unmarshalEnum(b, t, "boundary", boundaryNames)
}

// ScaleMode says how each filter's mirror gain (neuron input current per
// column current) is chosen.
type ScaleMode int

const (
	// ScaleFull designs the mirror for the kernel, before any image is
	// seen: the largest column current the kernel can produce (all
	// positive weights on white pixels, all negative ones on black,
	// ReadScale·GScale·Kernel.PositiveSum) drives the neuron to
	// Target·VDD. No image can saturate the neuron beyond that point, so
	// the rectified output stays on the linear part of the mReLU.
	ScaleFull ScaleMode = iota
	// ScalePercentile adapts the gain to the image: the Percentile-th
	// percentile of the filter's column currents drives the neuron to
	// Target·VDD (brighter maps; the strongest 100 − Percentile % of the
	// pixels saturate). Falls back to ScaleFull when that percentile is
	// not positive.
	ScalePercentile
	// ScaleFixed uses Config.Gain for every filter.
	ScaleFixed
)

var scaleNames = []string{"full", "percentile", "fixed"}

// String returns "full", "percentile" or "fixed".
func (m ScaleMode) String() string { return enumString(m, "ScaleMode", scaleNames) }

// ParseScaleMode reads a ScaleMode name.
func ParseScaleMode(s string) (ScaleMode, error) { return parseEnum[ScaleMode](s, "scale", scaleNames) }

// MarshalText implements encoding.TextMarshaler.
func (m ScaleMode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (m *ScaleMode) UnmarshalText(t []byte) error { return unmarshalEnum(m, t, "scale", scaleNames) }

// enumString returns the name of v, an index into names, or typ(v) when it
// has none.
func enumString[T ~int](v T, typ string, names []string) string {
	if v >= 0 && int(v) < len(names) {
		return names[v]
	}
	return fmt.Sprintf("%s(%d)", typ, int(v))
}

// parseEnum returns the index of the name s in names; what names the
// setting in the error.
func parseEnum[T ~int](s, what string, names []string) (T, error) {
	for i, n := range names {
		if s == n {
			return T(i), nil
		}
	}
	return 0, fmt.Errorf("%w: %s %q: want one of %s", ErrInvalidConfig, what, s, strings.Join(names, ", "))
}

// unmarshalEnum sets *dst to the index of the name t in names.
func unmarshalEnum[T ~int](dst *T, t []byte, what string, names []string) error {
	v, err := parseEnum[T](string(t), what, names)
	if err != nil {
		return err
	}
	*dst = v
	return nil
}

// Config are the choices of the edge-detection hardware: how pixels become
// voltages, the synapse conductance window holding the kernels, the
// boundary, how the column current is scaled into the neuron, and the
// neuron's temporal variation. SI units; JSON keys carry the unit. Start
// from DefaultConfig.
type Config struct {
	// ReadScale is the read voltage of a white pixel in V: intensity
	// 0..1 drives the row at 0..ReadScale volts. Default 0.2 V (the
	// crossbar package's first-layer read voltage: below the switching
	// thresholds of non-volatile synapses, so reading does not disturb
	// the stored kernel).
	ReadScale float64 `json:"read_scale_V"`
	// GMin and GMax bound the synapse conductances in S (defaults 0.1 µS
	// and 10 µS, crossbar.DefaultParams). Each weight is a differential
	// pair: G+ − G− = GScale·w with GScale = (GMax − GMin)/max|w| over the
	// kernels of the array.
	GMin float64 `json:"g_min_S"`
	GMax float64 `json:"g_max_S"`
	// Levels, ProgramSigma and ReadSigma are the crossbar's
	// non-idealities (see crossbar.Params): conductance levels (0 =
	// analogue), programming error once per device, read noise per device
	// and evaluation. Default 0: off.
	Levels       int     `json:"levels"`
	ProgramSigma float64 `json:"program_sigma"`
	ReadSigma    float64 `json:"read_sigma"`
	// Boundary is the border handling. Default Replicate.
	Boundary Boundary `json:"boundary"`
	// Scale chooses the mirror gain; Percentile (0 < p ≤ 100) serves
	// ScalePercentile, Gain (> 0) ScaleFixed, and Target (0 < t ≤ 1) is
	// the fraction of VDD the design current reaches. Defaults: ScaleFull,
	// 99, 0, 0.9.
	Scale      ScaleMode `json:"scale"`
	Percentile float64   `json:"percentile"`
	Gain       float64   `json:"mirror_gain,omitempty"`
	Target     float64   `json:"target_vdd_fraction"`
	// KneeCompensation adds a constant current equal to the neuron's
	// onset current (Neuron.Onset, 0.56 µA with the default circuit) to
	// every neuron input, so that the rising part of the mReLU starts at
	// zero summation current, as a ReLU's does. The current is a bias row
	// of the array in hardware; negative summation currents still leave
	// the neuron at its off level. Default true.
	KneeCompensation bool `json:"knee_compensation"`
	// Variation is the relative temporal (cycle-to-cycle) variation of the
	// neuron, a fresh Vout·(1 + σ·N(0,1)) per pixel and evaluation,
	// clipped to [0, VDD] (the paper's system-level figure is 0.099).
	// Default 0.
	Variation float64 `json:"variation"`
	// Seed seeds the variation (one stream per filter) and the crossbar's
	// noise. Default 1.
	Seed uint64 `json:"seed"`
}

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config {
	p := crossbar.DefaultParams()
	return Config{
		ReadScale:        p.ReadScale,
		GMin:             p.GMin,
		GMax:             p.GMax,
		Boundary:         Replicate,
		Scale:            ScaleFull,
		Percentile:       99,
		Target:           0.9,
		KneeCompensation: true,
		Seed:             1,
	}
}

// crossbarParams returns the array parameters of c.
func (c Config) crossbarParams() crossbar.Params {
	p := crossbar.DefaultParams()
	p.GMin, p.GMax, p.ReadScale = c.GMin, c.GMax, c.ReadScale
	p.Levels, p.ProgramSigma, p.ReadSigma = c.Levels, c.ProgramSigma, c.ReadSigma
	p.Seed = c.Seed
	return p
}

func badConfig(field, key string, v any, why string) error {
	return fmt.Errorf("%w: Config.%s (json %q) = %v: %s", ErrInvalidConfig, field, key, v, why)
}

// Validate reports the first invalid field, naming it and its JSON key.
func (c Config) Validate() error {
	if err := c.crossbarParams().Validate(); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidConfig, err)
	}
	if c.ReadScale > 10 {
		return badConfig("ReadScale", "read_scale_V", c.ReadScale, "must be ≤ 10 V")
	}
	switch {
	case c.Boundary < Replicate || c.Boundary > Valid:
		return badConfig("Boundary", "boundary", int(c.Boundary), "unknown boundary")
	case c.Scale < ScaleFull || c.Scale > ScaleFixed:
		return badConfig("Scale", "scale", int(c.Scale), "unknown scale mode")
	case !(c.Percentile > 0 && c.Percentile <= 100):
		return badConfig("Percentile", "percentile", c.Percentile, "must be in (0, 100]")
	case !(c.Target > 0 && c.Target <= 1):
		return badConfig("Target", "target_vdd_fraction", c.Target, "must be in (0, 1]")
	case c.Scale == ScaleFixed && !(c.Gain > 0 && c.Gain <= 1e6):
		return badConfig("Gain", "mirror_gain", c.Gain, "a fixed gain must be in (0, 1e6]")
	case !(c.Gain >= 0) || math.IsInf(c.Gain, 1):
		return badConfig("Gain", "mirror_gain", c.Gain, "must be finite and ≥ 0")
	case !(c.Variation >= 0 && c.Variation <= 1):
		return badConfig("Variation", "variation", c.Variation, "must be in [0, 1]")
	}
	return nil
}
