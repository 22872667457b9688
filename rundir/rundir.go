package rundir

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/internal/clip"
	"github.com/mrelu/mrelu/params"
	"github.com/mrelu/mrelu/report"
)

// The files and folders of a run's output folder (see the package doc).
const (
	ParamsFile     = "params.json"     // the run's hardware and settings (package params)
	CheckpointDir  = "checkpoint"      // a run's checkpoints
	CheckpointFile = "checkpoint.json" // the state after the last epoch done
	PreviousFile   = "previous.json"   // the state after the epoch before
	Fig4File       = "fig4.json"       // in CheckpointDir: a fig4 study's settings
	RunsDir        = "runs"            // runs/<name>/: each run of a fig4 study
)

// Dir is a run's output folder. The zero value is the current directory;
// use Create for a run's new output and Open for a saved run.
type Dir struct{ path string }

// Create prepares path as the output folder of a run: made (with its
// parents) if needed, refused when it holds anything unless force, and
// locked against a second run writing into it (report.PrepareOut, whose
// errors wrap report.ErrOutNotEmpty and report.ErrOutInUse). The lock is
// held until report.UnlockOutputs or the end of the process.
func Create(path string, force bool) (Dir, error) {
	if err := report.PrepareOut(path, force); err != nil {
		return Dir{}, err
	}
	return Dir{path}, nil
}

// Open is the folder of a saved run at path, to resume it: nothing is
// checked, created or locked.
func Open(path string) Dir { return Dir{path} }

// Path is the folder's path.
func (d Dir) Path() string { return d.path }

// CheckpointDir is the checkpoint folder of the run named run: the
// folder's own (run "", a train run) or runs/<run>/checkpoint (a run of a
// fig4 study).
func (d Dir) CheckpointDir(run string) string {
	if run == "" {
		return filepath.Join(d.path, CheckpointDir)
	}
	return filepath.Join(d.path, RunsDir, run, CheckpointDir)
}

// SaveParams writes params.json: the setup the run used and its settings
// (the command and its config), in the form every --params reads back
// (params.Save).
func (d Dir) SaveParams(s params.Setup, command string, config any) error {
	if err := os.MkdirAll(d.path, 0o755); err != nil {
		return err
	}
	return params.Save(filepath.Join(d.path, ParamsFile), s, params.Settings{Command: command, Config: config})
}

// SavedParams returns the path of the folder's params.json, or "" when it
// has none (a resumed run's hardware, for --params).
func (d Dir) SavedParams() string {
	path := filepath.Join(d.path, ParamsFile)
	if !exists(path) {
		return ""
	}
	return path
}

// HoldsTrainRun reports whether the folder holds a train run's latest
// checkpoint.
func (d Dir) HoldsTrainRun() bool {
	return exists(filepath.Join(d.CheckpointDir(""), CheckpointFile))
}

// HoldsFig4Study reports whether the folder holds a fig4 study's settings.
func (d Dir) HoldsFig4Study() bool {
	return exists(filepath.Join(d.CheckpointDir(""), Fig4File))
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// SaveFig4Params writes a fig4 study's settings (checkpoint/fig4.json),
// which Fig4Params reads back for a resume.
func (d Dir) SaveFig4Params(p experiment.Fig4Params) error {
	dir := d.CheckpointDir("")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return report.WriteJSON(filepath.Join(dir, Fig4File), p)
}

// Fig4Params reads the settings of the fig4 study saved in the folder
// (LoadFig4Params of checkpoint/fig4.json). A folder without them is an
// error wrapping os.ErrNotExist.
func (d Dir) Fig4Params() (experiment.Fig4Params, error) {
	return LoadFig4Params(filepath.Join(d.CheckpointDir(""), Fig4File))
}

// LoadFig4Params reads a fig4 study's settings from path: at most
// device.MaxParamsBytes of JSON, no unknown keys, valid settings
// (experiment.Fig4Params.Validate). Every error names the file.
func LoadFig4Params(path string) (experiment.Fig4Params, error) {
	var p experiment.Fig4Params
	f, err := os.Open(path)
	if err != nil {
		return p, err // *PathError: names the file
	}
	b, err := device.ReadParamsData(f, path)
	f.Close()
	if err != nil {
		return p, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return p, fmt.Errorf("%s: %w", path, clip.Error(err))
	}
	if err := p.Validate(); err != nil {
		return p, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}
