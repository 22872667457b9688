package paramcheck

import (
	"fmt"
	"math"
)

// Fields is a table of numeric parameters, one row per field: its Go
// name, its JSON key ("" when it is not serialised), its unit ("" when it
// has none) and its value. It is an alias of an unnamed type so that a
// table lists its rows positionally: {"GMin", "g_min_S", "S", p.GMin}.
type Fields = []struct {
	Name, Key, Unit string
	Value           float64
}

// A Rule returns why v is invalid ("must be > 0"), or "" when v is valid.
type Rule func(v float64) string

// Positive accepts finite values > 0.
func Positive(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "must be finite"
	}
	if v <= 0 {
		return "must be > 0"
	}
	return ""
}

// NonNegative accepts finite values ≥ 0.
func NonNegative(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "must be finite"
	}
	if v < 0 {
		return "must be ≥ 0"
	}
	return ""
}

// Checker words the errors of one parameter struct.
type Checker struct {
	// Prefix names the struct, with its package: "crossbar: Params".
	Prefix string
	// Sentinel is wrapped by every error, for errors.Is.
	Sentinel error
}

// Invalid returns the error of the field name, with JSON key key and unit
// unit, whose value v is invalid for the reason why:
//
//	<Prefix>.<name> (json "<key>") = <v> <unit>: <why>: <Sentinel>
//
// The JSON key is left out when key is "", the unit when unit is "".
func (c Checker) Invalid(name, key, unit string, v float64, why string) error {
	if key != "" {
		name += fmt.Sprintf(" (json %q)", key)
	}
	if unit != "" {
		unit = " " + unit
	}
	return fmt.Errorf("%s.%s = %g%s: %s: %w", c.Prefix, name, v, unit, why, c.Sentinel)
}

// All applies rule to the rows of fields in order and returns the error
// of the first row it rejects, or nil.
func (c Checker) All(rule Rule, fields Fields) error {
	for _, f := range fields {
		if why := rule(f.Value); why != "" {
			return c.Invalid(f.Name, f.Key, f.Unit, f.Value, why)
		}
	}
	return nil
}
