package quantity

import (
	"fmt"
	"math"
)

// Prefix is one SI prefix of a formatting scale: its symbol ("" for none),
// its factor, and the smallest magnitude printed with it.
type Prefix struct {
	Symbol string
	Factor float64
	From   float64
}

// Scale returns the prefixes from the symbol first down to last (of
// G M k "" m µ n p f), each used from guard times its factor: guard 1
// switches prefix exactly at 1, 1000, …; guard 0.9995 already where the
// three digits printed would round up to the next prefix ("1 µA", not
// "1e+03 nA").
func Scale(first, last string, guard float64) []Prefix {
	all := []Prefix{{"G", 1e9, 0}, {"M", 1e6, 0}, {"k", 1e3, 0}, {"", 1, 0}, {"m", 1e-3, 0}, {"µ", 1e-6, 0}, {"n", 1e-9, 0}, {"p", 1e-12, 0}, {"f", 1e-15, 0}}
	var out []Prefix
	in := false
	for _, p := range all {
		in = in || p.Symbol == first
		if in {
			p.From = p.Factor * guard
			out = append(out, p)
		}
		if in && p.Symbol == last {
			break
		}
	}
	return out
}

// SI formats v as three significant digits, a space, the first prefix of
// scale whose From |v| reaches (the last one below all of them) and unit:
// "650 ns", "0.5 pJ", "19.5 MΩ". A NaN or ±Inf is written as nan. This is
// the one engineering formatter of the project; the report, the Table 1
// strings and the viability verdicts choose their scale.
func SI(v float64, unit string, scale []Prefix, nan string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nan
	}
	if len(scale) == 0 {
		return fmt.Sprintf("%.3g %s", v, unit)
	}
	a := math.Abs(v)
	p := scale[len(scale)-1]
	for _, q := range scale {
		if a >= q.From {
			p = q
			break
		}
	}
	return fmt.Sprintf("%.3g %s%s", v/p.Factor, p.Symbol, unit)
}
