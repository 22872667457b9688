package main

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/device"
)

// devWantHeader checks that the CSV file starts with the given columns.
func devWantHeader(t *testing.T, path string, cols ...string) [][]string {
	t.Helper()
	h, rows := readCSV(t, path)
	if len(h) < len(cols) || strings.Join(h[:len(cols)], ",") != strings.Join(cols, ",") {
		t.Errorf("%s: header %q, want it to start with %q", filepath.Base(path), strings.Join(h, ","), strings.Join(cols, ","))
	}
	return rows
}

func devNum(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return v
}

func TestDeviceIVEndToEnd(t *testing.T) {
	out := filepath.Join(t.TempDir(), "iv")
	so, _ := runOK(t, "device", "iv", "--cycles", "12", "--seed", "3", "--out", out)
	if !strings.Contains(so, "set") || !strings.Contains(so, "hold") || !strings.Contains(so, "wrote "+out) {
		t.Errorf("stdout lacks the summary: %q", so)
	}
	requireFiles(t, out, "iv.csv", "set_hold.csv", "iv.png", "iv.svg", "set_hold_cdf.png", "set_hold_cdf.svg", "iv_summary.json", "params.json")
	h, rows := readCSV(t, filepath.Join(out, "iv.csv"))
	for _, c := range []string{"cycle", "v_V", "i_A", "direction"} {
		if !strings.Contains(","+strings.Join(h, ",")+",", ","+c+",") {
			t.Errorf("iv.csv header %q lacks %s", strings.Join(h, ","), c)
		}
	}
	if want := 12*600 + 400; len(rows) != want {
		t.Errorf("iv.csv has %d rows, want %d (12 cycles of 600 readings + the negative sweep)", len(rows), want)
	}
	rows = devWantHeader(t, filepath.Join(out, "set_hold.csv"), "cycle", "v_set_V", "v_hold_V")
	if len(rows) != 12 {
		t.Fatalf("set_hold.csv has %d rows, want one per cycle (12)", len(rows))
	}
	for k, r := range rows {
		if r[0] != strconv.Itoa(k+1) {
			t.Errorf("row %d: cycle %s", k, r[0])
		}
		if set, hold := devNum(t, r[1]), devNum(t, r[2]); !(set > hold) {
			t.Errorf("cycle %s: v_set %g V not above v_hold %g V", r[0], set, hold)
		}
	}
	var s struct {
		Set struct {
			Median, Sigma, Min, Max float64
		} `json:"set_V"`
		Hold struct {
			Median, Sigma, Min, Max float64
		} `json:"hold_V"`
		Overlap bool    `json:"overlap"`
		NegMaxI float64 `json:"negative_max_abs_current_A"`
	}
	readJSON(t, filepath.Join(out, "iv_summary.json"), &s)
	if s.Overlap || s.Hold.Max >= s.Set.Min {
		t.Errorf("set and hold overlap: %+v", s)
	}
	if s.Set.Median < 1.9 || s.Set.Median > 2.1 || s.Hold.Median < 1.6 || s.Hold.Median > 1.8 || s.Set.Sigma <= 0 {
		t.Errorf("set median %g V, hold median %g V, set sigma %g", s.Set.Median, s.Hold.Median, s.Set.Sigma)
	}
	if s.NegMaxI <= 0 || s.NegMaxI > 0.01e-6 {
		t.Errorf("max |I| under negative bias %g A", s.NegMaxI)
	}
	// params.json records the settings and feeds back through --params.
	var p struct {
		Settings struct {
			Command string `json:"command"`
			Seed    uint64 `json:"seed"`
			Config  struct {
				Cycles int     `json:"cycles"`
				Icc    float64 `json:"icc_A"`
			} `json:"config"`
		} `json:"settings"`
	}
	readJSON(t, filepath.Join(out, "params.json"), &p)
	if p.Settings.Command != "device iv" || p.Settings.Seed != 3 || p.Settings.Config.Cycles != 12 || p.Settings.Config.Icc != 1e-6 {
		t.Errorf("params.json settings %+v", p.Settings)
	}
	again := filepath.Join(t.TempDir(), "again")
	runOK(t, "device", "iv", "--cycles", "12", "--seed", "3", "--params", filepath.Join(out, "params.json"), "--out", again)
	a, _ := os.ReadFile(filepath.Join(out, "set_hold.csv"))
	b, _ := os.ReadFile(filepath.Join(again, "set_hold.csv"))
	if !bytes.Equal(a, b) {
		t.Error("rerun with the written params.json and the same seed gave different set/hold voltages")
	}
}

