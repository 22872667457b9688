package report

// Heat maps with colour bars (the edge maps of Fig. 5 and the sweep's
// two-parameter maps use them): the raster, the bar, the cell values
// and SaveHeatMaps, which lays a grid of maps out as one figure.

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// HeatMap is one map panel: a row-major grid drawn with row 0 at the top,
// pixels square, and a colour bar with the value's unit beside it.
type HeatMap struct {
	Title string
	// W, H and Z are the grid (H rows of W values); X0, Y0 the coordinates
	// of its top-left pixel on the axes.
	W, H   int
	Z      []float64
	X0, Y0 int
	// Min, Max are the colour range (values outside are clamped), CMap the
	// colour map and Label the colour bar's label with the unit.
	Min, Max float64
	CMap     palette.ColorMap
	Label    string
	// Boxes are outlined and labelled on the map (coordinates as the axes).
	Boxes []HeatBox
	// Values, when set, writes each cell's value (formatted by it) in the
	// cell, in black or white for contrast (small grids such as the 10x10
	// patches, read cell by cell).
	Values func(v float64) string
	// XLabel and YLabel name the axes with their units; empty: image
	// pixels, "x (px)" and "y (px)".
	XLabel, YLabel string
}

// HeatBox is a labelled square outline on a HeatMap.
type HeatBox struct {
	Label      string
	X, Y, Size int
	Color      color.Color
}

// The colour maps of the edge figures.
func currentCMap() palette.ColorMap { return moreland.SmoothBlueRed() }

func voltCMap() palette.ColorMap { return moreland.BlackBody() }

func grayCMap() palette.ColorMap {
	c, err := moreland.NewLuminance([]color.Color{color.Black, color.White})
	if err != nil {
		panic(err)
	}
	return c
}

// heatDPI is the resolution of the PNG figures.
const heatDPI = 110

// flippedTicks labels a Y axis whose data coordinates are −row, so that
// rows count downwards from the top as in an image.
type flippedTicks struct{}

// Ticks implements plot.Ticker.
func (flippedTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(-ts[i].Value+0, 'g', -1, 64)
		}
	}
	return ts
}

// Layout limits of a heat-map panel, whatever the grid's aspect ratio.
const (
	// heatMinSide is the thinnest a map's data area is drawn: a grid too
	// elongated to fit the panel with square pixels and a side at least
	// this long gets stretched pixels instead of a hairline.
	heatMinSide = vg.Length(48)
	// heatMinBar is the shortest colour bar (it is as long as the map's
	// data area otherwise).
	heatMinBar = vg.Length(110)
	// heatBarColors is the number of colour steps of a colour bar: fixed,
	// so that the bar never depends on the size it is drawn at.
	heatBarColors = 256
)

// colorRange returns the colour range of the map: [Min, Max] when it is
// finite, non-empty and of finite width; otherwise a usable range around
// the finite bound (a constant map, NaN or infinite bounds).
func (m *HeatMap) colorRange() (lo, hi float64) {
	lo, hi = m.Min, m.Max
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case !finite(lo) && !finite(hi):
		return 0, 1
	case !finite(lo):
		lo = hi
	case !finite(hi):
		hi = lo
	}
	if hi < lo {
		lo, hi = hi, lo
	}
	// A range too narrow to tell colours (or ticks) apart is widened
	// around its centre, by 1 or half its magnitude.
	if mag := max(math.Abs(lo), math.Abs(hi)); !(hi-lo > 1e-9*mag) || hi-lo < 1e-200 {
		c := lo/2 + hi/2
		d := max(1, math.Abs(c)/2)
		lo, hi = c-d, c+d
	}
	if math.IsInf(hi-lo, 0) { // finite bounds whose difference overflows
		lo, hi = lo/4, hi/4
	}
	if !finite(lo) || !finite(hi) || !(hi > lo) {
		return 0, 1
	}
	return lo, hi
}

// raster renders the grid as an image, each cell k x k pixels (k chosen
// so that the image is at least ~480 pixels wide or tall, without
// exceeding 4 Mpixels), so that the backends' smoothing keeps cells sharp.
func (m *HeatMap) raster() image.Image {
	k := 1
	if big := max(m.W, m.H); big < 480 {
		k = (480 + big - 1) / big
	}
	for k > 1 && m.W*k*m.H*k > 4<<20 {
		k--
	}
	cm := m.CMap
	lut := make([]color.NRGBA, 256)
	for i, c := range cm.Palette(len(lut)).Colors() {
		lut[i] = color.NRGBAModel.Convert(c).(color.NRGBA)
	}
	img := image.NewNRGBA(image.Rect(0, 0, m.W*k, m.H*k))
	lo, hi := m.colorRange()
	span := hi - lo
	for y := 0; y < m.H; y++ {
		for x := 0; x < m.W; x++ {
			v := m.Z[y*m.W+x]
			t := 0.5
			if f := (v - lo) / span; !math.IsNaN(f) {
				t = min(max(f, 0), 1)
			}
			c := lut[int(math.Round(t*float64(len(lut)-1)))]
			for dy := 0; dy < k; dy++ {
				row := img.Pix[(y*k+dy)*img.Stride+x*k*4:]
				for dx := 0; dx < k; dx++ {
					row[dx*4], row[dx*4+1], row[dx*4+2], row[dx*4+3] = c.R, c.G, c.B, c.A
				}
			}
		}
	}
	return img
}

