package rundir

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/report"
)

// CheckpointWriter saves one run's checkpoints atomically, rotating the
// latest to previous.json.
type CheckpointWriter struct {
	dir       string
	lastEpoch int // the epoch of the last checkpoint written (0: none)
}

// NewCheckpointWriter prepares the checkpoint folder of the run named run
// (Dir.CheckpointDir): a run resumed from start saves start first (so the
// folder can be resumed from before the first new epoch ends); stale
// checkpoints of an earlier run are removed. start may be nil (a run
// from scratch).
func (d Dir) NewCheckpointWriter(run string, start *experiment.TrainCheckpoint) (*CheckpointWriter, error) {
	dir := d.CheckpointDir(run)
	w := &CheckpointWriter{dir: dir}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	if start != nil {
		b, err := encode(start)
		if err != nil {
			return nil, err
		}
		if err := report.WriteFileAtomic(filepath.Join(dir, CheckpointFile), b); err != nil {
			return nil, err
		}
		w.lastEpoch = start.Epoch()
	} else if err := removeIfThere(filepath.Join(dir, CheckpointFile)); err != nil {
		return nil, err
	}
	if err := removeIfThere(filepath.Join(dir, PreviousFile)); err != nil {
		return nil, err
	}
	return w, nil
}

func removeIfThere(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

func encode(c *experiment.TrainCheckpoint) ([]byte, error) {
	var buf bytes.Buffer
	if err := c.Encode(&buf); err != nil {
		return nil, fmt.Errorf("checkpoint after epoch %d: %w", c.Epoch(), err)
	}
	return buf.Bytes(), nil
}

// Write saves c as the latest checkpoint, the latest so far becoming the
// previous (a rename). Both steps are atomic and Checkpoints reads either
// file, so a run killed at any moment leaves a readable checkpoint. Its
// signature is experiment.TrainOptions.Checkpoint's.
func (w *CheckpointWriter) Write(c *experiment.TrainCheckpoint) error {
	b, err := encode(c)
	if err != nil {
		return err
	}
	if w.lastEpoch > 0 {
		if err := os.Rename(filepath.Join(w.dir, CheckpointFile), filepath.Join(w.dir, PreviousFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("checkpoint: %w", err)
		}
	}
	if err := report.WriteFileAtomic(filepath.Join(w.dir, CheckpointFile), b); err != nil {
		return err
	}
	w.lastEpoch = c.Epoch()
	return nil
}

// LastEpoch is the epoch of the last checkpoint written (0: none), the
// epoch an interrupted run can be resumed after.
func (w *CheckpointWriter) LastEpoch() int { return w.lastEpoch }

// StudyWriter saves the checkpoints of the runs of a study (fig4), each in
// its folder runs/<name>/checkpoint.
type StudyWriter struct {
	runs map[string]*CheckpointWriter
}

// NewStudyWriter prepares the checkpoint folders of the named runs, each
// starting from its checkpoint in from (absent or nil: from scratch), as
// NewCheckpointWriter does.
func (d Dir) NewStudyWriter(names []string, from map[string]*experiment.TrainCheckpoint) (*StudyWriter, error) {
	s := &StudyWriter{runs: map[string]*CheckpointWriter{}}
	for _, name := range names {
		w, err := d.NewCheckpointWriter(name, from[name])
		if err != nil {
			return nil, err
		}
		s.runs[name] = w
	}
	return s, nil
}

// Write saves c as the latest checkpoint of the run named name. Its
// signature is experiment.Fig4Options.Checkpoint's.
func (s *StudyWriter) Write(name string, c *experiment.TrainCheckpoint) error {
	w := s.runs[name]
	if w == nil {
		return fmt.Errorf("no checkpoint folder for run %s", name)
	}
	return w.Write(c)
}

// LastEpoch is the latest epoch any run has saved (0: none).
func (s *StudyWriter) LastEpoch() int {
	last := 0
	for _, w := range s.runs {
		last = max(last, w.lastEpoch)
	}
	return last
}

// Checkpoints reads the checkpoints saved in the checkpoint folder of the
// run named run (Dir.CheckpointDir), latest first. A folder without any is
// an error wrapping os.ErrNotExist; an unreadable or invalid one is an
// error naming the file.
func (d Dir) Checkpoints(run string) ([]*experiment.TrainCheckpoint, error) {
	dir := d.CheckpointDir(run)
	var out []*experiment.TrainCheckpoint
	for _, name := range []string{CheckpointFile, PreviousFile} {
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
		return nil, fmt.Errorf("no %s in %s (a run saves one after its first epoch): %w", CheckpointFile, dir, os.ErrNotExist)
	}
	slices.SortStableFunc(out, func(a, b *experiment.TrainCheckpoint) int { return b.Epoch() - a.Epoch() })
	return out, nil
}

// ErrDone is wrapped by Pick's error when the saved run has already done
// the epochs asked for (it has no checkpoint before them).
var ErrDone = errors.New("the saved run has done the epochs asked for")

// doneError is Pick's refusal, wrapping ErrDone.
type doneError struct{ epochs, done, oldest int }

func (e doneError) Error() string {
	return fmt.Sprintf("--epochs %d: the saved run has done %d epochs (checkpoints after epoch %d and later); resume it with --epochs above %d",
		e.epochs, e.done, e.oldest, e.oldest)
}

func (e doneError) Unwrap() error { return ErrDone }

// Pick returns the latest of the saved checkpoints (latest first, as
// Checkpoints returns them) before epoch epochs: the one a run resumed to
// epochs epochs continues from. None is an error wrapping ErrDone.
func Pick(saved []*experiment.TrainCheckpoint, epochs int) (*experiment.TrainCheckpoint, error) {
	for _, c := range saved {
		if c.Epoch() < epochs {
			return c, nil
		}
	}
	return nil, doneError{epochs: epochs, done: saved[0].Epoch(), oldest: saved[len(saved)-1].Epoch()}
}

// StudyCheckpoints returns, for each named run of the study saved in the
// folder, the checkpoint a resume to epochs epochs continues from (Pick);
// a run without checkpoints (not started) is absent and starts afresh. A
// run that has done the epochs is an error "run <name>: ..." wrapping
// ErrDone; an unreadable checkpoint is an error naming the file.
func (d Dir) StudyCheckpoints(names []string, epochs int) (map[string]*experiment.TrainCheckpoint, error) {
	from := map[string]*experiment.TrainCheckpoint{}
	for _, name := range names {
		saved, err := d.Checkpoints(name)
		if errors.Is(err, os.ErrNotExist) {
			continue // not started: it starts afresh
		}
		if err != nil {
			return nil, err
		}
		if from[name], err = Pick(saved, epochs); err != nil {
			return nil, fmt.Errorf("run %s: %w", name, err)
		}
	}
	return from, nil
}
