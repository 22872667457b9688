package pchip

import (
	"math"
	"testing"
)

// The interpolant of monotone data is monotone, passes through the knots,
// is exact for straight lines, and Uniform equals Tangents on uniform knots.
func TestMonotoneAndExact(t *testing.T) {
	x := []float64{0, 0.1, 0.5, 0.6, 2, 3}
	y := []float64{0, 0, 1, 5, 5.1, 9}
	m := Tangents(x, y)
	prev := math.Inf(-1)
	for k := 0; k < len(x)-1; k++ {
		for j := 0; j <= 50; j++ {
			xx := x[k] + float64(j)/50*(x[k+1]-x[k])
			v, d := Hermite(x[k], x[k+1], y[k], y[k+1], m[k], m[k+1], xx)
			if v < prev-1e-12 || d < -1e-12 {
				t.Fatalf("not monotone at x = %g: %g after %g (slope %g)", xx, v, prev, d)
			}
			prev = v
			if j == 0 && math.Abs(v-y[k]) > 1e-12 {
				t.Errorf("knot %d: %g, want %g", k, v, y[k])
			}
		}
	}
	line := []float64{1, 3, 4, 7.5}
	ly := make([]float64, len(line))
	for k, v := range line {
		ly[k] = 2 - 0.3*v
	}
	lm := Tangents(line, ly)
	v, d := Hermite(line[1], line[2], ly[1], ly[2], lm[1], lm[2], 3.3)
	if math.Abs(v-(2-0.99)) > 1e-12 || math.Abs(d+0.3) > 1e-12 {
		t.Errorf("straight line: %g, %g", v, d)
	}
	u := []float64{0, 1, 4, 4, 2}
	a, b := Uniform(u, 0.5), Tangents([]float64{0, 0.5, 1, 1.5, 2}, u)
	for k := range a {
		if a[k] != b[k] {
			t.Errorf("uniform knot %d: %g vs %g", k, a[k], b[k])
		}
	}
	if a[2] != 0 || a[3] != 0 {
		t.Errorf("flat segment and extremum need zero tangents: %v", a)
	}
}
