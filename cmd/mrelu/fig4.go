package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"github.com/mrelu/mrelu/internal/quantity"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/mrelu/mrelu/experiment"
	errclip "github.com/mrelu/mrelu/internal/clip"
	"github.com/mrelu/mrelu/nn"
	"github.com/mrelu/mrelu/params"
	"github.com/mrelu/mrelu/report"
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
	epochs := fs.Int("epochs", def.Base.Epochs, "training epochs of every run")
	batch := fs.Int("batch", def.Base.Batch, "minibatch size")
	lr := fs.Float64("lr", def.Base.LR, "SGD learning rate")
	hidden := fs.String("hidden", "100,100,100", "hidden layer widths")
	seed := fs.Uint64("seed", def.Base.Seed, "random `N` seeding the weights, the shuffling and the neuron noise")
	variation := fs.Float64("variation", def.Base.Variation, "temporal variation of the mrelu run (fraction)")
	noise := fs.String("noise", experiment.NoiseProportional, "noise model of the mrelu runs: "+strings.Join(experiment.NoiseModels(), "|")+" (docs/system.md)")
	inputScale := quantity.Float(fs, "input-scale", 0, quantity.Ampere, "current `A` per unit of pre-activation driving the hardware neuron, I = z*A (0: the solved neuron's own, neuron.DefaultIUnit = 7.78e-07 A with the default devices)")
	seeds := fs.Int("seeds", 1, "train every run with seeds --seed, --seed+1, ...: accuracies as mean ± s.d., error bars in Fig. 4c and 4i")
	sweep := fs.String("sweep", "0,0.05,0.099,0.2,0.3", "variations of the accuracy-vs-variation curve (fractions)")
	acts := fs.String("acts", strings.Join(def.Acts, ","), "neurons compared")
	paperSetting := fs.Bool("paper-setting", true, "also train "+experiment.PaperSettingName+": the mReLU under the stated assumptions that reproduce the paper's "+experiment.PaperMReLUText+" (fullscale noise of "+experiment.PaperVarText+" of VDD, 3.333 µA per unit, same seeds; docs/system.md), a row of its own beside the best hardware-aware result")
	data := fs.String("data", "", "`DIR` with train-*/t10k-* IDX files (default: built-in MNIST)")
	out := fs.String("out", "", "output folder `DIR` (default: a new mrelu-out/fig4-<time>)")
	force := fs.Bool("force", false, "write into a non-empty --out")
	plots := fs.Bool("plots", true, "write the PNG/SVG figures (--plots=false: CSV and JSON only)")
	resume := fs.String("resume", "", "continue the study saved in `DIR` (an earlier fig4 --out) up to --epochs")
	paramsFile := fs.String("params", "", paramsFlagUsage+"; the hardware of the solved mReLU")
	vdd := addVDDFlag(fs)
	maxMem := addMaxMemoryFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if (*paramsFile != "" || vddGiven(fs)) && *resume != "" {
		return usagef("fig4: --params and --vdd cannot be combined with --resume (a resumed study keeps its saved devices)")
	}
	p := def
	p.Base.Epochs, p.Base.Batch, p.Base.LR, p.Base.Seed, p.Base.Variation, p.Base.Data = *epochs, *batch, *lr, *seed, *variation, *data
	p.Base.Noise, p.Base.InputScale, p.Seeds = *noise, *inputScale, *seeds
	if !*paperSetting {
		p.Configs = nil
	}
	if *seeds < 1 || *seeds > experiment.MaxSeeds {
		return usagef("fig4: --seeds %d out of range 1..%d", *seeds, experiment.MaxSeeds)
	}
	h, err := parseHidden(*hidden)
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
	setup, err := loadSetup(*paramsFile, *vdd, vddGiven(fs))
	if err != nil {
		return err
	}
	p.Device, p.Neuron = setup.Device, setup.Neuron
	if *resume != "" {
		saved, err := loadFig4Params(filepath.Join(*resume, checkpointDir, fig4ParamsFile))
		if err != nil {
			if _, e := os.Stat(filepath.Join(*resume, checkpointDir, checkpointFile)); e == nil && errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("fig4: --resume: %s holds a train run, not a fig4 study: resume it with mrelu train --resume", *resume)
			}
			return fmt.Errorf("fig4: --resume: %w", err)
		}
		if p, err = resumeFig4Params(fs, p, saved); err != nil {
			return usagef("fig4: --resume %s: %v", *resume, err)
		}
	}
	if err := p.Validate(); err != nil {
		return usagef("%v", err)
	}
	if slices.ContainsFunc(p.Acts, experiment.IsHardware) || len(p.Configs) > 0 {
		if err := requireViable(params.Setup{Device: p.Device, Neuron: p.Neuron}); err != nil {
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
	from := map[string]*experiment.TrainCheckpoint{}
	if *resume != "" {
		for _, name := range names {
			saved, err := loadCheckpoints(filepath.Join(*resume, "runs", name, checkpointDir))
			if errors.Is(err, os.ErrNotExist) {
				continue // not started: it starts afresh
			}
			if err != nil {
				return fmt.Errorf("fig4: --resume: %w", err)
			}
			if from[name], err = pickCheckpoint(saved, p.Base.Epochs); err != nil {
				return usagef("fig4: --resume %s: run %s: %v", *resume, name, err)
			}
		}
	}
	dir := *out
	if dir == "" {
		dir = defaultOut("fig4")
	}
	if err := report.PrepareOut(dir, *force); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, checkpointDir), 0o755); err != nil {
		return err
	}
	if err := report.WriteJSON(filepath.Join(dir, checkpointDir, fig4ParamsFile), p); err != nil {
		return err
	}
	if err := saveRunParams(dir, params.Setup{Device: p.Device, Neuron: p.Neuron}, "fig4", p); err != nil {
		return err
	}
	writers := map[string]*checkpointWriter{}
	for _, name := range names {
		if writers[name], err = newCheckpointWriter(filepath.Join(dir, "runs", name, checkpointDir), from[name]); err != nil {
			return err
		}
	}
	ctx, stop := interruptContext(stderr)
	defer stop()
	bar := newProgress(stderr)
	res, err := experiment.Fig4With(p, experiment.Fig4Options{
		Label: func(name string) experiment.Progress {
			if c := from[name]; c != nil {
				bar.Line("fig4: training %s (resuming after epoch %d)", name, c.Epoch())
			} else {
				bar.Line("fig4: training %s", name)
			}
			return experiment.Progress{
				Step: func(epoch, step, steps int) {
					bar.Update(fmt.Sprintf("%s epoch %d/%d", name, epoch, p.Base.Epochs), step, steps, "")
				},
				Epoch: func(e nn.EpochStats) {
					if e.Epoch == p.Base.Epochs || e.Epoch%10 == 0 {
						bar.Line("  %s epoch %d: test accuracy %.2f%%", name, e.Epoch, 100*e.TestAccuracy)
					}
				},
			}
		},
		Context: ctx,
		Checkpoint: func(name string, c *experiment.TrainCheckpoint) error {
			w := writers[name]
			if w == nil {
				return fmt.Errorf("no checkpoint folder for run %s", name)
			}
			return w.write(c)
		},
		Resume: func(name string) *experiment.TrainCheckpoint { return from[name] },
	})
	bar.Done()
	if err != nil {
		last := 0
		for _, w := range writers {
			last = max(last, w.lastEpoch)
		}
		return trainError("fig4", dir, err, last)
	}
	s, err := report.WriteFig4(dir, res, *plots)
	if err != nil {
		return err
	}
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
	outf(stdout, "wrote %s\n", dir)
	return nil
}

