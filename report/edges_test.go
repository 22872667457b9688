package report

import (
	"encoding/json"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/vision"
)

func TestWriteMapCSV(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.csv")
	if err := WriteMapCSV(p, []float32{1, -2.5e-6, 0.1, 3}, 2); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if got, want := string(b), "1,-2.5e-06\n0.1,3\n"; got != want {
		t.Errorf("CSV %q, want %q", got, want)
	}
	if err := WriteMapCSV(p, []float32{1, 2, 3}, 2); err == nil {
		t.Error("3 values in rows of 2 accepted")
	}
}

// A run on a small synthetic image: every file, null for undefined
// statistics (a flat image has no negative current and a constant map).
func TestWriteEdges(t *testing.T) {
	tests := []struct {
		name  string
		img   *dataset.Gray
		plots bool
		nulls []string // JSON keys that must be null in the first filter
	}{
		{"step", step(12, 7), true, []string{"pearson_vs_relu_with_variation"}},
		{"flat", &dataset.Gray{W: 5, H: 3, Pix: []float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}}, false,
			[]string{"max_vout_negative_current_V", "pearson_vs_relu", "pearson_vs_relu_ideal"}},
		{"one pixel", &dataset.Gray{W: 1, H: 1, Pix: []float64{1}}, true, nil},
	}
	n, err := vision.DefaultNeuron()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := experiment.DefaultEdgesConfig()
			res, err := vision.Detect(tc.img, []vision.Kernel{vision.Vertical(), vision.Lateral()}, n, cfg.Vision)
			if err != nil {
				t.Fatal(err)
			}
			ps, err := vision.SelectPatches(tc.img, cfg.Vision.Boundary, cfg.PatchSize)
			if err != nil {
				t.Fatal(err)
			}
			r := &experiment.EdgesResult{Config: cfg, ImageName: "synthetic.png", Image: tc.img, Neuron: n, Result: res, Patches: ps}
			dir := t.TempDir()
			s, err := WriteEdges(dir, r, tc.plots)
			if err != nil {
				t.Fatal(err)
			}
			files := append([]string{"edges.json", "params.json"}, s.Figures...)
			for _, f := range s.Filters {
				files = append(files, f.Files...)
			}
			if tc.plots && len(files) != 2+2+2*8 {
				t.Errorf("%d files listed", len(files))
			}
			for _, f := range files {
				if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
					t.Errorf("%s: %v", f, err)
				}
			}
			var raw struct {
				Filters []map[string]any `json:"filters"`
			}
			b, _ := os.ReadFile(filepath.Join(dir, "edges.json"))
			if err := json.Unmarshal(b, &raw); err != nil {
				t.Fatal(err)
			}
			for _, k := range tc.nulls {
				if v, ok := raw.Filters[0][k]; !ok || v != nil {
					t.Errorf("%s = %v, want null", k, v)
				}
			}
		})
	}
}

func step(w, h int) *dataset.Gray {
	g := &dataset.Gray{W: w, H: h, Pix: make([]float64, w*h)}
	for i := range g.Pix {
		if i%w >= w/2 {
			g.Pix[i] = 1
		}
	}
	return g
}

func TestHeatMaps(t *testing.T) {
	dir := t.TempDir()
	ramp := make([]float64, 40*10)
	for i := range ramp {
		ramp[i] = float64(i%40) / 39
	}
	m := &HeatMap{Title: "ramp", W: 40, H: 10, Z: ramp, Min: 0, Max: 1, CMap: voltCMap(), Label: "V",
		Boxes: []HeatBox{{Label: "A", X: 2, Y: 2, Size: 5, Color: color.White}}}
	flat := &HeatMap{Title: "flat", W: 1, H: 1, Z: []float64{3}, Min: 3, Max: 3, CMap: grayCMap(), Label: "x"}
	nan := &HeatMap{Title: "nan", W: 2, H: 1, Z: []float64{math.NaN(), 1}, Min: -1, Max: 1, CMap: currentCMap(), Label: "µA"}
	base := filepath.Join(dir, "grid")
	if err := SaveHeatMaps(base, [][]*HeatMap{{m, flat}, {nil, nan}}, 3*vg.Inch, 2*vg.Inch); err != nil {
		t.Fatal(err)
	}
	if b := readPNG(t, base+".png").Bounds(); b.Dx() != 6*heatDPI || b.Dy() != 4*heatDPI {
		t.Errorf("PNG %v, want %dx%d", b, 6*heatDPI, 4*heatDPI)
	}
	svg, err := os.ReadFile(base + ".svg")
	if err != nil || !strings.Contains(string(svg), "<svg") {
		t.Errorf("SVG: %v", err)
	}
	bad := &HeatMap{Title: "bad", W: 3, H: 3, Z: []float64{1}, CMap: grayCMap()}
	if err := SaveHeatMaps(filepath.Join(dir, "bad"), [][]*HeatMap{{bad}}, 2*vg.Inch, 2*vg.Inch); err == nil {
		t.Error("a 3x3 map with 1 value was drawn")
	}
	if err := SaveHeatMaps(filepath.Join(dir, "none"), nil, 2*vg.Inch, 2*vg.Inch); err == nil {
		t.Error("an empty grid was drawn")
	}
	ts := flippedTicks{}.Ticks(-160, 0)
	for _, tk := range ts {
		if tk.Label != "" && strings.HasPrefix(tk.Label, "-") {
			t.Errorf("flipped tick label %q", tk.Label)
		}
	}
}