// Draw draws the map and its colour bar into dc.
func (m *HeatMap) Draw(dc draw.Canvas) error { return m.draw(dc, nil) }

// draw draws the map and its colour bar into dc and hands both panels to
// placed (if not nil), for the figure check.
func (m *HeatMap) draw(dc draw.Canvas, placed func(PlacedPanel)) error {
	if m.W <= 0 || m.H <= 0 || len(m.Z) != m.W*m.H {
		return fmt.Errorf("report: heat map %q: %d values for %dx%d", m.Title, len(m.Z), m.W, m.H)
	}
	lo, hi := m.colorRange()
	barW, gap := vg.Points(58), vg.Points(4)
	mc := dc
	mc.Max.X -= barW + gap

	p := plot.New()
	p.Title.Text = m.Title
	p.Title.TextStyle.Font.Size = vg.Points(10)
	x0, y0 := float64(m.X0), float64(m.Y0)
	p.Add(plotter.NewImage(m.raster(), x0, -(y0 + float64(m.H)), x0+float64(m.W), -y0))
	p.X.Min, p.X.Max = x0, x0+float64(m.W)
	p.Y.Min, p.Y.Max = -(y0 + float64(m.H)), -y0
	p.X.Padding, p.Y.Padding = 0, 0
	p.Y.Tick.Marker = flippedTicks{}
	p.X.Label.Text, p.Y.Label.Text = "x (px)", "y (px)"
	if m.XLabel != "" {
		p.X.Label.Text = m.XLabel
	}
	if m.YLabel != "" {
		p.Y.Label.Text = m.YLabel
	}
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = vg.Points(9)
		a.Tick.Label.Font.Size = vg.Points(8)
	}
	if m.Values != nil {
		if err := m.addValues(p); err != nil {
			return err
		}
	}
	for _, b := range m.Boxes {
		x, y, s := float64(b.X), -float64(b.Y), float64(b.Size)
		l, err := plotter.NewLine(plotter.XYs{{X: x, Y: y}, {X: x + s, Y: y}, {X: x + s, Y: y - s}, {X: x, Y: y - s}, {X: x, Y: y}})
		if err != nil {
			return fmt.Errorf("report: heat map %q: %w", m.Title, err)
		}
		l.Color, l.Width = b.Color, vg.Points(1.5)
		lab, err := textLabels(plotter.XYs{{X: x + s + 1, Y: y}}, []string{b.Label}, 9, draw.XLeft, draw.YTop)
		if err != nil {
			return fmt.Errorf("report: heat map %q: %w", m.Title, err)
		}
		lab.TextStyle[0].Color = b.Color
		p.Add(l, lab)
	}

	// Square pixels: shrink the panel (centred) until the data area has
	// the grid's aspect ratio, but keep its short side at least
	// heatMinSide (or all there is): a very wide or tall grid gets
	// stretched pixels rather than a hairline.
	da := p.DataCanvas(mc)
	dw, dh := da.Max.X-da.Min.X, da.Max.Y-da.Min.Y
	if dw <= 0 || dh <= 0 {
		return fmt.Errorf("report: heat map %q: the panel is too small", m.Title)
	}
	aspect := vg.Length(float64(m.W) / float64(m.H))
	if dw > dh*aspect {
		ex := dw - max(dh*aspect, min(heatMinSide, dw))
		mc.Min.X += ex / 2
		mc.Max.X -= ex / 2
	} else {
		ex := dh - max(dw/aspect, min(heatMinSide, dh))
		mc.Min.Y += ex / 2
		mc.Max.Y -= ex / 2
	}
	p.Draw(mc)
	da = p.DataCanvas(mc)
	if placed != nil {
		placed(PlacedPanel{Plot: p, Canvas: mc, Bounds: mc.Rectangle})
	}

	// The colour bar runs along the data area, at least heatMinBar long
	// (centred on it) and within the panel.
	barLo, barHi := da.Min.Y, da.Max.Y
	if want := min(heatMinBar, dc.Max.Y-dc.Min.Y); barHi-barLo < want {
		mid := (barLo + barHi) / 2
		barLo = min(max(mid-want/2, dc.Min.Y), dc.Max.Y-want)
		barHi = barLo + want
	}

	cm := m.CMap
	cm.SetMax(hi) // order matters for maps that check Min < Max
	cm.SetMin(lo)
	cm.SetMax(hi)
	bp := plot.New()
	bp.HideX()
	bp.X.Padding, bp.Y.Padding = 0, 0
	bp.Y.Label.Text = m.Label
	bp.Y.Label.TextStyle.Font.Size = vg.Points(9)
	bp.Y.Tick.Label.Font.Size = vg.Points(8)
	bp.Add(&plotter.ColorBar{ColorMap: cm, Vertical: true, Colors: heatBarColors})
	bc := draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: mc.Max.X + gap, Y: barLo},
		Max: vg.Point{X: mc.Max.X + gap + barW, Y: barHi},
	}}
	if da := bp.DataCanvas(bc); da.Max.Y-da.Min.Y <= 0 {
		return fmt.Errorf("report: heat map %q: the panel is too small for the colour bar", m.Title)
	}
	bp.Draw(bc)
	if placed != nil {
		placed(PlacedPanel{Plot: bp, Canvas: bc, Bounds: bc.Rectangle})
	}
	return nil
}

