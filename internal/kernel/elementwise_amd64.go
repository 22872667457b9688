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

// reluAsm runs ReLU on blocks16(len(z)) elements and returns their number.
func reluAsm(y, z []float32) int {
	n := blocks16(len(z))
	if n > 0 {
		reluAVX512(&y[0], &z[0], n)
	}
	return n
}

// reluMaskAsm is reluAsm for ReLUMask.
func reluMaskAsm(g, z []float32) int {
	n := blocks16(len(z))
	if n > 0 {
		reluMaskAVX512(&g[0], &z[0], n)
	}
	return n
}

//go:noescape
func addClipAVX512(y, d, a *float32, n int, hi float32)

//go:noescape
func mulClipAVX512(y, d, f *float32, n int, hi float32)

// addClipAsm is reluAsm for AddClip.
func addClipAsm(y, d, a []float32, hi float32) int {
	n := blocks16(len(y))
	if n > 0 {
		addClipAVX512(&y[0], &d[0], &a[0], n, hi)
	}
	return n
}

// mulClipAsm is reluAsm for MulClip.
func mulClipAsm(y, d, f []float32, hi float32) int {
	n := blocks16(len(y))
	if n > 0 {
		mulClipAVX512(&y[0], &d[0], &f[0], n, hi)
	}
	return n
}

//go:noescape
func addAVX512(y, x *float32, n int)

//go:noescape
func mulAVX512(y, x *float32, n int)

// addAsm is reluAsm for Add.
func addAsm(y, x []float32) int {
	n := blocks16(len(y))
	if n > 0 {
		addAVX512(&y[0], &x[0], n)
	}
	return n
}

// mulAsm is reluAsm for Mul.
func mulAsm(y, x []float32) int {
	n := blocks16(len(y))
	if n > 0 {
		mulAVX512(&y[0], &x[0], n)
	}
	return n
}

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
