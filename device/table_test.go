package device

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/internal/testutil"
)

// tabulateSteadyState returns m tabulated from its own steady state at n
// currents log-spaced from lo to hi (A).
func tabulateSteadyState(t *testing.T, m Memristor, lo, hi float64, n int) Memristor {
	t.Helper()
	var is, vs []float64
	for k := 0; k < n; k++ {
		i := lo * math.Pow(hi/lo, float64(k)/float64(n-1))
		_, v, _, err := m.SteadyStateAtCurrent(i)
		if err != nil {
			t.Fatal(err)
		}
		is, vs = append(is, i), append(vs, v)
	}
	tab, err := NewTable(is, vs, "self")
	if err != nil {
		t.Fatal(err)
	}
	m.Table = tab
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	return m
}

// powerLawTable is R = r1·(I/1 µA)^p at n currents from 0.1 to 8 µA
// (noise-free: the hostile devices of issue 13).
func powerLawTable(t *testing.T, r1, p float64, n int) *Table {
	t.Helper()
	var is, vs []float64
	for k := 0; k < n; k++ {
		i := 0.1e-6 * math.Pow(80, float64(k)/float64(n-1))
		is, vs = append(is, i), append(vs, r1*math.Pow(i/1e-6, p)*i)
	}
	tab, err := NewTable(is, vs, "power law")
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

// TestTableOfDefaultIsTheDefault: the default device tabulated from its
// own steady state (30 rows, 0.1–5 µA) is the compact device: the hold
// voltage recovered from the rows is Vth − RD·I, so threshold, slope and
// the steady state agree inside, below and above the rows.
func TestTableOfDefaultIsTheDefault(t *testing.T) {
	m := DefaultMemristor()
	mt := tabulateSteadyState(t, m, 0.1e-6, 5e-6, 30)
	if d := math.Abs(mt.Threshold() - m.Vth); d > 1e-9 {
		t.Errorf("threshold %.12g V, compact Vth %g V", mt.Threshold(), m.Vth)
	}
	if d := math.Abs(mt.EffectiveRD()/m.RD - 1); d > 1e-6 {
		t.Errorf("effective r_d %.9g Ω, compact %g Ω", mt.EffectiveRD(), m.RD)
	}
	worst := 0.0
	for _, i := range []float64{0, 1e-9, 20e-9, 0.05e-6, 0.1e-6, 0.33e-6, 1e-6, 2.7e-6, 5e-6, 6.5e-6, 8e-6, 12e-6} {
		xc, vc, _, err1 := m.SteadyStateAtCurrent(i)
		xt, vt, _, err2 := mt.SteadyStateAtCurrent(i)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		worst = math.Max(worst, math.Abs(vt-vc))
		if math.Abs(vt-vc) > 1e-8 || math.Abs(xt-xc) > 1e-8 {
			t.Errorf("I = %g A: tabulated v %.10g V x %.8g, compact %.10g V x %.8g", i, vt, xt, vc, xc)
		}
	}
	t.Logf("largest steady-state voltage difference 0–12 µA: %.3g V", worst)
	// The rate and its derivatives agree off the steady state too.
	for _, v := range []float64{-1, 0, 0.5, 1.5, 1.9, 1.98, 2.05} {
		for _, x := range []float64{0, 0.2, 0.6, 0.95} {
			a, av, ax := m.StateRate(v, x)
			b, bv, bx := mt.StateRate(v, x)
			// Below zero current the table holds Vhold(0) where the
			// compact form continues Vth − RD·i: both rates are then
			// e^−90 of the threshold's or less.
			if !near(a, b, 1e-7) || !near(av, bv, 1e-7) || !near(ax, bx, 1e-7) {
				t.Errorf("StateRate(%g, %g): tabulated %g %g %g, compact %g %g %g", v, x, b, bv, bx, a, av, ax)
			}
		}
	}
	if math.Abs(mt.RelaxedState()-m.RelaxedState()) > 1e-12*m.RelaxedState()+1e-300 {
		t.Errorf("relaxed state %g vs %g", mt.RelaxedState(), m.RelaxedState())
	}
}

func near(a, b, rel float64) bool {
	return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))+1e-30
}

