package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/report"
)

// The golden case of `mrelu cnn` (TestGolden): a tiny study on the 12x12
// stripes of testdata/golden/cnn-data (writeStripes: 150 training and 60
// test images), the accuracies and energies masked (floating-point
// summation order).
func init() {
	goldenCases = append(goldenCases, goldenCase{name: "cnn-tiny",
		args:    []string{"cnn", "--acts", "relu,mrelu", "--seeds", "2", "--epochs", "1", "--batch", "30", "--data", "$TD/cnn-data", "--out", "$OUT"},
		numbers: "accuracy"})
}

// TestCNNCommand runs `mrelu cnn` on a tiny study (300 training and 200
// test images, 1 epoch, 2 seeds, relu and mrelu) and checks its files,
// summary.json (read back as `mrelu paper --cnn` reads it) and output.
func TestCNNCommand(t *testing.T) {
	data := stripesData(t, 300, 200)
	out := filepath.Join(t.TempDir(), "cnn")
	so, _ := runOK(t, "cnn", "--data", data, "--acts", "relu,mrelu", "--seeds", "2", "--seed", "3", "--epochs", "1", "--batch", "20",
		"--test-images", "150", "--out", out)
	requireFiles(t, out, "summary.json", "params.json", "report.html", "cnn_accuracy.csv", "cnn_runs.csv", "cnn_epochs.csv",
		"cnn_epochs_mean.csv", "cnn_layers.csv", "cnn_accuracy.png", "cnn_accuracy.svg", "cnn_update_ratio.png", "cnn_update_ratio_epochs.svg")
	s, err := report.ReadCNNSummary(out)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Config
	if len(s.Acts) != 2 || s.Acts[0].Act != "relu" || s.Acts[1].Act != "mrelu" || len(c.Seeds) != 2 || c.Seeds[0] != 3 || c.Seeds[1] != 4 ||
		c.Epochs != 1 || c.Batch != 20 || *c.Variation != 0.099 || s.TrainImages != 300 || s.TestImages != 150 || len(s.Figures) != 3 {
		t.Fatalf("summary: %+v", s)
	}
	for _, a := range s.Acts {
		if len(a.Runs) != 2 || len(a.PerSeed) != 2 || !(a.Mean >= 0 && a.Mean <= 1) || !(a.CrossbarAccuracy.Mean >= 0 && a.CrossbarAccuracy.Mean <= 1) ||
			!(a.EnergyMean > 0) || !(a.Latency > 0) || len(a.LayerUpdateRatioEpoch1Mean) != 5 {
			t.Errorf("%s: %+v", a.Act, a)
		}
	}
	if s.Acts[1].NoiseModel != "proportional" || !(s.Acts[1].InputScale > 0) || s.Neuron == nil {
		t.Errorf("mrelu setting: noise %q, input scale %g, neuron %v", s.Acts[1].NoiseModel, s.Acts[1].InputScale, s.Neuron)
	}
	if !strings.HasPrefix(s.Command, "mrelu cnn --data ") {
		t.Errorf("command %q", s.Command)
	}
	for _, want := range []string{"relu     test accuracy", "mrelu    test accuracy", "over 2 seed(s)", "wrote " + out} {
		if !strings.Contains(so, want) {
			t.Errorf("stdout lacks %q: %s", want, so)
		}
	}
	// --plots=false: data files and a report of tables, no figure.
	flat := filepath.Join(t.TempDir(), "flat")
	runOK(t, "cnn", "--data", data, "--acts", "sigmoid", "--seeds", "1", "--epochs", "1", "--batch", "50", "--plots=false", "--out", flat)
	for _, f := range filesUnder(flat) {
		if ext := filepath.Ext(f); ext == ".png" || ext == ".svg" {
			t.Errorf("--plots=false wrote %s", f)
		}
	}
	if _, err := os.Stat(filepath.Join(flat, "report.html")); err != nil {
		t.Error(err)
	}
}

// TestCNNBadCommandLines: settings the study cannot run are usage errors
// (exit 2) before any work, and `mrelu paper --cnn` refuses a folder
// without a study before its long run; none creates its output folder.
func TestCNNBadCommandLines(t *testing.T) {
	tmp := t.TempDir()
	nodata := filepath.Join(tmp, "no-data")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"cnn", "--acts", "relu,tanh"}, 2, "tanh"},
		{[]string{"cnn", "--acts", ","}, 2, "no neuron"},
		{[]string{"cnn", "--acts", "relu,relu"}, 2, "twice"},
		{[]string{"cnn", "--seeds", "0"}, 2, "--seeds 0"},
		{[]string{"cnn", "--epochs", "0"}, 2, "--epochs 0"},
		{[]string{"cnn", "--lr", "-1"}, 2, "--lr -1"},
		{[]string{"cnn", "--variation", "-0.1"}, 2, "variation"},
		{[]string{"cnn", "--train-images", "-5"}, 2, "--train-images -5"},
		{[]string{"cnn", "--g-max", "0S"}, 2, "g_max"},
		{[]string{"cnn", "--data", nodata}, 1, "no-data"},
		{[]string{"paper", "--quick", "--cnn", nodata}, 1, "--cnn"},
	} {
		out := filepath.Join(tmp, "out")
		args := append(append([]string{}, c.args...), "--out", out)
		if se := wantExit(t, c.code, args, c.want); !strings.HasPrefix(se, "mrelu: "+c.args[0]+": ") {
			t.Errorf("%v: stderr %q does not start with mrelu: %s:", args, se, c.args[0])
		}
		if dirExists(out) {
			t.Errorf("%v: created the output folder", args)
		}
	}
}
