package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/neuron"
	"github.com/mrelu/mrelu/sweep"
)

// A shard of a sweep runs in this process: its points' experiments, each
// through the command dispatcher as from a shell (sweep_train.go: the
// train experiment through the library), and their files in
// DIR/points/<index>/ (package sweep).

// sweepRunner runs points of one sweep in this process.
type sweepRunner struct {
	spec    *sweep.Spec
	dir     string
	hash    string
	metrics []sweep.Metric
	params  *sweep.PointParams // each point's params.json from the base parameters
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
	r.params = sweep.NewPointParams(b)
	return r, nil
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
			bar.Line("point %d [%s]: FAILED: %s", p.Index, p.Describe(), res.Error)
		} else {
			bar.Line("point %d [%s]: %.3g s", p.Index, p.Describe(), res.Seconds)
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
	dir, err := sweep.ResetPointDir(r.dir, p.Index, there)
	if err != nil {
		return "", err
	}
	pb, err := r.params.For(p)
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
		return nil, nil, took, usagef("sweep: point %d [%s]: %v", p.Index, p.Describe(), ue.msg)
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
	flags := r.spec.PointFlags(p)
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
	args := append(strings.Fields(r.spec.Experiment), sweep.FlagArgs(flags)...)
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
