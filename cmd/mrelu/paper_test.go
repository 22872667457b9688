package main

import (
	"bytes"
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mrelu/mrelu/device"
)

// paperSummary is the part of summary.json the tests read.
type paperSummary struct {
	Mode       string   `json:"mode"`
	Quick      bool     `json:"quick"`
	QuickNotes []string `json:"quick_differences"`
	ParamsFile string   `json:"params_file"`
	Headlines  []struct {
		Key   string   `json:"key"`
		Ours  *float64 `json:"ours"`
		Paper *float64 `json:"paper"`
	} `json:"headlines"`
	Figures []string `json:"figures"`
	Parts   struct {
		Fig4 struct {
			Neuron map[string]float64 `json:"neuron"`
		} `json:"fig4"`
		Edges struct {
			Neuron struct {
				Slope float64 `json:"slope_V_per_A"`
			} `json:"neuron"`
		} `json:"edges"`
	} `json:"parts"`
	Params struct {
		Memristor map[string]any `json:"memristor"`
		Neuron    map[string]any `json:"neuron"`
	} `json:"params"`
}

func readPaperSummary(t *testing.T, dir string) (paperSummary, map[string]float64) {
	t.Helper()
	var s paperSummary
	readSummary(t, dir, &s)
	v := map[string]float64{}
	for _, h := range s.Headlines {
		if h.Ours != nil {
			v[h.Key] = *h.Ours
		} else {
			v[h.Key] = math.NaN()
		}
	}
	return s, v
}

