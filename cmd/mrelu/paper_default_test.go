package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPaperDefaultColumn (issue 13 item 7): a paper run with a parameter
// file (a viable variation of the default: Vth 1.97 V at --vdd 1.99 V)
// has the columns default / yours / paper in summary.json and report.html,
// the default device's numbers for the device and neuron quantities only,
// and prose that states the run's device, not the default one.
func TestPaperDefaultColumn(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole paper (quick) with a parameter file")
	}
	dir, data, img := paperInputs(t)
	pf := writeFile(t, filepath.Join(dir, "near.json"), `{"memristor": {"v_th_V": 1.97}}`)
	out := filepath.Join(dir, "p")
	runOK(t, "paper", "--quick", "--data", data, "--epochs", "1", "--image", img, "--ngspice=false", "--params", pf, "--vdd", "1.99", "--out", out)
	var s struct {
		Columns   []string `json:"columns"`
		Headlines []struct {
			Key     string   `json:"key"`
			Ours    *float64 `json:"ours"`
			Default *float64 `json:"default"`
		} `json:"headlines"`
	}
	b := readSummary(t, out, &s)
	if strings.Join(s.Columns, ",") != "default,yours,paper" {
		t.Errorf("columns %q", s.Columns)
	}
	h := map[string][2]*float64{}
	for _, x := range s.Headlines {
		h[x.Key] = [2]*float64{x.Default, x.Ours}
	}
	// The default device: the paper run's numbers at 2 V (README).
	for key, want := range map[string]float64{"device.latency_s": 625e-9, "neuron.i90_A": 1.45e-6, "neuron.off_level_V": 0.035} {
		d, o := h[key][0], h[key][1]
		if d == nil || o == nil || math.Abs(*d/want-1) > 0.02 {
			t.Errorf("%s: default %v, want ≈ %g", key, d, want)
			continue
		}
		if key == "device.latency_s" && math.Abs(*o / *d - 1) < 0.01 { // 625 ns at Vth 1.98 V, ~600 ns at 1.97 V
			t.Errorf("%s: default and yours are both %g: the default column shows the run's device", key, *d)
		}
	}
	for _, key := range []string{"fig4.accuracy.mrelu", "edges.pearson.vertical", "neuron.mc_trim_switching", "energy.device.total_per_inference_J"} {
		if x, ok := h[key]; !ok || x[0] != nil {
			t.Errorf("%s: default %v (want none: not rerun for the default device), present %v", key, x[0], ok)
		}
	}
	for _, f := range []string{"default/device/sweep/r_vs_i.csv", "default/neuron/transfer/transfer.json", "default/neuron/pulse/pulse.json", "default/device/tft/tft.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("the default device's %s: %v", f, err)
		}
	}
	page := readString(t, filepath.Join(out, "report.html"))
	for _, want := range []string{"<th>default</th><th>yours</th><th>paper</th>", "at VDD = 1.99 V, only 20 mV above the memristor&#39;s threshold Vth = 1.97 V",
		"memristor Vth 1.97 V, r_d 300 kΩ, VDD 1.99 V", "circuit level (the whole 2T-1M neuron at VDD = 1.99 V)"} {
		if !strings.Contains(page, want) && !strings.Contains(string(b), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	// Sentences that describe the default device.
	for _, bad := range []string{"VDD = Vth", "2.4 V pulse", "hundreds of µs", "the default 2.3 V is that calibration", "the 20 mV margin", "neuron at VDD = 2 V"} {
		if strings.Contains(page, bad) || strings.Contains(string(b), bad) {
			t.Errorf("the report of a run with %s says %q", pf, bad)
		}
	}
}
