package report

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Series is one named curve of a line plot.
type Series struct {
	Name string
	X, Y []float64
	// Lo and Hi, when as long as X, are the spread of Y at each X (over
	// seeds, devices or cycles: min/max, a percentile range or ±σ), drawn
	// as error bars (up to 30 points) or as a band (more points, or Band).
	Lo, Hi []float64
	Band   bool
	// Dashed draws the line dashed, Thin thinner (many overlaid curves);
	// Color overrides the palette colour (pal(k) picks one by index).
	Dashed, Thin bool
	Color        color.Color
	// Marks says how the points show: glyphs up to 60 points (the zero
	// value), a line only, a line with glyphs, or glyphs only.
	Marks Marks
}

// Marks is how a series shows its points.
type Marks int

// The ways a series shows its points.
const (
	MarksAuto    Marks = iota // a line, with glyphs when it has up to 60 points
	MarksNone                 // a line only
	MarksAll                  // a line with a glyph at every point
	MarksScatter              // glyphs only, no line
)

// pal is the palette colour k (cycling).
func pal(k int) color.Color { return Palette[k%len(Palette)] }

// vline is a dashed vertical marker at x from y0 to y1 in colour k.
func vline(name string, x, y0, y1 float64, k int) Series {
	return Series{Name: name, X: []float64{x, x}, Y: []float64{y0, y1}, Color: pal(k), Dashed: true, Marks: MarksNone}
}

// hline is a dashed horizontal marker at y from x0 to x1 in colour k.
func hline(name string, y, x0, x1 float64, k int) Series {
	return Series{Name: name, X: []float64{x0, x1}, Y: []float64{y, y}, Color: pal(k), Dashed: true, Marks: MarksNone}
}

// Axes describes a plot's labels and scales.
type Axes struct {
	Title, X, Y string
	LogX, LogY  bool
	// YMin/YMax fix the Y range when YMax > YMin.
	YMin, YMax float64
	// XMin/XMax fix the X range when XMax > XMin.
	XMin, XMax float64
	// IntX keeps the X ticks on whole numbers (epochs, counts).
	IntX bool
	// LegendLeft puts the legend in the top-left corner (default top-right).
	// It is a preference: Save moves a legend that would cover data to the
	// emptiest corner, or outside the axes (see placeLegend).
	// LegendBottom prefers a bottom corner.
	LegendLeft, LegendBottom bool
}

// Palette is the colour cycle of all plots (colour-blind friendly,
// Okabe-Ito).
var Palette = []color.Color{
	color.RGBA{0, 114, 178, 255},
	color.RGBA{213, 94, 0, 255},
	color.RGBA{0, 158, 115, 255},
	color.RGBA{204, 121, 167, 255},
	color.RGBA{230, 159, 0, 255},
	color.RGBA{86, 180, 233, 255},
	color.RGBA{0, 0, 0, 255},
}

func newPlot(ax Axes) *plot.Plot {
	p := plot.New()
	p.Title.Text = ax.Title
	p.X.Label.Text = ax.X
	p.Y.Label.Text = ax.Y
	if ax.LogX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = decadeTicks{}
	}
	if ax.LogY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = decadeTicks{}
	}
	if ax.YMax > ax.YMin {
		p.Y.Min, p.Y.Max = ax.YMin, ax.YMax
	}
	if ax.XMax > ax.XMin {
		p.X.Min, p.X.Max = ax.XMin, ax.XMax
	}
	p.Add(plotter.NewGrid())
	p.Legend.Top = !ax.LegendBottom
	p.Legend.Left = ax.LegendLeft
	applyStyle(p)
	if ax.IntX {
		p.X.Tick.Marker = niceTicks{Integer: true}
	}
	return p
}

// LinePlot draws series as lines and saves the plot as base.png and
// base.svg. A series with Lo and Hi (as long as X) also shows its spread:
// error bars when it has few points, a shaded band otherwise.
func LinePlot(base string, ax Axes, series ...Series) error {
	p, err := seriesPlot(ax, series...)
	if err != nil {
		return fmt.Errorf("report: plot %s: %w", base, err)
	}
	return Save(p, base)
}

// Lines is one panel of a stacked figure: its axes and its series.
type Lines struct {
	Axes   Axes
	Series []Series
}

// StackPlot saves panels top to bottom with aligned axes as base.png and
// base.svg, each PlotHeight·panelHeight high and each with the x label
// xLabel (a panel read on its own still says what its axis is).
func StackPlot(base string, panelHeight float64, xLabel string, panels ...Lines) error {
	f := Figure{W: PlotWidth, H: vg.Length(float64(PlotHeight) * panelHeight * float64(len(panels))), Stack: true}
	for _, pn := range panels {
		ax := pn.Axes
		ax.X = xLabel
		p, err := seriesPlot(ax, pn.Series...)
		if err != nil {
			return fmt.Errorf("report: plot %s: %w", base, err)
		}
		f.Panels = append(f.Panels, Panel{Plot: p})
	}
	return SaveFigure(base, f)
}

