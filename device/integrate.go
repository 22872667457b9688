package device

import (
	"errors"
	"fmt"
	"math"

	"github.com/mrelu/mrelu/internal/converge"
)

// ErrNoConvergence is returned when the state integrator cannot take a step
// (step size underflow), for example with unphysical parameters. Such an
// error also wraps ErrIntegration. It is the project's one no-convergence
// sentinel (internal/converge): circuit.ErrNoConvergence is the same value,
// so errors.Is answers the same for either name.
var ErrNoConvergence = converge.ErrNoConvergence

// ErrIntegration is wrapped by every error of the state integrator that
// gives up: a state or rate that is not a finite number, a segment that
// needs more than maxSegmentSteps steps, a step that no longer advances the
// time, or a step size underflow (ErrNoConvergence). The error is an
// *IntegrationError naming the time and the value.
var ErrIntegration = errors.New("device: state integration failed")

// maxSegmentSteps is the step budget of one segment of constant source:
// the trial steps (accepted and rejected) the integrator may take before it
// gives up. Normal runs take at most a few hundred per segment (the step
// grows geometrically once the state settles), so the budget only stops an
// integration that no longer makes progress.
const maxSegmentSteps = 200000

// IntegrationError describes where the state integrator gave up. It wraps
// ErrIntegration (and ErrNoConvergence for a step size underflow).
type IntegrationError struct {
	T     float64 // simulated time at which it gave up, s
	X     float64 // last accepted state
	What  string  // the failing quantity, e.g. "rate dx/dt", "state", "steps"
	Value float64 // its value
	Steps int     // trial steps taken in the segment
	// Underflow marks a step size underflow (also ErrNoConvergence).
	Underflow bool
}

func (e *IntegrationError) Error() string {
	msg := fmt.Sprintf("%v at t = %g s (x = %g): %s = %g", ErrIntegration, e.T, e.X, e.What, e.Value)
	switch {
	case e.Underflow:
		msg += " (step size underflow; device: state integration did not converge)"
	case e.What == "steps":
		msg += fmt.Sprintf(" (step budget of %d per segment exceeded)", maxSegmentSteps)
	}
	return msg
}

// Unwrap returns ErrIntegration, and ErrNoConvergence for an underflow.
func (e *IntegrationError) Unwrap() []error {
	if e.Underflow {
		return []error{ErrIntegration, ErrNoConvergence}
	}
	return []error{ErrIntegration}
}

// finite reports whether v is neither NaN nor ±Inf.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// source is a source-measure unit as used in the paper's measurements: it
// forces the voltage vs through a series resistor rs (0 for none) and limits
// the magnitude of the current to ilim (compliance; +Inf for none). A pure
// current source is a large vs with ilim equal to the wanted current.
type source struct {
	vs   float64 // forced voltage, V
	rs   float64 // series resistance, Ω
	ilim float64 // current compliance, A (≥ 0)
}

// operate returns the device voltage and current for state x and the total
// derivative of the device voltage with respect to x.
func (s source) operate(m *Memristor, x float64) (v, i, dvdx float64) {
	if s.ilim == 0 {
		return 0, 0, 0
	}
	if s.rs == 0 {
		v = s.vs
		i, _, _ = m.Current(v, x)
	} else {
		v = s.seriesVoltage(m, x)
		var didv, didx float64
		i, didv, didx = m.Current(v, x)
		dvdx = -s.rs * didx / (1 + s.rs*didv)
	}
	if math.Abs(i) > s.ilim {
		i = math.Copysign(s.ilim, s.vs)
		v, _, dvdx = m.VoltageAt(i, x)
	}
	return v, i, dvdx
}

// seriesVoltage solves vs = v + rs·i(v,x) for v by safeguarded Newton; the
// left side is strictly increasing in v, and v lies between 0 and vs.
func (s source) seriesVoltage(m *Memristor, x float64) float64 {
	lo, hi := math.Min(0, s.vs), math.Max(0, s.vs)
	g, _ := m.Conductance(x)
	v := s.vs / (1 + s.rs*g)
	for it := 0; it < 100; it++ {
		i, didv, _ := m.Current(v, x)
		r := v + s.rs*i - s.vs
		if r > 0 {
			hi = v
		} else {
			lo = v
		}
		vn := v - r/(1+s.rs*didv)
		if !(vn >= lo && vn <= hi) {
			vn = 0.5 * (lo + hi)
		}
		if math.Abs(vn-v) <= 1e-15*math.Max(1, math.Abs(s.vs)) {
			return vn
		}
		v = vn
	}
	return v
}

// rate returns dx/dt under the source and its total derivative in x.
func (s source) rate(m *Memristor, x float64) (f, dfdx float64) {
	v, _, dvdx := s.operate(m, x)
	f, fv, fx := m.StateRate(v, x)
	return f, fx + fv*dvdx
}

// stepper integrates the state ODE with TR-BDF2 (a trapezoidal stage to
// t+γh followed by a BDF2 stage; second order and L-stable, so it is safe
// for the stiff relaxation and the fast set). Each implicit stage is a
// scalar equation y = c + β·f(y) solved by bracketed Newton on x. The step
// is controlled by the state change per step and by the change of the rate
// across the step, h·|f(n+1) − f(n)|/2.
type stepper struct {
	m     *Memristor
	x     float64 // state
	t     float64 // time, s
	h     float64 // next trial step, s
	dxMax float64 // largest accepted change of x per step
	hMax  float64 // largest step, s
	hMin  float64 // smallest step before giving up, s
	steps int
}

