package main

import (
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// shown is a number printed on stdout: as its verb asks, except that
// NaN and ±Inf print as "n/a" (never "NaN V") and a number of magnitude
// 1e6 or more under %f prints as %.4g (never a 300-digit gain).
type shown float64

// Format implements fmt.Formatter.
func (v shown) Format(s fmt.State, verb rune) {
	x := float64(v)
	var out string
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		out = "n/a"
		if w, ok := s.Width(); ok && len(out) < w {
			if s.Flag('-') {
				out += strings.Repeat(" ", w-len(out))
			} else {
				out = strings.Repeat(" ", w-len(out)) + out
			}
		}
	case (verb == 'f' || verb == 'F') && math.Abs(x) >= 1e6:
		out = strconv.FormatFloat(x, 'g', 4, 64)
		if s.Flag('+') && x >= 0 {
			out = "+" + out
		}
	default:
		out = fmt.Sprintf(fmt.FormatString(s, verb), x)
	}
	io.WriteString(s, out)
}

// shownArgs returns args with every floating-point value (of any float
// type) as a shown.
func shownArgs(args []any) []any {
	out := make([]any, len(args))
	for k, a := range args {
		out[k] = a
		if a == nil {
			continue
		}
		if v := reflect.ValueOf(a); v.Kind() == reflect.Float64 || v.Kind() == reflect.Float32 {
			out[k] = shown(v.Float())
		}
	}
	return out
}

// outf is fmt.Fprintf for what commands print on stdout: floating-point
// arguments print as shown does (n/a for NaN and ±Inf, bounded %f).
func outf(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, format, shownArgs(args)...)
}

// outs is fmt.Sprintf with the floating-point arguments printed as outf
// does, for lines built before they are printed on stdout.
func outs(format string, args ...any) string {
	return fmt.Sprintf(format, shownArgs(args)...)
}
