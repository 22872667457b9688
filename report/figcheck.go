package report

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg/draw"
)

// unitRE finds a unit in an axis label: a non-empty group in parentheses
// or brackets, e.g. "(V)", "[µA]", "(%)", or "(–)" for a dimensionless
// quantity.
var unitRE = regexp.MustCompile(`\(([^()]+)\)|\[([^\[\]]+)\]`)

// notUnits are parenthesised words that are not a unit.
var notUnits = []string{"log scale", "scaled", "ours", "ngspice"}

// HasUnit reports whether an axis label names a unit (or the
// dimensionless marker "(–)").
func HasUnit(label string) bool {
	for _, m := range unitRE.FindAllStringSubmatch(label, -1) {
		u := strings.TrimSpace(m[1] + m[2])
		skip := false
		for _, w := range notUnits {
			if strings.Contains(u, w) {
				skip = true
			}
		}
		if u != "" && !skip {
			return true
		}
	}
	return false
}

// CheckPlot checks the geometry of p drawn in c, as SaveFigure draws it,
// and returns the problems found (none: nil):
//   - every axis that shows tick labels has a label with a unit (HasUnit);
//     a categorical axis (every tick label non-numeric) needs none;
//   - a log axis shows at least two labelled ticks (from its Ticker over
//     its range);
//   - the legend's rectangle (legendRect: the legend's own size at its
//     corner and offsets on the data area), where it overlaps the data
//     area, contains no plotted point and crosses no plotted line or
//     filled area (PlotGeometry: the data transformed to canvas
//     coordinates);
//
// CheckPanel also checks that the legend stays inside the panel's bounds.
func CheckPlot(p *plot.Plot, c draw.Canvas) []string { return checkPlot(p, c, "") }

// checkPlot is CheckPlot with the y label yLabel when the report draws it
// beside the plot (PlacedPanel.YLabel; "": the plot's own).
func checkPlot(p *plot.Plot, c draw.Canvas, yLabel string) []string {
	var probs []string
	for _, ax := range []struct {
		name string
		a    *plot.Axis
	}{{"x", &p.X}, {"y", &p.Y}} {
		a := ax.a
		if !(a.Max > a.Min) {
			continue
		}
		label := a.Label.Text
		if a == &p.Y && yLabel != "" {
			label = yLabel
		}
		var ticks []plot.Tick
		err := renderSafely(func() error { ticks = a.Tick.Marker.Ticks(a.Min, a.Max); return nil })
		if err != nil {
			probs = append(probs, fmt.Sprintf("%s axis: ticker: %v", ax.name, err))
			continue
		}
		var labels []string
		for _, t := range ticks {
			if t.Label != "" && t.Value >= a.Min-1e-12*abs(a.Min) && t.Value <= a.Max+1e-12*abs(a.Max) {
				labels = append(labels, t.Label)
			}
		}
		if len(labels) == 0 && label == "" {
			continue // a hidden axis (colour bars, stacked panels sharing one)
		}
		categorical := len(labels) > 0
		for _, l := range labels {
			if _, err := strconv.ParseFloat(strings.ReplaceAll(l, "−", "-"), 64); err == nil {
				categorical = false
			}
		}
		switch {
		case categorical:
		case label == "":
			probs = append(probs, fmt.Sprintf("%s axis has tick labels but no label", ax.name))
		case !HasUnit(label):
			probs = append(probs, fmt.Sprintf("%s axis label %q has no unit in parentheses or brackets (use \"(–)\" for a dimensionless quantity)", ax.name, label))
		}
		if _, isLog := a.Scale.(plot.LogScale); isLog && len(labels) < 2 {
			probs = append(probs, fmt.Sprintf("log %s axis over [%g, %g] shows %d labelled tick(s) %q; want at least 2", ax.name, a.Min, a.Max, len(labels), labels))
		}
	}
	r := legendRect(p, c)
	if r, ok := visibleRect(p, c, r); ok && r.Max.X > r.Min.X {
		for _, s := range PlotGeometry(p, c) {
			if s.hits(r) {
				probs = append(probs, fmt.Sprintf("legend box (%.0f,%.0f)-(%.0f,%.0f) pt covers a %s (%d of its %d points inside)",
					r.Min.X, r.Min.Y, r.Max.X, r.Max.Y, s.What, s.PointsIn(r), len(s.Pts)))
				break
			}
		}
	}
	return probs
}

// CheckPanel is CheckPlot for a panel as SaveFigure placed it, and checks
// that its legend stays within the panel's bounds (the canvas plus the
// margin of a legend outside the axes).
func CheckPanel(pp PlacedPanel) []string {
	probs := checkPlot(pp.Plot, pp.Canvas, pp.YLabel)
	r, b := legendRect(pp.Plot, pp.Canvas), pp.Bounds
	const slack = 2
	if r.Max.X > r.Min.X && b.Max.X > b.Min.X &&
		(r.Min.X < b.Min.X-slack || r.Max.X > b.Max.X+slack || r.Min.Y < b.Min.Y-slack || r.Max.Y > b.Max.Y+slack) {
		probs = append(probs, fmt.Sprintf("legend box (%.0f,%.0f)-(%.0f,%.0f) pt leaves the panel (%.0f,%.0f)-(%.0f,%.0f)",
			r.Min.X, r.Min.Y, r.Max.X, r.Max.Y, b.Min.X, b.Min.Y, b.Max.X, b.Max.Y))
	}
	return probs
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