// Heat maps of any aspect ratio and any value range draw without
// panicking (gonum's colour bar used to panic once the map's data area
// was shorter than its tick labels: wide images such as 160x20).
func TestHeatMapShapes(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name     string
		w, h     int
		constant bool    // every value the same (else a ramp along x+y)
		min, max float64 // colour range
	}{
		{"wide 160x20", 160, 20, false, 0, 2},
		{"wide 1000x2", 1000, 2, false, -1, 1},
		{"one row 1000x1", 1000, 1, false, 0, 1},
		{"one row 3x1", 3, 1, false, 0, 1},
		{"tall 20x160", 20, 160, false, 0, 2},
		{"tall 2x1000", 2, 1000, false, 0, 1},
		{"one column 1x1000", 1, 1000, false, 0, 1},
		{"one pixel", 1, 1, false, 0, 1},
		{"constant map, empty range", 160, 20, true, 0.5, 0.5},
		{"constant zero map, empty range", 1000, 2, true, 0, 0},
		{"reversed range", 30, 3, false, 1, -1},
		{"NaN range", 40, 4, false, nan, nan},
		{"infinite range", 40, 4, false, -inf, inf},
		{"half-infinite range", 4, 40, false, 0, inf},
		{"huge range", 50, 5, false, -1e308, 1e308},
		{"tiny range", 50, 5, true, 1e-300, 1e-300},
	}
	dir := t.TempDir()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			z := make([]float64, tc.w*tc.h)
			for k := range z {
				if tc.constant {
					z[k] = tc.min
				} else {
					z[k] = float64(k%tc.w+k/tc.w) / float64(tc.w+tc.h)
				}
			}
			z[0] = nan // NaN cells are drawn mid-range
			m := &HeatMap{Title: tc.name, W: tc.w, H: tc.h, Z: z, Min: tc.min, Max: tc.max, CMap: voltCMap(), Label: "V",
				Boxes: []HeatBox{{Label: "A", X: 0, Y: 0, Size: 1, Color: color.Black}}}
			base := filepath.Join(dir, strconv.Itoa(i))
			// The map alone at the size of the edges figures, and in a
			// row of small panels like the patch figure.
			if err := SaveHeatMaps(base, [][]*HeatMap{{m}}, 6*vg.Inch, 5*vg.Inch); err != nil {
				t.Fatal(err)
			}
			if err := SaveHeatMaps(base+"_row", [][]*HeatMap{{m, m, m}}, 3.4*vg.Inch, 2.8*vg.Inch); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{base + ".png", base + ".svg", base + "_row.png", base + "_row.svg"} {
				if st, err := os.Stat(f); err != nil || st.Size() == 0 {
					t.Errorf("%s not written: %v", f, err)
				}
			}
		})
	}
}

// The colour range is always finite and non-empty.
func TestHeatMapColorRange(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		min, max float64
		lo, hi   float64
	}{
		{0, 2, 0, 2},
		{-3e-6, 3e-6, -3e-6, 3e-6},
		{1, -1, -1, 1},
		{0, 0, -1, 1},
		{5, 5, 2.5, 7.5},
		{nan, nan, 0, 1},
		{nan, 2, 1, 3},
		{-inf, inf, 0, 1},
		{0, inf, -1, 1},
		{-1e308, 1e308, -2.5e307, 2.5e307},
	}
	for _, tc := range tests {
		m := &HeatMap{Min: tc.min, Max: tc.max}
		lo, hi := m.colorRange()
		if lo != tc.lo || hi != tc.hi {
			t.Errorf("range %g..%g: colours over %g..%g, want %g..%g", tc.min, tc.max, lo, hi, tc.lo, tc.hi)
		}
	}
}
