package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/report"
)

func init() {
	register("paper", "the whole paper in one run: device, neuron, Fig. 4, Fig. 5, energy, Table 1, report.html", runPaper)
}

var paperSynopsis = `mrelu paper [--quick] [--params FILE] [--vdd V] [--seed N] --out DIR [--force]

Runs every experiment of the paper with one parameter set and one seed, each written by its own
writer into its own folder: device/{iv,sweep,pulse,tft} (Fig. 1f, 1h, 3a-f, S5),
neuron/{transfer,pulse,spice,montecarlo,montecarlo-trim} (Fig. 3i; the ngspice cross-check runs
when ngspice is on PATH), fig4/ (Fig. 4: sigmoid, ReLU, ideal mReLU and mReLU with ` + experiment.PaperVarText + ` variation
on MNIST, accuracy vs variation), edges/ and edges/variation/ (Fig. 5), energy/ (energy and latency
per activation and per inference), table1/ (Table 1 with our row). Then DIR/summary.json (every
headline number, ours beside the paper's), DIR/params.json and DIR/device_params.json (the
parameters used) and DIR/report.html (one self-contained page with every figure embedded).

The full run uses the paper's settings (30 epochs, 5-point variation sweep, 200 DC cycles) with
3 seeds per Fig. 4 run (--seeds) and the run reproducing the paper's ` + experiment.PaperMReLUText + ` under stated
assumptions (mrelu-paper-setting and its hardware-aware twin, docs/system.md); about 2 minutes
on 2 cores. --quick trains 3 epochs with 1 seed, sweeps 3 variations, skips the paper-setting
runs and runs 50 DC cycles (about 10 s); the output and the report say so.

--params FILE replaces the default device (and neuron) parameters in every experiment: a
params.json from 'mrelu device fit', any device/neuron run, a paper run, or written by hand
({"memristor": {...}, "tft": {...}, "neuron": {...}}; absent keys keep their defaults, unknown
keys and out-of-range values are errors naming the key); --vdd V sets the supply. Before any
work the neuron is checked as 'mrelu neuron check' does; a device that does not make a working
ReLU is refused (exit 1, with why and what would). A step that fails (exit 1, naming it) keeps
the steps before it: their folders, params.json, partial.json (the failed step, its error,
what was not run) and a report.html marking the failed step; summary.json comes from a complete
run only. See
docs/paper.md and docs/own-device.md.`

