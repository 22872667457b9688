package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/nn"
	"github.com/mrelu/mrelu/report"
	"github.com/mrelu/mrelu/rundir"
)

func init() {
	register("fig4", "paper Fig. 4: sigmoid vs ReLU vs hardware mReLU on MNIST, vanishing gradient, accuracy vs variation", runFig4)
}

// parseFloats reads "0,0.05,0.099".
func parseFloats(flagName, s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a number", flagName, f)
		}
		out = append(out, v)
	}
	return out, nil
}

func runFig4(args []string, stdout, stderr io.Writer) error {
	def := experiment.DefaultFig4Params()
	fs := newFlags("fig4", "Trains the paper's 784-100-100-100-10 network with sigmoid, software ReLU, the ideal\nhardware mReLU and the mReLU with temporal variation (the solved 2T-1M circuit in the loop),\nthen the mReLU at each variation of --sweep. Writes summary.json, CSVs, the Fig. 4 plots\n(fig4c_accuracy, fig4d_loss, fig4ef_neuron_inputs_*, fig4g/h_weight_updates_first/last, fig4i_variation,\nfig4j_saturation: inputs at >= 90 % of VDD per layer and epoch)\nand each run's own report under runs/<name>/, with its checkpoints in runs/<name>/checkpoint/\n(after every epoch; the settings in checkpoint/fig4.json). --resume DIR continues the study\nsaved in DIR up to --epochs (settings not given are the saved ones; given ones must agree).\nCtrl-C stops after the current step with the checkpoints kept (exit status 130).",
		"mrelu fig4 --epochs 30 --out runs/fig4\n  mrelu fig4 --resume runs/fig4 --out runs/fig4 --force", stdout)
	net := addNetFlags(fs, def.Base, "training epochs of every run", "hidden layer widths")
	noise := addNoiseFlags(fs, def.Base.Variation, "temporal variation of the mrelu run (fraction)", "runs")
	seeds := fs.Int("seeds", 1, "train every run with seeds --seed, --seed+1, ...: accuracies as mean ± s.d., error bars in Fig. 4c and 4i")
	sweep := fs.String("sweep", "0,0.05,0.099,0.2,0.3", "variations of the accuracy-vs-variation curve (fractions)")
	acts := fs.String("acts", strings.Join(def.Acts, ","), "neurons compared")
	paperSetting := fs.Bool("paper-setting", true, "also train "+experiment.PaperSettingName+": the mReLU under the stated assumptions that reproduce the paper's "+experiment.PaperMReLUText+" (3.333 µA per unit, trained with the ideal neuron, tested with fullscale noise of "+experiment.PaperVarText+" of VDD; same seeds; docs/system.md), a row of its own beside the best hardware-aware result, and its twin "+experiment.PaperSettingAwareName+" trained with the noise")
	out := addOutFlags(fs, "fig4")
	plots := fs.Bool("plots", true, "write the PNG/SVG figures (--plots=false: CSV and JSON only)")
	resume := fs.String("resume", "", "continue the study saved in `DIR` (an earlier fig4 --out) up to --epochs")
	hw := addSetupFlags(fs, paramsFlagUsage+"; the hardware of the solved mReLU")
	maxMem := addMaxMemoryFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if (*hw.params != "" || vddGiven(fs)) && *resume != "" {
		return usagef("fig4: --params and --vdd cannot be combined with --resume (a resumed study keeps its saved devices)")
	}
	p := def
	net.set(&p.Base)
	noise.set(&p.Base)
	p.Seeds = *seeds
	if !*paperSetting {
		p.Configs = nil
	}
	if *seeds < 1 || *seeds > experiment.MaxSeeds {
		return usagef("fig4: --seeds %d out of range 1..%d", *seeds, experiment.MaxSeeds)
	}
	h, err := parseHidden(*net.hidden)
	if err != nil {
		return usagef("fig4: %v", err)
	}
	p.Base.Hidden = h
	if p.Sweep, err = parseFloats("--sweep", *sweep); err != nil {
		return usagef("fig4: %v", err)
	}
	p.Acts = nil
	for _, a := range strings.Split(*acts, ",") {
		if a = strings.TrimSpace(a); a != "" {
			p.Acts = append(p.Acts, a)
		}
	}
	setup, err := hw.load()
	if err != nil {
		return err
	}
	p.Device, p.Neuron = setup.Device, setup.Neuron
	if *resume != "" {
		if p, err = resumeFig4(*resume, p, givenFlags(fs)); err != nil {
			return err
		}
	}
	if err := p.Validate(); err != nil {
		return usagef("%v", err)
	}
	if slices.ContainsFunc(p.Acts, experiment.IsHardware) || len(p.Configs) > 0 {
		if err := requireViable(p.Setup); err != nil {
			return err
		}
	}
	shape, err := experiment.DataShape(p.Base.Data)
	if err != nil {
		return fmt.Errorf("fig4: %w", err)
	}
	if err := checkMemory("fig4", maxMem, experiment.Fig4Memory(p, shape)); err != nil {
		return err
	}
	names := experiment.Fig4RunNames(p)
	var from map[string]*experiment.TrainCheckpoint
	if *resume != "" {
		from, err = rundir.Open(*resume).StudyCheckpoints(names, p.Base.Epochs)
		switch {
		case errors.Is(err, rundir.ErrDone):
			return usagef("fig4: --resume %s: %v", *resume, err)
		case err != nil:
			return fmt.Errorf("fig4: --resume: %w", err)
		}
	}
	dir := out.dir("fig4")
	rd, err := rundir.Create(dir, *out.force)
	if err != nil {
		return err
	}
	if err := rd.SaveFig4Params(p); err != nil {
		return err
	}
	if err := rd.SaveParams(p.Setup, "fig4", p); err != nil {
		return err
	}
	ckw, err := rd.NewStudyWriter(names, from)
	if err != nil {
		return err
	}
	ctx, stop := interruptContext(stderr)
	defer stop()
	bar := newProgress(stderr)
	res, err := experiment.Fig4With(p, experiment.Fig4Options{
		Label:      fig4Progress(bar, from, p.Base.Epochs),
		Context:    ctx,
		Checkpoint: ckw.Write,
		Resume:     func(name string) *experiment.TrainCheckpoint { return from[name] },
	})
	bar.Done()
	if err != nil {
		return trainError("fig4", dir, err, ckw.LastEpoch())
	}
	s, err := report.WriteFig4(dir, res, *plots)
	if err != nil {
		return err
	}
	printFig4(stdout, &s)
	outf(stdout, "wrote %s\n", dir)
	return nil
}

