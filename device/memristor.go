package device

import (
	"errors"
	"fmt"
	"math"

	"github.com/mrelu/mrelu/internal/paramcheck"
)

// G0 is the conductance quantum 2e²/h in siemens (77.5 µS). A tunnelling
// (pseudo-filament) device stays below it; Memristor.Validate enforces
// GMax < G0.
const G0 = 7.748091729e-5

// sinhLimit bounds the argument of the tunnelling sinh law; beyond it the
// current is continued linearly (C¹) so that a wild Newton iterate in a
// circuit solver meets a large but finite current instead of +Inf.
const sinhLimit = 40.0

// Memristor holds the parameters of the volatile, gradual Cu/p(V3D3-co-VI)/Al2O3
// memristor compact model. All quantities are SI. The state x in [0,1] is the
// fraction of the tunnelling gap closed by Cu nanoclusters (0 insulating,
// 1 fully bridged). The model (see doc.go and docs/device.md):
//
//	gap(x)  = Gap0·(1−x)
//	G(x)    = GMin + (GMax−GMin)·exp(−gap(x)/Lambda)
//	i(v,x)  = G(x)·VNL·sinh(v/VNL)
//	ve      = v + RD·i                     (effective set drive)
//	ks(ve)  = 1/(TauSet·(1+exp(−((ve−Vth)/V0 − ln(TauRelax/TauSet)))))
//	A(v)    ≈ 1 + (TauRelax/TauSetTh)·exp((v−Vth)/VA)   (field acceleration, saturating; 1 if TauSetTh = 0)
//	dx/dt   = A(v)·[ks(ve)·(1−x) − x/TauRelax]
//
// Its current-controlled steady state is v(I) ≈ Vth − RD·I, i.e.
// R(I) ≈ Vth/I − RD. With a Table the drive is v − Vhold(i) instead of
// ve − Vth, and the steady state is the table's R(I).
type Memristor struct {
	// GMin is the conductance of the insulating (relaxed) device in S: the
	// leakage floor parallel to the tunnelling path. Default 1e-9 S
	// (≈1 GΩ; choice: an insulating state three decades below the 1 µA
	// compliance of Fig. 1f, ~2 nA at 2 V).
	GMin float64 `json:"g_min_S"`
	// GMax is the conductance with the gap fully closed (x = 1) in S; it must
	// stay below G0 = 77.5 µS (tunnelling, no quantised contact; paper text
	// on Fig. 1g). Default 50e-6 S (choice, 0.65·G0); it sets the
	// on-resistance where the neuron output saturates.
	GMax float64 `json:"g_max_S"`
	// Gap0 is the tunnelling gap of the relaxed device in m. Default 1.5e-9 m
	// (choice: a few Cu–Cu cluster spacings inside the 3 nm Al2O3 layer).
	Gap0 float64 `json:"gap0_m"`
	// Lambda is the tunnelling decay length in m, G ∝ exp(−gap/Lambda).
	// Default 0.1e-9 m (WKB estimate 1/(2κ) for a ~1 eV barrier; choice).
	// Only Gap0/Lambda enters the model; fit Gap0, keep Lambda.
	Lambda float64 `json:"lambda_m"`
	// VNL is the voltage scale of the tunnelling I–V nonlinearity in V,
	// i = G·VNL·sinh(v/VNL) (ohmic for |v| ≪ VNL). Default 1.5 V (choice:
	// mildly nonlinear, factor 1.3 at 2 V).
	VNL float64 `json:"v_nl_V"`
	// Vth is the threshold of the effective drive ve = v + RD·i in V, the
	// drive at which the steady state is x ≈ 1/2. It is the voltage the
	// device holds at vanishing current, and ≈ the set voltage of a DC
	// sweep. Default 1.98 V (choice: 20 mV below the neuron's VDD = 2 V,
	// the neuron's operating margin VDD − Vth, docs/neuron.md §1a; the set
	// voltage of Fig. 1f and 3b is ≈ 2 V).
	Vth float64 `json:"v_th_V"`
	// V0 is the softness of the threshold in V (field acceleration: the set
	// rate grows e-fold per V0 of overdrive). Default 0.02 V (tuned: sharp
	// set in Fig. 1f, near-linear Vout, 650 ns latency of Fig. 3f).
	V0 float64 `json:"v0_V"`
	// RD is the current-assist coefficient in Ω: the drive is ve = v + RD·i,
	// so in steady state v = Vth − RD·I (negative differential resistance)
	// and R(I) ≈ Vth/I − RD, the form of the Fig. 3c inset fit; RD is the
	// slope of Vout(I) in the 2T-1M neuron (Fig. 3i). Default 0.3e6 Ω
	// (choice: Vout saturates near VDD at ~6.5 µA, sub-10 µA operation).
	RD float64 `json:"r_d_ohm"`
	// TauRelax is the relaxation time constant of the state in s (Cu cluster
	// dissolution/surface diffusion when the drive goes; volatility,
	// Fig. 1f backward sweep, Fig. 3a, 3d). It also sets the set/relax
	// balance near threshold and hence the slow approach to saturation.
	// Default 430e-6 s (tuned in round 1 with V0 and TauSet so that the
	// unaccelerated device gave Fig. 3f's 650 ns and 0.5 pJ with a 2.4 V
	// pulse through 1 MΩ; it now sets the relaxation at zero bias: the
	// device relaxes well within the 5 ms gaps of Fig. 3d).
	TauRelax float64 `json:"tau_relax_s"`
	// TauSet is the shortest set time constant in s: the set rate saturates
	// at 1/TauSet at large overdrive (ion hopping limit). Default 100e-9 s
	// (tuned with TauRelax: Fig. 3f latency 650 ns).
	TauSet float64 `json:"tau_set_s"`
	// TauSetTh switches on the field acceleration of the ionic rates and
	// sets its strength: the set time constant in s at the threshold,
	// v = Vth. With TauSetTh > 0 the state equation is multiplied by
	// A(v) = 1 + (TauRelax/TauSetTh)·exp((v − Vth)/VA), so that at v = Vth
	// the set rate is ≈ 1/TauSetTh while at zero bias A ≈ 1 and the device
	// relaxes with TauRelax. A multiplies growth and dissolution alike, so
	// the DC steady state R(I) (every DC figure, the transfer curve, the
	// fit) does not depend on it. 0 switches it off (the round-1 device).
	// Default 50e-6 s (calibration, with VA, docs/device.md §4 and
	// docs/neuron.md §5: the neuron at VDD = 2 V then activates in
	// ≈ 0.93 µs without parasitics at 1 µA and at its 90 %-of-VDD input,
	// 0.48 pJ in the memristor at 1 µA, and the bare device activates in
	// the paper's 650 ns with ≈ 0.46 pJ at 2.3 V through 1 MΩ).
	TauSetTh float64 `json:"tau_set_th_s"`
	// VA is the field-acceleration voltage in V: with TauSetTh > 0 the
	// ionic rates grow e-fold per VA of device voltage (hopping over a
	// barrier lowered by the field). Default 0.02 V (calibration with
	// TauSetTh; equal to V0, the softness of the set threshold itself: the
	// acceleration switches on over the same 20 mV as the set. It keeps
	// A ≈ 1 wherever the memristor holds less than ≈ Vth − 0.2 V, i.e. at
	// the neuron's operating points, which therefore stay stable against
	// the output node's capacitance, and it keeps the bare device's
	// approach to saturation at Fig. 3f's 2.3 V, where it holds ≈ 1.85 V,
	// nearly unaccelerated). Unused when TauSetTh = 0.
	VA float64 `json:"v_acc_V"`
	// Table, when not nil, is the device's measured steady state, used
	// instead of the form Vth − RD·I: the set drive is measured against
	// the table's hold voltage Vhold(i) and Vth and RD are not used
	// (Threshold and EffectiveRD stand for them). Default nil: the
	// compact model. See Table and docs/device.md §1b.
	Table *Table `json:"table,omitempty"`
}

