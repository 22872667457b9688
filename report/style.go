package report

// The one plotting style of every figure (issue 19): fonts, margins, "nice"
// ticks, legend placement away from the data, multi-panel figures (zooms,
// insets, stacks) and the spread primitives (error bars, bands). Every
// figure goes through SaveFigure (Save and the stacked plots call it), which
// also hands each figure to figureHook, so that tests can check its
// geometry (CheckPlot).

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"reflect"
	"strconv"
	"sync"
	"unsafe"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Style of every plot: sizes in points.
var (
	// StyleFont is the typeface of every text (sans serif).
	StyleFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
	// Font sizes of the title, the axis labels, the tick labels and the
	// legend.
	TitleSize, LabelSize, TickSize, LegendSize = vg.Points(11), vg.Points(10), vg.Points(9), vg.Points(9)
	// FigureMargin is the blank border around every figure (titles never
	// touch the top edge).
	FigureMargin = vg.Points(6)
)

// applyStyle gives p the report's fonts, paddings and tickers: linear axes
// get 1-2-5 ticks (niceTicks), log axes a label per decade (decadeTicks).
// It keeps a ticker a writer chose on purpose (anything other than gonum's
// defaults). Safe to call more than once.
func applyStyle(p *plot.Plot) {
	f := func(size vg.Length) font.Font { g := StyleFont; g.Size = size; return g }
	p.Title.TextStyle.Font = f(TitleSize)
	p.Title.Padding = vg.Points(6)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = f(LabelSize)
		a.Label.Padding = vg.Points(3)
		a.Tick.Label.Font = f(TickSize)
		_, isLog := a.Scale.(plot.LogScale)
		switch a.Tick.Marker.(type) {
		case plot.DefaultTicks:
			if isLog {
				a.Tick.Marker = decadeTicks{}
			} else {
				a.Tick.Marker = niceTicks{}
			}
		case plot.LogTicks:
			a.Tick.Marker = decadeTicks{}
		}
	}
	p.Legend.TextStyle.Font = f(LegendSize)
	p.Legend.ThumbnailWidth = vg.Points(18)
	p.Legend.Padding = vg.Points(1.5)
}

// ---------------------------------------------------------------------------
// Ticks

// niceTicks labels a linear axis at multiples of a 1-2-5 step (…, 0.1, 0.2,
// 0.5, 1, 2, 5, 10, …), three to seven labels, with unlabelled minor ticks
// between them; labels carry as many decimals as the step needs.
type niceTicks struct {
	// Integer keeps labels and minor ticks on whole numbers (counts such
	// as epochs).
	Integer bool
}

// niceStep returns the 1-2-5 step giving the number of labels in [lo, hi]
// closest to five (at least three when possible).
func niceStep(lo, hi float64) float64 {
	span := hi - lo
	e := math.Floor(math.Log10(span))
	best, bestScore := 0.0, math.Inf(1)
	for k := e - 2; k <= e+1; k++ {
		for _, m := range []float64{1, 2, 5} {
			s := m * math.Pow(10, k)
			n := math.Floor(hi/s+1e-9) - math.Ceil(lo/s-1e-9) + 1
			score := math.Abs(n - 5)
			if n < 3 {
				score += 10 * (3 - n)
			}
			if n > 7 {
				score += 10 * (n - 7)
			}
			if score < bestScore || (score == bestScore && s > best) {
				best, bestScore = s, score
			}
		}
	}
	return best
}

// Ticks implements plot.Ticker.
func (t niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) || math.IsNaN(hi-lo) {
		return nil
	}
	s := niceStep(lo, hi)
	if t.Integer {
		s = math.Max(s, 1)
	}
	if !(s > 0) || (hi-lo)/s > 1000 {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	mant := math.Round(s / math.Pow(10, math.Floor(math.Log10(s)+1e-9)))
	minor := s / 5
	if mant == 2 {
		minor = s / 2
	}
	if t.Integer && minor < 1 {
		minor = s
	}
	dec := max(0, -int(math.Floor(math.Log10(s)+1e-9)))
	big := math.Max(math.Abs(lo), math.Abs(hi))
	format := func(v float64) string {
		if math.Abs(v) < s*1e-6 {
			v = 0
		}
		if big >= 1e6 || (big < 1e-3 && big > 0) {
			return strconv.FormatFloat(v, 'g', 3, 64)
		}
		return strconv.FormatFloat(v, 'f', dec, 64)
	}
	var ts []plot.Tick
	for k := math.Ceil(lo/minor - 1e-9); k <= math.Floor(hi/minor+1e-9); k++ {
		v := k * minor
		tk := plot.Tick{Value: v}
		if r := v / s; math.Abs(r-math.Round(r)) < 1e-6 {
			tk.Label = format(math.Round(r) * s)
		}
		ts = append(ts, tk)
	}
	return ts
}