// TestTableSteadyStateIsTheTable: a device the compact form cannot
// represent (R ∝ I^−0.5, R ∝ I^−0.9) reproduces its rows exactly, and
// the extrapolations are the documented ones.
func TestTableSteadyStateIsTheTable(t *testing.T) {
	for _, c := range []struct{ r1, p float64 }{{2e6, -0.5}, {2e5, -0.9}} {
		m := DefaultMemristor()
		m.Table = powerLawTable(t, c.r1, c.p, 30)
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
		for k, i := range m.Table.I {
			_, _, r, err := m.SteadyStateAtCurrent(i)
			if err != nil || math.Abs(r/(m.Table.V[k]/i)-1) > 1e-9 {
				t.Errorf("R ∝ I^%g row %d: steady R %g Ω, table %g Ω (%v)", c.p, k+1, r, m.Table.V[k]/i, err)
			}
		}
		// Between the rows R keeps falling.
		prev := math.Inf(1)
		for k := 0; k <= 200; k++ {
			i := 0.1e-6 * math.Pow(80, float64(k)/200)
			_, _, r, _ := m.SteadyStateAtCurrent(i)
			if r > prev*(1+1e-9) {
				t.Errorf("R ∝ I^%g: R rises at %g A", c.p, i)
			}
			prev = r
		}
		hc := m.hold()
		n := len(hc.i)
		h0, d0 := m.HoldVoltage(0)
		hn, dn := m.HoldVoltage(-1e-6)
		lo, dlo := m.HoldVoltage(0.05e-6)
		hi, dhi := m.HoldVoltage(16e-6)
		if h0 != m.Threshold() || hn != h0 || d0 != 0 || dn != 0 {
			t.Errorf("Vhold(i ≤ 0) = %g, %g, want the threshold %g held constant", h0, hn, m.Threshold())
		}
		if math.Abs(lo-(hc.h[0]+hc.m[0]*(0.05e-6-hc.i[0]))) > 1e-12 || dlo != hc.m[0] {
			t.Errorf("below the rows: %g, not the first segment's line", lo)
		}
		if math.Abs(hi-(hc.h[n-1]+hc.m[n-1]*(16e-6-hc.i[n-1]))) > 1e-12 || dhi != hc.m[n-1] {
			t.Errorf("above the rows: %g, not the last tangent's line", hi)
		}
		t.Logf("R ∝ I^%g: threshold %.4g V, effective r_d %.4g Ω", c.p, m.Threshold(), m.EffectiveRD())
	}
}

// TestTableDerivativesMatchFiniteDifferences checks the analytic
// derivatives of the tabulated rate, inside, below and above the rows.
func TestTableDerivativesMatchFiniteDifferences(t *testing.T) {
	m := DefaultMemristor()
	m.Table = powerLawTable(t, 2e6, -0.5, 12)
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, v := range []float64{0.3, 0.8, 1.2, 1.6, 1.9} {
		for _, x := range []float64{0.1, 0.4, 0.7, 0.9} {
			_, fv, fx := m.StateRate(v, x)
			const h = 1e-7
			nv, nx := partials(m.StateRate, v, x, h, h)
			if math.Abs(fv-nv) > 1e-4*math.Abs(nv)+1e-3 || math.Abs(fx-nx) > 1e-4*math.Abs(nx)+1e-3 {
				t.Errorf("v %g x %g: df/dv %g (fd %g), df/dx %g (fd %g)", v, x, fv, nv, fx, nx)
			}
		}
	}
}

// TestTableNoSwitchingUnderNegativeBias: from the relaxed state, a
// negative voltage only relaxes the tabulated device.
func TestTableNoSwitchingUnderNegativeBias(t *testing.T) {
	m := DefaultMemristor()
	m.Table = powerLawTable(t, 2e5, -0.9, 30)
	x0 := m.RelaxedState()
	for _, v := range []float64{-0.1, -1, -2, -5} {
		if f, _, _ := m.StateRate(v, x0); f > 1e-30 {
			t.Errorf("v = %g V: dx/dt = %g > 0 at the relaxed state", v, f)
		}
	}
}

// TestTableValidateNamesTheRow: bad rows are errors naming the row and
// the key; none panics.
func TestTableValidateNamesTheRow(t *testing.T) {
	good := powerLawTable(t, 2e6, -0.5, 5)
	cp := func(f func(i, v []float64)) *Table {
		i, v := append([]float64(nil), good.I...), append([]float64(nil), good.V...)
		f(i, v)
		return &Table{I: i, V: v}
	}
	for _, c := range []struct {
		t    *Table
		want string
	}{
		{cp(func(i, v []float64) { i[2] = i[1] }), "row 3: i_A"},
		{cp(func(i, v []float64) { v[3] = math.NaN() }), "row 4: v_V"},
		{cp(func(i, v []float64) { i[0] = -1e-7 }), "row 1: i_A"},
		{cp(func(i, v []float64) { v[4] = v[4] * 3 }), "row 5: v_V = "},
		{cp(func(i, v []float64) { v[4] = v[4] * 3 }), "resistance rises"},
		{&Table{I: []float64{1e-6}, V: []float64{1}}, "need at least 2"},
		{&Table{I: []float64{1e-6, 2e-6}, V: []float64{1}}, `"v_V" 1`},
		{&Table{I: make([]float64, MaxTableRows+1), V: make([]float64, MaxTableRows+1)}, "at most"},
		{&Table{I: []float64{1e-6, 2e-6}, V: []float64{1e4, 1e4}}, "not above the relaxed"},  // 10 GΩ: below GMin
		{&Table{I: []float64{1e-6, 2e-6}, V: []float64{0.01, 0.01}}, "closed gap's g_max_S"}, // 5 kΩ: above GMax
		{&Table{I: []float64{1e-6, 2e-6}, V: []float64{1, 1.5}, DefaultKinetics: []string{"bogus"}}, "default_kinetics"},
		{&Table{I: []float64{1e-6, 2e-6}, V: []float64{1, 1.5}, ShiftV: math.Inf(1)}, "shift_V"},
		{&Table{I: []float64{1e-6, 2e-6}, V: []float64{0.5, 1}}, "zero current"},
	} {
		m := DefaultMemristor()
		m.Table = c.t
		err := m.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, ErrTable) {
			t.Errorf("want an error with %q, got %v", c.want, err)
		}
		if !math.IsNaN(m.Threshold()) && !strings.Contains(c.want, "at least") {
			m.Threshold() // must not panic either way
		}
		m.StateRate(1, 0.5) // no panic on an invalid table
	}
}

