package quantity

import (
	"flag"
	"io"
	"math"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in, unit string
		want     float64
		errHas   string // "" = no error
	}{
		{"2.3", Volt, 2.3, ""},
		{" 2.3V ", Volt, 2.3, ""},
		{"2300mV", Volt, 2.3, ""},
		{"2.3 V", Volt, 2.3, ""},
		{"-0.5V", Volt, -0.5, ""},
		{"1e-6", Ampere, 1e-6, ""},
		{"1uA", Ampere, 1e-6, ""},
		{"1µA", Ampere, 1e-6, ""},
		{"1.5e3nA", Ampere, 1.5e-6, ""},
		{"100n", Ampere, 100e-9, ""},
		{"10us", Second, 10e-6, ""},
		{"5ms", Second, 5e-3, ""},
		{"1s", Second, 1, ""},
		{"50uS", Siemens, 50e-6, ""},
		{"1S", Siemens, 1, ""},
		{"1MOhm", Ohm, 1e6, ""},
		{"1MΩ", Ohm, 1e6, ""},
		{"300k", Ohm, 3e5, ""},
		{"2pF", Farad, 2e-12, ""},
		{".5", "", 0.5, ""},
		{"1uA", Volt, 0, "amperes (A), but this flag is in volts (V)"},
		{"2.4V", Ampere, 0, "volts (V), but this flag is in amperes (A)"},
		{"1s", Siemens, 0, "seconds (s), but this flag is in siemens (S)"},
		{"1S", Second, 0, "siemens (S), but this flag is in seconds (s)"},
		{"2.3x", Volt, 0, "unknown unit"},
		{"1e", Volt, 0, "unknown unit"},
		{"V", Volt, 0, "not a number"},
		{"", Volt, 0, "not a number"},
		{"NaN", Volt, 0, "not a number"},
		{"Inf", Volt, 0, "not a number"},
		{"1e999", Volt, 0, "not a finite number"},
		{"1.5V", "", 0, "without a unit"},
	} {
		got, err := Parse(c.in, c.unit)
		if c.errHas != "" {
			if err == nil || !strings.Contains(err.Error(), c.errHas) {
				t.Errorf("Parse(%q, %q) = %g, %v; want an error with %q", c.in, c.unit, got, err, c.errHas)
			}
			continue
		}
		if err != nil || math.Abs(got-c.want) > 1e-12*math.Abs(c.want) {
			t.Errorf("Parse(%q, %q) = %g, %v; want %g", c.in, c.unit, got, err, c.want)
		}
	}
}

func TestFlag(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	amp := Float(fs, "amplitude", 2.3, Volt, "amplitude in `V`")
	if err := fs.Parse([]string{"--amplitude", "2400mV"}); err != nil || math.Abs(*amp-2.4) > 1e-12 {
		t.Fatalf("--amplitude 2400mV: %g, %v", *amp, err)
	}
	err := fs.Parse([]string{"--amplitude", "1uA"})
	if err == nil || !strings.Contains(err.Error(), "-amplitude") || !strings.Contains(err.Error(), "volts") {
		t.Fatalf("--amplitude 1uA on a voltage flag: %v", err)
	}
	if s := fs.Lookup("amplitude").DefValue; s != "2.3 V" {
		t.Errorf("default shown as %q", s)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"2.3V", "1uA", "1e-6", "10us", "1MΩ", "-", "1e+", "µ", "5e-3mS"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, u := range []string{Volt, Ampere, Second, Siemens, Farad, Ohm, ""} {
			v, err := Parse(s, u)
			if err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
				t.Fatalf("Parse(%q, %q) = %g without error", s, u, v)
			}
		}
	})
}

func TestSI(t *testing.T) {
	wide := Scale("G", "f", 0.9995)
	energy := append(Scale("µ", "n", 1), Prefix{"p", 1e-12, 0.1e-12}, Prefix{"f", 1e-15, 0})
	for _, c := range []struct {
		v     float64
		unit  string
		scale []Prefix
		want  string
	}{
		{650e-9, "s", wide, "650 ns"},
		{0.9999e-6, "A", wide, "1 µA"},
		{1.95e7, "Ω", wide, "19.5 MΩ"},
		{0, "A", wide, "0 fA"},
		{-2.5e-3, "V", wide, "-2.5 mV"},
		{5e-13, "J", energy, "0.5 pJ"},
		{5e-14, "J", energy, "50 fJ"},
		{2e-7, "J", energy, "200 nJ"},
		{2, "J", energy, "2e+06 µJ"},
		{math.NaN(), "J", energy, "-"},
		{1, "V", nil, "1 V"},
	} {
		nan := "-"
		if got := SI(c.v, c.unit, c.scale, nan); got != c.want {
			t.Errorf("SI(%g, %q) = %q, want %q", c.v, c.unit, got, c.want)
		}
	}
}
