package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/mrelu/mrelu/crossbar"
	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/internal/membudget"
	"github.com/mrelu/mrelu/internal/quantity"
	"github.com/mrelu/mrelu/nn"
	"github.com/mrelu/mrelu/report"
	"github.com/mrelu/mrelu/rundir"
)

func init() {
	register("train", "train the 784-100-100-100-10 MLP (or --model lenet5) on MNIST (or --data) with a chosen neuron", runTrain)
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

// netFlags are the flags of a network's training: --epochs, --batch,
// --lr, --hidden, --seed and --data.
type netFlags struct {
	epochs, batch *int
	lr            *float64
	hidden, data  *string
	seed          *uint64
}

// addNetFlags defines the training flags with the defaults of def and the
// usage texts epochsUsage and hiddenUsage.
func addNetFlags(fs *flag.FlagSet, def experiment.TrainParams, epochsUsage, hiddenUsage string) netFlags {
	return netFlags{
		epochs: fs.Int("epochs", def.Epochs, epochsUsage),
		batch:  fs.Int("batch", def.Batch, "minibatch size"),
		lr:     fs.Float64("lr", def.LR, "SGD learning rate"),
		hidden: fs.String("hidden", "100,100,100", hiddenUsage),
		seed:   fs.Uint64("seed", def.Seed, "random `N` seeding the weights, the shuffling and the neuron noise"),
		data:   fs.String("data", "", "`DIR` with train-*/t10k-* IDX files (default: built-in MNIST)"),
	}
}

// set puts the epochs, batch, learning rate, seed and data of the flags
// into p (--hidden, which can be wrong, is parsed by the caller).
func (n netFlags) set(p *experiment.TrainParams) {
	p.Epochs, p.Batch, p.LR, p.Seed, p.Data = *n.epochs, *n.batch, *n.lr, *n.seed, *n.data
}

// noiseFlags are the flags of the hardware neuron's noise: --variation,
// --noise and --input-scale.
type noiseFlags struct {
	variation, inputScale *float64
	noise                 *string
}

// addNoiseFlags defines the noise flags: --variation with its default and
// usage text, --noise naming what it applies to (noiseOf: "neuron",
// "runs") and --input-scale.
func addNoiseFlags(fs *flag.FlagSet, variation float64, variationUsage, noiseOf string) noiseFlags {
	return noiseFlags{
		variation:  fs.Float64("variation", variation, variationUsage),
		noise:      fs.String("noise", experiment.NoiseProportional, "noise model of the mrelu "+noiseOf+": "+strings.Join(experiment.NoiseModels(), "|")+" (docs/system.md)"),
		inputScale: quantity.Float(fs, "input-scale", 0, quantity.Ampere, "current `A` per unit of pre-activation driving the hardware neuron, I = z*A (0: the solved neuron's own, neuron.DefaultIUnit = 7.78e-07 A with the default devices)"),
	}
}

// set puts the noise settings into p.
func (n noiseFlags) set(p *experiment.TrainParams) {
	p.Variation, p.Noise, p.InputScale = *n.variation, *n.noise, *n.inputScale
}

func runTrain(args []string, stdout, stderr io.Writer) error {
	def := experiment.DefaultTrainParams()
	fs := newFlags("train", "Trains a fully connected network with SGD and records the vanishing-gradient instruments\n(per-epoch accuracy and loss, neuron-input and weight-update distributions per layer).\nThen writes the trained network into crossbar arrays (conductance pairs, flags --g-min ...\n--neuron-spread; non-idealities off by default) and reports its accuracy there too.\nWrites summary.json, metrics.csv, histogram CSVs and PNG/SVG plots to --out, and after every\nepoch a checkpoint (checkpoint/checkpoint.json, the epoch before in checkpoint/previous.json).\n--resume DIR continues the run saved in DIR up to --epochs, bit for bit as if it had never\nstopped; settings not given are the saved run's, settings given must agree with it (the\ncrossbar flags are not saved: give them again). Ctrl-C stops after the current step with\nthe last checkpoint kept (exit status 130).",
		"mrelu train --act sigmoid --epochs 30 --out runs/sigmoid\n  mrelu train --resume runs/sigmoid --out runs/sigmoid --force", stdout)
	act := fs.String("act", def.Act, "hidden neuron: "+strings.Join(experiment.ActivationNames(), "|"))
	noise := addNoiseFlags(fs, def.Variation, "temporal variation of the mrelu neuron per evaluation (fraction; mrelu only)", "neuron")
	seeds := fs.Int("seeds", 1, "train with seeds --seed, --seed+1, ... and report the test accuracy's mean and s.d. (the first seed's run is reported in full, the others under seeds/)")
	net := addNetFlags(fs, def, "training epochs", "hidden layer widths, comma separated")
	out := addOutFlags(fs, "train-<act>")
	plots := fs.Bool("plots", true, "write the PNG/SVG plots (--plots=false: data files only)")
	resume := fs.String("resume", "", "continue the run saved in `DIR` (an earlier run's --out) up to --epochs")
	hw := addSetupFlags(fs, paramsFlagUsage+"; the hardware of --act mrelu, mrelu-ideal; its VDD bounds relu2 (ReLU clipped at VDD, 2 V by default) (with --resume: default the resumed run's params.json)")
	maxMem := addMaxMemoryFlag(fs)
	xp := crossbar.DefaultParams()
	xp.AddFlags(fs)
	netModel := fs.String("model", experiment.ModelMLP, "network: mlp (784-100-100-100-10, --hidden) or lenet5 (LeNet-5, 20 epochs and batch 100 unless --epochs, --batch; no --resume)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	p := def
	p.Act = *act
	net.set(&p)
	noise.set(&p)
	if *netModel != experiment.ModelMLP {
		return runTrainCNN(fs, cnnFlags{model: *netModel, p: p, seeds: *seeds, out: out, resume: *resume, hw: hw, xp: xp}, stdout, stderr)
	}
	xp.Seed = p.Seed
	if err := xp.Validate(); err != nil {
		return usagef("train: %v", err)
	}
	if *seeds < 1 || *seeds > experiment.MaxSeeds {
		return usagef("train: --seeds %d out of range 1..%d", *seeds, experiment.MaxSeeds)
	}
	if *seeds > 1 && *resume != "" {
		return usagef("train: --seeds %d cannot be combined with --resume (only one seed's run is checkpointed)", *seeds)
	}
	h, err := parseHidden(*net.hidden)
	if err != nil {
		return usagef("train: %v", err)
	}
	p.Hidden = h
	var saved []*experiment.TrainCheckpoint
	pf := *hw.params
	if *resume != "" {
		if p, saved, err = resumeTrain(*resume, p, givenFlags(fs)); err != nil {
			return err
		}
		xp.Seed = p.Seed
		if pf == "" {
			pf = rundir.Open(*resume).SavedParams() // the resumed run's hardware
		}
	}
	if err := experiment.CheckActivation(p.Act); err != nil {
		return usagef("train: --act: %v", err)
	}
	if err := p.Validate(); err != nil {
		return usagef("train: %v", err)
	}
	setup, model, err := trainSetup(fs, pf, *hw.vdd, p.Act)
	if err != nil {
		return err
	}
	xp.VDD = setup.Neuron.VDD
	var from *experiment.TrainCheckpoint
	if saved != nil {
		if from, err = rundir.Pick(saved, p.Epochs); err == nil {
			err = from.Compatible(p)
		}
		if err != nil {
			return usagef("train: --resume %s: %v", *resume, err)
		}
	}
	train, test, fp, err := trainData(p, maxMem, from, *resume)
	if err != nil {
		return err
	}
	dir := out.dir("train-" + p.Act)
	rd, err := rundir.Create(dir, *out.force)
	if err != nil {
		return err
	}
	ckw, err := rd.NewCheckpointWriter("", from)
	if err != nil {
		return err
	}
	if err := rd.SaveParams(setup, "train", p); err != nil {
		return err
	}
	ctx, stop := interruptContext(stderr)
	defer stop()
	bar := newProgress(stderr)
	bar.Line("mrelu train: act=%s hidden=%v epochs=%d batch=%d lr=%g seed=%d", p.Act, p.Hidden, p.Epochs, p.Batch, p.LR, p.Seed)
	if k, _ := nn.LookupActivation(p.Act); k.Noisy {
		bar.Line("  hardware neuron with %.1f %% variation per evaluation, noise model %s", 100*p.Variation, experiment.NoiseName(p.Noise))
	}
	if from != nil {
		bar.Line("  resuming %s after epoch %d", *resume, from.Epoch())
	}
	run, err := experiment.TrainWith(p, train, test, model, experiment.TrainOptions{
		Progress:   trainProgress(bar, p.Epochs),
		Context:    ctx,
		Checkpoint: ckw.Write,
		Resume:     from,
		Data:       &fp,
		VDD:        setup.Neuron.VDD,
	})
	bar.Done()
	if err != nil {
		return trainError("train", dir, err, ckw.LastEpoch())
	}
	if run.Crossbar, err = experiment.CrossbarEval(run, xp); err != nil {
		return err
	}
	s, err := report.WriteTrain(dir, run, *plots)
	if err != nil {
		return err
	}
	if err := report.WriteTrainExport(dir, run, xp, *plots); err != nil {
		return err
	}
	outf(stdout, "act %s: test accuracy %.2f%% after %d epochs (on crossbar arrays: %.2f%%); mean |dW| first/last layer %.3g; median epoch %.3fs\n",
		s.Act, 100*s.TestAccuracy, s.Epochs, 100*run.Crossbar.TestAccuracy, float64(s.UpdateRatioFirstLast), experiment.Median(s.EpochSeconds))
	if *seeds > 1 {
		more := moreSeeds{ctx: ctx, bar: bar, train: train, test: test, model: run.Neuron, vdd: run.VDD, fp: &fp, dir: dir, plots: *plots}
		per, err := more.run(p, *seeds, s.TestAccuracy)
		if err != nil {
			return err
		}
		s.SeedStats = experiment.NewSeedStats(per)
		if err := report.WriteJSON(filepath.Join(dir, "summary.json"), s); err != nil {
			return err
		}
		outf(stdout, "test accuracy over %d seeds: mean %.2f%%, s.d. %.2f%%\n", len(per), 100*s.Mean, 100*s.SD)
	}
	if s.UpdateRatioNullReason != "" {
		outf(stdout, "note: %s (null in summary.json)\n", s.UpdateRatioNullReason)
	}
	outf(stdout, "wrote %s\n", dir)
	return nil
}

// trainData checks the memory budget of p (from the layer sizes and the
// data files' headers, before the data are read), loads the data and
// checks them against the checkpoint the run resumes from (nil: none).
func trainData(p experiment.TrainParams, maxMem *membudget.Value, from *experiment.TrainCheckpoint, resume string) (train, test *dataset.Set, fp experiment.DataFingerprint, err error) {
	shape, err := experiment.DataShape(p.Data)
	if err != nil {
		return nil, nil, fp, fmt.Errorf("train: %w", err)
	}
	if err := checkMemory("train", maxMem, experiment.TrainMemory(p, shape)); err != nil {
		return nil, nil, fp, err
	}
	if train, test, err = experiment.LoadData(p.Data); err != nil {
		return nil, nil, fp, err
	}
	fp = experiment.Fingerprint(train, test)
	if from != nil {
		if err := from.Data.Compatible(fp); err != nil {
			return nil, nil, fp, usagef("train: --resume %s: %v", resume, err)
		}
	}
	return train, test, fp, nil
}

// trainProgress is the progress of a run of epochs epochs: a bar over each
// epoch's steps (with the last test accuracy) and a line per epoch.
func trainProgress(bar *progressBar, epochs int) experiment.Progress {
	lastAcc := ""
	return experiment.Progress{
		Step: func(epoch, step, steps int) {
			bar.Update(fmt.Sprintf("epoch %d/%d", epoch, epochs), step, steps, lastAcc)
		},
		Epoch: func(e nn.EpochStats) {
			lastAcc = fmt.Sprintf("test acc %.2f%%", 100*e.TestAccuracy)
			bar.Line("epoch %d/%d loss %.4f test accuracy %.2f%% (%.2fs)", e.Epoch, epochs, e.TrainLoss, 100*e.TestAccuracy, e.Seconds)
		},
	}
}

// resumeTrain reads the train run saved in dir (--resume): its
// checkpoints, latest first, and p with the settings not given on the
// command line taken from the saved run's.
func resumeTrain(dir string, p experiment.TrainParams, given map[string]bool) (experiment.TrainParams, []*experiment.TrainCheckpoint, error) {
	prev := rundir.Open(dir)
	saved, err := prev.Checkpoints("")
	if err != nil {
		if prev.HoldsFig4Study() {
			return p, nil, fmt.Errorf("train: --resume: %s holds a fig4 study: resume it with mrelu fig4 --resume", dir)
		}
		return p, nil, fmt.Errorf("train: --resume: %w", err)
	}
	return rundir.MergeTrainParams(p, saved[0].Params, given), saved, nil
}

// givenFlags is the set of the flags given on the command line.
func givenFlags(fs *flag.FlagSet) map[string]bool {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	return given
}

// moreSeeds trains the seeds after the first of `train --seeds N`, each
// reported under seeds/seed-<seed>/ (not checkpointed).
type moreSeeds struct {
	ctx         context.Context
	bar         *progressBar
	train, test *dataset.Set
	model       *experiment.NeuronModel
	vdd         float64 // the neuron's supply (V), relu2's bound
	fp          *experiment.DataFingerprint
	dir         string
	plots       bool
}

// run trains p with the seeds after p.Seed (n in all) and returns every
// seed's test accuracy, first p.Seed's (first).
func (m moreSeeds) run(p experiment.TrainParams, n int, first float64) ([]experiment.SeedAccuracy, error) {
	per := []experiment.SeedAccuracy{{Seed: p.Seed, TestAccuracy: first}}
	for _, sd := range experiment.SeedList(p.Seed, n)[1:] {
		q := p
		q.Seed = sd
		m.bar.Line("seed %d", sd)
		r, err := experiment.TrainWith(q, m.train, m.test, m.model, experiment.TrainOptions{
			Progress: experiment.Progress{Step: func(epoch, step, steps int) {
				m.bar.Update(fmt.Sprintf("seed %d epoch %d/%d", sd, epoch, q.Epochs), step, steps, "")
			}},
			Context: m.ctx, Data: m.fp, VDD: m.vdd})
		m.bar.Done()
		if err != nil {
			return nil, fmt.Errorf("train: seed %d: %w", sd, err)
		}
		sub := filepath.Join(m.dir, "seeds", fmt.Sprintf("seed-%d", sd))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return nil, err
		}
		if _, err := report.WriteTrain(sub, r, m.plots); err != nil {
			return nil, err
		}
		per = append(per, experiment.SeedAccuracy{Seed: sd, TestAccuracy: r.FinalAccuracy()})
	}
	return per, nil
}

// trainError turns a training error into the command's error: an
// interruption says how to resume (exit status 130), incompatible resume
// settings are a usage error, and divergence keeps its message naming the
// epoch. lastEpoch is the epoch of the last checkpoint written (0: none).
func trainError(cmd, dir string, err error, lastEpoch int) error {
	switch {
	case errors.Is(err, nn.ErrInterrupted):
		msg := cmd + ": interrupted; "
		var ie *nn.InterruptedError
		switch {
		case errors.As(err, &ie) && ie.Step > 0:
			msg = fmt.Sprintf("%s: interrupted in epoch %d (step %d of %d); ", cmd, ie.Epoch, ie.Step, ie.Steps)
		case ie != nil:
			msg = fmt.Sprintf("%s: interrupted before epoch %d; ", cmd, ie.Epoch)
		}
		if lastEpoch == 0 {
			msg += "no epoch was completed, so there is no checkpoint to resume from"
		} else {
			msg += fmt.Sprintf("the state after epoch %d is saved in %s; resume with: mrelu %s --resume %s --out %s --force",
				lastEpoch, filepath.Join(dir, rundir.CheckpointDir), cmd, dir, dir)
		}
		return exitError{code: 130, msg: msg}
	case errors.Is(err, experiment.ErrIncompatible):
		return usagef("%s: --resume: %v", cmd, err)
	}
	return fmt.Errorf("%s: %w", cmd, err)
}

// interruptContext returns a context cancelled by the first SIGINT or
// SIGTERM, with a note on stderr; a second signal has its default effect
// (the process ends at once). stop releases the signals.
func interruptContext(stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			signal.Stop(ch)
			fmt.Fprintf(stderr, "\nmrelu: %v: stopping after the current step (again to quit at once)\n", s)
			cancel()
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel()
	}
}
