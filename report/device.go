package report

// Files of the `mrelu device ...` commands: CSV, JSON and PNG/SVG plots of
// the device experiments (Fig. 1f, 1h, 3a–f, S5) and of the memristor fit.
// The file names and CSV columns are a contract with users; keep them.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/experiment"
)

// jsonNum is a float64 that encodes NaN and ±Inf as null (JSON has no
// such numbers), so a summary with a missing value still writes.
type jsonNum float64

// MarshalJSON implements json.Marshaler.
func (v jsonNum) MarshalJSON() ([]byte, error) {
	f := float64(v)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

// DeviceStats is a sample summary as written to JSON.
type DeviceStats struct {
	N      int     `json:"n"`
	Median jsonNum `json:"median"`
	Mean   jsonNum `json:"mean"`
	Sigma  jsonNum `json:"sigma"`
	Min    jsonNum `json:"min"`
	Max    jsonNum `json:"max"`
}

func deviceStats(s device.Stats) DeviceStats {
	return DeviceStats{N: s.N, Median: jsonNum(s.Median), Mean: jsonNum(s.Mean), Sigma: jsonNum(s.Std), Min: jsonNum(s.Min), Max: jsonNum(s.Max)}
}

// DeviceSettings is the "settings" object of a device command's
// params.json: the command and the setting it ran with.
type DeviceSettings struct {
	Command string  `json:"command"`
	Seed    *uint64 `json:"seed,omitempty"`
	Config  any     `json:"config"`
}

// deviceParamsFile is params.json of iv, sweep, pulse and tft: the device
// parameters (the keys of device.Params) plus the settings. `mrelu device
// ... --params` ignores the "settings" key when it reads the file back.
type deviceParamsFile struct {
	device.Params
	Settings DeviceSettings `json:"settings"`
}

// WriteDeviceParams writes dir/params.json with the device parameters p and
// the settings of the command that used them.
func WriteDeviceParams(dir string, p device.Params, s DeviceSettings) error {
	return WriteJSON(filepath.Join(dir, "params.json"), deviceParamsFile{Params: p, Settings: s})
}

// f7 formats a waveform value with 7 significant digits (the large
// waveform CSVs do not need round-trip precision).
func f7(v float64) string { return strconv.FormatFloat(v, 'g', 7, 64) }

// scaled returns v·k.
func scaled(v []float64, k float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x * k
	}
	return out
}

// ---------------------------------------------------------------------------
// Plot helpers

// devLine is one curve of a device plot.
type devLine struct {
	name    string
	x, y    []float64
	color   int  // index into Palette
	dashed  bool // dashed line
	scatter bool // glyphs only, no line
	glyphs  bool // line with glyphs
	thin    bool // thin line (many overlaid curves)
}

// devPlot builds a plot of lines; points that cannot be drawn (NaN, ±Inf,
// ≤ 0 on a log axis) are dropped.
func devPlot(ax Axes, lines ...devLine) (*plot.Plot, error) {
	p := newPlot(ax)
	var xs, ys []float64 // plotted values, for the log-axis guard
	defer func() {
		if ax.LogX {
			guardLogAxis(&p.X, xs)
		}
		if ax.LogY {
			guardLogAxis(&p.Y, ys)
		}
	}()
	for _, l := range lines {
		xy := make(plotter.XYs, 0, len(l.x))
		for k := range l.x {
			x, y := l.x[k], l.y[k]
			if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) || (ax.LogX && x <= 0) || (ax.LogY && y <= 0) {
				continue
			}
			xy = append(xy, plotter.XY{X: x, Y: y})
			xs, ys = append(xs, x), append(ys, y)
		}
		if len(xy) == 0 {
			continue
		}
		c := Palette[l.color%len(Palette)]
		if l.scatter {
			s, err := plotter.NewScatter(xy)
			if err != nil {
				return nil, fmt.Errorf("report: plot: %w", err)
			}
			s.Color, s.Shape, s.Radius = c, draw.CircleGlyph{}, vg.Points(2.5)
			p.Add(s)
			if l.name != "" {
				p.Legend.Add(l.name, s)
			}
			continue
		}
		ln, err := plotter.NewLine(xy)
		if err != nil {
			return nil, fmt.Errorf("report: plot: %w", err)
		}
		ln.Color, ln.Width = c, vg.Points(1.5)
		if l.thin {
			ln.Width = vg.Points(0.8)
		}
		if l.dashed {
			ln.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		p.Add(ln)
		if l.glyphs {
			s, err := plotter.NewScatter(xy)
			if err != nil {
				return nil, fmt.Errorf("report: plot: %w", err)
			}
			s.Color, s.Shape, s.Radius = c, draw.CircleGlyph{}, vg.Points(2.5)
			p.Add(s)
		}
		if l.name != "" {
			p.Legend.Add(l.name, ln)
		}
	}
	return p, nil
}

// guardLogAxis gives a log axis a positive, non-empty range: gonum/plot
// widens an empty range (one point, or no data) by ±1, which can reach 0
// and panics on a log scale.
func guardLogAxis(a *plot.Axis, v []float64) {
	if a.Min > 0 && a.Max > a.Min {
		return
	}
	lo, hi, ok := decades(v...)
	if !ok {
		lo, hi = 1, 10
	}
	if !(hi > lo) {
		lo, hi = lo/10, hi*10
	}
	a.Min, a.Max = lo, hi
}

// saveDevPlot builds and saves a one-panel plot as base.png and base.svg.
func saveDevPlot(base string, ax Axes, tweak func(*plot.Plot), lines ...devLine) error {
	p, err := devPlot(ax, lines...)
	if err != nil {
		return fmt.Errorf("%w (%s)", err, base)
	}
	if tweak != nil {
		tweak(p)
	}
	return Save(p, base)
}

// saveStack saves panels stacked vertically with aligned axes as base.png
// and base.svg; each panel is PlotHeight·panelHeight high.
func saveStack(base string, panelHeight float64, panels ...*plot.Plot) error {
	f := Figure{W: PlotWidth, H: vg.Length(float64(PlotHeight) * panelHeight * float64(len(panels))), Stack: true}
	for _, p := range panels {
		f.Panels = append(f.Panels, Panel{Plot: p})
	}
	return SaveFigure(base, f)
}

// devPanel is one panel of a stacked plot.
type devPanel struct {
	ax    Axes
	lines []devLine
	tweak func(*plot.Plot) // optional, e.g. to move the legend
}

// stack builds the panels of saveStack, each with the x label (a panel
// read on its own still says what its axis is).
func stack(base string, panelHeight float64, xLabel string, panels []devPanel) error {
	var ps []*plot.Plot
	for _, pn := range panels {
		ax := pn.ax
		ax.X = xLabel
		p, err := devPlot(ax, pn.lines...)
		if err != nil {
			return fmt.Errorf("%w (%s)", err, base)
		}
		if pn.tweak != nil {
			pn.tweak(p)
		}
		ps = append(ps, p)
	}
	return saveStack(base, panelHeight, ps...)
}

// legendBottom moves the legend to the bottom right.
func legendBottom(p *plot.Plot) { p.Legend.Top = false }

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

// vline is a vertical marker at x from y0 to y1.
func vline(name string, x, y0, y1 float64, color int) devLine {
	return devLine{name: name, x: []float64{x, x}, y: []float64{y0, y1}, color: color, dashed: true}
}

// hline is a horizontal marker at y from x0 to x1.
func hline(name string, y, x0, x1 float64, color int) devLine {
	return devLine{name: name, x: []float64{x0, x1}, y: []float64{y, y}, color: color, dashed: true}
}

// ---------------------------------------------------------------------------
// device iv

