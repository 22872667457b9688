package circuit

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Analysis is an analysis to write into a SPICE netlist: OPAnalysis,
// DCAnalysis or TranAnalysis.
type Analysis interface {
	output() string
}

// DefaultSpiceOutput is the wrdata file name used when an analysis leaves
// Output empty.
const DefaultSpiceOutput = "mrelu_out.txt"

// OPAnalysis is a DC operating point.
type OPAnalysis struct {
	// Output is the file (relative to ngspice's working directory) that
	// the .control block writes with wrdata. Default DefaultSpiceOutput.
	Output string
}

// DCAnalysis is a DC sweep of one independent source over Values. SPICE's
// dc command sweeps a uniform range, so the values are split into maximal
// runs of equal steps (an up-and-down sweep becomes two runs), each written
// as one dc command whose rows are appended to Output. ngspice starts each
// run from its own operating point, so on a hysteretic circuit only the
// first run is guaranteed to follow the same branch as DCSweep.
type DCAnalysis struct {
	Source string
	Values []float64
	Output string
}

// TranAnalysis is a transient to Stop (s).
type TranAnalysis struct {
	Stop float64
	// Step is SPICE's print step (s). Default Stop/1000.
	Step float64
	// Options: Method selects ngspice's method (gear, maxorder 2, or
	// trap), MaxStep its maximum step (default Stop/100 as in Transient),
	// InitialState becomes .ic lines on the state nodes.
	Options TranOptions
	Output  string
}

func outOrDefault(s string) string {
	if s == "" {
		return DefaultSpiceOutput
	}
	return s
}

func (a OPAnalysis) output() string   { return outOrDefault(a.Output) }
func (a DCAnalysis) output() string   { return outOrDefault(a.Output) }
func (a TranAnalysis) output() string { return outOrDefault(a.Output) }

// fmtNum formats a number for a netlist with full precision.
func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// Names of the exported cards and nodes. Node names are written in lower
// case (ngspice folds case); cards get a type letter prefix.
func spiceNode(n string) string {
	if IsGround(n) {
		return "0"
	}
	return strings.ToLower(n)
}

// SpiceStateNode is the ngspice node that carries the state of the named
// stateful element in an exported netlist (its voltage is x).
func SpiceStateNode(element string) string { return "xs_" + strings.ToLower(element) }

// SpiceSourceName is the card name of a named source in an exported
// netlist, e.g. "v_vdd"; ngspice calls its branch current i(v_vdd).
func SpiceSourceName(e Element) string {
	switch e.(type) {
	case *VoltageSource:
		return "v_" + strings.ToLower(e.Name())
	case *CurrentSource:
		return "i_" + strings.ToLower(e.Name())
	}
	return strings.ToLower(e.Name())
}

// vdiff is the ngspice expression of V(a) − V(b).
func vdiff(a, b string) string {
	a, b = spiceNode(a), spiceNode(b)
	switch {
	case a == "0" && b == "0":
		return "0"
	case b == "0":
		return "v(" + a + ")"
	case a == "0":
		return "(-v(" + b + "))"
	}
	return "v(" + a + "," + b + ")"
}

