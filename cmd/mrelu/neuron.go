package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/internal/quantity"
	"github.com/mrelu/mrelu/neuron"
	"github.com/mrelu/mrelu/params"
	"github.com/mrelu/mrelu/report"
)

func init() {
	registerGroup("neuron", "the 2T-1M mReLU neuron: transfer, pulse, spice, montecarlo (Fig. 3f, 3i)", neuronIntro, neuronNotes)
}

var neuronIntro = `The 2T-1M memristive ReLU neuron: a current mirror of two a-IGZO TFTs copies the input current
into the output TFT, which sinks it through the memristor from ` + experiment.PaperVDDText + ` (docs/neuron.md).
Each sub-command writes CSV, JSON, PNG/SVG files and params.json into --out.`

const neuronNotes = `Every sub-command takes --out DIR, --force, --params FILE (device and circuit parameters as
JSON: "memristor", "tft", "neuron"; the params.json of any run or of 'mrelu device fit' is
accepted, docs/own-device.md) and --vdd V (the supply; default the file's, else 2 V);
montecarlo takes --seed N. 'mrelu neuron check' says whether the device makes a working ReLU.

Example:
  mrelu neuron transfer --imin -1e-6 --imax 4e-6 --points 1001 --out runs/transfer`

// neuronCommon holds the flags every neuron sub-command takes: the common
// flags and --vdd, which with --params make the setup flags (hw).
type neuronCommon struct {
	*commonFlags
	hw setupFlags // --params (the common flag) and --vdd
}

func addNeuronCommon(fs *flag.FlagSet, name, kind string, withSeed bool) *neuronCommon {
	c := addCommonFlags(fs, name, kind, withSeed, "random `N` seeding the device-to-device variation")
	return &neuronCommon{commonFlags: c, hw: setupFlags{fs: fs, params: c.params, vdd: addVDDFlag(fs)}}
}

// load returns the --params file's device and neuron parameters (or the
// defaults) with --vdd applied.
func (c *neuronCommon) load() (device.Params, neuron.Params, error) {
	s, err := c.hw.load()
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			return s.Device, s.Neuron, usagef("%s: %v", c.name, ue.msg)
		}
		return s.Device, s.Neuron, fmt.Errorf("%s: %w", c.name, err)
	}
	return s.Device, s.Neuron, nil
}

// neuronSetup turns invalid (the error of the configuration's Validate)
// into a usage error, then reads --params and creates --out.
func (c *neuronCommon) neuronSetup(invalid error) (d device.Params, np neuron.Params, dir string, err error) {
	dir, err = c.setup(invalid, func() (err error) {
		d, np, err = c.load()
		return err
	})
	return d, np, dir, err
}

// neuronRun checks cfg (an invalid one is a usage error), reads --params
// and --vdd, creates --out, runs the experiment exp on the neuron and
// writes its files with write; it returns the result, the files' summary
// and the folder.
func neuronRun[C validator, R, S any](c *neuronCommon, cfg C, exp func(device.Params, neuron.Params, C) (R, error), write func(string, R, bool) (S, error)) (r R, s S, dir string, err error) {
	d, np, dir, err := c.neuronSetup(cfg.Validate())
	if err == nil {
		r, s, err = produce(func() (R, error) { return exp(d, np, cfg) }, write, dir, *c.plots)
	}
	return r, s, dir, err
}

// fmtOpt formats a number or "none" for NaN/Inf.
func fmtOpt(format string, v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "none"
	}
	return outs(format, v)
}

// ---------------------------------------------------------------------------

func runNeuronCheck(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("neuron check", "Says whether the device makes a working ReLU neuron at this VDD, in physical terms: the off\nlevel (Vout for inputs <= 0, needs < 50 mV), the knee (input at which Vout is 50 mV above rest),\nthe reach (90 % of VDD within 10 uA), monotonicity (no drop > 50 mV on the way up), stability\n(smallest critical capacitance vs the output node's) and the margin VDD - Vth (the design's\n20 mV). A neuron that fails gets the reasons and the changes of --vdd, Vth or r_d that were\nchecked to make it work. Exit status 0: viable, 1: not. paper, fig4, edges and train --act\nmrelu* run the same check first and refuse a neuron that fails it. Writes check.json and\nparams.json.",
		"mrelu neuron check --params runs/fit/params.json --vdd 1.9 --out runs/check", stdout)
	com := addNeuronCommon(fs, "neuron check", "neuron-check", false)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	d, np, dir, err := com.neuronSetup(nil)
	if err != nil {
		return err
	}
	s := params.Setup{Device: d, Neuron: np}
	v, err := experiment.CheckViability(s)
	if err != nil {
		return err
	}
	if err := report.WriteJSON(filepath.Join(dir, "check.json"), v); err != nil {
		return err
	}
	if err := saveRunParams(dir, s, "neuron check", nil); err != nil {
		return err
	}
	outf(stdout, "VDD %.4g V, memristor Vth %.4g V, margin VDD - Vth %.4g V (the design's: 0.02 V), r_d %.4g Ohm\n", v.VDD, v.Vth, v.Margin, v.RD)
	if v.Memristor != "" {
		outf(stdout, "%s\n", v.Memristor)
	}
	for _, c := range v.Criteria {
		mark := "ok  "
		if !c.Pass {
			mark = "FAIL"
		}
		outf(stdout, "  %s %s\n", mark, c.Text)
	}
	if v.Viable {
		outf(stdout, "%s\n", v.Verdict())
	} else {
		outf(stdout, "not viable (why and what would: the error line, check.json)\n")
	}
	outf(stdout, "wrote %s\n", dir)
	return v.Err()
}

