package nn

import "math"

// expf is a float32 e^x accurate to about 2 ulp over the float32 range,
// several times faster than converting to float64 for math.Exp. It splits
// x = n ln2 + r with |r| <= ln2/2 and evaluates a degree-6 polynomial for e^r.
func expf(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		ln2hi = 0.693359375
		ln2lo = -2.12194440e-4
	)
	if x > 88.7 {
		return float32(math.Inf(1))
	}
	if x < -87.3 {
		return 0
	}
	if x != x { // NaN
		return x
	}
	// n = round(x / ln2)
	fn := x * log2e
	var n int32
	if fn >= 0 {
		n = int32(fn + 0.5)
	} else {
		n = int32(fn - 0.5)
	}
	f := float32(n)
	r := x - f*ln2hi - f*ln2lo
	// Taylor/minimax-like coefficients for e^r on [-ln2/2, ln2/2].
	p := float32(1.0 / 720)
	p = p*r + 1.0/120
	p = p*r + 1.0/24
	p = p*r + 1.0/6
	p = p*r + 0.5
	p = p*r + 1
	p = p*r + 1
	// Scale by 2^n through the exponent bits; n in [-126, 128) here, and
	// n = 128 only for x near 88.7 which stays finite after the split below.
	if n > 127 {
		return p * math.Float32frombits(uint32(127+127)<<23) * math.Float32frombits(uint32(n-127+127)<<23)
	}
	if n < -126 {
		return p * math.Float32frombits(uint32(1)<<23) * math.Float32frombits(uint32(n+126+127)<<23)
	}
	return p * math.Float32frombits(uint32(n+127)<<23)
}
