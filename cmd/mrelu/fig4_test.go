package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestFig4EndToEnd(t *testing.T) {
	out := filepath.Join(t.TempDir(), "fig4")
	so, _ := runOK(t, "fig4", "--data", tinyData(t), "--epochs", "3", "--batch", "30", "--hidden", "16,16", "--sweep", "0,0.099,0.3", "--out", out)
	var s struct {
		Runs []struct {
			Act          string  `json:"act"`
			Variation    float64 `json:"variation"`
			TestAccuracy float64 `json:"test_accuracy"`
		} `json:"runs"`
		Accuracy map[string]float64 `json:"test_accuracy"`
		Sweep    []struct {
			Variation    float64 `json:"variation"`
			TestAccuracy float64 `json:"test_accuracy"`
			Run          string  `json:"run"`
		} `json:"variation_sweep"`
		Neuron map[string]any `json:"neuron"`
	}
	readSummary(t, out, &s)
	for _, name := range []string{"sigmoid", "relu", "mrelu-ideal", "mrelu", "mrelu-var30"} {
		if _, ok := s.Accuracy[name]; !ok {
			t.Errorf("summary lacks the %s run", name)
		}
	}
	if len(s.Sweep) != 3 || s.Sweep[0].Run != "mrelu-ideal" || s.Sweep[1].Run != "mrelu" || s.Sweep[2].Variation != 0.3 {
		t.Errorf("variation sweep wrong: %+v", s.Sweep)
	}
	if s.Accuracy["mrelu"] < 0.8 || s.Accuracy["relu"] < 0.8 {
		t.Errorf("accuracies too low on an easy set: %v", s.Accuracy)
	}
	if s.Neuron["iunit_A"] == nil {
		t.Error("neuron scale not recorded")
	}
	requireFiles(t, out, "fig4c_accuracy.png", "fig4d_loss.png", "fig4ef_neuron_inputs_sigmoid.png", "fig4ef_neuron_inputs_relu.png",
		"fig4g_weight_updates_first.png", "fig4h_weight_updates_last.png", "fig4i_variation.png", "fig4_metrics.csv", "fig4_variation.csv", "runs/mrelu/summary.json")
	if !strings.Contains(so, "mrelu") {
		t.Errorf("no table printed: %q", so)
	}
}

func TestFig4BadArguments(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"fig4", "--sweep", "0,x"}, "--sweep"},
		{[]string{"fig4", "--sweep", "-0.1"}, "sweep variation"},
		{[]string{"fig4", "--acts", "relu,tanh"}, "unknown activation"},
		{[]string{"fig4", "--variation", "-1"}, "variation"},
		{[]string{"train", "--act", "mrelu", "--variation", "nan"}, "variation"},
	}
	for _, tc := range tests {
		wantExit(t, 2, tc.args, tc.want)
	}
}

// TestFig4Params: a user's device file changes the solved neuron of the
// study (its current scale 1/RD), and a bad file is refused by name.
func TestFig4Params(t *testing.T) {
	data := tinySets(t, 120, 60, 1)
	params := writeFile(t, filepath.Join(t.TempDir(), "dev.json"), `{"memristor": {"r_d_ohm": 250000}}`)
	out := filepath.Join(t.TempDir(), "fig4")
	runOK(t, "fig4", "--data", data, "--epochs", "1", "--batch", "30", "--hidden", "8", "--acts", "mrelu", "--sweep", "0.099", "--params", params, "--out", out)
	var s struct {
		Neuron map[string]float64 `json:"neuron"`
	}
	readSummary(t, out, &s)
	// IUnit = (1 − RD/RLoad)/(MirrorRatio·RD) = 0.75/(3 · 250 kΩ) = 1 µA.
	if got := s.Neuron["iunit_A"]; got < 0.999e-6 || got > 1.001e-6 {
		t.Errorf("iunit_A = %g with RD = 250 kΩ, want 1e-6 ((1 − RD/RLoad)/(MirrorRatio·RD))", got)
	}
	bad := writeFile(t, filepath.Join(t.TempDir(), "bad.json"), `{"memristor": {"r_dd_ohm": 1}}`)
	if code, _, se := runCode("fig4", "--params", bad, "--out", filepath.Join(t.TempDir(), "x")); code == 0 || !strings.Contains(se, "r_dd_ohm") {
		t.Errorf("bad params: exit %d, %q", code, se)
	}
}
