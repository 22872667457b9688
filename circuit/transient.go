package circuit

import (
	"fmt"
	"math"
	"sort"
	"strconv"
)

// Method selects the transient integrator.
type Method int

const (
	// BDF2 is the variable-step second-order backward differentiation
	// formula (Gear-2): L-stable, no ringing on stiff circuits. Default.
	BDF2 Method = iota
	// Trapezoidal is the trapezoidal rule: A-stable, more accurate per
	// step, but it can ring on very stiff parts of a circuit.
	Trapezoidal
)

func (m Method) String() string {
	switch m {
	case BDF2:
		return "bdf2"
	case Trapezoidal:
		return "trapezoidal"
	}
	return "Method(" + strconv.Itoa(int(m)) + ")"
}

// TranOptions configure a transient. Zero fields take the defaults in their
// comments.
type TranOptions struct {
	// Method is the integrator (default BDF2). Either way the first two
	// steps after t = 0 and after every breakpoint use backward Euler.
	Method Method
	// MaxStep is the largest time step in s. Default tstop/100.
	MaxStep float64
	// MinStep is the smallest step in s before the run is declared not
	// converged. Default tstop·1e-14.
	MinStep float64
	// InitStep is the first step after t = 0 and after every breakpoint,
	// in s. Default 1e-4 of the interval to the next breakpoint (at most
	// MaxStep). The first step's error is checked after the second one
	// and both are redone smaller if it was too large.
	InitStep float64
	// RelTol and the absolute tolerances bound the local truncation error
	// of every node voltage (VAbsTol, V) and state (XAbsTol) per step:
	// LTE ≤ RelTol·|value| + AbsTol. Defaults 1e-3, 1e-6 V, 1e-6.
	RelTol, VAbsTol, XAbsTol float64
	// InitialState fixes the state of the named stateful elements at t = 0
	// (the initial operating point is solved with those states held, like
	// SPICE's .ic). Elements not listed start at their DC steady state.
	InitialState map[string]float64
	// MaxSteps caps the attempted steps (accepted or rejected). Default
	// 1,000,000.
	MaxSteps int
}