// DeviceIVSummary is iv_summary.json of `mrelu device iv`.
type DeviceIVSummary struct {
	Cycles int     `json:"cycles"`
	IccA   float64 `json:"icc_A"`
	// Set and Hold are the per-cycle set and hold voltages (source voltage
	// where |I| first reaches Icc/2 on the way up, first drops below it on
	// the way down).
	Set  DeviceStats `json:"set_V"`
	Hold DeviceStats `json:"hold_V"`
	// NullReason says why set_V or hold_V has no values (null
	// statistics); empty when both have values. A non-empty reason marks
	// a degenerate run: the device never switched (or never released).
	NullReason string `json:"null_reason,omitempty"`
	// Overlap reports whether the distributions overlap (max hold ≥ min
	// set); GapV is min set − max hold.
	Overlap         bool     `json:"overlap"`
	GapV            jsonNum  `json:"gap_V"`
	SetAboveHold    int      `json:"cycles_set_above_hold"`
	CyclesNoSet     int      `json:"cycles_without_set"`
	CyclesNoHold    int      `json:"cycles_without_hold"`
	MaxFinalState   float64  `json:"max_state_after_cycle"`
	NegativeVNegV   float64  `json:"negative_sweep_to_V"`
	NegativeMaxI    float64  `json:"negative_max_abs_current_A"`
	NegativeMaxIcc  float64  `json:"negative_max_abs_current_over_icc"`
	NegativeMaxX    float64  `json:"negative_max_state"`
	NegativeSwitch  bool     `json:"negative_switched"`
	PlottedCycles   []int    `json:"plotted_cycles"`
	SetHoldCSVRows  int      `json:"set_hold_rows"`
	IVCSVRows       int      `json:"iv_rows"`
	SeedOfVariation uint64   `json:"seed"`
	PaperFigures    string   `json:"paper_figures"`
	Notes           []string `json:"notes"`
}

// SummarizeDeviceIV builds iv_summary.json.
func SummarizeDeviceIV(r *experiment.DeviceIVResult) DeviceIVSummary {
	sw := r.Sweep
	s := DeviceIVSummary{Cycles: len(sw.Cycles), IccA: r.Config.Icc, Set: deviceStats(sw.Set), Hold: deviceStats(sw.Hold),
		Overlap: sw.Hold.Max >= sw.Set.Min, GapV: jsonNum(sw.Set.Min - sw.Hold.Max),
		NegativeVNegV: r.Config.VNeg, NegativeMaxI: sw.NegativeMaxCurrent, NegativeMaxIcc: sw.NegativeMaxCurrent / r.Config.Icc,
		NegativeMaxX: sw.NegativeMaxState, NegativeSwitch: sw.NegativeSwitched,
		PaperFigures:    "Fig. 1f (I-V loop, negative sweep), 3a (cycles), 3b (set/hold distributions)",
		SeedOfVariation: r.Seed,
		Notes: []string{
			"set_V: source voltage of the first forward reading with |I| at least Icc/2; hold_V: first backward reading with |I| below Icc/2",
			"overlap: max hold at or above min set; gap_V = min set - max hold",
			"max_state_after_cycle: largest state x at 0 V after a backward sweep (volatility: relaxes to ~0)",
			"negative sweep: nominal device from the relaxed state, 0 to v_neg and back to 0",
		}}
	if math.IsNaN(sw.Hold.Max) || math.IsNaN(sw.Set.Min) {
		s.Overlap = false
	}
	for _, c := range sw.Cycles {
		switch {
		case math.IsNaN(c.Set):
			s.CyclesNoSet++
		case math.IsNaN(c.Hold):
			s.CyclesNoHold++
		case c.Set > c.Hold:
			s.SetAboveHold++
		}
		if n := len(c.Backward); n > 0 {
			s.MaxFinalState = math.Max(s.MaxFinalState, c.Backward[n-1].X)
		}
	}
	switch {
	case len(sw.Cycles) == 0:
	case sw.Set.N == 0:
		s.NullReason = fmt.Sprintf("no cycle reached Icc/2 = %g A on the way up to v_max = %g V: the device never switched, so set_V and hold_V have no values",
			0.5*r.Config.Icc, r.Config.VMax)
	case sw.Hold.N == 0:
		s.NullReason = fmt.Sprintf("in no cycle did |I| drop below Icc/2 = %g A on the way back to 0 V: the device never released, so hold_V has no values",
			0.5*r.Config.Icc)
	}
	s.PlottedCycles = ivPlotCycles(len(sw.Cycles))
	return s
}

// ivPlotCycles picks up to five evenly spread cycles (0-based) to overlay.
func ivPlotCycles(n int) []int {
	var out []int
	for k := 0; k < 5 && k < n; k++ {
		c := 0
		if n > 1 {
			c = int(math.Round(float64(k) * float64(n-1) / float64(min(4, n-1))))
		}
		if len(out) == 0 || out[len(out)-1] != c {
			out = append(out, c)
		}
	}
	return out
}

// WriteDeviceIV writes params.json, iv.csv, set_hold.csv, iv_summary.json,
// iv.png/.svg and set_hold_cdf.png/.svg into dir.
func WriteDeviceIV(dir string, r *experiment.DeviceIVResult, plots bool) (DeviceIVSummary, error) {
	s := SummarizeDeviceIV(r)
	seed := r.Seed
	if err := WriteDeviceParams(dir, r.Params, DeviceSettings{Command: "device iv", Seed: &seed, Config: r.Config}); err != nil {
		return s, err
	}
	sw := r.Sweep
	// iv.csv: every reading; the negative sweep is cycle 0.
	var rows [][]string
	add := func(cycle int, sweep, dir string, pts []device.IVPoint) {
		c := strconv.Itoa(cycle)
		for _, p := range pts {
			rows = append(rows, []string{c, sweep, dir, f7(p.V), f7(p.VDevice), f7(p.I), f7(p.X)})
		}
	}
	for k, c := range sw.Cycles {
		add(k+1, "positive", "forward", c.Forward)
		add(k+1, "positive", "backward", c.Backward)
	}
	if n := len(sw.Negative); n > 0 {
		add(0, "negative", "forward", sw.Negative[:n/2])
		add(0, "negative", "backward", sw.Negative[n/2:])
	}
	s.IVCSVRows = len(rows)
	if err := WriteCSV(filepath.Join(dir, "iv.csv"), []string{"cycle", "sweep", "direction", "v_V", "v_device_V", "i_A", "x"}, rows); err != nil {
		return s, err
	}
	// set_hold.csv
	rows = rows[:0]
	for k, c := range sw.Cycles {
		rows = append(rows, []string{strconv.Itoa(k + 1), F(c.Set), F(c.Hold)})
	}
	s.SetHoldCSVRows = len(rows)
	if err := WriteCSV(filepath.Join(dir, "set_hold.csv"), []string{"cycle", "v_set_V", "v_hold_V"}, rows); err != nil {
		return s, err
	}
	if err := WriteJSON(filepath.Join(dir, "iv_summary.json"), s); err != nil {
		return s, err
	}
	if !plots {
		return s, nil
	}
	// iv.png: |I| on a log axis, a few cycles and the negative sweep.
	var lines []devLine
	ymin := math.Inf(1)
	for i, k := range s.PlottedCycles {
		c := sw.Cycles[k]
		var v, a []float64
		for _, p := range append(append([]device.IVPoint(nil), c.Forward...), c.Backward...) {
			v = append(v, p.V)
			a = append(a, math.Abs(p.I))
			if p.I != 0 {
				ymin = math.Min(ymin, math.Abs(p.I))
			}
		}
		lines = append(lines, devLine{name: fmt.Sprintf("cycle %d", k+1), x: v, y: a, color: i, thin: true})
	}
	if len(sw.Negative) > 0 {
		var v, a []float64
		for _, p := range sw.Negative {
			v = append(v, p.V)
			a = append(a, math.Abs(p.I))
		}
		lines = append(lines, devLine{name: fmt.Sprintf("0 → %g V → 0 (no switching)", r.Config.VNeg), x: v, y: a, color: 6})
	}
	title := fmt.Sprintf("DC I–V sweeps, Icc = %s (set median %.2f V, hold median %.2f V)", siA(r.Config.Icc), sw.Set.Median, sw.Hold.Median)
	ax := Axes{Title: title, X: "voltage on the Cu electrode (V)", Y: "|I| (A)", LogY: true}
	if lo, _, ok := decades(ymin); ok {
		ax.YMin, ax.YMax = lo, 3*r.Config.Icc
	}
	if err := saveDevPlot(filepath.Join(dir, "iv"), ax,
		func(p *plot.Plot) { p.Legend.Top = false }, lines...); err != nil {
		return s, err
	}
	// set_hold_cdf.png
	cdf := func(v []float64) (x, y []float64) {
		for _, a := range v {
			if !math.IsNaN(a) {
				x = append(x, a)
			}
		}
		slices.Sort(x)
		for k := range x {
			y = append(y, 100*float64(k+1)/float64(len(x)))
		}
		return x, y
	}
	hx, hy := cdf(sw.HoldVoltages())
	sx, sy := cdf(sw.SetVoltages())
	ov := "no overlap"
	if s.Overlap {
		ov = "OVERLAP"
	}
	title = fmt.Sprintf("%d cycles: set %.3f V (σ %.3f), hold %.3f V (σ %.3f), %s", len(sw.Cycles), sw.Set.Median, sw.Set.Std, sw.Hold.Median, sw.Hold.Std, ov)
	if err := saveDevPlot(filepath.Join(dir, "set_hold_cdf"), Axes{Title: title, X: "voltage (V)", Y: "cumulative probability (%)", YMin: 0, YMax: 100},
		func(p *plot.Plot) { p.Legend.Top = false; p.Legend.Left = false },
		devLine{name: "hold", x: hx, y: hy, color: 0, glyphs: len(hx) <= 60},
		devLine{name: "set", x: sx, y: sy, color: 1, glyphs: len(sx) <= 60},
	); err != nil {
		return s, err
	}
	return s, nil
}