// TestPaper runs `mrelu paper --quick` end to end on a tiny data set
// (one epoch), then checks its files, opens report.html in headless
// Chromium, and reruns it with a parameter file to see the numbers move.
func TestPaper(t *testing.T) {
	base, data, img := paperInputs(t)
	def := filepath.Join(base, "default")
	common := []string{"paper", "--quick", "--data", data, "--epochs", "1", "--image", img}
	so, se := runOK(t, append(common, "--out", def)...)
	s, vals := readPaperSummary(t, def)

	t.Run("files", func(t *testing.T) {
		if s.Mode != "quick" || !s.Quick || len(s.QuickNotes) == 0 {
			t.Errorf("mode %q quick %v notes %q", s.Mode, s.Quick, s.QuickNotes)
		}
		if !strings.Contains(so, "quick: Fig. 4: 1 training epochs") || !strings.Contains(so, "report.html") {
			t.Errorf("stdout does not say the run is quick or where the report is:\n%s", so)
		}
		for k := 1; k <= 13; k++ {
			if !strings.Contains(se, "paper ["+strconv.Itoa(k)+"/13]") {
				t.Errorf("no progress line for stage %d", k)
			}
		}
		for _, key := range []string{"device.set_median_V", "device.hold_median_V", "device.latency_s", "device.energy_J", "device.r_first_ohm",
			"device.tft_vth_sigma_V", "neuron.i90_A", "neuron.r2", "neuron.off_level_V", "neuron.latency_s", "neuron.energy_J",
			"fig4.accuracy.sigmoid", "fig4.accuracy.relu", "fig4.accuracy.mrelu", "fig4.accuracy.mrelu-ideal", "fig4.variation.9.9",
			"edges.pearson.vertical", "edges.pearson.lateral", "edges.pearson_variation.vertical",
			"energy.device.total_per_inference_J", "energy.circuit.total_per_inference_J", "energy.device.crossbar_per_inference_J",
			"energy.ratio_vo2_over_ours", "energy.crossbar_accuracy"} {
			if v, ok := vals[key]; !ok || math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("headline %s missing or not a number: %v", key, v)
			}
		}
		if _, err := exec.LookPath("ngspice"); err == nil && math.IsNaN(vals["neuron.ngspice_max_diff_V"]) {
			t.Error("ngspice is installed but the cross-check has no number")
		}
		if v := vals["device.latency_s"]; v < 600e-9 || v > 700e-9 {
			t.Errorf("device latency %g s, want ~650 ns", v)
		}
		requireFiles(t, def, "summary.json", "report.html", "params.json", "device_params.json",
			"device/iv/iv.csv", "device/iv/params.json", "device/sweep/r_vs_i.csv", "device/pulse/pulse.json", "device/tft/tft.json",
			"neuron/transfer/transfer.csv", "neuron/pulse/pulse.json", "neuron/spice/mrelu.cir", "neuron/montecarlo/montecarlo.json",
			"neuron/montecarlo-trim/montecarlo.json", "fig4/summary.json", "fig4/fig4_variation.csv", "edges/edges.json",
			"edges/variation/edges.json", "energy/energy.json", "energy/energy.csv", "table1/table1.csv", "table1/table1.json", "table1/table1.html")
		if len(s.Figures) < 25 {
			t.Errorf("%d figures in the report", len(s.Figures))
		}
		for _, f := range s.Figures {
			for _, ext := range []string{".png", ".svg"} {
				if _, err := os.Stat(filepath.Join(def, strings.TrimSuffix(f, ".png")+ext)); err != nil {
					t.Errorf("figure %s: %v", f, err)
				}
			}
		}
		page := readString(t, filepath.Join(def, "report.html"))
		srcs := regexp.MustCompile(`<img\s+(?:[^>]*\s)?src="([^"]*)"`).FindAllStringSubmatch(page, -1)
		if len(srcs) != len(s.Figures) {
			t.Errorf("%d images in report.html, %d figures in summary.json", len(srcs), len(s.Figures))
		}
		for _, m := range srcs {
			if !strings.HasPrefix(m[1], "data:image/png;base64,") {
				t.Errorf("image %.50q is not embedded", m[1])
			}
		}
		for _, bad := range []string{"http://", "https://", "<link rel=\"stylesheet\"", "<script src"} {
			if strings.Contains(page, bad) {
				t.Errorf("report.html refers to an external resource (%q)", bad)
			}
		}
		for _, want := range []string{"Fig. 1f", "Fig. 3i", "Fig. 4c", "Fig. 4i", "Fig. 5", "Table 1", "Energy and latency", "mrelu device iv --cycles 50 --seed 1", "Quick run"} {
			if !strings.Contains(page, want) {
				t.Errorf("report.html lacks %q", want)
			}
		}
		if _, err := exec.LookPath("ngspice"); err != nil && !strings.Contains(page, "ngspice cross-check not run") {
			t.Error("ngspice is missing but the report does not say the cross-check did not run")
		}
		// params.json reads back through --params and holds the defaults.
		d, np, err := loadNeuronParams(filepath.Join(def, "params.json"))
		if err != nil || d.Memristor.Vth != device.DefaultMemristor().Vth || np.VDD != 2 {
			t.Errorf("params.json: %v, Vth %g, VDD %g", err, d.Memristor.Vth, np.VDD)
		}
		if _, err := loadDeviceParams(filepath.Join(def, "device_params.json")); err != nil {
			t.Errorf("device_params.json: %v", err)
		}
	})

	t.Run("chromium", func(t *testing.T) {
		checkReportInChromium(t, filepath.Join(def, "report.html"), len(s.Figures))
	})

	t.Run("params move the numbers", func(t *testing.T) {
		// A device with a lower threshold and current-assist coefficient,
		// and the supply set to its threshold.
		pf := writeFile(t, filepath.Join(base, "mydevice.json"), `{"memristor": {"v_th_V": 1.96, "r_d_ohm": 250000}, "neuron": {"vdd_V": 1.96}}`)
		mine := filepath.Join(base, "mine")
		so, _ := runOK(t, append(common, "--params", pf, "--out", mine)...)
		s2, v2 := readPaperSummary(t, mine)
		if s2.ParamsFile != pf || s2.Params.Memristor["v_th_V"] != 1.96 || s2.Params.Neuron["vdd_V"] != 1.96 {
			t.Errorf("summary records params %q %v %v", s2.ParamsFile, s2.Params.Memristor["v_th_V"], s2.Params.Neuron["vdd_V"])
		}
		if !strings.Contains(so, "report.html") {
			t.Error(so)
		}
		moved := func(key string, minRel float64) {
			a, b := vals[key], v2[key]
			if math.IsNaN(a) || math.IsNaN(b) || math.Abs(b-a) <= minRel*math.Abs(a) {
				t.Errorf("%s: %g with the defaults, %g with the file: did not move by %g %%", key, a, b, 100*minRel)
			}
		}
		// The device (set voltage ≈ Vth, hold ≈ Vth − RD·Icc), the neuron
		// (I90 ≈ 0.9·VDD/RD), Fig. 4's solved neuron, the edges' neuron and
		// the energy all see the file.
		moved("device.set_median_V", 0.005)
		moved("device.hold_median_V", 0.005)
		moved("device.latency_s", 0.01)
		moved("neuron.i90_A", 0.05)
		moved("neuron.slope_V_per_A", 0.05)
		moved("edges.pearson.vertical", 1e-5)
		moved("energy.device.neurons_per_inference_J", 0.01)
		a, b := s.Parts.Fig4.Neuron["i_at_90pct_vdd_A"], s2.Parts.Fig4.Neuron["i_at_90pct_vdd_A"]
		if !(b > 1.1*a) {
			t.Errorf("Fig. 4's neuron I90 %g with the file, %g without: the file did not reach Fig. 4", b, a)
		}
		if iu := s2.Parts.Fig4.Neuron["iunit_A"]; math.Abs(iu-0.75/(3*250e3)) > 1e-12 {
			t.Errorf("Fig. 4's network unit current %g A, want (1 − RD/RLoad)/(MirrorRatio·RD) = 1 µA", iu)
		}
		if x, y := s.Parts.Edges.Neuron.Slope, s2.Parts.Edges.Neuron.Slope; !(y < 0.9*x) {
			t.Errorf("edges' neuron slope %g with the file, %g without", y, x)
		}
		// Every part's own params.json records the file's values.
		for _, f := range []string{"device/iv/params.json", "neuron/transfer/params.json", "edges/params.json", "params.json"} {
			b, err := os.ReadFile(filepath.Join(mine, f))
			if err != nil || !strings.Contains(string(b), `"v_th_V": 1.96`) {
				t.Errorf("%s does not hold v_th_V 1.96: %v", f, err)
			}
		}
		h, _ := os.ReadFile(filepath.Join(mine, "report.html"))
		if !strings.Contains(string(h), "Your device") || !strings.Contains(string(h), "--params "+filepath.Join(mine, "device_params.json")) {
			t.Error("report.html does not say the run used the parameter file")
		}
	})
}

