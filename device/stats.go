package device

import (
	"math"
	"slices"
)

// Stats summarises a sample.
type Stats struct {
	N                int
	Mean, Std        float64 // Std is the sample standard deviation
	Median, Min, Max float64
}

// Summarize returns the statistics of xs, ignoring NaN values.
func Summarize(xs []float64) Stats {
	v := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	s := Stats{N: len(v), Mean: math.NaN(), Std: math.NaN(), Median: math.NaN(), Min: math.NaN(), Max: math.NaN()}
	if len(v) == 0 {
		return s
	}
	slices.Sort(v)
	s.Min, s.Max = v[0], v[len(v)-1]
	// The mean of the two middle values for an even count: gonum's
	// stat.Quantile(0.5, …) returns the lower one (Empirical and
	// LinInterp alike), and neuron's type-7 quantile rounds the same
	// midpoint differently (a + (b−a)/2), so neither is used here.
	if n := len(v); n%2 == 1 {
		s.Median = v[n/2]
	} else {
		s.Median = 0.5 * (v[n/2-1] + v[n/2])
	}
	sum := 0.0
	for _, x := range v {
		sum += x
	}
	s.Mean = sum / float64(len(v))
	if len(v) > 1 {
		ss := 0.0
		for _, x := range v {
			ss += (x - s.Mean) * (x - s.Mean)
		}
		s.Std = math.Sqrt(ss / float64(len(v)-1))
	} else {
		s.Std = 0
	}
	return s
}

// RelativeSpread returns (max − min)/median of s, the pulse-to-pulse
// variation.
func (s Stats) RelativeSpread() float64 { return (s.Max - s.Min) / s.Median }
