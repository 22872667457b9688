package report

import (
	"fmt"
	"image/color"
	"math"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Series is one named curve of a line plot.
type Series struct {
	Name string
	X, Y []float64
}

// Axes describes a plot's labels and scales.
type Axes struct {
	Title, X, Y string
	LogX, LogY  bool
	// YMin/YMax fix the Y range when YMax > YMin.
	YMin, YMax float64
	// LegendLeft puts the legend in the top-left corner (default top-right).
	LegendLeft bool
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
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	p.Legend.Left = ax.LegendLeft
	return p
}

// LinePlot draws series as lines and saves the plot as base.png and
// base.svg.
func LinePlot(base string, ax Axes, series ...Series) error {
	p := newPlot(ax)
	for i, s := range series {
		xy := make(plotter.XYs, 0, len(s.X))
		for k := range s.X {
			x, y := s.X[k], s.Y[k]
			if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(y, 0) || (ax.LogX && x <= 0) || (ax.LogY && y <= 0) {
				continue
			}
			xy = append(xy, plotter.XY{X: x, Y: y})
		}
		if len(xy) == 0 {
			continue
		}
		l, pts, err := plotter.NewLinePoints(xy)
		if err != nil {
			return fmt.Errorf("report: plot %s: %w", base, err)
		}
		c := Palette[i%len(Palette)]
		l.Color, l.Width = c, vg.Points(1.5)
		pts.Color, pts.Shape, pts.Radius = c, draw.CircleGlyph{}, vg.Points(2)
		if len(xy) > 60 {
			pts.Radius = 0
		}
		p.Add(l, pts)
		if s.Name != "" {
			p.Legend.Add(s.Name, l)
		}
	}
	return Save(p, base)
}

// Bars is one histogram: counts over consecutive bins [Edges[i], Edges[i+1]).
type Bars struct {
	Name   string
	Edges  []float64 // len(Counts)+1
	Counts []float64
}

// HistPlot draws histograms as outlined steps (several overlay readably)
// and saves base.png and base.svg. With ax.LogX the edges must be > 0.
func HistPlot(base string, ax Axes, hs ...Bars) error {
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
		c := Palette[i%len(Palette)]
		l.Color, l.Width = c, vg.Points(1.5)
		r, g, b, _ := c.RGBA()
		l.FillColor = color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 50}
		p.Add(l)
		if h.Name != "" {
			p.Legend.Add(h.Name, l)
		}
	}
	return Save(p, base)
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

// Save writes p as base.png and base.svg.
func Save(p *plot.Plot, base string) error {
	fixLogAxes(p)
	for _, ext := range []string{".png", ".svg"} {
		var buf bufferWriter
		err := renderSafely(func() error {
			w, err := p.WriterTo(PlotWidth, PlotHeight, ext[1:])
			if err != nil {
				return err
			}
			_, err = w.WriteTo(&buf)
			return err
		})
		if err != nil {
			return fmt.Errorf("report: render %s%s: %w", base, ext, err)
		}
		if err := WriteFileAtomic(filepath.Clean(base+ext), buf.b); err != nil {
			return err
		}
	}
	return nil
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

// decadeTicks labels powers of ten on a log axis, thinning them so that at
// most eight carry a label (1e-5 style), with unlabelled minor ticks at the
// other decades.
type decadeTicks struct{}

// Ticks implements plot.Ticker.
func (decadeTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) {
		return nil
	}
	a, b := int(math.Floor(math.Log10(lo))), int(math.Ceil(math.Log10(hi)))
	step := 1
	for (b-a)/step > 8 {
		step++
	}
	var ts []plot.Tick
	for e := a; e <= b; e++ {
		v := math.Pow(10, float64(e))
		if v < lo || v > hi {
			continue
		}
		t := plot.Tick{Value: v}
		if e%step == 0 {
			t.Label = fmt.Sprintf("1e%d", e)
		}
		ts = append(ts, t)
	}
	return ts
}
