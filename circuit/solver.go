package circuit

import (
	"errors"
	"fmt"
	"math"
)

// Unknown kinds of the MNA system.
const (
	ukNode   = iota // node voltage, V
	ukBranch        // voltage-source branch current, A
	ukState         // state variable of a Stateful element
)

// Analysis modes of a load.
const (
	modeDC = iota
	modeTran
)

// loadCtx carries what a load of the system depends on besides the unknowns.
type loadCtx struct {
	mode     int
	t        float64 // time (s) in a transient
	srcScale float64 // factor on every independent source (source stepping)
	gmin     float64 // conductance to ground on every node, S
	a0       float64 // integrator: dq/dt ≈ a0·q + hist[dyn]
	hist     []float64
	hold     bool // states with a finite holdX are fixed (initial conditions)
	// Pseudo-transient continuation of a DC solve (pseudoTransient): with
	// pseudo = 1/h > 0 every state row becomes (x − prev)/h − dx/dt and
	// every node gets a capacitance pcap to ground charged from prev.
	pseudo float64
	pcap   float64
	prev   []float64
}

// dynQ is a quantity whose time derivative enters the equations: a
// capacitor's charge or a state variable.
type dynQ struct {
	cap *Capacitor // nil for a state
	xi  int        // state unknown, if cap == nil
}

// value returns the quantity at solution x.
func (d *dynQ) value(x []float64) float64 {
	if d.cap != nil {
		return d.cap.C * (x[d.cap.a] - x[d.cap.b])
	}
	return x[d.xi]
}

// layout names the unknowns and element currents of a compiled circuit. It
// is immutable, so results keep it after the circuit changes.
type layout struct {
	n       int               // unknowns
	m       int               // elements (one recorded current each)
	names   []string          // unknown names
	kinds   []uint8           // unknown kinds
	nodeIdx map[string]int    // node name → unknown
	elemIdx map[string]int    // element name → element index
	brIdx   map[string]int    // voltage-source name → branch unknown
	stIdx   map[string]int    // stateful name → state unknown
	elems   []string          // element names
	srcTerm map[string][2]int // independent-source name → P, N unknowns (-1: ground)
}

// width is the length of one recorded row: the unknowns then one current
// per element.
func (l *layout) width() int { return l.n + l.m }

// solver is the compiled circuit with every workspace the analyses need.
type solver struct {
	c   *Circuit
	opt Options
	lay *layout

	n, st  int // unknowns, row stride (n+1: index n is ground)
	nNodes int
	elems  []element
	dyn    []dynQ
	ctrl   [][2]int // controlling voltages (node pairs) of nonlinear elements
	lo, hi []float64
	holdX  []float64 // per unknown: the held state value, NaN if free

	J, F, scale, x, dx, tmp, colmax []float64
	perm                            []int
	rowAbs                          []float64
	xa, xb, xc                      []float64 // saved solutions
	structErr                       error
	lastWorst                       int
	lastIters                       int // Newton iterations of the last solve
	lteWorst                        int // unknown with the largest truncation error
}

