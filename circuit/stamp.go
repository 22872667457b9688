package circuit

import "math"

// Stamping helpers. Index n is the ground slot: writes to it are harmless
// and never read.

func (s *solver) addF(r int, v float64) {
	s.F[r] += v
	s.scale[r] += math.Abs(v)
}

func (s *solver) addJ(r, c int, v float64) { s.J[r*s.st+c] += v }

// stampBranch stamps a two-terminal branch that carries the current i from
// node a to node b with the conductance g = ∂i/∂(V(a) − V(b)).
func (s *solver) stampBranch(a, b int, i, g float64) {
	s.addF(a, i)
	s.addF(b, -i)
	s.addJ(a, a, g)
	s.addJ(a, b, -g)
	s.addJ(b, a, -g)
	s.addJ(b, b, g)
}

// load evaluates the residual F(x) and Jacobian J at s.x.
func (s *solver) load(ctx *loadCtx) {
	clear(s.J)
	clear(s.F)
	clear(s.scale)
	s.x[s.n] = 0
	for _, e := range s.elems {
		e.load(s, ctx)
	}
	if g := ctx.gmin; g > 0 {
		for i := 0; i < s.nNodes; i++ {
			s.addF(i, g*s.x[i])
			s.J[i*s.st+i] += g
		}
	}
	if ctx.pseudo > 0 {
		g := ctx.pcap * ctx.pseudo
		for i := 0; i < s.nNodes; i++ {
			s.addF(i, g*(s.x[i]-ctx.prev[i]))
			s.J[i*s.st+i] += g
		}
	}
}

func (e *Resistor) load(s *solver, _ *loadCtx) {
	g := 1 / e.R
	i := g * (s.x[e.a] - s.x[e.b])
	s.stampBranch(e.a, e.b, i, g)
}

func (e *Capacitor) load(s *solver, ctx *loadCtx) {
	if ctx.mode == modeDC || e.C == 0 {
		return
	}
	g := ctx.a0 * e.C
	i := g*(s.x[e.a]-s.x[e.b]) + ctx.hist[e.dyn]
	s.stampBranch(e.a, e.b, i, g)
}

// value returns the source value for a load.
func sourceValue(w Waveform, swept bool, sweepVal float64, ctx *loadCtx) float64 {
	var v float64
	switch {
	case ctx.mode == modeDC && swept:
		v = sweepVal
	case ctx.mode == modeDC:
		v = w.At(0)
	default:
		v = w.At(ctx.t)
	}
	return v * ctx.srcScale
}

func (e *VoltageSource) load(s *solver, ctx *loadCtx) {
	E := sourceValue(e.W, e.swept, e.sweepVal, ctx)
	i := s.x[e.br]
	s.addF(e.p, i)
	s.addF(e.n, -i)
	s.addJ(e.p, e.br, 1)
	s.addJ(e.n, e.br, -1)
	vp, vn := s.x[e.p], s.x[e.n]
	s.F[e.br] = vp - vn - E
	s.scale[e.br] = math.Abs(vp) + math.Abs(vn) + math.Abs(E)
	s.addJ(e.br, e.p, 1)
	s.addJ(e.br, e.n, -1)
}

func (e *CurrentSource) load(s *solver, ctx *loadCtx) {
	I := sourceValue(e.W, e.swept, e.sweepVal, ctx)
	s.addF(e.p, I)
	s.addF(e.n, -I)
}

func (e *Stateful) load(s *solver, ctx *loadCtx) {
	v := s.x[e.a] - s.x[e.b]
	xs := s.x[e.x]
	i, didv, didx := e.Model.Current(v, xs)
	s.stampBranch(e.a, e.b, i, didv)
	s.addJ(e.a, e.x, didx)
	s.addJ(e.b, e.x, -didx)
	r := e.x
	if h := s.holdX[r]; ctx.hold && !math.IsNaN(h) {
		s.F[r] = xs - h
		s.scale[r] = math.Abs(xs) + math.Abs(h)
		s.J[r*s.st+r] = 1
		return
	}
	var f, dfdv, dfdx float64
	if ss, ok := e.Model.(SteadyStateModel); ok && ctx.mode == modeDC {
		f, dfdv, dfdx = ss.SteadyStateRate(v, xs)
	} else {
		f, dfdv, dfdx = e.Model.StateRate(v, xs)
	}
	if ctx.mode == modeDC && ctx.pseudo > 0 {
		q := ctx.pseudo * (xs - ctx.prev[r])
		s.F[r] = q - f
		s.scale[r] = math.Abs(ctx.pseudo*xs) + math.Abs(ctx.pseudo*ctx.prev[r]) + math.Abs(f)
		s.addJ(r, r, ctx.pseudo-dfdx)
	} else if ctx.mode == modeDC {
		s.F[r] = -f
		s.scale[r] = math.Abs(f)
		s.addJ(r, r, -dfdx)
	} else {
		q := ctx.a0*xs + ctx.hist[e.dyn]
		s.F[r] = q - f
		s.scale[r] = math.Abs(ctx.a0*xs) + math.Abs(ctx.hist[e.dyn]) + math.Abs(f)
		s.addJ(r, r, ctx.a0-dfdx)
	}
	s.addJ(r, e.a, -dfdv)
	s.addJ(r, e.b, dfdv)
}

func (e *FET) load(s *solver, _ *loadCtx) {
	vs := s.x[e.s]
	id, gm, gds := e.Model.Ids(s.x[e.g]-vs, s.x[e.d]-vs)
	s.addF(e.d, id)
	s.addF(e.s, -id)
	s.addJ(e.d, e.g, gm)
	s.addJ(e.d, e.d, gds)
	s.addJ(e.d, e.s, -gm-gds)
	s.addJ(e.s, e.g, -gm)
	s.addJ(e.s, e.d, -gds)
	s.addJ(e.s, e.s, gm+gds)
}

// Element currents at a solution (DC; the transient overrides capacitors).

func (e *Resistor) current(_ *solver, x []float64, _ float64) float64 {
	return (x[e.a] - x[e.b]) / e.R
}
func (e *Capacitor) current(*solver, []float64, float64) float64           { return 0 }
func (e *VoltageSource) current(_ *solver, x []float64, _ float64) float64 { return x[e.br] }
func (e *CurrentSource) current(_ *solver, _ []float64, t float64) float64 {
	if e.swept {
		return e.sweepVal
	}
	return e.W.At(t)
}
func (e *Stateful) current(_ *solver, x []float64, _ float64) float64 {
	i, _, _ := e.Model.Current(x[e.a]-x[e.b], x[e.x])
	return i
}
func (e *FET) current(_ *solver, x []float64, _ float64) float64 {
	id, _, _ := e.Model.Ids(x[e.g]-x[e.s], x[e.d]-x[e.s])
	return id
}
