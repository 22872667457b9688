package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mrelu/mrelu/crossbar"
	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/neuron"
	"github.com/mrelu/mrelu/report"
	"github.com/mrelu/mrelu/sweep"
)

func init() {
	register("sweep", "parameter sweeps: run a shard of a spec, merge, render Slurm/Kubernetes jobs", runSweep)
}

const sweepIntro = `Parameter sweeps over params.json paths and experiment flags (docs: examples/sweeps/README.md).
  mrelu sweep SPEC --out DIR [--shard i/n]   run the points of the spec (or of one shard of it)
  mrelu sweep merge DIR [--allow-partial]     results.csv, summary.csv and plots from the points
  mrelu sweep list SPEC                       print the points with their indices
  mrelu sweep k8s SPEC --shards N             a Kubernetes Indexed Job manifest for the spec`

const sweepShardHelp = `Runs the points of a sweep spec (JSON; examples in examples/sweeps/) in this process, each into
DIR/points/<index>/ (params.json, run/; log.txt when it failed) with its one-line result DIR/points/<index>/result.json
written last. Points whose result exists and validates are skipped, so a re-run resumes.
The shard is --shard i/n (points with index mod n = i); without it, a Slurm array task
(SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT) or a Kubernetes Indexed Job pod (JOB_COMPLETION_INDEX
and --shards N or MRELU_SWEEP_SHARDS) runs its own shard; otherwise every point runs. Shards share
DIR and never write each other's files. Exit status 1 when a point failed (its error is recorded
in its result and in results.csv; --retry-failed runs it again).`

func runSweep(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "merge":
			return runSweepMerge(args[1:], stdout)
		case "list":
			return runSweepList(args[1:], stdout)
		case "k8s":
			return runSweepK8s(args[1:], stdout)
		case "help", "-h", "-help", "--help":
			return runSweepShard([]string{"--help"}, stdout, stderr)
		}
	}
	return runSweepShard(args, stdout, stderr)
}

// splitSpecArg parses flags with the one positional argument (the spec
// file or the sweep folder) before or after them.
func splitSpecArg(fs *flag.FlagSet, args []string, what string) (string, error) {
	pos := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		pos, args = args[0], args[1:]
	}
	usage := fs.Usage
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.Usage = usage
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage()
			return "", flag.ErrHelp
		}
		return "", usagef("%s: %v", fs.Name(), err)
	}
	rest := fs.Args()
	if pos == "" && len(rest) > 0 {
		pos, rest = rest[0], rest[1:]
		if len(rest) > 0 {
			if err := fs.Parse(rest); err != nil {
				return "", usagef("%s: %v", fs.Name(), err)
			}
			rest = fs.Args()
		}
	}
	if len(rest) > 0 {
		return "", usagef("%s: unexpected argument %q", fs.Name(), strings.Join(rest, " "))
	}
	if pos == "" {
		return "", usagef("%s: missing %s", fs.Name(), what)
	}
	return pos, nil
}

// sweepCommand is the command line every shard runs, the same under
// Slurm (deploy/slurm/sweep.sbatch) and in a Kubernetes pod (sweep k8s):
// the shard comes from the scheduler's environment.
func sweepCommand(binary, spec, out string) []string {
	return []string{binary, "sweep", spec, "--out", out}
}

func runSweepShard(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sweep", sweepIntro+"\n\n"+sweepShardHelp, "mrelu sweep examples/sweeps/transfer-rd-vdd.json --out runs/sweep --shard 0/4", stdout)
	out := fs.String("out", "", "sweep folder `DIR` shared by every shard (required)")
	shardFlag := fs.String("shard", "", "run shard `i/n`: the points whose index mod n is i (default: from the scheduler's environment, else all)")
	shards := fs.Int("shards", 0, "number of shards `N` when JOB_COMPLETION_INDEX gives the shard (default: $MRELU_SWEEP_SHARDS)")
	retry := fs.Bool("retry-failed", false, "run again the points whose recorded run failed")
	specPath, err := splitSpecArg(fs, args, "SPEC (a sweep spec JSON file)")
	if err != nil {
		return err
	}
	if *out == "" {
		return usagef("sweep: --out DIR is required (every shard writes into the same folder)")
	}
	var sh sweep.Shard
	source := "--shard"
	if *shardFlag != "" {
		if sh, err = sweep.ParseShard(*shardFlag); err != nil {
			return usagef("sweep: %v", err)
		}
	} else {
		var ok bool
		sh, source, ok, err = sweep.ShardFromEnv(os.Getenv, *shards)
		if err != nil {
			return usagef("sweep: %v", err)
		}
		if !ok {
			source = "all points"
		}
	}
	if _, err := os.Stat(specPath); errors.Is(err, os.ErrNotExist) {
		return usagef("sweep: unexpected argument %q (no such spec file)", specPath)
	}
	spec, err := sweep.Load(specPath)
	if err != nil {
		return usagef("%v", err)
	}
	r, err := newSweepRunner(spec, *out)
	if err != nil {
		return err
	}
	if err := sweep.Prepare(*out, spec); err != nil {
		return err
	}
	return r.runShard(sh, source, *retry, stdout, stderr)
}

