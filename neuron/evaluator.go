package neuron

import (
	"errors"
	"fmt"
	"math"

	"github.com/mrelu/mrelu/internal/pchip"
)

// DefaultIUnit is the input current in A that one network unit stands for
// when the network's weighted sum z drives the neuron with I = z·IUnit:
// IUnitFor the default memristor and circuit, (1 − RD/RLoad)/(MirrorRatio·RD)
// = 0.7/(3 · 0.3 MΩ) = 0.778 µA. The mReLU rises as
// Vout ≈ MirrorRatio·RD/(1 − RD/RLoad)·I, so in network units its slope is
// ≈ 1 (0.99 with the default circuit, see TransferMetrics.Slope) and its
// bound is VDD = 2: the ideal mReLU is min(max(z, 0), 2). Use IUnitFor for
// another memristor or circuit, or 1/TransferMetrics.Slope for the
// measured slope.
const DefaultIUnit = (1 - 0.3e6/1e6) / (3 * 0.3e6)

// IUnitFor returns the input current (A) that moves Vout by 1 V on the
// linear part of the transfer curve of a neuron with circuit p and a
// memristor of current-assist coefficient rd (Ω): the inverse of the gain
// MirrorRatio·rd/(1 − rd/RLoad) (the memristor carries the mirrored
// current plus the load's, Vout/RLoad). It is NaN when RLoad ≤ rd: the
// load then holds the memristor switched and the neuron latches.
func IUnitFor(rd float64, p Params) float64 {
	if !(p.RLoad > rd) || !(rd > 0) || !(p.MirrorRatio > 0) {
		return math.NaN()
	}
	return (1 - rd/p.RLoad) / (p.MirrorRatio * rd)
}

// Evaluator is the fast transfer function of a neuron for the network
// level: a monotone piecewise-cubic (Fritsch–Carlson) interpolant of a
// solved transfer curve on equally spaced knots, with its derivative,
// evaluated in float32.
//
// Its input is a current in A (after Scaled, network units z with
// I = z·unit); its output is Vout in V. Below the first knot it returns the
// first knot's value (the neuron's off level, ~0.03 V with the defaults;
// the curve should start at or below 0 A) and above the last knot the last
// knot's value (saturation); the derivative is 0 there. The interpolant is
// non-decreasing when the data are, never leaves the data's range, and
// passes through every knot.
//
// An Evaluator is immutable and safe for concurrent use; Eval and Deriv do
// not allocate.
type Evaluator struct {
	x0, invh float32   // first knot, 1/spacing (input units)
	nseg     int       // number of segments
	coef     []float32 // 4 per segment: y = a + u(b + u(c + u·d)), u in [0,1]
	ylo, yhi float32   // flat extrapolation values
	vdd      float32
	unit     float64 // A per input unit (1 for an evaluator in amperes)

	// float64 copies for At/DerivAt and Scaled.
	x0d, hd    float64
	coefd      []float64
	ylod, yhid float64
}

// ErrNotUniform is returned by NewEvaluatorFromPoints for knots that are not
// equally spaced.
var ErrNotUniform = errors.New("neuron: evaluator knots must be equally spaced and increasing")

// NewEvaluator builds the evaluator of a transfer curve from its monotone
// envelope (TransferCurve.Envelope). The curve's currents must be equally
// spaced (Linspace), at least 2 points.
func NewEvaluator(c *TransferCurve) (*Evaluator, error) {
	return NewEvaluatorFromPoints(c.I, c.Envelope(), c.VDD)
}