// DefaultMemristor returns the parameters that reproduce the paper's device
// (Fig. 1f, 1h, 3a–f). See the field comments for each source.
func DefaultMemristor() Memristor {
	return Memristor{
		GMin:     1e-9,
		GMax:     50e-6,
		Gap0:     1.5e-9,
		Lambda:   0.1e-9,
		VNL:      1.5,
		Vth:      1.98,
		V0:       0.02,
		RD:       0.3e6,
		TauRelax: 430e-6,
		TauSet:   100e-9,
		TauSetTh: 50e-6,
		VA:       0.02,
	}
}

// ErrInvalidParam is wrapped by every Validate error so that callers can
// test for a parameter problem with errors.Is.
var ErrInvalidParam = errors.New("invalid parameter")

// memristorParams words the errors of Memristor.Validate.
var memristorParams = paramcheck.Checker{Prefix: "device: Memristor", Sentinel: ErrInvalidParam}

// Validate reports the first invalid parameter, naming the field, its JSON
// key and its unit. It rejects NaN, ±Inf, non-positive values and GMax ≥ G0
// or GMin ≥ GMax, and TauSet ≥ TauRelax.
func (m *Memristor) Validate() error {
	if err := memristorParams.All(paramcheck.Positive, paramcheck.Fields{
		{"GMin", "g_min_S", "S", m.GMin},
		{"GMax", "g_max_S", "S", m.GMax},
		{"Gap0", "gap0_m", "m", m.Gap0},
		{"Lambda", "lambda_m", "m", m.Lambda},
		{"VNL", "v_nl_V", "V", m.VNL},
		{"Vth", "v_th_V", "V", m.Vth},
		{"V0", "v0_V", "V", m.V0},
		{"RD", "r_d_ohm", "Ω", m.RD},
		{"TauRelax", "tau_relax_s", "s", m.TauRelax},
		{"TauSet", "tau_set_s", "s", m.TauSet},
		{"VA", "v_acc_V", "V", m.VA},
	}); err != nil {
		return err
	}
	if m.GMax >= G0 {
		return memristorParams.Invalid("GMax", "g_max_S", "S", m.GMax, fmt.Sprintf("must be below G0 = %.4g S (tunnelling conduction)", G0))
	}
	if m.GMin >= m.GMax {
		return memristorParams.Invalid("GMin", "g_min_S", "S", m.GMin, fmt.Sprintf("must be below GMax = %g S", m.GMax))
	}
	if r := m.Gap0 / m.Lambda; r > 200 {
		return memristorParams.Invalid("Gap0", "gap0_m", "m", m.Gap0, fmt.Sprintf("Gap0/Lambda = %g exceeds 200 (conductance underflows)", r))
	}
	if m.V0 > m.Vth {
		return memristorParams.Invalid("V0", "v0_V", "V", m.V0, fmt.Sprintf("threshold softness must not exceed Vth = %g V", m.Vth))
	}
	if math.IsNaN(m.TauSetTh) || math.IsInf(m.TauSetTh, 0) || m.TauSetTh < 0 {
		return memristorParams.Invalid("TauSetTh", "tau_set_th_s", "s", m.TauSetTh, "must be finite and ≥ 0 (0: no field acceleration)")
	}
	if m.TauSetTh > m.TauRelax {
		return memristorParams.Invalid("TauSetTh", "tau_set_th_s", "s", m.TauSetTh, fmt.Sprintf("must not exceed TauRelax = %g s", m.TauRelax))
	}
	if m.TauSet >= m.TauRelax {
		return memristorParams.Invalid("TauSet", "tau_set_s", "s", m.TauSet, fmt.Sprintf("must be below TauRelax = %g s", m.TauRelax))
	}
	if m.Table != nil {
		return m.validateTable()
	}
	return nil
}

