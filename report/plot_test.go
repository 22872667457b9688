package report

import (
	"os"
	"path/filepath"
	"testing"
)

// TestLogPlotsDoNotPanic covers log axes with no data, a single point and
// non-positive values, which gonum refuses.
func TestLogPlotsDoNotPanic(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		s    []Series
	}{
		{"empty", nil},
		{"single", []Series{{X: []float64{2}, Y: []float64{3}}}},
		{"nonpositive", []Series{{X: []float64{0, -1}, Y: []float64{-2, 0}}}},
	}
	for _, c := range cases {
		base := filepath.Join(dir, c.name)
		if err := LinePlot(base, Axes{LogX: true, LogY: true}, c.s...); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if err := HistPlot(base+"_h", Axes{LogX: true}, Bars{Edges: []float64{0, 1}, Counts: []float64{1}}); err != nil {
			t.Fatalf("%s hist: %v", c.name, err)
		}
		for _, ext := range []string{".png", ".svg"} {
			if st, err := os.Stat(base + ext); err != nil || st.Size() == 0 {
				t.Errorf("%s%s not written", c.name, ext)
			}
		}
	}
}
