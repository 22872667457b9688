package circuit

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

func TestLinearDC(t *testing.T) {
	type probe struct {
		node string
		want float64
	}
	type cur struct {
		elem string
		want float64
	}
	tests := []struct {
		name   string
		build  func(c *Circuit)
		volts  []probe
		amps   []cur
		relTol float64
	}{
		{
			name: "divider",
			build: func(c *Circuit) {
				c.AddVoltageSource("v1", "in", "0", DC(10))
				c.AddResistor("r1", "in", "mid", 1e3)
				c.AddResistor("r2", "mid", "0", 3e3)
			},
			volts: []probe{{"in", 10}, {"mid", 7.5}},
			// SPICE sign: a supply delivering 2.5 mA has −2.5 mA.
			amps: []cur{{"v1", -2.5e-3}, {"r1", 2.5e-3}, {"r2", 2.5e-3}},
		},
		{
			name: "current source into R",
			build: func(c *Circuit) {
				c.AddCurrentSource("i1", "0", "a", DC(1e-3)) // 1 mA into a
				c.AddResistor("r1", "a", "gnd", 2e3)
			},
			volts: []probe{{"a", 2}},
			amps:  []cur{{"i1", 1e-3}, {"r1", 1e-3}},
		},
		{
			name: "floating source and bridge",
			build: func(c *Circuit) {
				// 5 V between a and b (b held by a 1 V source), 1 kΩ
				// from a to ground and 1 kΩ from b to ground.
				c.AddVoltageSource("vb", "b", "0", DC(1))
				c.AddVoltageSource("vab", "a", "b", DC(5))
				c.AddResistor("ra", "a", "0", 1e3)
				c.AddResistor("rb", "b", "0", 1e3)
			},
			volts: []probe{{"a", 6}, {"b", 1}},
			amps:  []cur{{"vab", -6e-3}, {"vb", -7e-3}},
		},
		{
			name: "capacitor is open in DC",
			build: func(c *Circuit) {
				c.AddVoltageSource("v1", "in", "0", DC(3))
				c.AddResistor("r1", "in", "out", 1e3)
				c.AddResistor("r2", "out", "0", 2e3)
				c.AddCapacitor("c1", "out", "0", 1e-6)
			},
			volts: []probe{{"out", 2}},
			amps:  []cur{{"c1", 0}},
		},
		{
			name: "pulse source uses its t=0 value",
			build: func(c *Circuit) {
				c.AddVoltageSource("v1", "in", "0", Pulse{V1: 0.5, V2: 5, Delay: 1, Rise: 1, Fall: 1, Width: 1})
				c.AddResistor("r1", "in", "0", 1e3)
			},
			volts: []probe{{"in", 0.5}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := New()
			tc.build(c)
			sol, err := c.OperatingPoint()
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range tc.volts {
				got, err := sol.Voltage(p.node)
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(got-p.want) > 1e-8*math.Max(1, math.Abs(p.want)) {
					t.Errorf("V(%s) = %.12g, want %.12g", p.node, got, p.want)
				}
			}
			for _, p := range tc.amps {
				got, err := sol.Current(p.elem)
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(got-p.want) > 1e-8*math.Max(1e-6, math.Abs(p.want)) {
					t.Errorf("I(%s) = %.12g, want %.12g", p.elem, got, p.want)
				}
			}
		})
	}
}

func TestSolutionLookupErrors(t *testing.T) {
	c := New()
	c.AddVoltageSource("v1", "a", "0", DC(1))
	c.AddResistor("r1", "a", "0", 1)
	sol, err := c.OperatingPoint()
	if err != nil {
		t.Fatal(err)
	}
	if v, err := sol.Voltage("gnd"); err != nil || v != 0 {
		t.Errorf("ground: %g, %v", v, err)
	}
	if _, err := sol.Voltage("nope"); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown node: %v", err)
	}
	if _, err := sol.Current("nope"); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown element: %v", err)
	}
	if _, err := sol.State("r1"); !errors.Is(err, ErrInvalid) {
		t.Errorf("state of a resistor: %v", err)
	}
	vals, names := sol.Unknowns()
	if len(vals) != 2 || names[0] != "V(a)" || names[1] != "I(v1)" {
		t.Errorf("unknowns %v %v", vals, names)
	}
}

// rampStep is the response of an RC low-pass (time constant tau) to a
// 0→1 ramp of length tr starting at td.
func rampStep(t, td, tr, tau float64) float64 {
	u := t - td
	switch {
	case u <= 0:
		return 0
	case u <= tr:
		return (u - tau*(1-math.Exp(-u/tau))) / tr
	default:
		return 1 - tau/tr*(math.Exp(-(u-tr)/tau)-math.Exp(-u/tau))
	}
}