// compile builds (or returns the cached) solver for the circuit.
func (c *Circuit) compile() (*solver, error) {
	if err := c.Err(); err != nil {
		return nil, err
	}
	opt, err := c.Options.withDefaults()
	if err != nil {
		return nil, err
	}
	if len(c.elems) == 0 {
		return nil, invalidf("empty circuit")
	}
	// Values may have changed through the element pointers since the
	// elements were added.
	for _, e := range c.elems {
		if err := e.validate(); err != nil {
			return nil, invalidf("element %q: %v", e.Name(), err)
		}
	}
	if s := c.ws; s != nil {
		s.opt = opt
		for _, e := range s.elems {
			if m, ok := e.(*Stateful); ok {
				s.lo[m.x], s.hi[m.x] = m.Model.StateBounds()
			}
		}
		return s, s.structErr
	}
	s := &solver{c: c, opt: opt, nNodes: len(c.nodes)}
	n := len(c.nodes)
	for _, e := range c.elems {
		switch e.(type) {
		case *VoltageSource, *Stateful:
			n++
		}
	}
	s.n, s.st = n, n+1
	lay := &layout{
		n: n, m: len(c.elems),
		names:   make([]string, n),
		kinds:   make([]uint8, n),
		nodeIdx: map[string]int{},
		elemIdx: map[string]int{},
		brIdx:   map[string]int{},
		stIdx:   map[string]int{},
		srcTerm: map[string][2]int{},
	}
	for k, name := range c.nodes {
		lay.nodeIdx[name] = k
		lay.names[k] = "V(" + name + ")"
		lay.kinds[k] = ukNode
	}
	s.lay = lay
	s.lo = make([]float64, n)
	s.hi = make([]float64, n)
	s.holdX = make([]float64, n)
	for k := range s.holdX {
		s.holdX[k] = math.NaN()
	}
	next := len(c.nodes)
	for k, e := range c.elems {
		lay.elemIdx[e.Name()] = k
		lay.elems = append(lay.elems, e.Name())
		switch e := e.(type) {
		case *VoltageSource:
			e.br = next
			lay.brIdx[e.name] = next
			lay.names[next] = "I(" + e.name + ")"
			lay.kinds[next] = ukBranch
			next++
		case *Stateful:
			e.x = next
			lay.stIdx[e.name] = next
			lay.names[next] = "x(" + e.name + ")"
			lay.kinds[next] = ukState
			s.lo[next], s.hi[next] = e.Model.StateBounds()
			next++
		}
		e.bind(s)
		s.elems = append(s.elems, e)
		var t [2]int
		switch v := e.(type) {
		case *VoltageSource:
			t = [2]int{v.p, v.n}
		case *CurrentSource:
			t = [2]int{v.p, v.n}
		}
		switch e.(type) {
		case *VoltageSource, *CurrentSource:
			for j := range t {
				if t[j] == n {
					t[j] = -1
				}
			}
			lay.srcTerm[e.Name()] = t
		}
	}
	s.J = make([]float64, s.st*s.st)
	s.F = make([]float64, s.st)
	s.scale = make([]float64, s.st)
	s.x = make([]float64, s.st)
	s.dx = make([]float64, s.st)
	s.tmp = make([]float64, s.st)
	s.colmax = make([]float64, s.st)
	s.rowAbs = make([]float64, s.st)
	s.perm = make([]int, s.st)
	s.xa = make([]float64, s.st)
	s.xb = make([]float64, s.st)
	s.xc = make([]float64, s.st)
	s.structErr = s.checkStructure()
	c.ws = s
	return s, s.structErr
}

// idx maps a node name to its unknown, ground to the ground slot n.
func (s *solver) idx(node string) int {
	if node == "0" {
		return s.n
	}
	return s.lay.nodeIdx[node]
}

func (e *Resistor) bind(s *solver) { e.a, e.b = s.idx(e.ta), s.idx(e.tb) }
func (e *Capacitor) bind(s *solver) {
	e.a, e.b = s.idx(e.ta), s.idx(e.tb)
	e.dyn = len(s.dyn)
	s.dyn = append(s.dyn, dynQ{cap: e})
}
func (e *VoltageSource) bind(s *solver) {
	e.p, e.n = s.idx(e.tp), s.idx(e.tn)
}
func (e *CurrentSource) bind(s *solver) { e.p, e.n = s.idx(e.tp), s.idx(e.tn) }
func (e *Stateful) bind(s *solver) {
	e.a, e.b = s.idx(e.ta), s.idx(e.tb)
	e.dyn = len(s.dyn)
	s.dyn = append(s.dyn, dynQ{xi: e.x})
	s.ctrl = append(s.ctrl, [2]int{e.a, e.b})
}
func (e *FET) bind(s *solver) {
	e.d, e.g, e.s = s.idx(e.td), s.idx(e.tg), s.idx(e.ts)
	s.ctrl = append(s.ctrl, [2]int{e.g, e.s}, [2]int{e.d, e.s})
}

