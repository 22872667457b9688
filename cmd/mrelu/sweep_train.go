package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/mrelu/mrelu/crossbar"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/report"
	"github.com/mrelu/mrelu/sweep"
)

// runTrainPoint trains one network with the point's device in the loop:
// the flags of mrelu train (act, hidden, epochs, batch, lr, seed,
// variation, data) and energy (default: on for a hardware neuron), which
// adds the neuron's activation pulse (pulse/pulse.json: energy_J,
// latency_s) for accuracy-versus-energy trade-offs.
func (r *sweepRunner) runTrainPoint(flags map[string]string, paramsPath, runDir string, log io.Writer) error {
	def := experiment.DefaultTrainParams()
	fs := flag.NewFlagSet("sweep train", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	act := fs.String("act", "mrelu", "")
	variation := fs.Float64("variation", def.Variation, "")
	net := addNetFlags(fs, def, "", "")
	energy := fs.String("energy", "auto", "")
	if err := fs.Parse(sweep.FlagArgs(flags)); err != nil {
		return usagef("sweep: train: %v (flags: act, hidden, epochs, batch, lr, seed, variation, data, energy)", err)
	}
	p := def
	p.Act, p.Variation = *act, *variation
	net.set(&p)
	h, err := parseHidden(*net.hidden)
	if err != nil {
		return usagef("sweep: train: %v", err)
	}
	p.Hidden = h
	if err := p.Validate(); err != nil {
		return usagef("sweep: train: %v", err)
	}
	withEnergy := experiment.IsHardware(p.Act)
	if *energy != "auto" {
		if withEnergy, err = strconv.ParseBool(*energy); err != nil {
			return usagef("sweep: train: energy %q: want true, false or auto", *energy)
		}
	}
	d, np, err := loadNeuronParams(paramsPath)
	if err != nil {
		return fmt.Errorf("params: %w", err)
	}
	if err := os.MkdirAll(runDir, 0o755); err != nil {
		return err
	}
	train, test, err := r.trainData(p.Data)
	if err != nil {
		return err
	}
	var model *experiment.NeuronModel
	if experiment.IsHardware(p.Act) {
		if model, err = experiment.SolveNeuron(d, np); err != nil {
			return err
		}
	}
	run, err := experiment.TrainWith(p, train, test, model, experiment.TrainOptions{VDD: np.VDD})
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	xp := crossbar.DefaultParams()
	xp.Seed = p.Seed
	if run.Crossbar, err = experiment.CrossbarEval(run, xp); err != nil {
		return err
	}
	s, err := report.WriteTrain(runDir, run, false) // a sweep's plots are the merged ones
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "act %s: test accuracy %.2f%% after %d epochs\n", s.Act, 100*s.TestAccuracy, s.Epochs)
	if withEnergy {
		cfg := experiment.DefaultNeuronPulseConfig()
		cfg.CapSearch = false
		pdir := filepath.Join(runDir, "pulse")
		if err := os.MkdirAll(pdir, 0o755); err != nil {
			return err
		}
		pr, err := experiment.NeuronPulse(d, np, cfg)
		if err != nil {
			// The accuracy stands; the energy metrics are null.
			fmt.Fprintf(log, "pulse: %v\n", err)
			return report.WriteJSON(filepath.Join(pdir, "pulse.json"), map[string]any{"energy_J": nil, "latency_s": nil, "error": err.Error()})
		}
		if _, err := report.WriteNeuronPulse(pdir, pr, false); err != nil {
			return err
		}
		fmt.Fprintf(log, "pulse: latency %.4g s, energy %.4g J per activation\n", pr.Pulse.Latency, pr.Pulse.Energy)
	}
	return nil
}
