package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/params"
)

// TestCompare (issue 13 item 7, "done when"): `mrelu compare` of the
// default device's params.json and a device fitted by `device fit` to a
// compact-model R(I) with another Vth and r_d, at --vdd 1.92 V (the
// fitted device's working supply; the default device is not viable
// there), --quick on the tiny data set. compare.json has a column per
// device and the paper, every value a number or null; the PNGs exist;
// compare.html loads in headless Chromium with every image decoded, no
// console message, and its table has one column per device and the paper.
func TestCompare(t *testing.T) {
	dir := t.TempDir()
	data := tinyData(t)
	def := filepath.Join(dir, "default-device.json")
	if err := params.Save(def, params.Default(), nil); err != nil {
		t.Fatal(err)
	}
	_, fit := fitSynthetic(t, dir, 1.9, 2.5e5, 30)

	out := filepath.Join(dir, "cmp")
	so, se := runOK(t, "compare", def, filepath.Join(fit, "params.json"), "--vdd", "1.92", "--quick", "--data", data, "--out", out)
	if !strings.Contains(so, "compare.html") || !strings.Contains(se, "compare [3/3] fit") {
		t.Errorf("stdout/stderr do not name the report or the devices:\n%s\n%s", so, se)
	}
	var j struct {
		Columns    []string `json:"columns"`
		Quantities []struct {
			Key    string            `json:"key"`
			Values []json.RawMessage `json:"values"`
			Texts  []string          `json:"texts"`
		} `json:"quantities"`
		Devices []struct {
			Name     string            `json:"name"`
			Source   string            `json:"source"`
			Viable   bool              `json:"viable"`
			Accuracy []float64         `json:"test_accuracy_per_epoch"`
			Errors   map[string]string `json:"errors"`
			Params   struct {
				Memristor struct {
					Vth float64 `json:"v_th_V"`
					RD  float64 `json:"r_d_ohm"`
				} `json:"memristor"`
				Neuron struct {
					VDD float64 `json:"vdd_V"`
				} `json:"neuron"`
			} `json:"params"`
		} `json:"devices"`
		Figures []string `json:"figures"`
	}
	readJSON(t, filepath.Join(out, "compare.json"), &j)
	want := []string{"default", "default-device", "fit", "paper"}
	if strings.Join(j.Columns, ",") != strings.Join(want, ",") || len(j.Devices) != 3 {
		t.Fatalf("columns %q, %d devices; want %q", j.Columns, len(j.Devices), want)
	}
	vals := map[string][]float64{}
	for _, q := range j.Quantities {
		if n := len(q.Values) + len(q.Texts); n != len(want) {
			t.Errorf("%s: %d cells for %d columns", q.Key, n, len(want))
		}
		for _, raw := range q.Values {
			v := math.NaN()
			if string(raw) != "null" {
				if err := json.Unmarshal(raw, &v); err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
					t.Errorf("%s: value %s is neither a finite number nor null", q.Key, raw)
				}
			}
			vals[q.Key] = append(vals[q.Key], v)
		}
	}
	d, dd, f := j.Devices[0], j.Devices[1], j.Devices[2]
	if math.Abs(f.Params.Memristor.Vth-1.9) > 0.02 || math.Abs(f.Params.Memristor.RD/2.5e5-1) > 0.05 || f.Params.Neuron.VDD != 1.92 {
		t.Errorf("fitted device Vth %g V, r_d %g Ω, VDD %g V; want ≈ 1.9 V, 250 kΩ, 1.92 V", f.Params.Memristor.Vth, f.Params.Memristor.RD, f.Params.Neuron.VDD)
	}
	if !d.Viable || !f.Viable || len(d.Accuracy) != 3 || len(f.Accuracy) != 3 {
		t.Errorf("default viable %v (%d epochs), fit viable %v (%d epochs)", d.Viable, len(d.Accuracy), f.Viable, len(f.Accuracy))
	}
	// The default device at 1.92 V: its threshold 1.98 V lies above VDD.
	if dd.Viable || !strings.HasPrefix(dd.Errors["train"], "not viable: ") || dd.Params.Neuron.VDD != 1.92 {
		t.Errorf("default device at --vdd 1.92: viable %v, train %q", dd.Viable, dd.Errors["train"])
	}
	finite := func(key string, want ...bool) {
		for k, w := range want {
			if got := !math.IsNaN(vals[key][k]); got != w {
				t.Errorf("%s[%s] = %g: finite %v, want %v", key, j.Columns[k], vals[key][k], got, w)
			}
		}
	}
	finite("device_latency_s", true, true, true, true)
	finite("energy_memristor_J", true, false, true, true) // never switches at 1.92 V: no activation, no energy
	finite("test_accuracy", true, false, true, false)
	finite("r_low_ohm", true, true, true, false)
	// The fitted device's lower r_d: a larger current for 90 % of VDD.
	if i := vals["i90_A"]; !(i[2] > 1.1*i[0]) {
		t.Errorf("I90 default %g A, fit %g A", i[0], i[2])
	}
	if len(j.Figures) != 5 {
		t.Errorf("figures %q", j.Figures)
	}
	for _, fig := range j.Figures {
		if st, err := os.Stat(filepath.Join(out, fig)); err != nil || st.Size() < 1000 {
			t.Errorf("%s: %v", fig, err)
		}
	}

	t.Run("chromium", func(t *testing.T) {
		bin := requireChromium(t, "the browser check of compare.html")
		// One load: the page's own image check, the console, the table.
		// (TestPaper checks that this harness catches a broken image and
		// a console error.)
		dom, log := dumpDOM(t, bin, filepath.Join(out, "compare.html"))
		total, loaded, failed, console := readRender(t, dom, log)
		if total != len(j.Figures) || loaded != total {
			t.Errorf("chromium: %d of %d images decoded (want %d); failed: %q", loaded, total, len(j.Figures), failed)
		}
		if len(console) > 0 {
			t.Errorf("console messages while loading compare.html:\n%s", strings.Join(console, "\n"))
		}
		head := regexp.MustCompile(`(?s)<caption>devices side by side</caption><thead><tr>(.*?)</tr></thead>`).FindStringSubmatch(dom)
		if head == nil {
			t.Fatal("no devices table in the rendered page")
		}
		var cols []string
		for _, m := range regexp.MustCompile(`<th>([^<]*)</th>`).FindAllStringSubmatch(head[1], -1) {
			cols = append(cols, m[1])
		}
		if strings.Join(cols, ",") != "quantity,"+strings.Join(want, ",") {
			t.Errorf("rendered table columns %q, want quantity and %q", cols, want)
		}
	})
}

// TestCompareErrors: a bad file is named (exit 1), a bad command line is
// exit 2, and neither creates the output folder.
func TestCompareErrors(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, filepath.Join(dir, "bad.json"), `{"memristor": {"r_d_ohm": -5}}`)
	good := filepath.Join(dir, "good.json")
	if err := params.Save(good, params.Default(), nil); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{bad}, 1, "mrelu: compare: " + bad},
		{[]string{filepath.Join(dir, "none.json")}, 1, "none.json"},
		{[]string{}, 2, "no parameter file"},
		{[]string{good, good}, 2, "used twice"},
		{[]string{good, "--names", "a,b"}, 2, "2 names for 1 files"},
		{[]string{good, "--vdd", "-1"}, 2, "--vdd"},
	} {
		if se := wantExit(t, tc.code, append(append([]string{"compare"}, tc.args...), "--out", out), tc.want); !strings.HasPrefix(se, "mrelu: compare: ") {
			t.Errorf("%q: stderr %q does not start with mrelu: compare:", tc.args, se)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%q: the output folder was created", tc.args)
		}
	}
}
