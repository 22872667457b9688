package report

// Files of the `mrelu neuron ...` commands: CSV, JSON and PNG/SVG plots of
// the mReLU neuron's transfer curve (Fig. 3i), activation transient
// (Fig. 3f), ngspice cross-check and device-to-device Monte Carlo. The
// file names and CSV columns are a contract with users; keep them.

import (
	"encoding/json"
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"slices"
	"strconv"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/neuron"
)

// neuronNum is a float64 written as null when it is NaN or ±Inf.
type neuronNum float64

// MarshalJSON implements json.Marshaler.
func (v neuronNum) MarshalJSON() ([]byte, error) {
	f := float64(v)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

// NeuronSettings is the "settings" object of a neuron command's
// params.json: the command and the setting it ran with.
type NeuronSettings struct {
	Command string  `json:"command"`
	Seed    *uint64 `json:"seed,omitempty"`
	Config  any     `json:"config"`
}

// neuronParamsFile is params.json: the device parameters, the neuron
// parameters and the settings, in the form of package params (read back
// by every --params, params.Load and device.LoadParams).
type neuronParamsFile struct {
	Memristor device.Memristor `json:"memristor"`
	TFT       device.TFT       `json:"tft"`
	Neuron    neuron.Params    `json:"neuron"`
	Settings  NeuronSettings   `json:"settings"`
}

// WriteNeuronParams writes params.json into dir.
func WriteNeuronParams(dir string, s experiment.NeuronSetup, settings NeuronSettings) error {
	return WriteJSON(filepath.Join(dir, "params.json"), neuronParamsFile{
		Memristor: s.Device.Memristor, TFT: s.Device.TFT, Neuron: s.Neuron, Settings: settings})
}

func neuronScale(v []float64, f float64) []float64 {
	out := make([]float64, len(v))
	for k, x := range v {
		out[k] = x * f
	}
	return out
}

// ---------------------------------------------------------------------------
// transfer

// NeuronTransferSummary is transfer.json.
type NeuronTransferSummary struct {
	VDD                float64   `json:"vdd_V"`
	Points             int       `json:"points"`
	IMin               float64   `json:"i_min_A"`
	IMax               float64   `json:"i_max_A"`
	ThresholdCurrent   neuronNum `json:"threshold_current_A"`
	ThresholdDef       string    `json:"threshold_definition"`
	I90                neuronNum `json:"i_at_90pct_vdd_A"`
	R2                 neuronNum `json:"r2"`
	Slope              neuronNum `json:"slope_V_per_A"`
	Intercept          neuronNum `json:"intercept_V"`
	FitFrom            neuronNum `json:"fit_from_A"`
	FitTo              neuronNum `json:"fit_to_A"`
	MaxLineDev         neuronNum `json:"max_line_deviation_V"`
	LineZero           neuronNum `json:"line_zero_A"`
	Monotone           bool      `json:"monotone"`
	LargestDrop        float64   `json:"largest_drop_V"`
	LargestDropAt      float64   `json:"largest_drop_at_A"`
	MaxVout            float64   `json:"max_vout_V"`
	IAtMax             float64   `json:"i_at_max_vout_A"`
	MaxVoutNonPositive neuronNum `json:"max_vout_nonpositive_input_V"`
	Floor              float64   `json:"floor_V"`
	ReLUOff            bool      `json:"relu_off_below_50mV"`
	AboveVDD           bool      `json:"above_vdd"`
	EnvelopeDeviation  float64   `json:"envelope_max_deviation_V"`
	EnvelopeNote       string    `json:"envelope"`
	IUnit              neuronNum `json:"network_i_unit_A"`
	OutputCapacitance  float64   `json:"output_capacitance_F"`
	WorstCCrit         neuronNum `json:"min_critical_capacitance_F"`
	WorstCCritAt       neuronNum `json:"min_critical_capacitance_at_A"`
	StableEverywhere   bool      `json:"stable_at_every_point"`
	Seconds            float64   `json:"solve_seconds"`
}

// WriteNeuronTransfer writes transfer.csv (i_in_A,vout_V,vout_over_vdd),
// transfer_detail.csv, transfer.json, transfer.png/.svg (Fig. 3i),
// stability.png/.svg and params.json (unless plots is false, when the
// PNG/SVG files are skipped).
func WriteNeuronTransfer(dir string, r *experiment.NeuronTransferResult, plots bool) (NeuronTransferSummary, error) {
	c, m := r.Curve, r.Metrics
	vdd := c.VDD
	norm := neuronScale(c.Vout, 1/vdd)
	if err := WriteCSV(filepath.Join(dir, "transfer.csv"), []string{"i_in_A", "vout_V", "vout_over_vdd"}, Table(c.I, c.Vout, norm)); err != nil {
		return NeuronTransferSummary{}, err
	}
	if err := WriteCSV(filepath.Join(dir, "transfer_detail.csv"),
		[]string{"i_in_A", "vout_V", "vout_envelope_V", "v_in_V", "state_x", "i_supply_A", "c_crit_F"},
		Table(c.I, c.Vout, c.Envelope(), c.Vin, c.State, c.ISupply, c.CCrit)); err != nil {
		return NeuronTransferSummary{}, err
	}
	s := NeuronTransferSummary{
		VDD: vdd, Points: len(c.I), IMin: r.Config.IMin, IMax: r.Config.IMax,
		ThresholdCurrent: neuronNum(m.ThresholdCurrent),
		ThresholdDef:     "first input current > 0 at which Vout reaches its value at the lowest input + 0.05 V",
		I90:              neuronNum(m.I90), R2: neuronNum(m.R2), Slope: neuronNum(m.Slope), Intercept: neuronNum(m.Intercept),
		FitFrom: neuronNum(m.FitFrom), FitTo: neuronNum(m.FitTo), MaxLineDev: neuronNum(m.MaxLineDev), LineZero: neuronNum(m.LineZero),
		Monotone: m.Monotone, LargestDrop: m.LargestDrop, LargestDropAt: m.DropAt,
		MaxVout: m.MaxVout, IAtMax: m.IAtMax, MaxVoutNonPositive: neuronNum(m.MaxVoutNonPositive), Floor: m.Floor,
		ReLUOff:           !(m.MaxVoutNonPositive >= 0.05),
		AboveVDD:          m.AboveVDD,
		EnvelopeDeviation: r.EnvelopeDeviation,
		EnvelopeNote:      "the network-level evaluator uses the running maximum of Vout (vout_envelope_V in transfer_detail.csv)",
		IUnit:             neuronNum(1 / m.Slope),
		OutputCapacitance: r.OutputCapacitance, WorstCCrit: neuronNum(r.WorstCCrit), WorstCCritAt: neuronNum(r.WorstCCritAt),
		StableEverywhere: r.WorstCCrit > r.OutputCapacitance,
		Seconds:          r.Seconds,
	}
	if err := WriteJSON(filepath.Join(dir, "transfer.json"), s); err != nil {
		return s, err
	}
	if err := WriteNeuronParams(dir, r.Setup, NeuronSettings{Command: "neuron transfer", Config: r.Config}); err != nil {
		return s, err
	}
	if !plots {
		return s, nil
	}
	uA := neuronScale(c.I, 1e6)
	series := []Series{{Name: "Vout/VDD (DC solver)", X: uA, Y: norm}}
	if dev := c.EnvelopeDeviation(); dev > 1e-3 {
		// Where the raw curve declines (beyond saturation), show what the
		// network-level evaluator uses instead: the running maximum.
		series = append(series, Series{Name: "as the network evaluates it (running maximum)", X: uA, Y: neuronScale(c.Envelope(), 1/vdd), Dashed: true})
	}
	if !math.IsNaN(m.Slope) {
		fx := []float64{m.FitFrom, m.FitTo}
		series = append(series, Series{
			Name: fmt.Sprintf("line fit 10-90 %% (R² = %.4f)", m.R2),
			X:    neuronScale(fx, 1e6),
			Y:    []float64{(m.Slope*fx[0] + m.Intercept) / vdd, (m.Slope*fx[1] + m.Intercept) / vdd},
		})
	}
	if err := LinePlot(filepath.Join(dir, "transfer"), Axes{
		Title: fmt.Sprintf("mReLU transfer curve (VDD = %g V)", vdd),
		X:     "input (mirror) current (µA)", Y: "Vout / VDD (–)", YMin: -0.02, YMax: 1.2}, series...); err != nil {
		return s, err
	}
	err := LinePlot(filepath.Join(dir, "stability"), Axes{
		Title: "Stability: critical output capacitance (above it: oscillation)",
		X:     "input current (µA)", Y: "capacitance (F)", LogY: true},
		Series{Name: "critical capacitance C_crit(I)", X: uA, Y: c.CCrit},
		Series{Name: "output-node capacitance of the circuit", X: []float64{uA[0], uA[len(uA)-1]}, Y: []float64{r.OutputCapacitance, r.OutputCapacitance}})
	return s, err
}

// ---------------------------------------------------------------------------
// pulse

// NeuronCapSummary is a capacitance search in pulse.json.
type NeuronCapSummary struct {
	Current       float64   `json:"input_current_A"`
	MaxStable     neuronNum `json:"max_stable_output_capacitance_F"`
	MaxStableCOut neuronNum `json:"max_stable_c_out_element_F"`
	MinUnstable   neuronNum `json:"min_unstable_output_capacitance_F"`
	Hopf          neuronNum `json:"small_signal_critical_capacitance_F"`
	Transients    int       `json:"transients"`
}

// NeuronPulseSummary is pulse.json.
type NeuronPulseSummary struct {
	Latency      neuronNum          `json:"latency_s"`
	Energy       neuronNum          `json:"energy_J"`
	Settled      bool               `json:"settled"`
	Status       string             `json:"status"`
	Pulse        neuron.PulseConfig `json:"pulse"`
	PaperLatency float64            `json:"paper_latency_s"`
	PaperEnergy  float64            `json:"paper_energy_J"`
	EnergySupply neuronNum          `json:"energy_supply_J"`
	EnergyInput  neuronNum          `json:"energy_input_J"`
	// EnergyVDD repeats EnergySupply under the name of the energy split
	// (energy_memristor_J, energy_vdd_J, energy_input_J).
	EnergyVDD       neuronNum `json:"energy_vdd_J"`
	EnergyMemristor neuronNum `json:"energy_memristor_J"`
	// The same pulse without parasitic capacitances (the paper's SPICE
	// level); absent for an ngspice run.
	LatencyQuasiStatic         *neuronNum `json:"latency_quasistatic_s,omitempty"`
	EnergyMemristorQuasiStatic *neuronNum `json:"energy_memristor_quasistatic_J,omitempty"`
	StatusQuasiStatic          string     `json:"status_quasistatic,omitempty"`
	EnergyPulse                float64    `json:"energy_whole_pulse_J"`
	Baseline                   float64    `json:"baseline_V"`
	Final                      float64    `json:"final_V"`
	DCVout                     float64    `json:"dc_vout_V"`
	PeakToPeak                 float64    `json:"settle_window_peak_to_peak_V"`
	Period                     neuronNum  `json:"oscillation_period_s"`
	Overshoot                  float64    `json:"overshoot_V"`
	Recovery                   neuronNum  `json:"recovery_s"`
	AfterPeak                  float64    `json:"after_pulse_peak_V"`
	OutputCapacitance          float64    `json:"output_capacitance_F"`
	// InputCapacitance (F) and MirrorChargeTime (s): what limits the speed
	// with parasitics, the column current charging the mirror node to its
	// gate voltage (neuron.PulseResult).
	InputCapacitance float64 `json:"input_capacitance_F"`
	// SettlingTime (s): until Vout stays within ±10 % of the step around
	// its final value, overshoot included (neuron.PulseResult).
	SettlingTime     neuronNum         `json:"settling_time_s"`
	MirrorChargeTime neuronNum         `json:"mirror_charge_time_s"`
	CCrit            neuronNum         `json:"critical_capacitance_at_pulse_F"`
	MaxStableC       neuronNum         `json:"max_stable_output_capacitance_F"`
	CapAtPulse       *NeuronCapSummary `json:"capacitance_search_at_pulse,omitempty"`
	CapWorst         *NeuronCapSummary `json:"capacitance_search_worst_current,omitempty"`
	Points           int               `json:"points"`
	Seconds          float64           `json:"solve_seconds"`
}

func neuronCapSummary(s *neuron.CapSearch, i float64) *NeuronCapSummary {
	if s == nil {
		return nil
	}
	return &NeuronCapSummary{Current: i, MaxStable: neuronNum(s.MaxStable), MaxStableCOut: neuronNum(s.MaxStableCOut),
		MinUnstable: neuronNum(s.MinUnstable), Hopf: neuronNum(s.Hopf), Transients: len(s.Points)}
}

// neuronPulseSummary fills the fields common to our pulse and ngspice's.
func neuronPulseSummary(p *neuron.PulseResult) NeuronPulseSummary {
	per := neuronNum(math.NaN())
	if p.Status == neuron.Oscillating {
		per = neuronNum(p.Period)
	}
	return NeuronPulseSummary{
		Latency: neuronNum(p.Latency), Energy: neuronNum(p.Energy), Settled: p.Status == neuron.Settled, Status: p.Status,
		Pulse: p.Config, PaperLatency: experiment.PaperLatency, PaperEnergy: experiment.PaperEnergy,
		EnergySupply: neuronNum(p.EnergySupply), EnergyInput: neuronNum(p.EnergyInput), EnergyPulse: p.EnergyPulse,
		EnergyVDD: neuronNum(p.EnergySupply), EnergyMemristor: neuronNum(p.EnergyMemristor),
		Baseline: p.Baseline, Final: p.Final, DCVout: p.DCVout, PeakToPeak: p.PeakToPeak, Period: per,
		Overshoot: p.Overshoot, Recovery: neuronNum(p.Recovery), AfterPeak: p.AfterPeak, OutputCapacitance: p.OutputCapacitance,
		InputCapacitance: p.InputCapacitance, MirrorChargeTime: neuronNum(p.MirrorChargeTime), SettlingTime: neuronNum(p.SettlingTime),
		CCrit: neuronNum(p.CCrit), MaxStableC: neuronNum(math.NaN()), Points: p.Points,
	}
}

func neuronPulseCSV(path string, p *neuron.PulseResult) error {
	w := p.Config.Waveform()
	in := make([]float64, len(p.Time))
	for k, t := range p.Time {
		in[k] = w.At(t)
	}
	return WriteCSV(path, []string{"time_s", "i_in_A", "vout_V", "v_in_V", "state_x", "i_supply_A"},
		Table(p.Time, in, p.Vout, p.Vin, p.State, p.ISupply))
}

// WriteNeuronPulse writes pulse.json, pulse.csv, pulse.png/.svg,
// cap_sweep.csv and params.json.
func WriteNeuronPulse(dir string, r *experiment.NeuronPulseResult, plots bool) (NeuronPulseSummary, error) {
	p := r.Pulse
	s := neuronPulseSummary(p)
	s.Seconds = r.Seconds
	s.CapAtPulse = neuronCapSummary(r.Cap, p.Config.Amplitude)
	s.CapWorst = neuronCapSummary(r.WorstCap, r.WorstCurrent)
	if r.Cap != nil {
		s.MaxStableC = neuronNum(r.Cap.MaxStable)
	}
	if q := r.QuasiStatic; q != nil {
		lat, em := neuronNum(q.Latency), neuronNum(q.EnergyMemristor)
		s.LatencyQuasiStatic, s.EnergyMemristorQuasiStatic, s.StatusQuasiStatic = &lat, &em, q.Status
		if err := neuronPulseCSV(filepath.Join(dir, "pulse_quasistatic.csv"), q); err != nil {
			return s, err
		}
	}
	if err := WriteJSON(filepath.Join(dir, "pulse.json"), s); err != nil {
		return s, err
	}
	if err := neuronPulseCSV(filepath.Join(dir, "pulse.csv"), p); err != nil {
		return s, err
	}
	var rows [][]string
	for _, cs := range []struct {
		search *neuron.CapSearch
		i      float64
	}{{r.Cap, p.Config.Amplitude}, {r.WorstCap, r.WorstCurrent}} {
		if cs.search == nil {
			continue
		}
		for _, pt := range cs.search.Points {
			rows = append(rows, []string{F(cs.i), F(pt.COut), F(pt.Total), pt.Status, F(pt.Latency), F(pt.PeakToPeak)})
		}
	}
	if err := WriteCSV(filepath.Join(dir, "cap_sweep.csv"),
		[]string{"i_in_A", "c_out_element_F", "c_output_total_F", "status", "latency_s", "peak_to_peak_V"}, rows); err != nil {
		return s, err
	}
	if err := WriteNeuronParams(dir, r.Setup, NeuronSettings{Command: "neuron pulse", Config: r.Config}); err != nil {
		return s, err
	}
	if !plots {
		return s, nil
	}
	return s, neuronPlotPulse(filepath.Join(dir, "pulse"), "", p)
}

// neuronPlotPulse writes the activation transient: the whole pulse (ms)
// above, and below a zoom on the switching edge (µs from the pulse
// onset, up to 2.5 latencies), which the full axis cannot resolve.
func neuronPlotPulse(base, title string, ps ...*neuron.PulseResult) error {
	p := ps[0]
	cfg := p.Config
	lat := p.Latency
	if !(p.Status == neuron.Settled && lat > 0) || math.IsInf(lat, 0) {
		lat = cfg.Width / 20
	}
	t0, t1 := cfg.Delay-0.15*lat, cfg.Delay+2.5*lat
	var series, zseries []Series
	names := []string{"Vout", "Vout (ngspice)"}
	w := cfg.Waveform()
	for k, q := range ps {
		series = append(series, Series{Name: names[min(k, 1)], X: neuronScale(q.Time, 1e3), Y: q.Vout})
		var zx, zy []float64
		for j, t := range q.Time {
			if t >= t0 && t <= t1 {
				zx, zy = append(zx, (t-cfg.Delay)*1e6), append(zy, q.Vout[j])
			}
		}
		zseries = append(zseries, Series{X: zx, Y: zy, Dashed: k > 0})
	}
	series[len(series)-1].Dashed = len(ps) > 1
	in := make([]float64, len(p.Time))
	var zx, zy []float64
	for k, t := range p.Time {
		in[k] = w.At(t) / cfg.Amplitude * p.VDD
		if t >= t0 && t <= t1 {
			zx, zy = append(zx, (t-cfg.Delay)*1e6), append(zy, in[k])
		}
	}
	series = append(series, Series{Name: fmt.Sprintf("input current (%.3g µA drawn at VDD)", cfg.Amplitude*1e6), X: neuronScale(p.Time, 1e3), Y: in})
	zseries = append(zseries, Series{X: zx, Y: zy})
	latText := "no latency: " + p.Status
	if p.Status == neuron.Settled {
		latText = "latency " + experiment.FormatTime(p.Latency)
	}
	if title == "" {
		title = "mReLU activation: " + latText
	}
	ax := Axes{Title: title, X: "time (ms)", Y: "voltage (V)", YMin: -0.05, YMax: 2.3}
	full := newPlot(ax)
	if err := addSeries(full, ax, 0, series...); err != nil {
		return fmt.Errorf("report: plot %s: %w", base, err)
	}
	// The zoomed window on the full panel.
	box, err := plotter.NewLine(plotter.XYs{{X: t0 * 1e3, Y: -0.04}, {X: t1 * 1e3, Y: -0.04}, {X: t1 * 1e3, Y: 2.25}, {X: t0 * 1e3, Y: 2.25}, {X: t0 * 1e3, Y: -0.04}})
	if err != nil {
		return fmt.Errorf("report: plot %s: %w", base, err)
	}
	box.Color, box.Width, box.Dashes = color.Gray{Y: 90}, vg.Points(0.8), []vg.Length{vg.Points(3), vg.Points(2)}
	full.Add(box)
	zax := Axes{Title: "Switching edge (dashed box above): " + latText, X: "time from the pulse onset (µs)", Y: "voltage (V)", YMin: -0.05, YMax: 2.3}
	zoom := newPlot(zax)
	if err := addSeries(zoom, zax, 0, zseries...); err != nil {
		return fmt.Errorf("report: plot %s: %w", base, err)
	}
	if p.Status == neuron.Settled {
		if err := addSeries(zoom, zax, 6, Series{Name: "latency (90 % of the final Vout)", X: []float64{p.Latency * 1e6, p.Latency * 1e6}, Y: []float64{0, p.VDD}, Dashed: true}); err != nil {
			return fmt.Errorf("report: plot %s: %w", base, err)
		}
	}
	zoom.X.Min, zoom.X.Max = (t0-cfg.Delay)*1e6, (t1-cfg.Delay)*1e6
	return SaveFigure(base, Figure{W: PlotWidth, H: 1.7 * PlotHeight, Panels: []Panel{
		{Plot: full, Rect: vg.Rectangle{Min: vg.Point{Y: 0.52}, Max: vg.Point{X: 1, Y: 1}}},
		{Plot: zoom, Rect: vg.Rectangle{Max: vg.Point{X: 1, Y: 0.48}}},
	}})
}

// ---------------------------------------------------------------------------
// spice

// NeuronSpiceSummary is spice_compare.json.
type NeuronSpiceSummary struct {
	Points          int                `json:"points"`
	MaxAbsDiff      float64            `json:"max_abs_diff_V"`
	MaxAbsDiffPct   float64            `json:"max_abs_diff_pct_vdd"`
	MaxAbsDiffAt    float64            `json:"max_abs_diff_at_A"`
	Pulse           neuron.PulseConfig `json:"pulse"`
	LatencyOurs     neuronNum          `json:"latency_ours_s"`
	LatencyNgspice  neuronNum          `json:"latency_ngspice_s"`
	LatencyRelDiff  neuronNum          `json:"latency_rel_diff"`
	StatusOurs      string             `json:"status_ours"`
	StatusNgspice   string             `json:"status_ngspice"`
	EnergyOurs      neuronNum          `json:"energy_ours_J"`
	EnergyNgspice   neuronNum          `json:"energy_ngspice_J"`
	PointsOurs      int                `json:"tran_points_ours"`
	PointsNgspice   int                `json:"tran_points_ngspice"`
	OursDCSeconds   float64            `json:"ours_dc_seconds"`
	SpiceDCSeconds  float64            `json:"ngspice_dc_seconds"`
	OursTranSeconds float64            `json:"ours_tran_seconds"`
	SpiceTranSecs   float64            `json:"ngspice_tran_seconds"`
	TimingNote      string             `json:"timing_note"`
}

// WriteNeuronSpice writes mrelu.cir, mrelu_tran.cir, params.json and, after
// a run, spice_compare.csv (i_in_A,vout_ours_V,vout_ngspice_V,diff_V),
// spice_compare.json, spice_compare.png/.svg, spice_pulse.csv and
// spice_pulse.png/.svg. The summary is nil without a run.
func WriteNeuronSpice(dir string, r *experiment.NeuronSpiceResult, plots bool) (*NeuronSpiceSummary, error) {
	if err := WriteFileAtomic(filepath.Join(dir, "mrelu.cir"), []byte(r.DCNetlist)); err != nil {
		return nil, err
	}
	if err := WriteFileAtomic(filepath.Join(dir, "mrelu_tran.cir"), []byte(r.TranNetlist)); err != nil {
		return nil, err
	}
	if err := WriteNeuronParams(dir, r.Setup, NeuronSettings{Command: "neuron spice", Config: r.Config}); err != nil {
		return nil, err
	}
	if !r.Ran {
		return nil, nil
	}
	a, b := r.Ours, r.Spice
	diff := make([]float64, len(a.I))
	for k := range diff {
		diff[k] = a.Vout[k] - b.Vout[k]
	}
	if err := WriteCSV(filepath.Join(dir, "spice_compare.csv"), []string{"i_in_A", "vout_ours_V", "vout_ngspice_V", "diff_V"},
		Table(a.I, a.Vout, b.Vout, diff)); err != nil {
		return nil, err
	}
	pa, pb := r.PulseOurs, r.PulseSpice
	s := &NeuronSpiceSummary{
		Points: len(a.I), MaxAbsDiff: r.MaxDiff, MaxAbsDiffPct: 100 * r.MaxDiff / a.VDD, MaxAbsDiffAt: r.MaxDiffAt,
		Pulse: r.Config.Pulse, LatencyOurs: neuronNum(pa.Latency), LatencyNgspice: neuronNum(pb.Latency),
		LatencyRelDiff: neuronNum(r.LatencyRelDiff), StatusOurs: pa.Status, StatusNgspice: pb.Status,
		EnergyOurs: neuronNum(pa.Energy), EnergyNgspice: neuronNum(pb.Energy), PointsOurs: pa.Points, PointsNgspice: pb.Points,
		OursDCSeconds: r.OursDCSeconds, SpiceDCSeconds: r.SpiceDCSeconds, OursTranSeconds: r.OursTranSeconds, SpiceTranSecs: r.SpiceTranSeconds,
		TimingNote: "ours: in-process solve; ngspice: whole process (start-up, parsing, solve, writing its data file); see bench/neuron/vs_ngspice.sh for a like-for-like comparison",
	}
	if err := WriteJSON(filepath.Join(dir, "spice_compare.json"), s); err != nil {
		return s, err
	}
	if err := neuronPulseCSV(filepath.Join(dir, "spice_pulse_ours.csv"), pa); err != nil {
		return s, err
	}
	if err := neuronPulseCSV(filepath.Join(dir, "spice_pulse_ngspice.csv"), pb); err != nil {
		return s, err
	}
	if !plots {
		return s, nil
	}
	uA := neuronScale(a.I, 1e6)
	if err := LinePlot(filepath.Join(dir, "spice_compare"), Axes{
		Title: fmt.Sprintf("Same netlist: our solver vs ngspice (max |ΔV| = %.2g V)", r.MaxDiff),
		X:     "input current (µA)", Y: "Vout (V)", YMin: -0.05, YMax: 2.3},
		Series{Name: "ours", X: uA, Y: a.Vout}, Series{Name: "ngspice", X: uA, Y: b.Vout, Dashed: true}); err != nil {
		return s, err
	}
	return s, neuronPlotPulse(filepath.Join(dir, "spice_pulse"), fmt.Sprintf("Pulse: latency ours %.4g µs, ngspice %.4g µs", pa.Latency*1e6, pb.Latency*1e6), pa, pb)
}

// ---------------------------------------------------------------------------
// montecarlo

// NeuronMCSummary is montecarlo.json.
type NeuronMCSummary struct {
	Devices          int       `json:"devices"`
	Seed             uint64    `json:"seed"`
	TrimVDD          bool      `json:"trim_vdd"`
	Failed           int       `json:"failed"`
	Dead             int       `json:"never_reach_half_vdd"`
	OffAbove50mV     int       `json:"off_level_above_50mV"`
	ThresholdMedian  neuronNum `json:"threshold_current_median_A"`
	ThresholdSigma   neuronNum `json:"threshold_current_sigma_A"`
	I90Median        neuronNum `json:"i90_median_A"`
	I90Sigma         neuronNum `json:"i90_sigma_A"`
	MaxVoutMedian    neuronNum `json:"max_vout_median_V"`
	MaxVoutSigma     neuronNum `json:"max_vout_sigma_V"`
	SlopeMedian      neuronNum `json:"slope_median_V_per_A"`
	SlopeSigma       neuronNum `json:"slope_sigma_V_per_A"`
	SwitchingDevices int       `json:"switching_devices"`
	// SwitchingFraction and OffAbove50mVFraction are the two counts as
	// fractions of Devices; VDDMargin is the nominal VDD − Vth (V) that a
	// trimmed neuron keeps.
	SwitchingFraction    float64 `json:"switching_fraction"`
	OffAbove50mVFraction float64 `json:"off_level_above_50mV_fraction"`
	VDDMargin            float64 `json:"vdd_margin_V"`
	Seconds              float64 `json:"solve_seconds"`
}

func neuronStats(v []float64) (median, sigma float64) {
	var ok []float64
	for _, x := range v {
		if !math.IsNaN(x) {
			ok = append(ok, x)
		}
	}
	if len(ok) == 0 {
		return math.NaN(), math.NaN()
	}
	s := device.Summarize(ok)
	return s.Median, s.Std
}

// WriteNeuronMonteCarlo writes montecarlo.csv (device,i_in_A,vout_V),
// montecarlo_spread.csv, montecarlo_devices.csv, montecarlo.json,
// montecarlo.png/.svg (every curve), montecarlo_spread.png/.svg and
// params.json.
func WriteNeuronMonteCarlo(dir string, r *experiment.NeuronMonteCarloResult, plots bool) (NeuronMCSummary, error) {
	var rows [][]string
	var th, i90, mx, sl []float64
	var drows [][]string
	for k, s := range r.Samples {
		d := s.Devices
		status := "ok"
		if s.Err != nil {
			status = "failed: " + s.Err.Error()
		} else {
			for j := range s.Curve.I {
				rows = append(rows, []string{strconv.Itoa(k), F(s.Curve.I[j]), F(s.Curve.Vout[j])})
			}
			m := s.Metrics
			if m.MaxVout >= 0.5*s.Curve.VDD {
				th, i90, mx, sl = append(th, m.ThresholdCurrent), append(i90, m.I90), append(mx, m.MaxVout), append(sl, m.Slope)
			} else {
				status = "never reaches VDD/2"
			}
		}
		m := s.Metrics
		drows = append(drows, []string{strconv.Itoa(k), status, F(d.Memristor.Vth), F(d.Memristor.RD), F(d.Memristor.GMin), F(d.Memristor.GMax),
			F(d.Diode.Vth), F(d.Output.Vth), F(d.Clamp.Vth), F(m.ThresholdCurrent), F(m.I90), F(m.MaxVout), F(m.MaxVoutNonPositive), F(m.Slope)})
	}
	if err := WriteCSV(filepath.Join(dir, "montecarlo.csv"), []string{"device", "i_in_A", "vout_V"}, rows); err != nil {
		return NeuronMCSummary{}, err
	}
	if err := WriteCSV(filepath.Join(dir, "montecarlo_devices.csv"),
		[]string{"device", "status", "mem_v_th_V", "mem_r_d_ohm", "mem_g_min_S", "mem_g_max_S", "m1_v_th_V", "m2_v_th_V", "mc_v_th_V",
			"threshold_current_A", "i_at_90pct_vdd_A", "max_vout_V", "max_vout_nonpositive_V", "slope_V_per_A"}, drows); err != nil {
		return NeuronMCSummary{}, err
	}
	sp := r.Spread
	if err := WriteCSV(filepath.Join(dir, "montecarlo_spread.csv"),
		[]string{"i_in_A", "mean_V", "std_V", "min_V", "p05_V", "median_V", "p95_V", "max_V"},
		Table(sp.I, sp.Mean, sp.Std, sp.Min, sp.P05, sp.Median, sp.P95, sp.Max)); err != nil {
		return NeuronMCSummary{}, err
	}
	s := NeuronMCSummary{Devices: len(r.Samples), Seed: r.Seed, TrimVDD: r.Config.TrimVDD, Failed: r.Failed, Dead: r.Dead,
		OffAbove50mV: r.OffAbove, SwitchingDevices: len(mx), Seconds: r.Seconds,
		VDDMargin: r.Setup.Neuron.VDD - r.Setup.Device.Memristor.Vth}
	if n := len(r.Samples); n > 0 {
		s.SwitchingFraction = float64(len(mx)) / float64(n)
		s.OffAbove50mVFraction = float64(r.OffAbove) / float64(n)
	}
	a, b := neuronStats(th)
	s.ThresholdMedian, s.ThresholdSigma = neuronNum(a), neuronNum(b)
	a, b = neuronStats(i90)
	s.I90Median, s.I90Sigma = neuronNum(a), neuronNum(b)
	a, b = neuronStats(mx)
	s.MaxVoutMedian, s.MaxVoutSigma = neuronNum(a), neuronNum(b)
	a, b = neuronStats(sl)
	s.SlopeMedian, s.SlopeSigma = neuronNum(a), neuronNum(b)
	if err := WriteJSON(filepath.Join(dir, "montecarlo.json"), s); err != nil {
		return s, err
	}
	seed := r.Seed
	if err := WriteNeuronParams(dir, r.Setup, NeuronSettings{Command: "neuron montecarlo", Seed: &seed, Config: r.Config}); err != nil {
		return s, err
	}
	if !plots || sp.N == 0 {
		return s, nil
	}
	var curves []Series
	for _, x := range r.Samples {
		if x.Err == nil {
			curves = append(curves, Series{X: neuronScale(x.Curve.I, 1e6), Y: neuronScale(x.Curve.Vout, 1/x.Curve.VDD)})
		}
	}
	trim := "shared VDD"
	if r.Config.TrimVDD {
		trim = fmt.Sprintf("supply trimmed to each memristor, Vth + %.0f mV", 1e3*(r.Setup.Neuron.VDD-r.Setup.Device.Memristor.Vth))
	}
	ax := Axes{Title: fmt.Sprintf("%d sampled neurons (%s): %d never switch", len(r.Samples), trim, r.Dead),
		X: "input current (µA)", Y: "Vout / VDD (–)", YMin: -0.02, YMax: 1.1}
	mp := newPlot(ax)
	// The device-to-device spread as a band (min-max over the neurons) and
	// the median, when every curve has the same currents.
	lo, med, hi, spread := curveSpread(curves)
	if spread {
		if err := AddBand(mp, fmt.Sprintf("min - max over %d neurons", len(curves)), curves[0].X, lo, hi, Palette[0]); err != nil {
			return s, err
		}
	}
	for i := range curves {
		curves[i].Color = withAlpha(Palette[(i+1)%len(Palette)], 150)
	}
	if err := addSeries(mp, ax, 0, curves...); err != nil {
		return s, err
	}
	if spread {
		if err := addSeries(mp, ax, 0, Series{Name: "median", X: curves[0].X, Y: med, Color: color.Black}); err != nil {
			return s, err
		}
	}
	if err := Save(mp, filepath.Join(dir, "montecarlo")); err != nil {
		return s, err
	}
	uA := neuronScale(sp.I, 1e6)
	ax = Axes{Title: fmt.Sprintf("Spread of Vout over %d neurons (%s)", sp.N, trim),
		X: "input current (µA)", Y: "Vout (V)", YMin: -0.05, YMax: 2.3}
	p := newPlot(ax)
	if err := addBandAlpha(p, "min - max", uA, sp.Min, sp.Max, Palette[0], 40); err != nil {
		return s, err
	}
	if err := addBandAlpha(p, "5 - 95 %", uA, sp.P05, sp.P95, Palette[0], 90); err != nil {
		return s, err
	}
	if err := addSeries(p, ax, 0, Series{Name: "median", X: uA, Y: sp.Median},
		Series{Name: "mean", X: uA, Y: sp.Mean, Dashed: true, Color: Palette[1]}); err != nil {
		return s, err
	}
	return s, Save(p, filepath.Join(dir, "montecarlo_spread"))
}

// curveSpread returns, per point, the minimum, median and maximum of
// curves that share their X values; ok is false if they do not.
func curveSpread(curves []Series) (lo, med, hi []float64, ok bool) {
	if len(curves) < 2 {
		return nil, nil, nil, false
	}
	n := len(curves[0].X)
	for _, c := range curves {
		if len(c.X) != n || len(c.Y) != n {
			return nil, nil, nil, false
		}
		for k := range c.X {
			if c.X[k] != curves[0].X[k] {
				return nil, nil, nil, false
			}
		}
	}
	v := make([]float64, len(curves))
	for k := 0; k < n; k++ {
		for i, c := range curves {
			v[i] = c.Y[k]
		}
		slices.Sort(v)
		lo, hi = append(lo, v[0]), append(hi, v[len(v)-1])
		m := v[len(v)/2]
		if len(v)%2 == 0 {
			m = (v[len(v)/2-1] + m) / 2
		}
		med = append(med, m)
	}
	return lo, med, hi, true
}
