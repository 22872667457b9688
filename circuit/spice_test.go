package circuit

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/internal/testutil"
)

func TestWriteSpiceCards(t *testing.T) {
	c := New()
	c.AddVoltageSource("Vdd", "VDD", "0", DC(2))
	c.AddVoltageSource("vin", "in", "gnd", Pulse{V1: 0, V2: 1, Delay: 1e-6, Width: 2e-6, Period: 10e-6})
	c.AddCurrentSource("iin", "0", "g", PWL{{0, 0}, {1e-6, 5e-6}})
	c.AddResistor("r1", "in", "g", 1e3)
	c.AddCapacitor("c1", "g", "0", 1e-12)
	c.AddFET("m1", "g", "g", "0", squareFET{K: 1e-4, Vt: 0.5})
	c.AddStateful("mem", "VDD", "g", defaultToyMem())
	var b strings.Builder
	err := WriteSpice(&b, c, TranAnalysis{Stop: 20e-6, Options: TranOptions{InitialState: map[string]float64{"mem": 0.25}}, Output: "run.txt"})
	if err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"v_vdd vdd 0 DC 2\n",
		"v_vin in 0 DC 0 PULSE(0 1 1e-06 1e-12 1e-12 2e-06 1e-05)\n",
		"i_iin 0 g DC 0 PWL(0 0 1e-06 5e-06)\n",
		"r_r1 in g 1000\n",
		"c_c1 g 0 1e-12\n",
		"b_m1 g 0 I=((v(g)) >= 0 ?",
		"b_mem vdd g I=(1e-06+9.900000000000001e-05*(v(xs_mem)))*(v(vdd,g))\n",
		"bx_mem 0 xs_mem I=(1/(1+exp(-((v(vdd,g))-1+0.5*(v(xs_mem)))/0.05))-(v(xs_mem)))/1e-06\n",
		"cx_mem xs_mem 0 1\n",
		"r_gmin_vdd vdd 0 1e+12\n",
		".options reltol=1e-06 vntol=1e-09 abstol=1e-15",
		" method=gear maxord=2\n",
		".ic v(xs_mem)=0.25\n",
		".control\n",
		"tran 2e-08 2e-05 0 2",
		"wrdata run.txt v(vdd) v(in) v(g) i(v_vdd) i(v_vin) v(xs_mem)\n",
		"quit 0\n.endc\n.end\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("netlist lacks %q:\n%s", want, out)
		}
	}

	b.Reset()
	if err := WriteSpice(&b, c, DCAnalysis{Source: "iin", Values: []float64{0, 1e-6, 2e-6, 1e-6, 0, 5e-6}}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"dc i_iin 0 2e-06 1e-06\nwrdata mrelu_out.txt",
		"set appendwrite\ndc i_iin 1e-06 0 -1e-06\n",
		"dc i_iin 5e-06 5e-06 1\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("DC netlist lacks %q:\n%s", want, b.String())
		}
	}
}

func TestWriteSpiceErrors(t *testing.T) {
	type nonSpiceFET struct{ FETModel }
	tests := []struct {
		name  string
		build func(c *Circuit)
		a     Analysis
		want  string
	}{
		{"stateful without SPICE form", func(c *Circuit) {
			c.AddVoltageSource("v1", "a", "0", DC(1))
			c.AddStateful("m", "a", "0", satModel{Isat: 1})
		}, OPAnalysis{}, "does not implement SpiceStateful"},
		{"FET without SPICE form", func(c *Circuit) {
			c.AddVoltageSource("v1", "a", "0", DC(1))
			c.AddFET("m", "a", "a", "0", nonSpiceFET{squareFET{K: 1}})
		}, OPAnalysis{}, "does not implement SpiceFET"},
		{"sweep of a resistor", func(c *Circuit) {
			c.AddVoltageSource("v1", "a", "0", DC(1))
			c.AddResistor("r1", "a", "0", 1)
		}, DCAnalysis{Source: "r1", Values: []float64{1}}, "not an independent source"},
		{"output with a blank", func(c *Circuit) {
			c.AddVoltageSource("v1", "a", "0", DC(1))
			c.AddResistor("r1", "a", "0", 1)
		}, OPAnalysis{Output: "a b.txt"}, "must not contain blanks"},
		{"state node clashes with a node", func(c *Circuit) {
			c.AddVoltageSource("v1", "xs_m", "0", DC(1))
			c.AddStateful("m", "xs_m", "0", defaultToyMem())
		}, OPAnalysis{}, "clashes"},
		{"bad stop time", func(c *Circuit) {
			c.AddVoltageSource("v1", "a", "0", DC(1))
			c.AddResistor("r1", "a", "0", 1)
		}, TranAnalysis{}, "Stop"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := New()
			tc.build(c)
			var b strings.Builder
			err := WriteSpice(&b, c, tc.a)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want ErrInvalid mentioning %q", err, tc.want)
			}
		})
	}
}