// NewEvaluatorFromPoints builds an evaluator through the knots (x[k], y[k]):
// x equally spaced and increasing (A), y non-decreasing (V) within [0, vdd].
// Non-monotone y is rejected; pass an envelope.
func NewEvaluatorFromPoints(x, y []float64, vdd float64) (*Evaluator, error) {
	n := len(x)
	if n < 2 || len(y) != n {
		return nil, fmt.Errorf("neuron: evaluator needs ≥ 2 knots with as many values (have %d, %d)", len(x), len(y))
	}
	if !(vdd > 0) || math.IsInf(vdd, 0) {
		return nil, fmt.Errorf("neuron: evaluator: VDD = %g V must be finite and > 0", vdd)
	}
	h := (x[n-1] - x[0]) / float64(n-1)
	if !(h > 0) || math.IsInf(h, 0) {
		return nil, ErrNotUniform
	}
	for k := 0; k < n; k++ {
		if math.Abs(x[k]-(x[0]+float64(k)*h)) > 1e-6*h {
			return nil, fmt.Errorf("%w: knot %d at %g, expected %g", ErrNotUniform, k, x[k], x[0]+float64(k)*h)
		}
		if math.IsNaN(y[k]) || y[k] < 0 || y[k] > vdd {
			return nil, fmt.Errorf("neuron: evaluator: value %d = %g V outside [0, %g]", k, y[k], vdd)
		}
		if k > 0 && y[k] < y[k-1] {
			return nil, fmt.Errorf("neuron: evaluator: values decrease at knot %d (%g → %g V); use the envelope", k, y[k-1], y[k])
		}
	}
	m := pchip.Uniform(y, h)
	e := &Evaluator{
		nseg: n - 1, vdd: float32(vdd), unit: 1,
		x0d: x[0], hd: h,
		ylo: float32(y[0]), yhi: float32(y[n-1]), ylod: y[0], yhid: y[n-1],
		coef: make([]float32, 4*(n-1)), coefd: make([]float64, 4*(n-1)),
	}
	for k := 0; k < n-1; k++ {
		d := y[k+1] - y[k]
		c := e.coefd[4*k : 4*k+4]
		c[0], c[1] = y[k], h*m[k]
		c[2] = 3*d - 2*h*m[k] - h*m[k+1]
		c[3] = h*m[k] + h*m[k+1] - 2*d
	}
	e.sync()
	return e, nil
}

// sync fills the float32 fields from the float64 ones.
func (e *Evaluator) sync() {
	e.x0, e.invh = float32(e.x0d), float32(1/e.hd)
	for k, v := range e.coefd {
		e.coef[k] = float32(v)
	}
}

// Scaled returns the same evaluator with its input in units of unit A
// (network units: I = z·unit, e.g. DefaultIUnit). Outputs stay in V; the
// derivative becomes dVout/dz. It panics if unit is not finite and > 0.
func (e *Evaluator) Scaled(unit float64) *Evaluator {
	if !(unit > 0) || math.IsInf(unit, 0) {
		panic(fmt.Sprintf("neuron: Evaluator.Scaled(%g): unit must be finite and > 0", unit))
	}
	s := *e
	s.unit = e.unit * unit
	s.x0d, s.hd = e.x0d/unit, e.hd/unit
	// The coefficients are in the segment parameter u and do not change.
	s.x0, s.invh = float32(s.x0d), float32(1/s.hd)
	return &s
}

// Unit returns the current in A of one input unit (1 for an evaluator in
// amperes).
func (e *Evaluator) Unit() float64 { return e.unit }

// VDD returns the supply (the output bound) in V.
func (e *Evaluator) VDD() float64 { return float64(e.vdd) }

// Range returns the first and last knot in input units.
func (e *Evaluator) Range() (lo, hi float64) {
	return e.x0d, e.x0d + float64(e.nseg)*e.hd
}

// Knots returns the number of knots.
func (e *Evaluator) Knots() int { return e.nseg + 1 }

// At returns the interpolated Vout (V) at input x, in float64.
func (e *Evaluator) At(x float64) float64 {
	t := (x - e.x0d) / e.hd
	if !(t > 0) { // also NaN
		return e.ylod
	}
	if t >= float64(e.nseg) {
		return e.yhid
	}
	k := int(t)
	u := t - float64(k)
	c := e.coefd[4*k : 4*k+4]
	return c[0] + u*(c[1]+u*(c[2]+u*c[3]))
}

// DerivAt returns dVout/dx at input x (V per input unit), in float64.
func (e *Evaluator) DerivAt(x float64) float64 {
	t := (x - e.x0d) / e.hd
	if !(t >= 0) || t >= float64(e.nseg) {
		return 0
	}
	k := int(t)
	u := t - float64(k)
	c := e.coefd[4*k : 4*k+4]
	return (c[1] + u*(2*c[2]+3*u*c[3])) / e.hd
}

