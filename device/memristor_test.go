package device

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// closeRel reports whether a and b agree within rel relative to scale.
func closeRel(a, b, rel, scale float64) bool {
	return math.Abs(a-b) <= rel*math.Max(scale, math.Max(math.Abs(a), math.Abs(b)))
}

// partials returns the central differences of f's value at (a, b) in a,
// with step ha, and in b, with step hb.
func partials(f func(a, b float64) (float64, float64, float64), a, b, ha, hb float64) (da, db float64) {
	p, _, _ := f(a+ha, b)
	m, _, _ := f(a-ha, b)
	da = (p - m) / (2 * ha)
	p, _, _ = f(a, b+hb)
	m, _, _ = f(a, b-hb)
	return da, (p - m) / (2 * hb)
}

// checkRejected fails t unless err, the validation error of a parameter
// (field, JSON key) set to the invalid value v, names both and wraps
// ErrInvalidParam.
func checkRejected(t *testing.T, err error, field, key string, v float64) {
	t.Helper()
	switch {
	case err == nil:
		t.Errorf("%s = %g accepted", field, v)
	case !strings.Contains(err.Error(), field) || !strings.Contains(err.Error(), key):
		t.Errorf("%s = %g: error %q does not name the field and key", field, v, err)
	case !errors.Is(err, ErrInvalidParam):
		t.Errorf("%s = %g: error %q does not wrap ErrInvalidParam", field, v, err)
	}
}

func TestMemristorDerivativesMatchFiniteDifferences(t *testing.T) {
	fast := DefaultMemristor()
	fast.TauSetTh, fast.VA = 0.9e-6, 0.1
	for _, m := range []Memristor{DefaultMemristor(), fast} {
		checkMemristorDerivatives(t, m)
	}
}

func checkMemristorDerivatives(t *testing.T, m Memristor) {
	t.Helper()
	vs := []float64{-2.5, -1, -0.1, 0, 0.3, 1.0, 1.7, 1.95, 2.0, 2.05, 2.4, 3.0}
	xs := []float64{0, 0.05, 0.3, 0.5, 0.69, 0.85, 0.97, 1}
	for _, v := range vs {
		for _, x := range xs {
			i, didv, didx := m.Current(v, x)
			f, dfdv, dfdx := m.StateRate(v, x)
			hv, hx := 1e-6, 1e-7
			fdIV, fdIX := partials(m.Current, v, x, hv, hx)
			fdFV, fdFX := partials(m.StateRate, v, x, hv, hx)
			// Scales: a derivative is judged against the size of the
			// quantity over a unit change of its argument.
			iScale := math.Abs(i) + 1e-18
			a, _ := m.Acceleration(v)
			fScale := math.Abs(f) + a/m.TauRelax
			checks := []struct {
				name        string
				got, want   float64
				scale, rtol float64
			}{
				{"di/dv", didv, fdIV, iScale, 1e-6},
				{"di/dx", didx, fdIX, iScale, 1e-6},
				{"df/dv", dfdv, fdFV, fScale, 1e-5},
				{"df/dx", dfdx, fdFX, fScale, 1e-5},
			}
			for _, c := range checks {
				if !closeRel(c.got, c.want, c.rtol, c.scale) {
					t.Errorf("TauSetTh=%g v=%g x=%g: %s analytic %.8g, finite difference %.8g", m.TauSetTh, v, x, c.name, c.got, c.want)
				}
			}
		}
	}
}

func TestVoltageAtInvertsCurrent(t *testing.T) {
	m := DefaultMemristor()
	for _, x := range []float64{0, 0.4, 0.7, 1} {
		for _, i := range []float64{-1e-6, 0, 1e-9, 1e-7, 1e-6, 5e-6} {
			v, dvdi, dvdx := m.VoltageAt(i, x)
			got, didv, didx := m.Current(v, x)
			if !closeRel(got, i, 1e-12, 1e-15) {
				t.Errorf("x=%g: Current(VoltageAt(%g)) = %g", x, i, got)
			}
			if !closeRel(dvdi, 1/didv, 1e-12, 0) || !closeRel(dvdx, -didx/didv, 1e-12, 1e-30) {
				t.Errorf("x=%g i=%g: inverse derivatives inconsistent", x, i)
			}
		}
	}
}

func TestConductanceBelowG0(t *testing.T) {
	m := DefaultMemristor()
	for k := 0; k <= 1000; k++ {
		x := float64(k) / 1000
		g, dg := m.Conductance(x)
		if !(g < G0) || g <= 0 || dg < 0 {
			t.Fatalf("x=%g: G=%g S dG/dx=%g (want 0 < G < G0, dG/dx ≥ 0)", x, g, dg)
		}
	}
}

