// Copyright 2026 The mrelu Authors.

package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestReLU checks ReLU and ReLUMask bit for bit against their scalar
// definitions, special values (±0, ±Inf, NaNs of both signs) included,
// on lengths around the 16-lane blocks.
func TestReLU(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
		math.Float32frombits(0x7fc00001), math.Float32frombits(0xffc00001), 1e-45, -1e-45}
	for _, n := range []int{0, 1, 15, 16, 17, 100, 333} {
		z := make([]float32, n)
		for i := range z {
			if i%7 == 3 {
				z[i] = special[rng.IntN(len(special))]
			} else {
				z[i] = float32(rng.NormFloat64())
			}
		}
		y := make([]float32, n)
		ReLU(y, z)
		g := make([]float32, n)
		for i := range g {
			g[i] = float32(rng.NormFloat64())
		}
		g0 := append([]float32(nil), g...)
		ReLUMask(g, z)
		for i, v := range z {
			b := math.Float32bits(v)
			if want := b &^ uint32(int32(b)>>31); math.Float32bits(y[i]) != want {
				t.Fatalf("n=%d: ReLU(%v) = %#x, want %#x", n, v, math.Float32bits(y[i]), want)
			}
			want := g0[i]
			if int32(b) <= 0 {
				want = 0
			}
			if math.Float32bits(g[i]) != math.Float32bits(want) {
				t.Fatalf("n=%d: ReLUMask at z=%v: %v, want %v", n, v, g[i], want)
			}
		}
	}
}