// Conductance returns the zero-bias conductance G(x) in S and dG/dx.
func (m *Memristor) Conductance(x float64) (g, dgdx float64) {
	k := m.Gap0 / m.Lambda
	t := (m.GMax - m.GMin) * math.Exp(-k*(1-x))
	return m.GMin + t, k * t
}

// Resistance returns the zero-bias (small-signal read) resistance 1/G(x) in Ω.
func (m *Memristor) Resistance(x float64) float64 {
	g, _ := m.Conductance(x)
	return 1 / g
}

// shape returns VNL·sinh(v/VNL) and its derivative cosh(v/VNL), continued
// linearly beyond |v/VNL| = sinhLimit.
func (m *Memristor) shape(v float64) (s, ds float64) {
	u := v / m.VNL
	if math.Abs(u) <= sinhLimit {
		return m.VNL * math.Sinh(u), math.Cosh(u)
	}
	u0 := math.Copysign(sinhLimit, u)
	c := math.Cosh(u0)
	return m.VNL*math.Sinh(u0) + c*(v-m.VNL*u0), c
}

// Current returns the device current i(v,x) in A for the voltage v (V) on
// the Cu electrode relative to the bottom electrode, and its analytic
// partial derivatives di/dv (S) and di/dx (A).
func (m *Memristor) Current(v, x float64) (i, didv, didx float64) {
	g, dg := m.Conductance(x)
	s, ds := m.shape(v)
	return g * s, g * ds, dg * s
}

