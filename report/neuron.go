package report

// Files of the `mrelu neuron ...` commands: CSV, JSON and PNG/SVG plots of
// the mReLU neuron's transfer curve (Fig. 3i), activation transient
// (Fig. 3f), ngspice cross-check and device-to-device Monte Carlo. The
// file names and CSV columns are a contract with users; keep them.

import (
	"fmt"
	"image/color"
	"math"
	"path/filepath"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/neuron"
	"github.com/mrelu/mrelu/params"
)

// WriteNeuronParams writes params.json into dir: the setup with the
// run's settings, in package params' one format (params.Save).
func WriteNeuronParams(dir string, s params.Setup, settings RunSettings) error {
	return params.Save(filepath.Join(dir, "params.json"), s, settings)
}

// writeNeuronRun writes the data files of a neuron command into dir:
// params.json (the setup with the settings), the CSVs and the summary as
// dir/name.
func writeNeuronRun(dir string, setup params.Setup, set RunSettings, name string, summary any, csvs ...csvFile) error {
	if err := WriteNeuronParams(dir, setup, set); err != nil {
		return err
	}
	return writeData(dir, name, summary, csvs...)
}

// ---------------------------------------------------------------------------
// transfer

// NeuronTransferSummary is transfer.json.
type NeuronTransferSummary struct {
	VDD                float64 `json:"vdd_V"`
	Points             int     `json:"points"`
	IMin               float64 `json:"i_min_A"`
	IMax               float64 `json:"i_max_A"`
	ThresholdCurrent   Num     `json:"threshold_current_A"`
	ThresholdDef       string  `json:"threshold_definition"`
	I90                Num     `json:"i_at_90pct_vdd_A"`
	R2                 Num     `json:"r2"`
	Slope              Num     `json:"slope_V_per_A"`
	Intercept          Num     `json:"intercept_V"`
	FitFrom            Num     `json:"fit_from_A"`
	FitTo              Num     `json:"fit_to_A"`
	MaxLineDev         Num     `json:"max_line_deviation_V"`
	LineZero           Num     `json:"line_zero_A"`
	Monotone           bool    `json:"monotone"`
	LargestDrop        float64 `json:"largest_drop_V"`
	LargestDropAt      float64 `json:"largest_drop_at_A"`
	MaxVout            float64 `json:"max_vout_V"`
	IAtMax             float64 `json:"i_at_max_vout_A"`
	MaxVoutNonPositive Num     `json:"max_vout_nonpositive_input_V"`
	Floor              float64 `json:"floor_V"`
	ReLUOff            bool    `json:"relu_off_below_50mV"`
	AboveVDD           bool    `json:"above_vdd"`
	EnvelopeDeviation  float64 `json:"envelope_max_deviation_V"`
	EnvelopeNote       string  `json:"envelope"`
	IUnit              Num     `json:"network_i_unit_A"`
	OutputCapacitance  float64 `json:"output_capacitance_F"`
	WorstCCrit         Num     `json:"min_critical_capacitance_F"`
	WorstCCritAt       Num     `json:"min_critical_capacitance_at_A"`
	StableEverywhere   bool    `json:"stable_at_every_point"`
	Seconds            float64 `json:"solve_seconds"`
}

