package device

// The circuit-solver and SPICE side of the models: StateBounds completes
// the circuit.StatefulModel interface of *Memristor, and the Spice* methods
// write the same functions as ngspice behavioural (B-source) expressions,
// so that *Memristor satisfies circuit.SpiceStateful and *TFT satisfies
// circuit.SpiceFET. This package does not import circuit; the interfaces
// are satisfied structurally.
//
// Every expression mirrors the Go code term by term, branches included
// (ngspice's ternary operator takes the place of Go's if), and every
// constant is written with full float64 precision, so that ngspice
// evaluates the same function as Current, StateRate and Ids up to rounding
// (device/spice_test.go checks this through ngspice). The only deliberate
// difference is log1p(e), written as ln(1+e): it differs only when
// e < 1e-16, i.e. for a TFT current below 1e-35 A.

import (
	"fmt"
	"math"
	"strconv"
)

// num formats a constant for a netlist with full precision.
func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// StateBounds returns the interval [0, 1] of the memristor state (0
// relaxed, 1 bridged), for circuit.StatefulModel. The dynamics never leave
// it: dx/dt > 0 at x = 0 and < 0 at x = 1.
func (m *Memristor) StateBounds() (lo, hi float64) { return 0, 1 }

// spiceConductance is G(x) = GMin + (GMax−GMin)·exp(−(Gap0/Lambda)·(1−x)).
func (m *Memristor) spiceConductance(x string) string {
	return fmt.Sprintf("(%s+%s*exp(-%s*(1-(%s))))", num(m.GMin), num(m.GMax-m.GMin), num(m.Gap0/m.Lambda), x)
}

// spiceShape is VNL·sinh(v/VNL), continued linearly beyond |v/VNL| = 40
// (see shape).
func (m *Memristor) spiceShape(v string) string {
	u := fmt.Sprintf("((%s)/%s)", v, num(m.VNL))
	s0 := m.VNL * math.Sinh(sinhLimit)
	c := math.Cosh(sinhLimit)
	lim := num(sinhLimit)
	return fmt.Sprintf("(%s > %s ? %s+%s*((%s)-%s) : (%s < -%s ? -%s+%s*((%s)+%s) : %s*sinh(%s)))",
		u, lim, num(s0), num(c), v, num(m.VNL*sinhLimit),
		u, lim, num(s0), num(c), v, num(m.VNL*sinhLimit),
		num(m.VNL), u)
}

// SpiceCurrent returns the ngspice expression of i(v, x) = G(x)·VNL·sinh(v/VNL)
// (A, from the Cu electrode to the bottom electrode) for the expressions v
// (V) and x of the terminal voltage and the state, for circuit.SpiceStateful.
func (m *Memristor) SpiceCurrent(v, x string) string {
	return fmt.Sprintf("(%s*%s)", m.spiceConductance(x), m.spiceShape(v))
}

// spiceLogistic is 1/(1+exp(−z)) written without overflow in either
// direction, as logistic does (an overflowing exp would make ngspice's
// derivative NaN).
func spiceLogistic(z string) string {
	return fmt.Sprintf("((%s) >= 0 ? 1/(1+exp(-(%s))) : exp(%s)/(1+exp(%s)))", z, z, z, z)
}

// SpiceRate returns the ngspice expression of the state equation
// dx/dt = A(v)·[ks(ve)·(1−x) − x/TauRelax] with ve = v + RD·i (1/s), for circuit.SpiceStateful.
//
// For a tabulated device (Table) the drive is v − Vhold(i), Vhold written
// as the same piecewise cubic (spiceHold), so the expression grows with
// the table's rows (≈ 4.5 kB per row: the drive appears four times in
// the logistic). An invalid table writes NaN.
func (m *Memristor) SpiceRate(v, x string) string {
	th := m.Vth
	ve := fmt.Sprintf("((%s)+%s*%s)", v, num(m.RD), m.SpiceCurrent(v, x))
	if m.Table != nil {
		if m.hold().err != nil {
			return "(0/0)"
		}
		th = 0
		ve = fmt.Sprintf("((%s)-%s)", v, m.spiceHold(m.SpiceCurrent(v, x)))
	}
	z := fmt.Sprintf("(%s-%s)/%s-%s", ve, num(th), num(m.V0), num(math.Log(m.TauRelax/m.TauSet)))
	rate := fmt.Sprintf("(%s*%s*(1-(%s))-(%s)/%s)", num(1/m.TauSet), spiceLogistic(z), x, x, num(m.TauRelax))
	if m.TauSetTh == 0 {
		return rate
	}
	if m.Table != nil {
		th = m.Threshold()
	}
	u := fmt.Sprintf("((%s)-%s)/%s-%s", v, num(th), num(m.VA), num(accelSat))
	acc := fmt.Sprintf("(1+%s*%s)", num(m.TauRelax/m.TauSetTh*math.Exp(accelSat)), spiceLogistic(u))
	return "(" + acc + "*" + rate + ")"
}