func TestDeviceSweepEndToEnd(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sweep")
	runOK(t, "device", "sweep", "--imax", "5e-6", "--points", "11", "--out", out)
	requireFiles(t, out, "r_vs_i.csv", "r_vs_i.png", "r_vs_i.svg", "g_vs_i.png", "g_vs_i.svg", "sweep.json", "params.json")
	h, rows := readCSV(t, filepath.Join(out, "r_vs_i.csv"))
	if len(h) < 2 || h[0] != "i_A" || h[1] != "r_ohm" || (len(h) > 2 && h[2] != "g_S") || len(h) > 3 {
		t.Errorf("r_vs_i.csv header %q, want i_A,r_ohm[,g_S]", strings.Join(h, ","))
	}
	if len(rows) != 10 {
		t.Fatalf("r_vs_i.csv has %d rows, want 10 (the non-zero currents)", len(rows))
	}
	prev := math.Inf(1)
	for _, r := range rows {
		i, rr := devNum(t, r[0]), devNum(t, r[1])
		if !(rr < prev) || !(i > 0) {
			t.Errorf("R(%g A) = %g Ω does not fall with current", i, rr)
		}
		prev = rr
	}
	if last := devNum(t, rows[len(rows)-1][0]); math.Abs(last-5e-6) > 1e-12 {
		t.Errorf("last current %g A, want 5e-6", last)
	}
}

func TestDevicePulseEndToEnd(t *testing.T) {
	out := filepath.Join(t.TempDir(), "pulse")
	so, _ := runOK(t, "device", "pulse", "--pulses", "6", "--seed", "2", "--out", out)
	if !strings.Contains(so, "latency") || !strings.Contains(so, "energy") {
		t.Errorf("stdout lacks latency/energy: %q", so)
	}
	requireFiles(t, out, "pulse.json", "params.json", "pulse_train.csv", "voltage_pulses.csv", "single_pulse.csv", "relaxation.csv",
		"pulse_train.png", "voltage_pulses.png", "voltage_pulses_r.png", "single_pulse.png", "relaxation.png",
		"pulse_train.svg", "single_pulse.svg")
	var s struct {
		Latency      float64  `json:"latency_s"`
		Energy       float64  `json:"energy_J"`
		PaperLatency float64  `json:"paper_latency_s"`
		PaperEnergy  float64  `json:"paper_energy_J"`
		Relaxation   *float64 `json:"relaxation_time_s"`
		Amplitude    float64  `json:"amplitude_V"`
		Width        float64  `json:"width_s"`
		Train        struct {
			Low, High struct {
				CV *float64 `json:"cv"`
			}
		} `json:"pulse_train"`
	}
	readJSON(t, filepath.Join(out, "pulse.json"), &s)
	if math.Abs(s.Latency/650e-9-1) > 0.15 {
		t.Errorf("latency %g s, want within 15 %% of 650 ns", s.Latency)
	}
	if math.Abs(s.Energy/0.5e-12-1) > 0.25 {
		t.Errorf("energy %g J, want within 25 %% of 0.5 pJ", s.Energy)
	}
	if s.PaperLatency != 650e-9 || s.PaperEnergy != 0.5e-12 || s.Amplitude != 2.3 || s.Width != 10e-6 {
		t.Errorf("pulse.json settings/paper values wrong: %+v", s)
	}
	if s.Relaxation == nil || *s.Relaxation <= 0 || s.Train.Low.CV == nil || s.Train.High.CV == nil {
		t.Errorf("pulse.json lacks relaxation time or pulse-to-pulse variation: %+v", s)
	}
	devWantHeader(t, filepath.Join(out, "pulse_train.csv"), "t_s", "i_A", "v_V", "r_ohm")
	devWantHeader(t, filepath.Join(out, "voltage_pulses.csv"), "t_s", "v_source_V", "v_V", "i_A", "r_ohm")
	rows := devWantHeader(t, filepath.Join(out, "single_pulse.csv"), "t_s", "v_source_V", "v_V", "i_A", "r_ohm")
	if len(rows) < 50 {
		t.Errorf("single_pulse.csv has only %d samples", len(rows))
	}
	devWantHeader(t, filepath.Join(out, "relaxation.csv"), "t_s", "r_ohm")
}

