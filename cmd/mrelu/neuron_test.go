package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// header returns the first line of a CSV file.
func header(t *testing.T, path string) string {
	t.Helper()
	return strings.SplitN(readString(t, path), "\n", 2)[0]
}

func TestNeuronTransferCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "transfer")
	so, _ := runOK(t, "neuron", "transfer", "--imin", "-2e-6", "--imax", "1e-5", "--points", "601", "--out", out)
	if !strings.Contains(so, "threshold current") || !strings.Contains(so, "wrote") {
		t.Errorf("stdout: %s", so)
	}
	requireFiles(t, out, "transfer.csv", "transfer_detail.csv", "transfer.json", "transfer.png", "transfer.svg", "stability.png", "params.json")
	if h := header(t, filepath.Join(out, "transfer.csv")); h != "i_in_A,vout_V,vout_over_vdd" {
		t.Errorf("transfer.csv header %q", h)
	}
	var s struct {
		Threshold *float64 `json:"threshold_current_A"`
		I90       *float64 `json:"i_at_90pct_vdd_A"`
		R2        *float64 `json:"r2"`
		Monotone  *bool    `json:"monotone"`
		MaxVout   *float64 `json:"max_vout_V"`
		Off       *float64 `json:"max_vout_nonpositive_input_V"`
	}
	readJSON(t, filepath.Join(out, "transfer.json"), &s)
	if s.Threshold == nil || s.I90 == nil || s.R2 == nil || s.Monotone == nil || s.MaxVout == nil || s.Off == nil {
		t.Fatalf("transfer.json lacks a field: %+v", s)
	}
	if *s.Off >= 0.05 || *s.R2 < 0.999 || *s.MaxVout > 2 || math.Abs(*s.I90-1.446e-6) > 0.03e-6 {
		t.Errorf("transfer.json values: off %g, R² %g, max %g, I90 %g", *s.Off, *s.R2, *s.MaxVout, *s.I90)
	}
	lines := strings.Count(readString(t, filepath.Join(out, "transfer.csv")), "\n")
	if lines != 602 {
		t.Errorf("transfer.csv has %d lines, want 602", lines)
	}
	// params.json feeds back through --params, here with a changed neuron
	// parameter.
	var p map[string]any
	readJSON(t, filepath.Join(out, "params.json"), &p)
	for _, k := range []string{"memristor", "tft", "neuron", "settings"} {
		if _, ok := p[k]; !ok {
			t.Errorf("params.json lacks %q", k)
		}
	}
	p["neuron"].(map[string]any)["r_load_ohm"] = 5e6
	b, _ := json.Marshal(p)
	pf := writeFile(t, filepath.Join(t.TempDir(), "p.json"), string(b))
	out2 := filepath.Join(t.TempDir(), "t2")
	runOK(t, "neuron", "transfer", "--points", "101", "--params", pf, "--out", out2, "--plots=false")
	var p2 struct {
		Neuron struct {
			RLoad float64 `json:"r_load_ohm"`
		} `json:"neuron"`
	}
	readJSON(t, filepath.Join(out2, "params.json"), &p2)
	if p2.Neuron.RLoad != 5e6 {
		t.Errorf("--params neuron.r_load_ohm not used: %g", p2.Neuron.RLoad)
	}
	if _, err := os.Stat(filepath.Join(out2, "transfer.png")); err == nil {
		t.Error("--plots=false wrote a plot")
	}
	// The device params.json of `mrelu device` style (no neuron object) is
	// accepted too.
	dev := writeFile(t, filepath.Join(t.TempDir(), "dev.json"), `{"memristor": {"r_d_ohm": 250000}, "settings": {"command": "device sweep"}}`)
	runOK(t, "neuron", "transfer", "--points", "51", "--params", dev, "--out", filepath.Join(t.TempDir(), "t3"), "--plots=false")
}

func TestNeuronPulseCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "pulse")
	so, _ := runOK(t, "neuron", "pulse", "--out", out)
	if !strings.Contains(so, "latency") {
		t.Errorf("stdout: %s", so)
	}
	requireFiles(t, out, "pulse.json", "pulse.csv", "pulse.png", "pulse.svg", "cap_sweep.csv", "params.json")
	var s struct {
		Latency      *float64 `json:"latency_s"`
		Energy       *float64 `json:"energy_J"`
		Settled      *bool    `json:"settled"`
		PaperLatency float64  `json:"paper_latency_s"`
		PaperEnergy  float64  `json:"paper_energy_J"`
		MaxStable    *float64 `json:"max_stable_output_capacitance_F"`
		Pulse        struct {
			Amplitude float64 `json:"amplitude_A"`
		} `json:"pulse"`
	}
	readJSON(t, filepath.Join(out, "pulse.json"), &s)
	if s.Latency == nil || s.Energy == nil || s.Settled == nil || !*s.Settled || s.MaxStable == nil {
		t.Fatalf("pulse.json: %+v", s)
	}
	if s.PaperLatency != 650e-9 || s.PaperEnergy != 0.5e-12 || s.Pulse.Amplitude <= 0 {
		t.Errorf("pulse.json: paper %g s %g J, amplitude %g A", s.PaperLatency, s.PaperEnergy, s.Pulse.Amplitude)
	}
	if h := header(t, filepath.Join(out, "pulse.csv")); h != "time_s,i_in_A,vout_V,v_in_V,state_x,i_supply_A" {
		t.Errorf("pulse.csv header %q", h)
	}
	// An oscillating neuron reports it instead of a latency (the 50 µm
	// memristor's 3.5 pF on the output node, a mid-range input).
	pf := writeFile(t, filepath.Join(t.TempDir(), "osc.json"), `{"neuron": {"c_mem_F": 3.5e-12}}`)
	out2 := filepath.Join(t.TempDir(), "osc")
	so, _ = runOK(t, "neuron", "pulse", "--amplitude", "1e-6", "--width", "6e-4", "--after", "1e-5", "--cap-search=false", "--params", pf, "--out", out2)
	if !strings.Contains(so, "OSCILLATING") {
		t.Errorf("stdout: %s", so)
	}
	var s2 map[string]any
	readJSON(t, filepath.Join(out2, "pulse.json"), &s2)
	if s2["latency_s"] != nil || s2["settled"] != false || s2["status"] != "oscillating" {
		t.Errorf("oscillating pulse.json: latency %v settled %v status %v", s2["latency_s"], s2["settled"], s2["status"])
	}
}

func TestNeuronSpiceCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "spice")
	runOK(t, "neuron", "spice", "--points", "301", "--out", out)
	requireFiles(t, out, "mrelu.cir", "mrelu_tran.cir", "params.json")
	dc, tran := readString(t, filepath.Join(out, "mrelu.cir")), readString(t, filepath.Join(out, "mrelu_tran.cir"))
	if !strings.Contains(dc, "dc i_iin -1e-06") || !strings.Contains(dc, "b_mem vdd out") || !strings.Contains(tran, "PULSE(") || !strings.Contains(tran, "tran ") {
		t.Errorf("netlists lack their analyses:\n%s", dc[:min(len(dc), 400)])
	}
	requireTool(t, "neuron spice --run", "ngspice")
	out2 := filepath.Join(t.TempDir(), "run")
	so, _ := runOK(t, "neuron", "spice", "--run", "--points", "301", "--out", out2)
	requireFiles(t, out2, "mrelu.cir", "mrelu_tran.cir", "spice_compare.csv", "spice_compare.json", "spice_compare.png", "spice_pulse.png")
	if h := header(t, filepath.Join(out2, "spice_compare.csv")); h != "i_in_A,vout_ours_V,vout_ngspice_V,diff_V" {
		t.Errorf("spice_compare.csv header %q", h)
	}
	var s struct {
		MaxDiff    float64  `json:"max_abs_diff_V"`
		MaxDiffPct float64  `json:"max_abs_diff_pct_vdd"`
		LatOurs    *float64 `json:"latency_ours_s"`
		LatSpice   *float64 `json:"latency_ngspice_s"`
		LatRel     *float64 `json:"latency_rel_diff"`
	}
	readJSON(t, filepath.Join(out2, "spice_compare.json"), &s)
	if s.MaxDiffPct > 1 || s.LatRel == nil || *s.LatRel > 0.05 {
		t.Errorf("spice_compare.json: %+v (stdout %s)", s, so)
	}
}

// TestNeuronSpiceRunWithoutNgspice: --run with no ngspice on PATH is a
// clear error (exit 1), not a crash.
func TestNeuronSpiceRunWithoutNgspice(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	wantExit(t, 1, []string{"neuron", "spice", "--run", "--points", "11", "--out", filepath.Join(t.TempDir(), "x")}, "ngspice", "apt-get install")
}

func TestNeuronMonteCarloCommand(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	runOK(t, "neuron", "montecarlo", "--devices", "6", "--points", "61", "--seed", "3", "--out", a)
	runOK(t, "neuron", "montecarlo", "--devices", "6", "--points", "61", "--seed", "3", "--out", b, "--plots=false")
	requireFiles(t, a, "montecarlo.csv", "montecarlo_spread.csv", "montecarlo_devices.csv", "montecarlo.json", "montecarlo.png", "montecarlo_spread.png", "params.json")
	if h := header(t, filepath.Join(a, "montecarlo.csv")); h != "device,i_in_A,vout_V" {
		t.Errorf("montecarlo.csv header %q", h)
	}
	if readString(t, filepath.Join(a, "montecarlo.csv")) != readString(t, filepath.Join(b, "montecarlo.csv")) {
		t.Error("same seed, different populations")
	}
	var s struct {
		Devices int    `json:"devices"`
		Seed    uint64 `json:"seed"`
		Failed  int    `json:"failed"`
		Dead    *int   `json:"never_reach_half_vdd"`
	}
	readJSON(t, filepath.Join(a, "montecarlo.json"), &s)
	if s.Devices != 6 || s.Seed != 3 || s.Failed != 0 || s.Dead == nil {
		t.Errorf("montecarlo.json: %+v", s)
	}
	var p struct {
		Settings struct {
			Seed *uint64 `json:"seed"`
		} `json:"settings"`
	}
	readJSON(t, filepath.Join(a, "params.json"), &p)
	if p.Settings.Seed == nil || *p.Settings.Seed != 3 {
		t.Error("params.json does not record the seed")
	}
}

