package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/vision"
)

// writeStepPNG writes a w x h grey PNG, black left of column edge and
// white from it on.
func writeStepPNG(t *testing.T, path string, w, h, edge int) {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := edge; x < w; x++ {
			img.SetGray(x, y, color.Gray{Y: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readMap reads a map CSV: one row per line, comma-separated numbers.
func readMap(t *testing.T, path string) [][]float64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m [][]float64
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		var row []float64
		for _, f := range strings.Split(line, ",") {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			row = append(row, v)
		}
		m = append(m, row)
	}
	return m
}

type edgesJSON struct {
	Image struct {
		Source        string
		Width, Height int
	}
	Output struct {
		Width, Height int
		Boundary      string
	}
	Patches []struct {
		Label, Kind string
		X, Y, Size  int
	}
	Filters []struct {
		Name             string
		Files            []string
		CurrentMin       float64  `json:"current_min_A"`
		CurrentMax       float64  `json:"current_max_A"`
		NegativeFraction float64  `json:"negative_current_fraction"`
		MaxVoutNegative  float64  `json:"max_vout_negative_current_V"`
		VoutMin          float64  `json:"vout_min_V"`
		VoutMax          float64  `json:"vout_max_V"`
		PearsonIdeal     float64  `json:"pearson_vs_relu_ideal"`
		PearsonVaried    *float64 `json:"pearson_vs_relu_with_variation"`
		Pearson          float64  `json:"pearson_vs_relu"`
		MirrorGain       float64  `json:"mirror_gain"`
	}
	Variation float64
	Figures   []string
}

func readEdgesJSON(t *testing.T, dir string) edgesJSON {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "edges.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s edgesJSON
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// The default run on the built-in image: every contracted file, the
// statistics the paper's Fig. 5 needs.
func TestEdgesDefault(t *testing.T) {
	out := filepath.Join(t.TempDir(), "e")
	var so, se bytes.Buffer
	if code := run([]string{"edges", "--out", out}, &so, &se); code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	want := []string{"edges.json", "params.json", "edges.png", "edges.svg"}
	for _, f := range []string{"vertical", "lateral"} {
		for _, s := range []string{"_current_A.csv", "_vout_V.csv", "_current.png", "_current.svg", "_vout.png", "_vout.svg", "_patches.png", "_patches.svg"} {
			want = append(want, f+s)
		}
	}
	for _, f := range want {
		st, err := os.Stat(filepath.Join(out, f))
		if err != nil || st.Size() == 0 {
			t.Errorf("missing or empty %s: %v", f, err)
		}
	}
	s := readEdgesJSON(t, out)
	if s.Image.Width != 160 || s.Output.Height != 160 || len(s.Filters) != 2 || len(s.Patches) != 4 {
		t.Fatalf("edges.json: %+v", s)
	}
	for _, f := range s.Filters {
		if f.VoutMin < 0 || f.VoutMax > 2 || f.MaxVoutNegative >= 0.05 || f.PearsonIdeal < 0.98 || f.PearsonVaried != nil {
			t.Errorf("%s: %+v", f.Name, f)
		}
		if len(f.Files) != 8 {
			t.Errorf("%s files: %v", f.Name, f.Files)
		}
		m := readMap(t, filepath.Join(out, f.Name+"_current_A.csv"))
		if len(m) != 160 || len(m[0]) != 160 {
			t.Errorf("%s current CSV is %dx%d", f.Name, len(m[0]), len(m))
		}
	}
	cfg, err := png.DecodeConfig(mustOpen(t, filepath.Join(out, "edges.png")))
	if err != nil || cfg.Width < 1000 {
		t.Errorf("edges.png: %+v %v", cfg, err)
	}
	if !strings.Contains(so.String(), "r(ReLU)") || !strings.Contains(so.String(), out) {
		t.Errorf("stdout: %s", so.String())
	}
	// params.json feeds --params back.
	out2 := filepath.Join(t.TempDir(), "e2")
	if code := run([]string{"edges", "--params", filepath.Join(out, "params.json"), "--plots=false", "--out", out2}, &so, &se); code != 0 {
		t.Fatalf("--params params.json: exit %d: %s", code, se.String())
	}
	if a, b := readMap(t, filepath.Join(out, "vertical_vout_V.csv")), readMap(t, filepath.Join(out2, "vertical_vout_V.csv")); a[80][80] != b[80][80] {
		t.Error("the run from params.json differs")
	}
}

func mustOpen(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// A step edge in a synthetic image gives a line in exactly the expected
// columns, for the built-in filter and a kernel file.
func TestEdgesStepImage(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "step.png")
	writeStepPNG(t, img, 23, 9, 11)
	kfile := filepath.Join(dir, "right.txt")
	if err := os.WriteFile(kfile, []byte("# responds to a dark-to-bright step\n0 -1 1\n0 -1 1\n0 -1 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		boundary string
		filter   string
		name     string
		cols     []int
		width    int
	}{
		{"replicate", "vertical", "vertical", []int{10, 11}, 23},
		{"valid", "vertical", "vertical", []int{9, 10}, 21},
		{"replicate", kfile, "right", []int{10}, 23},
	}
	for _, tc := range tests {
		t.Run(tc.boundary+"-"+tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "o")
			var so, se bytes.Buffer
			args := []string{"edges", "--image", img, "--filter", tc.filter, "--boundary", tc.boundary, "--plots=false", "--out", out}
			if code := run(args, &so, &se); code != 0 {
				t.Fatalf("exit %d: %s", code, se.String())
			}
			v := readMap(t, filepath.Join(out, tc.name+"_vout_V.csv"))
			c := readMap(t, filepath.Join(out, tc.name+"_current_A.csv"))
			if len(v[0]) != tc.width {
				t.Fatalf("width %d, want %d", len(v[0]), tc.width)
			}
			for y := range v {
				var lit []int
				for x := range v[y] {
					if v[y][x] > 0.5 {
						lit = append(lit, x)
						if c[y][x] <= 0 {
							t.Errorf("(%d,%d): Vout %.3f V from current %g A", x, y, v[y][x], c[y][x])
						}
					} else if v[y][x] > 0.05 {
						t.Errorf("(%d,%d): Vout %.3f V off the edge", x, y, v[y][x])
					}
				}
				if len(lit) != len(tc.cols) || (len(lit) > 0 && (lit[0] != tc.cols[0] || lit[len(lit)-1] != tc.cols[len(tc.cols)-1])) {
					t.Fatalf("row %d: line in columns %v, want %v", y, lit, tc.cols)
				}
			}
		})
	}
}

func TestEdgesVariation(t *testing.T) {
	out := filepath.Join(t.TempDir(), "v")
	var so, se bytes.Buffer
	if code := run([]string{"edges", "--variation", "0.099", "--seed", "5", "--plots=false", "--out", out}, &so, &se); code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	s := readEdgesJSON(t, out)
	for _, f := range s.Filters {
		if f.PearsonVaried == nil || *f.PearsonVaried < 0.97 || *f.PearsonVaried > f.PearsonIdeal || f.Pearson != *f.PearsonVaried {
			t.Errorf("%s: pearson ideal %.4f, varied %v", f.Name, f.PearsonIdeal, f.PearsonVaried)
		}
		if f.VoutMin < 0 || f.VoutMax > 2 {
			t.Errorf("%s: Vout %g..%g V", f.Name, f.VoutMin, f.VoutMax)
		}
	}
	if s.Variation != 0.099 || !strings.Contains(so.String(), "with 9.9% variation") {
		t.Errorf("variation not reported: %v; %s", s.Variation, so.String())
	}
}

func TestEdgesErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.png")
	text := filepath.Join(dir, "notes.png")
	badK := filepath.Join(dir, "bad.txt")
	for path, content := range map[string]string{empty: "", text: "hello, not an image\n", badK: "1 2 3\n4 5\n7 8 9\n"} {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	missing := filepath.Join(dir, "missing.png")
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"missing image", []string{"--image", missing}, 1, []string{missing, "no such file"}},
		{"empty image", []string{"--image", empty}, 1, []string{empty, "empty"}},
		{"not an image", []string{"--image", text}, 1, []string{text, "not a PNG or JPEG"}},
		{"bad kernel", []string{"--filter", badK}, 1, []string{badK + ":2", "row 2 has 2 numbers"}},
		{"unknown filter", []string{"--filter", "diagonal"}, 1, []string{`"diagonal"`, "vertical, lateral"}},
		{"bad boundary", []string{"--boundary", "same"}, 2, []string{"--boundary"}},
		{"bad scale", []string{"--scale", "p200"}, 2, []string{"--scale"}},
		{"bad gain", []string{"--scale", "-1"}, 2, []string{"--scale"}},
		{"bad variation", []string{"--variation", "2"}, 2, []string{"Variation"}},
		{"bad points", []string{"--points", "3"}, 2, []string{"points"}},
		{"no filter", []string{"--filter", ","}, 2, []string{"no filter"}},
		{"stray argument", []string{"extra"}, 2, []string{"unexpected argument"}},
		{"missing params", []string{"--params", filepath.Join(dir, "p.json")}, 1, []string{"p.json"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var so, se bytes.Buffer
			args := append([]string{"edges", "--plots=false", "--out", filepath.Join(t.TempDir(), "o")}, tc.args...)
			code := run(args, &so, &se)
			if code != tc.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tc.code, se.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(se.String(), w) {
					t.Errorf("stderr %q lacks %q", se.String(), w)
				}
			}
		})
	}
	// A non-empty --out is refused without --force.
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var so, se bytes.Buffer
	if code := run([]string{"edges", "--plots=false", "--out", out}, &so, &se); code != 1 || !strings.Contains(se.String(), "not empty") {
		t.Errorf("non-empty --out: exit %d, %s", code, se.String())
	}
}

