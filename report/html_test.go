package report

import (
	"bytes"
	"encoding/base64"
	"html"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/experiment"
)

func writeTestPNG(t *testing.T, path string, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, x%h, color.RGBA{0, 114, 178, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestRenderHTMLSelfContained: images are embedded as data: URIs with
// their size, nothing points outside the page, text is escaped, the page
// carries its CSP and the image check.
func TestRenderHTMLSelfContained(t *testing.T) {
	dir := t.TempDir()
	raw := writeTestPNG(t, filepath.Join(dir, "a", "fig.png"), 40, 30)
	writeTestPNG(t, filepath.Join(dir, "b.png"), 20, 10)
	page := HTMLPage{Title: "T <&> title", Meta: []HTMLMeta{{Key: "command", Value: "mrelu paper --out 'x y'", Code: true}},
		Notices: []string{"quick <run>"},
		Sections: []HTMLSection{{ID: "s1", Title: "Section", Intro: []string{"intro <b>not bold</b>"},
			Tables: []HTMLTable{{Header: []string{"a", "b"}, Rows: [][]string{{"1", "<2>"}, {"3", "4"}}, Emphasis: []bool{true}}},
			Raw:    Table1HTML(experiment.PaperTable1[:2]),
			Figures: []HTMLFigure{
				{ID: "f1", Label: "Fig. 1", Title: "first", Image: "a/fig.png", SVG: "a/fig.svg", Paper: "p", Ours: "o", Command: "mrelu x", Data: []string{"a/fig.csv"}},
				{ID: "f2", Label: "Fig. 2", Title: "second", Image: "b.png", Wide: true},
			}}}}
	var buf bytes.Buffer
	if err := RenderHTML(&buf, dir, page); err != nil {
		t.Fatal(err)
	}
	h := buf.String()
	if !strings.Contains(html.UnescapeString(h), "data:image/png;base64,"+base64.StdEncoding.EncodeToString(raw)) {
		t.Error("first image not embedded verbatim")
	}
	if n := strings.Count(h, "<img "); n != 2 {
		t.Errorf("%d images, want 2", n)
	}
	srcs := regexp.MustCompile(`<img\s+(?:[^>]*\s)?src="([^"]*)"`).FindAllStringSubmatch(h, -1)
	if len(srcs) != 2 {
		t.Errorf("%d image sources, want 2", len(srcs))
	}
	for _, m := range srcs {
		if !strings.HasPrefix(m[1], "data:image/png;base64,") {
			t.Errorf("image source %.40q is not a data URI", m[1])
		}
	}
	if !strings.Contains(h, `width="40" height="30"`) {
		t.Error("image size not set from the PNG header")
	}
	for _, bad := range []string{"http:", "https:", "<b>not bold", "<2>", "T <&>", "quick <run>", "src=\"a/"} {
		if strings.Contains(h, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	for _, want := range []string{"Content-Security-Policy", "default-src &#39;none&#39;", `id="imgcheck"`, "naturalWidth", `href="a/fig.csv"`, `href="a/fig.svg"`,
		`class="wide"`, `<tr class="em">`, "&lt;2&gt;", "GeSb2Te5", "<style>", `href="#s1"`} {
		if !strings.Contains(h, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// A missing or broken image is an error naming the figure.
	page.Sections[0].Figures[1].Image = "missing.png"
	if err := RenderHTML(&buf, dir, page); err == nil || !strings.Contains(err.Error(), "Fig. 2") {
		t.Errorf("missing image: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.png"), []byte("not a png at all, just text"), 0o644); err != nil {
		t.Fatal(err)
	}
	page.Sections[0].Figures[1].Image = "bad.png"
	if err := RenderHTML(&buf, dir, page); err == nil || !strings.Contains(err.Error(), "bad.png") {
		t.Errorf("broken image: %v", err)
	}
	// WriteHTML reads images next to the page.
	page.Sections[0].Figures = page.Sections[0].Figures[:1]
	if err := WriteHTML(filepath.Join(dir, "report.html"), page); err != nil {
		t.Fatal(err)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{"runs/out": "runs/out", "a b": "'a b'", "": "''", "it's": `'it'\''s'`, "--epochs=3": "--epochs=3", "x;rm": "'x;rm'"} {
		if got := ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTable1Files(t *testing.T) {
	dir := t.TempDir()
	rows := append(append([]experiment.Table1Row(nil), experiment.PaperTable1...),
		experiment.Table1Row{Neuron: "ours <x>", Energy: "0.52 pJ", EnergyJ: fp(0.52e-12), Ours: true})
	if err := WriteTable1(dir, rows); err != nil {
		t.Fatal(err)
	}
	recs := readCSV(t, filepath.Join(dir, "table1.csv"))
	if len(recs) != len(rows)+1 || strings.Join(recs[0], ",") != "neuron,mechanism,structure,model,energy,energy_J,energy_circuit_J,ours,source" {
		t.Fatalf("table1.csv: %d records, header %v", len(recs), recs[0])
	}
	if last := recs[len(recs)-1]; last[5] != "5.2e-13" || last[7] != "true" {
		t.Errorf("our row %v", last)
	}
	h, _ := os.ReadFile(filepath.Join(dir, "table1.html"))
	if !strings.Contains(string(h), `<tr class="ours">`) || !strings.Contains(string(h), "ours &lt;x&gt;") {
		t.Error("table1.html lacks our escaped, highlighted row")
	}
	if _, err := os.Stat(filepath.Join(dir, "table1.json")); err != nil {
		t.Error(err)
	}
}

func TestWriteEnergy(t *testing.T) {
	dir := t.TempDir()
	e := &experiment.EnergyResult{Run: "mrelu", Sizes: []int{784, 100, 10}, Images: 10, Neurons: 100, Arrays: 2,
		ReadPower: []float64{1e-3, 2e-3}, MeanInputVoltage: []float64{0.02, 0.5}, MeanConductance: []float64{1e-6, 2e-6},
		Scenarios: []experiment.EnergyScenario{
			{Name: "paper", NeuronEnergy: 0.5e-12, NeuronLatency: 650e-9, ReadTime: 650e-9, Neurons: 100, NeuronsEnergy: 50e-12, Crossbar: 3e-3 * 650e-9, PerArray: []float64{1e-3 * 650e-9, 2e-3 * 650e-9}, Total: 50e-12 + 3e-3*650e-9, Latency: 1.3e-6},
		},
		Alternatives: []experiment.EnergyAlternative{{Name: "analog CMOS sigmoid neuron", PerActivation: 3410e-12, NeuronsPerInf: 341e-9, WithCrossbarPerI: 341e-9 + 3e-3*650e-9}},
	}
	s, err := WriteEnergy(dir, e)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Rows) != 2 || s.Rows[1].Key != "alternative1" {
		t.Errorf("rows %+v", s.Rows)
	}
	for _, f := range []string{"energy.json", "energy.csv", "energy_arrays.csv", "energy_per_activation.png", "energy_per_activation.svg", "energy_per_inference.png", "energy_per_inference.svg"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}