// checkStructure finds the topologies that make the DC equations singular
// whatever the element values: a node with no DC path to ground and a loop
// of voltage sources.
func (s *solver) checkStructure() error {
	parent := make([]int, s.nNodes+1) // index nNodes is ground
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	reset := func() {
		for i := range parent {
			parent[i] = i
		}
	}
	node := func(i int) int {
		if i == s.n {
			return s.nNodes
		}
		return i
	}
	// Loops of voltage sources.
	reset()
	for _, e := range s.elems {
		if v, ok := e.(*VoltageSource); ok {
			a, b := find(node(v.p)), find(node(v.n))
			if a == b {
				return fmt.Errorf("circuit: voltage source %q closes a loop of voltage sources (or is shorted): %w", v.name, ErrSingular)
			}
			parent[a] = b
		}
	}
	// DC paths to ground.
	reset()
	join := func(i, j int) { parent[find(node(i))] = find(node(j)) }
	for _, e := range s.elems {
		switch e := e.(type) {
		case *Resistor:
			join(e.a, e.b)
		case *VoltageSource:
			join(e.p, e.n)
		case *Stateful:
			join(e.a, e.b)
		case *FET:
			join(e.d, e.s)
		}
	}
	g := find(s.nNodes)
	for k, name := range s.c.nodes {
		if find(k) != g {
			return fmt.Errorf("circuit: node %q has no DC path to ground (only capacitors, current sources or FET gates reach it): %w", name, ErrSingular)
		}
	}
	return nil
}

// Stamping helpers. Index n is the ground slot: writes to it are harmless
// and never read.

func (s *solver) addF(r int, v float64) {
	s.F[r] += v
	s.scale[r] += math.Abs(v)
}

func (s *solver) addJ(r, c int, v float64) { s.J[r*s.st+c] += v }

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
	s.addF(e.a, i)
	s.addF(e.b, -i)
	s.addJ(e.a, e.a, g)
	s.addJ(e.a, e.b, -g)
	s.addJ(e.b, e.a, -g)
	s.addJ(e.b, e.b, g)
}

func (e *Capacitor) load(s *solver, ctx *loadCtx) {
	if ctx.mode == modeDC || e.C == 0 {
		return
	}
	g := ctx.a0 * e.C
	i := g*(s.x[e.a]-s.x[e.b]) + ctx.hist[e.dyn]
	s.addF(e.a, i)
	s.addF(e.b, -i)
	s.addJ(e.a, e.a, g)
	s.addJ(e.a, e.b, -g)
	s.addJ(e.b, e.a, -g)
	s.addJ(e.b, e.b, g)
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
	s.addF(e.a, i)
	s.addF(e.b, -i)
	s.addJ(e.a, e.a, didv)
	s.addJ(e.a, e.b, -didv)
	s.addJ(e.b, e.a, -didv)
	s.addJ(e.b, e.b, didv)
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
			f := s.F[i]
			var abs float64
			switch kinds[i] {
			case ukNode:
				abs = o.AbsTol
			case ukBranch:
				abs = o.VNTol
			default:
				abs = o.XTol * math.Abs(s.J[i*st+i])
			}
			tol := o.RelTol*s.scale[i] + abs
			if !(math.Abs(f) <= tol) {
				if math.IsNaN(f) || math.IsInf(f, 0) {
					return &solveFail{worst: i, cause: errNonFinite, msg: "non-finite residual"}
				}
				resOK = false
				if r := math.Abs(f) / tol; r > worstScore {
					worstScore, worst = r, i
				}
			}
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
			d := s.dx[i]
			xi := s.x[i]
			var abs float64
			switch kinds[i] {
			case ukNode:
				abs = o.VNTol
			case ukBranch:
				abs = o.AbsTol
			default:
				abs = o.XTol
			}
			tol := o.RelTol*math.Max(math.Abs(xi), math.Abs(xi+d)) + abs
			if !(math.Abs(d) <= tol) {
				if math.IsNaN(d) || math.IsInf(d, 0) {
					return &solveFail{worst: i, cause: errNonFinite, msg: "non-finite update"}
				}
				updOK = false
				if r := math.Abs(d) / tol; r > worstScore {
					worstScore, worst = r, i
				}
			}
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
