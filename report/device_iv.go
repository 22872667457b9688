package report

// `mrelu device iv` (Fig. 1f, 3a, 3b): iv.csv, set_hold.csv,
// iv_summary.json and the I-V and set/hold figures.

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/experiment"
)

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
	GapV            Num      `json:"gap_V"`
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

// SummarizeDeviceIV builds iv_summary.json from the run and its derived
// numbers (experiment.DeviceIVResult.Stats).
func SummarizeDeviceIV(r *experiment.DeviceIVResult) DeviceIVSummary {
	sw, st := r.Sweep, r.Stats()
	return DeviceIVSummary{Cycles: len(sw.Cycles), IccA: r.Config.Icc, Set: deviceStats(sw.Set), Hold: deviceStats(sw.Hold),
		Overlap: st.Overlap, GapV: Num(st.Gap), NullReason: st.NullReason,
		SetAboveHold: st.SetAboveHold, CyclesNoSet: st.NoSet, CyclesNoHold: st.NoHold, MaxFinalState: st.MaxFinalState,
		NegativeVNegV: r.Config.VNeg, NegativeMaxI: sw.NegativeMaxCurrent, NegativeMaxIcc: st.NegativeMaxOverIcc,
		NegativeMaxX: sw.NegativeMaxState, NegativeSwitch: sw.NegativeSwitched,
		PlottedCycles:   st.PlottedCycles,
		PaperFigures:    "Fig. 1f (I-V loop, negative sweep), 3a (cycles), 3b (set/hold distributions)",
		SeedOfVariation: r.Seed,
		Notes: []string{
			"set_V: source voltage of the first forward reading with |I| at least Icc/2; hold_V: first backward reading with |I| below Icc/2",
			"overlap: max hold at or above min set; gap_V = min set - max hold",
			"max_state_after_cycle: largest state x at 0 V after a backward sweep (volatility: relaxes to ~0)",
			"negative sweep: nominal device from the relaxed state, 0 to v_neg and back to 0",
		}}
}

// WriteDeviceIV writes params.json, iv.csv, set_hold.csv, iv_summary.json,
// iv.png/.svg and set_hold_cdf.png/.svg into dir.
func WriteDeviceIV(dir string, r *experiment.DeviceIVResult, plots bool) (DeviceIVSummary, error) {
	s := SummarizeDeviceIV(r)
	sw := r.Sweep
	// iv.csv: every reading; the negative sweep is cycle 0.
	var iv, setHold [][]string
	add := func(cycle int, sweep, dir string, pts []device.IVPoint) {
		c := strconv.Itoa(cycle)
		for _, p := range pts {
			iv = append(iv, []string{c, sweep, dir, f7(p.V), f7(p.VDevice), f7(p.I), f7(p.X)})
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
	for k, c := range sw.Cycles {
		setHold = append(setHold, []string{strconv.Itoa(k + 1), F(c.Set), F(c.Hold)})
	}
	s.IVCSVRows, s.SetHoldCSVRows = len(iv), len(setHold)
	if err := writeDeviceRun(dir, r.Params, seeded("device iv", r.Seed, r.Config), "iv_summary.json", s,
		csvFile{"iv.csv", []string{"cycle", "sweep", "direction", "v_V", "v_device_V", "i_A", "x"}, iv},
		csvFile{"set_hold.csv", []string{"cycle", "v_set_V", "v_hold_V"}, setHold}); err != nil || !plots {
		return s, err
	}
	// iv.png: |I| on a log axis, a few cycles and the negative sweep.
	var lines []Series
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
		lines = append(lines, Series{Name: fmt.Sprintf("cycle %d", k+1), X: v, Y: a, Color: pal(i), Thin: true, Marks: MarksNone})
	}
	if len(sw.Negative) > 0 {
		var v, a []float64
		for _, p := range sw.Negative {
			v = append(v, p.V)
			a = append(a, math.Abs(p.I))
		}
		lines = append(lines, Series{Name: fmt.Sprintf("0 → %g V → 0 (no switching)", r.Config.VNeg), X: v, Y: a, Color: pal(6), Marks: MarksNone})
	}
	title := fmt.Sprintf("DC I–V sweeps, Icc = %s (set median %.2f V, hold median %.2f V)", si(r.Config.Icc, "A"), sw.Set.Median, sw.Hold.Median)
	ax := Axes{Title: title, X: "voltage on the Cu electrode (V)", Y: "|I| (A)", LogY: true}
	if lo, _, ok := decades(ymin); ok {
		ax.YMin, ax.YMax = lo, 3*r.Config.Icc
	}
	ax.LegendBottom = true
	if err := LinePlot(filepath.Join(dir, "iv"), ax, lines...); err != nil {
		return s, err
	}
	// set_hold_cdf.png
	set, hold := r.VoltageCDFs()
	ov := "no overlap"
	if s.Overlap {
		ov = "OVERLAP"
	}
	title = fmt.Sprintf("%d cycles: set %.3f V (σ %.3f), hold %.3f V (σ %.3f), %s", len(sw.Cycles), sw.Set.Median, sw.Set.Std, sw.Hold.Median, sw.Hold.Std, ov)
	if err := LinePlot(filepath.Join(dir, "set_hold_cdf"), Axes{Title: title, X: "voltage (V)", Y: "cumulative probability (%)", YMin: 0, YMax: 100, LegendBottom: true},
		Series{Name: "hold", X: hold.X, Y: hold.Percent, Color: pal(0)},
		Series{Name: "set", X: set.X, Y: set.Percent, Color: pal(1)},
	); err != nil {
		return s, err
	}
	return s, nil
}