func TestDeviceTFTEndToEnd(t *testing.T) {
	out := filepath.Join(t.TempDir(), "tft")
	runOK(t, "device", "tft", "--devices", "20", "--seed", "4", "--out", out)
	requireFiles(t, out, "tft_transfer.csv", "tft_output.csv", "tft_vth.csv", "tft.json", "params.json",
		"tft_transfer.png", "tft_output.png", "tft_vth.png", "tft_transfer_devices.png", "tft_transfer.svg")
	rows := devWantHeader(t, filepath.Join(out, "tft_transfer.csv"), "vds_V", "vgs_V", "id_A")
	// Transfer curves rise by many decades from off to on.
	lo, hi := math.Inf(1), 0.0
	for _, r := range rows {
		id := devNum(t, r[2])
		lo, hi = math.Min(lo, id), math.Max(hi, id)
	}
	if hi/lo < 1e6 {
		t.Errorf("transfer curves span only %g..%g A", lo, hi)
	}
	devWantHeader(t, filepath.Join(out, "tft_output.csv"), "vgs_V", "vds_V", "id_A")
	rows = devWantHeader(t, filepath.Join(out, "tft_vth.csv"), "device", "v_th_V")
	if len(rows) != 20 {
		t.Fatalf("tft_vth.csv has %d rows, want 20", len(rows))
	}
	var vs []float64
	for _, r := range rows {
		vs = append(vs, devNum(t, r[1]))
	}
	s := device.Summarize(vs)
	// σ of 20 draws of σ = 0.038 V: the 99.9 % range is about ±45 %.
	if math.Abs(s.Mean-1) > 0.05 || s.Std < 0.02 || s.Std > 0.06 {
		t.Errorf("threshold mean %g V, sigma %g V", s.Mean, s.Std)
	}
}

// devWriteRIData writes n synthetic R(I) points of the model m with 2 %
// multiplicative noise, log-spaced over 0.1–5 µA.
func devWriteRIData(t *testing.T, path string, m device.Memristor, n int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 8))
	var b strings.Builder
	b.WriteString("# synthetic R(I) data\ni_A,r_ohm\n")
	for k := 0; k < n; k++ {
		i := 0.1e-6 * math.Pow(50, float64(k)/float64(n-1))
		_, _, r, err := m.SteadyStateAtCurrent(i)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%g,%g\n", i, r*(1+0.02*rng.NormFloat64()))
	}
	writeFile(t, path, b.String())
}

// fitSynthetic writes n synthetic R(I) points of the default memristor
// with the threshold vth and r_d rd (devWriteRIData) into
// dir/measured.csv and fits vth and rd to them with device fit into
// dir/fit; it returns the memristor and the fit's folder.
func fitSynthetic(t *testing.T, dir string, vth, rd float64, n int) (device.Memristor, string) {
	t.Helper()
	truth := device.DefaultMemristor()
	truth.Vth, truth.RD = vth, rd
	data := filepath.Join(dir, "measured.csv")
	devWriteRIData(t, data, truth, n)
	out := filepath.Join(dir, "fit")
	runOK(t, "device", "fit", "--data", data, "--free", "vth,rd", "--out", out)
	return truth, out
}

func TestDeviceFitRecoversParameters(t *testing.T) {
	tmp := t.TempDir()
	truth, out := fitSynthetic(t, tmp, 1.8, 0.25e6, 40)
	requireFiles(t, out, "params.json", "fit.json", "fit.csv", "fit_curve.csv", "fit.png", "fit.svg")
	p, err := device.LoadParams(filepath.Join(out, "params.json"))
	if err != nil {
		t.Fatalf("params.json of fit does not load: %v", err)
	}
	if math.Abs(p.Memristor.Vth/truth.Vth-1) > 0.05 || math.Abs(p.Memristor.RD/truth.RD-1) > 0.05 {
		t.Errorf("fit Vth = %g V, RD = %g Ω; truth %g V, %g Ω", p.Memristor.Vth, p.Memristor.RD, truth.Vth, truth.RD)
	}
	var s struct {
		RMS    float64            `json:"rms_log10_r"`
		Start  map[string]float64 `json:"start"`
		Fitted map[string]float64 `json:"fitted"`
	}
	readJSON(t, filepath.Join(out, "fit.json"), &s)
	if s.RMS <= 0 || s.RMS > 0.02 || s.Start["v_th_V"] != device.DefaultMemristor().Vth || s.Fitted["r_d_ohm"] != p.Memristor.RD {
		t.Errorf("fit.json: %+v", s)
	}
	rows := devWantHeader(t, filepath.Join(out, "fit.csv"), "i_A", "r_ohm", "r_fit_ohm")
	if len(rows) != 40 {
		t.Errorf("fit.csv has %d rows, want 40", len(rows))
	}
	// The fitted parameters drive the other commands.
	sweep := filepath.Join(tmp, "sweep")
	runOK(t, "device", "sweep", "--points", "6", "--params", filepath.Join(out, "params.json"), "--out", sweep)
	var sp struct {
		Memristor struct {
			Vth float64 `json:"v_th_V"`
		} `json:"memristor"`
	}
	readJSON(t, filepath.Join(sweep, "params.json"), &sp)
	if sp.Memristor.Vth != p.Memristor.Vth {
		t.Errorf("sweep ran with Vth %g V, want the fitted %g V", sp.Memristor.Vth, p.Memristor.Vth)
	}
	// An I-V file works too.
	var b strings.Builder
	b.WriteString("v_V,i_A\n-1,-1e-9\n0,0\n")
	for k := 1; k <= 12; k++ {
		i := 0.4e-6 * float64(k)
		_, v, _, _ := truth.SteadyStateAtCurrent(i)
		fmt.Fprintf(&b, "%g,%g\n", v, i)
	}
	runOK(t, "device", "fit", "--data", writeFile(t, filepath.Join(tmp, "iv.csv"), b.String()), "--out", filepath.Join(tmp, "fitiv"))
}

