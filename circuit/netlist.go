package circuit

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Circuit is a netlist: named nodes and named elements. Build it with the
// Add methods, then run analyses on it. Node "0" (or "gnd", any case) is
// ground. Node and element names are made of ASCII letters, digits and
// '_' and must be unique ignoring case (SPICE is case-insensitive).
//
// The Add methods do not return errors: the first problems (a bad value, a
// duplicate name) are recorded, reported by Err, and returned by every
// analysis, so a netlist reads as a list of calls.
//
// Element values (R, C, source waveforms, models) may be changed between
// analyses through the returned element pointers; the topology is fixed
// once added. A Circuit is not safe for concurrent use: it owns the
// solver's workspace.
type Circuit struct {
	// Options are the solver tolerances and limits; zero fields take their
	// defaults (see Options).
	Options Options

	nodes   []string       // non-ground node names, in order of first use
	nodeIdx map[string]int // name → index into nodes
	lower   map[string]string
	elems   []element
	elemIdx map[string]int
	errs    []error

	ws *solver // compiled workspace; nil when the topology changed
}

// New returns an empty circuit with default options.
func New() *Circuit {
	return &Circuit{
		nodeIdx: map[string]int{},
		lower:   map[string]string{},
		elemIdx: map[string]int{},
	}
}

// Err returns the netlist errors recorded by the Add methods, joined, or nil.
func (c *Circuit) Err() error { return errors.Join(c.errs...) }

// Nodes returns the names of the non-ground nodes in order of first use.
func (c *Circuit) Nodes() []string { return append([]string(nil), c.nodes...) }

// Elements returns the elements in the order they were added.
func (c *Circuit) Elements() []Element {
	out := make([]Element, len(c.elems))
	for k, e := range c.elems {
		out[k] = e
	}
	return out
}

// Element returns the element with the given name, or nil.
func (c *Circuit) Element(name string) Element {
	if k, ok := c.elemIdx[name]; ok {
		return c.elems[k]
	}
	return nil
}

// IsGround reports whether a node name denotes ground ("0" or "gnd").
func IsGround(name string) bool { return name == "0" || strings.EqualFold(name, "gnd") }

func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func (c *Circuit) fail(err error) { c.errs = append(c.errs, err) }

// node registers a node name and returns "" if it is invalid.
func (c *Circuit) node(elem, name string) string {
	if IsGround(name) {
		return "0"
	}
	if !validName(name) {
		c.fail(invalidf("element %q: node name %q must be non-empty ASCII letters, digits or '_'", elem, name))
		return ""
	}
	if _, ok := c.nodeIdx[name]; ok {
		return name
	}
	l := strings.ToLower(name)
	if other, ok := c.lower[l]; ok {
		c.fail(invalidf("element %q: node %q differs from node %q only in case", elem, name, other))
		return ""
	}
	c.lower[l] = name
	c.nodeIdx[name] = len(c.nodes)
	c.nodes = append(c.nodes, name)
	return name
}

func (c *Circuit) add(e element, nodes ...*string) {
	name := e.Name()
	ok := true
	if !validName(name) {
		c.fail(invalidf("element name %q must be non-empty ASCII letters, digits or '_'", name))
		ok = false
	}
	l := strings.ToLower(name)
	for other := range c.elemIdx {
		if strings.ToLower(other) == l {
			c.fail(invalidf("duplicate element name %q (already have %q)", name, other))
			ok = false
			break
		}
	}
	for _, n := range nodes {
		*n = c.node(name, *n)
		if *n == "" {
			ok = false
		}
	}
	if err := e.validate(); err != nil {
		c.fail(invalidf("element %q: %v", name, err))
		ok = false
	}
	if !ok {
		return
	}
	c.elemIdx[name] = len(c.elems)
	c.elems = append(c.elems, e)
	c.ws = nil
}

// Element is the common view of every netlist element: *Resistor,
// *Capacitor, *VoltageSource, *CurrentSource, *Stateful or *FET (the set is
// closed).
type Element interface {
	// Name returns the element's name.
	Name() string
	// Terminals returns the node names the element connects, in the
	// order of its Add method ("0" for ground).
	Terminals() []string
	// load stamps the element into the system.
	load(s *solver, ctx *loadCtx)
}

// element is the internal interface of every element type.
type element interface {
	Element
	validate() error
	bind(s *solver)
	// current returns the element's current (see Solution.Current) at
	// solution x in DC (capacitor currents are handled by the caller).
	current(s *solver, x []float64, t float64) float64
}

// Resistor is a linear resistor of R ohms between its terminals a and b.
type Resistor struct {
	name   string
	ta, tb string
	// R is the resistance in Ω (finite, > 0).
	R float64

	a, b int
}

