package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/mrelu/mrelu/internal/quantity"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mrelu/mrelu/crossbar"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/nn"
	"github.com/mrelu/mrelu/report"
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

// defaultOut is a fresh folder per run, so the default never overwrites.
func defaultOut(kind string) string {
	return filepath.Join("mrelu-out", kind+"-"+time.Now().Format("20060102-150405"))
}

func runTrain(args []string, stdout, stderr io.Writer) error {
	def := experiment.DefaultTrainParams()
	fs := newFlags("train", "Trains a fully connected network with SGD and records the vanishing-gradient instruments\n(per-epoch accuracy and loss, neuron-input and weight-update distributions per layer).\nThen writes the trained network into crossbar arrays (conductance pairs, flags --g-min ...\n--neuron-spread; non-idealities off by default) and reports its accuracy there too.\nWrites summary.json, metrics.csv, histogram CSVs and PNG/SVG plots to --out, and after every\nepoch a checkpoint (checkpoint/checkpoint.json, the epoch before in checkpoint/previous.json).\n--resume DIR continues the run saved in DIR up to --epochs, bit for bit as if it had never\nstopped; settings not given are the saved run's, settings given must agree with it (the\ncrossbar flags are not saved: give them again). Ctrl-C stops after the current step with\nthe last checkpoint kept (exit status 130).",
		"mrelu train --act sigmoid --epochs 30 --out runs/sigmoid\n  mrelu train --resume runs/sigmoid --out runs/sigmoid --force", stdout)
	act := fs.String("act", def.Act, "hidden neuron: "+strings.Join(experiment.ActivationNames(), "|"))
	variation := fs.Float64("variation", def.Variation, "temporal variation of the mrelu neuron per evaluation (fraction; mrelu only)")
	noise := fs.String("noise", experiment.NoiseProportional, "noise model of the mrelu neuron: "+strings.Join(experiment.NoiseModels(), "|")+" (docs/system.md)")
	inputScale := quantity.Float(fs, "input-scale", 0, quantity.Ampere, "current `A` per unit of pre-activation driving the hardware neuron, I = z*A (0: the solved neuron's own, neuron.DefaultIUnit = 7.78e-07 A with the default devices)")
	seeds := fs.Int("seeds", 1, "train with seeds --seed, --seed+1, ... and report the test accuracy's mean and s.d. (the first seed's run is reported in full, the others under seeds/)")
	epochs := fs.Int("epochs", def.Epochs, "training epochs")
	batch := fs.Int("batch", def.Batch, "minibatch size")
	lr := fs.Float64("lr", def.LR, "SGD learning rate")
	hidden := fs.String("hidden", "100,100,100", "hidden layer widths, comma separated")
	seed := fs.Uint64("seed", def.Seed, "random `N` seeding the weights, the shuffling and the neuron noise")
	data := fs.String("data", "", "`DIR` with train-*/t10k-* IDX files (default: built-in MNIST)")
	out := fs.String("out", "", "output folder `DIR` (default: a new mrelu-out/train-<act>-<time>)")
	force := fs.Bool("force", false, "write into a non-empty --out")
	plots := fs.Bool("plots", true, "write the PNG/SVG plots (--plots=false: data files only)")
	resume := fs.String("resume", "", "continue the run saved in `DIR` (an earlier run's --out) up to --epochs")
	paramsFile := fs.String("params", "", paramsFlagUsage+"; the hardware of --act mrelu, mrelu-ideal (with --resume: default the resumed run's params.json)")
	vdd := addVDDFlag(fs)
	maxMem := addMaxMemoryFlag(fs)
	xp := crossbar.DefaultParams()
	xp.AddFlags(fs)
	netModel := fs.String("model", experiment.ModelMLP, "network: mlp (784-100-100-100-10, --hidden) or lenet5 (LeNet-5, 20 epochs and batch 100 unless --epochs, --batch; no --resume)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *netModel != experiment.ModelMLP {
		return runTrainCNN(fs, cnnFlags{model: *netModel, act: *act, variation: *variation, noise: *noise, inputScale: *inputScale,
			seeds: *seeds, epochs: *epochs, batch: *batch, lr: *lr, seed: *seed, data: *data, out: *out, force: *force,
			resume: *resume, paramsFile: *paramsFile, vdd: *vdd, xp: xp}, stdout, stderr)
	}
	xp.Seed = *seed
	if err := xp.Validate(); err != nil {
		return usagef("train: %v", err)
	}
	p := def
	p.Act, p.Epochs, p.Batch, p.LR, p.Seed, p.Data, p.Variation = *act, *epochs, *batch, *lr, *seed, *data, *variation
	p.Noise, p.InputScale = *noise, *inputScale
	if *seeds < 1 || *seeds > experiment.MaxSeeds {
		return usagef("train: --seeds %d out of range 1..%d", *seeds, experiment.MaxSeeds)
	}
	if *seeds > 1 && *resume != "" {
		return usagef("train: --seeds %d cannot be combined with --resume (only one seed's run is checkpointed)", *seeds)
	}
	h, err := parseHidden(*hidden)
	if err != nil {
		return usagef("train: %v", err)
	}
	p.Hidden = h
	var saved []*experiment.TrainCheckpoint
	if *resume != "" {
		if saved, err = loadCheckpoints(filepath.Join(*resume, checkpointDir)); err != nil {
			if _, e := os.Stat(filepath.Join(*resume, checkpointDir, fig4ParamsFile)); e == nil {
				return fmt.Errorf("train: --resume: %s holds a fig4 study: resume it with mrelu fig4 --resume", *resume)
			}
			return fmt.Errorf("train: --resume: %w", err)
		}
		p = resumeParams(fs, p, saved[0].Params)
		xp.Seed = p.Seed
	}
	if err := experiment.CheckActivation(p.Act); err != nil {
		return usagef("train: --act: %v", err)
	}
	if err := p.Validate(); err != nil {
		return usagef("train: %v", err)
	}
	pf := *paramsFile
	if pf == "" && *resume != "" {
		if _, err := os.Stat(filepath.Join(*resume, "params.json")); err == nil {
			pf = filepath.Join(*resume, "params.json") // the resumed run's hardware
		}
	}
	setup, model, err := trainSetup(fs, pf, *vdd, p.Act)
	if err != nil {
		return err
	}
	var from *experiment.TrainCheckpoint
	if saved != nil {
		if from, err = pickCheckpoint(saved, p.Epochs); err != nil {
			return usagef("train: --resume %s: %v", *resume, err)
		}
		if err := from.Compatible(p); err != nil {
			return usagef("train: --resume %s: %v", *resume, err)
		}
	}
	// The memory budget, from the layer sizes and the data files' headers,
	// before the data are read.
	shape, err := experiment.DataShape(p.Data)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if err := checkMemory("train", maxMem, experiment.TrainMemory(p, shape)); err != nil {
		return err
	}
	train, test, err := experiment.LoadData(p.Data)
	if err != nil {
		return err
	}
	fp := experiment.Fingerprint(train, test)
	if from != nil {
		if err := from.Data.Compatible(fp); err != nil {
			return usagef("train: --resume %s: %v", *resume, err)
		}
	}
	dir := *out
	if dir == "" {
		dir = defaultOut("train-" + p.Act)
	}
	if err := report.PrepareOut(dir, *force); err != nil {
		return err
	}
	ckw, err := newCheckpointWriter(filepath.Join(dir, checkpointDir), from)
	if err != nil {
		return err
	}
	if err := saveRunParams(dir, setup, "train", p); err != nil {
		return err
	}
	ctx, stop := interruptContext(stderr)
	defer stop()
	bar := newProgress(stderr)
	bar.Line("mrelu train: act=%s hidden=%v epochs=%d batch=%d lr=%g seed=%d", p.Act, p.Hidden, p.Epochs, p.Batch, p.LR, p.Seed)
	if p.Act == experiment.ActMReLU {
		bar.Line("  hardware neuron with %.1f %% variation per evaluation, noise model %s", 100*p.Variation, experiment.NoiseName(p.Noise))
	}
	if from != nil {
		bar.Line("  resuming %s after epoch %d", *resume, from.Epoch())
	}
	lastAcc := ""
	run, err := experiment.TrainWith(p, train, test, model, experiment.TrainOptions{
		Progress: experiment.Progress{
			Step: func(epoch, step, steps int) {
				bar.Update(fmt.Sprintf("epoch %d/%d", epoch, p.Epochs), step, steps, lastAcc)
			},
			Epoch: func(e nn.EpochStats) {
				lastAcc = fmt.Sprintf("test acc %.2f%%", 100*e.TestAccuracy)
				bar.Line("epoch %d/%d loss %.4f test accuracy %.2f%% (%.2fs)", e.Epoch, p.Epochs, e.TrainLoss, 100*e.TestAccuracy, e.Seconds)
			},
		},
		Context:    ctx,
		Checkpoint: ckw.write,
		Resume:     from,
		Data:       &fp,
	})
	bar.Done()
	if err != nil {
		return trainError("train", dir, err, ckw.lastEpoch)
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
		per := []experiment.SeedAccuracy{{Seed: p.Seed, TestAccuracy: s.TestAccuracy}}
		for _, sd := range experiment.SeedList(p.Seed, *seeds)[1:] {
			q := p
			q.Seed = sd
			bar.Line("seed %d", sd)
			r, err := experiment.TrainWith(q, train, test, run.Neuron, experiment.TrainOptions{
				Progress: experiment.Progress{Step: func(epoch, step, steps int) {
					bar.Update(fmt.Sprintf("seed %d epoch %d/%d", sd, epoch, q.Epochs), step, steps, "")
				}},
				Context: ctx, Data: &fp})
			bar.Done()
			if err != nil {
				return fmt.Errorf("train: seed %d: %w", sd, err)
			}
			sub := filepath.Join(dir, "seeds", fmt.Sprintf("seed-%d", sd))
			if err := os.MkdirAll(sub, 0o755); err != nil {
				return err
			}
			if _, err := report.WriteTrain(sub, r, *plots); err != nil {
				return err
			}
			per = append(per, experiment.SeedAccuracy{Seed: sd, TestAccuracy: r.FinalAccuracy()})
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
				lastEpoch, filepath.Join(dir, checkpointDir), cmd, dir, dir)
		}
		return exitError{code: 130, msg: msg}
	case errors.Is(err, experiment.ErrIncompatible):
		return usagef("%s: --resume: %v", cmd, err)
	}
	return fmt.Errorf("%s: %w", cmd, err)
}

