package neuron

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/circuit"
	"github.com/mrelu/mrelu/device"
)

// defaultCurve is the transfer curve of the default neuron over the range
// of `mrelu neuron transfer`, 5 nA steps.
func defaultCurve(t testing.TB) (*Circuit, *TransferCurve) {
	t.Helper()
	n := Default()
	c, err := Transfer(n, Linspace(-1e-6, 4e-6, 1001))
	if err != nil {
		t.Fatal(err)
	}
	return n, c
}

// TestReLUProperties pins the ReLU behaviour of the default neuron: off
// below zero input, linear rise, bounded by VDD; and the documented
// non-monotone details of the raw curve.
func TestReLUProperties(t *testing.T) {
	_, c := defaultCurve(t)
	m := c.Metrics()
	for k, i := range c.I {
		v := c.Vout[k]
		if i <= 0 && v >= 0.05 {
			t.Errorf("Vout(%g A) = %g V ≥ 0.05 V for a non-positive input", i, v)
		}
		if v > c.VDD || v < -1e-6 || math.IsNaN(v) {
			t.Errorf("Vout(%g A) = %g V outside [0, VDD]", i, v)
		}
	}
	if m.AboveVDD || m.BelowZero {
		t.Errorf("metrics report out-of-range output: %+v", m)
	}
	// The raw curve is non-decreasing on its rising part (from the end of
	// the dip above 0 A to the maximum).
	kmin := 0
	for k := range c.I {
		if c.I[k] > 0 && c.I[k] < 1e-6 && c.Vout[k] < c.Vout[kmin] {
			kmin = k
		}
	}
	for k := kmin + 1; k < len(c.I) && c.I[k] <= m.IAtMax; k++ {
		if c.Vout[k] < c.Vout[k-1]-monotoneTol {
			t.Fatalf("rising part decreases at %g A: %g → %g V", c.I[k], c.Vout[k-1], c.Vout[k])
		}
	}
	// Documented departures: no dip above 0 A worth the name (< 1 mV: the
	// memristor already sits on its switched branch at zero input), and the
	// decline beyond saturation (the on-resistance carries three times the
	// input current) below 0.15 V at 4 µA (0.14 V).
	if dip := c.Vout[0] - c.Vout[kmin]; dip < 0 || dip > 0.001 {
		t.Errorf("dip above zero input = %g V, documented < 1 mV", dip)
	}
	if m.Monotone || m.LargestDrop > 0.15 || m.DropAt < m.IAtMax {
		t.Errorf("decline beyond saturation: monotone=%v drop %g V at %g A (max at %g A)", m.Monotone, m.LargestDrop, m.DropAt, m.IAtMax)
	}
	env := c.Envelope()
	for k := 1; k < len(env); k++ {
		if env[k] < env[k-1] || env[k] > c.VDD || env[k] < 0 {
			t.Fatalf("envelope not monotone/bounded at %d", k)
		}
	}
	if d := c.EnvelopeDeviation(); math.Abs(d-m.LargestDrop) > 1e-12 {
		t.Errorf("envelope deviation %g ≠ largest drop %g", d, m.LargestDrop)
	}
	// The figures quoted in docs/neuron.md.
	checks := []struct {
		name      string
		got, want float64
		tol       float64 // relative
	}{
		{"threshold current (A)", m.ThresholdCurrent, 0.093e-6, 0.05},
		{"I at 90 % VDD (A)", m.I90, 1.446e-6, 0.02},
		{"slope (V/A)", m.Slope, 1.265e6, 0.03},
		{"max Vout (V)", m.MaxVout, 1.8656, 0.005},
		{"floor (V)", m.Floor, 0.0347, 0.05},
	}
	for _, ck := range checks {
		if math.Abs(ck.got-ck.want) > ck.tol*math.Abs(ck.want) {
			t.Errorf("%s = %.4g, documented %.4g", ck.name, ck.got, ck.want)
		}
	}
	if m.R2 < 0.999 {
		t.Errorf("R² = %.5f over 10–90 %% of the swing", m.R2)
	}
	t.Logf("threshold %.3g A, I90 %.4g A, slope %.4g V/A, intercept %.3g V, R² %.5f over %.3g–%.3g A (max dev %.3g V), max %.4f V at %.3g A, drop %.3g V",
		m.ThresholdCurrent, m.I90, m.Slope, m.Intercept, m.R2, m.FitFrom, m.FitTo, m.MaxLineDev, m.MaxVout, m.IAtMax, m.LargestDrop)
}

