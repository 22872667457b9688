package report

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// TestNiceTicks: 1-2-5 steps, 3 to 7 labels, no 0.917-style labels.
func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		int    bool
		want   string
	}{
		{0, 30, true, "[0 10 20 30]"},
		{0, 3, true, "[0 1 2 3]"},
		{1, 3, true, "[1 2 3]"},
		{0.917, 0.938, false, "[0.920 0.925 0.930 0.935]"},
		{91.7, 93.8, false, "[92.0 92.5 93.0 93.5]"},
		{-0.05, 2.6, false, "[0.0 0.5 1.0 1.5 2.0 2.5]"},
		{0, 1, false, "[0.0 0.2 0.4 0.6 0.8 1.0]"},
	} {
		got := fmt.Sprint(tickLabels(niceTicks{Integer: c.int}.Ticks(c.lo, c.hi)))
		if got != c.want {
			t.Errorf("niceTicks(%g, %g) = %s, want %s", c.lo, c.hi, got, c.want)
		}
	}
	// Any range: 2..7 labels on a 1-2-5 step.
	for _, r := range [][2]float64{{0, 1e-9}, {3e-7, 3.3e-7}, {-1e6, 5e6}, {1, 1.0001}, {0.1, 0.9}} {
		ts := niceTicks{}.Ticks(r[0], r[1])
		var v []float64
		for _, tk := range ts {
			if tk.Label != "" {
				v = append(v, tk.Value)
			}
		}
		if len(v) < 2 || len(v) > 7 {
			t.Errorf("%v: %d labels %q", r, len(v), tickLabels(ts))
			continue
		}
		step := v[1] - v[0]
		m := step / math.Pow(10, math.Floor(math.Log10(step)+1e-9))
		if math.Abs(m-1) > 1e-6 && math.Abs(m-2) > 1e-6 && math.Abs(m-5) > 1e-6 {
			t.Errorf("%v: step %g is not 1-2-5", r, step)
		}
	}
}

// TestDecadeTicks: at least two labels on any log range.
func TestDecadeTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   string
	}{
		{0.08, 0.95, "[0.1 0.2 0.5]"},
		{0.12, 0.18, "[0.12 0.14 0.16 0.18]"},
		{1e-7, 1e-4, "[1e-7 1e-6 1e-5 1e-4]"},
		{1e6, 1e8, "[1e6 1e7 1e8]"},
		{1, 100, "[1 10 100]"},
	} {
		got := fmt.Sprint(tickLabels(decadeTicks{}.Ticks(c.lo, c.hi)))
		if got != c.want {
			t.Errorf("decadeTicks(%g, %g) = %s, want %s", c.lo, c.hi, got, c.want)
		}
	}
	for _, r := range [][2]float64{{1e-20, 1e-3}, {2.1, 2.9}, {5e-13, 7e-13}, {1e-3, 1e3}} {
		if n := len(tickLabels(decadeTicks{}.Ticks(r[0], r[1]))); n < 2 || n > 9 {
			t.Errorf("%v: %d labels", r, n)
		}
	}
}

func TestHasUnit(t *testing.T) {
	for l, want := range map[string]bool{
		"voltage (V)": true, "I [µA]": true, "epoch (–)": true, "test accuracy (%)": true,
		"test accuracy": false, "|ΔW| (log scale)": false, "": false, "R ()": false,
	} {
		if HasUnit(l) != want {
			t.Errorf("HasUnit(%q) = %v", l, !want)
		}
	}
}

func TestPlottersOf(t *testing.T) {
	p := plot.New()
	l, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	p.Add(l)
	if got := plottersOf(p); len(got) != 1 || got[0] != plot.Plotter(l) {
		t.Fatalf("plottersOf = %v (gonum's Plot changed: update plottersOf)", got)
	}
}

// crowded is a plot whose data fill its top right corner.
func crowded(legendKept bool) (*plot.Plot, draw.Canvas) {
	p := newPlot(Axes{Title: "t", X: "x (s)", Y: "y (V)"})
	var xy plotter.XYs
	for k := 0; k <= 40; k++ {
		x := float64(k) / 40
		xy = append(xy, plotter.XY{X: x, Y: 1 - (1-x)*(1-x)})
	}
	l, _ := plotter.NewLine(xy)
	p.Add(l)
	p.Legend.Add("a rather long legend entry", l)
	p.Legend.Top, p.Legend.Left = true, false
	c := draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: PlotWidth, Y: PlotHeight}}}
	if !legendKept {
		placeLegend(p, c)
	}
	return p, c
}