// resumeParams fills the training settings not given on the command line
// from the saved run's.
func resumeParams(fs *flag.FlagSet, p, saved experiment.TrainParams) experiment.TrainParams {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["act"] {
		p.Act = saved.Act
	}
	if !set["hidden"] {
		p.Hidden = slices.Clone(saved.Hidden)
	}
	if !set["epochs"] {
		p.Epochs = saved.Epochs
	}
	if !set["batch"] {
		p.Batch = saved.Batch
	}
	if !set["lr"] {
		p.LR = saved.LR
	}
	if !set["seed"] {
		p.Seed = saved.Seed
	}
	if !set["data"] {
		p.Data = saved.Data
	}
	if !set["variation"] {
		p.Variation = saved.Variation
	}
	if !set["noise"] {
		p.Noise = saved.Noise
	}
	if !set["input-scale"] {
		p.InputScale = saved.InputScale
	}
	return p
}

// Checkpoints live in <out>/checkpoint (<out>/runs/<name>/checkpoint for
// fig4): checkpoint.json holds the state after the last epoch done and
// previous.json the state after the epoch before, so that a run stopped
// after its last epoch (while writing its report) can be resumed to the
// same --epochs by redoing that epoch.
const (
	checkpointDir  = "checkpoint"
	checkpointFile = "checkpoint.json"
	previousFile   = "previous.json"
)

