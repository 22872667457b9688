package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/nn"
	"github.com/mrelu/mrelu/rundir"
)

func readCheckpoint(t *testing.T, path string) *experiment.TrainCheckpoint {
	t.Helper()
	c, err := experiment.DecodeTrainCheckpoint(strings.NewReader(readString(t, path)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return c
}

// sameState fails unless two checkpoints hold the same state bit for bit
// (weights, biases, generators) and the same per-epoch statistics apart
// from the wall times.
func sameState(t *testing.T, what string, a, b *nn.Checkpoint) {
	t.Helper()
	if a.Epoch != b.Epoch || !slices.Equal(a.Sizes, b.Sizes) {
		t.Fatalf("%s: epoch %d sizes %v vs epoch %d sizes %v", what, a.Epoch, a.Sizes, b.Epoch, b.Sizes)
	}
	for l := range a.Weights {
		for _, p := range [][2][]float32{{a.Weights[l], b.Weights[l]}, {a.Biases[l], b.Biases[l]}} {
			for i := range p[0] {
				if math.Float32bits(p[0][i]) != math.Float32bits(p[1][i]) {
					t.Fatalf("%s: layer %d parameter %d: %v vs %v (bits differ)", what, l+1, i, p[0][i], p[1][i])
				}
			}
		}
	}
	if !bytes.Equal(a.Shuffle, b.Shuffle) || !bytes.Equal(a.ActivationState, b.ActivationState) {
		t.Errorf("%s: generator states differ: %x/%x vs %x/%x", what, a.Shuffle, a.ActivationState, b.Shuffle, b.ActivationState)
	}
	for i := range a.Stats {
		x, y := a.Stats[i], b.Stats[i]
		if x.TrainLoss != y.TrainLoss || x.TestLoss != y.TestLoss || x.TestAccuracy != y.TestAccuracy || !slices.Equal(x.MeanAbsUpdate, y.MeanAbsUpdate) {
			t.Errorf("%s: epoch %d statistics differ:\n%+v\n%+v", what, i+1, x, y)
		}
	}
}

// metricsWithoutTimes reads metrics.csv without the wall-time columns.
func metricsWithoutTimes(t *testing.T, path string) [][]string {
	t.Helper()
	head, rows := readCSV(t, path)
	var out [][]string
	for _, r := range append([][]string{head}, rows...) {
		var keep []string
		for j, v := range r {
			if h := head[j]; !strings.HasSuffix(h, "seconds") {
				keep = append(keep, v)
			}
		}
		out = append(out, keep)
	}
	return out
}

// TestTrainResumeBitExact interrupts runs in every way a run can stop (a
// shorter run later extended; a run whose last checkpoint is lost, so it
// resumes from the epoch before; resumption into a new folder and into the
// same one) and wants the very weights and statistics of the run that
// never stopped, for a software activation and for the hardware mReLU with
// temporal variation (whose noise generator is part of the state).
func TestTrainResumeBitExact(t *testing.T) {
	data := tinyData(t)
	for _, act := range [][]string{{"--act", "relu"}, {"--act", "mrelu", "--variation", "0.099"}} {
		t.Run(act[1], func(t *testing.T) {
			tmp := t.TempDir()
			common := append([]string{"train", "--data", data, "--batch", "30", "--hidden", "16,8", "--seed", "7"}, act...)
			full := filepath.Join(tmp, "full")
			runOK(t, append(common, "--epochs", "4", "--out", full)...)
			want := readCheckpoint(t, filepath.Join(full, rundir.CheckpointDir, rundir.CheckpointFile))
			if want.Epoch() != 4 {
				t.Fatalf("final checkpoint at epoch %d", want.Epoch())
			}
			if prev := readCheckpoint(t, filepath.Join(full, rundir.CheckpointDir, rundir.PreviousFile)); prev.Epoch() != 3 {
				t.Fatalf("previous checkpoint at epoch %d, want 3", prev.Epoch())
			}

			// Stopped after epoch 2, resumed into a new folder with only
			// --resume, --epochs and --out: the other settings are the
			// saved run's.
			short := filepath.Join(tmp, "short")
			runOK(t, append(common, "--epochs", "2", "--out", short)...)
			resumed := filepath.Join(tmp, "resumed")
			_, msg := runOK(t, "train", "--resume", short, "--epochs", "4", "--out", resumed)
			if !strings.Contains(msg, "resuming") || !strings.Contains(msg, "after epoch 2") {
				t.Errorf("no resume note: %q", msg)
			}
			sameState(t, "extended run", want.State, readCheckpoint(t, filepath.Join(resumed, rundir.CheckpointDir, rundir.CheckpointFile)).State)
			if a, b := metricsWithoutTimes(t, filepath.Join(full, "metrics.csv")), metricsWithoutTimes(t, filepath.Join(resumed, "metrics.csv")); !slices.EqualFunc(a, b, slices.Equal) {
				t.Errorf("metrics.csv differ:\n%v\n%v", a, b)
			}

			// Stopped while writing the report after the last epoch: the
			// last checkpoint is there but the report is not. Resuming to
			// the same --epochs redoes the last epoch from previous.json,
			// in place (--out = --resume with --force).
			again := filepath.Join(tmp, "again")
			runOK(t, append(common, "--epochs", "4", "--out", again)...)
			for _, f := range []string{"summary.json", "metrics.csv"} {
				os.Remove(filepath.Join(again, f))
			}
			runOK(t, "train", "--resume", again, "--out", again, "--force")
			sameState(t, "redone last epoch", want.State, readCheckpoint(t, filepath.Join(again, rundir.CheckpointDir, rundir.CheckpointFile)).State)
			var s1, s2 map[string]any
			readSummary(t, full, &s1)
			readSummary(t, again, &s2)
			for _, k := range []string{"test_accuracy", "test_accuracy_per_epoch", "train_loss_per_epoch", "mean_abs_update_per_layer", "layers", "crossbar"} {
				a, _ := json.Marshal(s1[k])
				b, _ := json.Marshal(s2[k])
				if !bytes.Equal(a, b) {
					t.Errorf("summary %s differs:\n%s\n%s", k, a, b)
				}
			}
		})
	}
}

func TestTrainResumeRefusals(t *testing.T) {
	data := tinyData(t)
	other := tinySets(t, 300, 90, 5)
	tmp := t.TempDir()
	saved := filepath.Join(tmp, "saved")
	runOK(t, "train", "--data", data, "--batch", "30", "--hidden", "8", "--epochs", "2", "--out", saved)
	empty := t.TempDir()
	corrupt := t.TempDir()
	os.MkdirAll(filepath.Join(corrupt, rundir.CheckpointDir), 0o755)
	writeFile(t, filepath.Join(corrupt, rundir.CheckpointDir, rundir.CheckpointFile), `{"version": 1, "params": {}}`)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--lr", "0.2"}, 2, "lr 0.2 differs from the saved run's 0.1"},
		{[]string{"--hidden", "16"}, 2, "hidden [16] differs"},
		{[]string{"--batch", "10"}, 2, "batch 10 differs"},
		{[]string{"--seed", "2"}, 2, "seed 2 differs"},
		{[]string{"--act", "sigmoid"}, 2, "act sigmoid differs"},
		{[]string{"--data", other}, 2, "data: the training and test sets"},
		{[]string{"--epochs", "1"}, 2, "resume it with --epochs above 1"},
		{[]string{"--epochs", "0"}, 2, "epochs 0 out of range"},
		{[]string{"--resume", empty}, 1, "no checkpoint.json in"},
		{[]string{"--resume", corrupt}, 1, "bad checkpoint"},
		{[]string{"--resume", filepath.Join(tmp, "nosuch")}, 1, "nosuch"},
	}
	for _, tc := range tests {
		args := []string{"train", "--resume", saved, "--epochs", "3"}
		if tc.args[0] == "--resume" {
			args = []string{"train"}
		}
		out := filepath.Join(t.TempDir(), "o")
		args = append(append(args, tc.args...), "--out", out)
		wantOneLine(t, tc.args, wantExit(t, tc.code, args, tc.want))
		if _, err := os.Stat(filepath.Join(out, "summary.json")); err == nil {
			t.Errorf("%v: wrote a summary", tc.args)
		}
	}
	// A train run is not a fig4 study.
	wantExit(t, 1, []string{"fig4", "--resume", saved, "--out", filepath.Join(tmp, "f")}, "holds a train run")
	// Resuming into the saved folder itself needs --force.
	wantExit(t, 1, []string{"train", "--resume", saved, "--epochs", "3", "--out", saved}, "--force")
}

// TestTrainDiverges: a learning rate of 1e3 makes the loss overflow; the
// run stops with a message naming the epoch, exit status 1, and writes no
// results (so none with NaN), nor a checkpoint of a diverged state.
func TestTrainDiverges(t *testing.T) {
	data := tinyData(t)
	out := filepath.Join(t.TempDir(), "o")
	code, _, msg := runCode("train", "--data", data, "--batch", "30", "--hidden", "16,16", "--epochs", "20", "--lr", "1e3", "--out", out)
	if code != 1 || !strings.Contains(msg, "diverged at epoch") || !strings.Contains(msg, "smaller --lr") {
		t.Fatalf("exit %d, %q", code, msg)
	}
	t.Log(strings.TrimSpace(msg[strings.LastIndex(strings.TrimSpace(msg), "\n")+1:]))
	for _, f := range []string{"summary.json", "metrics.csv"} {
		if _, err := os.Stat(filepath.Join(out, f)); err == nil {
			t.Errorf("%s written by a diverged run", f)
		}
	}
	filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".json") {
			b, _ := os.ReadFile(path)
			if bytes.Contains(b, []byte("NaN")) || bytes.Contains(b, []byte("Inf")) || !json.Valid(b) {
				t.Errorf("%s holds non-finite values or is not JSON", path)
			}
		}
		return nil
	})
}