func TestRelaxedStateIsInsulating(t *testing.T) {
	m := DefaultMemristor()
	x := m.RelaxedState()
	if x > 1e-6 {
		t.Fatalf("relaxed state x = %g, want ≈ 0", x)
	}
	if f, _, _ := m.StateRate(0, x); math.Abs(f) > 1e-9/m.TauRelax {
		t.Errorf("relaxed state is not an equilibrium: dx/dt = %g", f)
	}
	if r := m.InsulatingResistance(); r < 5e8 || r > 2e9 {
		t.Errorf("insulating resistance %g Ω, want ~1 GΩ", r)
	}
}

// The steady state under current control is v(I) ≈ Vth − RD·I: the
// S-shaped characteristic that makes the neuron output linear in the input
// current (DESIGN.md, Neuron).
func TestSteadyStateVoltageFallsLinearly(t *testing.T) {
	m := DefaultMemristor()
	for k := 1; k <= 50; k++ {
		i := 0.1e-6 * float64(k)
		x, v, r, err := m.SteadyStateAtCurrent(i)
		if err != nil {
			t.Fatal(err)
		}
		want := m.Vth - m.RD*i
		if math.Abs(v-want) > 0.05 {
			t.Errorf("I=%g A: v=%g V, want Vth−RD·I = %g V ± 0.05", i, v, want)
		}
		if f, _, _ := m.StateRate(v, x); math.Abs(f) > 1e-6/m.TauRelax {
			t.Errorf("I=%g A: not a steady state, dx/dt = %g", i, f)
		}
		if !closeRel(r, v/i, 1e-12, 0) {
			t.Errorf("R=%g, V/I=%g", r, v/i)
		}
	}
}

// Integrating the state equation at constant current reaches the steady
// state returned by SteadyStateAtCurrent: the R(I) curve is the steady
// state of the dynamics.
func TestSteadyStateIsReachedByDynamics(t *testing.T) {
	m := DefaultMemristor()
	for _, i := range []float64{1e-7, 1e-6, 4e-6} {
		w, _, err := simulate(&m, m.RelaxedState(), []segment{{source{vs: 20, ilim: i}, 20 * m.TauRelax}}, dxPulse)
		if err != nil {
			t.Fatal(err)
		}
		end := w[len(w)-1]
		_, v, r, _ := m.SteadyStateAtCurrent(i)
		if !closeRel(end.V/end.I, r, 1e-3, 0) || !closeRel(end.V, v, 1e-3, 0) {
			t.Errorf("I=%g: dynamics end at R=%g Ω (V=%g), steady state R=%g Ω (V=%g)", i, end.V/end.I, end.V, r, v)
		}
	}
}

func TestSteadyStateRejectsBadCurrent(t *testing.T) {
	m := DefaultMemristor()
	for _, i := range []float64{-1e-6, math.NaN(), math.Inf(1)} {
		if _, _, _, err := m.SteadyStateAtCurrent(i); err == nil {
			t.Errorf("I=%g: want error", i)
		}
	}
}

func TestMemristorValidateRejects(t *testing.T) {
	type mod struct {
		field, key string
		set        func(m *Memristor, v float64)
	}
	mods := []mod{
		{"GMin", "g_min_S", func(m *Memristor, v float64) { m.GMin = v }},
		{"GMax", "g_max_S", func(m *Memristor, v float64) { m.GMax = v }},
		{"Gap0", "gap0_m", func(m *Memristor, v float64) { m.Gap0 = v }},
		{"Lambda", "lambda_m", func(m *Memristor, v float64) { m.Lambda = v }},
		{"VNL", "v_nl_V", func(m *Memristor, v float64) { m.VNL = v }},
		{"Vth", "v_th_V", func(m *Memristor, v float64) { m.Vth = v }},
		{"V0", "v0_V", func(m *Memristor, v float64) { m.V0 = v }},
		{"RD", "r_d_ohm", func(m *Memristor, v float64) { m.RD = v }},
		{"TauRelax", "tau_relax_s", func(m *Memristor, v float64) { m.TauRelax = v }},
		{"TauSet", "tau_set_s", func(m *Memristor, v float64) { m.TauSet = v }},
	}
	def := DefaultMemristor()
	if err := def.Validate(); err != nil {
		t.Fatalf("default invalid: %v", err)
	}
	for _, md := range mods {
		for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), -1, 0} {
			m := DefaultMemristor()
			md.set(&m, bad)
			checkRejected(t, m.Validate(), md.field, md.key, bad)
		}
	}
	// Range checks beyond positivity.
	cases := []struct {
		field string
		set   func(m *Memristor)
	}{
		{"GMax", func(m *Memristor) { m.GMax = G0 }},
		{"GMax", func(m *Memristor) { m.GMax = 1e-3 }},
		{"GMin", func(m *Memristor) { m.GMin = m.GMax }},
		{"V0", func(m *Memristor) { m.V0 = 3 }},
		{"TauSet", func(m *Memristor) { m.TauSet = m.TauRelax }},
		{"Gap0", func(m *Memristor) { m.Gap0 = 1e-6 }},
	}
	for _, c := range cases {
		m := DefaultMemristor()
		c.set(&m)
		if err := m.Validate(); err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s out of range: got %v", c.field, err)
		}
	}
}