// siA formats a current with an SI prefix.
func siA(i float64) string {
	a := math.Abs(i)
	switch {
	case a >= 1e-3:
		return fmt.Sprintf("%.3g mA", i*1e3)
	case a >= 1e-6:
		return fmt.Sprintf("%.3g µA", i*1e6)
	case a >= 1e-9:
		return fmt.Sprintf("%.3g nA", i*1e9)
	default:
		return fmt.Sprintf("%.3g A", i)
	}
}

// siOhm formats a resistance with an SI prefix.
func siOhm(r float64) string {
	switch {
	case r >= 1e9:
		return fmt.Sprintf("%.3g GΩ", r/1e9)
	case r >= 1e6:
		return fmt.Sprintf("%.3g MΩ", r/1e6)
	case r >= 1e3:
		return fmt.Sprintf("%.3g kΩ", r/1e3)
	default:
		return fmt.Sprintf("%.3g Ω", r)
	}
}

// ---------------------------------------------------------------------------
// device sweep

// DeviceRI is one resistance at a current.
type DeviceRI struct {
	IA   float64 `json:"i_A"`
	ROhm float64 `json:"r_ohm"`
}

// DeviceSweepSummary is sweep.json of `mrelu device sweep`.
type DeviceSweepSummary struct {
	Points int `json:"points"`
	// R0 is the zero-bias resistance of the relaxed device (the I = 0 point,
	// left out of r_vs_i.csv so the file reads back through --data).
	R0Ohm float64 `json:"r0_ohm"`
	// RFirst and RLast are R at the smallest non-zero and the largest
	// current; Decades is log10(RFirst/RLast).
	RFirst   DeviceRI `json:"r_first"`
	RLast    DeviceRI `json:"r_last"`
	Decades  float64  `json:"decades"`
	Monotone bool     `json:"monotone_decreasing"`
	GMaxS    float64  `json:"g_max_S"`
	G0S      float64  `json:"g0_S"`
	GMaxOver float64  `json:"g_max_over_g0"`
	// MaxDevV is max |v(I) − (Vth − RD·I)| over I ≥ 0.1 µA, the check of
	// the R = Vth/I − RD form of the Fig. 3c inset.
	MaxDevV      jsonNum  `json:"max_dev_from_vth_minus_rd_i_V"`
	PaperFigures string   `json:"paper_figures"`
	Notes        []string `json:"notes"`
}

// WriteDeviceSweep writes params.json, r_vs_i.csv, sweep.json,
// r_vs_i.png/.svg and g_vs_i.png/.svg into dir.
func WriteDeviceSweep(dir string, r *experiment.DeviceSweepResult, plots bool) (DeviceSweepSummary, error) {
	m := r.Params.Memristor
	s := DeviceSweepSummary{Points: len(r.Points), G0S: device.G0, Monotone: true, MaxDevV: jsonNum(math.NaN()),
		PaperFigures: "Fig. 1h, 3c (resistance set gradually by the current; inset R = Vth/I - r_d)",
		Notes: []string{
			"r_vs_i.csv holds the non-zero currents (R = V/I of the steady state); the I = 0 point is r0_ohm, the zero-bias resistance of the relaxed device",
			"g_S = 1/r_ohm; the conductance quantum G0 = 2e^2/h = 77.5 uS is never reached (tunnelling conduction)",
		}}
	var is, rs, gs []float64
	var rows [][]string
	maxDev := math.NaN()
	for k, p := range r.Points {
		s.GMaxS = math.Max(s.GMaxS, p.G)
		if k > 0 && !(p.R < r.Points[k-1].R) {
			s.Monotone = false
		}
		if p.I == 0 {
			s.R0Ohm = p.R
			continue
		}
		is, rs, gs = append(is, p.I), append(rs, p.R), append(gs, p.G)
		rows = append(rows, []string{F(p.I), F(p.R), F(p.G)})
		if p.I >= 0.1e-6 {
			h, _ := m.HoldVoltage(p.I) // Vth − RD·I; a table's hold voltage
			d := math.Abs(p.V - h)
			if math.IsNaN(maxDev) || d > maxDev {
				maxDev = d
			}
		}
	}
	s.MaxDevV = jsonNum(maxDev)
	s.GMaxOver = s.GMaxS / device.G0
	if n := len(is); n > 0 {
		s.RFirst = DeviceRI{is[0], rs[0]}
		s.RLast = DeviceRI{is[n-1], rs[n-1]}
		s.Decades = math.Log10(rs[0] / rs[n-1])
	}
	seedless := DeviceSettings{Command: "device sweep", Config: r.Config}
	if err := WriteDeviceParams(dir, r.Params, seedless); err != nil {
		return s, err
	}
	if err := WriteCSV(filepath.Join(dir, "r_vs_i.csv"), []string{"i_A", "r_ohm", "g_S"}, rows); err != nil {
		return s, err
	}
	if err := WriteJSON(filepath.Join(dir, "sweep.json"), s); err != nil {
		return s, err
	}
	if !plots {
		return s, nil
	}
	// Plots include the I = 0 point (the relaxed device).
	var ia, ra, ga, iref, rref []float64
	for _, p := range r.Points {
		ia, ra, ga = append(ia, p.I*1e6), append(ra, p.R), append(ga, p.G)
		if p.I > 0 {
			r := m.Vth/p.I - m.RD
			if m.Tabulated() {
				h, _ := m.HoldVoltage(p.I)
				r = h / p.I
			}
			iref, rref = append(iref, p.I*1e6), append(rref, r)
		}
	}
	refName := fmt.Sprintf("Vth/I − r_d (Vth = %.3g V, r_d = %s)", m.Vth, siOhm(m.RD))
	if m.Tabulated() {
		refName = fmt.Sprintf("Vhold(I)/I (tabulated, threshold %.3g V)", m.Threshold())
	}
	imax := r.Config.IMax * 1e6
	ax := Axes{Title: fmt.Sprintf("Steady-state resistance vs current (R falls %.1f decades)", s.Decades), X: "current (µA)", Y: "R = V/I (Ω)", LogY: true}
	if lo, hi, ok := decades(ra...); ok {
		ax.YMin, ax.YMax = lo, hi
	}
	if err := saveDevPlot(filepath.Join(dir, "r_vs_i"), ax, nil,
		devLine{name: "model steady state", x: ia, y: ra, color: 0, glyphs: len(ia) <= 60},
		devLine{name: refName, x: iref, y: rref, color: 1, dashed: true},
	); err != nil {
		return s, err
	}
	title := fmt.Sprintf("Conductance vs current: G ≤ %.3g µS = %.2f·G0", s.GMaxS*1e6, s.GMaxOver)
	ax = Axes{Title: title, X: "current (µA)", Y: "G = I/V (S)", LogY: true}
	if lo, hi, ok := decades(append(ga, 1.5*device.G0)...); ok {
		ax.YMin, ax.YMax = lo, hi
	}
	if err := saveDevPlot(filepath.Join(dir, "g_vs_i"), ax,
		func(p *plot.Plot) { p.Legend.Top = false },
		devLine{name: "model steady state", x: ia, y: ga, color: 0, glyphs: len(ia) <= 60},
		hline("G0 = 2e²/h = 77.5 µS", device.G0, 0, imax, 1),
	); err != nil {
		return s, err
	}
	return s, nil
}

// ---------------------------------------------------------------------------
// device pulse

// DevicePulseLevel is the pulse-to-pulse variation at one current level of
// the pulse train.
type DevicePulseLevel struct {
	CurrentA float64     `json:"current_A"`
	Pulses   int         `json:"pulses"`
	R        DeviceStats `json:"r_ohm"` // R = V/I at the end of each pulse
	// CV is σ/mean and RelSpread (max − min)/median of R.
	CV        jsonNum `json:"cv"`
	RelSpread jsonNum `json:"rel_spread"`
	// NominalROhm is R without variation, and NominalRelSpread its
	// pulse-to-pulse spread (0: no history dependence).
	NominalROhm      jsonNum `json:"nominal_r_ohm"`
	NominalRelSpread jsonNum `json:"nominal_rel_spread"`
}