// seriesPlot is a new plot with series added (addSeries).
func seriesPlot(ax Axes, series ...Series) (*plot.Plot, error) {
	p := newPlot(ax)
	return p, addSeries(p, ax, 0, series...)
}

// addSeries adds series to p as lines and glyphs (Series.Marks), their
// spreads as error bars or bands; points that cannot be drawn (NaN, ±Inf,
// ≤ 0 on a log axis) are dropped. Colours start at Palette[color0].
func addSeries(p *plot.Plot, ax Axes, color0 int, series ...Series) error {
	keep := func(x, y float64) bool {
		return !(math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) || (ax.LogX && x <= 0) || (ax.LogY && y <= 0))
	}
	for i, s := range series {
		c := pal(color0 + i)
		if s.Color != nil {
			c = s.Color
		}
		if len(s.Lo) == len(s.X) && len(s.Hi) == len(s.X) && len(s.X) > 0 {
			var err error
			if s.Band || len(s.X) > 30 {
				err = AddBand(p, "", s.X, s.Lo, s.Hi, c)
			} else {
				err = AddErrorBars(p, s.X, s.Y, s.Lo, s.Hi, c)
			}
			if err != nil {
				return err
			}
		}
		xy := make(plotter.XYs, 0, len(s.X))
		for k := range s.X {
			if keep(s.X[k], s.Y[k]) {
				xy = append(xy, plotter.XY{X: s.X[k], Y: s.Y[k]})
			}
		}
		if len(xy) == 0 {
			continue
		}
		var thumb plot.Thumbnailer
		if s.Marks != MarksScatter {
			l, err := plotter.NewLine(xy)
			if err != nil {
				return err
			}
			l.Color, l.Width = c, vg.Points(1.5)
			if s.Thin {
				l.Width = vg.Points(0.8)
			}
			if s.Dashed {
				l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
			}
			p.Add(l)
			thumb = l
		}
		var radius vg.Length
		switch s.Marks {
		case MarksAuto:
			if len(xy) <= 60 {
				radius = vg.Points(2)
			}
		case MarksAll, MarksScatter:
			radius = vg.Points(2.5)
		}
		if radius > 0 {
			pts, err := plotter.NewScatter(xy)
			if err != nil {
				return err
			}
			pts.Color, pts.Shape, pts.Radius = c, draw.CircleGlyph{}, radius
			p.Add(pts)
			if thumb == nil {
				thumb = pts
			}
		}
		if s.Name != "" {
			p.Legend.Add(s.Name, thumb)
		}
	}
	return nil
}

// Bars is one histogram: counts over consecutive bins [Edges[i], Edges[i+1]).
type Bars struct {
	Name   string
	Edges  []float64 // len(Counts)+1
	Counts []float64
}

// HistPlot draws histograms as outlined steps (several overlay readably)
// and saves base.png and base.svg. With ax.LogX the edges must be > 0.
func HistPlot(base string, ax Axes, hs ...Bars) error { return HistLinePlot(base, ax, hs) }

// HistLinePlot is HistPlot with series drawn over the bars (an expected
// distribution, a marker); their colours follow the bars'.
func HistLinePlot(base string, ax Axes, hs []Bars, lines ...Series) error {
	p := newPlot(ax)
	for i, h := range hs {
		if len(h.Counts) == 0 || len(h.Edges) != len(h.Counts)+1 {
			continue
		}
		var xy plotter.XYs
		floor := 0.0
		if ax.LogY {
			floor = 0.5
		}
		for k, c := range h.Counts {
			lo, hi := h.Edges[k], h.Edges[k+1]
			if ax.LogX && lo <= 0 {
				continue
			}
			y := math.Max(c, floor)
			if len(xy) == 0 {
				xy = append(xy, plotter.XY{X: lo, Y: floor})
			}
			xy = append(xy, plotter.XY{X: lo, Y: y}, plotter.XY{X: hi, Y: y})
		}
		if len(xy) == 0 {
			continue
		}
		xy = append(xy, plotter.XY{X: xy[len(xy)-1].X, Y: floor})
		l, err := plotter.NewLine(xy)
		if err != nil {
			return fmt.Errorf("report: plot %s: %w", base, err)
		}
		c := pal(i)
		l.Color, l.Width = c, vg.Points(1.5)
		l.FillColor = withAlpha(c, 50)
		p.Add(l)
		if h.Name != "" {
			p.Legend.Add(h.Name, swatch{Fill: l.FillColor, Line: l.LineStyle})
		}
	}
	if err := addSeries(p, ax, len(hs), lines...); err != nil {
		return fmt.Errorf("report: plot %s: %w", base, err)
	}
	if !ax.LogY && p.Y.Max > 0 && !(ax.YMax > ax.YMin) {
		p.Y.Max *= 1.05 // the highest bar off the frame
	}
	return Save(p, base)
}

