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
