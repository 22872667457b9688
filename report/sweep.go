package report

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mrelu/mrelu/experiment"
)

// SweepData is a merged parameter sweep as the sweep plots need it.
type SweepData struct {
	Name, Experiment string
	// Varied are the parameters taking several values (the seed
	// excluded), in column order.
	Varied  []string
	Metrics []string
	// Random marks a random design: each metric is drawn against each
	// varied parameter as points (no curves, no heat map).
	Random bool
	// Rows are the successful points.
	Rows []SweepRow
}

// SweepRow is one point: its varied parameters (as text), its seed ("" if
// none) and its metrics (NaN where missing or not a number).
type SweepRow struct {
	Index   int
	Params  map[string]string
	Seed    string
	Metrics []float64
}

// sweepGroup is one design point: the rows that differ only in the seed.
type sweepGroup struct {
	key      []string // the varied parameters' values
	mean, sd []float64
	n        []int
}

// groups averages the rows over seeds, groups in order of first index.
func (d SweepData) groups() []*sweepGroup {
	var out []*sweepGroup
	by := map[string]*sweepGroup{}
	vals := map[string][][]float64{}
	for _, r := range d.Rows {
		key := make([]string, len(d.Varied))
		for i, p := range d.Varied {
			key[i] = r.Params[p]
		}
		k := strings.Join(key, "\x00")
		g := by[k]
		if g == nil {
			g = &sweepGroup{key: key}
			by[k] = g
			out = append(out, g)
			vals[k] = make([][]float64, len(d.Metrics))
		}
		for m, v := range r.Metrics {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				vals[k][m] = append(vals[k][m], v)
			}
		}
	}
	for k, g := range by {
		for _, v := range vals[k] {
			mean, sd := experiment.MeanSD(v)
			g.mean, g.sd, g.n = append(g.mean, mean), append(g.sd, sd), append(g.n, len(v))
		}
	}
	return out
}

// fileSafe turns a metric or parameter name into part of a file name.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, s)
}

func fmtCell(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return F(v)
}

// WriteSweep writes summary.csv (per design point: the varied parameters,
// then for each metric the number of seeds, mean and sample standard
// deviation) and, with plots, the figures under plots/: each metric
// against the one varied parameter with mean ± sd error bars over seeds;
// for two, a heat map of the mean and curves per value of the second; and
// the accuracy-versus-energy trade-off when a metric of each is present.
// It returns the files written, relative to dir.
func WriteSweep(dir string, d SweepData, plots bool) ([]string, error) {
	gs := d.groups()
	header := slices.Clone(d.Varied)
	for _, m := range d.Metrics {
		header = append(header, m+"_n", m+"_mean", m+"_sd")
	}
	rows := make([][]string, 0, len(gs))
	for _, g := range gs {
		row := slices.Clone(g.key)
		for m := range d.Metrics {
			row = append(row, strconv.Itoa(g.n[m]), fmtCell(g.mean[m]), fmtCell(g.sd[m]))
		}
		rows = append(rows, row)
	}
	written := []string{"summary.csv"}
	if err := WriteCSV(filepath.Join(dir, "summary.csv"), header, rows); err != nil {
		return written, err
	}
	if !plots || len(gs) == 0 {
		return written, nil
	}
	pdir := filepath.Join(dir, "plots")
	if err := os.MkdirAll(pdir, 0o755); err != nil {
		return written, err
	}
	save := func(base string, f func(string) error) error {
		if err := f(filepath.Join(pdir, base)); err != nil {
			return fmt.Errorf("report: sweep plot %s: %w", base, err)
		}
		written = append(written, filepath.Join("plots", base+".png"), filepath.Join("plots", base+".svg"))
		return nil
	}
	title := func(s string) string {
		if d.Name != "" {
			return d.Name + ": " + s
		}
		return s
	}
	switch {
	case d.Random:
		for k, x := range d.Varied {
			xs, ok := numbers(gs, k)
			if !ok {
				continue
			}
			for m, name := range d.Metrics {
				series := []errSeries{{x: xs, y: column(gs, m, false), sd: column(gs, m, true), points: true}}
				ax := Axes{Title: title(name + " vs " + x + errNote(gs, m)), X: sweepAxisLabel(x), Y: sweepAxisLabel(name), LogX: wideRange(xs)}
				if err := save(fileSafe(name)+"_vs_"+fileSafe(x), func(b string) error { return errorBarPlot(b, ax, series) }); err != nil {
					return written, err
				}
			}
		}
	case len(d.Varied) == 1 || len(d.Varied) == 2:
		x := d.Varied[0]
		xs, ok := numbers(gs, 0)
		if !ok {
			break
		}
		for m, name := range d.Metrics {
			series := sweepSeries(gs, d.Varied, xs, m)
			ax := Axes{Title: title(name + " vs " + x + errNote(gs, m)), X: sweepAxisLabel(x), Y: sweepAxisLabel(name), LogX: wideRange(xs)}
			if err := save(fileSafe(name)+"_vs_"+fileSafe(x), func(b string) error { return errorBarPlot(b, ax, series) }); err != nil {
				return written, err
			}
			if len(d.Varied) == 2 {
				if err := save(fileSafe(name)+"_heatmap", func(b string) error { return sweepHeatMap(b, title(name+" (mean over seeds)"), d.Varied, gs, m) }); err != nil {
					return written, err
				}
			}
		}
	}
	acc, en := -1, -1
	for m, name := range d.Metrics {
		l := strings.ToLower(name)
		if acc < 0 && strings.Contains(l, "accuracy") {
			acc = m
		}
		if en < 0 && strings.Contains(l, "energy") {
			en = m
		}
	}
	if acc >= 0 && en >= 0 {
		an, enName := d.Metrics[acc], d.Metrics[en]
		if err := save("tradeoff_"+fileSafe(an)+"_vs_"+fileSafe(enName), func(b string) error {
			return tradeoffPlot(b, title(an+" vs "+enName+" (mean ± sd over seeds)"), d.Varied, gs, en, acc, enName, an)
		}); err != nil {
			return written, err
		}
	}
	return written, nil
}