func TestRCStepResponse(t *testing.T) {
	const (
		R, C   = 1e3, 1e-6 // τ = 1 ms
		tau    = R * C
		td, tr = 0.5e-3, 1e-9
		tstop  = 6e-3
	)
	for _, m := range []Method{BDF2, Trapezoidal} {
		for _, rel := range []float64{1e-3, 1e-5} {
			t.Run(fmt.Sprintf("%v/reltol=%g", m, rel), func(t *testing.T) {
				c := New()
				c.AddVoltageSource("vin", "in", "0", Pulse{V1: 0, V2: 1, Delay: td, Rise: tr, Width: 1})
				c.AddResistor("r", "in", "out", R)
				c.AddCapacitor("c", "out", "0", C)
				res, err := c.Transient(tstop, TranOptions{Method: m, RelTol: rel, VAbsTol: rel * 1e-3})
				if err != nil {
					t.Fatal(err)
				}
				v, _ := res.Voltage("out")
				ic, _ := res.Current("c")
				maxErr, maxIErr := 0.0, 0.0
				for k, tt := range res.Time {
					maxErr = math.Max(maxErr, math.Abs(v[k]-rampStep(tt, td, tr, tau)))
					if tt > td+tr {
						want := (1 - rampStep(tt, td, tr, tau)) / R
						maxIErr = math.Max(maxIErr, math.Abs(ic[k]-want))
					}
				}
				// The global error is a few times the per-step tolerance.
				lim := 40 * rel
				t.Logf("reltol %g: %d points (%+v), max |v − exact| = %.3g V, max |i_C − exact| = %.3g A",
					rel, res.Len(), res.Stats, maxErr, maxIErr)
				if maxErr > lim {
					t.Errorf("max error %.3g V > %.3g V", maxErr, lim)
				}
				if maxIErr > 50*lim/R {
					t.Errorf("capacitor current error %.3g A", maxIErr)
				}
				// Breakpoints hit exactly.
				for _, bp := range []float64{td, td + tr, tstop} {
					found := false
					for _, tt := range res.Time {
						if tt == bp {
							found = true
						}
					}
					if !found {
						t.Errorf("breakpoint %g s not among the time points", bp)
					}
				}
				if res.Time[0] != 0 || res.Time[res.Len()-1] != tstop {
					t.Errorf("time span %g..%g", res.Time[0], res.Time[res.Len()-1])
				}
				// Supply energy: V·q = C·V²·(1 − e^{−t/τ}) for the step.
				e, err := res.Energy("vin")
				if err != nil {
					t.Fatal(err)
				}
				want := C * (1 - math.Exp(-(tstop-td)/tau))
				if math.Abs(e-want) > 0.01*want {
					t.Errorf("energy %.6g J, want %.6g J", e, want)
				}
			})
		}
	}
}

func TestTransientPulseTrainBreakpoints(t *testing.T) {
	c := New()
	p := Pulse{V1: 0, V2: 1, Delay: 1e-6, Rise: 1e-7, Fall: 2e-7, Width: 1e-6, Period: 3e-6}
	c.AddVoltageSource("vin", "in", "0", p)
	c.AddResistor("r", "in", "out", 1e3)
	c.AddCapacitor("c", "out", "0", 1e-10)
	res, err := c.Transient(10e-6, TranOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := p.Breakpoints(nil, 10e-6)
	if len(want) != 13 {
		t.Fatalf("breakpoints %v", want)
	}
	times := map[float64]bool{}
	for _, tt := range res.Time {
		times[tt] = true
	}
	for _, bp := range want {
		if !times[bp] {
			t.Errorf("breakpoint %g not hit", bp)
		}
	}
	vin, _ := res.Voltage("in")
	for k, tt := range res.Time {
		if math.Abs(vin[k]-p.At(tt)) > 1e-12 {
			t.Fatalf("V(in) at %g = %g, waveform %g", tt, vin[k], p.At(tt))
		}
	}
	for k := 1; k < len(res.Time); k++ {
		if !(res.Time[k] > res.Time[k-1]) {
			t.Fatalf("time not increasing at %d", k)
		}
	}
}

func TestEnergyOfCurrentSource(t *testing.T) {
	// 1 mA into 1 kΩ for 2 ms: 1 mW for 2 ms = 2 µJ.
	c := New()
	c.AddCurrentSource("i1", "0", "a", DC(1e-3))
	c.AddResistor("r1", "a", "0", 1e3)
	res, err := c.Transient(2e-3, TranOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := res.Energy("i1")
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(e-2e-6) > 1e-12 {
		t.Errorf("energy %g J, want 2e-6 J", e)
	}
	if _, err := res.Energy("r1"); !errors.Is(err, ErrInvalid) {
		t.Errorf("energy of a resistor: %v", err)
	}
}

func TestValuesChangedAfterAdd(t *testing.T) {
	c := New()
	c.AddVoltageSource("v1", "a", "0", DC(1))
	r := c.AddResistor("r1", "a", "b", 1e3)
	c.AddResistor("r2", "b", "0", 1e3)
	if _, err := c.OperatingPoint(); err != nil {
		t.Fatal(err)
	}
	r.R = 3e3
	sol, err := c.OperatingPoint()
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := sol.Voltage("b"); math.Abs(v-0.25) > 1e-9 {
		t.Errorf("V(b) = %g after changing R, want 0.25", v)
	}
	r.R = -1
	if _, err := c.OperatingPoint(); !errors.Is(err, ErrInvalid) {
		t.Errorf("negative R after Add: %v", err)
	}
}
