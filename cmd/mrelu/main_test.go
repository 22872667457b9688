package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestTrainEndToEnd(t *testing.T) {
	data := tinyData(t)
	out := filepath.Join(t.TempDir(), "run")
	args := []string{"train", "--data", data, "--act", "relu", "--epochs", "4", "--batch", "30", "--hidden", "16,8", "--out", out}
	runOK(t, args...)
	var s struct {
		Act                   string      `json:"act"`
		Epochs                int         `json:"epochs"`
		TestAccuracy          float64     `json:"test_accuracy"`
		TestAccuracyPerEpoch  []float64   `json:"test_accuracy_per_epoch"`
		TrainLossPerEpoch     []float64   `json:"train_loss_per_epoch"`
		EpochSeconds          []float64   `json:"epoch_seconds"`
		MeanAbsUpdatePerLayer [][]float64 `json:"mean_abs_update_per_layer"`
		Params                struct {
			Hidden []int `json:"hidden"`
			Batch  int   `json:"batch"`
		} `json:"params"`
		Crossbar struct {
			Ideal        bool    `json:"ideal"`
			TestAccuracy float64 `json:"test_accuracy"`
		} `json:"crossbar"`
	}
	readSummary(t, out, &s)
	if s.Act != "relu" || s.Epochs != 4 || len(s.TestAccuracyPerEpoch) != 4 || len(s.TrainLossPerEpoch) != 4 || len(s.EpochSeconds) != 4 {
		t.Errorf("summary fields wrong: %+v", s)
	}
	if len(s.MeanAbsUpdatePerLayer) != 3 || len(s.MeanAbsUpdatePerLayer[0]) != 4 {
		t.Errorf("mean_abs_update_per_layer shape wrong: %v", s.MeanAbsUpdatePerLayer)
	}
	if s.TestAccuracy < 0.9 {
		t.Errorf("accuracy %.3f on an easy 3-class set", s.TestAccuracy)
	}
	// Ideal crossbar arrays compute the same network: the same accuracy.
	if !s.Crossbar.Ideal || s.Crossbar.TestAccuracy != s.TestAccuracy {
		t.Errorf("ideal crossbar accuracy %v, software %v", s.Crossbar.TestAccuracy, s.TestAccuracy)
	}
	if len(s.Params.Hidden) != 2 || s.Params.Batch != 30 {
		t.Errorf("params not recorded: %+v", s.Params)
	}
	requireFiles(t, out, "metrics.csv", "accuracy.png", "loss.png", "neuron_input_hist.png", "weight_update_hist.png", "weight_update_hist.csv", "neuron_input_hist.csv", "accuracy.svg")
	if lines := strings.Count(readString(t, filepath.Join(out, "metrics.csv")), "\n"); lines != 5 {
		t.Errorf("metrics.csv has %d lines, want header + 4 epochs", lines)
	}
	// A second run into the same folder is refused without --force...
	if code, _, se := runCode(args...); code == 0 || !strings.Contains(se, "not empty") {
		t.Errorf("overwrite not refused: exit %d, %q", code, se)
	}
	// ...and allowed with it.
	if code, _, se := runCode(append(args, "--force")...); code != 0 {
		t.Errorf("--force run failed: %s", se)
	}
}

func TestBadArguments(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"nosuch"}, 2, "unknown command"},
		{[]string{"train", "--act", "tanh"}, 2, "unknown activation"},
		{[]string{"train", "--epochs", "0"}, 2, "epochs"},
		{[]string{"train", "--epochs", "x"}, 2, "invalid value"},
		{[]string{"train", "--lr", "-1"}, 2, "lr"},
		{[]string{"train", "--hidden", "100,a"}, 2, "--hidden"},
		{[]string{"train", "--bogus"}, 2, "not defined"},
		{[]string{"train", "extra"}, 2, "unexpected argument"},
		{[]string{"train", "--levels", "1"}, 2, "levels"},
		{[]string{"train", "--read-sigma", "-0.1"}, 2, "read"},
		{[]string{"train", "--data", "/nonexistent/dir", "--out", "@TMP"}, 1, "/nonexistent/dir"},
	}
	for _, tc := range tests {
		for i, a := range tc.args {
			if a == "@TMP" {
				tc.args[i] = filepath.Join(t.TempDir(), "o")
			}
		}
		if se := wantExit(t, tc.code, tc.args, tc.want); tc.code == 2 {
			wantOneLine(t, tc.args, se)
		}
	}
}

func TestHelp(t *testing.T) {
	for name := range commands {
		code, so, _ := runCode(name, "--help")
		if code != 0 {
			t.Errorf("%s --help: exit %d", name, code)
		}
		if !strings.Contains(so, "Example:") || !strings.Contains(so, "mrelu "+name) {
			t.Errorf("%s --help lacks an example: %q", name, so)
		}
	}
}
