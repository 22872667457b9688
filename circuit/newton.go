package circuit

import (
	"errors"
	"fmt"
	"math"
)

// errNonFinite is the cause reported when a model returns NaN or ±Inf.
var errNonFinite = errors.New("a model returned NaN or Inf")

// solveFail is a failed Newton solve: the unknown that was worst and why.
type solveFail struct {
	worst int
	cause error
	msg   string
}

func (f *solveFail) Error() string { return f.msg }

// pivRel is the relative pivot threshold of the LU factorisation.
const pivRel = 1e-14

// newton runs damped Newton–Raphson from s.x under ctx. On success s.x
// holds a solution that meets the residual and update tolerances; on
// failure s.x holds the last iterate. It allocates nothing unless it fails.
func (s *solver) newton(ctx *loadCtx) *solveFail {
	o := &s.opt
	n, st := s.n, s.st
	kinds := s.lay.kinds
	worst := 0
	for it := 0; it < o.MaxIter; it++ {
		s.lastIters = it + 1
		s.load(ctx)
		// Residual test (before the factorisation overwrites J).
		resOK := true
		worstScore := 0.0 // largest residual or update over its tolerance
		for i := 0; i < n; i++ {
			abs, _ := o.absTols(kinds[i])
			if kinds[i] == ukState {
				abs *= math.Abs(s.J[i*st+i])
			}
			over, bad := exceeds(s.F[i], o.RelTol*s.scale[i]+abs, i, &worstScore, &worst)
			if bad {
				return &solveFail{worst: i, cause: errNonFinite, msg: "non-finite residual"}
			}
			resOK = resOK && !over
		}
		for i := 0; i < n; i++ {
			s.dx[i] = -s.F[i]
		}
		if k := luFactor(s.J, n, st, s.perm, s.colmax, pivRel); k >= 0 {
			for _, v := range s.J[:n*st] {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return &solveFail{worst: k, cause: errNonFinite, msg: "non-finite Jacobian"}
				}
			}
			return &solveFail{worst: k, cause: ErrSingular, msg: "singular Jacobian"}
		}
		luSolve(s.J, n, st, s.perm, s.dx, s.tmp)
		// Update test and damping.
		updOK := true
		for i := 0; i < n; i++ {
			d, xi := s.dx[i], s.x[i]
			_, abs := o.absTols(kinds[i])
			over, bad := exceeds(d, o.RelTol*math.Max(math.Abs(xi), math.Abs(xi+d))+abs, i, &worstScore, &worst)
			if bad {
				return &solveFail{worst: i, cause: errNonFinite, msg: "non-finite update"}
			}
			updOK = updOK && !over
		}
		alpha := s.damping()
		for i := 0; i < n; i++ {
			v := s.x[i] + alpha*s.dx[i]
			if kinds[i] == ukState {
				v = math.Min(math.Max(v, s.lo[i]), s.hi[i])
			}
			s.x[i] = v
		}
		if resOK && updOK && alpha == 1 {
			for i := 0; i < s.nNodes; i++ {
				if !(math.Abs(s.x[i]) <= o.MaxVoltage) {
					return &solveFail{worst: i, msg: fmt.Sprintf("|%s| = %g V exceeds Options.MaxVoltage", s.lay.names[i], s.x[i])}
				}
			}
			s.lastWorst = -1
			return nil
		}
	}
	s.lastWorst = worst
	return &solveFail{worst: worst, msg: fmt.Sprintf("iteration limit (%d) reached", o.MaxIter)}
}

// absTols returns the absolute tolerances of the residual row and of the
// Newton update of an unknown of kind k: at a node the residual is a
// current (AbsTol) and the update a voltage (VNTol), on a voltage-source
// row the reverse; a state's are XTol, the residual's to be scaled by
// |∂F/∂x|.
func (o *Options) absTols(k uint8) (res, upd float64) {
	switch k {
	case ukNode:
		return o.AbsTol, o.VNTol
	case ukBranch:
		return o.VNTol, o.AbsTol
	}
	return o.XTol, o.XTol
}

// exceeds reports whether |v| is above tol (or not comparable with it),
// raising *score to |v|/tol and *worst to unknown i when that ratio is the
// largest so far; bad reports a NaN or ±Inf v.
func exceeds(v, tol float64, i int, score *float64, worst *int) (over, bad bool) {
	if math.Abs(v) <= tol {
		return false, false
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return true, true
	}
	if r := math.Abs(v) / tol; r > *score {
		*score, *worst = r, i
	}
	return true, false
}

// damping returns the factor in (0, 1] that keeps every controlling voltage
// of a nonlinear element within MaxVoltageStep and every state within
// MaxStateStep of its span.
func (s *solver) damping() float64 {
	alpha := 1.0
	dx := s.dx
	dx[s.n] = 0
	lim := s.opt.MaxVoltageStep
	for _, p := range s.ctrl {
		if d := math.Abs(dx[p[0]] - dx[p[1]]); d*alpha > lim {
			alpha = lim / d
		}
	}
	for i := s.nNodes; i < s.n; i++ {
		if s.lay.kinds[i] != ukState {
			continue
		}
		lim := s.opt.MaxStateStep * (s.hi[i] - s.lo[i])
		if d := math.Abs(dx[i]); d*alpha > lim {
			alpha = lim / d
		}
	}
	return alpha
}

