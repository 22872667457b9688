package neuron

import (
	"errors"
	"fmt"
)

// MultiEvaluator evaluates a bank of transfer curves that share one knot
// grid, each input with its own curve: the device-to-device population of
// a layer, where neuron j of every row has its own curve. Its table is the
// curves' segment coefficients one after the other, [curve][segment][4],
// so an input costs one index computation on the shared grid plus the
// curve's offset, and a row-major batch is evaluated in place, without
// gathering columns.
//
// Every curve gives bit for bit what its own Evaluator's EvalDeriv gives
// (the same float32 operations in the same order). On amd64 with AVX-512
// the rows run in assembly, 16 inputs at a time (multicurve_amd64.s); the
// pure-Go loop (also with the build tag noasm) gives the same results.
//
// A MultiEvaluator is immutable and safe for concurrent use; its methods
// do not allocate.
type MultiEvaluator struct {
	x0, invh float32
	nseg     int
	curves   int
	coef     []float32 // curves·nseg·4
	unit     float64
}

// ErrNotSameGrid is returned by NewMultiEvaluator for curves whose knots
// differ.
var ErrNotSameGrid = errors.New("neuron: multi-curve evaluator: the curves must share one knot grid")

// maxMultiCoef bounds the table: the kernel indexes segments with int32.
const maxMultiCoef = 1 << 31

// NewMultiEvaluator builds the bank of curves (at least one). They must
// share their knots and input unit exactly, as the evaluators of curves
// solved over the same currents (Linspace; MonteCarlo's MCConfig.Currents)
// and Scaled by the same unit do.
func NewMultiEvaluator(curves []*Evaluator) (*MultiEvaluator, error) {
	if len(curves) == 0 {
		return nil, errors.New("neuron: multi-curve evaluator needs at least one curve")
	}
	c0 := curves[0]
	if c0.nseg < 1 || 4*c0.nseg*len(curves) >= maxMultiCoef {
		return nil, fmt.Errorf("neuron: multi-curve evaluator: %d curves of %d segments is out of range", len(curves), c0.nseg)
	}
	m := &MultiEvaluator{x0: c0.x0, invh: c0.invh, nseg: c0.nseg, curves: len(curves), unit: c0.unit,
		coef: make([]float32, 0, 4*c0.nseg*len(curves))}
	for k, c := range curves {
		if c.nseg != c0.nseg || c.x0 != c0.x0 || c.invh != c0.invh || c.unit != c0.unit || len(c.coef) != 4*c.nseg {
			return nil, fmt.Errorf("%w (curve %d: %d segments from %g, spacing %g; curve 0: %d from %g, spacing %g)",
				ErrNotSameGrid, k, c.nseg, c.x0d, c.hd, c0.nseg, c0.x0d, c0.hd)
		}
		m.coef = append(m.coef, c.coef...)
	}
	return m, nil
}

// Curves returns the number of curves.
func (m *MultiEvaluator) Curves() int { return m.curves }

// Unit returns the current in A of one input unit.
func (m *MultiEvaluator) Unit() float64 { return m.unit }

// EvalDerivRows writes Vout (V) into dst and dVout/dx into deriv for the
// row-major batch in: rows of len(cols) inputs (the last row may be
// shorter), input j of a row evaluated with curve cols[j]. It is
// EvalDeriv of each column's curve, without moving the columns.
// dst, deriv and in must have the same length and every cols[j] must name
// a curve (it panics otherwise, a programmer error).
func (m *MultiEvaluator) EvalDerivRows(dst, deriv, in []float32, cols []int32) {
	m.evalDerivRows(dst, deriv, in, nil, cols, 0)
}

// EvalDerivRowsVaried is EvalDerivRows followed by a given temporal
// variation: each value and derivative is multiplied by its factor fac[i]
// (1 + σε ≥ 0, same layout as in), and a value above hi becomes hi with
// derivative 0. fac must have the length of in.
func (m *MultiEvaluator) EvalDerivRowsVaried(dst, deriv, in, fac []float32, cols []int32, hi float32) {
	if len(fac) != len(in) {
		panic(fmt.Sprintf("neuron: MultiEvaluator.EvalDerivRowsVaried: len(fac) = %d, len(in) = %d", len(fac), len(in)))
	}
	m.evalDerivRows(dst, deriv, in, fac, cols, hi)
}

func (m *MultiEvaluator) evalDerivRows(dst, deriv, in, fac []float32, cols []int32, hi float32) {
	if len(dst) != len(in) || len(deriv) != len(in) {
		panic(fmt.Sprintf("neuron: MultiEvaluator.EvalDerivRows: len(dst) = %d, len(deriv) = %d, len(in) = %d", len(dst), len(deriv), len(in)))
	}
	w := len(cols)
	if w == 0 {
		if len(in) > 0 {
			panic("neuron: MultiEvaluator.EvalDerivRows: no columns")
		}
		return
	}
	for j, c := range cols {
		if c < 0 || int(c) >= m.curves {
			panic(fmt.Sprintf("neuron: MultiEvaluator.EvalDerivRows: column %d names curve %d of %d", j, c, m.curves))
		}
	}
	rows := len(in) / w
	if rows > 0 {
		n := rows * w
		var f []float32
		if fac != nil {
			f = fac[:n]
		}
		if !m.rowsAsm(dst[:n], deriv[:n], in[:n], f, cols, hi, rows) {
			m.rowsGo(dst[:n], deriv[:n], in[:n], f, cols, hi)
		}
	}
	if r := len(in) - rows*w; r > 0 { // a last, shorter row
		n := rows * w
		var f []float32
		if fac != nil {
			f = fac[n:]
		}
		m.rowsGo(dst[n:], deriv[n:], in[n:], f, cols[:r], hi)
	}
}

// rowsGo is the pure-Go loop over whole rows of len(cols); the assembly
// kernel repeats its float32 operations in the same order.
func (m *MultiEvaluator) rowsGo(dst, deriv, in, fac []float32, cols []int32, hi float32) {
	g := cubicGrid{x0: m.x0, invh: m.invh, top: float32(m.nseg), lastf: float32(m.nseg - 1), last: m.nseg - 1}
	w, stride := len(cols), 4*m.nseg
	for r0 := 0; r0+w <= len(in); r0 += w {
		row, dr, gr := in[r0:r0+w], dst[r0:r0+w], deriv[r0:r0+w]
		for j, x := range row {
			t, k, u := g.segment(x)
			b := int(cols[j])*stride + 4*k
			v, s := cubic(m.coef[b:b+4:b+4], u)
			s = s * g.invh * g.inside(t)
			if fac != nil {
				f := fac[r0+j]
				v, s = v*f, s*f
				if v > hi {
					v, s = hi, 0
				}
			}
			dr[j], gr[j] = v, s
		}
	}
}
