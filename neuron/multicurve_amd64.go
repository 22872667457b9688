//go:build amd64 && !noasm

package neuron

// The AVX-512 multi-curve kernel (multicurve_amd64.s).

// multiEvalDerivAVX512 evaluates rows > 0 rows of width > 0 inputs, input
// j of a row with the curve cols[j] (in range), the table coef holding
// 4·nseg coefficients per curve; fac, when not nil, holds the temporal
// factors (one per input) and hi the clip.
//
//go:noescape
func multiEvalDerivAVX512(dst, deriv, in *float32, rows, width int, cols *int32, fac *float32, coef *float32, x0, invh float32, nseg int, hi float32)

// rowsAsm runs the assembly kernel over rows whole rows of len(cols) if
// the CPU has it (else the caller runs the Go loop).
func (m *MultiEvaluator) rowsAsm(dst, deriv, in, fac []float32, cols []int32, hi float32, rows int) bool {
	if !hasEvalAVX512 || m.nseg > 1<<24 || rows == 0 {
		return false
	}
	w := len(cols)
	// About evalDerivChunk inputs per call bound the time the goroutine
	// cannot be preempted inside the assembly.
	step := max(1, evalDerivChunk/w)
	for r := 0; r < rows; r += step {
		n := min(step, rows-r)
		a, end := r*w, (r+n)*w-1
		_, _, _ = dst[end], deriv[end], in[end] // the n rows are there
		var f *float32
		if fac != nil {
			_ = fac[end]
			f = &fac[a]
		}
		multiEvalDerivAVX512(&dst[a], &deriv[a], &in[a], n, w, &cols[0], f, &m.coef[0], m.x0, m.invh, m.nseg, hi)
	}
	return true
}