// sweepRunner runs points of one sweep in this process.
type sweepRunner struct {
	spec    *sweep.Spec
	dir     string
	hash    string
	metrics []sweep.Metric
	base    []byte // the full base parameters (device and neuron) as JSON
	baseDoc map[string]any
	points  []sweep.Point

	dataOnce sync.Once // training data, loaded once per process
	dataKey  string
	train    *dataset.Set
	test     *dataset.Set
	dataErr  error
}

func newSweepRunner(spec *sweep.Spec, dir string) (*sweepRunner, error) {
	r := &sweepRunner{spec: spec, dir: dir, hash: spec.Hash()}
	var err error
	if r.metrics, err = spec.ParsedMetrics(); err != nil {
		return nil, usagef("sweep: %v", err)
	}
	if r.points, err = spec.Points(); err != nil {
		return nil, usagef("sweep: %v", err)
	}
	d, np := device.DefaultParams(), neuron.DefaultParams()
	if len(spec.BaseParams) > 0 {
		// The base parameters go through the loader every --params does.
		tmp, err := os.CreateTemp("", "mrelu-sweep-params-*.json")
		if err != nil {
			return nil, fmt.Errorf("sweep: %w", err)
		}
		defer os.Remove(tmp.Name())
		_, werr := tmp.Write(spec.BaseParams)
		if err := errors.Join(werr, tmp.Close()); err != nil {
			return nil, fmt.Errorf("sweep: %w", err)
		}
		if d, np, err = loadNeuronParams(tmp.Name()); err != nil {
			return nil, usagef("sweep: params: %v", err)
		}
	}
	d.Settings = nil
	b, err := json.Marshal(struct {
		device.Params
		Neuron neuron.Params `json:"neuron"`
	}{d, np})
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	r.base = b
	return r, nil
}

// pointParams is the params.json of point p: the base parameters with the
// point's params.json paths set. Every point sets the same paths, so the
// decoded base is kept and overwritten (not safe for concurrent use).
func (r *sweepRunner) pointParams(p sweep.Point) ([]byte, error) {
	if r.baseDoc == nil {
		dec := json.NewDecoder(bytes.NewReader(r.base))
		dec.UseNumber()
		if err := dec.Decode(&r.baseDoc); err != nil {
			return nil, err
		}
	}
	doc := r.baseDoc
	for _, a := range p.Params {
		if sweep.IsParamPath(a.Name) {
			if err := sweep.SetPath(doc, a.Name, a.Value); err != nil {
				return nil, err
			}
		}
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	return append(b, '\n'), err
}

// pointFlags are the experiment's flags of point p: the spec's fixed
// flags and the point's swept flags, sorted by name.
func (r *sweepRunner) pointFlags(p sweep.Point) map[string]string {
	f := map[string]string{}
	for k, v := range r.spec.Flags {
		f[k] = v.String()
	}
	for _, a := range p.Params {
		if !sweep.IsParamPath(a.Name) {
			f[a.Name] = a.Value.String()
		}
	}
	return f
}

func flagArgs(f map[string]string) []string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, "--"+k+"="+f[k])
	}
	return out
}

func describe(p sweep.Point) string {
	parts := make([]string, len(p.Params))
	for i, a := range p.Params {
		parts[i] = a.Name + "=" + a.Value.String()
	}
	return strings.Join(parts, " ")
}

