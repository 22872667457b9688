//go:build amd64 && !noasm

package neuron

import "github.com/mrelu/mrelu/internal/kernel"

//go:generate go run gen_asm.go

// The AVX-512 EvalDeriv kernel (fasteval_amd64.s).

// evalDerivAVX512 is the EvalDeriv loop over n > 0 inputs for an evaluator
// with nseg ≥ 1 segments and coef holding 4·nseg coefficients.
//
//go:noescape
func evalDerivAVX512(dst, deriv, in *float32, n int, coef *float32, x0, invh float32, nseg int)

// evalDerivChunk is the most inputs per assembly call (a multiple of 16).
const evalDerivChunk = 1 << 16

// hasEvalAVX512 is set when the CPU has AVX-512F and the OS saves the
// opmask and ZMM state (the detection of internal/kernel).
var hasEvalAVX512 = kernel.HasAVX512()

// evalDerivAsmName names the EvalDeriv kernel in use (for tests and
// benchmarks).
var evalDerivAsmName = func() string {
	if hasEvalAVX512 {
		return "avx512"
	}
	return "go"
}()

// evalDerivAsm runs the assembly kernel if the CPU has one and the
// evaluator is well formed (else the caller runs the Go loop, which panics
// on a malformed one as before). len(in) > 0 and the lengths are checked.
func (e *Evaluator) evalDerivAsm(dst, deriv, in []float32) bool {
	n := e.nseg
	if !hasEvalAVX512 || n < 1 || n > 1<<24 || len(e.coef) < 4*n {
		return false
	}
	// Chunks of evalDerivChunk inputs (~40 µs) bound the time the
	// goroutine cannot be preempted inside the assembly.
	for len(in) > 0 {
		m := min(len(in), evalDerivChunk)
		evalDerivAVX512(&dst[0], &deriv[0], &in[0], m, &e.coef[0], e.x0, e.invh, n)
		dst, deriv, in = dst[m:], deriv[m:], in[m:]
	}
	return true
}
