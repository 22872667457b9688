package nn

// Element-wise activation benchmarks on 50,000 normal pre-activations (one
// 500 x 100 layer), where branchy code mispredicts half the time.

import (
	"math/rand/v2"
	"testing"
)

func BenchmarkClipForward(b *testing.B) {
	z := make([]float32, 50000)
	y := make([]float32, 50000)
	for i := range z {
		z[i] = float32(rand.NormFloat64())
	}
	c := ClippedReLU{Max: 2}
	for i := 0; i < b.N; i++ {
		c.Forward(y, z)
	}
}
func BenchmarkClipMul(b *testing.B) {
	z := make([]float32, 50000)
	y := make([]float32, 50000)
	for i := range z {
		z[i] = float32(rand.NormFloat64())
		y[i] = 1
	}
	c := ClippedReLU{Max: 2}
	for i := 0; i < b.N; i++ {
		c.MulDerivative(y, z, y)
	}
}
func BenchmarkReLUForward(b *testing.B) {
	z := make([]float32, 50000)
	y := make([]float32, 50000)
	for i := range z {
		z[i] = float32(rand.NormFloat64())
	}
	for i := 0; i < b.N; i++ {
		ReLU{}.Forward(y, z)
	}
}