// fig4ParamsFile, in a fig4 output's checkpoint folder, holds the study's
// settings for --resume.
const fig4ParamsFile = "fig4.json"

// loadFig4Params reads the settings a fig4 run saved for --resume.
func loadFig4Params(path string) (experiment.Fig4Params, error) {
	var p experiment.Fig4Params
	b, err := readParamsFile(path)
	if err != nil {
		return p, err
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return p, fmt.Errorf("%s: %w", path, errclip.Error(err))
	}
	if err := p.Validate(); err != nil {
		return p, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// resumeFig4Params fills the settings not given on the command line from
// the saved study's and refuses given ones that differ (except --epochs
// and --data, whose data are checked by their fingerprint).
func resumeFig4Params(fs *flag.FlagSet, p, saved experiment.Fig4Params) (experiment.Fig4Params, error) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	b, sb := &p.Base, saved.Base
	for _, c := range []struct {
		flag  string
		same  bool
		take  func()
		now   any
		saved any
	}{
		{"epochs", true, func() { b.Epochs = sb.Epochs }, nil, nil},
		{"data", true, func() { b.Data = sb.Data }, nil, nil},
		{"batch", b.Batch == sb.Batch, func() { b.Batch = sb.Batch }, b.Batch, sb.Batch},
		{"lr", b.LR == sb.LR, func() { b.LR = sb.LR }, b.LR, sb.LR},
		{"hidden", slices.Equal(b.Hidden, sb.Hidden), func() { b.Hidden = slices.Clone(sb.Hidden) }, b.Hidden, sb.Hidden},
		{"seed", b.Seed == sb.Seed, func() { b.Seed = sb.Seed }, b.Seed, sb.Seed},
		{"variation", b.Variation == sb.Variation, func() { b.Variation = sb.Variation }, b.Variation, sb.Variation},
		{"noise", experiment.NoiseName(b.Noise) == experiment.NoiseName(sb.Noise), func() { b.Noise = sb.Noise }, b.Noise, sb.Noise},
		{"input-scale", b.InputScale == sb.InputScale, func() { b.InputScale = sb.InputScale }, b.InputScale, sb.InputScale},
		{"seeds", max(1, p.Seeds) == max(1, saved.Seeds), func() { p.Seeds = saved.Seeds }, p.Seeds, saved.Seeds},
		{"sweep", slices.Equal(p.Sweep, saved.Sweep), func() { p.Sweep = slices.Clone(saved.Sweep) }, p.Sweep, saved.Sweep},
		{"acts", slices.Equal(p.Acts, saved.Acts), func() { p.Acts = slices.Clone(saved.Acts) }, strings.Join(p.Acts, ","), strings.Join(saved.Acts, ",")},
		{"paper-setting", slices.Equal(p.Configs, saved.Configs), func() { p.Configs = slices.Clone(saved.Configs) }, len(p.Configs) > 0, len(saved.Configs) > 0},
	} {
		switch {
		case !set[c.flag]:
			c.take()
		case !c.same:
			return p, fmt.Errorf("%w: --%s %v differs from the saved study's %v", experiment.ErrIncompatible, c.flag, c.now, c.saved)
		}
	}
	p.Device, p.Neuron = saved.Device, saved.Neuron
	return p, nil
}