func (o TranOptions) withDefaults(tstop float64) (TranOptions, error) {
	for _, f := range []struct {
		name string
		v    *float64
		def  float64
	}{
		{"MaxStep", &o.MaxStep, tstop / 100},
		{"MinStep", &o.MinStep, tstop * 1e-14},
		{"InitStep", &o.InitStep, 0},
		{"RelTol", &o.RelTol, 1e-3},
		{"VAbsTol", &o.VAbsTol, 1e-6},
		{"XAbsTol", &o.XAbsTol, 1e-6},
	} {
		if !finite(*f.v) || *f.v < 0 {
			return o, invalidf("TranOptions.%s = %g must be finite and ≥ 0", f.name, *f.v)
		}
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	if o.Method != BDF2 && o.Method != Trapezoidal {
		return o, invalidf("TranOptions.Method = %d is not a method", int(o.Method))
	}
	if o.MinStep >= o.MaxStep {
		return o, invalidf("TranOptions.MinStep = %g s must be below MaxStep = %g s", o.MinStep, o.MaxStep)
	}
	if o.MaxSteps < 0 {
		return o, invalidf("TranOptions.MaxSteps = %d must be ≥ 0", o.MaxSteps)
	}
	if o.MaxSteps == 0 {
		o.MaxSteps = 1_000_000
	}
	for k, v := range o.InitialState {
		if !finite(v) {
			return o, invalidf("TranOptions.InitialState[%q] = %g is not finite", k, v)
		}
	}
	return o, nil
}

// breakpoints returns the sorted corners of every source waveform in
// (0, tstop], merged closer than minSep, ending exactly at tstop.
func (s *solver) breakpoints(tstop, minSep float64) []float64 {
	var all []float64
	for _, e := range s.elems {
		switch e := e.(type) {
		case *VoltageSource:
			all = e.W.Breakpoints(all, tstop)
		case *CurrentSource:
			all = e.W.Breakpoints(all, tstop)
		}
	}
	sort.Float64s(all)
	out := all[:0]
	last := 0.0
	for _, t := range all {
		if t-last >= minSep {
			out = append(out, t)
			last = t
		}
	}
	if len(out) > 0 && tstop-out[len(out)-1] < minSep {
		out[len(out)-1] = tstop
	} else {
		out = append(out, tstop)
	}
	return out
}

// Transient integrates the circuit from the DC operating point at t = 0 to
// tstop (s). Source waveform corners are hit exactly as breakpoints, where
// the integrator restarts with backward Euler. Steps are controlled by the
// local truncation error estimated from divided differences of the
// solution; a step whose Newton solve fails or whose error is too large is
// rejected and retried smaller. The result holds every accepted point.
func (c *Circuit) Transient(tstop float64, opts TranOptions) (*TranResult, error) {
	if !finite(tstop) || tstop <= 0 {
		return nil, invalidf("transient: tstop = %g s must be finite and > 0", tstop)
	}
	s, err := c.compile()
	if err != nil {
		return nil, err
	}
	o, err := opts.withDefaults(tstop)
	if err != nil {
		return nil, err
	}
	for name, x0 := range o.InitialState {
		e, ok := c.Element(name).(*Stateful)
		if !ok {
			return nil, invalidf("TranOptions.InitialState: no stateful element %q", name)
		}
		if x0 < s.lo[e.x] || x0 > s.hi[e.x] {
			return nil, invalidf("TranOptions.InitialState[%q] = %g is outside the state bounds [%g, %g]", name, x0, s.lo[e.x], s.hi[e.x])
		}
		s.holdX[e.x] = x0
	}
	defer func() {
		for i := range s.holdX {
			s.holdX[i] = math.NaN()
		}
	}()
	return s.transient(tstop, &o)
}

func (s *solver) transient(tstop float64, o *TranOptions) (*TranResult, error) {
	n, nd := s.n, len(s.dyn)
	w := s.lay.width()
	at := func(t float64) string { return "t = " + strconv.FormatFloat(t, 'g', 6, 64) + " s" }

	// Initial operating point, states held where requested.
	dc := s.dcCtx()
	dc.hold = true
	s.initGuess()
	if f := s.solveDC(dc); f != nil {
		return nil, s.convErr("tran", at(0)+" (initial operating point)", f)
	}

	bps := s.breakpoints(tstop, o.MinStep)
	res := &TranResult{table: table{lay: s.lay}}
	res.data = make([]float64, 0, 256*w)
	res.Time = make([]float64, 0, 256)
	push := func(t float64) {
		res.Time = append(res.Time, t)
		res.data = append(res.data, make([]float64, w)...)
		s.record(res.data[len(res.data)-w:], t)
	}
	push(0)

	// History of accepted points, newest first.
	var hx [4][]float64
	var ht [4]float64
	for k := range hx {
		hx[k] = make([]float64, s.st) // slot n is ground, always 0
	}
	copy(hx[0], s.x)
	qdot := make([]float64, nd) // dq/dt at the newest point (0 at the DC point)
	qdotPrev := make([]float64, nd)
	ctx := &loadCtx{mode: modeTran, srcScale: 1, gmin: s.opt.Gmin, hist: make([]float64, nd)}

	t := 0.0
	bpi := 0
	initStep := func() float64 {
		h := o.InitStep
		if h == 0 {
			h = 1e-4 * (bps[bpi] - t)
		}
		return math.Max(math.Min(h, o.MaxStep), o.MinStep)
	}
	h := initStep()
	since := 0 // accepted steps since the last (re)start
	for attempts := 0; t < tstop; attempts++ {
		if attempts >= o.MaxSteps {
			return nil, &ConvergenceError{Analysis: "tran", Where: at(t), Detail: fmt.Sprintf("step limit TranOptions.MaxSteps = %d reached", o.MaxSteps)}
		}
		h = math.Min(h, o.MaxStep)
		next := bps[bpi]
		hitBP := false
		if t+1.1*h >= next {
			h, hitBP = next-t, true
		}
		tn := t + h
		if hitBP {
			tn = next
		}
		order := 1
		if since >= 2 {
			order = 2
		}
		hp := ht[0] - ht[1] // previous step, valid when since ≥ 1
		// Integration coefficients: dq/dt ≈ a0·q + hist.
		var a0 float64
		switch {
		case order == 1:
			a0 = 1 / h
			for k := range s.dyn {
				ctx.hist[k] = -s.dyn[k].value(hx[0]) / h
			}
		case o.Method == BDF2:
			om := h / hp
			a0 = (1 + 2*om) / ((1 + om) * h)
			c1, c2 := -(1+om)/h, om*om/((1+om)*h)
			for k := range s.dyn {
				ctx.hist[k] = c1*s.dyn[k].value(hx[0]) + c2*s.dyn[k].value(hx[1])
			}
		default: // trapezoidal
			a0 = 2 / h
			for k := range s.dyn {
				ctx.hist[k] = -a0*s.dyn[k].value(hx[0]) - qdot[k]
			}
		}
		ctx.a0 = a0
		ctx.t = tn
		// Predictor: linear extrapolation of the last two points.
		copy(s.x, hx[0])
		if since >= 1 {
			r := h / hp
			for i := 0; i < n; i++ {
				v := hx[0][i] + r*(hx[0][i]-hx[1][i])
				if s.lay.kinds[i] == ukState {
					v = math.Min(math.Max(v, s.lo[i]), s.hi[i])
				}
				s.x[i] = v
			}
		}
		f := s.newton(ctx)
		res.Stats.NewtonIterations += s.lastIters
		if f != nil {
			res.Stats.RejectedNewton++
			h /= 8
			if h < o.MinStep {
				return nil, s.convErr("tran", at(tn), &solveFail{worst: f.worst, cause: f.cause,
					msg: fmt.Sprintf("time step fell below MinStep = %g s after Newton failures: %s", o.MinStep, f.msg)})
			}
			continue
		}
		// Local truncation error.
		ratio := 0.0
		if since >= 1 {
			ratio = s.lteRatio(o, order, h, tn, &ht, &hx)
			if ratio > 1 {
				res.Stats.RejectedLTE++
				fac := math.Max(0.1, 0.9*math.Pow(ratio, -1/float64(order+1)))
				if since == 1 {
					// The estimate spans the unchecked first step too:
					// redo both from the restart point.
					res.Time = res.Time[:len(res.Time)-1]
					res.data = res.data[:len(res.data)-w]
					hx[0], hx[1], hx[2], hx[3] = hx[1], hx[2], hx[3], hx[0]
					ht[0], ht[1], ht[2] = ht[1], ht[2], ht[3]
					copy(qdot, qdotPrev)
					h = hp * fac
					t = ht[0]
					since = 0
				} else {
					h *= fac
				}
				if h < o.MinStep {
					return nil, s.convErr("tran", at(tn), &solveFail{worst: s.lteWorst,
						msg: fmt.Sprintf("time step fell below MinStep = %g s to meet the truncation-error tolerance", o.MinStep)})
				}
				continue
			}
		}
		// Accept.
		res.Stats.Accepted++
		copy(qdotPrev, qdot)
		for k := range s.dyn {
			qdot[k] = a0*s.dyn[k].value(s.x) + ctx.hist[k]
		}
		hx[3], hx[2], hx[1], hx[0] = hx[2], hx[1], hx[0], hx[3]
		ht[3], ht[2], ht[1], ht[0] = ht[2], ht[1], ht[0], tn
		copy(hx[0], s.x)
		t = tn
		push(t)
		row := res.data[len(res.data)-w:]
		for k := range s.dyn {
			if cp := s.dyn[k].cap; cp != nil {
				row[n+s.lay.elemIdx[cp.name]] = qdot[k]
			}
		}
		if hitBP {
			bpi++
			since = 0
			if bpi < len(bps) {
				h = math.Min(h, initStep())
			}
			continue
		}
		since++
		if since == 1 {
			continue // no error estimate yet: keep the step
		}
		grow := 2.0
		if ratio > 0 {
			grow = math.Min(2, 0.9*math.Pow(ratio, -1/float64(order+1)))
		}
		h *= grow
	}
	return res, nil
}

// lteRatio returns the largest ratio of estimated local truncation error to
// tolerance over node voltages and states for the step to tn of length h
// (solution in s.x), and records the worst unknown in s.lteWorst.
func (s *solver) lteRatio(o *TranOptions, order int, h, tn float64, ht *[4]float64, hx *[4][]float64) float64 {
	worst, wi := 0.0, -1
	t0, t1, t2, t3 := tn, ht[0], ht[1], ht[2]
	hp := t1 - t2
	for i := 0; i < s.n; i++ {
		kind := s.lay.kinds[i]
		if kind == ukBranch {
			continue
		}
		y0, y1, y2 := s.x[i], hx[0][i], hx[1][i]
		d01 := (y0 - y1) / (t0 - t1)
		d12 := (y1 - y2) / (t1 - t2)
		dd012 := (d01 - d12) / (t0 - t2)
		var lte float64
		if order == 1 {
			lte = h * h * math.Abs(dd012) // h²/2·|x''|, x'' ≈ 2·DD2
		} else {
			y3 := hx[2][i]
			d23 := (y2 - y3) / (t2 - t3)
			dd123 := (d12 - d23) / (t1 - t3)
			dd3 := math.Abs((dd012 - dd123) / (t0 - t3)) // x''' ≈ 6·DD3
			if o.Method == BDF2 {
				a := h * (h + hp)
				lte = dd3 * a * a / (2*h + hp)
			} else {
				lte = 0.5 * h * h * h * dd3
			}
		}
		abs := o.VAbsTol
		if kind == ukState {
			abs = o.XAbsTol
		}
		tol := o.RelTol*math.Max(math.Abs(y0), math.Abs(y1)) + abs
		if r := lte / tol; r > worst || math.IsNaN(r) {
			worst, wi = r, i
			if math.IsNaN(r) {
				worst = math.Inf(1)
			}
		}
	}
	s.lteWorst = wi
	return worst
}