// Eval writes Vout (V) for each input into dst. len(dst) must equal
// len(in) (it panics otherwise, a programmer error).
func (e *Evaluator) Eval(dst, in []float32) {
	if len(dst) != len(in) {
		panic(fmt.Sprintf("neuron: Evaluator.Eval: len(dst) = %d, len(in) = %d", len(dst), len(in)))
	}
	x0, invh, nseg := e.x0, e.invh, float32(e.nseg)
	coef, ylo, yhi := e.coef, e.ylo, e.yhi
	for i, x := range in {
		t := (x - x0) * invh
		switch {
		case !(t > 0):
			dst[i] = ylo
		case t >= nseg:
			dst[i] = yhi
		default:
			k := int(t)
			u := t - float32(k)
			c := coef[4*k : 4*k+4 : 4*k+4]
			dst[i] = c[0] + u*(c[1]+u*(c[2]+u*c[3]))
		}
	}
}

// Deriv writes dVout/dx (V per input unit) for each input into dst; 0
// outside the knots. len(dst) must equal len(in).
func (e *Evaluator) Deriv(dst, in []float32) {
	if len(dst) != len(in) {
		panic(fmt.Sprintf("neuron: Evaluator.Deriv: len(dst) = %d, len(in) = %d", len(dst), len(in)))
	}
	x0, invh, nseg := e.x0, e.invh, float32(e.nseg)
	coef := e.coef
	for i, x := range in {
		t := (x - x0) * invh
		if !(t >= 0) || t >= nseg {
			dst[i] = 0
			continue
		}
		k := int(t)
		u := t - float32(k)
		c := coef[4*k : 4*k+4 : 4*k+4]
		dst[i] = (c[1] + u*(2*c[2]+3*u*c[3])) * invh
	}
}

// VaryingEvaluator applies the temporal (cycle-to-cycle) variation to
// every evaluation with the one implementation of it, NoiseTable's
// proportional model (the network's hardware activation uses the same):
// Vout·max(1 + σε, 0) with ε from the table's counter-based stream, a new
// step per call (layer 0, elements numbered from 0), clipped at VDD. It is
// not safe for concurrent use (it owns its step counter and scratch); give
// each goroutine its own.
type VaryingEvaluator struct {
	*Evaluator
	noise   *NoiseTable
	buf, dd []float32
}

// WithVariation returns an evaluator that multiplies each output by
// max(1 + sigma·ε, 0), ε standard normal from the NoiseTable of seed
// (sigma ≥ 0, dimensionless; the paper's system-level figure is
// device.TemporalVariation = 0.099). It panics for a negative or
// non-finite sigma.
func (e *Evaluator) WithVariation(sigma float64, seed uint64) *VaryingEvaluator {
	if !(sigma >= 0) || math.IsInf(sigma, 0) {
		panic(fmt.Sprintf("neuron: WithVariation(%g): sigma must be finite and ≥ 0", sigma))
	}
	t := NewNoiseTable(seed)
	t.SetSigma(float32(sigma))
	return &VaryingEvaluator{Evaluator: e, noise: t}
}

// Sigma returns the relative variation.
func (v *VaryingEvaluator) Sigma() float64 { return float64(v.noise.Sigma()) }

// grow returns the scratch buffers with room for n elements.
func (v *VaryingEvaluator) grow(n int) (buf, dd []float32) {
	if cap(v.buf) < n {
		v.buf, v.dd = make([]float32, n), make([]float32, n)
	}
	return v.buf[:n], v.dd[:n]
}

// Eval writes the varied outputs (V) into dst.
func (v *VaryingEvaluator) Eval(dst, in []float32) {
	_, dd := v.grow(len(in))
	v.EvalDeriv(dst, dd, in)
}

// EvalDeriv writes the varied outputs into dst and the derivative of that
// same draw into deriv: f'(x)·max(1 + σε, 0), or 0 where the output was
// clipped at VDD. All three slices must have the same length.
func (v *VaryingEvaluator) EvalDeriv(dst, deriv, in []float32) {
	if len(deriv) != len(in) {
		panic(fmt.Sprintf("neuron: EvalDeriv: len(deriv) = %d, len(in) = %d", len(deriv), len(in)))
	}
	v.Evaluator.EvalDeriv(dst, deriv, in)
	buf, _ := v.grow(len(in))
	v.noise.Scale(dst[:len(in)], deriv, buf, LayerKey(v.noise.Next(), 0), 0, v.vdd)
}
