package rundir_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/params"
	"github.com/mrelu/mrelu/report"
	"github.com/mrelu/mrelu/rundir"
)

// stripes is a two-class set of 1x4 images: class c has its bright pixels
// in half c, with a little of the other half from the index.
func stripes(n int) *dataset.Set {
	s := &dataset.Set{N: n, Rows: 1, Cols: 4, Classes: 2, Images: make([]float32, 4*n), Labels: make([]uint8, n)}
	for i := range n {
		c := i % 2
		s.Labels[i] = uint8(c)
		for j := range 4 {
			v := float32(i%5) / 10
			if j/2 == c {
				v = 1 - v
			}
			s.Images[4*i+j] = v
		}
	}
	return s
}

// checkpoints trains a tiny network for epochs epochs and returns the
// checkpoint after each.
func checkpoints(t *testing.T, epochs int) []*experiment.TrainCheckpoint {
	t.Helper()
	p := experiment.DefaultTrainParams()
	p.Hidden, p.Epochs, p.Batch = []int{2}, epochs, 8
	var out []*experiment.TrainCheckpoint
	keep := func(c *experiment.TrainCheckpoint) error { out = append(out, c); return nil }
	if _, err := experiment.TrainWith(p, stripes(32), stripes(8), nil, experiment.TrainOptions{Checkpoint: keep}); err != nil {
		t.Fatal(err)
	}
	return out
}

// epochOf returns the epoch of the checkpoint file at path (0: none).
func epochOf(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return 0
	case err == nil:
		var c *experiment.TrainCheckpoint
		if c, err = experiment.DecodeTrainCheckpoint(bytes.NewReader(b)); err == nil {
			return c.Epoch()
		}
	}
	t.Fatalf("%s: %v", path, err)
	return 0
}

func epochs(cs []*experiment.TrainCheckpoint) []int {
	var out []int
	for _, c := range cs {
		out = append(out, c.Epoch())
	}
	return out
}