// preparedPoint is a point ready to run (its folder and params.json
// written), or one already done, or the error preparing it.
type preparedPoint struct {
	p          sweep.Point
	old        *sweep.Result // a valid earlier result: skip the point
	paramsPath string
	err        error
}

// finishedPoint is a run's result for the writer.
type finishedPoint struct {
	dir string
	res *sweep.Result
	log []byte
}

// runShard runs the shard's points in index order. The file work of the
// points (checking for an earlier result, the point folder and its
// params.json before the run; the result file after it) is done by two
// goroutines beside the runs, so that on file systems where creating a
// file costs as much as a quick run, the shard's wall time stays that of
// its runs.
func (r *sweepRunner) runShard(sh sweep.Shard, source string, retry bool, stdout, stderr io.Writer) error {
	start := time.Now()
	var mine []sweep.Point
	for _, p := range r.points {
		if sh.Has(p.Index) {
			mine = append(mine, p)
		}
	}
	fmt.Fprintf(stdout, "sweep %s: %s, %d points; shard %s (%s): %d points\n", r.spec.Name, r.spec.Experiment, len(r.points), sh, source, len(mine))

	// The point folders there are (one listing rather than a look per point).
	exists := map[string]bool{}
	if entries, err := os.ReadDir(filepath.Join(r.dir, sweep.PointsDir)); err == nil {
		for _, e := range entries {
			exists[e.Name()] = true
		}
	}
	stop := make(chan struct{})
	prepared := make(chan preparedPoint, 2)
	go func() {
		defer close(prepared)
		for _, p := range mine {
			pp := preparedPoint{p: p}
			there := exists[strconv.Itoa(p.Index)]
			if !there {
				pp.paramsPath, pp.err = r.preparePoint(p, false)
			} else if old, err := sweep.ReadResult(r.dir, r.hash, p, r.metrics); err == nil && (old.Error == "" || !retry) {
				pp.old = old
			} else {
				pp.paramsPath, pp.err = r.preparePoint(p, true)
			}
			select {
			case prepared <- pp:
			case <-stop:
				return
			}
		}
	}()
	finished := make(chan finishedPoint, 8)
	writeErr := make(chan error, 1)
	go func() {
		var first error
		for f := range finished {
			if first != nil {
				continue
			}
			if f.res.Error != "" {
				// The command's output is kept for a failed run (a
				// successful one has its outputs in run/).
				first = sweep.WriteFileRenamed(filepath.Join(f.dir, "log.txt"), f.log)
			}
			if first == nil {
				first = sweep.WriteResult(r.dir, f.res)
			}
		}
		writeErr <- first
	}()
	// finish waits for the writer: every result handed to it is on disk.
	finish := func(err error) error {
		close(stop)
		for range prepared { // let the preparer end
		}
		close(finished)
		return errors.Join(err, <-writeErr)
	}

	bar := newProgress(stderr)
	var ran, skipped, failed int
	var inRuns time.Duration
	var firstErr string
	k := 0
	for pp := range prepared {
		k++
		p := pp.p
		if pp.old != nil {
			skipped++
			if pp.old.Error != "" {
				failed++
			}
			continue
		}
		if pp.err != nil {
			return finish(pp.err)
		}
		res, log, took, err := r.runPoint(p, pp.paramsPath)
		if err != nil {
			return finish(err) // a usage error in the spec, or an interruption
		}
		finished <- finishedPoint{sweep.PointDir(r.dir, p.Index), res, log}
		inRuns += took
		ran++
		if res.Error != "" {
			failed++
			if firstErr == "" {
				firstErr = fmt.Sprintf("point %d: %s", p.Index, res.Error)
			}
			bar.Line("point %d [%s]: FAILED: %s", p.Index, describe(p), res.Error)
		} else {
			bar.Line("point %d [%s]: %.3g s", p.Index, describe(p), res.Seconds)
		}
		bar.Update("sweep", k, len(mine), "")
	}
	if err := finish(nil); err != nil {
		return err
	}
	bar.Done()
	wall := time.Since(start)
	outside := wall - inRuns
	pct := 0.0
	if wall > 0 {
		pct = 100 * outside.Seconds() / wall.Seconds()
	}
	fmt.Fprintf(stdout, "shard %s: %d run, %d done before, %d failed; %.3f s (runs %.3f s, outside them %.3f s = %.1f %%); results in %s\n",
		sh, ran, skipped, failed, wall.Seconds(), inRuns.Seconds(), outside.Seconds(), pct, filepath.Join(r.dir, sweep.PointsDir))
	if failed > 0 {
		if firstErr == "" {
			firstErr = "recorded by an earlier run"
		}
		return fmt.Errorf("sweep: %d of %d points of shard %s failed (first: %s); see their log.txt, or rerun with --retry-failed", failed, len(mine), sh, firstErr)
	}
	return nil
}