func runNeuronTransfer(args []string, stdout, stderr io.Writer) error {
	def := experiment.DefaultNeuronTransferConfig()
	fs := newFlags("neuron transfer", "DC transfer curve of the 2T-1M mReLU: Vout and Vout/VDD versus the input (mirror) current\n(paper Fig. 3i), with the threshold current, the current at 90 % of VDD, R² of a line over\n10-90 % of the swing, monotonicity and the small-signal stability limit at every point.\nWrites transfer.csv (i_in_A,vout_V,vout_over_vdd), transfer_detail.csv, transfer.json,\ntransfer.png/.svg, stability.png/.svg, params.json.",
		"mrelu neuron transfer --imin -1e-6 --imax 4e-6 --points 1001 --out runs/transfer", stdout)
	imin := quantity.Float(fs, "imin", def.IMin, quantity.Ampere, "lowest input current in `A`")
	imax := quantity.Float(fs, "imax", def.IMax, quantity.Ampere, "highest input current in `A`")
	points := fs.Int("points", def.Points, "number of equally spaced currents")
	com := addNeuronCommon(fs, "neuron transfer", "neuron-transfer", false)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg := experiment.NeuronTransferConfig{IMin: *imin, IMax: *imax, Points: *points}
	_, s, dir, err := neuronRun(com, cfg, experiment.NeuronTransfer, report.WriteNeuronTransfer)
	if err != nil {
		return err
	}
	mono := "yes"
	if !s.Monotone {
		mono = outs("no (largest drop %.3g V at %.3g A; the evaluator uses the running maximum)", s.LargestDrop, s.LargestDropAt)
	}
	outf(stdout, "%d points, %.3g s: Vout at I <= 0: %s V (ReLU off < 0.05 V: %v); max Vout %.4f V at %.3g A\n",
		s.Points, s.Seconds, fmtOpt("%.4f", float64(s.MaxVoutNonPositive)), s.ReLUOff, s.MaxVout, s.IAtMax)
	outf(stdout, "threshold current %s A, I at 90 %% VDD %s A, slope %s V/A, R^2 %s (10-90 %% of the swing)\n",
		fmtOpt("%.4g", float64(s.ThresholdCurrent)), fmtOpt("%.4g", float64(s.I90)), fmtOpt("%.4g", float64(s.Slope)), fmtOpt("%.5f", float64(s.R2)))
	outf(stdout, "monotone: %s\n", mono)
	outf(stdout, "output capacitance %.3g F; smallest critical capacitance %s F at %s A (stable everywhere: %v)\n",
		s.OutputCapacitance, fmtOpt("%.3g", float64(s.WorstCCrit)), fmtOpt("%.3g", float64(s.WorstCCritAt)), s.StableEverywhere)
	outf(stdout, "wrote %s\n", dir)
	return nil
}

func addPulseFlags(fs *flag.FlagSet) func() neuron.PulseConfig {
	def := neuron.DefaultPulseConfig()
	amp := quantity.Float(fs, "amplitude", 0, quantity.Ampere, "pulse current in `A`; 0: the current at which the DC output reaches 90 % of VDD")
	width := quantity.Float(fs, "width", def.Width, quantity.Second, "pulse width in `s`")
	delay := quantity.Float(fs, "delay", def.Delay, quantity.Second, "time before the pulse in `s`")
	after := quantity.Float(fs, "after", def.After, quantity.Second, "time simulated after the pulse in `s`")
	edge := quantity.Float(fs, "edge", def.Rise, quantity.Second, "rise and fall time in `s`")
	tol := fs.Float64("reltol", def.RelTol, "transient local-truncation-error tolerance")
	return func() neuron.PulseConfig {
		c := def
		c.Amplitude, c.Width, c.Delay, c.After, c.Rise, c.Fall, c.RelTol = *amp, *width, *delay, *after, *edge, *edge, *tol
		return c
	}
}

