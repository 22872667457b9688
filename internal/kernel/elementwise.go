// Copyright 2026 The mrelu Authors.

package kernel

import "math"

// ReLU writes y[i] = max(z[i], 0) for i < len(z), from the bits: a value
// whose sign bit is set becomes +0, any other (+0, NaN with a clear sign
// bit) is kept. With AVX-512 it runs 16 lanes at a time.
func ReLU(y, z []float32) {
	y = y[:len(z)]
	n := reluAsm(y, z)
	for i, v := range z[n:] {
		b := math.Float32bits(v)
		y[n+i] = math.Float32frombits(b &^ uint32(int32(b)>>31))
	}
}

// ReLUMask keeps g[i] where z[i] > 0 (as an int32 its bits are positive:
// z > 0 or a NaN with a clear sign bit) and zeroes it elsewhere, for
// i < len(z): the backward pass through ReLU.
func ReLUMask(g, z []float32) {
	g = g[:len(z)]
	n := reluMaskAsm(g, z)
	for i, v := range z[n:] {
		if int32(math.Float32bits(v)) <= 0 {
			g[n+i] = 0
		}
	}
}

// AddClip adds a[i] to y[i] and clips the sum to [0, hi], keeping d[i]
// where the sum lies strictly inside (0, hi) and zeroing it elsewhere, for
// i < len(y): an additive output noise on a bounded activation y with
// derivative d. A sum of -0 becomes +0; a NaN sum stays NaN in y and
// zeroes d. With AVX-512 it runs 16 lanes at a time, bit for bit the
// result of the scalar loop.
func AddClip(y, d, a []float32, hi float32) {
	d, a = d[:len(y)], a[:len(y)]
	n := addClipAsm(y, d, a, hi)
	for i := n; i < len(y); i++ {
		v := y[i] + a[i]
		y[i] = min(max(v, 0), hi)
		if !(v > 0 && v < hi) {
			d[i] = 0
		}
	}
}

// MulClip multiplies y[i] and d[i] by f[i] and, where the product
// y[i]·f[i] exceeds hi, sets y[i] to hi and d[i] to 0, for i < len(y): a
// multiplicative output noise on a non-negative bounded activation y with
// derivative d (the factors f are non-negative, so nothing falls below 0).
// With AVX-512 it runs 16 lanes at a time, bit for bit the result of the
// scalar loop.
func MulClip(y, d, f []float32, hi float32) {
	d, f = d[:len(y)], f[:len(y)]
	n := mulClipAsm(y, d, f, hi)
	for i := n; i < len(y); i++ {
		v, g := y[i]*f[i], d[i]*f[i]
		if v > hi {
			v, g = hi, 0
		}
		y[i], d[i] = v, g
	}
}

// Add adds x[i] to y[i] and Mul multiplies y[i] by x[i], for i < len(y),
// 16 lanes at a time with AVX-512 (bit for bit the scalar loop's result).
func Add(y, x []float32) {
	x = x[:len(y)]
	n := addAsm(y, x)
	for i := n; i < len(y); i++ {
		y[i] += x[i]
	}
}

// Mul: see Add.
func Mul(y, x []float32) {
	x = x[:len(y)]
	n := mulAsm(y, x)
	for i := n; i < len(y); i++ {
		y[i] *= x[i]
	}
}

// CountAtOrAbove returns how many z[i] − thr have a clear sign bit: the
// values at or above thr (and NaNs with a clear sign bit), counted 16 at
// a time with AVX-512.
func CountAtOrAbove(z []float32, thr float32) int {
	n, c := countAtOrAboveAsm(z, thr)
	for _, v := range z[n:] {
		c += int(1 - math.Float32bits(v-thr)>>31)
	}
	return c
}