// preparePoint makes point p's folder (afresh when there is one: a point
// that ran before without a valid result starts again) and writes its
// params.json.
func (r *sweepRunner) preparePoint(p sweep.Point, there bool) (string, error) {
	dir := sweep.PointDir(r.dir, p.Index)
	err := os.Mkdir(dir, 0o755)
	if there || errors.Is(err, os.ErrExist) {
		if err = os.RemoveAll(dir); err == nil {
			err = os.Mkdir(dir, 0o755)
		}
	}
	if err != nil {
		return "", fmt.Errorf("sweep: point %d: %w", p.Index, err)
	}
	pb, err := r.pointParams(p)
	if err != nil {
		return "", usagef("sweep: point %d: %v", p.Index, err)
	}
	paramsPath := filepath.Join(dir, "params.json")
	if err := sweep.WriteFileRenamed(paramsPath, pb); err != nil {
		return "", fmt.Errorf("sweep: %w", err)
	}
	return paramsPath, nil
}

// runPoint runs one prepared point and returns its result and the
// command's output. A failed run is a result with an error; the returned
// error is a spec error (usage) or an interruption, which stop the shard.
func (r *sweepRunner) runPoint(p sweep.Point, paramsPath string) (*sweep.Result, []byte, time.Duration, error) {
	runDir := filepath.Join(sweep.PointDir(r.dir, p.Index), "run")
	var log bytes.Buffer
	t0 := time.Now()
	runErr := r.runExperiment(p, paramsPath, runDir, &log)
	res := sweep.NewResult(r.hash, p)
	if runErr == nil {
		res.Metrics, runErr = sweep.CollectMetrics(runDir, r.metrics)
	}
	took := time.Since(t0)
	res.Seconds = took.Seconds()
	var ue usageError
	if errors.As(runErr, &ue) {
		return nil, nil, took, usagef("sweep: point %d [%s]: %v", p.Index, describe(p), ue.msg)
	}
	var xe exitError
	if errors.As(runErr, &xe) {
		return nil, nil, took, xe // interrupted: the point runs again next time
	}
	if runErr != nil {
		res.Error = runErr.Error()
		res.Metrics = nil
		if !bytes.Contains(log.Bytes(), []byte(res.Error)) { // a command has said it already
			fmt.Fprintf(&log, "mrelu: %v\n", runErr)
		}
	}
	return res, log.Bytes(), took, nil
}

// runExperiment runs the spec's experiment for one point into runDir.
// The neuron, edges and fig4 experiments run their own command in this
// process (the same flags, --params and --out as by hand); train runs the
// library with the point's device (the train command has no --params).
func (r *sweepRunner) runExperiment(p sweep.Point, paramsPath, runDir string, log io.Writer) error {
	flags := r.pointFlags(p)
	switch r.spec.Experiment {
	case "train":
		return r.runTrainPoint(flags, paramsPath, runDir, log)
	case "neuron transfer", "neuron pulse", "edges":
		if _, ok := flags["plots"]; !ok {
			flags["plots"] = "false" // a sweep's plots are the merged ones
		}
	}
	// Through the command dispatcher, as from a shell: the command's exit
	// status and its one-line message, and whatever it holds for the
	// duration of a command (its output folder's lock) is released.
	args := append(strings.Fields(r.spec.Experiment), flagArgs(flags)...)
	args = append(args, "--params", paramsPath, "--out", runDir, "--force")
	var buf bytes.Buffer
	code := run(args, &buf, &buf)
	log.Write(buf.Bytes())
	if code == 0 {
		return nil
	}
	msg := fmt.Sprintf("%s exited with status %d", r.spec.Experiment, code)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if m, ok := strings.CutPrefix(lines[i], "mrelu: "); ok {
			msg = m
			break
		}
	}
	switch code {
	case 2:
		return usageError{msg}
	case 130:
		return exitError{code: 130, msg: "sweep: interrupted: " + msg}
	}
	return errors.New(msg)
}