// TestCheckPlotFindsProblems: the check sees a legend over data, a missing
// unit and a log axis with one label; placeLegend moves the legend away.
func TestCheckPlotFindsProblems(t *testing.T) {
	p, c := crowded(true)
	probs := CheckPlot(p, c)
	if len(probs) != 1 || !strings.Contains(probs[0], "legend box") {
		t.Errorf("legend over the curve: %q", probs)
	}
	p, c = crowded(false)
	if probs := CheckPlot(p, c); len(probs) != 0 {
		t.Errorf("after placeLegend: %q", probs)
	}
	if p.Legend.Top && !p.Legend.Left {
		t.Error("legend left in the crowded top-right corner")
	}
	q := newPlot(Axes{X: "epoch", Y: "loss", LogY: true})
	l, _ := plotter.NewLine(plotter.XYs{{X: 1, Y: 0.2}, {X: 2, Y: 0.3}})
	q.Add(l)
	q.Y.Tick.Marker = plot.TickerFunc(func(lo, hi float64) []plot.Tick { return []plot.Tick{{Value: 0.25, Label: "0.25"}} })
	probs = CheckPlot(q, c)
	want := []string{"x axis label \"epoch\" has no unit", "y axis label \"loss\" has no unit", "log y axis"}
	if len(probs) != len(want) {
		t.Fatalf("got %q", probs)
	}
	for i, w := range want {
		if !strings.Contains(probs[i], w) {
			t.Errorf("problem %d = %q, want %q", i, probs[i], w)
		}
	}
}

// TestLegendRectMatchesDrawing: everything the legend draws (text and
// swatches) lies inside legendRect, in every corner and offset.
func TestLegendRectMatchesDrawing(t *testing.T) {
	for _, k := range []struct{ top, left bool }{{true, true}, {true, false}, {false, true}, {false, false}} {
		p, _ := crowded(true)
		h := histSwatch()
		p.Legend.Add("second entry, longer than the first one", h)
		p.Legend.Top, p.Legend.Left = k.top, k.left
		p.Legend.XOffs, p.Legend.YOffs = 3, -2
		var rc recorder.Canvas
		c := draw.NewCanvas(&rc, PlotWidth, PlotHeight)
		applyStyle(p)
		drawPanel(p, c)
		r := legendRect(p, c)
		dc := p.DataCanvas(c)
		n := 0
		for _, a := range rc.Actions {
			switch a := a.(type) {
			case *recorder.FillString:
				if strings.Contains(a.String, "legend entry") || strings.Contains(a.String, "second entry") {
					n++
					w := p.Legend.TextStyle.Rectangle(a.String).Max.X
					if a.Point.X < r.Min.X || a.Point.X+w > r.Max.X+0.5 || a.Point.Y < r.Min.Y || a.Point.Y > r.Max.Y {
						t.Errorf("%+v: text %q at %v (width %.1f) outside %v", k, a.String, a.Point, w, r)
					}
				}
			}
		}
		if n != 2 {
			t.Errorf("%+v: %d legend texts drawn", k, n)
		}
		if r.Min.X < dc.Min.X-20 || r.Max.X > dc.Max.X+20 {
			t.Errorf("%+v: legend rect %v far from the data area %v", k, r, dc.Rectangle)
		}
	}
}

// histSwatch returns a filled-step legend thumbnail as HistPlot uses.
func histSwatch() plot.Thumbnailer {
	return swatch{Fill: withAlpha(Palette[1], 50), Line: draw.LineStyle{Color: Palette[1], Width: 1}}
}

// TestSaveFigureLegendOutside: a legend that fits in no corner goes to the
// right of the axes, inside the figure, and the check passes.
func TestSaveFigureLegendOutside(t *testing.T) {
	p := newPlot(Axes{Title: "dense", X: "x (s)", Y: "y (V)"})
	var xy plotter.XYs
	for k := 0; k <= 400; k++ {
		xy = append(xy, plotter.XY{X: float64(k), Y: float64(k % 2)}) // fills the whole area
	}
	l, _ := plotter.NewLine(xy)
	p.Add(l)
	for k := 0; k < 14; k++ { // too tall for headroom
		p.Legend.Add(fmt.Sprintf("zigzag %d", k), l)
	}
	var got []PlacedPanel
	old := SetFigureHook(func(base string, ps []PlacedPanel) { got = ps })
	defer SetFigureHook(old)
	if err := Save(p, filepath.Join(t.TempDir(), "dense")); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d panels", len(got))
	}
	if probs := CheckPanel(got[0]); len(probs) != 0 {
		t.Errorf("%q", probs)
	}
	r := legendRect(got[0].Plot, got[0].Canvas)
	if dc := p.DataCanvas(got[0].Canvas); r.Min.X < dc.Max.X {
		t.Errorf("legend %v not right of the data area %v", r, dc.Rectangle)
	}
}
