package neuron

import (
	"fmt"
	"math"
)

// EvalDeriv writes Vout (V) into dst and dVout/dx (V per input unit) into
// deriv for each input, in one branch-free pass: the segment index is
// clamped instead of tested, so inputs on both sides of the threshold (the
// network's case: about half the neurons are off) cost the same and no
// branch mispredicts. A NaN input gives NaN outputs. It agrees with Eval and Deriv (to float32 rounding at
// the last knot). All slices must have the same length.
func (e *Evaluator) EvalDeriv(dst, deriv, in []float32) {
	if len(dst) != len(in) || len(deriv) != len(in) {
		panic(fmt.Sprintf("neuron: Evaluator.EvalDeriv: len(dst) = %d, len(deriv) = %d, len(in) = %d", len(dst), len(deriv), len(in)))
	}
	x0, invh := e.x0, e.invh
	top := float32(e.nseg)
	last := e.nseg - 1
	coef := e.coef
	for i, x := range in {
		t := (x - x0) * invh
		t0 := relu32(t)                 // t clamped below at 0
		k := min(max(int(t0), 0), last) // int(NaN) is clamped too
		u := t0 - float32(k)            // in [0, 1] inside, > 1 above the last knot
		u = 1 - relu32(1-u)             // clamp above at 1 (the last knot)
		c := coef[4*k : 4*k+4 : 4*k+4]
		dst[i] = c[0] + u*(c[1]+u*(c[2]+u*c[3]))
		// inside is 1 for 0 <= t < top and 0 otherwise (or NaN), from the
		// sign bits of t and top - t.
		a, b := math.Float32bits(t), math.Float32bits(top-t)
		inside := float32(((^a) >> 31) & ((-b) >> 31) &^ (b >> 31))
		deriv[i] = (c[1] + u*(2*c[2]+3*u*c[3])) * invh * inside
	}
}

// relu32 is max(x, 0) by masking with the sign bit (NaN passes through).
func relu32(x float32) float32 {
	b := math.Float32bits(x)
	return math.Float32frombits(b &^ uint32(int32(b)>>31))
}