// ---------------------------------------------------------------------------
// Legend swatches, bands and error bars

// swatch is a legend thumbnail: a filled box with an outline drawn inside
// the thumbnail area only (gonum's filled-line thumbnail spills under the
// legend text).
type swatch struct {
	Fill color.Color
	Line draw.LineStyle
}

// Thumbnail implements plot.Thumbnailer.
func (s swatch) Thumbnail(c *draw.Canvas) {
	h := c.Max.Y - c.Min.Y
	r := vg.Rectangle{Min: vg.Point{X: c.Min.X + 1, Y: c.Min.Y + h*0.2}, Max: vg.Point{X: c.Max.X - 1, Y: c.Max.Y - h*0.2}}
	pts := []vg.Point{r.Min, {X: r.Min.X, Y: r.Max.Y}, r.Max, {X: r.Max.X, Y: r.Min.Y}}
	if s.Fill != nil {
		c.FillPolygon(s.Fill, pts)
	}
	if s.Line.Width > 0 {
		c.StrokeLines(s.Line, append(pts, r.Min))
	}
}

// withAlpha returns c with the given opacity.
func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), a}
}

// AddBand adds to p the shaded region between lo and hi over x (a spread
// over seeds, devices or cycles), in c at low opacity, with a legend entry
// if name is set. Points with a non-finite bound are skipped.
func AddBand(p *plot.Plot, name string, x, lo, hi []float64, c color.Color) error {
	return addBandAlpha(p, name, x, lo, hi, c, 60)
}

func addBandAlpha(p *plot.Plot, name string, x, lo, hi []float64, c color.Color, alpha uint8) error {
	if len(lo) != len(x) || len(hi) != len(x) {
		return fmt.Errorf("report: band %q: %d x, %d lo, %d hi", name, len(x), len(lo), len(hi))
	}
	var up, down plotter.XYs
	for k := range x {
		if bad(x[k]) || bad(lo[k]) || bad(hi[k]) {
			continue
		}
		up = append(up, plotter.XY{X: x[k], Y: hi[k]})
		down = append(down, plotter.XY{X: x[k], Y: lo[k]})
	}
	if len(up) < 2 {
		return nil
	}
	ring := append(plotter.XYs(nil), up...)
	for k := len(down) - 1; k >= 0; k-- {
		ring = append(ring, down[k])
	}
	poly, err := plotter.NewPolygon(ring)
	if err != nil {
		return fmt.Errorf("report: band %q: %w", name, err)
	}
	poly.Color = withAlpha(c, alpha)
	poly.LineStyle.Width = 0
	p.Add(poly)
	if name != "" {
		p.Legend.Add(name, swatch{Fill: poly.Color})
	}
	return nil
}

func bad(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }

// AddErrorBars adds vertical error bars from lo[k] to hi[k] at x[k] (the
// spread over seeds or devices of the value y[k], which lies between them).
func AddErrorBars(p *plot.Plot, x, y, lo, hi []float64, c color.Color) error {
	if len(y) != len(x) || len(lo) != len(x) || len(hi) != len(x) {
		return fmt.Errorf("report: error bars: %d x, %d y, %d lo, %d hi", len(x), len(y), len(lo), len(hi))
	}
	var e bandErrPoints
	for k := range x {
		if bad(x[k]) || bad(y[k]) || bad(lo[k]) || bad(hi[k]) {
			continue
		}
		e.XYs = append(e.XYs, plotter.XY{X: x[k], Y: y[k]})
		e.YErrors = append(e.YErrors, struct{ Low, High float64 }{y[k] - math.Min(lo[k], y[k]), math.Max(hi[k], y[k]) - y[k]})
	}
	if len(e.XYs) == 0 {
		return nil
	}
	b, err := plotter.NewYErrorBars(e)
	if err != nil {
		return fmt.Errorf("report: error bars: %w", err)
	}
	b.LineStyle.Color, b.LineStyle.Width, b.CapWidth = c, vg.Points(1), vg.Points(5)
	p.Add(b)
	return nil
}

