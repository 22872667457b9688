package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/mrelu/mrelu/crossbar"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/nn"
	"github.com/mrelu/mrelu/params"
	"github.com/mrelu/mrelu/report"
)

// cnnFlags are the train flags a CNN run uses: the settings of the
// command line in p (act, epochs, batch, lr, seed, data and noise).
type cnnFlags struct {
	model, resume string
	p             experiment.TrainParams
	seeds         int
	out           outFlags
	hw            setupFlags
	xp            crossbar.Params
}

// cnnSummary is summary.json of `mrelu train --model lenet5`.
type cnnSummary struct {
	Params        experiment.CNNParams            `json:"params"`
	Layers        []string                        `json:"layers"`
	TestAccuracy  float64                         `json:"test_accuracy"`
	Epochs        []experiment.CNNEpoch           `json:"epochs"`
	Crossbar      *experiment.CNNCrossbarResult   `json:"crossbar"`
	Threads       int                             `json:"threads"`
	GoVersion     string                          `json:"go_version"`
	WallSeconds   float64                         `json:"wall_seconds"`
	SeedStats     *experiment.SeedStats           `json:"seed_stats,omitempty"`
	SeedsCrossbar []*experiment.CNNCrossbarResult `json:"seeds_crossbar,omitempty"`
}

// runTrainCNN is `mrelu train --model lenet5`: it trains LeNet-5
// (experiment.TrainCNN), evaluates it on crossbar arrays with energy and
// latency per inference (experiment.CNNCrossbarEval) and writes
// summary.json and params.json to --out.
func runTrainCNN(fs *flag.FlagSet, f cnnFlags, stdout, stderr io.Writer) error {
	if f.model != experiment.ModelLeNet5 {
		return usagef("train: --model %q (want %s or %s)", f.model, experiment.ModelMLP, experiment.ModelLeNet5)
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if f.resume != "" || set["hidden"] {
		return usagef("train: --model %s takes neither --resume nor --hidden", f.model)
	}
	p := experiment.DefaultCNNParams()
	p.Act, p.LR, p.Seed, p.Data = f.p.Act, f.p.LR, f.p.Seed, f.p.Data
	if set["batch"] {
		p.Batch = f.p.Batch
	}
	p.Variation, p.Noise, p.InputScale = f.p.Variation, f.p.Noise, f.p.InputScale
	if set["epochs"] {
		p.Epochs = f.p.Epochs
	}
	if err := p.Validate(); err != nil {
		return usagef("train: %v", err)
	}
	if f.seeds < 1 || f.seeds > experiment.MaxSeeds {
		return usagef("train: --seeds %d out of range 1..%d", f.seeds, experiment.MaxSeeds)
	}
	xp := f.xp
	xp.Seed = p.Seed
	if err := xp.Validate(); err != nil {
		return usagef("train: %v", err)
	}
	setup, model, err := trainSetup(fs, *f.hw.params, *f.hw.vdd, p.Act)
	if err != nil {
		return err
	}
	train, test, err := experiment.LoadData(p.Data)
	if err != nil {
		return err
	}
	dir, err := f.out.prepare("train-" + p.Model + "-" + p.Act)
	if err != nil {
		return err
	}
	if err := saveRunParams(dir, setup, "train", p); err != nil {
		return err
	}
	bar := newProgress(stderr)
	defer bar.Done()
	var s cnnSummary
	var per []experiment.SeedAccuracy
	for _, sd := range experiment.SeedList(p.Seed, f.seeds) {
		q := p
		q.Seed = sd
		bar.Line("mrelu train: model=%s act=%s epochs=%d batch=%d lr=%g seed=%d", q.Model, q.Act, q.Epochs, q.Batch, q.LR, q.Seed)
		run, err := experiment.TrainCNNWith(q, train, test, model, experiment.CNNOptions{VDD: setup.Neuron.VDD, Progress: experiment.Progress{
			Step: func(epoch, step, steps int) { bar.Update(fmt.Sprintf("epoch %d/%d", epoch, q.Epochs), step, steps, "") },
			Epoch: func(e nn.EpochStats) {
				bar.Line("epoch %d/%d loss %.4f test accuracy %.2f%% (%.2fs)", e.Epoch, q.Epochs, e.TrainLoss, 100*e.TestAccuracy, e.Seconds)
			},
		}})
		if err != nil {
			return fmt.Errorf("train: seed %d: %w", sd, err)
		}
		xq := xp
		xq.Seed = sd
		cb, err := experiment.CNNCrossbarEval(run, xq, 0)
		if err != nil {
			return fmt.Errorf("train: %w", err)
		}
		per = append(per, experiment.SeedAccuracy{Seed: sd, TestAccuracy: run.FinalAccuracy()})
		if sd == p.Seed {
			s = cnnSummary{Params: run.Params, Layers: run.Layers, TestAccuracy: run.FinalAccuracy(), Epochs: run.Epochs,
				Crossbar: cb, Threads: run.Threads, GoVersion: run.GoVersion, WallSeconds: run.WallSeconds}
		} else {
			s.SeedsCrossbar = append(s.SeedsCrossbar, cb)
		}
		last := run.Epochs[len(run.Epochs)-1]
		outf(stdout, "lenet5 act %s seed %d: test accuracy %.2f%% after %d epochs (on crossbar arrays: %.2f%%); mean |dW| first/last layer %.3g; %.3g J and %.3g s per inference on arrays\n",
			q.Act, sd, 100*run.FinalAccuracy(), q.Epochs, 100*cb.TestAccuracy, last.UpdateRatio, cb.Energy, cb.Latency)
	}
	if len(per) > 1 {
		st := experiment.NewSeedStats(per)
		s.SeedStats = &st
		outf(stdout, "test accuracy over %d seeds: mean %.2f%%, s.d. %.2f%%\n", len(per), 100*st.Mean, 100*st.SD)
	}
	if err := report.WriteJSON(filepath.Join(dir, "summary.json"), s); err != nil {
		return err
	}
	outf(stdout, "wrote %s\n", dir)
	return nil
}

// trainSetup loads the hardware setup of a training run (--params,
// --vdd) and, for a hardware activation, checks that the neuron works and
// solves it (nil model otherwise).
func trainSetup(fs *flag.FlagSet, paramsFile string, vdd float64, act string) (params.Setup, *experiment.NeuronModel, error) {
	setup, err := loadSetup(paramsFile, vdd, vddGiven(fs))
	if err != nil || !experiment.IsHardware(act) {
		return setup, nil, err
	}
	if err := requireViable(setup); err != nil {
		return setup, nil, err
	}
	model, err := experiment.SolveNeuron(setup.Device, setup.Neuron)
	if err != nil {
		return setup, nil, fmt.Errorf("train: %w", err)
	}
	return setup, model, nil
}
