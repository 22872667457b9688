package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mrelu/mrelu/crossbar"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/nn"
	"github.com/mrelu/mrelu/report"
)

func init() {
	register("train", "train the 784-100-100-100-10 MLP on MNIST (or --data) with a chosen neuron", runTrain)
}

// parseHidden reads "100,100,100" (empty: no hidden layer).
func parseHidden(s string) ([]int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return []int{}, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 {
			return nil, fmt.Errorf("--hidden: %q is not a positive layer width (want e.g. 100,100,100)", f)
		}
		out = append(out, v)
	}
	return out, nil
}

// defaultOut is a fresh folder per run, so the default never overwrites.
func defaultOut(kind string) string {
	return filepath.Join("mrelu-out", kind+"-"+time.Now().Format("20060102-150405"))
}

func runTrain(args []string, stdout, stderr io.Writer) error {
	def := experiment.DefaultTrainParams()
	fs := newFlags("train", "Trains a fully connected network with SGD and records the vanishing-gradient instruments\n(per-epoch accuracy and loss, neuron-input and weight-update distributions per layer).\nThen writes the trained network into crossbar arrays (conductance pairs, flags --g-min ...\n--neuron-spread; non-idealities off by default) and reports its accuracy there too.\nWrites summary.json, metrics.csv, histogram CSVs and PNG/SVG plots to --out.",
		"mrelu train --act sigmoid --epochs 30 --out runs/sigmoid", stdout)
	act := fs.String("act", def.Act, "hidden neuron: "+strings.Join(experiment.ActivationNames(), "|"))
	variation := fs.Float64("variation", def.Variation, "temporal variation of the mrelu neuron per evaluation (fraction; mrelu only)")
	epochs := fs.Int("epochs", def.Epochs, "training epochs")
	batch := fs.Int("batch", def.Batch, "minibatch size")
	lr := fs.Float64("lr", def.LR, "SGD learning rate")
	hidden := fs.String("hidden", "100,100,100", "hidden layer widths, comma separated")
	seed := fs.Uint64("seed", def.Seed, "random seed (weights and shuffling)")
	data := fs.String("data", "", "folder with train-*/t10k-* IDX files (default: built-in MNIST)")
	out := fs.String("out", "", "output folder (default: a new mrelu-out/train-<act>-<time>)")
	force := fs.Bool("force", false, "write into a non-empty --out")
	xp := crossbar.DefaultParams()
	xp.AddFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	xp.Seed = *seed
	if err := xp.Validate(); err != nil {
		return usagef("train: %v", err)
	}
	p := def
	p.Act, p.Epochs, p.Batch, p.LR, p.Seed, p.Data, p.Variation = *act, *epochs, *batch, *lr, *seed, *data, *variation
	h, err := parseHidden(*hidden)
	if err != nil {
		return usagef("train: %v", err)
	}
	p.Hidden = h
	if err := experiment.CheckActivation(p.Act); err != nil {
		return usagef("train: --act: %v", err)
	}
	if err := p.Validate(); err != nil {
		return usagef("train: %v", err)
	}
	dir := *out
	if dir == "" {
		dir = defaultOut("train-" + p.Act)
	}
	if err := report.PrepareOut(dir, *force); err != nil {
		return err
	}
	bar := newProgress(stderr)
	bar.Line("mrelu train: act=%s hidden=%v epochs=%d batch=%d lr=%g seed=%d", p.Act, p.Hidden, p.Epochs, p.Batch, p.LR, p.Seed)
	if p.Act == experiment.ActMReLU {
		bar.Line("  hardware neuron with %.1f %% temporal variation per evaluation", 100*p.Variation)
	}
	lastAcc := ""
	run, err := experiment.Train(p, experiment.Progress{
		Step: func(epoch, step, steps int) {
			bar.Update(fmt.Sprintf("epoch %d/%d", epoch, p.Epochs), step, steps, lastAcc)
		},
		Epoch: func(e nn.EpochStats) {
			lastAcc = fmt.Sprintf("test acc %.4f", e.TestAccuracy)
			bar.Line("epoch %d/%d loss %.4f test accuracy %.4f (%.2fs)", e.Epoch, p.Epochs, e.TrainLoss, e.TestAccuracy, e.Seconds)
		},
	})
	bar.Done()
	if err != nil {
		return err
	}
	if run.Crossbar, err = experiment.CrossbarEval(run, xp); err != nil {
		return err
	}
	s, err := report.WriteTrain(dir, run)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "act %s: test accuracy %.4f after %d epochs (on crossbar arrays: %.4f); mean |dW| first/last layer %.3g; median epoch %.3fs\nwrote %s\n",
		s.Act, s.TestAccuracy, s.Epochs, run.Crossbar.TestAccuracy, s.UpdateRatioFirstLast, median(s.EpochSeconds), dir)
	return nil
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s[len(s)/2]
}
