package pchip

import "math"

// Uniform returns the Fritsch–Carlson tangents dy/dx at knots spaced h
// apart (h > 0, len(y) ≥ 2): centred secant averages, zero at flat
// segments and local extrema, scaled so that α² + β² ≤ 9 on every
// segment (α, β: the end tangents over the segment's secant), which keeps
// the interpolant monotone wherever the data are.
func Uniform(y []float64, h float64) []float64 {
	del := make([]float64, len(y)-1)
	for k := range del {
		del[k] = (y[k+1] - y[k]) / h
	}
	return tangents(del)
}

// Tangents is Uniform for strictly increasing, not necessarily equally
// spaced knots x (len(x) = len(y) ≥ 2).
func Tangents(x, y []float64) []float64 {
	del := make([]float64, len(y)-1)
	for k := range del {
		del[k] = (y[k+1] - y[k]) / (x[k+1] - x[k])
	}
	return tangents(del)
}

// tangents is the Fritsch–Carlson rule on the secants del.
func tangents(del []float64) []float64 {
	n := len(del) + 1
	m := make([]float64, n)
	m[0], m[n-1] = del[0], del[n-2]
	for k := 1; k < n-1; k++ {
		if del[k-1]*del[k] <= 0 {
			m[k] = 0
		} else {
			m[k] = (del[k-1] + del[k]) / 2
		}
	}
	for k := range del {
		if del[k] == 0 {
			m[k], m[k+1] = 0, 0
			continue
		}
		a, b := m[k]/del[k], m[k+1]/del[k]
		if s := a*a + b*b; s > 9 {
			t := 3 / math.Sqrt(s)
			m[k], m[k+1] = t*a*del[k], t*b*del[k]
		}
	}
	return m
}

// Hermite evaluates the cubic Hermite segment from (x0, y0) with tangent
// m0 to (x1, y1) with tangent m1 at x, and its derivative.
func Hermite(x0, x1, y0, y1, m0, m1, x float64) (y, dydx float64) {
	h := x1 - x0
	t := (x - x0) / h
	d := y1 - y0
	c1 := h * m0
	c2 := 3*d - 2*h*m0 - h*m1
	c3 := h*m0 + h*m1 - 2*d
	y = y0 + t*(c1+t*(c2+t*c3))
	dydx = (c1 + t*(2*c2+3*t*c3)) / h
	return y, dydx
}
