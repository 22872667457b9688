package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/nn"
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
	fs := newFlags("fig4", "Trains the paper's 784-100-100-100-10 network with sigmoid, software ReLU, the ideal\nhardware mReLU and the mReLU with temporal variation (the solved 2T-1M circuit in the loop),\nthen the mReLU at each variation of --sweep. Writes summary.json, CSVs, the Fig. 4 plots\n(fig4c_accuracy, fig4d_loss, fig4ef_neuron_inputs_*, fig4g/h_weight_updates_first/last, fig4i_variation)\nand each run's own report under runs/<name>/.",
		"mrelu fig4 --epochs 30 --out runs/fig4", stdout)
	epochs := fs.Int("epochs", def.Base.Epochs, "training epochs of every run")
	batch := fs.Int("batch", def.Base.Batch, "minibatch size")
	lr := fs.Float64("lr", def.Base.LR, "SGD learning rate")
	hidden := fs.String("hidden", "100,100,100", "hidden layer widths")
	seed := fs.Uint64("seed", def.Base.Seed, "random seed (weights, shuffling, neuron noise)")
	variation := fs.Float64("variation", def.Base.Variation, "temporal variation of the mrelu run (fraction)")
	sweep := fs.String("sweep", "0,0.05,0.099,0.2,0.3", "variations of the accuracy-vs-variation curve (fractions)")
	acts := fs.String("acts", strings.Join(def.Acts, ","), "neurons compared")
	data := fs.String("data", "", "folder with train-*/t10k-* IDX files (default: built-in MNIST)")
	out := fs.String("out", "", "output folder (default: a new mrelu-out/fig4-<time>)")
	force := fs.Bool("force", false, "write into a non-empty --out")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	p := def
	p.Base.Epochs, p.Base.Batch, p.Base.LR, p.Base.Seed, p.Base.Variation, p.Base.Data = *epochs, *batch, *lr, *seed, *variation, *data
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
	if err := p.Validate(); err != nil {
		return usagef("%v", err)
	}
	dir := *out
	if dir == "" {
		dir = defaultOut("fig4")
	}
	if err := report.PrepareOut(dir, *force); err != nil {
		return err
	}
	bar := newProgress(stderr)
	res, err := experiment.Fig4(p, func(name string) experiment.Progress {
		bar.Line("fig4: training %s", name)
		return experiment.Progress{
			Step: func(epoch, step, steps int) {
				bar.Update(fmt.Sprintf("%s epoch %d/%d", name, epoch, p.Base.Epochs), step, steps, "")
			},
			Epoch: func(e nn.EpochStats) {
				if e.Epoch == p.Base.Epochs || e.Epoch%10 == 0 {
					bar.Line("  %s epoch %d: test accuracy %.4f", name, e.Epoch, e.TestAccuracy)
				}
			},
		}
	})
	bar.Done()
	if err != nil {
		return err
	}
	s, err := report.WriteFig4(dir, res)
	if err != nil {
		return err
	}
	for _, r := range s.Runs {
		paper := "  -   "
		if r.PaperAccuracy != nil {
			paper = fmt.Sprintf("%5.1f%%", 100**r.PaperAccuracy)
		}
		fmt.Fprintf(stdout, "%-14s variation %4.1f%%  test accuracy %6.2f%% (paper %s)  mean|dW| first/last layer, epoch 1: %.3f\n",
			strings.TrimPrefix(r.Folder, "runs/"), 100*r.Variation, 100*r.TestAccuracy, paper, r.UpdateRatioEpoch1)
	}
	fmt.Fprintf(stdout, "wrote %s\n", dir)
	return nil
}
