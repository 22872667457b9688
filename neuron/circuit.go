package neuron

import (
	"fmt"

	"github.com/mrelu/mrelu/circuit"
	"github.com/mrelu/mrelu/device"
)

// Node and element names of the neuron netlist (also the names in the
// exported SPICE netlist, lower case, with the card prefixes of
// circuit.WriteSpice).
const (
	NodeVDD = "vdd" // supply, the memristor's Cu electrode
	NodeIn  = "in"  // mirror input: drain and gate of M1, gate of M2
	NodeOut = "out" // output: memristor bottom electrode, drain of M2

	SourceVDD = "vdd" // supply voltage source
	SourceIn  = "iin" // input current source, drives I into NodeIn

	ElemMemristor = "mem"  // the memristor, from vdd to out
	ElemDiode     = "m1"   // diode-connected mirror TFT
	ElemOutput    = "m2"   // output TFT
	ElemClamp     = "mc"   // input clamp TFT
	ElemLoad      = "rl"   // load resistor out → 0
	ElemCOut      = "cout" // output wiring + next-stage capacitance
)

// Circuit is one 2T-1M mReLU neuron as a circuit.Circuit with handles on
// the elements that analyses change. Build one per goroutine (a
// circuit.Circuit is not safe for concurrent use).
type Circuit struct {
	// C is the netlist; analyses run on it.
	C *circuit.Circuit
	// Params and Devices are the values it was built from.
	Params  Params
	Devices Devices
	// In is the input current source (A into NodeIn; its waveform is the
	// input of a transient), COut the output node's capacitance to ground
	// (CWire + CNext).
	In   *circuit.CurrentSource
	COut *circuit.Capacitor
}

// Build returns the nominal neuron for the device parameters d and the
// neuron parameters p (see NominalDevices).
func Build(d device.Params, p Params) (*Circuit, error) {
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("neuron: %w", err)
	}
	return BuildDevices(p, NominalDevices(d, p))
}

// MustBuild is Build for parameters known to be valid (defaults in tests
// and examples); it panics on an error.
func MustBuild(d device.Params, p Params) *Circuit {
	c, err := Build(d, p)
	if err != nil {
		panic(err)
	}
	return c
}

// Default returns the nominal neuron with the default device and neuron
// parameters.
func Default() *Circuit { return MustBuild(device.DefaultParams(), DefaultParams()) }

// gateCaps returns the gate–source (saturation, Meyer: 2/3 of the channel
// plus the overlap) and gate–drain (overlap) capacitances of a TFT in F.
func gateCaps(t *device.TFT, lov float64) (cgs, cgd float64) {
	cox := t.Cox()
	return cox * t.W * (2.0/3.0*t.L + lov), cox * t.W * lov
}

// BuildDevices returns the neuron with the given devices:
//
//	VDD ─┬─ mem (Cu electrode at VDD) ─┬─ out ── RLoad, CWire+CNext ── 0
//	     └────────── CMem ─────────────┘   │
//	                                       M2 drain (gate: in, source 0)
//	iin: 0 → in;  M1: drain = gate = in, source 0;  MC: drain = gate = 0, source in
//
// with the TFT capacitances Cgs(M1), Cgs(M2), Cov(MC) from in to ground and
// Cgd(M2) from in to out (see docs/neuron.md).
func BuildDevices(p Params, d Devices) (*Circuit, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("neuron: %w", err)
	}
	n := &Circuit{C: circuit.New(), Params: p, Devices: d}
	mem := new(device.Memristor)
	*mem = d.Memristor
	m1, m2, mc := new(device.TFT), new(device.TFT), new(device.TFT)
	*m1, *m2, *mc = d.Diode, d.Output, d.Clamp
	c := n.C
	c.AddVoltageSource(SourceVDD, NodeVDD, "0", circuit.DC(p.VDD))
	n.In = c.AddCurrentSource(SourceIn, "0", NodeIn, circuit.DC(0))
	c.AddFET(ElemDiode, NodeIn, NodeIn, "0", m1)
	c.AddFET(ElemOutput, NodeOut, NodeIn, "0", m2)
	if p.Clamp {
		c.AddFET(ElemClamp, "0", "0", NodeIn, mc)
	}
	c.AddStateful(ElemMemristor, NodeVDD, NodeOut, mem)
	c.AddResistor(ElemLoad, NodeOut, "0", p.RLoad)
	cgs1, _ := gateCaps(m1, p.LOverlap)
	cgs2, cgd2 := gateCaps(m2, p.LOverlap)
	_, covc := gateCaps(mc, p.LOverlap)
	cin := cgs1 + cgs2
	if p.Clamp {
		cin += covc
	}
	c.AddCapacitor("cin", NodeIn, "0", cin)
	c.AddCapacitor("cgd2", NodeIn, NodeOut, cgd2)
	c.AddCapacitor("cmem", NodeVDD, NodeOut, p.CMem)
	n.COut = c.AddCapacitor(ElemCOut, NodeOut, "0", p.CWire+p.CNext)
	if err := c.Err(); err != nil {
		return nil, fmt.Errorf("neuron: %w", err)
	}
	return n, nil
}

// OutputCapacitance returns the total small-signal capacitance on the
// output node in F: CMem (to VDD, an AC ground), Cgd of M2, CWire and
// CNext.
func (n *Circuit) OutputCapacitance() float64 {
	_, cgd2 := gateCaps(&n.Devices.Output, n.Params.LOverlap)
	return n.Params.CMem + cgd2 + n.COut.C
}

// InputCapacitance returns the capacitance on the mirror input node in F:
// the gate capacitances of M1 and M2 and the clamp's overlap to ground, and
// Cgd of M2 to the output (cin + cgd2 of the netlist). The column current
// must charge it to the TFTs' gate voltage before M2 sinks the current:
// with the default 300 µm output TFT this is what limits the neuron's speed
// (docs/neuron.md §5).
func (n *Circuit) InputCapacitance() float64 {
	var c float64
	for _, e := range n.C.Elements() {
		if k, ok := e.(*circuit.Capacitor); ok && (k.Name() == "cin" || k.Name() == "cgd2") {
			c += k.C
		}
	}
	return c
}

// QuasiStaticCapacitance is the capacitance (F) that QuasiStatic leaves on
// each capacitor of the netlist: small enough not to slow the neuron (the
// nodes' time constants stay below 1 ns), large enough to keep every node
// dynamic so the transient stays an index-1 problem (SPICE's node shunt
// capacitance plays the same part).
const QuasiStaticCapacitance = 1e-15

// QuasiStatic sets every capacitor of the neuron (TFT gate and overlap,
// memristor, wiring, next stage) to QuasiStaticCapacitance: the neuron as
// the paper's SPICE model saw it, with the TFTs' threshold and
// transconductance and the memristor's characteristic but no parasitics.
// It changes n in place and returns it.
func (n *Circuit) QuasiStatic() *Circuit {
	for _, e := range n.C.Elements() {
		if c, ok := e.(*circuit.Capacitor); ok {
			c.C = QuasiStaticCapacitance
		}
	}
	return n
}