// VoltageAt returns the voltage (V) at which the device in state x carries
// the current i (A): the inverse of Current in v, with dv/di and dv/dx.
func (m *Memristor) VoltageAt(i, x float64) (v, dvdi, dvdx float64) {
	g, _ := m.Conductance(x)
	a := i / (g * m.VNL)
	if math.Abs(a) <= math.Sinh(sinhLimit) {
		v = m.VNL * math.Asinh(a)
	} else {
		u0 := math.Copysign(sinhLimit, a)
		v = m.VNL*u0 + (i/g-m.VNL*math.Sinh(u0))/math.Cosh(u0)
	}
	_, didv, didx := m.Current(v, x)
	return v, 1 / didv, -didx / didv
}

// setRate returns ks(ve) in 1/s and dks/dve.
func (m *Memristor) setRate(ve float64) (ks, dks float64) {
	z := (ve-m.Vth)/m.V0 - math.Log(m.TauRelax/m.TauSet)
	return m.setRateZ(z)
}

// setRateZ returns ks = logistic(z)/TauSet (1/s) for the normalised
// drive z, and dks/dve = dks/dz / V0.
func (m *Memristor) setRateZ(z float64) (ks, dks float64) {
	s := logistic(z)
	kmax := 1 / m.TauSet
	return kmax * s, kmax * s * (1 - s) / m.V0
}