func runNeuronPulse(args []string, stdout, stderr io.Writer) error {
	def := experiment.DefaultNeuronPulseConfig()
	fs := newFlags("neuron pulse", "Transient response of the neuron to an input current pulse (paper Fig. 3f): latency (pulse\nstart to 90 % of the final Vout) and energy drawn from VDD and the input per activation, or\n\"oscillating\"/\"unsettled\" instead of a latency; then the largest output-node capacitance at\nwhich the response still settles (at the pulse current and at the most sensitive current).\nWrites pulse.json, pulse.csv, pulse.png/.svg, cap_sweep.csv, params.json.",
		"mrelu neuron pulse --out runs/pulse", stdout)
	pulse := addPulseFlags(fs)
	capSearch := fs.Bool("cap-search", def.CapSearch, "search the largest stable output capacitance")
	capMax := quantity.Float(fs, "cap-max", def.CapMax, quantity.Farad, "upper end of the capacitance search in `F` (total output capacitance)")
	com := addNeuronCommon(fs, "neuron pulse", "neuron-pulse", false)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg := experiment.NeuronPulseConfig{Pulse: pulse(), CapSearch: *capSearch, CapMax: *capMax}
	r, s, dir, err := neuronRun(com, cfg, experiment.NeuronPulse, report.WriteNeuronPulse)
	if err != nil {
		return err
	}
	p := r.Pulse
	if s.Settled {
		outf(stdout, "pulse %.4g A: settled at %.4f V (DC %.4f V): latency %.4g s, energy %.4g J per activation (VDD %.3g J, input %.3g J)\n",
			p.Config.Amplitude, p.Final, p.DCVout, p.Latency, p.Energy, p.EnergySupply, p.EnergyInput)
	} else {
		outf(stdout, "pulse %.4g A: %s (peak-to-peak %.3g V in the last %.0f %% of the pulse%s): no latency\n",
			p.Config.Amplitude, strings.ToUpper(p.Status), p.PeakToPeak, 100*p.Config.SettleWindow, fmtOptPeriod(p))
	}
	outf(stdout, "paper: latency %.3g s, energy %.3g J; recovery after the pulse %s\n", experiment.PaperLatency, experiment.PaperEnergy, fmtOpt("%.3g s", p.Recovery))
	for _, c := range []*report.NeuronCapSummary{s.CapAtPulse, s.CapWorst} {
		if c != nil {
			outf(stdout, "at %.3g A: settles up to %s F of output capacitance (oscillates from %s F; small-signal bound %s F); circuit has %.3g F\n",
				c.Current, fmtOpt("%.3g", float64(c.MaxStable)), fmtOpt("%.3g", float64(c.MinUnstable)), fmtOpt("%.3g", float64(c.Hopf)), p.OutputCapacitance)
		}
	}
	outf(stdout, "wrote %s\n", dir)
	return nil
}

func fmtOptPeriod(p *neuron.PulseResult) string {
	if p.Status == neuron.Oscillating {
		return outs(", period %.3g s", p.Period)
	}
	return ""
}

func runNeuronSpice(args []string, stdout, stderr io.Writer) error {
	def := experiment.DefaultNeuronSpiceConfig()
	fs := newFlags("neuron spice", "Writes the neuron as ngspice netlists: mrelu.cir (DC sweep of the input current) and\nmrelu_tran.cir (the activation pulse), with behavioural sources for the memristor and the TFTs.\nWith --run, runs ngspice on both and compares with our solver on the same netlist:\nspice_compare.csv (i_in_A,vout_ours_V,vout_ngspice_V,diff_V), spice_compare.json (max |dV|,\nlatency ours vs ngspice), spice_compare.png/.svg, spice_pulse.png/.svg.",
		"mrelu neuron spice --run --out runs/spice", stdout)
	imin := quantity.Float(fs, "imin", def.Transfer.IMin, quantity.Ampere, "lowest input current of the DC sweep in `A`")
	imax := quantity.Float(fs, "imax", def.Transfer.IMax, quantity.Ampere, "highest input current of the DC sweep in `A`")
	points := fs.Int("points", def.Transfer.Points, "number of equally spaced currents")
	pulse := addPulseFlags(fs)
	runIt := fs.Bool("run", false, "run ngspice (must be on PATH) and compare")
	com := addNeuronCommon(fs, "neuron spice", "neuron-spice", false)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg := experiment.NeuronSpiceConfig{Transfer: experiment.NeuronTransferConfig{IMin: *imin, IMax: *imax, Points: *points}, Pulse: pulse(), Run: *runIt}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	r, s, dir, err := neuronRun(com, cfg, func(d device.Params, np neuron.Params, cfg experiment.NeuronSpiceConfig) (*experiment.NeuronSpiceResult, error) {
		r, err := experiment.NeuronSpice(ctx, d, np, cfg)
		if err != nil {
			return nil, fmt.Errorf("neuron spice: %w", err)
		}
		return r, nil
	}, report.WriteNeuronSpice)
	if err != nil {
		return err
	}
	outf(stdout, "wrote mrelu.cir (%d-point DC sweep) and mrelu_tran.cir (%.4g A pulse, %.3g s)\n", cfg.Transfer.Points, r.Config.Pulse.Amplitude, r.Config.Pulse.Stop())
	if s != nil {
		outf(stdout, "DC: max |Vout ours - ngspice| = %.3g V (%.3g %% of VDD) at %.3g A\n", s.MaxAbsDiff, s.MaxAbsDiffPct, s.MaxAbsDiffAt)
		outf(stdout, "pulse: latency ours %s s, ngspice %s s (difference %s %%); status %s / %s\n",
			fmtOpt("%.5g", float64(s.LatencyOurs)), fmtOpt("%.5g", float64(s.LatencyNgspice)), fmtOpt("%.2g", 100*float64(s.LatencyRelDiff)), s.StatusOurs, s.StatusNgspice)
		outf(stdout, "time: ours %.3g s (DC) + %.3g s (pulse); ngspice process %.3g s + %.3g s\n", s.OursDCSeconds, s.OursTranSeconds, s.SpiceDCSeconds, s.SpiceTranSecs)
	}
	outf(stdout, "wrote %s\n", dir)
	return nil
}