// initGuess sets s.x to the default starting point: zero voltages and
// currents, states at their lower bounds (or their held values).
func (s *solver) initGuess() {
	clear(s.x)
	for i := s.nNodes; i < s.n; i++ {
		if s.lay.kinds[i] == ukState {
			s.x[i] = s.lo[i]
			if h := s.holdX[i]; !math.IsNaN(h) {
				s.x[i] = h
			}
		}
	}
}

// Fallback limits.
const (
	gminStart     = 1e-3 // S, first extra conductance of gmin stepping
	gminStop      = 1e-13
	maxStepSolves = 400 // Newton solves per stepping strategy
	minSourceStep = 1e-7
)

// solveDC finds a DC solution starting from s.x: plain Newton, then gmin
// stepping, then source stepping, then pseudo-transient continuation. ctx.gmin and ctx.srcScale are the target
// values. It returns a description of every failure.
func (s *solver) solveDC(ctx *loadCtx) *solveFail {
	copy(s.xa, s.x) // the starting point
	first := s.newton(ctx)
	if first == nil {
		return nil
	}
	if errors.Is(first.cause, errNonFinite) {
		// A model that returns NaN will not be rescued by stepping.
		return first
	}
	copy(s.x, s.xa)
	gfail := s.gminStepping(ctx)
	if gfail == nil {
		return nil
	}
	copy(s.x, s.xa)
	sfail := s.sourceStepping(ctx)
	if sfail == nil {
		return nil
	}
	copy(s.x, s.xa)
	pfail := s.pseudoTransient(ctx)
	if pfail == nil {
		return nil
	}
	return &solveFail{
		worst: first.worst,
		cause: first.cause,
		msg: fmt.Sprintf("Newton: %s; gmin stepping: %s; source stepping: %s; pseudo-transient: %s",
			first.msg, gfail.msg, sfail.msg, pfail.msg),
	}
}

// gminStepping solves with an extra conductance to ground on every node,
// reduced from gminStart towards zero, each solve starting from the last.
func (s *solver) gminStepping(ctx *loadCtx) *solveFail {
	base := ctx.gmin
	defer func() { ctx.gmin = base }()
	g, factor := gminStart, 10.0
	good := math.Inf(1) // extra conductance of the last converged solve
	for k := 0; k < maxStepSolves; k++ {
		ctx.gmin = base + g
		f := s.newton(ctx)
		if f == nil {
			if g == 0 {
				return nil
			}
			copy(s.xb, s.x)
			good = g
			factor = math.Min(factor*factor, 10)
			g /= factor
			if g < gminStop {
				g = 0
			}
			continue
		}
		if math.IsInf(good, 1) {
			return &solveFail{worst: f.worst, cause: f.cause, msg: fmt.Sprintf("failed at the first step (extra %g S): %s", g, f.msg)}
		}
		copy(s.x, s.xb)
		factor = math.Sqrt(factor)
		if factor < 1.001 {
			return &solveFail{worst: f.worst, cause: f.cause, msg: fmt.Sprintf("stalled at extra gmin %g S: %s", good, f.msg)}
		}
		g = good / factor
		if g < gminStop {
			g = 0
		}
	}
	return &solveFail{worst: s.lastWorst, msg: "step limit reached"}
}

// sourceStepping ramps every independent source from 0 to its value.
func (s *solver) sourceStepping(ctx *loadCtx) *solveFail {
	target := ctx.srcScale
	defer func() { ctx.srcScale = target }()
	ctx.srcScale = 0
	s.initGuess()
	if f := s.newton(ctx); f != nil {
		return &solveFail{worst: f.worst, cause: f.cause, msg: "failed with all sources at zero: " + f.msg}
	}
	copy(s.xb, s.x)
	lam, step := 0.0, 0.1
	for k := 0; k < maxStepSolves; k++ {
		next := math.Min(1, lam+step)
		ctx.srcScale = target * next
		f := s.newton(ctx)
		if f == nil {
			lam = next
			if lam >= 1 {
				return nil
			}
			copy(s.xb, s.x)
			step = math.Min(2*step, 0.5)
			continue
		}
		copy(s.x, s.xb)
		step /= 4
		if step < minSourceStep {
			return &solveFail{worst: f.worst, cause: f.cause, msg: fmt.Sprintf("stalled at %.3g of the source values: %s", lam, f.msg)}
		}
	}
	return &solveFail{worst: s.lastWorst, msg: "step limit reached"}
}

// convErr turns a solve failure into the public error.
func (s *solver) convErr(analysis, where string, f *solveFail) error {
	e := &ConvergenceError{Analysis: analysis, Where: where, Detail: f.msg, Cause: f.cause}
	if f.worst >= 0 && f.worst < s.n {
		e.Worst = s.lay.names[f.worst]
	}
	return e
}
