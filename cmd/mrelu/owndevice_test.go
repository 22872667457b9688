package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/params"
)

// writePowerLawCSV writes a measured-looking R(I) CSV (issue 13):
// R = r1·(I/1 µA)^exp Ω at 30 currents log-spaced from 0.1 to 8 µA with
// 5 % Gaussian noise from a fixed seed.
func writePowerLawCSV(t *testing.T, path string, r1, exp float64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(13, 7))
	var b strings.Builder
	b.WriteString("i_A,r_ohm\n")
	for k := 0; k < 30; k++ {
		i := 0.1e-6 * math.Pow(80, float64(k)/29)
		r := r1 * math.Pow(i/1e-6, exp) * (1 + 0.05*rng.NormFloat64())
		fmt.Fprintf(&b, "%.6g,%.6g\n", i, r)
	}
	writeFile(t, path, b.String())
}

// hostileDevices are the two power-law devices of issue 13 (R = r1·(I/1
// µA)^exp, writePowerLawCSV) that make no working ReLU at VDD = 2 V.
var hostileDevices = []struct {
	name    string
	r1, exp float64
}{{"steep", 2e5, -0.9}, {"shallow", 2e6, -0.5}}

// eachHostileDevice runs check as a subtest per hostile device, with its
// measured-looking R(I) CSV written into dir.
func eachHostileDevice(t *testing.T, dir string, check func(t *testing.T, name, csv string)) {
	for _, dev := range hostileDevices {
		t.Run(dev.name, func(t *testing.T) {
			csv := filepath.Join(dir, dev.name+".csv")
			writePowerLawCSV(t, csv, dev.r1, dev.exp)
			check(t, dev.name, csv)
		})
	}
}

// TestHostileDevices (issue 13, "done when"): the two power-law devices,
// fitted by `device fit`, get a clear verdict from `neuron check` (exit 1,
// why in physical terms, what would work) and are refused by paper,
// fig4, edges and train before any work (exit 1, the same verdict, no
// output folder).
func TestHostileDevices(t *testing.T) {
	dir := t.TempDir()
	data := tinyData(t)
	want := map[string]struct {
		why  []string
		vthV float64 // the fit's threshold, roughly
	}{
		"steep":   {[]string{"far below VDD", "always on", "rests at", "Vth ≈ VDD − 20 mV"}, 0.16},
		"shallow": {[]string{"below VDD", "rests at", "margin VDD − Vth ≈ 20 mV", "reaches only", "r_d"}, 1.87},
	}
	eachHostileDevice(t, dir, func(t *testing.T, name, csv string) {
		dev := want[name]
		fit := filepath.Join(dir, name+"-fit")
		runOK(t, "device", "fit", "--data", csv, "--out", fit)
		pf := filepath.Join(fit, "params.json")
		s, err := params.Load(pf)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(s.Device.Memristor.Vth-dev.vthV) > 0.05 {
			t.Errorf("fitted Vth %g V, want ≈ %g V", s.Device.Memristor.Vth, dev.vthV)
		}
		// The fit flags r_d at the lower bound of its search and
		// gives uncertainties and a verdict.
		var fj struct {
			AtBound     map[string]string   `json:"at_bound"`
			Uncertainty map[string]*float64 `json:"uncertainty"`
			Verdict     string              `json:"verdict"`
			Fixed       map[string]float64  `json:"fixed"`
		}
		readJSON(t, filepath.Join(fit, "fit.json"), &fj)
		if fj.AtBound["r_d_ohm"] != "lower" || fj.Uncertainty["v_th_V"] == nil || fj.Verdict == "" || fj.Verdict == "good" {
			t.Errorf("fit.json quality: %+v", fj)
		}
		if _, ok := fj.Fixed["tau_set_s"]; !ok {
			t.Errorf("fit.json does not list tau_set_s as fixed: %v", fj.Fixed)
		}
		if _, err := os.Stat(filepath.Join(fit, "fit_residuals.png")); err != nil {
			t.Error(err)
		}

		out := filepath.Join(dir, name+"-check")
		code, so, se := runCode("neuron", "check", "--params", pf, "--out", out)
		if code != 1 {
			t.Fatalf("neuron check: exit %d, want 1\n%s%s", code, so, se)
		}
		verdict := strings.TrimPrefix(strings.TrimSpace(se), "mrelu: neuron check: ")
		if strings.Count(strings.TrimSpace(se), "\n") > 0 {
			t.Errorf("verdict is not one line: %q", se)
		}
		for _, w := range append(dev.why, "not a working ReLU neuron at VDD = 2 V", "try ") {
			if !strings.Contains(verdict, w) {
				t.Errorf("verdict lacks %q: %s", w, verdict)
			}
		}
		if !strings.Contains(so, "FAIL off level") {
			t.Errorf("stdout does not show the failed off level:\n%s", so)
		}
		var cj map[string]any
		readJSON(t, filepath.Join(out, "check.json"), &cj)
		if cj["viable"] != false || cj["try"] == nil {
			t.Errorf("check.json: viable %v, try %v", cj["viable"], cj["try"])
		}

		requireRefused(t, dir, name, pf, verdict, [][]string{
			{"paper", "--quick", "--data", data},
			{"fig4", "--data", data, "--epochs", "1", "--hidden", "8"},
			{"edges", "--plots=false"},
			{"train", "--act", "mrelu", "--data", data, "--epochs", "1", "--hidden", "8"},
			{"train", "--act", "mrelu-ideal", "--data", data, "--epochs", "1", "--hidden", "8"},
		})
	})
	// A --vdd that matches neither suggestion: the default device at
	// 1.9 V (threshold above VDD).
	code, _, se := runCode("neuron", "check", "--vdd", "1.9", "--out", filepath.Join(dir, "vdd19"))
	if code != 1 || !strings.Contains(se, "above VDD") || !strings.Contains(se, "try --vdd 2 ") {
		t.Errorf("neuron check --vdd 1.9: exit %d, %q", code, se)
	}
	// The fix suggested for the shallow device (--vdd 1.89 and r_d ≈ 210
	// kΩ) works.
	s, err := params.Load(filepath.Join(dir, "shallow-fit", "params.json"))
	if err != nil {
		t.Fatal(err)
	}
	s.Device.Memristor.RD = 2.1e5
	fixed := filepath.Join(dir, "fixed.json")
	if err := params.Save(fixed, s, nil); err != nil {
		t.Fatal(err)
	}
	runOK(t, "neuron", "check", "--params", fixed, "--vdd", "1.89", "--out", filepath.Join(dir, "x1"))
}

