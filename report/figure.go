package report

// Figures of one or more panels (zooms, insets, stacks) and where their
// legends go. Every figure goes through SaveFigure (Save, StackPlot and
// SaveHeatMaps call it), which also hands each figure to figureHook, so
// that tests can check its geometry (CheckPlot).

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"sync"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

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
	// YLabel is the y label drawn by the report to the left of Canvas
	// (log y axes; see takeLogYLabels), "" when the plot draws its own.
	YLabel string
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
				if pp.YLabel != "" {
					drawYLabel(pp.Plot, cv, pp.YLabel)
				}
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
	labels, margins := f.takeLogYLabels()
	rects := f.layoutBeside(area, margins)
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
		rects = f.layoutBeside(a, margins)
	} else {
		rects = f.layoutBeside(area, margins)
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
		b.Min.X -= margins[i]
		out[i] = PlacedPanel{Plot: p.Plot, Canvas: draw.Canvas{Rectangle: rects[i]}, Bounds: b, YLabel: labels[i]}
	}
	return out
}

// takeLogYLabels takes the y label off every panel with a log y axis (of
// every panel of a stack that has one, to keep the axes aligned) and
// returns the labels and the width each needs to the left of its panel.
// gonum/plot reserves room for a y label's glyph box at the arithmetic
// mean of the axis range, which on a log axis lies near the top: a long
// label then shrinks the data area from the top, leaving empty space
// under the title. The report draws these labels itself (drawYLabel),
// centred on the data area, as gonum draws them.
func (f *Figure) takeLogYLabels() (labels []string, margins []vg.Length) {
	labels, margins = make([]string, len(f.Panels)), make([]vg.Length, len(f.Panels))
	take := func(p *plot.Plot) bool {
		_, isLog := p.Y.Scale.(plot.LogScale)
		return isLog && p.Y.Label.Text != ""
	}
	some := false
	for _, p := range f.Panels {
		some = some || take(p.Plot)
	}
	for i, p := range f.Panels {
		if !take(p.Plot) && !(f.Stack && some) {
			continue
		}
		l := &p.Plot.Y.Label
		if l.Text == "" {
			continue
		}
		labels[i] = l.Text
		margins[i] = l.TextStyle.FontExtents().Descent + l.TextStyle.Height(l.Text) + l.Padding
		l.Text = ""
	}
	if f.Stack {
		var most vg.Length
		for _, m := range margins {
			most = max(most, m)
		}
		for i := range margins {
			margins[i] = most
		}
	}
	return labels, margins
}

// layoutBeside is layout with each panel's rectangle narrowed from the
// left by its margin (a stack: all by the same one, before aligning).
func (f *Figure) layoutBeside(area vg.Rectangle, margins []vg.Length) []vg.Rectangle {
	if f.Stack {
		if len(margins) > 0 {
			area.Min.X += margins[0]
		}
		return f.layout(area)
	}
	rects := f.layout(area)
	for i := range rects {
		rects[i].Min.X += margins[i]
	}
	return rects
}

// drawYLabel draws a y label taken off p (takeLogYLabels) to the left of
// c, centred on p's data area, rotated as gonum/plot draws its own.
func drawYLabel(p *plot.Plot, c draw.Canvas, text string) {
	l := p.Y.Label
	sty := l.TextStyle
	sty.Rotation += math.Pi / 2
	descent := sty.FontExtents().Descent
	x := c.Min.X - (descent + l.TextStyle.Height(text) + l.Padding) + l.TextStyle.Height(text)
	dc := p.DataCanvas(c)
	c.FillText(sty, vg.Point{X: x - descent, Y: dc.Center().Y}, text)
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
