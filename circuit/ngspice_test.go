package circuit

import (
	"context"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mrelu/mrelu/internal/testutil"
)

func runSpice(t *testing.T, c *Circuit, a Analysis) *SpiceResult {
	t.Helper()
	var b strings.Builder
	if err := WriteSpice(&b, c, a); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r, err := RunNgspice(ctx, b.String(), t.TempDir())
	if err != nil {
		t.Fatalf("%v\nnetlist:\n%s", err, b.String())
	}
	return r
}

// interp evaluates the piecewise-linear curve (ts, ys) at t.
func interp(ts, ys []float64, t float64) float64 {
	k := sort.SearchFloat64s(ts, t)
	if k <= 0 {
		return ys[0]
	}
	if k >= len(ts) {
		return ys[len(ys)-1]
	}
	a := (t - ts[k-1]) / (ts[k] - ts[k-1])
	return ys[k-1] + a*(ys[k]-ys[k-1])
}

// maxAbsDiff returns the largest |a[k] − b[k]|.
func maxAbsDiff(a, b []float64) float64 {
	m := 0.0
	for k := range a {
		m = math.Max(m, math.Abs(a[k]-b[k]))
	}
	return m
}

func TestNgspiceDCAgreement(t *testing.T) {
	testutil.RequireNgspice(t, "the ngspice cross-check")
	const vdd = 2.0
	tests := []struct {
		name  string
		build func() *Circuit
		nodes []string
	}{
		{"mirror", mirrorCircuit, []string{"g", "out"}},
		{"neuron", neuronCircuit, []string{"g", "out"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.build()
			in := linspace(0, 20e-6, 201)
			ours := mustSweep(t, c, "iin", in)
			sp := runSpice(t, c, DCAnalysis{Source: "iin", Values: in})
			if sp.Len() != len(in) {
				t.Fatalf("ngspice returned %d points, want %d", sp.Len(), len(in))
			}
			for k, v := range sp.Scale() {
				if math.Abs(v-in[k]) > 1e-12 {
					t.Fatalf("ngspice sweep value %d = %g, want %g", k, v, in[k])
				}
			}
			maxDV := 0.0
			for _, node := range tc.nodes {
				a, _ := ours.Voltage(node)
				b, err := sp.Voltage(node)
				if err != nil {
					t.Fatal(err)
				}
				maxDV = math.Max(maxDV, maxAbsDiff(a, b))
			}
			ia, _ := ours.Current("vdd")
			ib, err := sp.Current("vdd")
			if err != nil {
				t.Fatal(err)
			}
			maxDI := maxAbsDiff(ia, ib)
			if tc.name == "neuron" {
				xa, _ := ours.State("mem")
				xb, err := sp.State("mem")
				if err != nil {
					t.Fatal(err)
				}
				maxDX := maxAbsDiff(xa, xb)
				t.Logf("max |Δx| = %.3g", maxDX)
				if maxDX > 1e-4 {
					t.Errorf("state differs by %.3g", maxDX)
				}
			}
			t.Logf("%d points: max |ΔV| = %.3g V (%.2g %% of VDD), max |ΔI(vdd)| = %.3g A", len(in), maxDV, 100*maxDV/vdd, maxDI)
			if maxDV > 1e-4*vdd {
				t.Errorf("max |ΔV| = %.3g V exceeds 0.01 %% of VDD", maxDV)
			}
			if maxDI > 1e-9 {
				t.Errorf("max |ΔI| = %.3g A", maxDI)
			}
		})
	}
}

// pulsedMemristor: a voltage pulse through 10 kΩ onto the toy memristor with
// 10 pF across it: the state sets during the pulse and relaxes after it.
func pulsedMemristor() *Circuit {
	c := New()
	c.AddVoltageSource("vin", "in", "0", Pulse{V1: 0, V2: 1.5, Delay: 1e-6, Rise: 100e-9, Fall: 100e-9, Width: 5e-6})
	c.AddResistor("r1", "in", "a", 10e3)
	c.AddCapacitor("c1", "a", "0", 10e-12)
	c.AddStateful("mem", "a", "0", defaultToyMem())
	return c
}

func TestNgspiceTransientAgreement(t *testing.T) {
	testutil.RequireNgspice(t, "the ngspice cross-check")
	const tstop = 12e-6
	tests := []struct {
		name string
		opt  TranOptions
	}{
		{"bdf2", TranOptions{Method: BDF2, RelTol: 1e-4}},
		{"trapezoidal", TranOptions{Method: Trapezoidal, RelTol: 1e-4}},
		{"initial state", TranOptions{RelTol: 1e-4, InitialState: map[string]float64{"mem": 0.9}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := pulsedMemristor()
			ours, err := c.Transient(tstop, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			sp := runSpice(t, c, TranAnalysis{Stop: tstop, Step: tstop / 2000, Options: tc.opt})
			st := sp.Scale()
			va, _ := ours.Voltage("a")
			xa, _ := ours.State("mem")
			ia, _ := ours.Current("vin")
			vb, _ := sp.Voltage("a")
			xb, _ := sp.State("mem")
			ib, _ := sp.Current("vin")
			var dv, dx, di float64
			for k, tt := range ours.Time {
				dv = math.Max(dv, math.Abs(va[k]-interp(st, vb, tt)))
				dx = math.Max(dx, math.Abs(xa[k]-interp(st, xb, tt)))
				di = math.Max(di, math.Abs(ia[k]-interp(st, ib, tt)))
			}
			t.Logf("%d points (ngspice %d): max |ΔV(a)| = %.3g V, max |Δx| = %.3g, max |ΔI(vin)| = %.3g A; %+v",
				ours.Len(), sp.Len(), dv, dx, di, ours.Stats)
			// 1.5 V pulse: agree within 0.5 % of it; the state within 0.005.
			if dv > 0.0075 || dx > 0.005 || di > 1e-6 {
				t.Errorf("waveforms differ: ΔV %.3g V, Δx %.3g, ΔI %.3g A", dv, dx, di)
			}
			if tc.opt.InitialState != nil {
				if x0 := xa[0]; x0 != 0.9 {
					t.Errorf("x(0) = %g, want the initial state 0.9", x0)
				}
				if math.Abs(xb[0]-0.9) > 1e-6 {
					t.Errorf("ngspice x(0) = %g, want 0.9", xb[0])
				}
			}
		})
	}
}