// DeviceVoltagePulse is the reading at the end of one voltage pulse.
type DeviceVoltagePulse struct {
	AmplitudeV float64 `json:"amplitude_V"`
	VV         float64 `json:"v_V"`
	IA         float64 `json:"i_A"`
	ROhm       jsonNum `json:"r_ohm"`
}

// DevicePulseSummary is pulse.json of `mrelu device pulse`.
type DevicePulseSummary struct {
	// The single pulse (Fig. 3f).
	AmplitudeV    float64 `json:"amplitude_V"`
	WidthS        float64 `json:"width_s"`
	SeriesROhm    float64 `json:"series_r_ohm"`
	LatencyS      jsonNum `json:"latency_s"`
	PaperLatencyS float64 `json:"paper_latency_s"`
	EnergyJ       jsonNum `json:"energy_J"`
	PaperEnergyJ  float64 `json:"paper_energy_J"`
	LatencyRatio  jsonNum `json:"latency_over_paper"`
	EnergyRatio   jsonNum `json:"energy_over_paper"`
	SteadyA       float64 `json:"steady_current_A"`
	FinalA        float64 `json:"final_current_A"`
	Saturated     bool    `json:"saturated"`
	EnergyPulseJ  float64 `json:"energy_whole_pulse_J"`
	SourceEnergyJ float64 `json:"source_energy_whole_pulse_J"`
	ROnOhm        float64 `json:"r_on_ohm"`
	// Switched reports whether the pulse set the device (zero-bias R at
	// its end below 0.9·R insulating); if not, latency and relaxation
	// describe no switching event.
	Switched bool `json:"switched"`
	// Relaxation after the same pulse (0 if the device never left the
	// insulating state).
	RelaxationS    jsonNum `json:"relaxation_time_s"`
	StateTauS      jsonNum `json:"state_time_constant_s"`
	RSetOhm        float64 `json:"r_set_ohm"`
	RInsulatingOhm float64 `json:"r_insulating_ohm"`
	RelaxSpanS     float64 `json:"relax_span_s"`
	// AmplitudeForPaperLatencyV is the pulse amplitude (V) at which the
	// latency is the paper's 650 ns (null if not within 1.99–3 V): where
	// amplitude_V's calibration comes from (latency_vs_amplitude.csv).
	AmplitudeForPaperLatencyV jsonNum `json:"amplitude_for_paper_latency_V"`
	// The current pulse train (Fig. 3d).
	Train struct {
		WidthS  float64          `json:"width_s"`
		PeriodS float64          `json:"period_s"`
		Pulses  int              `json:"pulses"`
		Low     DevicePulseLevel `json:"low"`
		High    DevicePulseLevel `json:"high"`
	} `json:"pulse_train"`
	// The rising voltage pulses (Fig. 3e).
	VoltagePulses []DeviceVoltagePulse `json:"voltage_pulses"`
	Notes         []string             `json:"notes"`
}

func ratio(a, b float64) jsonNum { return jsonNum(a / b) }

func pulseLevel(i float64, s, nominal device.Stats) DevicePulseLevel {
	return DevicePulseLevel{CurrentA: i, Pulses: s.N, R: deviceStats(s), CV: jsonNum(s.Std / s.Mean), RelSpread: jsonNum(s.RelativeSpread()),
		NominalROhm: jsonNum(nominal.Median), NominalRelSpread: jsonNum(nominal.RelativeSpread())}
}

// SummarizeDevicePulse builds pulse.json.
func SummarizeDevicePulse(r *experiment.DevicePulseResult) DevicePulseSummary {
	sp, rl := r.Single, r.Relaxation
	s := DevicePulseSummary{AmplitudeV: sp.Config.Amplitude, WidthS: sp.Config.Width, SeriesROhm: sp.Config.SeriesR,
		LatencyS: jsonNum(sp.Latency), PaperLatencyS: experiment.PaperLatency, EnergyJ: jsonNum(sp.Energy), PaperEnergyJ: experiment.PaperEnergy,
		LatencyRatio: ratio(sp.Latency, experiment.PaperLatency), EnergyRatio: ratio(sp.Energy, experiment.PaperEnergy),
		SteadyA: sp.SteadyCurrent, FinalA: sp.FinalCurrent, Saturated: sp.Saturated, EnergyPulseJ: sp.EnergyPulse, SourceEnergyJ: sp.SourceEnergy, ROnOhm: sp.ROn,
		RelaxationS: jsonNum(rl.RelaxationTime), StateTauS: jsonNum(rl.StateTimeConstant), RSetOhm: rl.RSet, RInsulatingOhm: rl.RInsulating,
		RelaxSpanS: r.Config.Single.RelaxSpan, AmplitudeForPaperLatencyV: jsonNum(r.AmplitudeForPaperLatency),
		Notes: []string{
			"latency_s: pulse onset until the device current first reaches 90 % of its saturated value (Fig. 3f)",
			"energy_J: integral of V_device*I from onset to the latency, i.e. over a pulse as wide as the latency (the paper's energy per activation)",
			"relaxation_time_s: after the pulse, until the zero-bias resistance is back within 10 % of the insulating value",
			"pulse_train: R = V/I at the end of each pulse; parameters redrawn at each pulse (cycle_variation); nominal_* without variation",
			"voltage_pulses: R = V/I of the device at the end of each pulse through the series resistor (Fig. 3e)",
		}}
	s.Switched = rl.RSet < 0.9*rl.RInsulating
	if !s.Switched {
		s.RelaxationS = 0
	}
	tc := r.Train.Config
	s.Train.WidthS, s.Train.PeriodS, s.Train.Pulses = tc.Width, tc.Period, tc.Pulses
	s.Train.Low = pulseLevel(tc.ILow, r.Train.Low, r.TrainNominal.Low)
	s.Train.High = pulseLevel(tc.IHigh, r.Train.High, r.TrainNominal.High)
	for _, p := range r.Voltage.Readings {
		s.VoltagePulses = append(s.VoltagePulses, DeviceVoltagePulse{AmplitudeV: p.Drive, VV: p.V, IA: p.I, ROhm: jsonNum(p.R)})
	}
	return s
}

// waveRows returns waveform rows t, source V, device V, I, R = V/I (NaN
// without current), x.
func waveRows(w []device.Sample) [][]string {
	rows := make([][]string, 0, len(w))
	for _, p := range w {
		r := math.NaN()
		if p.I != 0 {
			r = p.V / p.I
		}
		rows = append(rows, []string{f7(p.T), f7(p.VS), f7(p.V), f7(p.I), f7(r), f7(p.X)})
	}
	return rows
}

// WriteDevicePulse writes params.json, pulse.json, the waveform CSVs
// (pulse_train.csv, voltage_pulses.csv, single_pulse.csv, relaxation.csv),
// the per-pulse readings and their plots into dir.
func WriteDevicePulse(dir string, r *experiment.DevicePulseResult, plots bool) (DevicePulseSummary, error) {
	s := SummarizeDevicePulse(r)
	seed := r.Seed
	if err := WriteDeviceParams(dir, r.Params, DeviceSettings{Command: "device pulse", Seed: &seed, Config: r.Config}); err != nil {
		return s, err
	}
	if err := WriteJSON(filepath.Join(dir, "pulse.json"), s); err != nil {
		return s, err
	}
	if err := writePulseTrain(dir, r, plots); err != nil {
		return s, err
	}
	if err := writeVoltagePulses(dir, r, plots); err != nil {
		return s, err
	}
	if err := writeSinglePulse(dir, r, s, plots); err != nil {
		return s, err
	}
	if err := writeRelaxation(dir, r, plots); err != nil {
		return s, err
	}
	if err := writeLatencySweep(dir, r, plots); err != nil {
		return s, err
	}
	return s, nil
}

