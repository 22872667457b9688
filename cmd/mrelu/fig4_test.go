package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFig4EndToEnd(t *testing.T) {
	data := t.TempDir()
	writeTinySet(t, data, 300, "train", 1)
	writeTinySet(t, data, 90, "t10k", 2)
	out := filepath.Join(t.TempDir(), "fig4")
	var so, se bytes.Buffer
	args := []string{"fig4", "--data", data, "--epochs", "3", "--batch", "30", "--hidden", "16,16", "--sweep", "0,0.099,0.3", "--out", out}
	if code := run(args, &so, &se); code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
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
	b, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
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
	for _, f := range []string{"fig4c_accuracy.png", "fig4d_loss.png", "fig4ef_neuron_inputs_sigmoid.png", "fig4ef_neuron_inputs_relu.png",
		"fig4g_weight_updates_first.png", "fig4h_weight_updates_last.png", "fig4i_variation.png", "fig4_metrics.csv", "fig4_variation.csv", "runs/mrelu/summary.json"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing", f)
		}
	}
	if !strings.Contains(so.String(), "mrelu") {
		t.Errorf("no table printed: %q", so.String())
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
		var so, se bytes.Buffer
		if code := run(tc.args, &so, &se); code != 2 || !strings.Contains(se.String(), tc.want) {
			t.Errorf("%v: exit %d, %q; want exit 2 mentioning %q", tc.args, code, se.String(), tc.want)
		}
	}
}

// TestFig4Params: a user's device file changes the solved neuron of the
// study (its current scale 1/RD), and a bad file is refused by name.
func TestFig4Params(t *testing.T) {
	data := t.TempDir()
	writeTinySet(t, data, 120, "train", 1)
	writeTinySet(t, data, 60, "t10k", 2)
	params := filepath.Join(t.TempDir(), "dev.json")
	if err := os.WriteFile(params, []byte(`{"memristor": {"r_d_ohm": 250000}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "fig4")
	var so, se bytes.Buffer
	args := []string{"fig4", "--data", data, "--epochs", "1", "--batch", "30", "--hidden", "8", "--acts", "mrelu", "--sweep", "0.099", "--params", params, "--out", out}
	if code := run(args, &so, &se); code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	b, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Neuron map[string]float64 `json:"neuron"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	// IUnit = (1 − RD/RLoad)/(MirrorRatio·RD) = 0.75/(3 · 250 kΩ) = 1 µA.
	if got := s.Neuron["iunit_A"]; got < 0.999e-6 || got > 1.001e-6 {
		t.Errorf("iunit_A = %g with RD = 250 kΩ, want 1e-6 ((1 − RD/RLoad)/(MirrorRatio·RD))", got)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"memristor": {"r_dd_ohm": 1}}`), 0o644)
	se.Reset()
	if code := run([]string{"fig4", "--params", bad, "--out", filepath.Join(t.TempDir(), "x")}, &so, &se); code == 0 || !strings.Contains(se.String(), "r_dd_ohm") {
		t.Errorf("bad params: exit %d, %q", code, se.String())
	}
}