// errNote says what the error bars are.
func errNote(gs []*sweepGroup, m int) string {
	maxN := 0
	for _, g := range gs {
		maxN = max(maxN, g.n[m])
	}
	if maxN > 1 {
		return fmt.Sprintf(" (mean ± sd over %d seeds)", maxN)
	}
	return ""
}

// numbers parses the k-th key of every group as a number.
func numbers(gs []*sweepGroup, k int) ([]float64, bool) {
	out := make([]float64, len(gs))
	for i, g := range gs {
		v, err := strconv.ParseFloat(g.key[k], 64)
		if err != nil {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}

// wideRange: positive values spanning at least two decades get a log axis.
func wideRange(v []float64) bool {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range v {
		if !(x > 0) {
			return false
		}
		lo, hi = min(lo, x), max(hi, x)
	}
	return hi >= 100*lo
}

// errSeries is a curve with symmetric error bars (points only: no line).
type errSeries struct {
	name     string
	x, y, sd []float64
	points   bool
}

// column is metric m's mean (or sd) over the groups.
func column(gs []*sweepGroup, m int, sd bool) []float64 {
	out := make([]float64, len(gs))
	for i, g := range gs {
		if sd {
			out[i] = g.sd[m]
		} else {
			out[i] = g.mean[m]
		}
	}
	return out
}

// sweepSeries is metric m against the first varied parameter, one curve
// per value of the second (if any), sorted by x.
func sweepSeries(gs []*sweepGroup, varied []string, xs []float64, m int) []errSeries {
	var out []errSeries
	idx := map[string]int{}
	for i, g := range gs {
		name := ""
		if len(varied) > 1 {
			name = varied[1] + " = " + g.key[1]
		}
		k, ok := idx[name]
		if !ok {
			k = len(out)
			idx[name] = k
			out = append(out, errSeries{name: name})
		}
		s := &out[k]
		s.x, s.y, s.sd = append(s.x, xs[i]), append(s.y, g.mean[m]), append(s.sd, g.sd[m])
	}
	for k := range out {
		s := &out[k]
		o := make([]int, len(s.x))
		for i := range o {
			o[i] = i
		}
		slices.SortStableFunc(o, func(a, b int) int { return cmpFloat(s.x[a], s.x[b]) })
		s.x, s.y, s.sd = permute(s.x, o), permute(s.y, o), permute(s.sd, o)
	}
	return out
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func permute(v []float64, o []int) []float64 {
	out := make([]float64, len(o))
	for i, k := range o {
		out[i] = v[k]
	}
	return out
}

// errPoints feeds gonum's error bars.
type errPoints struct {
	xy     plotter.XYs
	ex, ey []float64
}

func (e errPoints) Len() int                        { return len(e.xy) }
func (e errPoints) XY(i int) (float64, float64)     { return e.xy[i].X, e.xy[i].Y }
func (e errPoints) YError(i int) (float64, float64) { return e.ey[i], e.ey[i] }
func (e errPoints) XError(i int) (float64, float64) { return e.ex[i], e.ex[i] }
func finiteOr0(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// errorBarPlot draws curves with mean ± sd error bars.
func errorBarPlot(base string, ax Axes, series []errSeries) error {
	p := newPlot(ax)
	for i, s := range series {
		var e errPoints
		for k := range s.x {
			x, y := s.x[k], s.y[k]
			if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(y, 0) || (ax.LogX && x <= 0) || (ax.LogY && y <= 0) {
				continue
			}
			e.xy = append(e.xy, plotter.XY{X: x, Y: y})
			e.ex, e.ey = append(e.ex, 0), append(e.ey, finiteOr0(s.sd[k]))
		}
		if len(e.xy) == 0 {
			continue
		}
		c := Palette[i%len(Palette)]
		l, pts, err := plotter.NewLinePoints(e.xy)
		if err != nil {
			return err
		}
		l.Color, l.Width = c, vg.Points(1.5)
		pts.Color, pts.Shape, pts.Radius = c, draw.CircleGlyph{}, vg.Points(2.5)
		eb, err := plotter.NewYErrorBars(e)
		if err != nil {
			return err
		}
		eb.Color, eb.Width, eb.CapWidth = c, vg.Points(1), vg.Points(6)
		if s.points {
			p.Add(pts, eb)
		} else {
			p.Add(l, pts, eb)
		}
		if s.name != "" {
			p.Legend.Add(s.name, l, pts)
		}
	}
	return Save(p, base)
}

// tradeoffPlot draws one point per design point: metric y against metric
// x, with mean ± sd error bars both ways, labelled with its parameters.
func tradeoffPlot(base, title string, varied []string, gs []*sweepGroup, mx, my int, xName, yName string) error {
	var e errPoints
	var labels []string
	for _, g := range gs {
		x, y := g.mean[mx], g.mean[my]
		if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
			continue
		}
		e.xy = append(e.xy, plotter.XY{X: x, Y: y})
		e.ex, e.ey = append(e.ex, finiteOr0(g.sd[mx])), append(e.ey, finiteOr0(g.sd[my]))
		var parts []string
		for i, v := range varied {
			parts = append(parts, shortName(v)+"="+g.key[i])
		}
		labels = append(labels, strings.Join(parts, " "))
	}
	xs := make([]float64, len(e.xy))
	for i := range e.xy {
		xs[i] = e.xy[i].X
	}
	ax := Axes{Title: title, X: sweepAxisLabel(xName), Y: sweepAxisLabel(yName), LogX: wideRange(xs)}
	p := newPlot(ax)
	if len(e.xy) > 0 {
		s, err := plotter.NewScatter(e.xy)
		if err != nil {
			return err
		}
		s.Color, s.Shape, s.Radius = Palette[0], draw.CircleGlyph{}, vg.Points(3)
		ey, err := plotter.NewYErrorBars(e)
		if err != nil {
			return err
		}
		ex, err := plotter.NewXErrorBars(e)
		if err != nil {
			return err
		}
		ey.Color, ex.Color = Palette[0], Palette[0]
		p.Add(s, ey, ex)
		if len(labels) <= 30 && len(varied) > 0 {
			// Alternately above and below the points, so that neighbours
			// do not overwrite each other.
			for half := range 2 {
				var xy plotter.XYs
				var ls []string
				for i := half; i < len(labels); i += 2 {
					xy, ls = append(xy, e.xy[i]), append(ls, labels[i])
				}
				if len(xy) == 0 {
					continue
				}
				align := []draw.YAlignment{draw.YBottom, draw.YTop}[half] // above, below
				lab, err := textLabels(xy, ls, 7, draw.XLeft, align)
				if err != nil {
					return err
				}
				lab.Offset = vg.Point{X: vg.Points(4), Y: vg.Points(3 - 6*float64(half))}
				p.Add(lab)
			}
		}
	}
	return Save(p, base)
}

// shortName is the last part of a dotted parameter name.
func shortName(s string) string {
	if i := strings.LastIndex(s, "."); i >= 0 {
		return s[i+1:]
	}
	return s
}

// sweepGrid is the heat map's grid: metric means over (x value, y value).
type sweepGrid struct {
	xs, ys []string
	z      [][]float64 // [y][x]
}

func (g sweepGrid) Dims() (int, int)   { return len(g.xs), len(g.ys) }
func (g sweepGrid) Z(c, r int) float64 { return g.z[r][c] }
func (g sweepGrid) X(c int) float64    { return float64(c) }
func (g sweepGrid) Y(r int) float64    { return float64(r) }

// sortedKeys returns the distinct values of key k, numerically sorted
// when they all are numbers.
func sortedKeys(gs []*sweepGroup, k int) []string {
	var out []string
	for _, g := range gs {
		if !slices.Contains(out, g.key[k]) {
			out = append(out, g.key[k])
		}
	}
	slices.SortStableFunc(out, func(a, b string) int {
		x, e1 := strconv.ParseFloat(a, 64)
		y, e2 := strconv.ParseFloat(b, 64)
		if e1 != nil || e2 != nil {
			return 0
		}
		return cmpFloat(x, y)
	})
	return out
}

// sweepHeatMap draws the mean of metric m over the two varied parameters,
// each cell labelled with its value.
func sweepHeatMap(base, title string, varied []string, gs []*sweepGroup, m int) error {
	g := sweepGrid{xs: sortedKeys(gs, 0), ys: sortedKeys(gs, 1)}
	g.z = make([][]float64, len(g.ys))
	for r := range g.z {
		g.z[r] = make([]float64, len(g.xs))
		for c := range g.z[r] {
			g.z[r][c] = math.NaN()
		}
	}
	var xys plotter.XYs
	var labels []string
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, gr := range gs {
		c, r := slices.Index(g.xs, gr.key[0]), slices.Index(g.ys, gr.key[1])
		v := gr.mean[m]
		g.z[r][c] = v
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			lo, hi = min(lo, v), max(hi, v)
			xys = append(xys, plotter.XY{X: float64(c), Y: float64(r)})
			labels = append(labels, strconv.FormatFloat(v, 'g', 4, 64))
		}
	}
	p := newPlot(Axes{Title: title, X: sweepAxisLabel(varied[0]), Y: sweepAxisLabel(varied[1])})
	if len(xys) > 0 {
		if !(hi > lo) {
			lo, hi = lo-1, hi+1
		}
		cm := moreland.SmoothBlueRed()
		cm.SetMax(hi)
		cm.SetMin(lo)
		cm.SetMax(hi)
		h := plotter.NewHeatMap(g, cm.Palette(255))
		h.Min, h.Max = lo, hi
		p.Add(h)
		lab, err := textLabels(xys, labels, 8, draw.XCenter, draw.YCenter)
		if err != nil {
			return err
		}
		p.Add(lab)
	}
	p.X.Tick.Marker = categoryTicks(g.xs)
	p.Y.Tick.Marker = categoryTicks(g.ys)
	p.X.Min, p.X.Max = -0.5, float64(len(g.xs))-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(len(g.ys))-0.5
	return Save(p, base)
}

// categoryTicks labels positions 0, 1, ... with the values.
func categoryTicks(v []string) plot.ConstantTicks {
	t := make(plot.ConstantTicks, len(v))
	for i, s := range v {
		t[i] = plot.Tick{Value: float64(i), Label: s}
	}
	return t
}

// sweepUnits maps the unit suffix of a params.json key or metric name
// (snake_case with the unit last: "r_d_ohm", "vdd_V", "energy_J") to the
// unit shown on an axis.
var sweepUnits = map[string]string{
	"ohm": "Ω", "V": "V", "A": "A", "J": "J", "s": "s", "F": "F", "S": "S", "m": "m", "W": "W",
	"Vs": "V·s", "m2": "m²", "m2_per_Vs": "m²/(V·s)", "per_A": "1/A", "V_per_A": "V/A",
}

// sweepAxisLabel is a sweep parameter's or metric's name with its unit in
// parentheses, read from the name's suffix, "(–)" for a dimensionless one
// (accuracy, fraction, count, seed, ratio...).
func sweepAxisLabel(name string) string {
	last := name
	if i := strings.LastIndexAny(name, "._"); i >= 0 {
		last = name[i+1:]
	}
	for _, suf := range []string{"m2_per_Vs", "V_per_A", "per_A"} {
		if strings.HasSuffix(name, "_"+suf) {
			return name + " (" + sweepUnits[suf] + ")"
		}
	}
	if u, ok := sweepUnits[last]; ok && last != name {
		return name + " (" + u + ")"
	}
	return name + " (–)"
}