func TestParseScale(t *testing.T) {
	for _, tc := range []struct {
		in  string
		ok  bool
		str string
	}{
		{"full", true, "full"}, {"p99", true, "percentile"}, {"p50.5", true, "percentile"}, {"2.5", true, "fixed"},
		{"p0", false, ""}, {"p", false, ""}, {"0", false, ""}, {"inf", false, ""}, {"x", false, ""},
	} {
		c := vision.DefaultConfig()
		err := parseScale(tc.in, &c)
		if (err == nil) != tc.ok || (tc.ok && c.Scale.String() != tc.str) {
			t.Errorf("parseScale(%q) = %v, scale %v", tc.in, err, c.Scale)
		}
	}
}

// writeGreyPNG writes a w x h 8-bit grey PNG with the intensities of
// pix(x, y).
func writeGreyPNG(t *testing.T, path string, w, h int, pix func(x, y int) uint8) {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetGray(x, y, color.Gray{Y: pix(x, y)})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Images of any aspect ratio give every figure (the colour bars of very
// wide images used to panic, exit 2 with partial output); runs whose
// output maps are constant write everything, then exit 1 with one line
// saying why.
func TestEdgesShapesAndConstantMaps(t *testing.T) {
	dir := t.TempDir()
	texture := func(x, y int) uint8 { return uint8((x*37 + y*11) % 256) }
	tiny := filepath.Join(dir, "tiny.txt")
	if err := os.WriteFile(tiny, []byte("1e-300 1e-300 1e-300\n1e-300 -1e-300 1e-300\n1e-300 1e-300 1e-300\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		w, h   int
		pix    func(x, y int) uint8
		args   []string
		code   int
		stderr []string // with code 1: substrings of the one-line message
	}{
		{"wide 160x20", 160, 20, texture, nil, 0, nil},
		{"wide 1000x2", 1000, 2, texture, nil, 0, nil},
		{"one row 300x1", 300, 1, texture, []string{"--filter", "vertical"}, 0, nil},
		{"tall 20x160", 20, 160, texture, nil, 0, nil},
		{"one column 1x300", 1, 300, texture, []string{"--filter", "lateral"}, 0, nil},
		{"tiny kernel", 40, 30, texture, []string{"--filter", tiny}, 1,
			[]string{`filter "tiny"`, "constant", "off level", "too small to drive the neuron"}},
		{"tiny kernel, no plots", 40, 30, texture, []string{"--filter", tiny, "--plots=false"}, 1,
			[]string{"constant", "too small"}},
		{"flat image", 30, 20, func(x, y int) uint8 { return 128 }, nil, 1,
			[]string{`filter "vertical"`, `filter "lateral"`, "constant", "flat"}},
		{"one column, vertical filter", 1, 300, texture, []string{"--filter", "vertical"}, 1,
			[]string{`filter "vertical"`, "constant"}},
		{"gain too small", 40, 30, texture, []string{"--scale", "1e-6"}, 1, []string{"constant", "knee"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img := filepath.Join(dir, strconv.Itoa(i)+".png")
			writeGreyPNG(t, img, tc.w, tc.h, tc.pix)
			out := filepath.Join(t.TempDir(), "o")
			var so, se bytes.Buffer
			code := run(append([]string{"edges", "--image", img, "--out", out}, tc.args...), &so, &se)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.code, se.String())
			}
			msg := se.String()
			if tc.code == 0 && msg != "" {
				t.Errorf("stderr %q", msg)
			}
			if tc.code == 1 {
				if !strings.HasPrefix(msg, "mrelu: edges: ") || strings.Count(msg, "\n") != 1 {
					t.Errorf("stderr %q: want one line starting mrelu: edges:", msg)
				}
				for _, w := range tc.stderr {
					if !strings.Contains(msg, w) {
						t.Errorf("stderr %q lacks %q", msg, w)
					}
				}
			}
			// Everything is written, whatever the outcome.
			s := readEdgesJSON(t, out)
			files := append([]string{"params.json"}, s.Figures...)
			for _, f := range s.Filters {
				files = append(files, f.Files...)
				v := readMap(t, filepath.Join(out, f.Name+"_vout_V.csv"))
				if len(v) != tc.h || len(v[0]) != tc.w {
					t.Errorf("%s: Vout CSV is %dx%d, want %dx%d", f.Name, len(v[0]), len(v), tc.w, tc.h)
				}
			}
			for _, f := range files {
				if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
					t.Errorf("missing or empty %s: %v", f, err)
				}
			}
			if !strings.Contains(so.String(), "wrote "+out) {
				t.Errorf("stdout: %s", so.String())
			}
			raw, err := os.ReadFile(filepath.Join(out, "edges.json"))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(string(raw), `"constant_map"`); got != (tc.code == 1) {
				t.Errorf("edges.json has constant_map: %v, want %v", got, tc.code == 1)
			}
		})
	}
}
