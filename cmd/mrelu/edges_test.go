package main

import (
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
	writeGreyPNG(t, path, w, h, func(x, y int) uint8 {
		if x >= edge {
			return 255
		}
		return 0
	})
}

// readMap reads a map CSV: one row per line, comma-separated numbers.
func readMap(t *testing.T, path string) [][]float64 {
	t.Helper()
	var m [][]float64
	for _, line := range strings.Split(strings.TrimSuffix(readString(t, path), "\n"), "\n") {
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
		Name            string
		Files           []string
		MaxVoutNegative float64  `json:"max_vout_negative_current_V"`
		VoutMin         float64  `json:"vout_min_V"`
		VoutMax         float64  `json:"vout_max_V"`
		PearsonIdeal    float64  `json:"pearson_vs_relu_ideal"`
		PearsonVaried   *float64 `json:"pearson_vs_relu_with_variation"`
		Pearson         float64  `json:"pearson_vs_relu"`
	}
	Variation float64
	Figures   []string
}

func readEdgesJSON(t *testing.T, dir string) edgesJSON {
	t.Helper()
	var s edgesJSON
	readJSON(t, filepath.Join(dir, "edges.json"), &s)
	return s
}

// The default run on the built-in image: every contracted file, the
// statistics the paper's Fig. 5 needs.
func TestEdgesDefault(t *testing.T) {
	out := filepath.Join(t.TempDir(), "e")
	so, _ := runOK(t, "edges", "--out", out)
	want := []string{"edges.json", "params.json", "edges.png", "edges.svg"}
	for _, f := range []string{"vertical", "lateral"} {
		for _, s := range []string{"_current_A.csv", "_vout_V.csv", "_current.png", "_current.svg", "_vout.png", "_vout.svg", "_patches.png", "_patches.svg"} {
			want = append(want, f+s)
		}
	}
	requireFiles(t, out, want...)
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
	if !strings.Contains(so, "r(ReLU)") || !strings.Contains(so, out) {
		t.Errorf("stdout: %s", so)
	}
	// params.json feeds --params back.
	out2 := filepath.Join(t.TempDir(), "e2")
	runOK(t, "edges", "--params", filepath.Join(out, "params.json"), "--plots=false", "--out", out2)
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
	kfile := writeFile(t, filepath.Join(dir, "right.txt"), "# responds to a dark-to-bright step\n0 -1 1\n0 -1 1\n0 -1 1\n")
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
			runOK(t, "edges", "--image", img, "--filter", tc.filter, "--boundary", tc.boundary, "--plots=false", "--out", out)
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
	so, _ := runOK(t, "edges", "--variation", "0.099", "--seed", "5", "--plots=false", "--out", out)
	s := readEdgesJSON(t, out)
	for _, f := range s.Filters {
		if f.PearsonVaried == nil || *f.PearsonVaried < 0.97 || *f.PearsonVaried > f.PearsonIdeal || f.Pearson != *f.PearsonVaried {
			t.Errorf("%s: pearson ideal %.4f, varied %v", f.Name, f.PearsonIdeal, f.PearsonVaried)
		}
		if f.VoutMin < 0 || f.VoutMax > 2 {
			t.Errorf("%s: Vout %g..%g V", f.Name, f.VoutMin, f.VoutMax)
		}
	}
	if s.Variation != 0.099 || !strings.Contains(so, "with 9.9% variation") {
		t.Errorf("variation not reported: %v; %s", s.Variation, so)
	}
}

func TestEdgesErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.png")
	text := filepath.Join(dir, "notes.png")
	badK := filepath.Join(dir, "bad.txt")
	for path, content := range map[string]string{empty: "", text: "hello, not an image\n", badK: "1 2 3\n4 5\n7 8 9\n"} {
		writeFile(t, path, content)
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
			wantExit(t, tc.code, append([]string{"edges", "--plots=false", "--out", filepath.Join(t.TempDir(), "o")}, tc.args...), tc.want...)
		})
	}
	// A non-empty --out is refused without --force.
	out := t.TempDir()
	writeFile(t, filepath.Join(out, "x"), "")
	wantExit(t, 1, []string{"edges", "--plots=false", "--out", out}, "not empty")
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

// Images of any aspect ratio give every figure (the colour bars of very
// wide images used to panic, exit 2 with partial output); runs whose
// output maps are constant write everything, then exit 1 with one line
// saying why.
func TestEdgesShapesAndConstantMaps(t *testing.T) {
	dir := t.TempDir()
	texture := func(x, y int) uint8 { return uint8((x*37 + y*11) % 256) }
	tiny := writeFile(t, filepath.Join(dir, "tiny.txt"), "1e-300 1e-300 1e-300\n1e-300 -1e-300 1e-300\n1e-300 1e-300 1e-300\n")
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
			code, so, msg := runCode(append([]string{"edges", "--image", img, "--out", out}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.code, msg)
			}
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
			requireFiles(t, out, files...)
			if !strings.Contains(so, "wrote "+out) {
				t.Errorf("stdout: %s", so)
			}
			if got := strings.Contains(readString(t, filepath.Join(out, "edges.json")), `"constant_map"`); got != (tc.code == 1) {
				t.Errorf("edges.json has constant_map: %v, want %v", got, tc.code == 1)
			}
		})
	}
}
