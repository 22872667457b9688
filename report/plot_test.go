package report

import (
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot/vg"
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

// TestLogYLabelKeepsDataArea: on a log y axis a long label leaves the
// data area as high as a short one does (gonum/plot alone would shrink it
// from the top, the label's glyph box sitting near the top of a log axis),
// and the label is still checked and drawn.
func TestLogYLabelKeepsDataArea(t *testing.T) {
	height := func(label string, logY bool) (vg.Length, PlacedPanel) {
		s := []Series{{Name: "a", X: []float64{1, 2, 3}, Y: []float64{1.57, 1.1, 1}}, {Name: "b", X: []float64{1, 2, 3}, Y: []float64{0.012, 0.0125, 0.013}}}
		p, err := seriesPlot(Axes{Title: "T", X: "epoch (–)", Y: label, LogY: logY, IntX: true}, s...)
		if err != nil {
			t.Fatal(err)
		}
		f := Figure{W: PlotWidth, H: PlotHeight, Panels: []Panel{{Plot: p}}}
		pp := f.arrange()[0]
		dc := p.DataCanvas(pp.Canvas)
		return dc.Max.Y - dc.Min.Y, pp
	}
	short, _ := height("r (–)", true)
	long, pp := height("update ratio of the first layer over the last layer (–)", true)
	if d := short - long; d > 1 || d < -1 {
		t.Fatalf("data area %.1f pt high with the long label, %.1f pt with the short one", long, short)
	}
	if pp.YLabel == "" || pp.Bounds.Min.X >= pp.Canvas.Min.X {
		t.Fatalf("the log axis' label is not drawn beside the panel: YLabel %q, bounds from %.1f, canvas from %.1f", pp.YLabel, pp.Bounds.Min.X, pp.Canvas.Min.X)
	}
	if probs := CheckPanel(pp); len(probs) > 0 {
		t.Fatal(probs)
	}
	if _, lin := height("update ratio of the first layer over the last layer (–)", false); lin.YLabel != "" {
		t.Fatal("a linear axis' label was taken off its plot")
	}
}