// checkpointWriter saves a run's checkpoints atomically.
type checkpointWriter struct {
	dir       string
	lastEpoch int // the epoch of the last checkpoint written (0: none)
}

// newCheckpointWriter prepares dir for a run's checkpoints: a run resumed
// from start saves start first (so the folder can be resumed from before
// the first new epoch ends); stale checkpoints of an earlier run are
// removed.
func newCheckpointWriter(dir string, start *experiment.TrainCheckpoint) (*checkpointWriter, error) {
	w := &checkpointWriter{dir: dir}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	if start != nil {
		b, err := encodeCheckpoint(start)
		if err != nil {
			return nil, err
		}
		if err := report.WriteFileAtomic(filepath.Join(dir, checkpointFile), b); err != nil {
			return nil, err
		}
		w.lastEpoch = start.Epoch()
	} else if err := os.Remove(filepath.Join(dir, checkpointFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	if err := os.Remove(filepath.Join(dir, previousFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	return w, nil
}

func encodeCheckpoint(c *experiment.TrainCheckpoint) ([]byte, error) {
	var buf bytes.Buffer
	if err := c.Encode(&buf); err != nil {
		return nil, fmt.Errorf("checkpoint after epoch %d: %w", c.Epoch(), err)
	}
	return buf.Bytes(), nil
}

// write saves c as the latest checkpoint, the latest so far becoming the
// previous (a rename). Both steps are atomic and loadCheckpoints reads
// either file, so a run killed at any moment leaves a readable checkpoint.
func (w *checkpointWriter) write(c *experiment.TrainCheckpoint) error {
	b, err := encodeCheckpoint(c)
	if err != nil {
		return err
	}
	if w.lastEpoch > 0 {
		if err := os.Rename(filepath.Join(w.dir, checkpointFile), filepath.Join(w.dir, previousFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("checkpoint: %w", err)
		}
	}
	if err := report.WriteFileAtomic(filepath.Join(w.dir, checkpointFile), b); err != nil {
		return err
	}
	w.lastEpoch = c.Epoch()
	return nil
}

// loadCheckpoints reads the checkpoints saved in dir, latest first. A
// folder without any is an error wrapping os.ErrNotExist.
func loadCheckpoints(dir string) ([]*experiment.TrainCheckpoint, error) {
	var out []*experiment.TrainCheckpoint
	for _, name := range []string{checkpointFile, previousFile} {
		path := filepath.Join(dir, name)
		f, err := os.Open(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		c, err := experiment.DecodeTrainCheckpoint(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no %s in %s (a run saves one after its first epoch): %w", checkpointFile, dir, os.ErrNotExist)
	}
	slices.SortStableFunc(out, func(a, b *experiment.TrainCheckpoint) int { return b.Epoch() - a.Epoch() })
	return out, nil
}

// pickCheckpoint returns the latest saved checkpoint before epoch epochs.
func pickCheckpoint(saved []*experiment.TrainCheckpoint, epochs int) (*experiment.TrainCheckpoint, error) {
	for _, c := range saved {
		if c.Epoch() < epochs {
			return c, nil
		}
	}
	e := saved[len(saved)-1].Epoch()
	return nil, fmt.Errorf("--epochs %d: the saved run has done %d epochs (checkpoints after epoch %d and later); resume it with --epochs above %d",
		epochs, saved[0].Epoch(), e, e)
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
