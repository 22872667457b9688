package report

// `mrelu device pulse` (Fig. 3d-f): pulse.json, the waveform CSVs and
// their figures (latency.go: the latency against the amplitude).

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/experiment"
)

// DevicePulseLevel is the pulse-to-pulse variation at one current level of
// the pulse train.
type DevicePulseLevel struct {
	CurrentA float64     `json:"current_A"`
	Pulses   int         `json:"pulses"`
	R        DeviceStats `json:"r_ohm"` // R = V/I at the end of each pulse
	// CV is σ/mean and RelSpread (max − min)/median of R.
	CV        Num `json:"cv"`
	RelSpread Num `json:"rel_spread"`
	// NominalROhm is R without variation, and NominalRelSpread its
	// pulse-to-pulse spread (0: no history dependence).
	NominalROhm      Num `json:"nominal_r_ohm"`
	NominalRelSpread Num `json:"nominal_rel_spread"`
}

// DeviceVoltagePulse is the reading at the end of one voltage pulse.
type DeviceVoltagePulse struct {
	AmplitudeV float64 `json:"amplitude_V"`
	VV         float64 `json:"v_V"`
	IA         float64 `json:"i_A"`
	ROhm       Num     `json:"r_ohm"`
}

// DevicePulseSummary is pulse.json of `mrelu device pulse`.
type DevicePulseSummary struct {
	// The single pulse (Fig. 3f).
	AmplitudeV    float64 `json:"amplitude_V"`
	WidthS        float64 `json:"width_s"`
	SeriesROhm    float64 `json:"series_r_ohm"`
	LatencyS      Num     `json:"latency_s"`
	PaperLatencyS float64 `json:"paper_latency_s"`
	EnergyJ       Num     `json:"energy_J"`
	PaperEnergyJ  float64 `json:"paper_energy_J"`
	LatencyRatio  Num     `json:"latency_over_paper"`
	EnergyRatio   Num     `json:"energy_over_paper"`
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
	RelaxationS    Num     `json:"relaxation_time_s"`
	StateTauS      Num     `json:"state_time_constant_s"`
	RSetOhm        float64 `json:"r_set_ohm"`
	RInsulatingOhm float64 `json:"r_insulating_ohm"`
	RelaxSpanS     float64 `json:"relax_span_s"`
	// AmplitudeForPaperLatencyV is the pulse amplitude (V) at which the
	// latency is the paper's 650 ns (null if not within 1.99–3 V): where
	// amplitude_V's calibration comes from (latency_vs_amplitude.csv).
	AmplitudeForPaperLatencyV Num `json:"amplitude_for_paper_latency_V"`
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

func pulseLevel(l experiment.PulseLevelStats) DevicePulseLevel {
	return DevicePulseLevel{CurrentA: l.Current, Pulses: l.R.N, R: deviceStats(l.R), CV: Num(l.CV), RelSpread: Num(l.RelSpread),
		NominalROhm: Num(l.NominalR), NominalRelSpread: Num(l.NominalRelSpread)}
}

// SummarizeDevicePulse builds pulse.json from the run and its derived
// numbers (experiment.DevicePulseResult.Stats).
func SummarizeDevicePulse(r *experiment.DevicePulseResult) DevicePulseSummary {
	sp, rl, st := r.Single, r.Relaxation, r.Stats()
	s := DevicePulseSummary{AmplitudeV: sp.Config.Amplitude, WidthS: sp.Config.Width, SeriesROhm: sp.Config.SeriesR,
		LatencyS: Num(sp.Latency), PaperLatencyS: experiment.PaperLatency, EnergyJ: Num(sp.Energy), PaperEnergyJ: experiment.PaperEnergy,
		LatencyRatio: Num(st.LatencyRatio), EnergyRatio: Num(st.EnergyRatio),
		SteadyA: sp.SteadyCurrent, FinalA: sp.FinalCurrent, Saturated: sp.Saturated, EnergyPulseJ: sp.EnergyPulse, SourceEnergyJ: sp.SourceEnergy, ROnOhm: sp.ROn,
		Switched: st.Switched, RelaxationS: Num(st.Relaxation), StateTauS: Num(rl.StateTimeConstant), RSetOhm: rl.RSet, RInsulatingOhm: rl.RInsulating,
		RelaxSpanS: r.Config.Single.RelaxSpan, AmplitudeForPaperLatencyV: Num(r.AmplitudeForPaperLatency),
		Notes: []string{
			"latency_s: pulse onset until the device current first reaches 90 % of its saturated value (Fig. 3f)",
			"energy_J: integral of V_device*I from onset to the latency, i.e. over a pulse as wide as the latency (the paper's energy per activation)",
			"relaxation_time_s: after the pulse, until the zero-bias resistance is back within 10 % of the insulating value",
			"pulse_train: R = V/I at the end of each pulse; parameters redrawn at each pulse (cycle_variation); nominal_* without variation",
			"voltage_pulses: R = V/I of the device at the end of each pulse through the series resistor (Fig. 3e)",
		}}
	tc := r.Train.Config
	s.Train.WidthS, s.Train.PeriodS, s.Train.Pulses = tc.Width, tc.Period, tc.Pulses
	s.Train.Low, s.Train.High = pulseLevel(st.Low), pulseLevel(st.High)
	for _, p := range r.Voltage.Readings {
		s.VoltagePulses = append(s.VoltagePulses, DeviceVoltagePulse{AmplitudeV: p.Drive, VV: p.V, IA: p.I, ROhm: Num(p.R)})
	}
	return s
}

// waveRows returns waveform rows t, source V, device V, I, R = V/I (NaN
// without current), x.
func waveRows(w []device.Sample) [][]string {
	rows := make([][]string, 0, len(w))
	for _, p := range w {
		rows = append(rows, []string{f7(p.T), f7(p.VS), f7(p.V), f7(p.I), f7(ohms(p)), f7(p.X)})
	}
	return rows
}

// ohms is R = V/I of a waveform sample, NaN without current.
func ohms(p device.Sample) float64 {
	if p.I == 0 {
		return math.NaN()
	}
	return p.V / p.I
}

// WriteDevicePulse writes params.json, pulse.json, the waveform CSVs
// (pulse_train.csv, voltage_pulses.csv, single_pulse.csv, relaxation.csv),
// the per-pulse readings and their plots into dir.
func WriteDevicePulse(dir string, r *experiment.DevicePulseResult, plots bool) (DevicePulseSummary, error) {
	s := SummarizeDevicePulse(r)
	if err := writeDeviceRun(dir, r.Params, seeded("device pulse", r.Seed, r.Config), "pulse.json", s); err != nil {
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
		rows = append(rows, []string{f7(p.T), f7(p.I), f7(p.V), f7(ohms(p)), f7(p.X)})
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
	return StackPlot(filepath.Join(dir, "pulse_train"), 0.55, "time (ms)",
		Lines{Axes{Title: fmt.Sprintf("Alternating current pulses %s / %s, %g ms wide, %g ms period (Fig. 3d)", si(c.ILow, "A"), si(c.IHigh, "A"), c.Width*1e3, c.Period*1e3), Y: "I (µA)"},
			[]Series{{X: t, Y: i, Color: pal(0), Marks: MarksNone}}},
		Lines{Axes{Y: "device V (V)"}, []Series{{X: t, Y: v, Color: pal(2), Marks: MarksNone}}},
		Lines{rax, []Series{
			{Name: si(c.ILow, "A"), X: tlo, Y: rlo, Color: pal(0), Marks: MarksScatter},
			{Name: si(c.IHigh, "A"), X: thi, Y: rhi, Color: pal(1), Marks: MarksScatter},
			hline("", tr.Low.Median, 0, tend, 0), hline("", tr.High.Median, 0, tend, 1)}},
	)
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
	if err := StackPlot(filepath.Join(dir, "voltage_pulses"), 0.6, "time (ms)",
		Lines{Axes{Title: fmt.Sprintf("Voltage pulses of rising amplitude, %g ms, through %s (Fig. 3e)", c.Width*1e3, si(c.SeriesR, "Ω")), Y: "voltage (V)",
			YMin: math.Min(0, slices.Min(amp)), YMax: 1.35 * math.Max(slices.Max(amp), 0.1), LegendLeft: true},
			[]Series{{Name: "source", X: t, Y: vs, Color: pal(0), Marks: MarksNone}, {Name: "device", X: t, Y: v, Color: pal(1), Marks: MarksNone}}},
		Lines{Axes{Y: "I (µA)"}, []Series{{X: t, Y: i, Color: pal(2), Marks: MarksNone}}},
	); err != nil {
		return err
	}
	return LinePlot(filepath.Join(dir, "voltage_pulses_r"), Axes{Title: "Device resistance at the end of each 1 ms pulse (Fig. 3e)", X: "pulse amplitude (V)", Y: "R = V/I (Ω)", LogY: true},
		Series{X: amp, Y: res, Color: pal(0), Marks: MarksAll})
}

func writeSinglePulse(dir string, r *experiment.DevicePulseResult, s DevicePulseSummary, plots bool) error {
	sp := r.Single
	w := sp.Waveform
	rows := make([][]string, 0, len(w))
	var t, vs, v, i, e []float64
	for k, energy := range r.SingleEnergy() {
		p := w[k]
		rows = append(rows, []string{f7(p.T), f7(p.VS), f7(p.V), f7(p.I), f7(ohms(p)), f7(p.X), f7(p.V * p.I), f7(energy)})
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
	title := fmt.Sprintf("Single %g V pulse through %s: latency %.0f ns, energy %.2f pJ (paper %s)",
		sp.Config.Amplitude, si(sp.Config.SeriesR, "Ω"), lat, sp.Energy*1e12, experiment.PaperPulseText)
	return StackPlot(filepath.Join(dir, "single_pulse"), 0.55, "time from pulse onset (ns)",
		Lines{Axes{Title: title, Y: "voltage (V)", LegendBottom: true}, []Series{{Name: "source", X: t, Y: vs, Color: pal(0), Marks: MarksNone}, {Name: "device", X: t, Y: v, Color: pal(1), Marks: MarksNone}, vline("", lat, 0, sp.Config.Amplitude, 6)}},
		Lines{Axes{Y: "I (µA)", LegendBottom: true}, []Series{{X: t, Y: i, Color: pal(2), Marks: MarksNone}, hline("90 % of saturation", 0.9*sp.SteadyCurrent*1e6, t[0], t[len(t)-1], 4), vline("latency", lat, 0, imax, 6)}},
		Lines{Axes{Y: "device energy (pJ)"}, []Series{{X: t, Y: e, Color: pal(3), Marks: MarksNone}, vline("", lat, 0, emax, 6)}},
	)
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
	lines := []Series{{Name: "zero-bias R = 1/G(x)", X: t, Y: rl.R, Color: pal(0), Marks: MarksNone},
		hline("0.9 · R insulating", 0.9*rl.RInsulating, t[0], t[len(t)-1], 1)}
	title := fmt.Sprintf("Relaxation after the %g V set pulse: back within 10 %% of %s in ", rl.Pulse.Amplitude, si(rl.RInsulating, "Ω"))
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
	ax.LegendBottom = true
	return LinePlot(filepath.Join(dir, "relaxation"), ax, lines...)
}