// WriteNeuronTransfer writes transfer.csv (i_in_A,vout_V,vout_over_vdd),
// transfer_detail.csv, transfer.json, transfer.png/.svg (Fig. 3i),
// stability.png/.svg and params.json (unless plots is false, when the
// PNG/SVG files are skipped).
func WriteNeuronTransfer(dir string, r *experiment.NeuronTransferResult, plots bool) (NeuronTransferSummary, error) {
	c, m := r.Curve, r.Metrics
	vdd := c.VDD
	norm := scaled(c.Vout, 1/vdd)
	s := NeuronTransferSummary{
		VDD: vdd, Points: len(c.I), IMin: r.Config.IMin, IMax: r.Config.IMax,
		ThresholdCurrent: Num(m.ThresholdCurrent),
		ThresholdDef:     "first input current > 0 at which Vout reaches its value at the lowest input + 0.05 V",
		I90:              Num(m.I90), R2: Num(m.R2), Slope: Num(m.Slope), Intercept: Num(m.Intercept),
		FitFrom: Num(m.FitFrom), FitTo: Num(m.FitTo), MaxLineDev: Num(m.MaxLineDev), LineZero: Num(m.LineZero),
		Monotone: m.Monotone, LargestDrop: m.LargestDrop, LargestDropAt: m.DropAt,
		MaxVout: m.MaxVout, IAtMax: m.IAtMax, MaxVoutNonPositive: Num(m.MaxVoutNonPositive), Floor: m.Floor,
		ReLUOff:           !(m.MaxVoutNonPositive >= 0.05),
		AboveVDD:          m.AboveVDD,
		EnvelopeDeviation: r.EnvelopeDeviation,
		EnvelopeNote:      "the network-level evaluator uses the running maximum of Vout (vout_envelope_V in transfer_detail.csv)",
		IUnit:             Num(1 / m.Slope),
		OutputCapacitance: r.OutputCapacitance, WorstCCrit: Num(r.WorstCCrit), WorstCCritAt: Num(r.WorstCCritAt),
		StableEverywhere: r.WorstCCrit > r.OutputCapacitance,
		Seconds:          r.Seconds,
	}
	if err := writeNeuronRun(dir, r.Setup, RunSettings{Command: "neuron transfer", Config: r.Config}, "transfer.json", s,
		csvFile{"transfer.csv", []string{"i_in_A", "vout_V", "vout_over_vdd"}, Table(c.I, c.Vout, norm)},
		csvFile{"transfer_detail.csv", []string{"i_in_A", "vout_V", "vout_envelope_V", "v_in_V", "state_x", "i_supply_A", "c_crit_F"},
			Table(c.I, c.Vout, c.Envelope(), c.Vin, c.State, c.ISupply, c.CCrit)}); err != nil || !plots {
		return s, err
	}
	uA := scaled(c.I, 1e6)
	series := []Series{{Name: "Vout/VDD (DC solver)", X: uA, Y: norm}}
	if dev := c.EnvelopeDeviation(); dev > 1e-3 {
		// Where the raw curve declines (beyond saturation), show what the
		// network-level evaluator uses instead: the running maximum.
		series = append(series, Series{Name: "as the network evaluates it (running maximum)", X: uA, Y: scaled(c.Envelope(), 1/vdd), Dashed: true})
	}
	if !math.IsNaN(m.Slope) {
		fx := []float64{m.FitFrom, m.FitTo}
		series = append(series, Series{
			Name: fmt.Sprintf("line fit 10-90 %% (R² = %.4f)", m.R2),
			X:    scaled(fx, 1e6),
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
	Current       float64 `json:"input_current_A"`
	MaxStable     Num     `json:"max_stable_output_capacitance_F"`
	MaxStableCOut Num     `json:"max_stable_c_out_element_F"`
	MinUnstable   Num     `json:"min_unstable_output_capacitance_F"`
	Hopf          Num     `json:"small_signal_critical_capacitance_F"`
	Transients    int     `json:"transients"`
}

// NeuronPulseSummary is pulse.json.
type NeuronPulseSummary struct {
	Latency      Num                `json:"latency_s"`
	Energy       Num                `json:"energy_J"`
	Settled      bool               `json:"settled"`
	Status       string             `json:"status"`
	Pulse        neuron.PulseConfig `json:"pulse"`
	PaperLatency float64            `json:"paper_latency_s"`
	PaperEnergy  float64            `json:"paper_energy_J"`
	EnergySupply Num                `json:"energy_supply_J"`
	EnergyInput  Num                `json:"energy_input_J"`
	// EnergyVDD repeats EnergySupply under the name of the energy split
	// (energy_memristor_J, energy_vdd_J, energy_input_J).
	EnergyVDD       Num `json:"energy_vdd_J"`
	EnergyMemristor Num `json:"energy_memristor_J"`
	// The same pulse without parasitic capacitances (absent for ngspice).
	NeuronQuasiStatic
	EnergyPulse       float64 `json:"energy_whole_pulse_J"`
	Baseline          float64 `json:"baseline_V"`
	Final             float64 `json:"final_V"`
	DCVout            float64 `json:"dc_vout_V"`
	PeakToPeak        float64 `json:"settle_window_peak_to_peak_V"`
	Period            Num     `json:"oscillation_period_s"`
	Overshoot         float64 `json:"overshoot_V"`
	Recovery          Num     `json:"recovery_s"`
	AfterPeak         float64 `json:"after_pulse_peak_V"`
	OutputCapacitance float64 `json:"output_capacitance_F"`
	// InputCapacitance (F) and MirrorChargeTime (s): what limits the speed
	// with parasitics, the column current charging the mirror node to its
	// gate voltage (neuron.PulseResult).
	InputCapacitance float64 `json:"input_capacitance_F"`
	// SettlingTime (s): until Vout stays within ±10 % of the step around
	// its final value, overshoot included (neuron.PulseResult).
	SettlingTime     Num               `json:"settling_time_s"`
	MirrorChargeTime Num               `json:"mirror_charge_time_s"`
	CCrit            Num               `json:"critical_capacitance_at_pulse_F"`
	MaxStableC       Num               `json:"max_stable_output_capacitance_F"`
	CapAtPulse       *NeuronCapSummary `json:"capacitance_search_at_pulse,omitempty"`
	CapWorst         *NeuronCapSummary `json:"capacitance_search_worst_current,omitempty"`
	Points           int               `json:"points"`
	Seconds          float64           `json:"solve_seconds"`
}

// NeuronQuasiStatic is, in pulse.json, the same pulse without parasitic
// capacitances (the paper's SPICE level); absent for an ngspice run.
type NeuronQuasiStatic struct {
	LatencyQuasiStatic         *Num   `json:"latency_quasistatic_s,omitempty"`
	EnergyMemristorQuasiStatic *Num   `json:"energy_memristor_quasistatic_J,omitempty"`
	StatusQuasiStatic          string `json:"status_quasistatic,omitempty"`
}

func neuronCapSummary(s *neuron.CapSearch, i float64) *NeuronCapSummary {
	if s == nil {
		return nil
	}
	return &NeuronCapSummary{Current: i, MaxStable: Num(s.MaxStable), MaxStableCOut: Num(s.MaxStableCOut),
		MinUnstable: Num(s.MinUnstable), Hopf: Num(s.Hopf), Transients: len(s.Points)}
}

// neuronPulseSummary fills the fields common to our pulse and ngspice's.
func neuronPulseSummary(p *neuron.PulseResult) NeuronPulseSummary {
	per := Num(math.NaN())
	if p.Status == neuron.Oscillating {
		per = Num(p.Period)
	}
	return NeuronPulseSummary{
		Latency: Num(p.Latency), Energy: Num(p.Energy), Settled: p.Status == neuron.Settled, Status: p.Status,
		Pulse: p.Config, PaperLatency: experiment.PaperLatency, PaperEnergy: experiment.PaperEnergy,
		EnergySupply: Num(p.EnergySupply), EnergyInput: Num(p.EnergyInput), EnergyPulse: p.EnergyPulse,
		EnergyVDD: Num(p.EnergySupply), EnergyMemristor: Num(p.EnergyMemristor),
		Baseline: p.Baseline, Final: p.Final, DCVout: p.DCVout, PeakToPeak: p.PeakToPeak, Period: per,
		Overshoot: p.Overshoot, Recovery: Num(p.Recovery), AfterPeak: p.AfterPeak, OutputCapacitance: p.OutputCapacitance,
		InputCapacitance: p.InputCapacitance, MirrorChargeTime: Num(p.MirrorChargeTime), SettlingTime: Num(p.SettlingTime),
		CCrit: Num(p.CCrit), MaxStableC: Num(math.NaN()), Points: p.Points,
	}
}

// neuronPulseCSV is the waveform of p as the CSV file name.
func neuronPulseCSV(name string, p *neuron.PulseResult) csvFile {
	w := p.Config.Waveform()
	in := make([]float64, len(p.Time))
	for k, t := range p.Time {
		in[k] = w.At(t)
	}
	return csvFile{name, []string{"time_s", "i_in_A", "vout_V", "v_in_V", "state_x", "i_supply_A"},
		Table(p.Time, in, p.Vout, p.Vin, p.State, p.ISupply)}
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
		s.MaxStableC = Num(r.Cap.MaxStable)
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
	csvs := []csvFile{neuronPulseCSV("pulse.csv", p),
		{"cap_sweep.csv", []string{"i_in_A", "c_out_element_F", "c_output_total_F", "status", "latency_s", "peak_to_peak_V"}, rows}}
	if q := r.QuasiStatic; q != nil {
		lat, em := Num(q.Latency), Num(q.EnergyMemristor)
		s.LatencyQuasiStatic, s.EnergyMemristorQuasiStatic, s.StatusQuasiStatic = &lat, &em, q.Status
		csvs = append(csvs, neuronPulseCSV("pulse_quasistatic.csv", q))
	}
	if err := writeNeuronRun(dir, r.Setup, RunSettings{Command: "neuron pulse", Config: r.Config}, "pulse.json", s, csvs...); err != nil || !plots {
		return s, err
	}
	return s, neuronPlotPulse(filepath.Join(dir, "pulse"), "", p)
}

// voltAxisMax is the top of a voltage axis that shows a neuron's output,
// bounded by its supply vdd (V), with room above it: 1.15·VDD (2.3 V at
// the default VDD = 2 V).
func voltAxisMax(vdd float64) float64 { return 1.15 * vdd }

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
		series = append(series, Series{Name: names[min(k, 1)], X: scaled(q.Time, 1e3), Y: q.Vout})
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
	series = append(series, Series{Name: fmt.Sprintf("input current (%.3g µA drawn at VDD)", cfg.Amplitude*1e6), X: scaled(p.Time, 1e3), Y: in})
	zseries = append(zseries, Series{X: zx, Y: zy})
	latText := "no latency: " + p.Status
	if p.Status == neuron.Settled {
		latText = "latency " + experiment.FormatTime(p.Latency)
	}
	if title == "" {
		title = "mReLU activation: " + latText
	}
	ax := Axes{Title: title, X: "time (ms)", Y: "voltage (V)", YMin: -0.05, YMax: voltAxisMax(p.VDD)}
	full := newPlot(ax)
	if err := addSeries(full, ax, 0, series...); err != nil {
		return fmt.Errorf("report: plot %s: %w", base, err)
	}
	// The zoomed window on the full panel.
	box, err := plotter.NewLine(plotter.XYs{{X: t0 * 1e3, Y: -0.04}, {X: t1 * 1e3, Y: -0.04}, {X: t1 * 1e3, Y: 1.125 * p.VDD}, {X: t0 * 1e3, Y: 1.125 * p.VDD}, {X: t0 * 1e3, Y: -0.04}})
	if err != nil {
		return fmt.Errorf("report: plot %s: %w", base, err)
	}
	box.Color, box.Width, box.Dashes = color.Gray{Y: 90}, vg.Points(0.8), []vg.Length{vg.Points(3), vg.Points(2)}
	full.Add(box)
	zax := Axes{Title: "Switching edge (dashed box above): " + latText, X: "time from the pulse onset (µs)", Y: "voltage (V)", YMin: -0.05, YMax: voltAxisMax(p.VDD)}
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
