package report

// The one plotting style of every figure (issue 19): fonts, "nice" ticks,
// legend swatches and the spread primitives (error bars, bands).
// figure.go lays figures out (panels, legend placement) and saves them;
// geometry.go reads a plot's data back in canvas coordinates.

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

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

// textLabels are the texts labels at xy, size points high in the default
// font, aligned at their points by x (draw.XLeft, XCenter, XRight) and y
// (draw.YBottom, YCenter, YTop).
func textLabels(xy plotter.XYs, labels []string, size float64, x draw.XAlignment, y draw.YAlignment) (*plotter.Labels, error) {
	lab, err := plotter.NewLabels(plotter.XYLabels{XYs: xy, Labels: labels})
	if err != nil {
		return nil, err
	}
	for i := range lab.TextStyle {
		lab.TextStyle[i].Font.Size = vg.Points(size)
		lab.TextStyle[i].XAlign, lab.TextStyle[i].YAlign = x, y
	}
	return lab, nil
}
