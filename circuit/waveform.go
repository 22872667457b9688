package circuit

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Waveform is the value of an independent source as a function of time
// (V for a voltage source, A for a current source). The implementations are
// DC, Pulse and PWL; the set is closed so that every waveform can be
// exported to SPICE and its corners used as transient breakpoints.
//
// DC analyses (OperatingPoint, DCSweep and the initial point of a
// transient) use the value at t = 0.
type Waveform interface {
	// At returns the value at time t (s).
	At(t float64) float64
	// Breakpoints appends to dst the times in (0, tstop] where the
	// waveform has a corner (a discontinuous derivative), in increasing
	// order.
	Breakpoints(dst []float64, tstop float64) []float64
	validate() error
	spice(tstop float64) string
}

// ZeroEdge is the rise or fall time in seconds used for a Pulse edge given
// as 0: an ideal step is a 1 ps ramp, both in the solver and in the SPICE
// export.
const ZeroEdge = 1e-12

// DC is a constant waveform.
type DC float64

// At returns the constant value.
func (d DC) At(float64) float64 { return float64(d) }

// Breakpoints appends nothing: a constant has no corners.
func (d DC) Breakpoints(dst []float64, _ float64) []float64 { return dst }

func (d DC) validate() error {
	if !finite(float64(d)) {
		return fmt.Errorf("DC value %g is not finite", float64(d))
	}
	return nil
}

func (d DC) spice(float64) string { return "DC " + fmtNum(float64(d)) }

// Pulse is the SPICE PULSE waveform: V1 until Delay, a linear ramp of length
// Rise to V2, V2 for Width, a ramp of length Fall back to V1, V1 for the rest
// of the Period; repeated every Period (s) if Period > 0, once otherwise.
// A Rise or Fall of 0 is taken as ZeroEdge.
type Pulse struct {
	V1, V2                           float64
	Delay, Rise, Fall, Width, Period float64
}

func (p Pulse) edges() (rise, fall float64) {
	rise, fall = p.Rise, p.Fall
	if rise == 0 {
		rise = ZeroEdge
	}
	if fall == 0 {
		fall = ZeroEdge
	}
	return rise, fall
}

// At returns the pulse value at time t.
func (p Pulse) At(t float64) float64 {
	rise, fall := p.edges()
	if t < p.Delay {
		return p.V1
	}
	tp := t - p.Delay
	if p.Period > 0 {
		tp = math.Mod(tp, p.Period)
	}
	switch {
	case tp < rise:
		return p.V1 + (p.V2-p.V1)*tp/rise
	case tp < rise+p.Width:
		return p.V2
	case tp < rise+p.Width+fall:
		return p.V2 + (p.V1-p.V2)*(tp-rise-p.Width)/fall
	default:
		return p.V1
	}
}

// maxBreakpoints caps the corners one waveform may contribute to a
// transient, so that a tiny Period cannot exhaust memory.
const maxBreakpoints = 1 << 20

// Breakpoints appends the pulse corners in (0, tstop].
func (p Pulse) Breakpoints(dst []float64, tstop float64) []float64 {
	rise, fall := p.edges()
	offs := [4]float64{0, rise, rise + p.Width, rise + p.Width + fall}
	for k := 0; k < maxBreakpoints; k++ {
		base := p.Delay
		if p.Period > 0 {
			base += float64(k) * p.Period
		} else if k > 0 {
			break
		}
		if base > tstop {
			break
		}
		for _, o := range offs {
			if t := base + o; t > 0 && t <= tstop {
				dst = append(dst, t)
			}
		}
	}
	return dst
}

func (p Pulse) validate() error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"V1", p.V1}, {"V2", p.V2}, {"Delay", p.Delay}, {"Rise", p.Rise}, {"Fall", p.Fall}, {"Width", p.Width}, {"Period", p.Period}} {
		if !finite(f.v) {
			return fmt.Errorf("Pulse.%s = %g is not finite", f.name, f.v)
		}
		if f.name != "V1" && f.name != "V2" && f.v < 0 {
			return fmt.Errorf("Pulse.%s = %g s must be ≥ 0", f.name, f.v)
		}
	}
	rise, fall := p.edges()
	if p.Period > 0 && p.Period < rise+p.Width+fall {
		return fmt.Errorf("Pulse.Period = %g s is shorter than Rise+Width+Fall = %g s", p.Period, rise+p.Width+fall)
	}
	return nil
}

func (p Pulse) spice(tstop float64) string {
	rise, fall := p.edges()
	per := p.Period
	if per <= 0 {
		// Non-repeating: a period that never comes within the run.
		per = 2 * (p.Delay + rise + p.Width + fall + tstop)
	}
	return fmt.Sprintf("DC %s PULSE(%s %s %s %s %s %s %s)", fmtNum(p.V1),
		fmtNum(p.V1), fmtNum(p.V2), fmtNum(p.Delay), fmtNum(rise), fmtNum(fall), fmtNum(p.Width), fmtNum(per))
}

// Point is one corner (T in s, V in V or A) of a piecewise-linear waveform.
type Point struct{ T, V float64 }

// PWL is a piecewise-linear waveform through its points, whose times must be
// strictly increasing. Before the first point it holds the first value,
// after the last point the last value.
type PWL []Point

// At interpolates the waveform at t.
func (w PWL) At(t float64) float64 {
	n := len(w)
	if n == 0 {
		return 0
	}
	if t <= w[0].T {
		return w[0].V
	}
	if t >= w[n-1].T {
		return w[n-1].V
	}
	k := sort.Search(n, func(i int) bool { return w[i].T > t }) // w[k-1].T ≤ t < w[k].T
	a, b := w[k-1], w[k]
	return a.V + (b.V-a.V)*(t-a.T)/(b.T-a.T)
}

// Breakpoints appends the point times in (0, tstop].
func (w PWL) Breakpoints(dst []float64, tstop float64) []float64 {
	for _, p := range w {
		if p.T > 0 && p.T <= tstop {
			dst = append(dst, p.T)
		}
	}
	return dst
}

func (w PWL) validate() error {
	if len(w) == 0 {
		return fmt.Errorf("PWL has no points")
	}
	for k, p := range w {
		if !finite(p.T) || !finite(p.V) {
			return fmt.Errorf("PWL point %d (%g s, %g) is not finite", k, p.T, p.V)
		}
		if p.T < 0 {
			return fmt.Errorf("PWL point %d has negative time %g s", k, p.T)
		}
		if k > 0 && p.T <= w[k-1].T {
			return fmt.Errorf("PWL times must increase strictly: point %d at %g s after %g s", k, p.T, w[k-1].T)
		}
	}
	return nil
}

func (w PWL) spice(float64) string {
	var b strings.Builder
	b.WriteString("DC ")
	b.WriteString(fmtNum(w.At(0)))
	b.WriteString(" PWL(")
	for k, p := range w {
		if k > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(fmtNum(p.T))
		b.WriteByte(' ')
		b.WriteString(fmtNum(p.V))
	}
	b.WriteString(")")
	return b.String()
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