func TestDeviceBadArguments(t *testing.T) {
	tmp := t.TempDir()
	bad := writeFile(t, filepath.Join(tmp, "bad.csv"), "i_A,r_ohm\n1e-7,2e7\n2e-7,1e7\n3e-7,abc\n")
	badKey := writeFile(t, filepath.Join(tmp, "badkey.json"), `{"memristor": {"vth": 2}}`)
	badVal := writeFile(t, filepath.Join(tmp, "badval.json"), `{"memristor": {"r_d_ohm": -5}}`)
	missing := filepath.Join(tmp, "nosuch.json")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"device"}, 2, "missing sub-command"},
		{[]string{"device", "nosuch"}, 2, `unknown sub-command "nosuch"`},
		{[]string{"device", "iv", "--cycles", "0"}, 2, "cycles"},
		{[]string{"device", "iv", "--icc", "-1"}, 2, "icc"},
		{[]string{"device", "iv", "--vneg", "1"}, 2, "v_neg"},
		{[]string{"device", "iv", "--cycles", "x"}, 2, "invalid value"},
		{[]string{"device", "iv", "stray"}, 2, "unexpected argument"},
		{[]string{"device", "sweep", "--points", "1"}, 2, "points"},
		{[]string{"device", "sweep", "--imax", "0"}, 2, "i_max"},
		{[]string{"device", "pulse", "--width", "0"}, 2, "width"},
		{[]string{"device", "tft", "--devices", "0"}, 2, "devices"},
		{[]string{"device", "fit"}, 2, "--data"},
		{[]string{"device", "fit", "--data", bad, "--free", "vth,bogus"}, 2, `unknown fit parameter "bogus"`},
		{[]string{"device", "fit", "--data", bad, "--out", "@OUT"}, 1, "bad.csv:4"},
		{[]string{"device", "fit", "--data", filepath.Join(tmp, "none.csv"), "--out", "@OUT"}, 1, "none.csv"},
		{[]string{"device", "iv", "--params", missing, "--out", "@OUT"}, 1, "nosuch.json"},
		{[]string{"device", "sweep", "--params", badKey, "--out", "@OUT"}, 1, `unknown field "vth"`},
		{[]string{"device", "tft", "--params", badVal, "--out", "@OUT"}, 1, "r_d_ohm"},
	}
	for _, tc := range tests {
		out := ""
		for i, a := range tc.args {
			if a == "@OUT" {
				out = filepath.Join(t.TempDir(), "o")
				tc.args[i] = out
			}
		}
		wantOneLine(t, tc.args, wantExit(t, tc.code, tc.args, tc.want))
		if out != "" {
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%v: output folder created although the command failed", tc.args)
			}
		}
	}
	// The bad-CSV message names the file and line, for the fit data and
	// for the named params key.
	if _, _, se := runCode("device", "fit", "--data", bad, "--out", filepath.Join(tmp, "x")); !strings.Contains(se, bad+":4:") || !strings.Contains(se, `"abc"`) {
		t.Errorf("bad CSV message %q should name %s:4 and the bad field", se, bad)
	}
}

func TestDeviceHelp(t *testing.T) {
	so, _ := runOK(t, "device", "--help")
	for _, s := range groups["device"] {
		if !strings.Contains(so, "  "+s.name+" ") {
			t.Errorf("device --help does not list %s: %q", s.name, so)
		}
		code, h, e := runCode("device", s.name, "--help")
		if code != 0 {
			t.Errorf("device %s --help: exit %d %s", s.name, code, e)
		}
		if !strings.Contains(h, "Usage: mrelu device "+s.name) || strings.Count(h, "Example:") != 1 || !strings.Contains(h, "mrelu device "+s.name+" ") ||
			!strings.Contains(h, "-out") || !strings.Contains(h, "-force") || !strings.Contains(h, "-params") {
			t.Errorf("device %s --help: %q", s.name, h)
		}
		if withSeed := s.name == "iv" || s.name == "pulse" || s.name == "tft"; withSeed != strings.Contains(h, "-seed") {
			t.Errorf("device %s --help: --seed offered = %v, want %v", s.name, !withSeed, withSeed)
		}
	}
	if code, so, _ := runCode("help", "device"); code != 0 || !strings.Contains(so, "Sub-commands") {
		t.Errorf("help device: exit %d, %q", code, so)
	}
}