// Capacitor is a linear capacitor of C farads between its terminals a and
// b. It is open in DC analyses.
type Capacitor struct {
	name   string
	ta, tb string
	// C is the capacitance in F (finite, ≥ 0).
	C float64

	a, b, dyn int
}

// VoltageSource forces V(p) − V(n) = W(t) between its terminals p and n.
// Its branch current, an unknown of the system, follows the SPICE
// convention: positive when it flows into p, through the source, and out of
// n (a supply that delivers power has a negative current).
type VoltageSource struct {
	name   string
	tp, tn string
	// W is the source voltage in V.
	W Waveform

	p, n, br int
	swept    bool
	sweepVal float64
}

// CurrentSource drives the current W(t) from its terminal p through the
// source to n (SPICE convention): it draws W out of node p and injects it
// into node n.
type CurrentSource struct {
	name   string
	tp, tn string
	// W is the source current in A.
	W Waveform

	p, n     int
	swept    bool
	sweepVal float64
}

// Stateful is a two-terminal nonlinear element with one internal state,
// described by a StatefulModel; its current flows from terminal a through the
// device to b, for v = V(a) − V(b). The state is an unknown of the system.
type Stateful struct {
	name   string
	ta, tb string
	// Model computes the current and the state equation.
	Model StatefulModel

	a, b, x, dyn int
}

// FET is a three-terminal transistor described by a FETModel: drain d, gate
// g, source s; the drain current flows from d through the channel to s.
type FET struct {
	name       string
	td, tg, ts string
	// Model computes the drain current.
	Model FETModel

	d, g, s int
}

// Name returns the element name.
func (e *Resistor) Name() string { return e.name }

// Name returns the element name.
func (e *Capacitor) Name() string { return e.name }

// Name returns the element name.
func (e *VoltageSource) Name() string { return e.name }

// Name returns the element name.
func (e *CurrentSource) Name() string { return e.name }

// Name returns the element name.
func (e *Stateful) Name() string { return e.name }

// Name returns the element name.
func (e *FET) Name() string { return e.name }

// Terminals returns A, B.
func (e *Resistor) Terminals() []string { return []string{e.ta, e.tb} }

// Terminals returns A, B.
func (e *Capacitor) Terminals() []string { return []string{e.ta, e.tb} }

// Terminals returns P, N.
func (e *VoltageSource) Terminals() []string { return []string{e.tp, e.tn} }

// Terminals returns P, N.
func (e *CurrentSource) Terminals() []string { return []string{e.tp, e.tn} }

// Terminals returns A, B.
func (e *Stateful) Terminals() []string { return []string{e.ta, e.tb} }

// Terminals returns D, G, S.
func (e *FET) Terminals() []string { return []string{e.td, e.tg, e.ts} }

func (e *Resistor) validate() error {
	if !finite(e.R) || e.R <= 0 {
		return fmt.Errorf("resistance %g Ω must be finite and > 0", e.R)
	}
	return nil
}

func (e *Capacitor) validate() error {
	if !finite(e.C) || e.C < 0 {
		return fmt.Errorf("capacitance %g F must be finite and ≥ 0", e.C)
	}
	return nil
}

func validateWave(w Waveform) error {
	if w == nil {
		return fmt.Errorf("nil waveform")
	}
	return w.validate()
}

func (e *VoltageSource) validate() error { return validateWave(e.W) }
func (e *CurrentSource) validate() error { return validateWave(e.W) }

func (e *Stateful) validate() error {
	if e.Model == nil {
		return fmt.Errorf("nil model")
	}
	lo, hi := e.Model.StateBounds()
	if !finite(lo) || !finite(hi) || !(lo < hi) {
		return fmt.Errorf("state bounds [%g, %g] must be finite with lo < hi", lo, hi)
	}
	return nil
}

func (e *FET) validate() error {
	if e.Model == nil {
		return fmt.Errorf("nil model")
	}
	return nil
}

// AddResistor adds a resistor of r ohms between nodes a and b.
func (c *Circuit) AddResistor(name, a, b string, r float64) *Resistor {
	e := &Resistor{name: name, ta: a, tb: b, R: r}
	c.add(e, &e.ta, &e.tb)
	return e
}

// AddCapacitor adds a capacitor of f farads between nodes a and b.
func (c *Circuit) AddCapacitor(name, a, b string, f float64) *Capacitor {
	e := &Capacitor{name: name, ta: a, tb: b, C: f}
	c.add(e, &e.ta, &e.tb)
	return e
}

// AddVoltageSource adds a source forcing V(p) − V(n) = w(t).
func (c *Circuit) AddVoltageSource(name, p, n string, w Waveform) *VoltageSource {
	e := &VoltageSource{name: name, tp: p, tn: n, W: w}
	c.add(e, &e.tp, &e.tn)
	return e
}

