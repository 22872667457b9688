package circuit

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// satModel conducts at most Isat: i = Isat·tanh(v). Driven by a larger
// current it has no solution short of a gmin-limited voltage far beyond
// Options.MaxVoltage.
type satModel struct{ Isat float64 }

func (m satModel) Current(v, x float64) (i, didv, didx float64) {
	th := math.Tanh(v)
	return m.Isat * th, m.Isat * (1 - th*th), 0
}
func (satModel) StateRate(v, x float64) (dxdt, dfdv, dfdx float64) { return -x, 0, -1 }
func (satModel) StateBounds() (lo, hi float64)                     { return -1, 1 }

// nanAbove returns NaN once the voltage exceeds a threshold.
type nanAbove struct{ V float64 }

func (m nanAbove) Current(v, x float64) (i, didv, didx float64) {
	if v > m.V {
		return math.NaN(), math.NaN(), 0
	}
	return 1e-6 * v, 1e-6, 0
}
func (nanAbove) StateRate(v, x float64) (dxdt, dfdv, dfdx float64) { return -x, 0, -1 }
func (nanAbove) StateBounds() (lo, hi float64)                     { return -1, 1 }

func TestFailuresAreReported(t *testing.T) {
	tests := []struct {
		name    string
		build   func(c *Circuit)
		run     func(c *Circuit) error
		want    []error
		message string // substring of the error
	}{
		{
			name: "current source into a capacitor-only node",
			build: func(c *Circuit) {
				c.AddCurrentSource("i1", "0", "a", DC(1e-6))
				c.AddCapacitor("c1", "a", "0", 1e-9)
			},
			want:    []error{ErrSingular},
			message: `node "a" has no DC path to ground`,
		},
		{
			name: "capacitor-only node in a transient",
			build: func(c *Circuit) {
				c.AddVoltageSource("v1", "in", "0", DC(1))
				c.AddCapacitor("c1", "in", "a", 1e-9)
				c.AddCapacitor("c2", "a", "0", 1e-9)
			},
			run:     func(c *Circuit) error { _, err := c.Transient(1e-6, TranOptions{}); return err },
			want:    []error{ErrSingular},
			message: `node "a"`,
		},
		{
			name: "parallel voltage sources with different values",
			build: func(c *Circuit) {
				c.AddVoltageSource("v1", "a", "0", DC(1))
				c.AddVoltageSource("v2", "a", "0", DC(2))
				c.AddResistor("r1", "a", "0", 1e3)
			},
			want:    []error{ErrSingular},
			message: `"v2" closes a loop`,
		},
		{
			name: "model returning NaN",
			build: func(c *Circuit) {
				c.AddVoltageSource("v1", "a", "0", DC(1))
				c.AddResistor("r1", "a", "b", 1e3)
				c.AddStateful("m", "b", "0", nanModel{})
			},
			want:    []error{ErrNoConvergence},
			message: "NaN",
		},
		{
			name: "current beyond what the only path can carry",
			build: func(c *Circuit) {
				c.AddCurrentSource("i1", "0", "a", DC(1e-3))
				c.AddStateful("m", "a", "0", satModel{Isat: 1e-6})
			},
			want:    []error{ErrNoConvergence},
			message: "V(a)",
		},
		{
			name: "sweep fails at a named value",
			build: func(c *Circuit) {
				c.AddCurrentSource("i1", "0", "a", DC(0))
				c.AddStateful("m", "a", "0", satModel{Isat: 1e-6})
			},
			run: func(c *Circuit) error {
				_, err := c.DCSweep("i1", linspace(0, 2e-6, 21))
				return err
			},
			want:    []error{ErrNoConvergence},
			message: "dc at i1 = 1.",
		},
		{
			name: "transient fails at a named time",
			build: func(c *Circuit) {
				c.AddVoltageSource("v1", "in", "0", PWL{{0, 0}, {1e-6, 2}})
				c.AddResistor("r1", "in", "a", 1e3)
				c.AddStateful("m", "a", "0", nanAbove{V: 1})
			},
			run:     func(c *Circuit) error { _, err := c.Transient(1e-6, TranOptions{}); return err },
			want:    []error{ErrNoConvergence},
			message: "tran at t = 5",
		},
		{
			name: "unknown sweep source",
			build: func(c *Circuit) {
				c.AddVoltageSource("v1", "a", "0", DC(1))
				c.AddResistor("r1", "a", "0", 1)
			},
			run:     func(c *Circuit) error { _, err := c.DCSweep("vx", []float64{1}); return err },
			want:    []error{ErrInvalid},
			message: `no source "vx"`,
		},
		{
			name: "bad element values and names",
			build: func(c *Circuit) {
				c.AddVoltageSource("v1", "a", "0", DC(math.NaN()))
				c.AddResistor("r0", "a", "0", 1)
				c.AddResistor("r1", "a", "0", -1)
				c.AddResistor("R0", "a", "0", 1)
				c.AddResistor("r 2", "a", "0", 1)
				c.AddVoltageSource("v3", "a", "0", Pulse{Rise: 1, Width: 1, Period: 0.5})
			},
			want:    []error{ErrInvalid},
			message: "duplicate element name",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := New()
			tc.build(c)
			run := tc.run
			if run == nil {
				run = func(c *Circuit) error { _, err := c.OperatingPoint(); return err }
			}
			start := time.Now()
			err := run(c)
			if el := time.Since(start); el > 2*time.Second {
				t.Errorf("took %v", el)
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !errors.Is(err, w) {
					t.Errorf("error does not wrap %v: %v", w, err)
				}
			}
			if !strings.Contains(err.Error(), tc.message) {
				t.Errorf("error %q does not mention %q", err, tc.message)
			}
			t.Log(err)
		})
	}
}

func TestConvergenceErrorFields(t *testing.T) {
	c := New()
	c.AddCurrentSource("i1", "0", "a", DC(0))
	c.AddStateful("m", "a", "0", satModel{Isat: 1e-6})
	_, err := c.DCSweep("i1", []float64{0, 0.5e-6, 3e-6})
	var ce *ConvergenceError
	if !errors.As(err, &ce) {
		t.Fatalf("not a *ConvergenceError: %v", err)
	}
	if ce.Analysis != "dc" || ce.Where != "i1 = 3e-06 A" || ce.Worst != "V(a)" {
		t.Errorf("fields %+v", ce)
	}
}
