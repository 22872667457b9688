package circuit

import (
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