type bandErrPoints struct {
	plotter.XYs
	plotter.YErrors
}

// ---------------------------------------------------------------------------
// Figures of several panels

// Panel is one plot of a Figure.
type Panel struct {
	Plot *plot.Plot
	// Rect is where the panel goes, as fractions of the figure's drawing
	// area (0..1, origin bottom left); the zero value is the whole area.
	// An inset is a panel whose Rect lies inside another's. Stacked
	// figures ignore it.
	Rect vg.Rectangle
	// KeepLegend leaves the legend where the writer put it (no automatic
	// placement).
	KeepLegend bool
}

// Figure is one saved image: one or more panels on a W x H canvas
// (PlotWidth x PlotHeight when zero).
type Figure struct {
	W, H   vg.Length
	Panels []Panel
	// Stack lays the panels out top to bottom with aligned axes, in equal
	// heights.
	Stack bool
}

// PlacedPanel is a panel as drawn: its plot, the canvas area it is drawn
// in, and its bounds (the canvas plus the margin on its right that a
// legend outside the axes takes).
type PlacedPanel struct {
	Plot   *plot.Plot
	Canvas draw.Canvas
	Bounds vg.Rectangle
}

// figureHook, when set (tests), receives every figure just before it is
// rendered: its path without extension and its placed panels. It may be
// called from several goroutines at once.
var (
	figureHookMu sync.RWMutex
	figureHook   func(base string, panels []PlacedPanel)
)

// SetFigureHook installs f as the receiver of every figure about to be
// rendered (nil removes it) and returns the previous one. For tests: run
// the writers with a hook that calls CheckPlot on every panel.
func SetFigureHook(f func(base string, panels []PlacedPanel)) func(base string, panels []PlacedPanel) {
	figureHookMu.Lock()
	defer figureHookMu.Unlock()
	old := figureHook
	figureHook = f
	return old
}

func callFigureHook(base string, panels []PlacedPanel) {
	figureHookMu.RLock()
	f := figureHook
	figureHookMu.RUnlock()
	if f != nil {
		f(base, panels)
	}
}

// layout returns each panel's rectangle inside r.
func (f *Figure) layout(r vg.Rectangle) []vg.Rectangle {
	out := make([]vg.Rectangle, len(f.Panels))
	if f.Stack {
		rows := make([][]*plot.Plot, len(f.Panels))
		for i, p := range f.Panels {
			rows[i] = []*plot.Plot{p.Plot}
		}
		tiles := draw.Tiles{Rows: len(f.Panels), Cols: 1, PadY: vg.Points(8)}
		cs := plot.Align(rows, tiles, draw.Canvas{Rectangle: r})
		for i := range cs {
			out[i] = cs[i][0].Rectangle
		}
		return out
	}
	w, h := r.Max.X-r.Min.X, r.Max.Y-r.Min.Y
	for i, p := range f.Panels {
		q := p.Rect
		if q.Max.X <= q.Min.X || q.Max.Y <= q.Min.Y {
			q = vg.Rectangle{Max: vg.Point{X: 1, Y: 1}}
		}
		out[i] = vg.Rectangle{
			Min: vg.Point{X: r.Min.X + w*q.Min.X, Y: r.Min.Y + h*q.Min.Y},
			Max: vg.Point{X: r.Min.X + w*q.Max.X, Y: r.Min.Y + h*q.Max.Y},
		}
	}
	return out
}