func newStepper(m *Memristor, x0, dxMax, hMax float64) *stepper {
	return &stepper{m: m, x: x0, h: 1e-9, dxMax: dxMax, hMax: hMax, hMin: 1e-18}
}

// trGamma is the TR-BDF2 stage fraction 2 − √2.
var trGamma = 2 - math.Sqrt2

// solveImplicit solves y = c + beta·f(y) for y, starting from guess. Below
// min(0,c) the rate is ≥ 0 and above max(1,c) it is < 0, so the bracket
// [min(0,c), max(1,c)] always holds a root.
func (st *stepper) solveImplicit(s source, c, beta, guess float64) float64 {
	lo, hi := math.Min(0, c), math.Max(1, c)
	y := math.Min(math.Max(guess, lo), hi)
	for it := 0; it < 100; it++ {
		f, df := s.rate(st.m, y)
		g := y - c - beta*f
		if g > 0 {
			hi = y
		} else {
			lo = y
		}
		dg := 1 - beta*df
		yn := y - g/dg
		if dg <= 0 || !(yn >= lo && yn <= hi) {
			yn = 0.5 * (lo + hi)
		}
		if math.Abs(yn-y) < 1e-15 || hi-lo < 1e-15 {
			return yn
		}
		y = yn
	}
	return y
}

// step returns the TR-BDF2 state after a step h from the current state and
// the rates at both ends.
func (st *stepper) step(s source, h float64) (y, f0, f1 float64) {
	x := st.x
	f0, _ = s.rate(st.m, x)
	g := trGamma
	// Trapezoidal stage to t + γh.
	c1 := x + 0.5*g*h*f0
	xg := st.solveImplicit(s, c1, 0.5*g*h, x+g*h*f0)
	// BDF2 stage to t + h.
	c2 := (xg - (1-g)*(1-g)*x) / (g * (2 - g))
	beta := (1 - g) / (2 - g) * h
	y = st.solveImplicit(s, c2, beta, xg+(1-g)*h*f0)
	f1, _ = s.rate(st.m, y)
	return y, f0, f1
}

// advance integrates for the duration d under the constant source s, calling
// rec (if non-nil) after every accepted step and at the end. A trial step
// whose state or rates are not finite (an overflow in the model far from
// the accepted state) is rejected like an inaccurate one; a non-finite rate
// at the accepted state, more than maxSegmentSteps trial steps, a step too
// small to advance the time or below hMin end the segment with an
// *IntegrationError.
func (st *stepper) advance(s source, d float64, rec func(t, x float64)) error {
	fail := func(what string, v float64, tries int) error {
		return &IntegrationError{T: st.t, X: st.x, What: what, Value: v, Steps: tries}
	}
	if !finite(d) || d < 0 {
		return fail("segment duration", d, 0)
	}
	if !finite(st.x) {
		return fail("state", st.x, 0)
	}
	end := st.t + d
	for tries := 0; st.t < end; tries++ {
		if tries >= maxSegmentSteps {
			return fail("steps", float64(tries), tries)
		}
		if !(st.h > 0) || !finite(st.h) {
			st.h = st.hMin
		}
		hTry := math.Min(st.h, st.hMax)
		h := hTry
		last := false
		if st.t+h >= end*(1-1e-15) {
			h = end - st.t
			last = true
		}
		if h <= 0 {
			break
		}
		if !last && st.t+h == st.t {
			return fail("step", h, tries)
		}
		y, f0, f1 := st.step(s, h)
		if !finite(f0) {
			// The rate at the accepted state does not depend on h:
			// shrinking the step cannot help.
			return fail("rate dx/dt", f0, tries)
		}
		dx := math.Abs(y - st.x)
		lte := 0.5 * h * math.Abs(f1-f0)
		tol := st.dxMax
		if bad := !finite(y) || !finite(f1); bad || dx > tol || lte > 0.25*tol {
			if h <= st.hMin {
				e := fail("step", h, tries).(*IntegrationError)
				e.Underflow = true
				return e
			}
			q := 0.0 // non-finite trial: shrink by the largest factor
			if !bad {
				q = tol / math.Max(dx, 4*lte)
			}
			st.h = h * math.Max(0.1, 0.8*q)
			continue
		}
		st.x = math.Min(math.Max(y, 0), 1)
		if last {
			st.t = end
		} else {
			st.t += h
		}
		st.steps++
		if rec != nil {
			rec(st.t, st.x)
		}
		if dx < 0.5*tol && lte < 0.125*tol {
			st.h = 2 * h
		} else {
			st.h = h
		}
		if last && st.h < hTry {
			st.h = hTry
		}
	}
	return nil
}

// steadyFrom returns the steady state the dynamics reach from x0 under the
// constant source: the first root of dx/dt in the direction of the initial
// rate, located on a grid of 1e-3 and refined by bisection.
func (s source) steadyFrom(m *Memristor, x0 float64) (x, v, i float64) {
	f0, _ := s.rate(m, x0)
	dir := 1.0
	if f0 < 0 {
		dir = -1
	}
	const dx = 1e-3
	a := x0
	b := x0
	for {
		b = a + dir*dx
		if b > 1 {
			b = 1
		}
		if b < 0 {
			b = 0
		}
		fb, _ := s.rate(m, b)
		if fb*dir <= 0 || b == 0 || b == 1 {
			break
		}
		a = b
	}
	for it := 0; it < 80; it++ {
		mid := 0.5 * (a + b)
		fm, _ := s.rate(m, mid)
		if fm*dir > 0 {
			a = mid
		} else {
			b = mid
		}
	}
	x = 0.5 * (a + b)
	v, i, _ = s.operate(m, x)
	return x, v, i
}
