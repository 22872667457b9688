package neuron

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mrelu/mrelu/circuit"
)

// Output files that the exported netlists' .control blocks write with
// wrdata (relative to ngspice's working directory).
const (
	SpiceDCOutput   = "mrelu_dc.txt"
	SpiceTranOutput = "mrelu_tran.txt"
)

// WriteSpiceDC writes the neuron with a DC sweep of the input current over
// currents (A) as an ngspice netlist (circuit.WriteSpice: behavioural
// sources for the memristor and the TFTs, the solver's gmin and
// tolerances). Its .control block writes every node voltage, the supply
// current and the memristor state to SpiceDCOutput.
func WriteSpiceDC(w io.Writer, n *Circuit, currents []float64) error {
	return circuit.WriteSpice(w, n.C, circuit.DCAnalysis{Source: SourceIn, Values: currents, Output: SpiceDCOutput})
}

// WriteSpiceTran writes the neuron with the input pulse cfg (Amplitude
// resolved, > 0) and a transient over cfg.Stop() with the same integrator
// settings as Pulse (BDF2 = ngspice's gear order 2, the same maximum step)
// as an ngspice netlist writing to SpiceTranOutput.
func WriteSpiceTran(w io.Writer, n *Circuit, cfg PulseConfig) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	if !(cfg.Amplitude > 0) {
		return errors.New("neuron: WriteSpiceTran: the pulse amplitude must be resolved (> 0); see ResolveAmplitude")
	}
	old := n.In.W
	defer func() { n.In.W = old }()
	n.In.W = cfg.Waveform()
	return circuit.WriteSpice(w, n.C, circuit.TranAnalysis{Stop: cfg.Stop(), Step: cfg.Stop() / 1000,
		Options: cfg.TranOptions(), Output: SpiceTranOutput})
}

// NgspiceTransfer runs the DC sweep of WriteSpiceDC in ngspice (in workdir)
// and returns its curve (CCrit from our models at ngspice's points). It
// returns an error wrapping circuit.ErrNoNgspice when ngspice is not
// installed.
func NgspiceTransfer(ctx context.Context, n *Circuit, currents []float64, workdir string) (*TransferCurve, error) {
	var b strings.Builder
	if err := WriteSpiceDC(&b, n, currents); err != nil {
		return nil, err
	}
	sp, err := circuit.RunNgspice(ctx, b.String(), workdir)
	if err != nil {
		return nil, fmt.Errorf("neuron: ngspice DC sweep: %w", err)
	}
	if sp.Len() != len(currents) {
		return nil, fmt.Errorf("neuron: ngspice returned %d sweep points, want %d\n%s", sp.Len(), len(currents), sp.Log)
	}
	c := &TransferCurve{VDD: n.Params.VDD, I: append([]float64(nil), sp.Scale()...)}
	if c.Vout, c.Vin, c.State, c.ISupply, err = readColumns(sp); err != nil {
		return nil, fmt.Errorf("neuron: ngspice DC sweep: %w", err)
	}
	c.setCCrit(n)
	return c, nil
}

// NgspicePulse runs the transient of WriteSpiceTran in ngspice (in
// workdir) and analyses its waveform exactly as Pulse analyses ours (DCVout
// and CCrit from our solver). cfg.Amplitude must be resolved.
func NgspicePulse(ctx context.Context, n *Circuit, cfg PulseConfig, workdir string) (*PulseResult, error) {
	var b strings.Builder
	if err := WriteSpiceTran(&b, n, cfg); err != nil {
		return nil, err
	}
	dc, err := n.operatingAt(cfg.Amplitude)
	if err != nil {
		return nil, err
	}
	sp, err := circuit.RunNgspice(ctx, b.String(), workdir)
	if err != nil {
		return nil, fmt.Errorf("neuron: ngspice transient: %w", err)
	}
	r := &PulseResult{Config: cfg, VDD: n.Params.VDD, Time: append([]float64(nil), sp.Scale()...)}
	if err := r.fill(sp, n, dc); err != nil {
		return nil, fmt.Errorf("neuron: ngspice transient: %w", err)
	}
	r.analyse()
	return r, nil
}