// TestTableVariationShiftsTheThreshold: a sampled tabulated device has
// its own table, moved by the relative threshold draw; the nominal one
// is untouched; the random streams stay aligned with the compact model's.
func TestTableVariationShiftsTheThreshold(t *testing.T) {
	m := DefaultMemristor()
	m.Table = powerLawTable(t, 2e6, -0.5, 30)
	th := m.Threshold()
	d := DefaultDeviceVariation()
	r1, r2 := rand.New(rand.NewPCG(3, 4)), rand.New(rand.NewPCG(3, 4))
	for k := 0; k < 5; k++ {
		s := d.SampleMemristor(m, r1)
		c := d.SampleMemristor(DefaultMemristor(), r2)
		if s.Table == m.Table || s.Table.ShiftV == 0 {
			t.Fatal("the sampled device shares the nominal table or is not shifted")
		}
		if err := s.Validate(); err != nil {
			t.Fatal(err)
		}
		want := th * (c.Vth/m.Vth - 1)
		if got := s.Threshold() - th; math.Abs(got-want) > 1e-3*math.Abs(want)+2e-3 {
			t.Errorf("sample %d: threshold moved %g V, the relative draw gives %g V", k, got, want)
		}
		if s.GMax != c.GMax || s.Vth != c.Vth || s.RD != m.RD {
			t.Errorf("sample %d: streams out of step or Vth/RD changed", k)
		}
	}
	if m.Threshold() != th || m.Table.ShiftV != 0 {
		t.Error("sampling changed the nominal table")
	}
	w := m.WithThreshold(1.5)
	if math.Abs(w.Threshold()-1.5) > 1e-12 || m.Threshold() != th {
		t.Errorf("WithThreshold(1.5): %g (nominal %g)", w.Threshold(), m.Threshold())
	}
	if !m.Equal(m) || m.Equal(w) || m.Equal(DefaultMemristor()) {
		t.Error("Equal")
	}
	if !strings.Contains(m.Describe(), "tabulated memristor (30 rows from power law") {
		t.Errorf("Describe: %s", m.Describe())
	}
}

// TestTableSpiceMatchesModel evaluates the tabulated SpiceRate (the hold
// voltage as nested ternaries of the same cubics) in ngspice and
// compares it with StateRate over a voltage range that crosses every
// table segment and both extrapolations.
func TestTableSpiceMatchesModel(t *testing.T) {
	exe := testutil.RequireNgspice(t, "the SPICE expression check")
	m := DefaultMemristor()
	m.Table = powerLawTable(t, 2e6, -0.5, 30)
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	xs := []float64{0.2, 0.5, 0.62, 0.8, 0.95}
	var exprs []string
	for _, x := range xs {
		exprs = append(exprs, m.SpiceRate("v(s)", num(x)))
	}
	t.Logf("expression length %d bytes for %d rows", len(exprs[0]), len(m.Table.I))
	vs, cols := evalInNgspice(t, exe, -1, 3, 0.005, exprs)
	if len(vs) < 700 {
		t.Fatalf("ngspice returned %d points", len(vs))
	}
	worst := 0.0
	for k, x := range xs {
		for j, v := range vs {
			want, _, _ := m.StateRate(v, x)
			a, _ := m.Acceleration(v)
			abs := 1e-9 * (math.Abs(want) + 2*a*x/m.TauRelax)
			if got := cols[k][j]; !relClose(got, want, 1e-9, abs) {
				t.Fatalf("x=%g v=%g: ngspice %.15g, Go %.15g", x, v, got, want)
			}
			if want != 0 {
				worst = math.Max(worst, math.Abs(cols[k][j]-want)/math.Abs(want))
			}
		}
	}
	t.Logf("worst relative difference %.2g", worst)
}
