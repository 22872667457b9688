package neuron

import (
	"fmt"
	"math"
)

// EvalDeriv writes Vout (V) into dst and dVout/dx (V per input unit) into
// deriv for each input, in one branch-free pass: the segment index is
// clamped instead of tested, so inputs on both sides of the threshold (the
// network's case: about half the neurons are off) cost the same and no
// branch mispredicts. It agrees with Eval and Deriv (to float32 rounding at
// the last knot). All slices must have the same length.
//
// A NaN input with the sign bit clear (math.NaN, and any NaN that x - x0
// propagates from it) gives NaN outputs; a NaN with the sign bit set is
// treated like a negative input (ylo, derivative 0).
//
// On amd64 CPUs with AVX-512 (and an OS that saves the ZMM state) the loop
// runs in assembly, 16 inputs at a time (fasteval_amd64.s); the results are
// bit for bit those of the pure-Go loop (evalDerivGo), which is used
// elsewhere and with the build tag noasm.
func (e *Evaluator) EvalDeriv(dst, deriv, in []float32) {
	if len(dst) != len(in) || len(deriv) != len(in) {
		panic(fmt.Sprintf("neuron: Evaluator.EvalDeriv: len(dst) = %d, len(deriv) = %d, len(in) = %d", len(dst), len(deriv), len(in)))
	}
	if len(in) == 0 {
		return
	}
	if e.evalDerivAsm(dst, deriv, in) {
		return
	}
	e.evalDerivGo(dst, deriv, in)
}

// evalDerivGo is the pure-Go EvalDeriv loop; the assembly kernels compute
// exactly the same float32 operations in the same order (no FMA), so the
// two agree bit for bit.
func (e *Evaluator) evalDerivGo(dst, deriv, in []float32) {
	dst, deriv = dst[:len(in)], deriv[:len(in)]
	x0, invh := e.x0, e.invh
	top := float32(e.nseg)
	last := e.nseg - 1
	lastf := float32(last)
	coef := e.coef
	for i, x := range in {
		t := (x - x0) * invh
		t0 := relu32(t) // t clamped below at 0
		// Clamped above in float32 first: int(t0) is invalid (math.MinInt64)
		// for t0 >= 2⁶³ and +Inf as for NaN; a NaN input gives k = 0. The
		// outer min only matters for nseg > 2²⁴ (lastf inexact).
		k := min(max(int(min(t0, lastf)), 0), last)
		u := t0 - float32(k) // in [0, 1] inside, > 1 above the last knot
		u = min(u, 1)        // clamp above at 1 (the last knot); NaN stays NaN
		c := coef[4*k : 4*k+4 : 4*k+4]
		// value = a + u(b + u(c + u·d)) and slope b + u(2c + 3u·d). The
		// float32 conversions round each product, so no compiler fuses
		// them into FMAs (the Go spec allows it; Go does on arm64): the
		// results are the same everywhere and equal the kernels'.
		v := c[2] + float32(u*c[3])
		v = c[1] + float32(u*v)
		dst[i] = c[0] + float32(u*v)
		s := float32(2*c[2]) + float32(float32(3*u)*c[3])
		s = c[1] + float32(u*s)
		// inside is 1 for 0 <= t < top and 0 otherwise (or NaN), from the
		// sign bits of t and top - t.
		a, b := math.Float32bits(t), math.Float32bits(top-t)
		inside := float32(((^a) >> 31) & ((-b) >> 31) &^ (b >> 31))
		deriv[i] = s * invh * inside
	}
}

// relu32 is max(x, 0) by masking with the sign bit (NaN passes through).
func relu32(x float32) float32 {
	b := math.Float32bits(x)
	return math.Float32frombits(b &^ uint32(int32(b)>>31))
}