// checkReportInChromium renders page in headless Chromium and checks that
// all want images decoded (the page's own check writes
// <div id="imgcheck" data-total data-loaded>) and that the console stayed
// quiet. Without Chromium it skips, unless CI is set.
func checkReportInChromium(t *testing.T, page string, want int) {
	t.Helper()
	bin := requireChromium(t, "the browser check of report.html")
	total, loaded, failed, console := renderInChromium(t, bin, page)
	if total != want || loaded != total {
		t.Errorf("chromium: %d of %d images decoded (want %d); failed: %q", loaded, total, want, failed)
	}
	if len(console) > 0 {
		t.Errorf("console messages while loading report.html:\n%s", strings.Join(console, "\n"))
	}
	// The harness itself: a page with a broken image and a console error
	// must be caught.
	bad := writeFile(t, filepath.Join(t.TempDir(), "bad.html"), `<!DOCTYPE html><html><head><meta charset="utf-8"><script>console.error("planted error");</script></head><body>`+
		`<img src="data:image/png;base64,AAAA" data-file="broken.png"><script>`+imgCheckForTest+`</script></body></html>`)
	total, loaded, _, console = renderInChromium(t, bin, bad)
	if total != 1 || loaded != 0 || len(console) == 0 {
		t.Errorf("the check missed a planted failure: %d of %d images, console %q", loaded, total, console)
	}
}

