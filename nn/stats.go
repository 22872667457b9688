package nn

import (
	"math"
	"slices"
)

// LogHistogram counts values by sign and by magnitude in quarter-octave
// bins (four bins per factor of two), read straight from the float32 bit
// pattern, so counting costs a shift and an increment. It covers every
// float32 magnitude, which suits weight updates spanning many decades
// (the vanishing-gradient signature).
type LogHistogram struct {
	Pos, Neg [1024]int64 // indexed by magnitude bin
	Zero     int64
}

// Reset clears all counts.
func (h *LogHistogram) Reset() { *h = LogHistogram{} }

// Add counts one value (NaN is counted in the top bin).
func (h *LogHistogram) Add(v float32) {
	b := math.Float32bits(v)
	m := b &^ (1 << 31)
	if m == 0 {
		h.Zero++
		return
	}
	i := m >> 21
	if b>>31 == 0 {
		h.Pos[i]++
	} else {
		h.Neg[i]++
	}
}

// merge adds the counts of o.
func (h *LogHistogram) merge(o *LogHistogram) {
	h.Zero += o.Zero
	for i := range h.Pos {
		h.Pos[i] += o.Pos[i]
		h.Neg[i] += o.Neg[i]
	}
}

// Total is the number of values counted.
func (h *LogHistogram) Total() int64 {
	t := h.Zero
	for i := range h.Pos {
		t += h.Pos[i] + h.Neg[i]
	}
	return t
}

// logBinLow is the smallest magnitude of bin i.
func logBinLow(i int) float64 {
	e := i >> 2
	frac := float64(i&3) / 4
	if e == 0 { // subnormals: treat the bin as starting at zero magnitude
		return 0
	}
	return math.Ldexp(1+frac, e-127)
}

// Bin is one histogram bar: values in [Lo, Hi) counted Count times.
type Bin struct {
	Lo, Hi float64
	Count  int64
}

// MagnitudeBins returns the |v| bins (sign merged) covering the non-empty
// range, widened to whole octaves (the first bin's index is a multiple of
// four, and so is the count).
func (h *LogHistogram) MagnitudeBins() []Bin {
	lo, hi := -1, -1
	for i := range h.Pos {
		if h.Pos[i]+h.Neg[i] > 0 {
			if lo < 0 {
				lo = i
			}
			hi = i
		}
	}
	if lo < 0 {
		return nil
	}
	lo -= lo % 4
	hi += 3 - hi%4
	var out []Bin
	for i := lo; i <= hi; i++ {
		out = append(out, Bin{Lo: logBinLow(i), Hi: logBinLow(i + 1), Count: h.Pos[i] + h.Neg[i]})
	}
	return out
}

// Quantile returns an approximate q-quantile (0..1) of |v|, interpolated
// geometrically inside the bin.
func (h *LogHistogram) Quantile(q float64) float64 {
	total := h.Total()
	if total == 0 {
		return math.NaN()
	}
	target := q * float64(total)
	acc := float64(h.Zero)
	if acc >= target {
		return 0
	}
	for i := range h.Pos {
		c := float64(h.Pos[i] + h.Neg[i])
		if c == 0 {
			continue
		}
		if acc+c >= target {
			lo, hi := logBinLow(i), logBinLow(i+1)
			f := (target - acc) / c
			if lo == 0 {
				return hi * f
			}
			return lo * math.Pow(hi/lo, f)
		}
		acc += c
	}
	return logBinLow(len(h.Pos))
}

// Histogram is a linear histogram of a sample.
type Histogram struct {
	Lo, Hi float64 // range covered
	Counts []int64 // equal-width bins over [Lo, Hi]
}

// NewHistogram bins values into n equal bins spanning their own range
// (clipped to the 0.1 % and 99.9 % quantiles when clip is true, so a few
// outliers do not squeeze the bulk; the clipped tails fall in the end bins).
func NewHistogram(values []float32, n int, clip bool) Histogram {
	if len(values) == 0 || n < 1 {
		return Histogram{}
	}
	lo, hi := float64(values[0]), float64(values[0])
	for _, v := range values {
		lo = math.Min(lo, float64(v))
		hi = math.Max(hi, float64(v))
	}
	if clip && len(values) > 1000 {
		s := append([]float32(nil), values...)
		slices.Sort(s)
		lo = float64(s[len(s)/1000])
		hi = float64(s[len(s)-1-len(s)/1000])
	}
	if hi <= lo {
		hi = lo + 1e-12
	}
	h := Histogram{Lo: lo, Hi: hi, Counts: make([]int64, n)}
	w := (hi - lo) / float64(n)
	for _, v := range values {
		i := int((float64(v) - lo) / w)
		i = max(0, min(n-1, i))
		h.Counts[i]++
	}
	return h
}

// Summary holds simple moments of a sample.
type Summary struct {
	Mean, Std, Min, Max float64
	FracNegative        float64 // fraction of values below zero
}

// Summarize computes the moments of values.
func Summarize(values []float32) Summary {
	if len(values) == 0 {
		return Summary{}
	}
	var s, s2 float64
	neg := 0
	mn, mx := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		f := float64(v)
		s += f
		s2 += f * f
		mn = math.Min(mn, f)
		mx = math.Max(mx, f)
		if v < 0 {
			neg++
		}
	}
	n := float64(len(values))
	mean := s / n
	return Summary{Mean: mean, Std: math.Sqrt(math.Max(0, s2/n-mean*mean)), Min: mn, Max: mx, FracNegative: float64(neg) / n}
}