func writePulseTrain(dir string, r *experiment.DevicePulseResult, plots bool) error {
	tr := r.Train
	// pulse_train.csv: current source with compliance; source voltage is
	// not meaningful, so the columns are the current and the device.
	rows := make([][]string, 0, len(tr.Waveform))
	var t, i, v []float64
	for _, p := range tr.Waveform {
		rr := math.NaN()
		if p.I != 0 {
			rr = p.V / p.I
		}
		rows = append(rows, []string{f7(p.T), f7(p.I), f7(p.V), f7(rr), f7(p.X)})
		t, i, v = append(t, p.T*1e3), append(i, p.I*1e6), append(v, p.V)
	}
	if err := WriteCSV(filepath.Join(dir, "pulse_train.csv"), []string{"t_s", "i_A", "v_V", "r_ohm", "x"}, rows); err != nil {
		return err
	}
	rows = rows[:0]
	var rt, rlo, rhi, tlo, thi []float64
	for k, p := range tr.Readings {
		nom := math.NaN()
		if k < len(r.TrainNominal.Readings) {
			nom = r.TrainNominal.Readings[k].R
		}
		rows = append(rows, []string{strconv.Itoa(p.Index + 1), F(p.T), F(p.Drive), F(p.V), F(p.R), F(nom)})
		rt = append(rt, p.T*1e3)
		if k%2 == 0 {
			tlo, rlo = append(tlo, p.T*1e3), append(rlo, p.R)
		} else {
			thi, rhi = append(thi, p.T*1e3), append(rhi, p.R)
		}
	}
	if err := WriteCSV(filepath.Join(dir, "pulse_train_readings.csv"), []string{"pulse", "t_s", "i_A", "v_V", "r_ohm", "r_nominal_ohm"}, rows); err != nil {
		return err
	}
	if !plots {
		return nil
	}
	c := tr.Config
	tend := float64(c.Pulses) * c.Period * 1e3
	rax := Axes{Y: "R at pulse end (Ω)", LogY: true}
	if lo, hi, ok := decades(append(rlo, rhi...)...); ok {
		rax.YMin, rax.YMax = lo, hi
	}
	return stack(filepath.Join(dir, "pulse_train"), 0.55, "time (ms)", []devPanel{
		{Axes{Title: fmt.Sprintf("Alternating current pulses %s / %s, %g ms wide, %g ms period (Fig. 3d)", siA(c.ILow), siA(c.IHigh), c.Width*1e3, c.Period*1e3), Y: "I (µA)"},
			[]devLine{{x: t, y: i, color: 0}}, nil},
		{Axes{Y: "device V (V)"}, []devLine{{x: t, y: v, color: 2}}, nil},
		{rax, []devLine{
			{name: siA(c.ILow), x: tlo, y: rlo, color: 0, scatter: true},
			{name: siA(c.IHigh), x: thi, y: rhi, color: 1, scatter: true},
			hline("", tr.Low.Median, 0, tend, 0), hline("", tr.High.Median, 0, tend, 1)}, nil},
	})
}

func writeVoltagePulses(dir string, r *experiment.DevicePulseResult, plots bool) error {
	vp := r.Voltage
	if err := WriteCSV(filepath.Join(dir, "voltage_pulses.csv"), []string{"t_s", "v_source_V", "v_V", "i_A", "r_ohm", "x"}, waveRows(vp.Waveform)); err != nil {
		return err
	}
	var rows [][]string
	var amp, res, cur []float64
	for _, p := range vp.Readings {
		rows = append(rows, []string{strconv.Itoa(p.Index + 1), F(p.T), F(p.Drive), F(p.V), F(p.I), F(p.R)})
		amp, res, cur = append(amp, p.Drive), append(res, p.R), append(cur, p.I*1e6)
	}
	if err := WriteCSV(filepath.Join(dir, "voltage_pulses_readings.csv"), []string{"pulse", "t_s", "amplitude_V", "v_V", "i_A", "r_ohm"}, rows); err != nil {
		return err
	}
	if !plots {
		return nil
	}
	var t, vs, v, i []float64
	for _, p := range vp.Waveform {
		t, vs, v, i = append(t, p.T*1e3), append(vs, p.VS), append(v, p.V), append(i, p.I*1e6)
	}
	c := vp.Config
	if err := stack(filepath.Join(dir, "voltage_pulses"), 0.6, "time (ms)", []devPanel{
		{Axes{Title: fmt.Sprintf("Voltage pulses of rising amplitude, %g ms, through %s (Fig. 3e)", c.Width*1e3, siOhm(c.SeriesR)), Y: "voltage (V)",
			YMin: math.Min(0, slices.Min(amp)), YMax: 1.35 * math.Max(slices.Max(amp), 0.1)},
			[]devLine{{name: "source", x: t, y: vs, color: 0}, {name: "device", x: t, y: v, color: 1}}, func(p *plot.Plot) { p.Legend.Left = true }},
		{Axes{Y: "I (µA)"}, []devLine{{x: t, y: i, color: 2}}, nil},
	}); err != nil {
		return err
	}
	return saveDevPlot(filepath.Join(dir, "voltage_pulses_r"), Axes{Title: "Device resistance at the end of each 1 ms pulse (Fig. 3e)", X: "pulse amplitude (V)", Y: "R = V/I (Ω)", LogY: true},
		nil, devLine{x: amp, y: res, color: 0, glyphs: true})
}

func writeSinglePulse(dir string, r *experiment.DevicePulseResult, s DevicePulseSummary, plots bool) error {
	sp := r.Single
	w := sp.Waveform
	rows := make([][]string, 0, len(w))
	var t, vs, v, i, e []float64
	energy := 0.0
	for k, p := range w {
		rr := math.NaN()
		if p.I != 0 {
			rr = p.V / p.I
		}
		if k > 0 && p.T > 0 {
			a := w[k-1]
			lo := math.Max(a.T, 0)
			if p.T > lo && p.T != a.T {
				// trapezoid of V·I over [lo, p.T], a at a.T interpolated to lo
				pa := a.V*a.I + (lo-a.T)/(p.T-a.T)*(p.V*p.I-a.V*a.I)
				energy += 0.5 * (pa + p.V*p.I) * (p.T - lo)
			}
		}
		rows = append(rows, []string{f7(p.T), f7(p.VS), f7(p.V), f7(p.I), f7(rr), f7(p.X), f7(p.V * p.I), f7(energy)})
		t, vs, v, i, e = append(t, p.T*1e9), append(vs, p.VS), append(v, p.V), append(i, p.I*1e6), append(e, energy*1e12)
	}
	if err := WriteCSV(filepath.Join(dir, "single_pulse.csv"), []string{"t_s", "v_source_V", "v_V", "i_A", "r_ohm", "x", "p_W", "e_J"}, rows); err != nil {
		return err
	}
	if !plots {
		return nil
	}
	lat := sp.Latency * 1e9
	imax := 0.0
	for _, a := range i {
		imax = math.Max(imax, a)
	}
	emax := 0.0
	for _, a := range e {
		emax = math.Max(emax, a)
	}
	title := fmt.Sprintf("Single %g V pulse through %s: latency %.0f ns, energy %.2f pJ (paper 650 ns, 0.5 pJ)",
		sp.Config.Amplitude, siOhm(sp.Config.SeriesR), lat, sp.Energy*1e12)
	return stack(filepath.Join(dir, "single_pulse"), 0.55, "time from pulse onset (ns)", []devPanel{
		{Axes{Title: title, Y: "voltage (V)"}, []devLine{{name: "source", x: t, y: vs, color: 0}, {name: "device", x: t, y: v, color: 1}, vline("", lat, 0, sp.Config.Amplitude, 6)}, legendBottom},
		{Axes{Y: "I (µA)"}, []devLine{{x: t, y: i, color: 2}, hline("90 % of saturation", 0.9*sp.SteadyCurrent*1e6, t[0], t[len(t)-1], 4), vline("latency", lat, 0, imax, 6)}, legendBottom},
		{Axes{Y: "device energy (pJ)"}, []devLine{{x: t, y: e, color: 3}, vline("", lat, 0, emax, 6)}, nil},
	})
}

func writeRelaxation(dir string, r *experiment.DevicePulseResult, plots bool) error {
	rl := r.Relaxation
	rows := make([][]string, 0, len(rl.T))
	var t []float64
	for k := range rl.T {
		rows = append(rows, []string{f7(rl.T[k]), f7(rl.R[k]), f7(rl.X[k])})
		t = append(t, rl.T[k]*1e3)
	}
	if err := WriteCSV(filepath.Join(dir, "relaxation.csv"), []string{"t_s", "r_ohm", "x"}, rows); err != nil {
		return err
	}
	if len(t) == 0 || !plots {
		return nil
	}
	lines := []devLine{{name: "zero-bias R = 1/G(x)", x: t, y: rl.R, color: 0},
		hline("0.9 · R insulating", 0.9*rl.RInsulating, t[0], t[len(t)-1], 1)}
	title := fmt.Sprintf("Relaxation after the %g V set pulse: back within 10 %% of %s in ", rl.Pulse.Amplitude, siOhm(rl.RInsulating))
	if rl.RelaxationTime > 0 && !math.IsInf(rl.RelaxationTime, 0) {
		lines = append(lines, vline(fmt.Sprintf("%.3g ms", rl.RelaxationTime*1e3), rl.RelaxationTime*1e3, rl.RSet, rl.RInsulating, 6))
		title += fmt.Sprintf("%.3g ms", rl.RelaxationTime*1e3)
	} else {
		title += "(no return within the span, or never set)"
	}
	ax := Axes{Title: title, X: "time after the pulse (ms)", Y: "R (Ω)", LogY: true}
	if lo, hi, ok := decades(append(rl.R, rl.RInsulating)...); ok {
		ax.YMin, ax.YMax = lo, hi
	}
	return saveDevPlot(filepath.Join(dir, "relaxation"), ax, legendBottom, lines...)
}