// decades returns the powers of ten enclosing the positive finite values
// of v (for a log axis with labelled ends); ok is false if there are none.
func decades(v ...float64) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), 0
	for _, x := range v {
		if x > 0 && !math.IsInf(x, 0) {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	if hi == 0 {
		return 0, 0, false
	}
	return math.Pow(10, math.Floor(math.Log10(lo)+1e-9)), math.Pow(10, math.Ceil(math.Log10(hi)-1e-9)), true
}

// Size of saved plots.
var (
	PlotWidth  = 6 * vg.Inch
	PlotHeight = 4 * vg.Inch
)

// fixLogAxes keeps gonum from panicking on a log axis whose range is empty
// or not positive (no data, or a single point): it falls back to a linear
// axis or widens a degenerate range by a decade each way.
func fixLogAxes(p *plot.Plot) {
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		if _, ok := a.Scale.(plot.LogScale); !ok {
			continue
		}
		if !(a.Min > 0) || !(a.Max > 0) || math.IsInf(a.Max, 0) {
			a.Scale = plot.LinearScale{}
			a.Tick.Marker = plot.DefaultTicks{}
			if !(a.Max > a.Min) {
				a.Min, a.Max = 0, 1
			}
			continue
		}
		if a.Max <= a.Min {
			a.Min, a.Max = a.Min/10, a.Max*10
		}
	}
}

// Save writes p as base.png and base.svg at PlotWidth x PlotHeight, in
// the report's style (applyStyle, placeLegend).
func Save(p *plot.Plot, base string) error {
	return SaveFigure(base, Figure{Panels: []Panel{{Plot: p}}})
}

// renderSafely runs draw and returns its error; a panic inside it (gonum
// panics on input it cannot draw) becomes an error, so that a figure that
// cannot be drawn fails the run with a message (exit 1) rather than
// crashing the process. Callers name the figure.
func renderSafely(draw func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("the plotting library failed: %v", v)
		}
	}()
	return draw()
}

type bufferWriter struct{ b []byte }

func (w *bufferWriter) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

// decadeTicks labels a log axis: every power of ten (thinned to at most
// eight labels), with minor ticks at 2..9 times each; when fewer than two
// powers of ten fall in the range it labels the 2 and 5 multiples too,
// and if that is still fewer than two, every multiple, and on a range
// too short for that the 1-2-5 ticks of a linear axis, so that a log axis
// always reads with at least two labelled ticks.
type decadeTicks struct{}

// Ticks implements plot.Ticker.
func (decadeTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) || math.IsInf(hi, 0) {
		return nil
	}
	const eps = 1e-9
	a, b := int(math.Floor(math.Log10(lo))), int(math.Ceil(math.Log10(hi)))
	in := func(v float64) bool { return v >= lo*(1-eps) && v <= hi*(1+eps) }
	decadesIn := 0
	for e := a; e <= b; e++ {
		if in(math.Pow(10, float64(e))) {
			decadesIn++
		}
	}
	step := 1
	for decadesIn/step > 8 {
		step++
	}
	// mantissas labelled besides 1
	var label map[int]bool
	switch {
	case decadesIn >= 2:
	default:
		label = map[int]bool{2: true, 5: true}
		n := decadesIn
		for e := a; e <= b; e++ {
			for _, m := range []int{2, 5} {
				if in(float64(m) * math.Pow(10, float64(e))) {
					n++
				}
			}
		}
		if n < 2 {
			label = map[int]bool{2: true, 3: true, 4: true, 5: true, 6: true, 7: true, 8: true, 9: true}
		}
	}
	var ts []plot.Tick
	for e := a; e <= b; e++ {
		d := math.Pow(10, float64(e))
		for m := 1; m <= 9; m++ {
			if m > 1 && step > 1 { // many decades: minor ticks at decades only
				break
			}
			v := float64(m) * d
			if !in(v) {
				continue
			}
			t := plot.Tick{Value: v}
			if (m == 1 && ((e%step)+step)%step == 0) || label[m] {
				t.Label = "x"
			}
			ts = append(ts, t)
		}
	}
	if n := len(tickLabels(ts)); n < 2 {
		// Less than a factor 2 of range: 1-2-5 ticks as on a linear axis.
		return niceTicks{}.Ticks(lo, hi)
	}
	// One label format for the whole axis: plain numbers between 1e-3 and
	// 1e4, "2e-7" otherwise.
	plain := true
	for _, t := range ts {
		if t.Label != "" && (t.Value < 1e-3*(1-eps) || t.Value >= 1e4*(1-eps)) {
			plain = false
		}
	}
	for i, t := range ts {
		if t.Label == "" {
			continue
		}
		if plain {
			ts[i].Label = strconv.FormatFloat(t.Value, 'g', 3, 64)
			continue
		}
		e := int(math.Floor(math.Log10(t.Value) + eps))
		m := int(math.Round(t.Value / math.Pow(10, float64(e))))
		ts[i].Label = fmt.Sprintf("%de%d", m, e)
	}
	return ts
}

// tickLabels returns the non-empty labels of ts.
func tickLabels(ts []plot.Tick) []string {
	var out []string
	for _, t := range ts {
		if t.Label != "" {
			out = append(out, t.Label)
		}
	}
	return out
}
