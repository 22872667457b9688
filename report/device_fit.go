package report

// `mrelu device fit` and `mrelu device tabulate`: a memristor fitted to, or
// tabulated from, measured R(I) data: params.json, the summary, the CSVs
// and the figures.

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/experiment"
)

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
	Uncertainty map[string]Num        `json:"uncertainty"`
	Bounds      map[string][2]float64 `json:"bounds"`
	AtBound     map[string]string     `json:"at_bound"`
	Fixed       map[string]float64    `json:"fixed"`
	NoiseLog10  Num                   `json:"noise_log10_r"`
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
	s.IRangeA = r.CurrentRange()
	s.Uncertainty, s.Bounds, s.AtBound, s.Fixed = map[string]Num{}, map[string][2]float64{}, map[string]string{}, map[string]float64{}
	s.NoiseLog10, s.Verdict, s.Warnings = Num(rep.NoiseLog10), rep.Verdict, rep.Warnings
	if s.Warnings == nil {
		s.Warnings = []string{}
	}
	for k, f := range rep.Free {
		key := fitKeys[f]
		s.Free = append(s.Free, key)
		s.Start[key] = rep.Start[k]
		s.Fitted[key] = rep.Fitted[k]
		if k < len(rep.Sigma) {
			s.Uncertainty[key] = Num(rep.Sigma[k])
			s.Bounds[key] = [2]float64{rep.Lower[k], rep.Upper[k]}
			if rep.AtBound[k] != "" {
				s.AtBound[key] = rep.AtBound[k]
			}
		}
	}
	for _, f := range rep.Fixed {
		s.Fixed[f.Key] = f.Value
	}
	var data, curve [][]string
	var di, dr []float64
	for k, p := range r.Points {
		data = append(data, []string{F(p.I), F(p.R), F(r.Model[k]), F(rep.Residuals[k])})
		di, dr = append(di, p.I), append(dr, p.R)
	}
	var ci, cr, sr []float64
	for k, p := range rep.Curve {
		st := math.NaN()
		if k < len(r.StartCurve) {
			st = r.StartCurve[k].R
		}
		curve = append(curve, []string{F(p.I), F(p.R), F(st)})
		ci, cr, sr = append(ci, p.I), append(cr, p.R), append(sr, st)
	}
	if err := writeDeviceFile(dir, r.Fitted, "fit.json", s,
		csvFile{"fit.csv", []string{"i_A", "r_ohm", "r_fit_ohm", "residual_log10"}, data},
		csvFile{"fit_curve.csv", []string{"i_A", "r_ohm", "r_start_ohm"}, curve}); err != nil || !plots {
		return s, err
	}
	m := r.Fitted.Memristor
	// The residuals against the current, with the data's own scatter as a
	// band: a curved or sloped pattern is a model that does not fit.
	resTitle := fmt.Sprintf("Fit residuals: RMS %.3g, data scatter %s (verdict: %s)", rep.RMSLog10, fmtNoise(rep.NoiseLog10), orNA(rep.Verdict))
	lines := []Series{{Name: "log10(R_model / R_data)", X: di, Y: rep.Residuals, Color: pal(0), Marks: MarksScatter},
		{Name: "zero", X: []float64{s.IRangeA[0], s.IRangeA[1]}, Y: []float64{0, 0}, Color: pal(7), Thin: true, Marks: MarksNone}}
	if n := rep.NoiseLog10; n > 0 && !math.IsInf(n, 0) {
		lines = append(lines, Series{Name: "± data scatter", X: []float64{s.IRangeA[0], s.IRangeA[1]}, Y: []float64{n, n}, Color: pal(6), Thin: true, Dashed: true, Marks: MarksNone},
			Series{X: []float64{s.IRangeA[0], s.IRangeA[1]}, Y: []float64{-n, -n}, Color: pal(6), Thin: true, Dashed: true, Marks: MarksNone})
	}
	// Whole decades on the log axes, so each carries labels.
	ax := Axes{Title: resTitle, X: "current (A)", Y: "residual log10 R (decades)", LogX: true}
	ax.XMin, ax.XMax, _ = decades(di...)
	if err := LinePlot(filepath.Join(dir, "fit_residuals"), ax, lines...); err != nil {
		return s, err
	}
	title := fmt.Sprintf("Fit to %s: Vth = %.4g V, r_d = %s, RMS log10 R error %.3g", filepath.Base(r.Data), m.Vth, si(m.RD, "Ω"), rep.RMSLog10)
	ax = Axes{Title: title, X: "current (A)", Y: "R (Ω)", LogX: true, LogY: true}
	ax.XMin, ax.XMax, _ = decades(di...)
	ax.YMin, ax.YMax, _ = decades(slices.Concat(dr, cr, sr)...)
	return s, LinePlot(filepath.Join(dir, "fit"), ax,
		Series{Name: "data", X: di, Y: dr, Color: pal(0), Marks: MarksScatter},
		Series{Name: "fitted model", X: ci, Y: cr, Color: pal(1), Marks: MarksNone},
		Series{Name: "start", X: ci, Y: sr, Color: pal(6), Thin: true, Dashed: true, Marks: MarksNone},
	)
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
	var table, curve [][]string
	var ri, rr, di, dr []float64
	hold := r.RowHold()
	for k, p := range rows {
		table = append(table, []string{F(p.I), F(p.R), F(p.R * p.I), F(hold[k])})
		ri, rr = append(ri, p.I), append(rr, p.R)
	}
	var ci, cr, bi, br, ai, ar []float64
	for k, p := range r.Curve {
		curve = append(curve, []string{F(p.I), F(p.R), F(r.CurveV[k]), F(r.Hold[k]), r.Region[k]})
		switch r.Region[k] {
		case "below":
			bi, br = append(bi, p.I), append(br, p.R)
		case "above":
			ai, ar = append(ai, p.I), append(ar, p.R)
		default:
			ci, cr = append(ci, p.I), append(cr, p.R)
		}
	}
	if err := writeDeviceFile(dir, r.Params, "tabulate.json", s,
		csvFile{"tabulate.csv", []string{"i_A", "r_ohm", "v_V", "v_hold_V"}, table},
		csvFile{"tabulate_curve.csv", []string{"i_A", "r_ohm", "v_V", "v_hold_V", "region"}, curve}); err != nil || !plots {
		return s, err
	}
	for _, p := range r.Points {
		di, dr = append(di, p.I), append(dr, p.R)
	}
	title := fmt.Sprintf("Tabulated memristor from %s: %d rows, threshold %.4g V", filepath.Base(r.Data), n, s.ThresholdV)
	all := append(append(append([]float64(nil), r.Curve[0].I), di...), r.Curve[len(r.Curve)-1].I)
	ax := Axes{Title: title, X: "current (A)", Y: "R (Ω)", LogX: true, LogY: true}
	ax.XMin, ax.XMax, _ = decades(all...)
	return s, LinePlot(filepath.Join(dir, "tabulate"), ax,
		Series{Name: "data", X: di, Y: dr, Color: pal(0), Marks: MarksScatter},
		Series{Name: "table rows (sorted, pooled)", X: ri, Y: rr, Color: pal(1), Thin: true, Marks: MarksAll},
		Series{Name: "model steady state (monotone interpolation)", X: ci, Y: cr, Color: pal(2), Marks: MarksNone},
		Series{Name: "extrapolated below the rows", X: bi, Y: br, Color: pal(6), Dashed: true, Marks: MarksNone},
		Series{Name: "extrapolated above the rows", X: ai, Y: ar, Color: pal(3), Dashed: true, Marks: MarksNone},
	)
}
