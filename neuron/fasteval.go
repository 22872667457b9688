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
	g := e.grid()
	coef := e.coef
	for i, x := range in {
		t, k, u := g.segment(x)
		v, s := cubic(coef[4*k:4*k+4:4*k+4], u)
		dst[i], deriv[i] = v, s*g.invh*g.inside(t)
	}
}

// cubicGrid is the knot grid of an interpolant in float32 as the loops
// use it: first knot, 1/spacing, the number of segments and the last
// segment's index.
type cubicGrid struct {
	x0, invh, top, lastf float32
	last                 int
}

func (e *Evaluator) grid() cubicGrid {
	return cubicGrid{x0: e.x0, invh: e.invh, top: float32(e.nseg), lastf: float32(e.nseg - 1), last: e.nseg - 1}
}

// segment returns, for input x, t = (x - x0)·invh, the segment k the
// interpolant evaluates (clamped to the knots) and the parameter u in it.
func (g cubicGrid) segment(x float32) (t float32, k int, u float32) {
	t = (x - g.x0) * g.invh
	t0 := relu32(t) // t clamped below at 0
	// Clamped above in float32 first: int(t0) is invalid (math.MinInt64)
	// for t0 >= 2⁶³ and +Inf as for NaN; a NaN input gives k = 0. The
	// outer min only matters for nseg > 2²⁴ (lastf inexact).
	k = min(max(int(min(t0, g.lastf)), 0), g.last)
	u = t0 - float32(k)    // in [0, 1] inside, > 1 above the last knot
	return t, k, min(u, 1) // clamp above at 1 (the last knot); NaN stays NaN
}

// inside is 1 for 0 <= t < top and 0 otherwise (or NaN), from the sign
// bits of t and top - t.
func (g cubicGrid) inside(t float32) float32 {
	a, b := math.Float32bits(t), math.Float32bits(g.top-t)
	return float32(((^a) >> 31) & ((-b) >> 31) &^ (b >> 31))
}

// cubic returns the value a + u(b + u(c + u·d)) and the slope
// b + u(2c + 3u·d) (per unit of u) of one segment's coefficients c. The
// float32 conversions round each product, so no compiler fuses them into
// FMAs (the Go spec allows it; Go does on arm64): the results are the
// same everywhere and equal the kernels'.
func cubic(c []float32, u float32) (v, s float32) {
	c = c[:4:4]
	v = c[2] + float32(u*c[3])
	v = c[1] + float32(u*v)
	v = c[0] + float32(u*v)
	s = float32(2*c[2]) + float32(float32(3*u)*c[3])
	return v, c[1] + float32(u*s)
}

// relu32 is max(x, 0) by masking with the sign bit (NaN passes through).
func relu32(x float32) float32 {
	b := math.Float32bits(x)
	return math.Float32frombits(b &^ uint32(int32(b)>>31))
}