// TestNeuronCheckDefault: the default device is viable, exit 0, every
// criterion ok, check.json without NaN.
func TestNeuronCheckDefault(t *testing.T) {
	out := filepath.Join(t.TempDir(), "c")
	code, so, se := runCode("neuron", "check", "--out", out)
	if code != 0 || !strings.Contains(so, "viable: a working ReLU at VDD = 2 V") || strings.Contains(so, "FAIL") {
		t.Fatalf("exit %d\n%s%s", code, so, se)
	}
	var v struct {
		Viable bool     `json:"viable"`
		Margin float64  `json:"margin_V"`
		Knee   *float64 `json:"knee_A"`
	}
	if readJSON(t, filepath.Join(out, "check.json"), &v); !v.Viable || math.Abs(v.Margin-0.02) > 1e-9 || v.Knee == nil || *v.Knee > 0.1e-6 {
		t.Errorf("check.json: %+v", v)
	}
	if _, err := params.Load(filepath.Join(out, "params.json")); err != nil {
		t.Error(err)
	}
	// --vdd is a usage error when not a positive number.
	if code, _, se := runCode("neuron", "check", "--vdd", "-1", "--out", filepath.Join(t.TempDir(), "x")); code != 2 || !strings.Contains(se, "--vdd") {
		t.Errorf("--vdd -1: exit %d, %q", code, se)
	}
}