func TestNeuronBadArguments(t *testing.T) {
	tmp := t.TempDir()
	bad := writeFile(t, filepath.Join(tmp, "bad.json"), `{"neuron": {"vdd_V": -1}}`)
	unknown := writeFile(t, filepath.Join(tmp, "unknown.json"), `{"neuron": {"bogus": 1}}`)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"neuron"}, 2, "missing sub-command"},
		{[]string{"neuron", "nosuch"}, 2, "unknown sub-command"},
		{[]string{"neuron", "transfer", "--points", "1"}, 2, "points"},
		{[]string{"neuron", "transfer", "--imin", "1e-5", "--imax", "0"}, 2, "imax"},
		{[]string{"neuron", "transfer", "--imax", "x"}, 2, "invalid value"},
		{[]string{"neuron", "transfer", "--bogus"}, 2, "not defined"},
		{[]string{"neuron", "transfer", "extra"}, 2, "unexpected argument"},
		{[]string{"neuron", "pulse", "--width", "0"}, 2, "width_s"},
		{[]string{"neuron", "pulse", "--amplitude", "-1e-6"}, 2, "amplitude_A"},
		{[]string{"neuron", "pulse", "--cap-max", "-1"}, 2, "cap_max"},
		{[]string{"neuron", "spice", "--points", "0"}, 2, "points"},
		{[]string{"neuron", "montecarlo", "--devices", "0"}, 2, "devices"},
		{[]string{"neuron", "montecarlo", "--tft-vth-sigma", "-0.1"}, 2, "TFTVthSigma"},
		{[]string{"neuron", "transfer", "--params", filepath.Join(tmp, "nope.json"), "--out", filepath.Join(tmp, "o1")}, 1, "nope.json"},
		{[]string{"neuron", "transfer", "--params", bad, "--out", filepath.Join(tmp, "o2")}, 1, "vdd_V"},
		{[]string{"neuron", "transfer", "--params", unknown, "--out", filepath.Join(tmp, "o3")}, 1, "bogus"},
	}
	for _, tc := range tests {
		if msg := wantExit(t, tc.code, tc.args, tc.want); tc.code == 2 {
			wantOneLine(t, tc.args, msg)
		}
	}
	// --help prints the usage with an example and exits 0.
	for _, args := range [][]string{{"neuron", "--help"}, {"neuron", "transfer", "--help"}, {"neuron", "montecarlo", "-h"}} {
		code, so, _ := runCode(args...)
		if code != 0 || !strings.Contains(so, "Example") {
			t.Errorf("%v: exit %d, stdout %q", args, code, so)
		}
		if n := strings.Count(so, "Example:"); n != 1 {
			t.Errorf("%v: usage printed %d times", args, n)
		}
	}
}

// Issue 11, target 5: the issue's own command line. With each neuron's
// supply trimmed to its memristor (the default design) at least 24 of 25
// neurons switch and at most one rests above 50 mV; with one shared VDD
// (--trim-vdd=false) the 40 mV threshold spread defeats the 50 mV window
// between the two, as docs/neuron.md §7 derives.
func TestNeuronMonteCarloTarget(t *testing.T) {
	dir := t.TempDir()
	type mc struct {
		Devices   int     `json:"devices"`
		Switching int     `json:"switching_devices"`
		OffAbove  int     `json:"off_level_above_50mV"`
		Trim      bool    `json:"trim_vdd"`
		Margin    float64 `json:"vdd_margin_V"`
	}
	args := []string{"neuron", "montecarlo", "--devices", "25", "--seed", "1", "--mem-vth-rel", "0.02", "--tft-vth-sigma", "0.038", "--plots=false"}
	runOK(t, append(args, "--out", filepath.Join(dir, "trim"))...)
	runOK(t, append(args, "--trim-vdd=false", "--out", filepath.Join(dir, "shared"))...)
	var trim, shared mc
	readJSON(t, filepath.Join(dir, "trim", "montecarlo.json"), &trim)
	readJSON(t, filepath.Join(dir, "shared", "montecarlo.json"), &shared)
	if !trim.Trim || trim.Devices != 25 || trim.Switching < 24 || trim.OffAbove > 1 || math.Abs(trim.Margin-0.02) > 1e-9 {
		t.Errorf("trimmed population: %+v, want ≥ 24 switching, ≤ 1 off level above 50 mV, margin 20 mV", trim)
	}
	if shared.Trim || (shared.Switching >= 24 && shared.OffAbove <= 1) {
		t.Errorf("shared VDD meets the target (%+v): the documented window argument says it cannot", shared)
	}
	t.Logf("trimmed: %d switching, %d off > 50 mV; shared VDD: %d switching, %d off > 50 mV", trim.Switching, trim.OffAbove, shared.Switching, shared.OffAbove)
}