// trainData loads the training data once per process.
func (r *sweepRunner) trainData(dir string) (*dataset.Set, *dataset.Set, error) {
	r.dataOnce.Do(func() {
		r.dataKey = dir
		r.train, r.test, r.dataErr = experiment.LoadData(dir)
	})
	if dir != r.dataKey {
		return experiment.LoadData(dir)
	}
	return r.train, r.test, r.dataErr
}

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
	epochs := fs.Int("epochs", def.Epochs, "")
	batch := fs.Int("batch", def.Batch, "")
	lr := fs.Float64("lr", def.LR, "")
	hidden := fs.String("hidden", "100,100,100", "")
	seed := fs.Uint64("seed", def.Seed, "")
	data := fs.String("data", "", "")
	energy := fs.String("energy", "auto", "")
	if err := fs.Parse(flagArgs(flags)); err != nil {
		return usagef("sweep: train: %v (flags: act, hidden, epochs, batch, lr, seed, variation, data, energy)", err)
	}
	p := def
	p.Act, p.Variation, p.Epochs, p.Batch, p.LR, p.Seed, p.Data = *act, *variation, *epochs, *batch, *lr, *seed, *data
	h, err := parseHidden(*hidden)
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
	run, err := experiment.TrainWith(p, train, test, model, experiment.TrainOptions{})
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

func runSweepList(args []string, stdout io.Writer) error {
	fs := newFlags("sweep list", "Prints the points of a sweep spec, one line each: index and parameters.", "mrelu sweep list examples/sweeps/transfer-rd-vdd.json", stdout)
	specPath, err := splitSpecArg(fs, args, "SPEC")
	if err != nil {
		return err
	}
	spec, err := sweep.Load(specPath)
	if err != nil {
		return usagef("%v", err)
	}
	pts, err := spec.Points()
	if err != nil {
		return usagef("sweep: %v", err)
	}
	for _, p := range pts {
		fmt.Fprintf(stdout, "%d\t%s\n", p.Index, describe(p))
	}
	return nil
}

func runSweepMerge(args []string, stdout io.Writer) error {
	fs := newFlags("sweep merge", "Merges a sweep folder: results.csv (index, parameters, metrics; one row per point),\nsummary.csv (mean and standard deviation over seeds per design point) and plots under plots/:\nmetric vs the swept parameter with mean ± sd error bars over seeds (one parameter), heat maps (two),\naccuracy vs energy (when metrics of both are collected). Refuses, listing them, when points are\nmissing, unless --allow-partial.",
		"mrelu sweep merge runs/sweep", stdout)
	partial := fs.Bool("allow-partial", false, "merge the points present even when some are missing")
	plots := fs.Bool("plots", true, "write the plots (--plots=false: CSV only)")
	dir, err := splitSpecArg(fs, args, "DIR (a sweep folder)")
	if err != nil {
		return err
	}
	t, err := sweep.Merge(dir)
	if err != nil {
		return err
	}
	if len(t.Missing) > 0 {
		why := ""
		if len(t.Invalid) > 0 {
			why = fmt.Sprintf(" (%d invalid, e.g. %s)", len(t.Invalid), t.Invalid[0])
		}
		if !*partial {
			return fmt.Errorf("sweep: merge: %d of %d points missing: %s%s; run their shards again, or merge with --allow-partial",
				len(t.Missing), t.Spec.Count(), sweep.FormatIndices(t.Missing), why)
		}
		fmt.Fprintf(stdout, "merging %d of %d points; missing: %s%s\n", len(t.Rows), t.Spec.Count(), sweep.FormatIndices(t.Missing), why)
	}
	header, rows := t.CSV()
	if err := report.WriteCSV(filepath.Join(dir, sweep.ResultsCSV), header, rows); err != nil {
		return err
	}
	written, err := report.WriteSweep(dir, sweepData(t), *plots)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d points (%d failed) -> %s\n", len(t.Rows), t.Failed, filepath.Join(dir, sweep.ResultsCSV))
	for _, w := range written {
		fmt.Fprintf(stdout, "  %s\n", w)
	}
	if t.Failed > 0 {
		fmt.Fprintf(stdout, "note: %d points failed (the error column of results.csv; they are left out of summary.csv and the plots)\n", t.Failed)
	}
	return nil
}

