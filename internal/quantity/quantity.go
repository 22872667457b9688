package quantity

import (
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Units a flag may carry, with their names in error messages.
const (
	Volt    = "V"
	Ampere  = "A"
	Second  = "s"
	Siemens = "S"
	Farad   = "F"
	Ohm     = "Ω"
)

var unitNames = map[string]string{
	Volt: "volts (V)", Ampere: "amperes (A)", Second: "seconds (s)",
	Siemens: "siemens (S)", Farad: "farads (F)", Ohm: "ohms (Ω)",
}

// prefixes are the SI prefixes accepted before a unit (or alone).
var prefixes = map[string]float64{
	"f": 1e-15, "p": 1e-12, "n": 1e-9, "u": 1e-6, "µ": 1e-6, "μ": 1e-6,
	"m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9,
}

// unitSpellings maps every accepted spelling of a unit to the unit.
var unitSpellings = map[string]string{
	"V": Volt, "A": Ampere, "s": Second, "S": Siemens, "F": Farad,
	"Ω": Ohm, "ohm": Ohm, "Ohm": Ohm, "ohms": Ohm, "Ohms": Ohm, "OHM": Ohm,
}

// splitNumber returns the longest prefix of s that parses as a float and
// the rest.
func splitNumber(s string) (num, rest string) {
	end := 0
	seenDigit, seenE := false, false
	for k := 0; k < len(s); k++ {
		c := s[k]
		switch {
		case c >= '0' && c <= '9':
			seenDigit = true
			end = k + 1
		case c == '.' && !seenE:
			end = k + 1
		case (c == '+' || c == '-') && (k == 0 || s[k-1] == 'e' || s[k-1] == 'E'):
			end = k + 1
		case (c == 'e' || c == 'E') && seenDigit && !seenE && k+1 < len(s) &&
			(s[k+1] >= '0' && s[k+1] <= '9' || (s[k+1] == '+' || s[k+1] == '-') && k+2 < len(s) && s[k+2] >= '0' && s[k+2] <= '9'):
			seenE = true
			end = k + 1
		default:
			return s[:end], s[end:]
		}
	}
	return s[:end], s[end:]
}

// Parse reads s as a quantity in unit (one of the constants; "" for a
// dimensionless number, which then takes no prefix or unit) and returns
// its value in that unit.
func Parse(s, unit string) (float64, error) {
	t := strings.TrimSpace(s)
	num, rest := splitNumber(t)
	if num == "" {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a finite number", s)
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return finite(s, v)
	}
	if unit == "" {
		return 0, fmt.Errorf("%q: a plain number is wanted here, without a unit", s)
	}
	// The suffix is [prefix][unit], [prefix] or [unit]. A whole-suffix
	// unit match is tried first, so that "1S" is a siemens and "1s" a
	// second rather than a prefix.
	if u, ok := unitSpellings[rest]; ok {
		if u != unit {
			return 0, wrongUnit(s, u, unit)
		}
		return finite(s, v)
	}
	for p, scale := range prefixes {
		if !strings.HasPrefix(rest, p) {
			continue
		}
		tail := rest[len(p):]
		if tail == "" {
			return finite(s, v*scale)
		}
		if u, ok := unitSpellings[tail]; ok {
			if u != unit {
				return 0, wrongUnit(s, u, unit)
			}
			return finite(s, v*scale)
		}
	}
	return 0, fmt.Errorf("%q: unknown unit %q (want %s, optionally with a prefix f p n u m k M G)", s, rest, unitNames[unit])
}

func wrongUnit(s, got, want string) error {
	return fmt.Errorf("%q is in %s, but this flag is in %s", s, unitNames[got], unitNames[want])
}

func finite(s string, v float64) (float64, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a finite number", s)
	}
	return v, nil
}

// Format writes v in unit with the shortest %g form (no prefix), e.g.
// "2.3 V", "1e-06 A"; a dimensionless v is just the number.
func Format(v float64, unit string) string {
	if unit == "" {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64) + " " + unit
}

// value is a flag.Value holding a quantity in one unit.
type value struct {
	p    *float64
	unit string
}

// String is the value with its unit; zero is "", as for the flag
// package's own numbers, so that --help shows no "(default 0)".
func (q *value) String() string {
	if q == nil || q.p == nil || *q.p == 0 {
		return ""
	}
	return Format(*q.p, q.unit)
}

// Unit is the flag's unit; a flag.Value with this method is a quantity.
func (q *value) Unit() string { return q.unit }

func (q *value) Set(s string) error {
	v, err := Parse(s, q.unit)
	if err != nil {
		return err
	}
	*q.p = v
	return nil
}

// Var defines a flag on fs that stores a quantity in unit at p, with p's
// current value as its default. The usage text should name the unit in
// back-quotes (e.g. "pulse amplitude in `V`") so that --help shows it; the
// accepted forms are added to it.
func Var(fs *flag.FlagSet, p *float64, name, unit, usage string) {
	fs.Var(&value{p: p, unit: unit}, name, usage)
}

// Has reports whether fs defines a quantity flag.
func Has(fs *flag.FlagSet) bool {
	has := false
	fs.VisitAll(func(f *flag.Flag) {
		_, ok := f.Value.(interface{ Unit() string })
		has = has || ok
	})
	return has
}

// Help is the line a command's --help prints under its flags when it has
// a quantity flag.
const Help = "A flag with a unit (V, A, s, Ω, F, S) takes a number in that unit, or a number with an SI prefix\nand the unit: 2.3V, 2300mV, 1uA, 10us, 1MOhm, 50uS (m is milli, M mega); another unit is an error."

// Float defines a quantity flag with default def and returns where it is
// stored (the quantity form of flag.Float64).
func Float(fs *flag.FlagSet, name string, def float64, unit, usage string) *float64 {
	p := new(float64)
	*p = def
	Var(fs, p, name, unit, usage)
	return p
}
