package main

import (
	"path/filepath"
	"testing"
)

// TestTrainRelu2FollowsVDD: `train --act relu2 --vdd 1.6V` clips the
// software ReLU at the run's 1.6 V, not 2 V: the checkpoint names the
// network's activation by its bound, params.json records the supply, and
// a resume at another VDD is refused. (report's TestRunVDDEndToEnd checks
// the crossbar's neurons and the report at that supply.)
func TestTrainRelu2FollowsVDD(t *testing.T) {
	data := tinyData(t)
	out := filepath.Join(t.TempDir(), "run")
	runOK(t, "train", "--data", data, "--act", "relu2", "--vdd", "1.6V", "--epochs", "1", "--batch", "30", "--hidden", "16,8", "--out", out)
	var cp struct {
		State struct {
			Activation string `json:"activation"`
		} `json:"state"`
	}
	readJSON(t, filepath.Join(out, "checkpoint", "checkpoint.json"), &cp)
	if cp.State.Activation != "relu-clip1.6" {
		t.Errorf("checkpoint activation %q, want relu-clip1.6 (ReLU clipped at VDD = 1.6 V)", cp.State.Activation)
	}
	var pf map[string]map[string]any
	readJSON(t, filepath.Join(out, "params.json"), &pf)
	if v := pf["neuron"]["vdd_V"]; v != 1.6 {
		t.Errorf("params.json neuron.vdd_V = %v, want 1.6", v)
	}
	wantExit(t, 1, []string{"train", "--resume", out, "--vdd", "2V", "--epochs", "2", "--data", data, "--out", out, "--force"}, "relu-clip1.6")
}
