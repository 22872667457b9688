package report

// The plotted data in canvas coordinates: what the legend placement
// avoids and the figure check (figcheck.go) measures.

import (
	"math"
	"reflect"
	"strconv"
	"unsafe"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

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