// TestCheckpointWriter: a writer starts from scratch (stale files
// removed) or from a resumed checkpoint (saved first), and every write
// makes the latest the previous.
func TestCheckpointWriter(t *testing.T) {
	cks := checkpoints(t, 4)
	for _, tc := range []struct {
		name      string
		run       string
		start     int   // index into cks of the checkpoint resumed from (-1: none)
		write     []int // indices written in turn
		wantFirst [2]int
		wantAfter [][2]int // after each write: the epochs of checkpoint.json and previous.json
	}{
		{"fresh", "", -1, []int{0, 1, 2}, [2]int{0, 0}, [][2]int{{1, 0}, {2, 1}, {3, 2}}},
		{"resumed", "", 1, []int{2, 3}, [2]int{2, 0}, [][2]int{{3, 2}, {4, 3}}},
		{"study run", "relu", -1, []int{0}, [2]int{0, 0}, [][2]int{{1, 0}}},
		{"study run resumed", "mrelu", 0, []int{1}, [2]int{1, 0}, [][2]int{{2, 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := rundir.Open(t.TempDir())
			dir := d.CheckpointDir(tc.run)
			// Stale checkpoints of an earlier run in the folder.
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{rundir.CheckpointFile, rundir.PreviousFile} {
				if err := os.WriteFile(filepath.Join(dir, f), []byte("stale"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var start *experiment.TrainCheckpoint
			if tc.start >= 0 {
				start = cks[tc.start]
			}
			w, err := d.NewCheckpointWriter(tc.run, start)
			if err != nil {
				t.Fatal(err)
			}
			files := func() [2]int {
				return [2]int{epochOf(t, filepath.Join(dir, rundir.CheckpointFile)), epochOf(t, filepath.Join(dir, rundir.PreviousFile))}
			}
			if got := files(); got != tc.wantFirst || w.LastEpoch() != tc.wantFirst[0] {
				t.Fatalf("before the first write: files %v, last epoch %d; want %v", got, w.LastEpoch(), tc.wantFirst)
			}
			for i, k := range tc.write {
				if err := w.Write(cks[k]); err != nil {
					t.Fatal(err)
				}
				if got := files(); got != tc.wantAfter[i] || w.LastEpoch() != cks[k].Epoch() {
					t.Fatalf("after writing epoch %d: files %v, last epoch %d; want %v", cks[k].Epoch(), got, w.LastEpoch(), tc.wantAfter[i])
				}
			}
		})
	}
}

// TestCheckpoints: the checkpoints of a folder are read latest first,
// whichever files there are; none is os.ErrNotExist and a bad one an
// error naming the file.
func TestCheckpoints(t *testing.T) {
	cks := checkpoints(t, 3)
	encode := func(c *experiment.TrainCheckpoint) string {
		var b strings.Builder
		if err := c.Encode(&b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	for _, tc := range []struct {
		name    string
		files   map[string]string
		want    []int
		wantErr string
	}{
		{"none", nil, nil, "no checkpoint.json in"},
		{"latest only", map[string]string{rundir.CheckpointFile: encode(cks[2])}, []int{3}, ""},
		{"previous only", map[string]string{rundir.PreviousFile: encode(cks[1])}, []int{2}, ""},
		{"both", map[string]string{rundir.CheckpointFile: encode(cks[2]), rundir.PreviousFile: encode(cks[1])}, []int{3, 2}, ""},
		{"rename undone", map[string]string{rundir.CheckpointFile: encode(cks[0]), rundir.PreviousFile: encode(cks[1])}, []int{2, 1}, ""},
		{"corrupt", map[string]string{rundir.CheckpointFile: `{"version": 1, "params": {}}`}, nil, rundir.CheckpointFile + ": "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := rundir.Open(t.TempDir())
			if err := os.MkdirAll(d.CheckpointDir(""), 0o755); err != nil {
				t.Fatal(err)
			}
			for name, text := range tc.files {
				if err := os.WriteFile(filepath.Join(d.CheckpointDir(""), name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := d.Checkpoints("")
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one with %q", err, tc.wantErr)
				}
				if (tc.files == nil) != errors.Is(err, os.ErrNotExist) {
					t.Fatalf("error %v: os.ErrNotExist only for a folder without checkpoints", err)
				}
			case err != nil:
				t.Fatal(err)
			case !slices.Equal(epochs(got), tc.want):
				t.Fatalf("epochs %v, want %v", epochs(got), tc.want)
			}
		})
	}
}

// TestPick: a resume to n epochs starts from the latest checkpoint before
// epoch n.
func TestPick(t *testing.T) {
	cks := checkpoints(t, 3)
	latestFirst := []*experiment.TrainCheckpoint{cks[2], cks[1]}
	for _, tc := range []struct {
		epochs  int
		want    int // epoch picked (0: an error)
		wantErr string
	}{
		{10, 3, ""},
		{4, 3, ""},
		{3, 2, ""}, // the run stopped after its last epoch: redo it
		{2, 0, "--epochs 2: the saved run has done 3 epochs (checkpoints after epoch 2 and later); resume it with --epochs above 2"},
		{1, 0, "--epochs 1: the saved run has done 3 epochs"},
	} {
		c, err := rundir.Pick(latestFirst, tc.epochs)
		switch {
		case tc.want == 0:
			if err == nil || !errors.Is(err, rundir.ErrDone) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("epochs %d: error %v, want ErrDone with %q", tc.epochs, err, tc.wantErr)
			}
		case err != nil || c.Epoch() != tc.want:
			t.Errorf("epochs %d: picked %v, %v; want epoch %d", tc.epochs, c, err, tc.want)
		}
	}
}

// TestStudyCheckpoints: each run of a study resumes from its own
// checkpoints; a run not started is absent; a run that has done the epochs
// is named.
func TestStudyCheckpoints(t *testing.T) {
	cks := checkpoints(t, 2)
	d := rundir.Open(t.TempDir())
	w, err := d.NewStudyWriter([]string{"relu", "sigmoid"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cks {
		if err := w.Write("relu", c); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Write("mrelu", cks[0]); err == nil || !strings.Contains(err.Error(), "no checkpoint folder for run mrelu") {
		t.Fatalf("write to a run without a folder: %v", err)
	}
	if w.LastEpoch() != 2 {
		t.Fatalf("last epoch %d, want 2", w.LastEpoch())
	}
	names := []string{"relu", "sigmoid", "mrelu"}
	for _, tc := range []struct {
		epochs  int
		want    map[string]int
		wantErr string
	}{
		{5, map[string]int{"relu": 2}, ""},
		{2, map[string]int{"relu": 1}, ""},
		{1, nil, "run relu: --epochs 1: the saved run has done 2 epochs"},
	} {
		from, err := d.StudyCheckpoints(names, tc.epochs)
		if tc.wantErr != "" {
			if !errors.Is(err, rundir.ErrDone) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("epochs %d: error %v, want %q", tc.epochs, err, tc.wantErr)
			}
			continue
		}
		got := map[string]int{}
		for name, c := range from {
			got[name] = c.Epoch()
		}
		if err != nil || len(got) != len(tc.want) || got["relu"] != tc.want["relu"] {
			t.Errorf("epochs %d: %v, %v; want %v", tc.epochs, got, err, tc.want)
		}
	}
}

// TestMergeTrainParams: the settings given on the command line stay,
// every other one is the saved run's.
func TestMergeTrainParams(t *testing.T) {
	saved := experiment.TrainParams{Act: "mrelu", Hidden: []int{8, 8}, Epochs: 5, Batch: 50, LR: 0.05, Seed: 7, Data: "d",
		Variation: 0.2, Noise: experiment.NoiseFullScale, InputScale: 2e-6}
	now := experiment.DefaultTrainParams()
	now.Epochs, now.Act = 9, "relu"
	for _, tc := range []struct {
		name  string
		given []string
		want  func(*experiment.TrainParams)
	}{
		{"nothing given", nil, func(p *experiment.TrainParams) { *p = saved }},
		{"epochs given", []string{"epochs"}, func(p *experiment.TrainParams) { *p = saved; p.Epochs = 9 }},
		{"act and epochs given", []string{"act", "epochs"}, func(p *experiment.TrainParams) { *p = saved; p.Act, p.Epochs = "relu", 9 }},
		{"flags without a setting", []string{"out", "force", "plots"}, func(p *experiment.TrainParams) { *p = saved }},
		{"all given", []string{"act", "hidden", "epochs", "batch", "lr", "seed", "data", "variation", "noise", "input-scale"},
			func(p *experiment.TrainParams) { *p = now }},
	} {
		given := map[string]bool{}
		for _, g := range tc.given {
			given[g] = true
		}
		var want experiment.TrainParams
		tc.want(&want)
		if got := rundir.MergeTrainParams(now, saved, given); !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, want)
		}
	}
}

// TestMergeFig4Params: settings not given are the saved study's (and the
// devices always are); a given one that differs is refused, naming it.
func TestMergeFig4Params(t *testing.T) {
	saved := experiment.DefaultFig4Params()
	saved.Base.Batch, saved.Base.Epochs, saved.Seeds, saved.Sweep = 250, 20, 3, []float64{0, 0.1}
	saved.Neuron.VDD = 2.1
	for _, tc := range []struct {
		name    string
		given   map[string]bool
		change  func(*experiment.Fig4Params)
		check   func(experiment.Fig4Params) bool
		wantErr string
	}{
		{"nothing given", nil, func(p *experiment.Fig4Params) { p.Base.Batch = 7 },
			func(p experiment.Fig4Params) bool { return p.Base.Batch == 250 && p.Seeds == 3 && p.Neuron.VDD == 2.1 }, ""},
		{"epochs and data may differ", map[string]bool{"epochs": true, "data": true}, func(p *experiment.Fig4Params) { p.Base.Epochs, p.Base.Data = 40, "other" },
			func(p experiment.Fig4Params) bool {
				return p.Base.Epochs == 40 && p.Base.Data == "other" && p.Base.Batch == 250
			}, ""},
		{"given and equal", map[string]bool{"batch": true, "seeds": true}, func(p *experiment.Fig4Params) { p.Base.Batch, p.Seeds = 250, 3 },
			func(p experiment.Fig4Params) bool { return p.Base.Batch == 250 && p.Seeds == 3 }, ""},
		{"batch differs", map[string]bool{"batch": true}, func(p *experiment.Fig4Params) { p.Base.Batch = 100 }, nil,
			"--batch 100 differs from the saved study's 250"},
		{"sweep differs", map[string]bool{"sweep": true}, func(p *experiment.Fig4Params) { p.Sweep = []float64{0.3} }, nil,
			"--sweep [0.3] differs from the saved study's [0 0.1]"},
		{"acts differ", map[string]bool{"acts": true}, func(p *experiment.Fig4Params) { p.Acts = []string{"relu"} }, nil,
			"--acts relu differs from the saved study's sigmoid,relu,mrelu-ideal,mrelu"},
		{"paper setting off", map[string]bool{"paper-setting": true}, func(p *experiment.Fig4Params) { p.Configs = nil }, nil,
			"--paper-setting false differs from the saved study's true"},
	} {
		p := experiment.DefaultFig4Params()
		tc.change(&p)
		got, err := rundir.MergeFig4Params(p, saved, tc.given)
		switch {
		case tc.wantErr != "":
			if !errors.Is(err, experiment.ErrIncompatible) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: error %v, want %q", tc.name, err, tc.wantErr)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case !tc.check(got):
			t.Errorf("%s: merged %+v", tc.name, got)
		}
	}
}

// TestLoadFig4Params: a study's settings round-trip; a missing, unknown,
// invalid or oversized file is an error naming it.
func TestLoadFig4Params(t *testing.T) {
	d := rundir.Open(t.TempDir())
	p := experiment.DefaultFig4Params()
	p.Base.Epochs = 12
	if err := d.SaveFig4Params(p); err != nil {
		t.Fatal(err)
	}
	got, err := d.Fig4Params()
	if err != nil || got.Base.Epochs != 12 || !slices.Equal(got.Acts, p.Acts) || !slices.Equal(got.Configs, p.Configs) {
		t.Fatalf("round trip: %+v, %v", got.Base, err)
	}
	path := filepath.Join(t.TempDir(), "fig4.json")
	for _, tc := range []struct {
		name, text, wantErr string
	}{
		{"unknown key", `{"base": {}, "bogus": 1}`, `unknown field "bogus"`},
		{"invalid", `{"base": {"act": "relu", "hidden": [3], "epochs": -1, "batch": 5, "lr": 0.1}, "acts": ["relu"]}`, "epochs -1 out of range"},
		{"no acts", `{"base": {"act": "relu", "hidden": [3], "epochs": 1, "batch": 5, "lr": 0.1}}`, "no activations"},
		{"not JSON", `[`, "unexpected EOF"},
		{"too large", `{"acts": ["` + strings.Repeat("x", 2<<20) + `"]}`, "larger than"},
	} {
		if err := os.WriteFile(path, []byte(tc.text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := rundir.LoadFig4Params(path)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: error %v, want one naming %s with %q", tc.name, err, path, tc.wantErr)
		}
	}
	if _, err := rundir.Open(t.TempDir()).Fig4Params(); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("no fig4.json: %v, want os.ErrNotExist", err)
	}
}

// TestWhatAFolderHolds: a train run, a fig4 study and a params.json are
// told apart by their files.
func TestWhatAFolderHolds(t *testing.T) {
	cks := checkpoints(t, 1)
	train, fig4, empty := rundir.Open(t.TempDir()), rundir.Open(t.TempDir()), rundir.Open(t.TempDir())
	if _, err := train.NewCheckpointWriter("", cks[0]); err != nil {
		t.Fatal(err)
	}
	if err := train.SaveParams(params.Default(), "train", experiment.DefaultTrainParams()); err != nil {
		t.Fatal(err)
	}
	if err := fig4.SaveFig4Params(experiment.DefaultFig4Params()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name        string
		d           rundir.Dir
		train, fig4 bool
		params      bool
	}{
		{"train", train, true, false, true},
		{"fig4", fig4, false, true, false},
		{"empty", empty, false, false, false},
	} {
		if tc.d.HoldsTrainRun() != tc.train || tc.d.HoldsFig4Study() != tc.fig4 || (tc.d.SavedParams() != "") != tc.params {
			t.Errorf("%s: train %v fig4 %v params %q", tc.name, tc.d.HoldsTrainRun(), tc.d.HoldsFig4Study(), tc.d.SavedParams())
		}
	}
	if _, err := params.Load(train.SavedParams()); err != nil {
		t.Errorf("the saved params.json does not load: %v", err)
	}
}

// TestCreate: a new folder is made and locked; a non-empty one is refused
// without force; a locked one is refused.
func TestCreate(t *testing.T) {
	defer report.UnlockOutputs()
	tmp := t.TempDir()
	full := filepath.Join(tmp, "full")
	if err := os.MkdirAll(full, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(full, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		path    string
		force   bool
		wantErr error
	}{
		{"new", filepath.Join(tmp, "a", "b"), false, nil},
		{"locked", filepath.Join(tmp, "a", "b"), true, report.ErrOutInUse},
		{"not empty", full, false, report.ErrOutNotEmpty},
		{"not empty, forced", full, true, nil},
	} {
		d, err := rundir.Create(tc.path, tc.force)
		switch {
		case tc.wantErr != nil:
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("%s: error %v, want %v", tc.name, err, tc.wantErr)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case d.Path() != tc.path:
			t.Errorf("%s: path %q", tc.name, d.Path())
		case !fileExists(filepath.Join(tc.path, report.LockFile)):
			t.Errorf("%s: no lock file", tc.name)
		}
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
