package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

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
		fmt.Fprintf(stdout, "%d\t%s\n", p.Index, p.Describe())
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