// TestSweep10k: a 10,000-point sweep converges at every point and agrees
// with operating points solved from scratch.
func TestSweep10k(t *testing.T) {
	in := Linspace(-2e-6, 12e-6, 10000)
	n := Default()
	c, err := Transfer(n, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Vout) != len(in) {
		t.Fatalf("%d points", len(c.Vout))
	}
	for k, v := range c.Vout {
		if math.IsNaN(v) || v < -1e-6 || v > c.VDD {
			t.Fatalf("point %d (%g A): Vout = %g", k, in[k], v)
		}
	}
	for _, k := range []int{0, 1, 1428, 1500, 2000, 5000, 6000, 9999} {
		d := Default()
		d.In.W = circuit.DC(in[k])
		sol, err := d.C.OperatingPoint()
		if err != nil {
			t.Fatalf("operating point at %g A: %v", in[k], err)
		}
		v, _ := sol.Voltage(NodeOut)
		if math.Abs(v-c.Vout[k]) > 1e-6 {
			t.Errorf("I = %g A: sweep %.7f V, fresh operating point %.7f V", in[k], c.Vout[k], v)
		}
	}
}

// mustTransfer is Transfer, failing the test on an error.
func mustTransfer(t *testing.T, n *Circuit, currents []float64) *TransferCurve {
	t.Helper()
	c, err := Transfer(n, currents)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSweepDirectionIndependent: sweeping down gives the same curve (one
// operating point per input: no hysteresis in the neuron).
func TestSweepDirectionIndependent(t *testing.T) {
	up := Linspace(-2e-6, 12e-6, 281)
	down := make([]float64, len(up))
	for k := range up {
		down[k] = up[len(up)-1-k]
	}
	a, b := mustTransfer(t, Default(), up), mustTransfer(t, Default(), down)
	for k := range up {
		if d := math.Abs(a.Vout[k] - b.Vout[len(up)-1-k]); d > 1e-5 {
			t.Errorf("I = %g A: up %g V, down %g V", up[k], a.Vout[k], b.Vout[len(up)-1-k])
		}
	}
}

// TestNegativeInputNeedsTheClamp: without the input clamp a negative
// input current has no DC path (the n-type diode TFT cannot sink it) and
// the solver says so; with it, the mirror input sits below ground and the
// output stays off.
func TestNegativeInputNeedsTheClamp(t *testing.T) {
	p := DefaultParams()
	p.Clamp = false
	n := MustBuild(device.DefaultParams(), p)
	_, err := Transfer(n, []float64{0, -1e-6})
	if !errors.Is(err, circuit.ErrNoConvergence) {
		t.Fatalf("without the clamp: err = %v, want ErrNoConvergence", err)
	}
	c, err := Transfer(Default(), []float64{-2e-6, -1e-6, -1e-9, 0})
	if err != nil {
		t.Fatal(err)
	}
	for k, i := range c.I {
		if c.Vin[k] > 0.1 && i < 0 || c.Vout[k] > 0.05 {
			t.Errorf("I = %g A: Vin %g V, Vout %g V", i, c.Vin[k], c.Vout[k])
		}
	}
	t.Logf("Vin at −2 µA = %.3f V (clamp conducting), Vout %.4f V", c.Vin[0], c.Vout[0])
}

// TestDeviceStampJacobians checks the analytic derivatives of every device
// stamp of the neuron (memristor current and state rate, the three TFTs)
// against central differences at the operating points of the transfer
// curve, where the solver uses them.
func TestDeviceStampJacobians(t *testing.T) {
	n, c := defaultCurve(t)
	m := n.Devices.Memristor
	check := func(what string, an, fd, scale float64) {
		t.Helper()
		if math.Abs(an-fd) > 1e-5*math.Abs(fd)+1e-7*scale {
			t.Errorf("%s: analytic %.9g, finite difference %.9g", what, an, fd)
		}
	}
	for k := 0; k < len(c.I); k += 7 {
		v, x := n.Params.VDD-c.Vout[k], c.State[k]
		const hv, hx = 1e-6, 1e-7
		i, gv, gx := m.Current(v, x)
		ip, _, _ := m.Current(v+hv, x)
		im, _, _ := m.Current(v-hv, x)
		check("di/dv", gv, (ip-im)/(2*hv), math.Abs(i)/math.Max(v, 0.1))
		ip, _, _ = m.Current(v, x+hx)
		im, _, _ = m.Current(v, x-hx)
		check("di/dx", gx, (ip-im)/(2*hx), math.Abs(i))
		f, fv, fx := m.StateRate(v, x)
		fp, _, _ := m.StateRate(v+hv, x)
		fm, _, _ := m.StateRate(v-hv, x)
		scale := math.Abs(f) + 1/m.TauSet
		check("df/dv", fv, (fp-fm)/(2*hv), scale)
		fp, _, _ = m.StateRate(v, x+hx)
		fm, _, _ = m.StateRate(v, x-hx)
		check("df/dx", fx, (fp-fm)/(2*hx), scale)
		for _, ft := range []struct {
			name     string
			tft      device.TFT
			vgs, vds float64
		}{
			{"m1", n.Devices.Diode, c.Vin[k], c.Vin[k]},
			{"m2", n.Devices.Output, c.Vin[k], c.Vout[k]},
			{"mc", n.Devices.Clamp, -c.Vin[k], -c.Vin[k]},
		} {
			id, gm, gds := ft.tft.Ids(ft.vgs, ft.vds)
			ip, _, _ := ft.tft.Ids(ft.vgs+hv, ft.vds)
			im, _, _ := ft.tft.Ids(ft.vgs-hv, ft.vds)
			sc := math.Abs(id) + 1e-12
			check(ft.name+" gm", gm, (ip-im)/(2*hv), sc)
			ip, _, _ = ft.tft.Ids(ft.vgs, ft.vds+hv)
			im, _, _ = ft.tft.Ids(ft.vgs, ft.vds-hv)
			check(ft.name+" gds", gds, (ip-im)/(2*hv), sc)
		}
	}
}

func TestParamsValidate(t *testing.T) {
	if err := DefaultParams().Validate(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		mod  func(*Params)
		key  string
	}{
		{"vdd zero", func(p *Params) { p.VDD = 0 }, "vdd_V"},
		{"vdd nan", func(p *Params) { p.VDD = math.NaN() }, "vdd_V"},
		{"load negative", func(p *Params) { p.RLoad = -1 }, "r_load_ohm"},
		{"load inf", func(p *Params) { p.RLoad = math.Inf(1) }, "r_load_ohm"},
		{"mirror zero", func(p *Params) { p.MirrorRatio = 0 }, "mirror_ratio"},
		{"overlap negative", func(p *Params) { p.LOverlap = -1e-6 }, "l_overlap_m"},
		{"cmem negative", func(p *Params) { p.CMem = -1e-12 }, "c_mem_F"},
		{"cwire huge", func(p *Params) { p.CWire = 1 }, "c_wire_F"},
		{"cnext nan", func(p *Params) { p.CNext = math.NaN() }, "c_next_F"},
	}
	for _, tc := range tests {
		p := DefaultParams()
		tc.mod(&p)
		err := p.Validate()
		if !errors.Is(err, ErrInvalidParam) || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%s: err = %v, want ErrInvalidParam naming %q", tc.name, err, tc.key)
		}
		if _, err := Build(device.DefaultParams(), p); err == nil {
			t.Errorf("%s: Build accepted invalid params", tc.name)
		}
	}
	bad := device.DefaultParams()
	bad.Memristor.RD = -1
	if _, err := Build(bad, DefaultParams()); err == nil {
		t.Error("Build accepted an invalid memristor")
	}
}
