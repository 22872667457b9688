package circuit

import (
	"fmt"
	"math"
)

// Test-only device models. They implement the Spice* interfaces so that the
// same circuits run in ngspice.

// squareFET is a source/drain-symmetric square-law NMOS:
// Ids = K·(vov·vds − vds²/2)·(1+λ·vds) in triode, K/2·vov²·(1+λ·vds) in
// saturation, 0 below threshold (vov = vgs − Vt ≤ 0), C¹ everywhere.
type squareFET struct{ K, Vt, Lambda float64 }

func (m squareFET) fwd(vgs, vds float64) (id, gm, gds float64) {
	vov := vgs - m.Vt
	if vov <= 0 {
		return 0, 0, 0
	}
	clm := 1 + m.Lambda*vds
	var core, dg, dd float64
	if vds < vov {
		core = m.K * (vov*vds - vds*vds/2)
		dg, dd = m.K*vds, m.K*(vov-vds)
	} else {
		core = m.K / 2 * vov * vov
		dg = m.K * vov
	}
	return core * clm, dg * clm, dd*clm + core*m.Lambda
}

func (m squareFET) Ids(vgs, vds float64) (id, gm, gds float64) {
	if vds >= 0 {
		return m.fwd(vgs, vds)
	}
	i, g1, g2 := m.fwd(vgs-vds, -vds)
	return -i, -g1, g1 + g2
}

func (m squareFET) spiceFwd(a, b string) string {
	ov := fmt.Sprintf("((%s)-%s)", a, fmtNum(m.Vt))
	return fmt.Sprintf("(%s <= 0 ? 0 : ((%s) < %s ? %s*(%s*(%s)-(%s)*(%s)/2) : %s*%s*%s)*(1+%s*(%s)))",
		ov, b, ov, fmtNum(m.K), ov, b, b, b, fmtNum(m.K/2), ov, ov, fmtNum(m.Lambda), b)
}

func (m squareFET) SpiceIds(vgs, vds string) string {
	return fmt.Sprintf("((%s) >= 0 ? %s : -%s)", vds, m.spiceFwd(vgs, vds),
		m.spiceFwd("("+vgs+")-("+vds+")", "-("+vds+")"))
}

// diode is an exponential junction as a StatefulModel whose dummy state
// decays to 0 and does not affect the current.
type diode struct{ Is, NVt float64 }

func (d diode) Current(v, x float64) (i, didv, didx float64) {
	e := math.Exp(v / d.NVt)
	return d.Is * (e - 1), d.Is * e / d.NVt, 0
}
func (d diode) StateRate(v, x float64) (dxdt, dfdv, dfdx float64) { return -1e3 * x, 0, -1e3 }
func (d diode) StateBounds() (lo, hi float64)                     { return -1, 1 }
func (d diode) SpiceCurrent(v, x string) string {
	return fmt.Sprintf("%s*(exp((%s)/%s)-1)", fmtNum(d.Is), v, fmtNum(d.NVt))
}
func (d diode) SpiceRate(v, x string) string { return fmt.Sprintf("-1e3*(%s)", x) }

// toyMem is a volatile threshold memristor: conductance linear in the state,
// and the state relaxes with time constant Tau to a logistic target whose
// threshold falls as the device sets (set voltage Vset, hold ≈ Vset − DV):
//
//	i     = (Goff + (Gon−Goff)·x)·v
//	dx/dt = (σ((v − Vset + DV·x)/Vs) − x)/Tau
//
// x stays in (0, 1) by construction. Driven by a voltage it is bistable
// (hysteresis); driven by a current its voltage falls as the current rises
// (negative differential resistance).
type toyMem struct{ Gon, Goff, Vset, DV, Vs, Tau float64 }

func defaultToyMem() toyMem {
	return toyMem{Gon: 1e-4, Goff: 1e-6, Vset: 1.0, DV: 0.5, Vs: 0.05, Tau: 1e-6}
}

func (m toyMem) Current(v, x float64) (i, didv, didx float64) {
	g := m.Goff + (m.Gon-m.Goff)*x
	return g * v, g, (m.Gon - m.Goff) * v
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

func (m toyMem) StateRate(v, x float64) (dxdt, dfdv, dfdx float64) {
	s := sigmoid((v - m.Vset + m.DV*x) / m.Vs)
	ds := s * (1 - s) / m.Vs
	return (s - x) / m.Tau, ds / m.Tau, (ds*m.DV - 1) / m.Tau
}

func (m toyMem) StateBounds() (lo, hi float64) { return 0, 1 }

func (m toyMem) SpiceCurrent(v, x string) string {
	return fmt.Sprintf("(%s+%s*(%s))*(%s)", fmtNum(m.Goff), fmtNum(m.Gon-m.Goff), x, v)
}

func (m toyMem) SpiceRate(v, x string) string {
	return fmt.Sprintf("(1/(1+exp(-((%s)-%s+%s*(%s))/%s))-(%s))/%s",
		v, fmtNum(m.Vset), fmtNum(m.DV), x, fmtNum(m.Vs), x, fmtNum(m.Tau))
}

// nanModel returns NaN from everything.
type nanModel struct{}

func (nanModel) Current(v, x float64) (i, didv, didx float64) {
	return math.NaN(), math.NaN(), math.NaN()
}
func (nanModel) StateRate(v, x float64) (dxdt, dfdv, dfdx float64) {
	return math.NaN(), math.NaN(), math.NaN()
}
func (nanModel) StateBounds() (lo, hi float64) { return 0, 1 }

// Test circuits.

// mirrorCircuit: input current into a diode-connected NMOS, copied by a
// second NMOS that sinks it from a resistive load on a 2 V supply.
func mirrorCircuit() *Circuit {
	c := mirror()
	c.AddResistor("rl", "vdd", "out", 50e3)
	return c
}

// neuronCircuit: the 2T-1M topology with test models: mirror as above, the
// toy memristor from the supply to the output, a 10 MΩ load to ground.
func neuronCircuit() *Circuit {
	c := mirror()
	c.AddStateful("mem", "vdd", "out", defaultToyMem())
	c.AddResistor("rload", "out", "0", 10e6)
	return c
}

// mirror: the 2 V supply and the input current into the diode-connected
// NMOS m1, copied by m2 from node out, which has no load yet.
func mirror() *Circuit {
	c := New()
	fet := squareFET{K: 1e-4, Vt: 0.5, Lambda: 0.02}
	c.AddVoltageSource("vdd", "vdd", "0", DC(2))
	c.AddCurrentSource("iin", "0", "g", DC(0))
	c.AddFET("m1", "g", "g", "0", fet)
	c.AddFET("m2", "out", "g", "0", fet)
	return c
}