// resumeFig4 reads the settings of the fig4 study saved in dir (--resume)
// and returns p with those not given on the command line taken from them;
// given ones that differ are a usage error.
func resumeFig4(dir string, p experiment.Fig4Params, given map[string]bool) (experiment.Fig4Params, error) {
	prev := rundir.Open(dir)
	saved, err := prev.Fig4Params()
	if err != nil {
		if prev.HoldsTrainRun() && errors.Is(err, os.ErrNotExist) {
			return p, fmt.Errorf("fig4: --resume: %s holds a train run, not a fig4 study: resume it with mrelu train --resume", dir)
		}
		return p, fmt.Errorf("fig4: --resume: %w", err)
	}
	if p, err = rundir.MergeFig4Params(p, saved, given); err != nil {
		return p, usagef("fig4: --resume %s: %v", dir, err)
	}
	return p, nil
}

// fig4Progress is the progress of the study's runs: a line when a run
// starts (or resumes from from[name]) and every ten epochs, a bar in
// between.
func fig4Progress(bar *progressBar, from map[string]*experiment.TrainCheckpoint, epochs int) func(name string) experiment.Progress {
	return func(name string) experiment.Progress {
		if c := from[name]; c != nil {
			bar.Line("fig4: training %s (resuming after epoch %d)", name, c.Epoch())
		} else {
			bar.Line("fig4: training %s", name)
		}
		return experiment.Progress{
			Step: func(epoch, step, steps int) {
				bar.Update(fmt.Sprintf("%s epoch %d/%d", name, epoch, epochs), step, steps, "")
			},
			Epoch: func(e nn.EpochStats) {
				if e.Epoch == epochs || e.Epoch%10 == 0 {
					bar.Line("  %s epoch %d: test accuracy %.2f%%", name, e.Epoch, 100*e.TestAccuracy)
				}
			},
		}
	}
}

// printFig4 writes the study's results on stdout: a line per run, the
// paper setting beside the best hardware-aware result, and the
// hardware-aware comparison.
func printFig4(stdout io.Writer, s *report.Fig4Summary) {
	for _, r := range s.Runs {
		paper := "  -   "
		if r.PaperAccuracy != nil {
			paper = outs("%5.1f%%", 100**r.PaperAccuracy)
		}
		outf(stdout, "%-14s variation %4.1f%%  test accuracy %6.2f%% (paper %s)  mean|dW| first/last layer, epoch 1: %.3f\n",
			strings.TrimPrefix(r.Folder, "runs/"), 100*r.Variation, 100*r.TestAccuracy, paper, r.UpdateRatioEpoch1)
		if s.Seeds > 1 {
			outf(stdout, "%-14s over %d seeds: %6.2f ± %.2f %%\n", "", s.Seeds, 100*r.Mean, 100*r.SD)
		}
	}
	if ps, b := s.PaperSetting, s.BestHardwareAware; ps != nil {
		best := ""
		if b != nil {
			best = outs("; our best hardware-aware result (%s, %s noise) %.2f ± %.2f %%", b.Run, b.NoiseModel, 100*b.Mean, 100*b.SD)
		}
		outf(stdout, "%s (%s noise σ %.1f %% of VDD, %.4g µA per unit): %.2f ± %.2f %% over %d seed(s) (paper %s)%s\n",
			ps.Label, ps.NoiseModel, 100*ps.Variation, 1e6*ps.InputScale, 100*ps.Mean, 100*ps.SD, len(ps.PerSeed), experiment.PaperMReLUText, best)
	}
	if h := s.HardwareAware; h != nil {
		outf(stdout, "hardware-aware (%s noise, σ %.1f %%): trained ideal, tested noisy %.2f ± %.2f %%; trained and tested noisy %.2f ± %.2f %%\n",
			h.Noise, 100*h.Variation, 100*h.TrainedIdealTestedNoisy.Mean, 100*h.TrainedIdealTestedNoisy.SD, 100*h.TrainedNoisyTestedNoisy.Mean, 100*h.TrainedNoisyTestedNoisy.SD)
	}
}
