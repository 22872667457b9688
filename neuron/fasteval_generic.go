//go:build !amd64 || noasm

package neuron

// evalDerivAsmName names the EvalDeriv kernel in use (for tests and
// benchmarks): always the pure-Go loop in this build.
const evalDerivAsmName = "go"

// evalDerivAsm reports false: there is no assembly kernel in this build.
func (e *Evaluator) evalDerivAsm(dst, deriv, in []float32) bool { return false }