// ---------------------------------------------------------------------------
// device tft

// DeviceTFTSummary is tft.json of `mrelu device tft`.
type DeviceTFTSummary struct {
	Devices              int         `json:"devices"`
	NominalVthV          float64     `json:"nominal_v_th_V"`
	NominalVthExtractedV jsonNum     `json:"nominal_v_th_extracted_V"`
	CoxFPerM2            float64     `json:"cox_F_per_m2"`
	BetaAPerV2           float64     `json:"beta_A_per_V2"`
	IdealityFactor       float64     `json:"ideality_factor"`
	IdOnA                float64     `json:"id_on_A"`
	IdOffA               float64     `json:"id_off_A"`
	OnOffBias            [3]float64  `json:"on_off_bias_vgs_on_vgs_off_vds_V"`
	Vth                  DeviceStats `json:"v_th_V"`
	VthExtracted         DeviceStats `json:"v_th_extracted_V"`
	SigmaTargetV         float64     `json:"v_th_sigma_target_V"`
	PaperSigmaV          float64     `json:"paper_v_th_sigma_V"`
	PaperFigures         string      `json:"paper_figures"`
	Notes                []string    `json:"notes"`
}

// WriteDeviceTFT writes params.json, tft_transfer.csv, tft_output.csv,
// tft_vth.csv, tft.json and the plots tft_transfer, tft_transfer_devices,
// tft_output and tft_vth into dir.
func WriteDeviceTFT(dir string, r *experiment.DeviceTFTResult, plots bool) (DeviceTFTSummary, error) {
	t := r.Params.TFT
	c := r.Config
	s := DeviceTFTSummary{Devices: len(r.Devices), NominalVthV: t.Vth, NominalVthExtractedV: jsonNum(r.NominalVthExtracted),
		CoxFPerM2: t.Cox(), BetaAPerV2: t.Beta(), IdealityFactor: t.IdealityFactor(),
		OnOffBias:    [3]float64{c.VgsMax, c.VgsMin, c.VdsVth},
		SigmaTargetV: c.Variation.TFTVthSigma, PaperSigmaV: experiment.PaperTFTVthSigma,
		PaperFigures: "Fig. S5 (20 a-IGZO TFTs, threshold spread 0.038 V)",
		Notes: []string{
			"v_th_V: the sampled model parameter; v_th_extracted_V: from each transfer curve at vds_vth by the sqrt(Id) extrapolation at the steepest point",
			"id_on_A / id_off_A: nominal TFT at (vgs_max, vds_vth) and (vgs_min, vds_vth)",
		}}
	s.IdOnA, _, _ = t.Ids(c.VgsMax, c.VdsVth)
	s.IdOffA, _, _ = t.Ids(c.VgsMin, c.VdsVth)
	vths := make([]float64, len(r.Devices))
	for k, d := range r.Devices {
		vths[k] = d.Vth
	}
	s.Vth = deviceStats(device.Summarize(vths))
	s.VthExtracted = deviceStats(device.Summarize(r.VthExtracted))
	seed := r.Seed
	if err := WriteDeviceParams(dir, r.Params, DeviceSettings{Command: "device tft", Seed: &seed, Config: r.Config}); err != nil {
		return s, err
	}
	var rows [][]string
	for _, cv := range r.Transfer {
		for k := range cv.V {
			rows = append(rows, []string{F(cv.Bias), F(cv.V[k]), F(cv.Id[k]), F(cv.G[k])})
		}
	}
	if err := WriteCSV(filepath.Join(dir, "tft_transfer.csv"), []string{"vds_V", "vgs_V", "id_A", "gm_S"}, rows); err != nil {
		return s, err
	}
	rows = nil
	for _, cv := range r.Output {
		for k := range cv.V {
			rows = append(rows, []string{F(cv.Bias), F(cv.V[k]), F(cv.Id[k]), F(cv.G[k])})
		}
	}
	if err := WriteCSV(filepath.Join(dir, "tft_output.csv"), []string{"vgs_V", "vds_V", "id_A", "gds_S"}, rows); err != nil {
		return s, err
	}
	rows = nil
	for k, d := range r.Devices {
		rows = append(rows, []string{strconv.Itoa(k + 1), F(d.Vth), F(r.VthExtracted[k]), F(d.Mobility)})
	}
	if err := WriteCSV(filepath.Join(dir, "tft_vth.csv"), []string{"device", "v_th_V", "v_th_extracted_V", "mobility_m2_per_Vs"}, rows); err != nil {
		return s, err
	}
	if err := WriteJSON(filepath.Join(dir, "tft.json"), s); err != nil {
		return s, err
	}
	if !plots {
		return s, nil
	}
	// Plots.
	var lines []devLine
	for k, cv := range r.Transfer {
		lines = append(lines, devLine{name: fmt.Sprintf("Vds = %g V", cv.Bias), x: cv.V, y: cv.Id, color: k})
	}
	if err := saveDevPlot(filepath.Join(dir, "tft_transfer"), Axes{Title: fmt.Sprintf("a-IGZO TFT transfer curves (W/L = %.0f/%.0f µm, Vth = %.2f V)", t.W*1e6, t.L*1e6, t.Vth), X: "Vgs (V)", Y: "Id (A)", LogY: true},
		func(p *plot.Plot) { p.Legend.Top = false }, lines...); err != nil {
		return s, err
	}
	lines = nil
	for k, cv := range r.DeviceTransfer {
		lines = append(lines, devLine{x: cv.V, y: cv.Id, color: k, thin: true})
	}
	title := fmt.Sprintf("%d sampled TFTs at Vds = %g V: σ(Vth) = %.3f V (paper 0.038 V)", len(r.Devices), c.VdsVth, float64(s.VthExtracted.Sigma))
	if err := saveDevPlot(filepath.Join(dir, "tft_transfer_devices"), Axes{Title: title, X: "Vgs (V)", Y: "Id (A)", LogY: true}, nil, lines...); err != nil {
		return s, err
	}
	lines = nil
	for k, cv := range r.Output {
		lines = append(lines, devLine{name: fmt.Sprintf("Vgs = %g V", cv.Bias), x: cv.V, y: scaled(cv.Id, 1e6), color: k})
	}
	if err := saveDevPlot(filepath.Join(dir, "tft_output"), Axes{Title: "a-IGZO TFT output curves", X: "Vds (V)", Y: "Id (µA)"},
		func(p *plot.Plot) { p.Legend.Top = true; p.Legend.Left = true }, lines...); err != nil {
		return s, err
	}
	// Histogram of the extracted thresholds, bins of σ_target/2 around
	// the mean.
	ext := make([]float64, 0, len(r.VthExtracted))
	for _, v := range r.VthExtracted {
		if !math.IsNaN(v) {
			ext = append(ext, v)
		}
	}
	var bars []Bars
	if len(ext) > 0 {
		lo, hi := slices.Min(ext), slices.Max(ext)
		w := math.Max(c.Variation.TFTVthSigma/2, 1e-3)
		start := math.Floor(lo/w) * w
		n := int(math.Floor((hi-start)/w)) + 1
		b := Bars{Name: fmt.Sprintf("sampled TFTs (mean %.3f V)", float64(s.VthExtracted.Mean))}
		for k := 0; k <= n; k++ {
			b.Edges = append(b.Edges, start+float64(k)*w)
		}
		b.Counts = make([]float64, n)
		for _, v := range ext {
			k := min(int(math.Floor((v-start)/w)), n-1)
			b.Counts[k]++
		}
		bars = append(bars, b)
	}
	// Expected counts per bin for a normal spread around the nominal Vth.
	var gx, gy []float64
	if len(bars) > 0 && c.Variation.TFTVthSigma > 0 {
		b := bars[0]
		w := b.Edges[1] - b.Edges[0]
		sg := c.Variation.TFTVthSigma
		lo, hi := math.Min(b.Edges[0], t.Vth-3*sg), math.Max(b.Edges[len(b.Edges)-1], t.Vth+3*sg)
		for k := 0; k <= 200; k++ {
			x := lo + (hi-lo)*float64(k)/200
			z := (x - t.Vth) / sg
			gx = append(gx, x)
			gy = append(gy, float64(len(ext))*w*math.Exp(-z*z/2)/(sg*math.Sqrt(2*math.Pi)))
		}
	}
	title = fmt.Sprintf("Threshold voltage of %d TFTs: σ = %.3f V (paper 0.038 V)", len(r.Devices), float64(s.VthExtracted.Sigma))
	if err := devHist(filepath.Join(dir, "tft_vth"), Axes{Title: title, X: "extracted Vth (V)", Y: "devices per bin (–)"}, bars,
		devLine{name: fmt.Sprintf("expected, normal σ = %.3g V", c.Variation.TFTVthSigma), x: gx, y: gy, color: 1}); err != nil {
		return s, err
	}
	return s, nil
}