// imgCheckForTest is the page's image check (report/html.go), for the
// control page.
const imgCheckForTest = `window.addEventListener("load",function(){var im=document.images,ok=0;for(var i=0;i<im.length;i++){if(im[i].complete&&im[i].naturalWidth>0){ok++}}var d=document.createElement("div");d.id="imgcheck";d.setAttribute("data-total",String(im.length));d.setAttribute("data-loaded",String(ok));document.body.appendChild(d)});`

// requireChromium returns the path of Chromium, or skips what needs it
// (a failure when CI is set).
func requireChromium(t *testing.T, what string) string {
	t.Helper()
	return requireTool(t, what, "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
}

// renderInChromium loads page headless, dumps the DOM after load and
// returns the image check and the console lines of the log.
func renderInChromium(t *testing.T, bin, page string) (total, loaded int, failed string, console []string) {
	t.Helper()
	dom, se := dumpDOM(t, bin, page)
	return readRender(t, dom, se)
}

// readRender reads the page's image check from the dumped DOM and the
// console lines from Chromium's log.
func readRender(t *testing.T, dom, se string) (total, loaded int, failed string, console []string) {
	t.Helper()
	for _, l := range strings.Split(se, "\n") {
		if strings.Contains(l, "CONSOLE") || strings.Contains(l, "Uncaught") {
			console = append(console, l)
		}
	}
	tag := regexp.MustCompile(`<div[^>]*id="imgcheck"[^>]*>`).FindString(dom)
	if tag == "" {
		t.Fatalf("chromium: no image check in the dumped DOM (%d bytes); stderr:\n%s", len(dom), se)
	}
	attr := func(name string) string {
		m := regexp.MustCompile(name + `="([^"]*)"`).FindStringSubmatch(tag)
		if m == nil {
			return ""
		}
		return m[1]
	}
	total, _ = strconv.Atoi(attr("data-total"))
	loaded, _ = strconv.Atoi(attr("data-loaded"))
	return total, loaded, attr("data-failed"), console
}

// dumpDOM loads page in headless Chromium and returns the DOM after load
// (its scripts run) and Chromium's log (stderr).
func dumpDOM(t *testing.T, bin, page string) (dom, log string) {
	t.Helper()
	abs, err := filepath.Abs(page)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--user-data-dir="+t.TempDir(), "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000",
		"--dump-dom", "file://"+abs)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, se.String())
	}
	return so.String(), se.String()
}

// TestPaperBadParams: a bad parameter file fails before any work, naming
// the key, and writes nothing.
func TestPaperBadParams(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ json, want string }{
		{`{"memristor": {"v_thh_V": 2}}`, "v_thh_V"},
		{`{"memristor": {"r_d_ohm": -5}}`, "r_d_ohm"},
		{`{"memristor": {"v_th_V": "two"}}`, "v_th_V"},
		{`{"tft": {"w_m": 0}}`, "w_m"},
		{`{"neuron": {"vdd": 2}}`, "vdd"},
		{`{"neuron": {"vdd_V": -1}}`, "vdd_V"},
		{`{"crossbar": {}}`, "crossbar"},
		{`{"memristor": {}} trailing`, "params"},
	} {
		pf := writeFile(t, filepath.Join(dir, "p.json"), tc.json)
		out := filepath.Join(dir, "out")
		wantExit(t, 1, []string{"paper", "--quick", "--params", pf, "--out", out}, tc.want, "--params")
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: the output folder was created", tc.json)
		}
	}
	wantExit(t, 1, []string{"paper", "--params", filepath.Join(dir, "none.json"), "--out", filepath.Join(dir, "o")})
	for _, args := range [][]string{{"paper", "--epochs", "-1"}, {"paper", "--bogus"}, {"paper", "extra"}} {
		wantExit(t, 2, args)
	}
}
