//go:build !amd64 || noasm

package neuron

// rowsAsm reports false: there is no assembly kernel in this build.
func (m *MultiEvaluator) rowsAsm(dst, deriv, in, fac []float32, cols []int32, hi float32, rows int) bool {
	return false
}
