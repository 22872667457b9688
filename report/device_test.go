package report

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/experiment"
)

func TestJSONNumWritesNullForNaN(t *testing.T) {
	b, err := json.Marshal(struct {
		A, B, C Num
	}{Num(math.NaN()), Num(math.Inf(-1)), 1.5})
	if err != nil || string(b) != `{"A":null,"B":null,"C":1.5}` {
		t.Errorf("got %s, %v", b, err)
	}
}

func TestDecades(t *testing.T) {
	lo, hi, ok := decades(3e-7, 0, math.NaN(), 2e-5, -1)
	if !ok || lo != 1e-7 || math.Abs(hi/1e-4-1) > 1e-12 {
		t.Errorf("decades = %g, %g, %v", lo, hi, ok)
	}
	if lo, hi, _ := decades(1e6, 1e8); lo != 1e6 || math.Abs(hi/1e8-1) > 1e-12 {
		t.Errorf("exact decades widened: %g, %g", lo, hi)
	}
	if _, _, ok := decades(0, -1); ok {
		t.Error("no positive value accepted")
	}
}

func TestWriteDeviceSweepAndStack(t *testing.T) {
	dir := t.TempDir()
	r, err := experiment.DeviceSweep(device.DefaultParams(), experiment.DeviceSweepConfig{IMax: 5e-6, Points: 6})
	if err != nil {
		t.Fatal(err)
	}
	s, err := WriteDeviceSweep(dir, r, true)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Monotone || s.GMaxOver >= 1 || s.R0Ohm < 1e8 || s.Decades < 1 {
		t.Errorf("summary %+v", s)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "r_vs_i.csv"))
	if lines := strings.Split(strings.TrimSpace(string(b)), "\n"); lines[0] != "i_A,r_ohm,g_S" || len(lines) != 6 {
		t.Errorf("r_vs_i.csv: %q", lines)
	}
	// The written file reads back as fit data.
	f, _ := os.Open(filepath.Join(dir, "r_vs_i.csv"))
	defer f.Close()
	if pts, err := device.ReadRICSV(f, "r_vs_i.csv"); err != nil || len(pts) != 5 {
		t.Errorf("r_vs_i.csv does not read back: %d points, %v", len(pts), err)
	}
	// params.json: the parameters plus settings, which device.DecodeParams
	// itself does not accept (the CLI strips "settings").
	var p map[string]json.RawMessage
	b, _ = os.ReadFile(filepath.Join(dir, "params.json"))
	if err := json.Unmarshal(b, &p); err != nil || p["memristor"] == nil || p["tft"] == nil || p["settings"] == nil {
		t.Errorf("params.json keys: %v", err)
	}
	// A stacked plot renders as a PNG of the expected size.
	base := filepath.Join(dir, "stack")
	if err := StackPlot(base, 0.5, "x",
		Lines{Axes{Title: "a", Y: "y"}, []Series{{X: []float64{0, 1}, Y: []float64{1, 2}}}},
		Lines{Axes{Y: "y", LogY: true}, []Series{{X: []float64{0, 1}, Y: []float64{1, 0}, Marks: MarksScatter}}}); err != nil {
		t.Fatal(err)
	}
	if b := readPNG(t, base+".png").Bounds(); b.Dx() != 576 || b.Dy() != 384 {
		t.Errorf("stack PNG %dx%d, want 576x384", b.Dx(), b.Dy())
	}
	if st, err := os.Stat(base + ".svg"); err != nil || st.Size() == 0 {
		t.Errorf("stack.svg: %v", err)
	}
}
