// Copyright 2026 The mrelu Authors.

package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// drawSpecial returns n values: element i is one of special, drawn at
// random, where i%every == at, and scale times a standard normal value
// elsewhere.
func drawSpecial(rng *rand.Rand, n, every, at int, scale float64, special []float32) []float32 {
	v := make([]float32, n)
	for i := range v {
		if i%every == at {
			v[i] = special[rng.IntN(len(special))]
		} else {
			v[i] = float32(scale * rng.NormFloat64())
		}
	}
	return v
}

// TestReLU checks ReLU and ReLUMask bit for bit against their scalar
// definitions, special values (±0, ±Inf, NaNs of both signs) included,
// on lengths around the 16-lane blocks.
func TestReLU(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
		math.Float32frombits(0x7fc00001), math.Float32frombits(0xffc00001), 1e-45, -1e-45}
	for _, n := range []int{0, 1, 15, 16, 17, 100, 333} {
		z := drawSpecial(rng, n, 7, 3, 1, special)
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

// TestAddClipMulClip checks AddClip and MulClip bit for bit against their
// scalar definitions on lengths around the 16-lane blocks, with values at
// and beyond both bounds, signed zeros, infinities and NaNs.
func TestAddClipMulClip(t *testing.T) {
	const hi = 2
	rng := rand.New(rand.NewPCG(5, 9))
	special := []float32{0, float32(math.Copysign(0, -1)), hi, -hi, float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), 1e-45, -1e-45}
	draw := func(n int, scale float64) []float32 { return drawSpecial(rng, n, 5, 2, scale, special) }
	same := func(a, b float32) bool {
		return math.Float32bits(a) == math.Float32bits(b) || a != a && b != b
	}
	for _, n := range []int{0, 1, 15, 16, 17, 64, 100, 333} {
		y0, d0, a := draw(n, 1.5), draw(n, 1), draw(n, 0.5)
		y, d := append([]float32(nil), y0...), append([]float32(nil), d0...)
		AddClip(y, d, a, hi)
		for i := range y0 {
			v := y0[i] + a[i]
			wantY, wantD := v, d0[i]
			switch {
			case v <= 0:
				wantY, wantD = 0, 0
			case v >= hi:
				wantY, wantD = hi, 0
			case v != v:
				wantD = 0
			}
			if !same(y[i], wantY) || !same(d[i], wantD) {
				t.Fatalf("AddClip n=%d i=%d: y %v + a %v -> (%v, %v), want (%v, %v)", n, i, y0[i], a[i], y[i], d[i], wantY, wantD)
			}
		}
		f := draw(n, 1)
		for i := range f {
			if f[i] < 0 {
				f[i] = -f[i]
			}
		}
		y, d = append([]float32(nil), y0...), append([]float32(nil), d0...)
		MulClip(y, d, f, hi)
		for i := range y0 {
			wantY, wantD := y0[i]*f[i], d0[i]*f[i]
			if wantY > hi {
				wantY, wantD = hi, 0
			}
			if !same(y[i], wantY) || !same(d[i], wantD) {
				t.Fatalf("MulClip n=%d i=%d: y %v · f %v -> (%v, %v), want (%v, %v)", n, i, y0[i], f[i], y[i], d[i], wantY, wantD)
			}
		}
	}
}

// TestAddMul checks Add and Mul bit for bit against the scalar loops.
func TestAddMul(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 1))
	for _, n := range []int{0, 1, 15, 16, 17, 100, 333} {
		y0, x := make([]float32, n), make([]float32, n)
		for i := range y0 {
			y0[i], x[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
		}
		y, z := append([]float32(nil), y0...), append([]float32(nil), y0...)
		Add(y, x)
		Mul(z, x)
		for i := range y0 {
			if y[i] != y0[i]+x[i] || z[i] != y0[i]*x[i] {
				t.Fatalf("n=%d i=%d: Add %v, Mul %v, want %v, %v", n, i, y[i], z[i], y0[i]+x[i], y0[i]*x[i])
			}
		}
	}
}

// TestCountAtOrAbove checks the count against its scalar definition,
// values equal to the threshold, signed zeros and NaNs included.
func TestCountAtOrAbove(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 8))
	special := []float32{0.5, float32(math.Copysign(0, -1)), 0, float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))}
	for _, n := range []int{0, 1, 15, 16, 17, 100, 333} {
		z := drawSpecial(rng, n, 4, 1, 1, special)
		for _, thr := range []float32{0.5, 0, -1} {
			want := 0
			for _, v := range z {
				if math.Float32bits(v-thr)>>31 == 0 {
					want++
				}
			}
			if got := CountAtOrAbove(z, thr); got != want {
				t.Fatalf("n=%d thr=%v: %d, want %d", n, thr, got, want)
			}
		}
	}
}
