package experiment

import "testing"

// BenchmarkNoiseApply times the temporal-variation pass over one
// 500 x 100 layer.
func BenchmarkNoiseApply(b *testing.B) {
	t := newNormalTable(1)
	y0 := make([]float32, 50000)
	y := make([]float32, 50000)
	d := make([]float32, 50000)
	for i := range y {
		y0[i] = float32(i%200) / 100
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		copy(y, y0) // fresh outputs, as in training (repeated scaling would reach subnormals)
		t.apply(y, d, 0.099, 2)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(y)), "ns/element")
}