func runPaper(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("paper", paperSynopsis, "mrelu paper --quick --out runs/paper-quick", stdout)
	quick := fs.Bool("quick", false, "reduced setting: 3 epochs, 3-point variation sweep, 50 DC cycles (under a minute)")
	hw := addSetupFlags(fs, paramsFlagUsage+"; used by every experiment")
	seed := fs.Uint64("seed", 1, "random `N` seeding every draw (variation, training, Monte Carlo)")
	epochs := fs.Int("epochs", 0, "training epochs of Fig. 4 (0: 30, or 3 with --quick)")
	seeds := fs.Int("seeds", 0, fmt.Sprintf("seeds of every Fig. 4 run, one after another: means ± s.d., error bars in Fig. 4c and 4i (0: %d, or 1 with --quick)", experiment.PaperSeeds))
	data := fs.String("data", "", "`DIR` with train-*/t10k-* IDX files for Fig. 4 (default: built-in MNIST)")
	image := fs.String("image", "", "PNG or JPEG `FILE` for Fig. 5 (default: the built-in 160x160 camera image)")
	ngspice := fs.Bool("ngspice", true, "run the ngspice cross-check when ngspice is on PATH")
	out := addOutFlags(fs, "paper")
	maxMem := addMaxMemoryFlag(fs)
	cnnDir := fs.String("cnn", "", "output folder `DIR` of an earlier 'mrelu cnn': its LeNet-5 section (accuracy per epoch, update ratios per layer, energy and latency per inference on arrays) is added to report.html and its files copied to cnn/ (default: no CNN section)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var cnn *report.CNNSummary
	if *cnnDir != "" {
		var err error
		if cnn, err = report.ReadCNNSummary(*cnnDir); err != nil {
			return fmt.Errorf("paper: --cnn: %w", err)
		}
	}
	cfg := experiment.DefaultPaperConfig()
	if *quick {
		cfg = experiment.QuickPaperConfig()
	}
	cfg.Seed = *seed
	cfg.Ngspice = *ngspice
	cfg.Fig4.Base.Data = *data
	cfg.Edges.Image = *image
	if *epochs < 0 {
		return usagef("paper: --epochs %d: must be ≥ 0", *epochs)
	}
	if *epochs > 0 {
		cfg.Fig4.Base.Epochs = *epochs
	}
	if *seeds < 0 || *seeds > experiment.MaxSeeds {
		return usagef("paper: --seeds %d out of range 1..%d (0: the mode's default)", *seeds, experiment.MaxSeeds)
	}
	if *seeds > 0 {
		cfg.Fig4.Seeds = *seeds
	}
	if err := hw.loadViable("", &cfg.Device, &cfg.Neuron, func() error { return cfg.Validate() }); err != nil {
		return err
	}
	shape, err := experiment.DataShape(cfg.Fig4.Base.Data)
	if err != nil {
		return fmt.Errorf("paper: %w", err)
	}
	if err := checkMemory("paper", maxMem, experiment.PaperMemory(cfg, shape)); err != nil {
		return err
	}
	dir, command, bar, err := out.startRun("paper", args, stderr)
	if err != nil {
		return err
	}
	bar.Line("mrelu paper: %s run, seed %d (Fig. 4: %d seed(s) per run), writing %s", modeName(cfg.Quick, "full (the paper's settings)"), cfg.Seed, max(1, cfg.Fig4.Seeds), dir)
	for _, q := range cfg.QuickDifferences() {
		bar.Line("  note: %s", q)
	}
	if *hw.params != "" {
		bar.Line("  parameters from %s in every experiment", *hw.params)
	}
	prog := experiment.PaperProgress{
		Start: func(s experiment.PaperStage, k, n int) {
			bar.Line("paper [%d/%d] %s: %s", k+1, n, s.Key, s.Title)
		},
		Done: func(s experiment.PaperStage, sec float64, note string) {
			if note != "" {
				note = ": " + note
			}
			bar.Line("  done in %.1f s%s", sec, note)
		},
		Train: func(name string) experiment.Progress {
			bar.Line("  training %s (%d epochs)", name, cfg.Fig4.Base.Epochs)
			return bar.training(name, cfg.Fig4.Base.Epochs, "  %s: test accuracy %.2f%% after %d epochs", 100)
		},
	}
	// Ctrl-C ends the run at once: nothing is written before every
	// experiment has finished (or one has failed: then the ones before it
	// are written), and each file is written atomically.
	res, err := experiment.Paper(context.Background(), cfg, prog)
	bar.Done()
	if err != nil {
		if res == nil || res.Failed == "" {
			return err
		}
		// Keep what the stages before the failed one made.
		p, werr := report.WritePaperPartial(dir, res, err, report.PaperOptions{Command: command, Out: dir, ParamsFile: *hw.params,
			Log: func(format string, a ...any) { bar.Line("  "+format, a...) }})
		if werr != nil {
			return fmt.Errorf("%w (writing the completed stages also failed: %v)", err, werr)
		}
		kept := "no stage was completed"
		if n := len(p.Completed); n > 0 {
			kept = fmt.Sprintf("the %d completed stages (%s ... %s) are written in %s", n, p.Completed[0], p.Completed[n-1], dir)
		}
		why := strings.TrimPrefix(err.Error(), "paper: "+p.Failed+": ")
		return fmt.Errorf("step %d/%d (%s) failed: %s; %s, with partial.json and report.html marking the failed step", p.Step, p.Steps, p.Failed, why, kept)
	}
	bar.Line("paper: writing files")
	s, err := report.WritePaper(dir, res, report.PaperOptions{Command: command, Out: dir, ParamsFile: *hw.params,
		Log: func(format string, a ...any) { bar.Line("  "+format, a...) }, CNN: cnn, CNNDir: *cnnDir})
	if err != nil {
		return err
	}
	printPaperSummary(stdout, s, res)
	outf(stdout, "wrote %s (open %s in a browser)\n", dir, filepath.Join(dir, "report.html"))
	return nil
}

// printPaperSummary prints the headline numbers that the paper states as
// numbers, and the quick-mode caveats.
func printPaperSummary(w io.Writer, s *report.PaperSummary, r *experiment.PaperResult) {
	fmt.Fprintf(w, "mrelu paper (%s run, seed %d): %.1f s of experiments, %.1f s writing\n", s.Mode, s.Seed, s.TotalSeconds, s.WriteSeconds)
	for _, q := range s.QuickNotes {
		fmt.Fprintf(w, "  quick: %s\n", q)
	}
	fmt.Fprintf(w, "  %-17s %s %s %s\n", "figure", clip("quantity", 62), clip("paper", 24), "ours")
	keys := []string{"device.latency_s", "device.energy_J", "device.set_median_V", "device.hold_median_V", "device.tft_vth_sigma_V",
		"neuron.off_level_V", "neuron.threshold_current_A", "neuron.i90_A", "neuron.r2", "neuron.latency_quasistatic_s", "neuron.energy_memristor_quasistatic_J",
		"neuron.latency_s", "neuron.energy_memristor_J", "neuron.energy_J", "neuron.mc_trim_switching", "neuron.mc_trim_off_above_50mV", "neuron.ngspice_max_diff_V"}
	for _, a := range r.Config.Fig4.Acts {
		keys = append(keys, "fig4.accuracy."+a)
	}
	keys = append(keys, "fig4.accuracy."+experiment.PaperSettingName) // absent when not run
	keys = append(keys, "edges.pearson.vertical", "edges.pearson.lateral",
		"energy.device.total_per_inference_J", "energy.circuit.total_per_inference_J", "energy.ratio_vo2_over_ours",
		"energy.ratio_vo2_over_circuit_quasistatic", "energy.ratio_vo2_over_circuit_memristor", "energy.ratio_cmos_over_ours", "energy.ratio_cmos_over_circuit_quasistatic")
	for _, k := range keys {
		v := s.Value(k)
		if v == nil {
			continue
		}
		fmt.Fprintf(w, "  %-17s %s %s %s\n", v.Figure, clip(v.Quantity, 62), clip(v.PaperText, 24), v.OursText)
	}
	if !s.Ngspice.Ran {
		fmt.Fprintf(w, "  ngspice: %s\n", strings.TrimSpace(r.SpiceNote))
	}
}

// clip shortens s to n characters (runes) with "...", and pads it to n.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		r = append(r[:n-3], []rune("...")...)
	}
	return string(r) + strings.Repeat(" ", n-len(r))
}