// AddCurrentSource adds a source driving w(t) amperes from p through the
// source to n, i.e. into node n.
func (c *Circuit) AddCurrentSource(name, p, n string, w Waveform) *CurrentSource {
	e := &CurrentSource{name: name, tp: p, tn: n, W: w}
	c.add(e, &e.tp, &e.tn)
	return e
}

// AddStateful adds a two-terminal stateful element (current from a to b).
func (c *Circuit) AddStateful(name, a, b string, m StatefulModel) *Stateful {
	e := &Stateful{name: name, ta: a, tb: b, Model: m}
	c.add(e, &e.ta, &e.tb)
	return e
}

// AddFET adds a transistor with drain d, gate g and source s.
func (c *Circuit) AddFET(name, d, g, s string, m FETModel) *FET {
	e := &FET{name: name, td: d, tg: g, ts: s, Model: m}
	c.add(e, &e.td, &e.tg, &e.ts)
	return e
}

// Options are the solver's tolerances and limits. A zero field takes the
// default given in its comment.
type Options struct {
	// RelTol is the relative tolerance of Newton convergence on both the
	// update and the residual. Default 1e-6.
	RelTol float64
	// VNTol is the absolute voltage tolerance in V (update of a node
	// voltage, residual of a voltage-source row). Default 1e-9 V.
	VNTol float64
	// AbsTol is the absolute current tolerance in A (KCL residual of a node,
	// update of a source branch current). Default 1e-15 A.
	AbsTol float64
	// XTol is the absolute tolerance of a state variable (update, and the
	// residual of a state row divided by its diagonal). Default 1e-9.
	XTol float64
	// Gmin is the conductance in S from every node to ground, in every
	// analysis (and in the SPICE export). Default 1e-12 S. A negative
	// value means none.
	Gmin float64
	// MaxVoltageStep limits, in V, how far one Newton iteration may move
	// any controlling voltage of a nonlinear element (the whole update is
	// scaled down to respect it). Default 0.5 V.
	MaxVoltageStep float64
	// MaxStateStep limits the change of a state per Newton iteration, as
	// a fraction of its bounds' span. Default 0.5.
	MaxStateStep float64
	// MaxIter caps the Newton iterations of one solve. Default 100.
	MaxIter int
	// MaxVoltage is the largest node voltage magnitude (V) accepted as a
	// solution; beyond it the solve is reported as not converged. It
	// catches answers that only gmin holds (a current forced into a node
	// that cannot carry it). Default 1e3 V.
	MaxVoltage float64
}

// DefaultOptions returns the options with every default filled in.
func DefaultOptions() Options {
	return Options{
		RelTol:         1e-6,
		VNTol:          1e-9,
		AbsTol:         1e-15,
		XTol:           1e-9,
		Gmin:           1e-12,
		MaxVoltageStep: 0.5,
		MaxStateStep:   0.5,
		MaxIter:        100,
		MaxVoltage:     1e3,
	}
}

// withDefaults fills zero fields and validates the others.
func (o Options) withDefaults() (Options, error) {
	d := DefaultOptions()
	fix := func(name string, v *float64, def float64, allowNeg bool) error {
		if math.IsNaN(*v) || math.IsInf(*v, 0) || (*v < 0 && !allowNeg) {
			return invalidf("Options.%s = %g must be finite and ≥ 0", name, *v)
		}
		if *v == 0 {
			*v = def
		}
		return nil
	}
	for _, f := range []struct {
		name     string
		v        *float64
		def      float64
		allowNeg bool
	}{
		{"RelTol", &o.RelTol, d.RelTol, false},
		{"VNTol", &o.VNTol, d.VNTol, false},
		{"AbsTol", &o.AbsTol, d.AbsTol, false},
		{"XTol", &o.XTol, d.XTol, false},
		{"Gmin", &o.Gmin, d.Gmin, true},
		{"MaxVoltageStep", &o.MaxVoltageStep, d.MaxVoltageStep, false},
		{"MaxStateStep", &o.MaxStateStep, d.MaxStateStep, false},
		{"MaxVoltage", &o.MaxVoltage, d.MaxVoltage, false},
	} {
		if err := fix(f.name, f.v, f.def, f.allowNeg); err != nil {
			return o, err
		}
	}
	if o.Gmin < 0 {
		o.Gmin = 0
	}
	if o.MaxIter < 0 {
		return o, invalidf("Options.MaxIter = %d must be ≥ 0", o.MaxIter)
	}
	if o.MaxIter == 0 {
		o.MaxIter = d.MaxIter
	}
	return o, nil
}