func runNeuronMonteCarlo(args []string, stdout, stderr io.Writer) error {
	def := experiment.DefaultNeuronMonteCarloConfig()
	fs := newFlags("neuron montecarlo", "Transfer curves of --devices neurons whose memristor and TFTs are drawn with device-to-device\nvariation (TFT threshold sigma "+experiment.PaperTFTText+" from the paper, memristor spreads from the device model).\nWrites montecarlo.csv (device,i_in_A,vout_V), montecarlo_spread.csv, montecarlo_devices.csv,\nmontecarlo.json, montecarlo.png/.svg, montecarlo_spread.png/.svg, params.json.",
		"mrelu neuron montecarlo --devices 25 --seed 1 --out runs/mc", stdout)
	n := fs.Int("devices", def.Devices, "number of sampled neurons")
	imin := quantity.Float(fs, "imin", def.IMin, quantity.Ampere, "lowest input current in `A`")
	imax := quantity.Float(fs, "imax", def.IMax, quantity.Ampere, "highest input current in `A`")
	points := fs.Int("points", def.Points, "currents per curve")
	vthSigma := quantity.Float(fs, "tft-vth-sigma", def.Variation.TFTVthSigma, quantity.Volt, "TFT threshold spread in `V`")
	memVth := fs.Float64("mem-vth-rel", def.Variation.MemVthRel, "relative spread of the memristor threshold")
	trim := fs.Bool("trim-vdd", def.TrimVDD, "give each neuron VDD = its memristor's threshold + the nominal margin VDD - Vth (per-neuron supply trim, the default design); --trim-vdd=false: one shared VDD")
	com := addNeuronCommon(fs, "neuron montecarlo", "neuron-montecarlo", true)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg := def
	cfg.Devices, cfg.IMin, cfg.IMax, cfg.Points, cfg.TrimVDD = *n, *imin, *imax, *points, *trim
	cfg.Variation.TFTVthSigma, cfg.Variation.MemVthRel = *vthSigma, *memVth
	monteCarlo := func(d device.Params, np neuron.Params, cfg experiment.NeuronMonteCarloConfig) (*experiment.NeuronMonteCarloResult, error) {
		return experiment.NeuronMonteCarlo(d, np, cfg, com.seedValue())
	}
	_, s, dir, err := neuronRun(com, cfg, monteCarlo, report.WriteNeuronMonteCarlo)
	if err != nil {
		return err
	}
	outf(stdout, "%d neurons (seed %d, trim VDD %v) in %.3g s: %d never reach VDD/2, %d off level >= 0.05 V, %d failed to converge\n",
		s.Devices, s.Seed, s.TrimVDD, s.Seconds, s.Dead, s.OffAbove50mV, s.Failed)
	outf(stdout, "switching neurons (%d): threshold %s ± %s A, I90 %s ± %s A, max Vout %s ± %s V (median ± sigma)\n", s.SwitchingDevices,
		fmtOpt("%.3g", float64(s.ThresholdMedian)), fmtOpt("%.2g", float64(s.ThresholdSigma)), fmtOpt("%.3g", float64(s.I90Median)),
		fmtOpt("%.2g", float64(s.I90Sigma)), fmtOpt("%.3f", float64(s.MaxVoutMedian)), fmtOpt("%.2g", float64(s.MaxVoutSigma)))
	outf(stdout, "wrote %s\n", dir)
	return nil
}
