package circuit

import (
	"fmt"
	"math"
	"strconv"
)

// dcCtx returns the load context of a DC analysis.
func (s *solver) dcCtx() *loadCtx {
	return &loadCtx{mode: modeDC, srcScale: 1, gmin: s.opt.Gmin}
}

// record writes the unknowns and the element currents at s.x into dst.
func (s *solver) record(dst []float64, t float64) {
	copy(dst, s.x[:s.n])
	cur := dst[s.n:]
	for k, e := range s.elems {
		cur[k] = e.current(s, s.x, t)
	}
}

// OperatingPoint solves the DC operating point: capacitors open, sources at
// their t = 0 values, states at dx/dt = 0. It tries plain damped Newton
// from zero, then gmin stepping, then source stepping; if all fail the
// error wraps ErrNoConvergence.
func (c *Circuit) OperatingPoint() (*Solution, error) {
	s, err := c.compile()
	if err != nil {
		return nil, err
	}
	ctx := s.dcCtx()
	s.initGuess()
	if f := s.solveDC(ctx); f != nil {
		return nil, s.convErr("op", "", f)
	}
	row := make([]float64, s.lay.width())
	s.record(row, 0)
	return &Solution{lay: s.lay, row: row}, nil
}

// sweepTarget returns a setter for the swept source's value.
func (s *solver) sweepTarget(name string) (set func(float64), clear func(), unit string, err error) {
	switch e := s.c.Element(name).(type) {
	case *VoltageSource:
		return func(v float64) { e.swept, e.sweepVal = true, v }, func() { e.swept = false }, "V", nil
	case *CurrentSource:
		return func(v float64) { e.swept, e.sweepVal = true, v }, func() { e.swept = false }, "A", nil
	case nil:
		return nil, nil, "", invalidf("DC sweep: no source %q", name)
	default:
		return nil, nil, "", invalidf("DC sweep: %q is not an independent source", name)
	}
}

// DCSweep solves the DC operating point for each value of the named voltage
// or current source (its waveform is ignored while sweeping). Each point
// starts from the previous solution (continuation), so a circuit with
// hysteresis follows the branch it is on. When a point does not converge
// from the previous one, the step is subdivided adaptively; if that stalls
// (a fold of a hysteretic branch, where the solution must jump), the point is
// solved with the full fallback sequence (Newton, gmin stepping, source
// stepping) starting from the last converged solution. An error wraps
// ErrNoConvergence and names the value.
func (c *Circuit) DCSweep(source string, values []float64) (*SweepResult, error) {
	s, err := c.compile()
	if err != nil {
		return nil, err
	}
	set, unset, unit, err := s.sweepTarget(source)
	if err != nil {
		return nil, err
	}
	if len(values) == 0 {
		return nil, invalidf("DC sweep of %q: no values", source)
	}
	for k, v := range values {
		if !finite(v) {
			return nil, invalidf("DC sweep of %q: value %d is %g", source, k, v)
		}
	}
	defer unset()
	w := s.lay.width()
	res := &SweepResult{
		table:  table{lay: s.lay, data: make([]float64, len(values)*w)},
		Source: source,
		Values: append([]float64(nil), values...),
	}
	ctx := s.dcCtx()
	where := func(v float64) string {
		return source + " = " + strconv.FormatFloat(v, 'g', -1, 64) + " " + unit
	}
	set(values[0])
	s.initGuess()
	if f := s.solveDC(ctx); f != nil {
		return nil, s.convErr("dc", where(values[0]), f)
	}
	s.record(res.data[:w], 0)
	smooth := false // the last point followed from the one before without help
	for k := 1; k < len(values); k++ {
		copy(s.xc, s.x)
		set(values[k])
		// Secant predictor from the last two points when the sweep goes on
		// in the same direction with a comparable step.
		predicted := false
		if smooth && k >= 2 {
			d0, d1 := values[k-1]-values[k-2], values[k]-values[k-1]
			if r := d1 / d0; d0 != 0 && r > 0 && r <= 2 {
				s.predict(res.data[(k-2)*w:(k-1)*w], r)
				predicted = true
			}
		}
		f := s.newton(ctx)
		res.NewtonIterations += s.lastIters
		if f != nil && predicted {
			copy(s.x, s.xc)
			f = s.newton(ctx)
			res.NewtonIterations += s.lastIters
		}
		smooth = f == nil
		if f != nil {
			copy(s.x, s.xc)
			sub, f := s.continueTo(ctx, set, values[k-1], values[k])
			res.Substeps += sub
			if f != nil {
				return nil, s.convErr("dc", where(values[k]), f)
			}
		}
		s.record(res.data[k*w:(k+1)*w], 0)
	}
	return res, nil
}

// predict sets s.x to the linear extrapolation x + r·(x − prev) from the
// converged s.x and the point before it (prev: a recorded row), with states
// kept within their bounds.
func (s *solver) predict(prev []float64, r float64) {
	for i := 0; i < s.n; i++ {
		v := s.x[i] + r*(s.x[i]-prev[i])
		if s.lay.kinds[i] == ukState {
			v = math.Min(math.Max(v, s.lo[i]), s.hi[i])
		}
		s.x[i] = v
	}
}

// continueTo moves the solution in s.x (converged at source value from) to
// the value to in adaptive sub-steps, then, if they stall, by the full DC
// fallback sequence. It returns the number of intermediate solves.
func (s *solver) continueTo(ctx *loadCtx, set func(float64), from, to float64) (int, *solveFail) {
	copy(s.xc, s.x)
	lo := from
	step := (to - from) / 4
	minStep := 1e-9 * math.Abs(to-from)
	sub := 0
	for k := 0; k < maxStepSolves; k++ {
		v := lo + step
		if math.Abs(step) >= math.Abs(to-lo) {
			v = to
		}
		set(v)
		if f := s.newton(ctx); f == nil {
			if v == to {
				return sub, nil
			}
			sub++
			lo = v
			copy(s.xc, s.x)
			step *= 2
			continue
		}
		copy(s.x, s.xc)
		step /= 4
		if math.Abs(step) < minStep {
			break
		}
	}
	// A fold: let the fallbacks find the branch the solution jumps to,
	// starting from the last converged point.
	set(to)
	f := s.solveDC(ctx)
	if f == nil {
		return sub, nil
	}
	f.msg = fmt.Sprintf("continuation stalled after reaching %g; %s", lo, f.msg)
	return sub, f
}

// pseudoTransient solves the DC point at the present source values by
// pseudo-transient continuation from s.x: implicit-Euler steps of growing
// pseudo-time h on the state equations, with a 1 pF pseudo-capacitance on
// every node, until the states settle, then plain Newton. It finds the
// branch a hysteretic element jumps to past a fold. On failure s.x is
// undefined.
func (s *solver) pseudoTransient(ctx *loadCtx) *solveFail {
	pc := *ctx
	pc.pcap = 1e-12
	pc.prev = append([]float64(nil), s.x...)
	h := 1e-9
	var f *solveFail
	for it := 0; it < 2000 && h < 1e6; it++ {
		pc.pseudo = 1 / h
		copy(s.x, pc.prev)
		if f = s.newton(&pc); f != nil {
			h /= 4
			if h < 1e-15 {
				return f
			}
			continue
		}
		moved := 0.0
		for i := 0; i < s.n; i++ {
			if s.lay.kinds[i] == ukState {
				moved = math.Max(moved, math.Abs(s.x[i]-pc.prev[i]))
			}
		}
		copy(pc.prev, s.x)
		if moved < 1e-9 && h > 1e-3 {
			break
		}
		h *= 2
	}
	return s.newton(ctx)
}