func TestUniformRuns(t *testing.T) {
	tests := []struct {
		in   []float64
		want [][3]float64
	}{
		{[]float64{1}, [][3]float64{{1, 1, 1}}},
		{[]float64{0, 1, 2, 3}, [][3]float64{{0, 3, 1}}},
		{[]float64{0, 1, 2, 1, 0}, [][3]float64{{0, 2, 1}, {1, 0, -1}}},
		{[]float64{0, 0.1, 0.2, 0.30000000000000004, 1}, [][3]float64{{0, 0.30000000000000004, 0.1}, {1, 1, 1}}},
		{[]float64{2, 2, 3}, [][3]float64{{2, 2, 1}, {2, 3, 1}}},
	}
	for _, tc := range tests {
		if got := uniformRuns(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("uniformRuns(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseWrdata(t *testing.T) {
	data := " i-sweep  v(out)  i(v_vdd)\n 0  2  0\n 1e-6 1.5 -1e-6\n i-sweep  v(out)  i(v_vdd)\n 2e-6 1.0 -2e-6\n"
	var r SpiceResult
	if err := parseWrdata([]byte(data), &r); err != nil {
		t.Fatal(err)
	}
	if r.Len() != 3 || !reflect.DeepEqual(r.Scale(), []float64{0, 1e-6, 2e-6}) {
		t.Fatalf("parsed %+v", r)
	}
	if v, err := r.Voltage("OUT"); err != nil || v[2] != 1.0 {
		t.Errorf("Voltage: %v %v", v, err)
	}
	if v, err := r.Current("vdd"); err != nil || v[1] != -1e-6 {
		t.Errorf("Current: %v %v", v, err)
	}
	if _, err := r.State("m"); err == nil {
		t.Error("missing vector: no error")
	}
	for _, bad := range []string{"", "1 2\n", "a b\n1\n", "a b\n1 x\n", "a b\n"} {
		var r SpiceResult
		if err := parseWrdata([]byte(bad), &r); err == nil {
			t.Errorf("parseWrdata(%q): no error", bad)
		}
	}
}

func TestRunNgspiceWithoutNgspice(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := RunNgspice(context.Background(), "* x\n.control\nwrdata o.txt v(a)\n.endc\n.end\n", t.TempDir())
	if !errors.Is(err, ErrNoNgspice) {
		t.Errorf("got %v, want ErrNoNgspice", err)
	}
}

func TestRunNgspiceReportsFailure(t *testing.T) {
	testutil.RequireNgspice(t, "the ngspice cross-check")
	// A netlist whose analysis names a source that does not exist: ngspice
	// writes nothing, and the error carries its log.
	cir := "* bad\nv1 a 0 DC 1\nr1 a 0 1k\n.control\ndc vnope 0 1 0.1\nwrdata o.txt v(a)\nquit 0\n.endc\n.end\n"
	_, err := RunNgspice(context.Background(), cir, t.TempDir())
	if err == nil {
		t.Fatal("no error")
	}
	t.Log(err)
}
