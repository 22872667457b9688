package paramcheck

import (
	"errors"
	"math"
	"testing"
)

var errTest = errors.New("invalid parameter")

func TestInvalidWording(t *testing.T) {
	c := Checker{Prefix: "pkg: Params", Sentinel: errTest}
	for _, tc := range []struct {
		key, unit string
		want      string
	}{
		{"g_min_S", "S", `pkg: Params.GMin (json "g_min_S") = -1 S: must be ≥ 0: invalid parameter`},
		{"", "S", `pkg: Params.GMin = -1 S: must be ≥ 0: invalid parameter`},
		{"g_min_S", "", `pkg: Params.GMin (json "g_min_S") = -1: must be ≥ 0: invalid parameter`},
		{"", "", `pkg: Params.GMin = -1: must be ≥ 0: invalid parameter`},
	} {
		err := c.Invalid("GMin", tc.key, tc.unit, -1, "must be ≥ 0")
		if err.Error() != tc.want {
			t.Errorf("key %q unit %q:\n got %s\nwant %s", tc.key, tc.unit, err, tc.want)
		}
		if !errors.Is(err, errTest) {
			t.Errorf("key %q unit %q: %v does not wrap the sentinel", tc.key, tc.unit, err)
		}
	}
}

func TestRules(t *testing.T) {
	for _, tc := range []struct {
		name    string
		rule    Rule
		v       float64
		wantWhy string
	}{
		{"positive ok", Positive, 1e-9, ""},
		{"positive zero", Positive, 0, "must be > 0"},
		{"positive NaN", Positive, math.NaN(), "must be finite"},
		{"positive -Inf", Positive, math.Inf(-1), "must be finite"},
		{"non-negative zero", NonNegative, 0, ""},
		{"non-negative below", NonNegative, -1e-300, "must be ≥ 0"},
		{"non-negative +Inf", NonNegative, math.Inf(1), "must be finite"},
	} {
		if got := tc.rule(tc.v); got != tc.wantWhy {
			t.Errorf("%s: rule(%g) = %q, want %q", tc.name, tc.v, got, tc.wantWhy)
		}
	}
}

func TestAllReportsTheFirstRejectedRow(t *testing.T) {
	c := Checker{Prefix: "pkg: Model", Sentinel: errTest}
	fields := Fields{
		{"A", "a_V", "V", 1},
		{"B", "b_s", "s", 0},
		{"C", "c_m", "m", math.NaN()},
	}
	err := c.All(Positive, fields)
	want := `pkg: Model.B (json "b_s") = 0 s: must be > 0: invalid parameter`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	if err := c.All(Positive, fields[:1]); err != nil {
		t.Errorf("valid row rejected: %v", err)
	}
	if err := c.All(Positive, nil); err != nil {
		t.Errorf("empty table rejected: %v", err)
	}
}