// TestFig4Resume stops a study in the middle (its second run half done, a
// later run not started) and resumes it: every run ends with the weights
// and statistics of the study that never stopped.
func TestFig4Resume(t *testing.T) {
	data := tinyData(t)
	tmp := t.TempDir()
	common := []string{"fig4", "--data", data, "--batch", "30", "--hidden", "8,8", "--acts", "relu,mrelu", "--sweep", "0.099,0.3", "--seed", "3"}
	full := filepath.Join(tmp, "full")
	runOK(t, append(common, "--epochs", "3", "--out", full)...)
	names := experiment.Fig4RunNames(func() experiment.Fig4Params {
		p := experiment.DefaultFig4Params()
		p.Acts, p.Sweep = []string{"relu", "mrelu"}, []float64{0.099, 0.3}
		return p
	}())
	if !slices.Equal(names, []string{"relu", "mrelu", "mrelu-var30", experiment.PaperSettingName, experiment.PaperSettingAwareName}) {
		t.Fatalf("run names %v", names)
	}
	var sum struct {
		Runs []struct{ Folder string } `json:"runs"`
	}
	if b := readSummary(t, full, &sum); len(sum.Runs) != len(names) {
		t.Fatalf("summary: %s", b)
	}
	for i, r := range sum.Runs {
		if r.Folder != filepath.Join("runs", names[i]) {
			t.Errorf("run %d is %s, Fig4RunNames says %s", i, r.Folder, names[i])
		}
	}

	cut := filepath.Join(tmp, "cut")
	runOK(t, append(common, "--epochs", "3", "--out", cut)...)
	// Make it look stopped in the mrelu run's third epoch, before the
	// mrelu-var30 run and the report.
	os.Remove(filepath.Join(cut, "summary.json"))
	os.Remove(filepath.Join(cut, "runs", "mrelu", rundir.CheckpointDir, rundir.CheckpointFile))
	os.RemoveAll(filepath.Join(cut, "runs", "mrelu-var30"))
	resumed := filepath.Join(tmp, "resumed")
	_, msg := runOK(t, "fig4", "--resume", cut, "--out", resumed)
	if !strings.Contains(msg, "mrelu (resuming after epoch 2)") || !strings.Contains(msg, "relu (resuming after epoch 2)") {
		t.Errorf("resume notes missing: %q", msg)
	}
	for _, name := range names {
		a := readCheckpoint(t, filepath.Join(full, "runs", name, rundir.CheckpointDir, rundir.CheckpointFile))
		b := readCheckpoint(t, filepath.Join(resumed, "runs", name, rundir.CheckpointDir, rundir.CheckpointFile))
		sameState(t, name, a.State, b.State)
	}
	wantExit(t, 1, []string{"train", "--resume", cut, "--out", filepath.Join(tmp, "z")}, "holds a fig4 study")
	wantExit(t, 2, []string{"fig4", "--resume", cut, "--lr", "0.3", "--out", filepath.Join(tmp, "x")}, "--lr 0.3 differs")
	wantExit(t, 2, []string{"fig4", "--resume", cut, "--acts", "relu", "--out", filepath.Join(tmp, "y")}, "--acts relu differs")
}
