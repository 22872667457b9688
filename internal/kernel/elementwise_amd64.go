// Copyright 2026 The mrelu Authors.

//go:build !noasm

package kernel

//go:noescape
func reluAVX512(y, z *float32, n int)

//go:noescape
func reluMaskAVX512(grad, z *float32, n int)

// blocks16 is the largest multiple of 16 not above n, or 0 without
// AVX-512: the elements an AVX-512 element-wise kernel takes.
func blocks16(n int) int {
	if !avx512Available {
		return 0
	}
	return n &^ 15
}

// blocks2 runs the AVX-512 kernel k on the first blocks16(len(y))
// elements of y and x (len(x) ≥ len(y)) and returns their number. It is
// inlined where k is known, a go:noescape kernel, so the slices of the
// exported functions do not escape; k costs one indirect call per slice.
func blocks2(k func(y, x *float32, n int), y, x []float32) int {
	n := blocks16(len(y))
	if n > 0 {
		k(&y[0], &x[0], n)
	}
	return n
}

// blocks3 is blocks2 for the kernels of three slices and a bound.
func blocks3(k func(y, d, x *float32, n int, hi float32), y, d, x []float32, hi float32) int {
	n := blocks16(len(y))
	if n > 0 {
		k(&y[0], &d[0], &x[0], n, hi)
	}
	return n
}

// reluAsm runs ReLU on blocks16(len(z)) elements and returns their number
// (the caller has cut y to len(z)); the other *Asm functions are the
// same for their operation.
func reluAsm(y, z []float32) int     { return blocks2(reluAVX512, y, z) }
func reluMaskAsm(g, z []float32) int { return blocks2(reluMaskAVX512, g, z) }

//go:noescape
func addClipAVX512(y, d, a *float32, n int, hi float32)

//go:noescape
func mulClipAVX512(y, d, f *float32, n int, hi float32)

// addClipAsm, mulClipAsm, addAsm and mulAsm: see reluAsm.
func addClipAsm(y, d, a []float32, hi float32) int { return blocks3(addClipAVX512, y, d, a, hi) }
func mulClipAsm(y, d, f []float32, hi float32) int { return blocks3(mulClipAVX512, y, d, f, hi) }

//go:noescape
func addAVX512(y, x *float32, n int)

//go:noescape
func mulAVX512(y, x *float32, n int)

// See reluAsm.
func addAsm(y, x []float32) int { return blocks2(addAVX512, y, x) }
func mulAsm(y, x []float32) int { return blocks2(mulAVX512, y, x) }

//go:noescape
func countBelowAVX512(z *float32, n int, thr float32) int

// countAtOrAboveAsm counts the values of CountAtOrAbove in the first
// blocks16(len(z)) elements; it returns their number and the count.
func countAtOrAboveAsm(z []float32, thr float32) (int, int) {
	n := blocks16(len(z))
	if n == 0 {
		return 0, 0
	}
	return n, n - countBelowAVX512(&z[0], n, thr)
}