// addValues writes each cell's value at its centre.
func (m *HeatMap) addValues(p *plot.Plot) error {
	var l plotter.XYLabels
	var dark []bool
	lo, hi := m.colorRange()
	cols := m.CMap.Palette(256).Colors()
	for y := 0; y < m.H; y++ {
		for x := 0; x < m.W; x++ {
			v := m.Z[y*m.W+x]
			l.XYs = append(l.XYs, plotter.XY{X: float64(m.X0+x) + 0.5, Y: -(float64(m.Y0+y) + 0.5)})
			l.Labels = append(l.Labels, m.Values(v))
			t := 0.5
			if f := (v - lo) / (hi - lo); !math.IsNaN(f) {
				t = min(max(f, 0), 1)
			}
			r, g, b, _ := cols[int(math.Round(t*255))].RGBA()
			dark = append(dark, 0.299*float64(r)+0.587*float64(g)+0.114*float64(b) < 0.5*65535)
		}
	}
	lab, err := textLabels(l.XYs, l.Labels, 7.5, draw.XCenter, draw.YCenter)
	if err != nil {
		return fmt.Errorf("report: heat map %q: %w", m.Title, err)
	}
	for i := range lab.TextStyle {
		lab.TextStyle[i].Color = color.Black
		if dark[i] {
			lab.TextStyle[i].Color = color.White
		}
	}
	p.Add(lab)
	return nil
}

// cellValue formats a cell value with two significant digits at most
// (0.53, 1.2, 12), short enough to fit a cell.
func cellValue(v float64) string {
	a := math.Abs(v)
	switch {
	case math.IsNaN(v):
		return "–"
	case a >= 9.95:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 0.995:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a < 0.005:
		return "0"
	default:
		return strings.Replace(strconv.FormatFloat(v, 'f', 2, 64), "0.", ".", 1)
	}
}

// SaveHeatMaps lays the panels out on a grid (rows of panels, nil cells
// left blank) and writes base.png and base.svg; w and h are the size of
// one cell.
func SaveHeatMaps(base string, cells [][]*HeatMap, w, h vg.Length) error {
	rows, cols := len(cells), 0
	for _, r := range cells {
		cols = max(cols, len(r))
	}
	if rows == 0 || cols == 0 {
		return fmt.Errorf("report: %s: no panels", base)
	}
	W, H := w*vg.Length(cols), h*vg.Length(rows)
	var placed []PlacedPanel
	collect := func(pp PlacedPanel) { placed = append(placed, pp) }
	render := func(c vg.CanvasWriterTo, ext string) error {
		dc := draw.New(c)
		dc = draw.Crop(dc, 0, 0, 0, -vg.Points(2)) // titles off the top edge
		tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(6), PadY: vg.Points(6),
			PadTop: vg.Points(4), PadBottom: vg.Points(4), PadLeft: vg.Points(4), PadRight: vg.Points(4)}
		var buf bytes.Buffer
		var drawErr error
		err := renderSafely(func() error {
			for i, r := range cells {
				for j, m := range r {
					if m == nil {
						continue
					}
					var f func(PlacedPanel)
					if ext == ".png" {
						f = collect
					}
					if drawErr = m.draw(tiles.At(dc, j, i), f); drawErr != nil {
						return drawErr
					}
				}
			}
			_, err := c.WriteTo(&buf)
			return err
		})
		if drawErr != nil {
			return drawErr
		}
		if err != nil {
			return fmt.Errorf("report: render %s%s: %w", base, ext, err)
		}
		return WriteFileAtomic(base+ext, buf.Bytes())
	}
	png := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(W, H), vgimg.UseDPI(heatDPI), vgimg.UseBackgroundColor(color.White))}
	if err := render(png, ".png"); err != nil {
		return err
	}
	callFigureHook(base, placed)
	return render(vgsvg.New(W, H), ".svg")
}