// SaveFigure writes f as base.png and base.svg: each panel in the report's
// style, its legend placed away from its data (placeLegend).
func SaveFigure(base string, f Figure) error {
	if f.W == 0 || f.H == 0 {
		f.W, f.H = PlotWidth, PlotHeight
	}
	if len(f.Panels) == 0 {
		return fmt.Errorf("report: %s: a figure without panels", base)
	}
	var placed []PlacedPanel
	err := renderSafely(func() error {
		placed = f.arrange()
		return nil
	})
	if err != nil {
		return fmt.Errorf("report: render %s: %w", base, err)
	}
	callFigureHook(base, placed)
	for _, ext := range []string{"png", "svg"} {
		var buf bytes.Buffer
		err := renderSafely(func() error {
			c, err := draw.NewFormattedCanvas(f.W, f.H, ext)
			if err != nil {
				return err
			}
			dc := draw.New(c)
			for _, pp := range placed {
				cv := draw.Canvas{Canvas: dc.Canvas, Rectangle: pp.Canvas.Rectangle}
				drawPanel(pp.Plot, cv)
			}
			_, err = c.WriteTo(&buf)
			return err
		})
		if err != nil {
			return fmt.Errorf("report: render %s.%s: %w", base, ext, err)
		}
		if err := WriteFileAtomic(filepath.Clean(base+"."+ext), buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// arrange styles the panels, places their legends and returns where each
// is drawn (the canvases carry no vg.Canvas: geometry only).
func (f *Figure) arrange() []PlacedPanel {
	area := vg.Rectangle{Min: vg.Point{X: FigureMargin, Y: FigureMargin}, Max: vg.Point{X: f.W - FigureMargin, Y: f.H - FigureMargin}}
	for _, p := range f.Panels {
		fixLogAxes(p.Plot)
		applyStyle(p.Plot)
	}
	rects := f.layout(area)
	// Place the legends; a legend that fits nowhere inside goes to the
	// right of its panel, which then gives up that width (all panels of
	// a stack, to keep the axes aligned).
	outside := make([]vg.Length, len(f.Panels))
	for i, p := range f.Panels {
		if p.KeepLegend {
			continue
		}
		outside[i] = placeLegend(p.Plot, draw.Canvas{Rectangle: rects[i]})
	}
	var most vg.Length
	for _, w := range outside {
		most = max(most, w)
	}
	// Lay out again: headroom may have changed the tick labels.
	if f.Stack {
		a := area
		a.Max.X -= most
		rects = f.layout(a)
	} else {
		rects = f.layout(area)
		for i := range rects {
			rects[i].Max.X -= outside[i]
		}
	}
	if most > 0 {
		for i, p := range f.Panels {
			if outside[i] > 0 {
				l := &p.Plot.Legend
				l.Top, l.Left = true, false
				l.XOffs, l.YOffs = outside[i], 0
				if f.Stack {
					l.XOffs = most
				}
			}
		}
	}
	out := make([]PlacedPanel, len(f.Panels))
	for i, p := range f.Panels {
		b := rects[i]
		if f.Stack {
			b.Max.X += most
		} else {
			b.Max.X += outside[i]
		}
		out[i] = PlacedPanel{Plot: p.Plot, Canvas: draw.Canvas{Rectangle: rects[i]}, Bounds: b}
	}
	return out
}

// drawPanel draws p into c with its legend on the data area (see
// legendRect), over a white box.
func drawPanel(p *plot.Plot, c draw.Canvas) {
	leg := p.Legend
	p.Legend = plot.NewLegend()
	p.Draw(c)
	p.Legend = leg
	if r := legendRect(p, c); r.Max.X > r.Min.X {
		box := []vg.Point{r.Min, {X: r.Min.X, Y: r.Max.Y}, r.Max, {X: r.Max.X, Y: r.Min.Y}}
		c.FillPolygon(color.NRGBA{255, 255, 255, 230}, box)
		leg.Draw(p.DataCanvas(c))
	}
}

// ---------------------------------------------------------------------------
// Legend geometry and placement

// legendInset is the gap between a legend inside the axes and the axes'
// edges, legendGap the gap between the axes and a legend outside them.
const (
	legendInset = vg.Length(4)
	legendGap   = vg.Length(8)
)

// legendSize is the extent of p's legend (zero without entries).
func legendSize(p *plot.Plot) (w, h vg.Length) {
	r := p.Legend.Rectangle(draw.Canvas{})
	return r.Max.X - r.Min.X, r.Max.Y - r.Min.Y
}

// legendRect is where p's legend is drawn when p is drawn in c: the report
// draws the legend on the data area (p.DataCanvas(c)) in the corner given
// by Legend.Top and Legend.Left, moved by XOffs and YOffs, as
// plot.Legend.Draw lays it out. Its extent is the legend's own
// Legend.Rectangle; the rectangle returned is grown by 1.5 pt on each
// side (text ascenders and descenders). Empty without entries.
func legendRect(p *plot.Plot, c draw.Canvas) vg.Rectangle {
	w, h := legendSize(p)
	if w <= 0 || h <= 0 {
		return vg.Rectangle{}
	}
	l := &p.Legend
	dc := p.DataCanvas(c)
	var r vg.Rectangle
	if l.Left {
		r.Min.X = dc.Min.X + l.XOffs
		r.Max.X = r.Min.X + w
	} else {
		r.Max.X = dc.Max.X + l.XOffs
		r.Min.X = r.Max.X - w
	}
	if l.Top {
		descent := l.TextStyle.FontExtents().Descent
		r.Max.Y = dc.Max.Y - descent + l.YOffs
		r.Min.Y = r.Max.Y - h
	} else {
		r.Min.Y = dc.Min.Y + l.YOffs
		r.Max.Y = r.Min.Y + h
	}
	const grow = 1.5
	r.Min.X, r.Min.Y, r.Max.X, r.Max.Y = r.Min.X-grow, r.Min.Y-grow, r.Max.X+grow, r.Max.Y+grow
	return r
}

// placeLegend puts p's legend, for p drawn in c, in the first corner of
// the data area where it covers no data: the writer's corner first, then
// top right, top left, bottom right, bottom left. If none is free it
// raises the top of a Y axis whose range the data do not fix exactly (up
// to 35 % headroom) to free a top corner; failing that it returns the
// width the legend needs to the right of the axes (the caller narrows the
// panel; the legend's offset is set by the caller). It returns 0 when the
// legend is inside (or empty).
func placeLegend(p *plot.Plot, c draw.Canvas) vg.Length {
	w, h := legendSize(p)
	if w <= 0 {
		return 0
	}
	l := &p.Legend
	type corner struct{ top, left bool }
	corners := []corner{{l.Top, l.Left}, {true, false}, {true, true}, {false, false}, {false, true}}
	try := func() bool {
		for _, k := range corners {
			l.Top, l.Left = k.top, k.left
			l.XOffs, l.YOffs = -legendInset, -legendInset
			if k.left {
				l.XOffs = legendInset
			}
			if !k.top {
				l.YOffs = legendInset
			}
			if legendHits(p, c) == 0 {
				return true
			}
		}
		return false
	}
	if try() {
		return 0
	}
	// Headroom: the top of the data at most at 1 - (h+2·inset)/height of
	// the data area.
	dc := p.DataCanvas(c)
	H := float64(dc.Max.Y - dc.Min.Y)
	f := 1 - (float64(h)+3*float64(legendInset))/H
	y0, y1 := p.Y.Min, p.Y.Max
	if f > 0.65 && y1 > y0 {
		_, isLog := p.Y.Scale.(plot.LogScale)
		switch {
		case isLog && y0 > 0:
			p.Y.Max = y0 * math.Pow(y1/y0, 1/f)
		case !isLog:
			p.Y.Max = y0 + (y1-y0)/f
		}
		if try() {
			return 0
		}
		p.Y.Max = y1
	}
	l.Top, l.Left = corners[0].top, corners[0].left
	return w + legendGap + legendInset
}

// visibleRect is the part of r inside p's data area (drawn in c), where
// data can be drawn; ok is false if there is none.
func visibleRect(p *plot.Plot, c draw.Canvas, r vg.Rectangle) (vg.Rectangle, bool) {
	dc := p.DataCanvas(c)
	r.Min.X, r.Min.Y = max(r.Min.X, dc.Min.X), max(r.Min.Y, dc.Min.Y)
	r.Max.X, r.Max.Y = min(r.Max.X, dc.Max.X), min(r.Max.Y, dc.Max.Y)
	return r, r.Max.X > r.Min.X && r.Max.Y > r.Min.Y
}

// legendHits counts the plotted points and line segments of p that fall in
// its legend's rectangle (p drawn in c).
func legendHits(p *plot.Plot, c draw.Canvas) int {
	r, ok := visibleRect(p, c, legendRect(p, c))
	if !ok {
		return 0
	}
	n := 0
	for _, s := range PlotGeometry(p, c) {
		if s.hits(r) {
			n++
		}
	}
	return n
}

// ---------------------------------------------------------------------------
// The plotted data in canvas coordinates

// Shape is one plotted element in canvas coordinates: a point (glyph of
// radius R), a polyline, or a closed polygon (filled).
type Shape struct {
	Pts    []vg.Point
	R      vg.Length
	Line   bool // consecutive points joined
	Filled bool // closed and filled (bars, bands, filled histograms)
	What   string
}

// hits reports whether s touches r.
func (s Shape) hits(r vg.Rectangle) bool {
	g := vg.Rectangle{Min: vg.Point{X: r.Min.X - s.R, Y: r.Min.Y - s.R}, Max: vg.Point{X: r.Max.X + s.R, Y: r.Max.Y + s.R}}
	for _, q := range s.Pts {
		if inRect(q, g) {
			return true
		}
	}
	if s.Line || s.Filled {
		n := len(s.Pts)
		for k := 1; k < n; k++ {
			if segmentHitsRect(s.Pts[k-1], s.Pts[k], r) {
				return true
			}
		}
		if s.Filled && n > 2 {
			if segmentHitsRect(s.Pts[n-1], s.Pts[0], r) || inPolygon(vg.Point{X: (r.Min.X + r.Max.X) / 2, Y: (r.Min.Y + r.Max.Y) / 2}, s.Pts) {
				return true
			}
		}
	}
	return false
}

// PointsIn returns the points of s inside r (for messages).
func (s Shape) PointsIn(r vg.Rectangle) int {
	n := 0
	for _, q := range s.Pts {
		if inRect(q, r) {
			n++
		}
	}
	return n
}

func inRect(q vg.Point, r vg.Rectangle) bool {
	return q.X >= r.Min.X && q.X <= r.Max.X && q.Y >= r.Min.Y && q.Y <= r.Max.Y
}

// segmentHitsRect reports whether the segment a-b crosses r (Liang-Barsky).
func segmentHitsRect(a, b vg.Point, r vg.Rectangle) bool {
	t0, t1 := 0.0, 1.0
	dx, dy := float64(b.X-a.X), float64(b.Y-a.Y)
	for _, e := range [][2]float64{
		{-dx, float64(a.X - r.Min.X)}, {dx, float64(r.Max.X - a.X)},
		{-dy, float64(a.Y - r.Min.Y)}, {dy, float64(r.Max.Y - a.Y)},
	} {
		pp, q := e[0], e[1]
		if pp == 0 {
			if q < 0 {
				return false
			}
			continue
		}
		t := q / pp
		if pp < 0 {
			t0 = math.Max(t0, t)
		} else {
			t1 = math.Min(t1, t)
		}
		if t0 > t1 {
			return false
		}
	}
	return true
}

// inPolygon reports whether q lies inside the polygon pts (even-odd).
func inPolygon(q vg.Point, pts []vg.Point) bool {
	in := false
	for i, j := 0, len(pts)-1; i < len(pts); j, i = i, i+1 {
		a, b := pts[i], pts[j]
		if (a.Y > q.Y) != (b.Y > q.Y) && q.X < (b.X-a.X)*(q.Y-a.Y)/(b.Y-a.Y)+a.X {
			in = !in
		}
	}
	return in
}

// plottersOf returns the plotters added to p. gonum keeps them in an
// unexported field; this reads it (the figure check and the legend
// placement need the plot's own data). It returns nil if a future gonum
// renames the field (TestPlottersOf then fails).
func plottersOf(p *plot.Plot) []plot.Plotter {
	f := reflect.ValueOf(p).Elem().FieldByName("plotters")
	if !f.IsValid() || f.Type() != reflect.TypeOf([]plot.Plotter(nil)) {
		return nil
	}
	return *(*[]plot.Plotter)(unsafe.Pointer(f.UnsafeAddr()))
}

// PlotGeometry returns the data of p drawn in c as shapes in canvas
// coordinates: lines, scatter glyphs, polygons (bars, bands), error bars,
// text labels (their anchor and extent), filled histograms. Grids, images
// and colour bars are not data. Shapes are not clipped: what lies outside
// the data area (p.DataCanvas(c)) is not drawn, so callers test them
// against a rectangle clipped to it (visibleRect).
func PlotGeometry(p *plot.Plot, c draw.Canvas) []Shape {
	dc := p.DataCanvas(c)
	tx, ty := p.Transforms(&dc)
	ok := func(v float64, a *plot.Axis) bool {
		if bad(v) {
			return false
		}
		if _, isLog := a.Scale.(plot.LogScale); isLog && v <= 0 {
			return false
		}
		return true
	}
	pt := func(x, y float64) (vg.Point, bool) {
		if !ok(x, &p.X) || !ok(y, &p.Y) {
			return vg.Point{}, false
		}
		return vg.Point{X: tx(x), Y: ty(y)}, true
	}
	poly := func(xys plotter.XYs, s Shape) Shape {
		for _, v := range xys {
			if q, ok := pt(v.X, v.Y); ok {
				s.Pts = append(s.Pts, q)
			}
		}
		return s
	}
	var out []Shape
	for _, d := range plottersOf(p) {
		switch v := d.(type) {
		case *plotter.Line:
			if v.FillColor != nil {
				// the area between the curve and the bottom of the axes
				s := poly(v.XYs, Shape{Filled: true, What: "filled line"})
				if n := len(s.Pts); n > 0 {
					s.Pts = append(s.Pts, vg.Point{X: s.Pts[n-1].X, Y: dc.Min.Y}, vg.Point{X: s.Pts[0].X, Y: dc.Min.Y})
				}
				out = append(out, s)
				continue
			}
			if v.LineStyle.Width > 0 {
				out = append(out, poly(v.XYs, Shape{Line: true, What: "line"}))
			}
		case *plotter.Scatter:
			if v.GlyphStyle.Radius > 0 {
				for _, xy := range v.XYs {
					if q, ok := pt(xy.X, xy.Y); ok && inRect(q, dc.Rectangle) { // glyphs outside are not drawn
						out = append(out, Shape{Pts: []vg.Point{q}, R: v.GlyphStyle.Radius, What: "point"})
					}
				}
			}
		case *plotter.Polygon:
			for _, ring := range v.XYs {
				out = append(out, poly(ring, Shape{Filled: v.Color != nil, Line: v.Color == nil, What: "polygon"}))
			}
		case *plotter.YErrorBars:
			for k, xy := range v.XYs {
				a, ok1 := pt(xy.X, xy.Y-v.YErrors[k].Low)
				b, ok2 := pt(xy.X, xy.Y+v.YErrors[k].High)
				if ok1 && ok2 {
					out = append(out, Shape{Pts: []vg.Point{a, b}, Line: true, R: v.CapWidth / 2, What: "error bar"})
				}
			}
		case *plotter.Labels:
			for k, xy := range v.XYs {
				q, ok := pt(xy.X, xy.Y)
				if !ok || k >= len(v.Labels) || k >= len(v.TextStyle) {
					continue
				}
				sty := v.TextStyle[k]
				tr := sty.Rectangle(v.Labels[k])
				q.X += v.Offset.X
				q.Y += v.Offset.Y
				a := vg.Point{X: q.X + tr.Min.X, Y: q.Y + tr.Min.Y}
				b := vg.Point{X: q.X + tr.Max.X, Y: q.Y + tr.Max.Y}
				out = append(out, Shape{Pts: []vg.Point{a, {X: a.X, Y: b.Y}, b, {X: b.X, Y: a.Y}}, Filled: true, What: "label " + strconv.Quote(v.Labels[k])})
			}
		case *plotter.Grid, *plotter.Image, *plotter.ColorBar:
		case plotter.XYer:
			// Any other plotter that exposes its points (e.g. a writer's
			// own error-bar type): its points.
			for k := 0; k < v.Len(); k++ {
				x, y := v.XY(k)
				if q, ok := pt(x, y); ok && inRect(q, dc.Rectangle) {
					out = append(out, Shape{Pts: []vg.Point{q}, R: 2, What: "point"})
				}
			}
		}
	}
	return out
}