// spiceCharge is F(u) = (A·softplus(u/A))², softplus(z) = max(z,0) + ln(1+exp(−|z|)).
func spiceCharge(u string, a float64) string {
	z := fmt.Sprintf("((%s)/%s)", u, num(a))
	l := fmt.Sprintf("(%s*((%s > 0 ? %s : 0)+ln(1+exp(-abs(%s)))))", num(a), z, z, z)
	return "(" + l + "*" + l + ")"
}

// SpiceIds returns the ngspice expression of the drain current Ids(vgs, vds)
// (A, into the drain) for the expressions vgs and vds (V), for
// circuit.SpiceFET.
func (t *TFT) SpiceIds(vgs, vds string) string {
	a := 2 * t.IdealityFactor() * t.thermalVoltage()
	fs := spiceCharge(fmt.Sprintf("(%s)-%s", vgs, num(t.Vth)), a)
	fd := spiceCharge(fmt.Sprintf("(%s)-(%s)-%s", vgs, vds, num(t.Vth)), a)
	clm := fmt.Sprintf("(1+%s*(sqrt((%s)*(%s)+%s)-%s))", num(t.LambdaCLM), vds, vds, num(clmSmooth*clmSmooth), num(clmSmooth))
	return fmt.Sprintf("(%s*(%s-%s)*%s+%s*(%s))", num(0.5*t.Beta()), fs, fd, clm, num(t.GLeak), vds)
}

// spiceHold is the ngspice expression of the tabulated hold voltage
// Vhold(i) (V) for the current expression i: the same piecewise cubic as
// holdCurve.eval (a binary tree of ternaries over the segments, each
// segment a Hermite cubic in Horner form, the linear continuations
// outside the rows and Vhold(0) for i ≤ 0).
func (m *Memristor) spiceHold(i string) string {
	c := m.hold()
	n := len(c.i)
	lin := func(k int) string {
		return fmt.Sprintf("(%s+%s*((%s)-%s))", num(c.h[k]), num(c.m[k]), i, num(c.i[k]))
	}
	seg := func(k int) string {
		h := c.i[k+1] - c.i[k]
		d := c.h[k+1] - c.h[k]
		c1, c2, c3 := h*c.m[k], 3*d-2*h*c.m[k]-h*c.m[k+1], h*c.m[k]+h*c.m[k+1]-2*d
		t := fmt.Sprintf("(((%s)-%s)/%s)", i, num(c.i[k]), num(h))
		return fmt.Sprintf("(%s+%s*(%s+%s*(%s+%s*%s)))", num(c.h[k]), t, num(c1), t, num(c2), t, num(c3))
	}
	var tree func(lo, hi int) string // segments lo..hi-1
	tree = func(lo, hi int) string {
		if hi-lo == 1 {
			return seg(lo)
		}
		mid := (lo + hi) / 2
		return fmt.Sprintf("((%s) < %s ? %s : %s)", i, num(c.i[mid]), tree(lo, mid), tree(mid, hi))
	}
	return fmt.Sprintf("((%s) <= 0 ? %s : ((%s) <= %s ? %s : ((%s) >= %s ? %s : %s)))",
		i, num(c.h0), i, num(c.i[0]), lin(0), i, num(c.i[n-1]), lin(n-1), tree(0, n-1))
}