// logistic is 1/(1+exp(−z)) computed without overflow.
func logistic(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// Drive returns the effective set drive ve = v + RD·i(v,x) in V, to be
// compared with Vth; for a tabulated device ve = v − Vhold(i) +
// Threshold(), so that ve − Threshold() is the overdrive in both.
func (m *Memristor) Drive(v, x float64) float64 {
	i, _, _ := m.Current(v, x)
	if m.Table != nil {
		h, _ := m.HoldVoltage(i)
		return v - h + m.Threshold()
	}
	return v + m.RD*i
}

// accelSat is the exponent at which the field acceleration saturates: A
// grows e-fold per VA of voltage up to ≈ (TauRelax/TauSetTh)·exp(accelSat)
// and no further (≈ 930 with the defaults), so the fastest set time
// constant is ≈ TauSet/930 ≈ 0.1 ns: an ion-hopping bound, and a wild
// Newton iterate of a circuit solver meets a bounded rate. The neuron and
// Fig. 3f hardly depend on it (their latencies change by < 4 % between 4
// and 12).
const accelSat = 4.0

// Acceleration returns the field-acceleration factor of the ionic rates
// at the device voltage v (V),
// A(v) = 1 + (TauRelax/TauSetTh)·S·logistic((v − Vth)/VA − ln S) with
// S = exp(accelSat), i.e. ≈ 1 + (TauRelax/TauSetTh)·exp((v − Vth)/VA)
// until it saturates at S times its value at the threshold; and dA/dv
// (1/V). A ≈ 1 at zero bias: relaxation after the drive is removed is
// unaccelerated; at v = Vth the rates are TauRelax/TauSetTh times faster.
// With TauSetTh = 0 (no acceleration) it is 1 everywhere.
func (m *Memristor) Acceleration(v float64) (a, dadv float64) {
	if m.TauSetTh == 0 {
		return 1, 0
	}
	k := m.TauRelax / m.TauSetTh * math.Exp(accelSat)
	th := m.Vth
	if m.Table != nil {
		th = m.Threshold()
	}
	l := logistic((v-th)/m.VA - accelSat)
	return 1 + k*l, k * l * (1 - l) / m.VA
}

// StateRate returns dx/dt (1/s) at voltage v (V) and state x, with the
// analytic partial derivatives d(dx/dt)/dv (1/(V·s)) and d(dx/dt)/dx (1/s).
// The rate is smooth in v and x (no branches), so Newton iterations of a
// circuit solver see continuous Jacobians.
func (m *Memristor) StateRate(v, x float64) (dxdt, dfdv, dfdx float64) {
	f0, f0v, f0x := m.SteadyStateRate(v, x)
	if m.TauSetTh == 0 {
		return f0, f0v, f0x
	}
	a, da := m.Acceleration(v)
	return a * f0, da*f0 + a*f0v, a * f0x
}

// SteadyStateRate returns the unaccelerated rate
// g(v,x) = ks(ve)·(1−x) − x/TauRelax (1/s) with its partial derivatives:
// StateRate is A(v)·g, so both have the same steady states
// (circuit.SteadyStateModel; a DC analysis solves g = 0).
func (m *Memristor) SteadyStateRate(v, x float64) (g, dgdv, dgdx float64) {
	i, didv, didx := m.Current(v, x)
	if m.Table != nil {
		return m.tableSteadyStateRate(v, x, i, didv, didx)
	}
	ks, dks := m.setRate(v + m.RD*i)
	kr := 1 / m.TauRelax
	g = ks*(1-x) - kr*x
	dgdv = dks * (1 + m.RD*didv) * (1 - x)
	dgdx = dks*m.RD*didx*(1-x) - ks - kr
	return g, dgdv, dgdx
}

// RelaxedState returns the equilibrium state with no bias (v = 0), the
// insulating state the device relaxes to.
func (m *Memristor) RelaxedState() float64 {
	var ks float64
	if m.Table != nil {
		ks, _ = m.setRateZ(-m.Threshold()/m.V0 - math.Log(m.TauRelax/m.TauSet))
	} else {
		ks, _ = m.setRate(0)
	}
	return ks / (ks + 1/m.TauRelax)
}

// InsulatingResistance returns the zero-bias resistance (Ω) of the relaxed
// device, the reference for the volatility criterion.
func (m *Memristor) InsulatingResistance() float64 {
	return m.Resistance(m.RelaxedState())
}

// currentControlledRate is dx/dt under an imposed current i with its total
// derivative in x (the voltage follows the state).
func (m *Memristor) currentControlledRate(i, x float64) (f, dfdx, v float64) {
	v, _, dvdx := m.VoltageAt(i, x)
	f, fv, fx := m.SteadyStateRate(v, x)
	return f, fx + fv*dvdx, v
}

// SteadyStateAtCurrent returns the steady state reached under the constant
// current i ≥ 0 (A): the state x, the voltage v (V) and R = v/i (Ω; the
// zero-bias resistance 1/G(x) when i = 0). Under current control dx/dt is
// strictly decreasing in x, so the steady state is unique; it is found by
// safeguarded Newton on x in [0,1].
func (m *Memristor) SteadyStateAtCurrent(i float64) (x, v, r float64, err error) {
	if math.IsNaN(i) || math.IsInf(i, 0) || i < 0 {
		return 0, 0, 0, fmt.Errorf("device: steady state at I = %g A: current must be finite and ≥ 0", i)
	}
	if i == 0 {
		x = m.RelaxedState()
		return x, 0, m.Resistance(x), nil
	}
	lo, hi := 0.0, 1.0
	x = 0.5
	for it := 0; it < 200; it++ {
		f, df, _ := m.currentControlledRate(i, x)
		if f > 0 {
			lo = x
		} else {
			hi = x
		}
		xn := x - f/df
		if !(xn > lo && xn < hi) || df >= 0 {
			xn = 0.5 * (lo + hi)
		}
		if math.Abs(xn-x) < 1e-14 || hi-lo < 1e-14 {
			x = xn
			break
		}
		x = xn
	}
	v, _, _ = m.VoltageAt(i, x)
	return x, v, v / i, nil
}