// A wild Newton iterate must meet a finite current.
func TestCurrentFiniteForHugeVoltage(t *testing.T) {
	m := DefaultMemristor()
	for _, v := range []float64{-1e4, -200, 200, 1e4} {
		i, didv, didx := m.Current(v, 0.5)
		f, dfdv, dfdx := m.StateRate(v, 0.5)
		for _, q := range []float64{i, didv, didx, f, dfdv, dfdx} {
			if math.IsNaN(q) || math.IsInf(q, 0) {
				t.Fatalf("v=%g: non-finite output", v)
			}
		}
		vb, _, _ := m.VoltageAt(i, 0.5)
		if !closeRel(vb, v, 1e-9, 0) {
			t.Errorf("VoltageAt(Current(%g)) = %g", v, vb)
		}
	}
}

// The solver interface is called in hot loops: it must not allocate.
func TestSolverInterfaceDoesNotAllocate(t *testing.T) {
	m := DefaultMemristor()
	d := DefaultTFT()
	var sink float64
	allocs := testing.AllocsPerRun(100, func() {
		i, a, b := m.Current(1.7, 0.69)
		f, c, e := m.StateRate(1.7, 0.69)
		id, gm, gds := d.Ids(1.5, 2)
		sink += i + a + b + f + c + e + id + gm + gds
	})
	if allocs != 0 {
		t.Errorf("%g allocations per call", allocs)
	}
	_ = sink
}

func TestAccelerationKeepsSteadyStateAndRelaxation(t *testing.T) {
	fast := DefaultMemristor()
	slow := fast
	slow.TauSetTh = 0
	if a, _ := slow.Acceleration(2); a != 1 {
		t.Fatalf("TauSetTh = 0: A(2 V) = %g, want 1", a)
	}
	// At zero bias the relaxation is (almost) unaccelerated.
	if a, _ := fast.Acceleration(0); a > 1+1e-6 {
		t.Errorf("A(0) = %g, want ≈ 1", a)
	}
	// At the threshold the set rate is ≈ 1/TauSetTh: A·ks(Vth) ≈
	// (1+τR/τN)/(τR+τS), within the +1 and the saturation's 2 %.
	a, _ := fast.Acceleration(fast.Vth)
	ks, _ := fast.setRate(fast.Vth)
	sat := math.Exp(accelSat) / (1 + math.Exp(accelSat)) // the saturation's share at the threshold
	want := (1 + sat*fast.TauRelax/fast.TauSetTh) / (fast.TauRelax + fast.TauSet) * fast.TauSetTh
	if got := a * ks * fast.TauSetTh; math.Abs(got/want-1) > 1e-3 {
		t.Errorf("set rate at Vth × TauSetTh = %g, want ≈ 1", got)
	}
	// The steady state under current does not depend on the acceleration.
	for _, i := range []float64{1e-8, 1e-7, 1e-6, 5e-6} {
		_, v1, _, err1 := slow.SteadyStateAtCurrent(i)
		_, v2, _, err2 := fast.SteadyStateAtCurrent(i)
		if err1 != nil || err2 != nil || math.Abs(v1-v2) > 1e-9 {
			t.Errorf("I = %g A: steady voltage %g V without, %g V with acceleration (%v, %v)", i, v1, v2, err1, err2)
		}
	}
	// Invalid settings are refused by name.
	for _, tn := range []float64{-1, math.NaN(), math.Inf(1), 1} {
		m := fast
		m.TauSetTh = tn
		if err := m.Validate(); err == nil || !strings.Contains(err.Error(), "tau_set_th_s") {
			t.Errorf("TauSetTh = %g: error %v, want one naming tau_set_th_s", tn, err)
		}
	}
}