// TestParamsFromEveryRun (issue 13, "done when"): the params.json of a
// paper (--quick), neuron transfer, edges, fig4 and train run, and of
// device fit, is accepted by every command that takes --params. paper,
// fig4 and train are shown to accept it up to the data set (a missing
// --data folder is the error, after the parameters and the neuron check);
// one train run goes through.
func TestParamsFromEveryRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every command")
	}
	dir, data, img := paperInputs(t)
	csv := filepath.Join(dir, "r.csv")
	runOK(t, "device", "sweep", "--points", "12", "--out", filepath.Join(dir, "sweep"))
	if err := copyFile(filepath.Join(dir, "sweep", "r_vs_i.csv"), csv); err != nil {
		t.Fatal(err)
	}
	tiny := []string{"--data", data, "--epochs", "1", "--hidden", "8", "--batch", "30"}
	runs := map[string][]string{
		"paper":    {"paper", "--quick", "--image", img, "--ngspice=false", "--data", data, "--epochs", "1"},
		"transfer": {"neuron", "transfer", "--points", "51", "--plots=false"},
		"edges":    {"edges", "--image", img, "--plots=false"},
		"fig4":     append([]string{"fig4", "--acts", "relu,mrelu-ideal", "--sweep", "0"}, tiny...),
		"train":    append([]string{"train", "--act", "mrelu-ideal"}, tiny...),
		"fit":      {"device", "fit", "--data", csv},
	}
	files := map[string]string{}
	for name, args := range runs {
		out := filepath.Join(dir, "run-"+name)
		runOK(t, append(args, "--out", out)...)
		files[name] = filepath.Join(out, "params.json")
		if _, err := params.Load(files[name]); err != nil {
			t.Fatalf("%s run's params.json: %v", name, err)
		}
	}
	missing := filepath.Join(dir, "no-such-data")
	consumers := [][]string{
		{"device", "sweep", "--points", "5"},
		{"device", "tft", "--devices", "2"},
		{"device", "fit", "--data", csv},
		{"neuron", "check"},
		{"neuron", "transfer", "--points", "21", "--plots=false"},
		{"neuron", "spice", "--points", "21", "--plots=false"},
		{"edges", "--image", img, "--plots=false"},
	}
	for name, pf := range files {
		for k, args := range consumers {
			runOK(t, append(args, "--params", pf, "--out", filepath.Join(dir, fmt.Sprintf("use-%s-%d", name, k)))...)
		}
		// Up to the data: the error names the data folder, not the file.
		for _, args := range [][]string{
			{"paper", "--quick", "--data", missing},
			{"fig4", "--data", missing},
			{"train", "--act", "mrelu", "--data", missing},
		} {
			code, _, se := runCode(append(args, "--params", pf, "--out", filepath.Join(dir, "x-"+name+"-"+args[0]))...)
			if code != 1 || !strings.Contains(se, "no-such-data") || strings.Contains(se, "--params") {
				t.Errorf("%s --params %s run's params.json: exit %d, %q; want the missing data to be the error", args[0], name, code, se)
			}
		}
	}
	runOK(t, append([]string{"train", "--act", "mrelu", "--params", files["paper"], "--out", filepath.Join(dir, "train-from-paper")}, tiny...)...)
}

// requireRefused runs each command line with --params pf and checks it
// refuses (exit 1) with the verdict of neuron check, before creating its
// output folder.
func requireRefused(t *testing.T, dir, name, pf, verdict string, cmds [][]string) {
	t.Helper()
	for _, args := range cmds {
		o := filepath.Join(dir, name+"-"+args[0])
		code, so, se := runCode(append(args, "--params", pf, "--out", o)...)
		if code != 1 || !strings.Contains(se, verdict) {
			t.Errorf("%s: exit %d, want 1 with the verdict of neuron check; stderr %q stdout %q", args[0], code, se, so)
		}
		if _, err := os.Stat(o); !os.IsNotExist(err) {
			t.Errorf("%s: the output folder exists: the run did work before refusing", args[0])
		}
	}
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}

// TestPaperKeepsCompletedStages (issue 13, item 2): a paper run whose
// step 10 (fig4) fails on a truncated test-label file keeps steps 1-9's
// folders, names the failed step (exit 1) and writes partial.json and a
// report.html marking the failed step.
func TestPaperKeepsCompletedStages(t *testing.T) {
	dir, data, img := paperInputs(t)
	if err := os.Truncate(filepath.Join(data, "t10k-labels-idx1-ubyte"), 50); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "p")
	code, _, se := runCode("paper", "--quick", "--data", data, "--epochs", "1", "--image", img, "--ngspice=false", "--out", out)
	if code != 1 || !strings.Contains(se, "step 10/13 (fig4) failed") || !strings.Contains(se, "truncated") || !strings.Contains(se, "9 completed stages") {
		t.Fatalf("exit %d, %q", code, se)
	}
	var p struct {
		Failed    string   `json:"failed_stage"`
		Completed []string `json:"completed"`
		NotRun    []string `json:"not_run"`
	}
	readJSON(t, filepath.Join(out, "partial.json"), &p)
	if p.Failed != "fig4" || len(p.Completed) != 9 || len(p.NotRun) != 3 {
		t.Errorf("partial.json: %+v", p)
	}
	for _, f := range []string{"device/iv/iv.csv", "device/pulse/pulse.json", "neuron/transfer/transfer.csv", "neuron/montecarlo-trim/montecarlo.json", "params.json", "report.html"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("completed stage's %s not kept: %v", f, err)
		}
	}
	for _, f := range []string{"fig4", "edges", "summary.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err == nil {
			t.Errorf("%s written by a run that failed before it", f)
		}
	}
	if _, err := params.Load(filepath.Join(out, "params.json")); err != nil {
		t.Error(err)
	}
	h, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil || !strings.Contains(string(h), "FAILED at step 10/13, fig4") || !strings.Contains(string(h), "data:image/png") {
		t.Errorf("report.html does not mark the failed step or show the completed figures: %v", err)
	}
}