// WriteSpice writes the circuit and one analysis as an ngspice netlist:
// R, C, V and I cards (PULSE and PWL waveforms, each with its DC value),
// every Stateful element as a behavioural current source
// B_<name> A B I=<SpiceCurrent> plus a state node xs_<name> carrying x — a 1 F
// capacitor to ground charged by a behavioural source BX_<name> whose current
// is SpiceRate, so dV/dt = f — and every FET as B_<name> D S I=<SpiceIds>.
// The solver's gmin is written as a resistor from every node to ground and
// its tolerances as .options, so that ngspice solves the same equations.
// A .control block runs the analysis and writes every node voltage,
// voltage-source current and state with wrdata to the analysis' Output
// file (one header line of vector names, then one row per point).
//
// Models must implement SpiceStateful and SpiceFET.
func WriteSpice(w io.Writer, c *Circuit, analysis Analysis) error {
	if err := c.Err(); err != nil {
		return err
	}
	opt, err := c.Options.withDefaults()
	if err != nil {
		return err
	}
	if len(c.elems) == 0 {
		return invalidf("WriteSpice: empty circuit")
	}
	out := analysis.output()
	if strings.ContainsAny(out, " \t\r\n;") {
		return invalidf("WriteSpice: output file name %q must not contain blanks or ';'", out)
	}
	tstop := 0.0
	if ta, ok := analysis.(TranAnalysis); ok {
		tstop = ta.Stop
		if !finite(tstop) || tstop <= 0 {
			return invalidf("WriteSpice: TranAnalysis.Stop = %g s must be finite and > 0", tstop)
		}
	}

	var b strings.Builder
	used := map[string]string{} // lower-case card/node name → what it is
	claim := func(name, what string) error {
		l := strings.ToLower(name)
		if prev, ok := used[l]; ok {
			return invalidf("WriteSpice: name %q of %s clashes with %s", name, what, prev)
		}
		used[l] = what
		return nil
	}
	for _, n := range c.nodes {
		if err := claim("node:"+spiceNode(n), "node "+n); err != nil {
			return err
		}
	}
	fmt.Fprintf(&b, "* mrelu circuit netlist (generated by circuit.WriteSpice; SI units)\n")
	var vecs []string
	for _, n := range c.nodes {
		vecs = append(vecs, "v("+spiceNode(n)+")")
	}
	var states, currents []string
	var ics []string
	for _, e := range c.elems {
		name := strings.ToLower(e.Name())
		var line string
		var card string
		switch e := e.(type) {
		case *Resistor:
			card = "r_" + name
			line = fmt.Sprintf("%s %s %s %s", card, spiceNode(e.ta), spiceNode(e.tb), fmtNum(e.R))
		case *Capacitor:
			card = "c_" + name
			line = fmt.Sprintf("%s %s %s %s", card, spiceNode(e.ta), spiceNode(e.tb), fmtNum(e.C))
		case *VoltageSource:
			card = SpiceSourceName(e)
			line = fmt.Sprintf("%s %s %s %s", card, spiceNode(e.tp), spiceNode(e.tn), e.W.spice(tstop))
			currents = append(currents, "i("+card+")")
		case *CurrentSource:
			card = SpiceSourceName(e)
			line = fmt.Sprintf("%s %s %s %s", card, spiceNode(e.tp), spiceNode(e.tn), e.W.spice(tstop))
		case *Stateful:
			m, ok := e.Model.(SpiceStateful)
			if !ok {
				return invalidf("WriteSpice: the model of %q (%T) does not implement SpiceStateful", e.name, e.Model)
			}
			card = "b_" + name
			xn := SpiceStateNode(e.name)
			if err := claim("node:"+xn, "state node of "+e.name); err != nil {
				return err
			}
			for _, extra := range []string{"bx_" + name, "cx_" + name} {
				if err := claim(extra, "state cards of "+e.name); err != nil {
					return err
				}
			}
			v, x := vdiff(e.ta, e.tb), "v("+xn+")"
			line = fmt.Sprintf("%s %s %s I=%s\nbx_%s 0 %s I=%s\ncx_%s %s 0 1",
				card, spiceNode(e.ta), spiceNode(e.tb), m.SpiceCurrent(v, x),
				name, xn, m.SpiceRate(v, x),
				name, xn)
			states = append(states, x)
			if ta, ok := analysis.(TranAnalysis); ok {
				if x0, ok := ta.Options.InitialState[e.name]; ok {
					ics = append(ics, fmt.Sprintf("v(%s)=%s", xn, fmtNum(x0)))
				}
			}
		case *FET:
			m, ok := e.Model.(SpiceFET)
			if !ok {
				return invalidf("WriteSpice: the model of %q (%T) does not implement SpiceFET", e.name, e.Model)
			}
			card = "b_" + name
			line = fmt.Sprintf("%s %s %s I=%s", card, spiceNode(e.td), spiceNode(e.ts),
				m.SpiceIds(vdiff(e.tg, e.ts), vdiff(e.td, e.ts)))
		}
		if err := claim(card, "element "+e.Name()); err != nil {
			return err
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	if opt.Gmin > 0 {
		b.WriteString("* gmin of the solver: a conductance from every node to ground\n")
		for _, n := range c.nodes {
			card := "r_gmin_" + spiceNode(n)
			if err := claim(card, "the gmin resistor of node "+n); err != nil {
				return err
			}
			fmt.Fprintf(&b, "%s %s 0 %s\n", card, spiceNode(n), fmtNum(1/opt.Gmin))
		}
	}
	vecs = append(vecs, currents...)
	vecs = append(vecs, states...)

	fmt.Fprintf(&b, ".options reltol=%s vntol=%s abstol=%s itl1=%d itl2=%d",
		fmtNum(opt.RelTol), fmtNum(opt.VNTol), fmtNum(opt.AbsTol), 10*opt.MaxIter, 10*opt.MaxIter)
	var cmds []string
	switch a := analysis.(type) {
	case OPAnalysis:
		b.WriteByte('\n')
		cmds = append(cmds, "op", "wrdata "+out+" "+strings.Join(vecs, " "))
	case DCAnalysis:
		b.WriteByte('\n')
		e := c.Element(a.Source)
		switch e.(type) {
		case *VoltageSource, *CurrentSource:
		default:
			return invalidf("WriteSpice: DC sweep source %q is not an independent source of the circuit", a.Source)
		}
		if len(a.Values) == 0 {
			return invalidf("WriteSpice: DC sweep of %q has no values", a.Source)
		}
		for k, v := range a.Values {
			if !finite(v) {
				return invalidf("WriteSpice: DC sweep value %d is %g", k, v)
			}
		}
		src := SpiceSourceName(e)
		for k, r := range uniformRuns(a.Values) {
			if k == 1 {
				cmds = append(cmds, "set appendwrite")
			}
			cmds = append(cmds, fmt.Sprintf("dc %s %s %s %s", src, fmtNum(r[0]), fmtNum(r[1]), fmtNum(r[2])),
				"wrdata "+out+" "+strings.Join(vecs, " "))
		}
	case TranAnalysis:
		o, err := a.Options.withDefaults(a.Stop)
		if err != nil {
			return err
		}
		step := a.Step
		if step <= 0 {
			step = a.Stop / 1000
		}
		if o.Method == Trapezoidal {
			b.WriteString(" method=trap\n")
		} else {
			b.WriteString(" method=gear maxord=2\n")
		}
		if len(ics) > 0 {
			b.WriteString(".ic " + strings.Join(ics, " ") + "\n")
		}
		cmds = append(cmds, fmt.Sprintf("tran %s %s 0 %s", fmtNum(step), fmtNum(a.Stop), fmtNum(o.MaxStep)),
			"wrdata "+out+" "+strings.Join(vecs, " "))
	default:
		return invalidf("WriteSpice: unknown analysis %T", analysis)
	}
	b.WriteString(".control\nset wr_singlescale\nset wr_vecnames\nset numdgt=15\n")
	for _, cmd := range cmds {
		b.WriteString(cmd)
		b.WriteByte('\n')
	}
	b.WriteString("quit 0\n.endc\n.end\n")
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(b.String()); err != nil {
		return err
	}
	return bw.Flush()
}

// uniformRuns splits values into maximal runs with a constant step, each as
// {start, stop, step}; a single point has step 1.
func uniformRuns(v []float64) [][3]float64 {
	var runs [][3]float64
	for i := 0; i < len(v); {
		if i == len(v)-1 || v[i+1] == v[i] {
			runs = append(runs, [3]float64{v[i], v[i], 1})
			i++
			continue
		}
		d := v[i+1] - v[i]
		j := i + 1
		for j+1 < len(v) && math.Abs((v[j+1]-v[j])-d) <= 1e-9*math.Abs(d) {
			j++
		}
		runs = append(runs, [3]float64{v[i], v[j], d})
		i = j + 1
	}
	return runs
}