// sweepData converts the merged table for report.WriteSweep.
func sweepData(t *sweep.Table) report.SweepData {
	d := report.SweepData{Name: t.Spec.Name, Experiment: t.Spec.Experiment, Varied: t.Varied(), Random: t.Spec.Random != nil}
	for _, m := range t.Metrics {
		d.Metrics = append(d.Metrics, m.Name)
	}
	for _, r := range t.Rows {
		row := report.SweepRow{Index: r.Index, Params: map[string]string{}}
		for _, name := range d.Varied {
			row.Params[name] = r.Params[name].String()
		}
		if v, ok := r.Params[sweep.SeedParam]; ok {
			row.Seed = v.String()
		}
		for _, m := range d.Metrics {
			row.Metrics = append(row.Metrics, sweep.MetricFloat(r, m))
		}
		if r.Error != "" {
			continue
		}
		d.Rows = append(d.Rows, row)
	}
	return d
}

// k8sJob is what sweep k8s renders.
type k8sJob struct {
	Name, Image, Claim, Mount, SpecPath, Out string
	Shards, Parallelism                      int
	Spec                                     []byte
	Command                                  []string
}

func runSweepK8s(args []string, stdout io.Writer) error {
	fs := newFlags("sweep k8s", "Prints a Kubernetes manifest running the sweep as an Indexed Job: a ConfigMap holding the\nspec (base parameters inlined) and a Job with completions = --shards, completionMode Indexed,\nwhose pods run the same command line as a Slurm array task (mrelu sweep SPEC --out DIR; the\nshard from JOB_COMPLETION_INDEX and MRELU_SWEEP_SHARDS) and write into a shared volume\n(a ReadWriteMany PersistentVolumeClaim). Merge afterwards with mrelu sweep merge. See deploy/k8s/.",
		"mrelu sweep k8s examples/sweeps/transfer-rd-vdd.json --shards 4 > job.yaml && kubectl apply -f job.yaml", stdout)
	shards := fs.Int("shards", 0, "number of shards `N` (the job's completions; required)")
	par := fs.Int("parallelism", 0, "pods at once (default: --shards)")
	image := fs.String("image", "ghcr.io/mrelu/mrelu:latest", "container `IMAGE` (built by deploy/k8s/Dockerfile)")
	claim := fs.String("claim", "mrelu-results", "ReadWriteMany PersistentVolumeClaim `NAME` for the results")
	mount := fs.String("mount", "/results", "where the claim is mounted in the pods")
	name := fs.String("name", "", "job name (default: mrelu-sweep-<spec name>)")
	specPath, err := splitSpecArg(fs, args, "SPEC")
	if err != nil {
		return err
	}
	if *shards < 1 || *shards > 100000 {
		return usagef("sweep k8s: --shards %d: want 1..100000", *shards)
	}
	if *par == 0 {
		*par = *shards
	}
	if *par < 1 || *par > *shards {
		return usagef("sweep k8s: --parallelism %d: want 1..%d", *par, *shards)
	}
	spec, err := sweep.Load(specPath)
	if err != nil {
		return usagef("%v", err)
	}
	b, err := spec.Canonical()
	if err != nil {
		return err
	}
	j := k8sJob{Name: *name, Image: *image, Claim: *claim, Mount: strings.TrimRight(*mount, "/"), Shards: *shards, Parallelism: *par, Spec: b}
	if j.Name == "" {
		j.Name = "mrelu-sweep-" + k8sName(spec.Name)
	}
	if !validK8sName(j.Name) {
		return usagef("sweep k8s: name %q: want lower-case letters, digits and '-', at most 52 characters", j.Name)
	}
	j.SpecPath = "/etc/mrelu/" + sweep.SpecFile
	j.Out = j.Mount + "/" + j.Name
	j.Command = sweepCommand("/mrelu", j.SpecPath, j.Out)
	y, err := renderK8s(j)
	if err != nil {
		return err
	}
	_, err = stdout.Write(y)
	return err
}

func k8sName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	n := strings.Trim(b.String(), "-")
	if n == "" {
		n = "job"
	}
	if len(n) > 40 {
		n = strings.Trim(n[:40], "-")
	}
	return n
}

func validK8sName(s string) bool {
	if s == "" || len(s) > 52 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	return !slices.ContainsFunc([]rune(s), func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') })
}