// devHist draws histograms as filled steps (as HistPlot) with lines on top
// and saves base.png and base.svg.
func devHist(base string, ax Axes, hs []Bars, lines ...devLine) error {
	p, err := devPlot(ax, lines...)
	if err != nil {
		return fmt.Errorf("%w (%s)", err, base)
	}
	for i, h := range hs {
		if len(h.Counts) == 0 || len(h.Edges) != len(h.Counts)+1 {
			continue
		}
		xy := plotter.XYs{{X: h.Edges[0], Y: 0}}
		for k, c := range h.Counts {
			xy = append(xy, plotter.XY{X: h.Edges[k], Y: c}, plotter.XY{X: h.Edges[k+1], Y: c})
		}
		xy = append(xy, plotter.XY{X: h.Edges[len(h.Edges)-1], Y: 0})
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

// ---------------------------------------------------------------------------
// device fit

// fitKeys maps the fit parameters to their params.json keys (with units).
var fitKeys = map[device.FitParam]string{
	device.FitVth: "v_th_V", device.FitRD: "r_d_ohm", device.FitV0: "v0_V",
	device.FitGap0: "gap0_m", device.FitGMax: "g_max_S", device.FitGMin: "g_min_S",
}

// DeviceFitSummary is fit.json of `mrelu device fit`.
type DeviceFitSummary struct {
	Data        string             `json:"data"`
	Points      int                `json:"points"`
	PointsUsed  int                `json:"points_used"` // in the fit's objective (down-sampled beyond device.MaxFitPoints)
	IRangeA     [2]float64         `json:"i_range_A"`
	RMSLog10    float64            `json:"rms_log10_r"`
	Free        []string           `json:"free"`
	Start       map[string]float64 `json:"start"`
	Fitted      map[string]float64 `json:"fitted"`
	Evaluations int                `json:"evaluations"`
	Status      string             `json:"status"`
	// The fit's quality (device.FitReport): the 1-σ uncertainty of each
	// fitted value (null: not determined by the data), its search bounds
	// and "lower"/"upper" when it ended at one, every parameter that was
	// not fitted (at its start value), the data's own scatter in log10 R,
	// the verdict (good/fair/poor: RMS error against that scatter) and the
	// warnings in words.
	Uncertainty map[string]jsonNum    `json:"uncertainty"`
	Bounds      map[string][2]float64 `json:"bounds"`
	AtBound     map[string]string     `json:"at_bound"`
	Fixed       map[string]float64    `json:"fixed"`
	NoiseLog10  jsonNum               `json:"noise_log10_r"`
	Verdict     string                `json:"verdict"`
	Warnings    []string              `json:"warnings"`
	Notes       []string              `json:"notes"`
}

// WriteDeviceFit writes params.json (the fitted parameters, loadable with
// --params), fit.json (with the fit's quality), fit.csv, fit_curve.csv,
// fit.png/.svg and fit_residuals.png/.svg into dir.
func WriteDeviceFit(dir string, r *experiment.DeviceFitResult, plots bool) (DeviceFitSummary, error) {
	rep := r.Report
	s := DeviceFitSummary{Data: r.Data, Points: len(r.Points), RMSLog10: rep.RMSLog10, Start: map[string]float64{}, Fitted: map[string]float64{},
		Evaluations: rep.Evaluations, Status: rep.Status,
		Notes: []string{
			"objective: sum of squared log10(R_model/R_data) over the data; R_model is the steady state of the model at each data current",
			"start and fitted use the params.json keys; params.json holds the whole fitted parameter set",
		}}
	s.PointsUsed = rep.Used
	if rep.Note != "" {
		s.Notes = append(s.Notes, rep.Note)
	}
	s.IRangeA = [2]float64{math.Inf(1), 0}
	for _, p := range r.Points {
		s.IRangeA[0], s.IRangeA[1] = math.Min(s.IRangeA[0], p.I), math.Max(s.IRangeA[1], p.I)
	}
	s.Uncertainty, s.Bounds, s.AtBound, s.Fixed = map[string]jsonNum{}, map[string][2]float64{}, map[string]string{}, map[string]float64{}
	s.NoiseLog10, s.Verdict, s.Warnings = jsonNum(rep.NoiseLog10), rep.Verdict, rep.Warnings
	if s.Warnings == nil {
		s.Warnings = []string{}
	}
	for k, f := range rep.Free {
		key := fitKeys[f]
		s.Free = append(s.Free, key)
		s.Start[key] = rep.Start[k]
		s.Fitted[key] = rep.Fitted[k]
		if k < len(rep.Sigma) {
			s.Uncertainty[key] = jsonNum(rep.Sigma[k])
			s.Bounds[key] = [2]float64{rep.Lower[k], rep.Upper[k]}
			if rep.AtBound[k] != "" {
				s.AtBound[key] = rep.AtBound[k]
			}
		}
	}
	for _, f := range rep.Fixed {
		s.Fixed[f.Key] = f.Value
	}
	if err := writeDeviceFile(dir, r.Fitted, "fit.json", s); err != nil {
		return s, err
	}
	var rows [][]string
	var di, dr []float64
	for k, p := range r.Points {
		rows = append(rows, []string{F(p.I), F(p.R), F(r.Model[k]), F(rep.Residuals[k])})
		di, dr = append(di, p.I), append(dr, p.R)
	}
	if err := WriteCSV(filepath.Join(dir, "fit.csv"), []string{"i_A", "r_ohm", "r_fit_ohm", "residual_log10"}, rows); err != nil {
		return s, err
	}
	rows = nil
	var ci, cr, sr []float64
	for k, p := range rep.Curve {
		st := math.NaN()
		if k < len(r.StartCurve) {
			st = r.StartCurve[k].R
		}
		rows = append(rows, []string{F(p.I), F(p.R), F(st)})
		ci, cr, sr = append(ci, p.I), append(cr, p.R), append(sr, st)
	}
	if err := WriteCSV(filepath.Join(dir, "fit_curve.csv"), []string{"i_A", "r_ohm", "r_start_ohm"}, rows); err != nil {
		return s, err
	}
	if !plots {
		return s, nil
	}
	m := r.Fitted.Memristor
	// The residuals against the current, with the data's own scatter as a
	// band: a curved or sloped pattern is a model that does not fit.
	resTitle := fmt.Sprintf("Fit residuals: RMS %.3g, data scatter %s (verdict: %s)", rep.RMSLog10, fmtNoise(rep.NoiseLog10), orNA(rep.Verdict))
	lines := []devLine{{name: "log10(R_model / R_data)", x: di, y: rep.Residuals, color: 0, scatter: true},
		{name: "zero", x: []float64{s.IRangeA[0], s.IRangeA[1]}, y: []float64{0, 0}, color: 7, thin: true}}
	if n := rep.NoiseLog10; n > 0 && !math.IsInf(n, 0) {
		lines = append(lines, devLine{name: "± data scatter", x: []float64{s.IRangeA[0], s.IRangeA[1]}, y: []float64{n, n}, color: 6, dashed: true, thin: true},
			devLine{x: []float64{s.IRangeA[0], s.IRangeA[1]}, y: []float64{-n, -n}, color: 6, dashed: true, thin: true})
	}
	if err := saveDevPlot(filepath.Join(dir, "fit_residuals"), Axes{Title: resTitle, X: "current (A)", Y: "residual log10 R (decades)", LogX: true},
		func(p *plot.Plot) {
			if lo, hi, ok := decades(di...); ok {
				p.X.Min, p.X.Max = lo, hi
			}
		}, lines...); err != nil {
		return s, err
	}
	title := fmt.Sprintf("Fit to %s: Vth = %.4g V, r_d = %s, RMS log10 R error %.3g", filepath.Base(r.Data), m.Vth, siOhm(m.RD), rep.RMSLog10)
	return s, saveDevPlot(filepath.Join(dir, "fit"), Axes{Title: title, X: "current (A)", Y: "R (Ω)", LogX: true, LogY: true},
		func(p *plot.Plot) {
			// Whole decades on both axes, so each carries labels.
			if lo, hi, ok := decades(di...); ok {
				p.X.Min, p.X.Max = lo, hi
			}
			if lo, hi, ok := decades(append(append(append([]float64(nil), dr...), cr...), sr...)...); ok {
				p.Y.Min, p.Y.Max = lo, hi
			}
		},
		devLine{name: "data", x: di, y: dr, color: 0, scatter: true},
		devLine{name: "fitted model", x: ci, y: cr, color: 1},
		devLine{name: "start", x: ci, y: sr, color: 6, dashed: true, thin: true},
	)
}

// writeDeviceFile writes dir/params.json, the pure parameter file of p
// (loadable by device.LoadParams and every --params), and the summary as
// dir/name.
func writeDeviceFile(dir string, p device.Params, name string, summary any) error {
	var buf bytes.Buffer
	if err := device.EncodeParams(&buf, p); err != nil {
		return err
	}
	if err := WriteFileAtomic(filepath.Join(dir, "params.json"), buf.Bytes()); err != nil {
		return err
	}
	return WriteJSON(filepath.Join(dir, name), summary)
}

func fmtNoise(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return fmt.Sprintf("%.3g", v)
}

func orNA(s string) string {
	if s == "" {
		return "n/a"
	}
	return s
}

// DeviceTabulateSummary is tabulate.json of `mrelu device tabulate`.
type DeviceTabulateSummary struct {
	Data   string `json:"data"`
	Points int    `json:"points"`
	Rows   int    `json:"rows"`
	// Merged points of equal current; Pooled rows (1-based) whose R was
	// pooled to make R(I) non-increasing, by at most PooledMaxLog10.
	Merged         int        `json:"merged_points"`
	Pooled         []int      `json:"pooled_rows"`
	PooledMaxLog10 float64    `json:"pooled_max_change_log10_r"`
	IRangeA        [2]float64 `json:"i_range_A"`
	RRangeOhm      [2]float64 `json:"r_range_ohm"`
	// The table's threshold Vhold(0) and mean slope (device.Memristor.
	// Threshold, EffectiveRD), also written as v_th_V / r_d_ohm (when
	// positive) into params.json for readers; the model does not use
	// those two keys with a table.
	ThresholdV     float64  `json:"threshold_V"`
	EffectiveRDOhm float64  `json:"effective_r_d_ohm"`
	GMinS          float64  `json:"g_min_S"`
	GMaxS          float64  `json:"g_max_S"`
	Widened        []string `json:"widened"`
	// DefaultKinetics are the kinetic keys left at their defaults.
	DefaultKinetics []string `json:"default_kinetics"`
	Kinetics        string   `json:"kinetics"`
	// MaxRowError is the model's largest relative R error at the rows.
	MaxRowError   float64  `json:"max_row_error"`
	Extrapolation []string `json:"extrapolation"`
	// Neuron is the verdict of the neuron check at VDD = 2 V.
	NeuronViable bool   `json:"neuron_viable_at_2V"`
	Neuron       string `json:"neuron_check"`
}

// WriteDeviceTabulate writes params.json (the tabulated device, loadable
// with --params), tabulate.json, tabulate.csv (the rows), tabulate_curve.csv
// (the model's steady state inside and outside the rows) and
// tabulate.png/.svg (R(I): data, rows, the model) into dir.
func WriteDeviceTabulate(dir string, r *experiment.DeviceTabulateResult, plots bool) (DeviceTabulateSummary, error) {
	m := r.Params.Memristor
	rows := r.Prep.Rows
	n := len(rows)
	s := DeviceTabulateSummary{Data: r.Data, Points: len(r.Points), Rows: n, Merged: r.Prep.Merged, Pooled: r.Prep.Pooled,
		PooledMaxLog10: r.Prep.PooledMaxLog10, IRangeA: [2]float64{rows[0].I, rows[n-1].I}, RRangeOhm: [2]float64{rows[n-1].R, rows[0].R},
		ThresholdV: m.Threshold(), EffectiveRDOhm: m.EffectiveRD(), GMinS: m.GMin, GMaxS: m.GMax, Widened: r.Widened,
		DefaultKinetics: r.DefaultKinetics, MaxRowError: r.MaxRowError,
		Extrapolation: []string{
			"between rows: monotone (Fritsch–Carlson) cubic of the hold voltage; the model's steady state passes through every row",
			"below the first row: the first segment's tangent continued linearly to zero current (the threshold Vhold(0)); Vhold(i ≤ 0) = Vhold(0), no switching under negative bias",
			"above the last row: the last tangent continued linearly; the conductance still saturates at g_max_S",
		}}
	if s.Pooled == nil {
		s.Pooled = []int{}
	}
	if s.Widened == nil {
		s.Widened = []string{}
	}
	if s.DefaultKinetics == nil {
		s.DefaultKinetics = []string{}
		s.Kinetics = "all kinetic parameters come from the start parameters (--params)"
	} else {
		s.Kinetics = "latency and energy of the tabulated device use the default kinetics " + fmt.Sprint(r.DefaultKinetics) + " (a steady state does not measure them; give them with --params)"
	}
	if v := r.Viability; v != nil {
		s.NeuronViable, s.Neuron = v.Viable, v.Verdict()
	}
	if err := writeDeviceFile(dir, r.Params, "tabulate.json", s); err != nil {
		return s, err
	}
	var csvRows [][]string
	var ri, rr, di, dr []float64
	for _, p := range rows {
		h, _ := m.HoldVoltage(p.I)
		csvRows = append(csvRows, []string{F(p.I), F(p.R), F(p.R * p.I), F(h)})
		ri, rr = append(ri, p.I), append(rr, p.R)
	}
	if err := WriteCSV(filepath.Join(dir, "tabulate.csv"), []string{"i_A", "r_ohm", "v_V", "v_hold_V"}, csvRows); err != nil {
		return s, err
	}
	csvRows = nil
	var ci, cr, bi, br, ai, ar []float64
	for k, p := range r.Curve {
		csvRows = append(csvRows, []string{F(p.I), F(p.R), F(r.CurveV[k]), F(r.Hold[k]), r.Region[k]})
		switch r.Region[k] {
		case "below":
			bi, br = append(bi, p.I), append(br, p.R)
		case "above":
			ai, ar = append(ai, p.I), append(ar, p.R)
		default:
			ci, cr = append(ci, p.I), append(cr, p.R)
		}
	}
	if err := WriteCSV(filepath.Join(dir, "tabulate_curve.csv"), []string{"i_A", "r_ohm", "v_V", "v_hold_V", "region"}, csvRows); err != nil {
		return s, err
	}
	for _, p := range r.Points {
		di, dr = append(di, p.I), append(dr, p.R)
	}
	title := fmt.Sprintf("Tabulated memristor from %s: %d rows, threshold %.4g V", filepath.Base(r.Data), n, s.ThresholdV)
	all := append(append(append([]float64(nil), r.Curve[0].I), di...), r.Curve[len(r.Curve)-1].I)
	if !plots {
		return s, nil
	}
	return s, saveDevPlot(filepath.Join(dir, "tabulate"), Axes{Title: title, X: "current (A)", Y: "R (Ω)", LogX: true, LogY: true},
		func(p *plot.Plot) {
			if lo, hi, ok := decades(all...); ok {
				p.X.Min, p.X.Max = lo, hi
			}
		},
		devLine{name: "data", x: di, y: dr, color: 0, scatter: true},
		devLine{name: "table rows (sorted, pooled)", x: ri, y: rr, color: 1, glyphs: true, thin: true},
		devLine{name: "model steady state (monotone interpolation)", x: ci, y: cr, color: 2},
		devLine{name: "extrapolated below the rows", x: bi, y: br, color: 6, dashed: true},
		devLine{name: "extrapolated above the rows", x: ai, y: ar, color: 3, dashed: true},
	)
}
