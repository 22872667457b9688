package vision

import (
	"errors"
	"fmt"
	"math"
)

// ErrConstantMap is wrapped by Result.Degenerate's errors: a filter's
// output map carries no information.
var ErrConstantMap = errors.New("the output map is constant")

// ConstantTolerance is the spread of an output map in V at or below which
// the map counts as constant (a thousandth of a colour step of the 0–VDD
// heat map, far below any edge).
const ConstantTolerance = 1e-5

// Degenerate returns nil when filter f's output map without variation
// (VoutIdeal) carries information. Otherwise, when the map is constant
// (its spread is at most ConstantTolerance) or every pixel is at the
// neuron's off level (at or below the output at the knee, Floor +
// OnsetTolerance), it returns an error wrapping ErrConstantMap that names
// the filter, the level and the likeliest cause: an image or kernel that
// gives the same response in every window (a flat image, a single output
// pixel), a kernel too small for the column currents to represent, a
// response that never lifts the neuron above its knee, or a gain that
// saturates every pixel. The variation, when there is one, only adds
// noise to such a map, so it is not considered.
func (r *Result) Degenerate(f *Filter) error {
	v := f.VoutIdeal
	if len(v) == 0 {
		return nil
	}
	lo, hi := float64(v[0]), float64(v[0])
	for _, x := range v {
		lo, hi = min(lo, float64(x)), max(hi, float64(x))
	}
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return nil // NaN outputs are not "constant"; the statistics show them
	}
	constant := hi-lo <= ConstantTolerance
	off := hi <= r.Floor+OnsetTolerance+ConstantTolerance // at or below the knee
	sat := lo >= r.MaxVout-OnsetTolerance
	if !constant && !off {
		return nil
	}
	var level string
	switch {
	case constant && off:
		level = fmt.Sprintf("at %.4g V (the neuron's off level)", (lo+hi)/2)
	case off:
		level = fmt.Sprintf("at the neuron's off level (%.4g..%.4g V)", lo, hi)
	case sat:
		level = fmt.Sprintf("at %.4g V (the neuron's saturation)", (lo+hi)/2)
	default:
		level = fmt.Sprintf("at %.4g V", (lo+hi)/2)
	}
	return fmt.Errorf("filter %q: %w %s: %s", f.Kernel.Name, ErrConstantMap, level, r.degenerateCause(f, off, sat))
}

// degenerateCause explains why f's output map is constant; off and sat
// tell whether it sits at the neuron's off level or saturation.
func (r *Result) degenerateCause(f *Filter, off, sat bool) string {
	zlo, zhi := math.Inf(1), math.Inf(-1)
	for _, z := range f.Z {
		zlo, zhi = min(zlo, z), max(zhi, z)
	}
	scale := f.Kernel.PositiveSum() + f.Kernel.NegativeSum() // the largest |z| for intensities in [0, 1]
	ilo, ihi := math.Inf(1), math.Inf(-1)
	for _, c := range f.Current {
		ilo, ihi = min(ilo, float64(c)), max(ihi, float64(c))
	}
	maxW := 0.0
	for _, w := range f.Kernel.Weights() {
		maxW = max(maxW, math.Abs(w))
	}
	switch {
	case len(f.Z) == 1:
		return "the map has a single pixel"
	case zhi-zlo <= 1e-9*scale:
		z := (zlo + zhi) / 2
		if math.Abs(z) <= 1e-9*scale {
			z = 0 // rounding residue of a zero-sum kernel
		}
		return fmt.Sprintf("every 3x3 window gives the kernel the same response (%.3g): the image is flat or has no contrast along the kernel's direction", z)
	case ilo == ihi:
		return fmt.Sprintf("the kernel is too small to drive the neuron: with weights up to %.3g the summation currents are %.3g A everywhere (below what the crossbar's float32 currents resolve); scale the kernel to weights of order 1",
			maxW, ilo)
	case f.Kernel.PositiveSum() == 0:
		return "the kernel has no positive weight, so no window drives the neuron above its knee"
	}
	inLo, inHi := f.Gain*ilo+f.Offset, f.Gain*ihi+f.Offset
	switch {
	case off:
		return fmt.Sprintf("no window drives the neuron above its knee (largest input %.3g A = gain %.3g × %.3g A + %.3g A; knee %.3g A): the kernel's response is never positive enough or the mirror gain is too small",
			inHi, f.Gain, ihi, f.Offset, r.Onset)
	case sat:
		return fmt.Sprintf("every pixel saturates the neuron (smallest input %.3g A): the mirror gain %.3g is too large", inLo, f.Gain)
	}
	return fmt.Sprintf("the neuron's output does not change over its inputs %.3g..%.3g A", inLo, inHi)
}
