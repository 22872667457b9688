package report

// Files of `mrelu paper`: every part written by its own writer into its
// own subfolder (device/iv, device/sweep, device/pulse, device/tft,
// neuron/transfer, neuron/pulse, neuron/spice, neuron/montecarlo,
// neuron/montecarlo-trim, fig4, edges, edges/variation, energy, table1),
// then summary.json (every headline number, ours beside the paper's),
// params.json and device_params.json (the parameters used, for --params)
// and report.html (one self-contained page laid out like the paper).

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/neuron"
)

// PaperOptions are the presentation settings of WritePaper.
type PaperOptions struct {
	// Command is the command line of the run (shown in the report).
	Command string
	// Out is the output folder as the user named it (used in the
	// equivalent single-experiment commands); default: the folder written.
	Out string
	// ParamsFile is the --params file as given ("" for the defaults).
	ParamsFile string
	// Log receives one line per file group written (may be nil).
	Log func(format string, args ...any)
}

// PaperValue is one headline number: ours beside the paper's.
type PaperValue struct {
	Key      string  `json:"key"`
	Figure   string  `json:"figure"`
	Quantity string  `json:"quantity"`
	Unit     string  `json:"unit"`
	Ours     jsonNum `json:"ours"`
	OursText string  `json:"ours_text"`
	// Paper is the paper's number (nil where it gives none); PaperText
	// what it says.
	Paper     *float64 `json:"paper"`
	PaperText string   `json:"paper_text"`
	// Source is the file (under the output folder) the number comes from.
	Source string `json:"source"`
	// Default is the default device's number (only in a run with another
	// device, for the device and neuron quantities; its files are under
	// default/), DefaultText as shown.
	Default     *jsonNum `json:"default,omitempty"`
	DefaultText string   `json:"default_text,omitempty"`
}

// PaperSummary is summary.json of `mrelu paper`.
type PaperSummary struct {
	Title   string `json:"title"`
	Mode    string `json:"mode"` // "quick" or "full"
	Quick   bool   `json:"quick"`
	Command string `json:"command"`
	Seed    uint64 `json:"seed"`
	// ParamsFile is the --params file ("" for the built-in defaults).
	ParamsFile string   `json:"params_file"`
	QuickNotes []string `json:"quick_differences,omitempty"`
	Started    string   `json:"started"`
	// Seconds is the wall time per stage, TotalSeconds the experiments,
	// WriteSeconds the writing of every file before summary.json.
	Seconds      map[string]float64 `json:"stage_seconds"`
	TotalSeconds float64            `json:"total_seconds"`
	WriteSeconds float64            `json:"write_seconds"`
	Machine      map[string]any     `json:"machine"`
	Ngspice      struct {
		Available bool   `json:"available"`
		Ran       bool   `json:"ran"`
		Note      string `json:"note,omitempty"`
	} `json:"ngspice"`
	// Headlines are the numbers of the paper-versus-ours table; Columns
	// names its value columns: "paper", "ours", or, in a run with another
	// device than the default, "default", "yours", "paper" ("yours" is
	// each headline's "ours").
	Headlines []PaperValue `json:"headlines"`
	Columns   []string     `json:"columns"`
	// Parts hold each writer's own summary (also in its subfolder).
	Parts struct {
		DeviceIV       DeviceIVSummary       `json:"device_iv"`
		DeviceSweep    DeviceSweepSummary    `json:"device_sweep"`
		DevicePulse    DevicePulseSummary    `json:"device_pulse"`
		DeviceTFT      DeviceTFTSummary      `json:"device_tft"`
		Transfer       NeuronTransferSummary `json:"neuron_transfer"`
		NeuronPulse    NeuronPulseSummary    `json:"neuron_pulse"`
		Spice          *NeuronSpiceSummary   `json:"neuron_spice"`
		MonteCarlo     NeuronMCSummary       `json:"neuron_montecarlo"`
		MonteCarloTrim NeuronMCSummary       `json:"neuron_montecarlo_trim"`
		Fig4           Fig4Summary           `json:"fig4"`
		Edges          *EdgesSummary         `json:"edges"`
		EdgesVaried    *EdgesSummary         `json:"edges_variation,omitempty"`
		Energy         *EnergySummary        `json:"energy"`
	} `json:"parts"`
	Table1 []experiment.Table1Row `json:"table1"`
	Params struct {
		Memristor device.Memristor `json:"memristor"`
		TFT       device.TFT       `json:"tft"`
		Neuron    neuron.Params    `json:"neuron"`
	} `json:"params"`
	Config  experiment.PaperConfig `json:"config"`
	Figures []string               `json:"figures"`
	Notes   []string               `json:"notes"`
}

// Value returns the headline with key, or nil.
func (s *PaperSummary) Value(key string) *PaperValue {
	for k := range s.Headlines {
		if s.Headlines[k].Key == key {
			return &s.Headlines[k]
		}
	}
	return nil
}

// paperParamsFile is params.json of a paper run: readable back by
// `mrelu paper --params` and `mrelu neuron/edges --params` ("settings" is
// ignored).
type paperParamsFile struct {
	Memristor device.Memristor `json:"memristor"`
	TFT       device.TFT       `json:"tft"`
	Neuron    neuron.Params    `json:"neuron"`
	Settings  struct {
		Command string                 `json:"command"`
		Config  experiment.PaperConfig `json:"config"`
	} `json:"settings"`
}

func fp(v float64) *float64 { return &v }

// si formats v with an SI prefix and unit.
func si(v float64, unit string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	a := math.Abs(v)
	for _, p := range []struct {
		f float64
		s string
	}{{1e9, "G"}, {1e6, "M"}, {1e3, "k"}, {1, ""}, {1e-3, "m"}, {1e-6, "µ"}, {1e-9, "n"}, {1e-12, "p"}, {1e-15, "f"}} {
		if a >= p.f*0.9995 || p.s == "f" {
			return fmt.Sprintf("%.3g %s%s", v/p.f, p.s, unit)
		}
	}
	return fmt.Sprintf("%.3g %s", v, unit)
}

// fmtValue formats a headline number for its unit.
func fmtValue(v float64, unit string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	switch unit {
	case "V":
		return fmt.Sprintf("%.3f V", v)
	case "A", "Ω", "S", "W":
		return si(v, unit)
	case "s":
		return experiment.FormatTime(v)
	case "J":
		return experiment.FormatEnergy(v)
	case "fraction":
		return fmt.Sprintf("%.2f %%", 100*v)
	case "count":
		return fmt.Sprintf("%.0f", v)
	case "x":
		if math.Abs(v) >= 100 {
			return fmt.Sprintf("%.0fx", v)
		}
		return fmt.Sprintf("%.3gx", v)
	}
	return fmt.Sprintf("%.4g", v)
}

type headlines struct{ v []PaperValue }

func (h *headlines) add(key, fig, qty, unit string, ours float64, paper *float64, paperText, source string) {
	switch {
	case paperText == "" && paper != nil:
		paperText = fmtValue(*paper, unit)
	case paperText == "":
		paperText = "–"
	}
	h.v = append(h.v, PaperValue{Key: key, Figure: fig, Quantity: qty, Unit: unit, Ours: jsonNum(ours),
		OursText: fmtValue(ours, unit), Paper: paper, PaperText: paperText, Source: source})
}

// text sets the ours text of the last value.
func (h *headlines) text(s string) { h.v[len(h.v)-1].OursText = s }

// paperCommands builds the equivalent single-experiment command lines.
type paperCommands struct {
	out, devParams, allParams, seed string
}

func (c paperCommands) device(sub, extra string) string {
	return strings.TrimSpace(fmt.Sprintf("mrelu device %s %s%s --out %s", sub, extra, c.devParams, ShellQuote(filepath.Join(c.out, "device", sub))))
}

func (c paperCommands) neuron(sub, folder, extra string) string {
	return strings.TrimSpace(fmt.Sprintf("mrelu neuron %s %s%s --out %s", sub, extra, c.allParams, ShellQuote(filepath.Join(c.out, "neuron", folder))))
}

// WritePaper writes every part of r into dir (see the file comment) and
// returns the summary written to summary.json.
func WritePaper(dir string, r *experiment.PaperResult, opt PaperOptions) (*PaperSummary, error) {
	t0 := time.Now()
	var logMu sync.Mutex
	logf := func(format string, args ...any) {
		if opt.Log != nil {
			logMu.Lock()
			opt.Log(format, args...)
			logMu.Unlock()
		}
	}
	cfg := r.Config
	s := &PaperSummary{Title: "Memristive ReLU neuron (Oh, Kim et al., Adv. Mater. 2023): the paper reproduced in simulation",
		Mode: "full", Quick: cfg.Quick, Command: opt.Command, Seed: cfg.Seed, ParamsFile: opt.ParamsFile,
		Started: r.Started.Format(time.RFC3339), Seconds: r.Seconds, TotalSeconds: r.Total, Config: cfg,
		Machine: map[string]any{"go": runtime.Version(), "cpus": runtime.NumCPU(), "goos": runtime.GOOS, "goarch": runtime.GOARCH}}
	if cfg.Quick {
		s.Mode = "quick"
	}
	s.QuickNotes = cfg.QuickDifferences()
	s.Params.Memristor, s.Params.TFT, s.Params.Neuron = cfg.Device.Memristor, cfg.Device.TFT, cfg.Neuron
	s.Ngspice.Available = experiment.NgspiceAvailable()
	s.Ngspice.Note = r.SpiceNote
	s.Ngspice.Ran = r.Spice != nil && r.Spice.Ran

	if err := writePaperParts(dir, r, s, logf); err != nil {
		return s, err
	}
	s.Table1 = r.Table1
	if err := writePaperParams(dir, r, opt); err != nil {
		return s, err
	}

	out := opt.Out
	if out == "" {
		out = dir
	}
	cmds := paperCommands{out: out}
	if opt.ParamsFile != "" {
		cmds.devParams = " --params " + ShellQuote(filepath.Join(out, "device_params.json"))
		cmds.allParams = " --params " + ShellQuote(filepath.Join(out, "params.json"))
	}
	cmds.seed = fmt.Sprint(cfg.Seed)

	s.Headlines = paperHeadlines(r, s)
	s.Columns = []string{"paper", "ours"}
	if r.Default != nil {
		if err := writePaperDefault(dir, r, s); err != nil {
			return s, err
		}
		s.Columns = []string{"default", "yours", "paper"}
	}
	s.Notes = []string{
		"ours: produced by this run; paper: the number the paper reports (null where it gives only a qualitative statement, in paper_text)",
		"source: the file under the output folder the number was read from; every part's folder also holds params.json (the parameters and settings it ran with)",
		fmt.Sprintf("latency and energy are reported twice: device level (the memristor alone under the paper's kind of voltage pulse, Fig. 3f) and circuit level (the whole 2T-1M neuron at VDD = %g V); docs/neuron.md section 5 explains why they differ", cfg.Neuron.VDD),
	}
	page, figs := paperPage(r, s, cmds)
	s.Figures = figs
	s.WriteSeconds = time.Since(t0).Seconds()
	if err := WriteJSON(filepath.Join(dir, "summary.json"), s); err != nil {
		return s, err
	}
	if err := WriteHTML(filepath.Join(dir, "report.html"), page); err != nil {
		return s, err
	}
	logf("wrote summary.json and report.html")
	return s, nil
}

// writePaperDefault writes the default device's parts of a run with
// another device into default/ and puts its numbers into the headlines:
// the device and neuron quantities, computed as the run's own are
// (paperHeadlines on the default device's parts).
func writePaperDefault(dir string, r *experiment.PaperResult, s *PaperSummary) error {
	def := r.Default
	d := *s
	p := &d.Parts
	p.DeviceIV, p.DevicePulse = SummarizeDeviceIV(def.IV), SummarizeDevicePulse(def.Pulse)
	// The parts without a summary function are written (without plots
	// where the writer allows) into default/.
	for _, w := range []struct {
		key string
		fn  func(dir string) error
	}{
		{"device/sweep", func(dir string) (err error) { p.DeviceSweep, err = WriteDeviceSweep(dir, def.Sweep, false); return }},
		{"device/tft", func(dir string) (err error) { p.DeviceTFT, err = WriteDeviceTFT(dir, def.TFT, false); return }},
		{"neuron/transfer", func(dir string) (err error) { p.Transfer, err = WriteNeuronTransfer(dir, def.Transfer, false); return }},
		{"neuron/pulse", func(dir string) (err error) {
			p.NeuronPulse, err = WriteNeuronPulse(dir, def.NeuronPulse, false)
			return
		}},
	} {
		sub := filepath.Join(dir, "default", filepath.FromSlash(w.key))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		if err := w.fn(sub); err != nil {
			return fmt.Errorf("report: paper: default/%s: %w", w.key, err)
		}
	}
	vals := map[string]PaperValue{}
	for _, h := range paperHeadlines(r, &d) {
		if (strings.HasPrefix(h.Key, "device.") || strings.HasPrefix(h.Key, "neuron.")) &&
			!strings.HasPrefix(h.Key, "neuron.mc") && !strings.HasPrefix(h.Key, "neuron.ngspice") {
			vals[h.Key] = h
		}
	}
	for k := range s.Headlines {
		if v, ok := vals[s.Headlines[k].Key]; ok {
			n := v.Ours
			s.Headlines[k].Default, s.Headlines[k].DefaultText = &n, v.OursText
		}
	}
	return nil
}

// paperHeadlines collects every headline number of the run.
func paperHeadlines(r *experiment.PaperResult, s *PaperSummary) []PaperValue {
	var h headlines
	p := &s.Parts
	iv, sw, pu, tft := p.DeviceIV, p.DeviceSweep, p.DevicePulse, p.DeviceTFT
	src := "device/iv/iv_summary.json"
	h.add("device.set_median_V", "Fig. 3b", fmt.Sprintf("set voltage, median of %d cycles", iv.Cycles), "V", float64(iv.Set.Median), nil, "narrow distribution, above hold", src)
	h.add("device.set_sigma_V", "Fig. 3b", "set voltage, standard deviation", "V", float64(iv.Set.Sigma), nil, "narrow", src)
	h.add("device.hold_median_V", "Fig. 3b", "hold voltage, median", "V", float64(iv.Hold.Median), nil, "narrow distribution, below set", src)
	h.add("device.hold_sigma_V", "Fig. 3b", "hold voltage, standard deviation", "V", float64(iv.Hold.Sigma), nil, "narrow", src)
	h.add("device.set_hold_gap_V", "Fig. 3b", "gap between the distributions (min set − max hold; > 0: no overlap)", "V", float64(iv.GapV), nil, "set and hold do not overlap", src)
	h.add("device.negative_max_current_A", "Fig. 1f", fmt.Sprintf("largest |I| on the sweep to %g V", iv.NegativeVNegV), "A", iv.NegativeMaxI, nil, "no switching under negative bias", src)
	if iv.NegativeSwitch {
		h.text(si(iv.NegativeMaxI, "A") + " (SWITCHED)")
	} else {
		h.text(si(iv.NegativeMaxI, "A") + ", no switching")
	}
	src = "device/sweep/sweep.json"
	h.add("device.r_first_ohm", "Fig. 1h, 3c", fmt.Sprintf("R at %s", si(sw.RFirst.IA, "A")), "Ω", sw.RFirst.ROhm, nil, "falls gradually as the current rises", src)
	h.add("device.r_last_ohm", "Fig. 1h, 3c", fmt.Sprintf("R at %s", si(sw.RLast.IA, "A")), "Ω", sw.RLast.ROhm, nil, "falls gradually as the current rises", src)
	h.add("device.r_decades", "Fig. 1h, 3c", "decades R falls over the sweep", "", sw.Decades, nil, "gradual, current-controlled", src)
	h.add("device.g_max_over_g0", "Fig. 1g", "largest conductance / G0 (77.5 µS)", "", sw.GMaxOver, nil, "below G0 (tunnelling, no quantised filament)", src)
	src = "device/pulse/pulse.json"
	h.add("device.train_r_low_ohm", "Fig. 3d", fmt.Sprintf("R during the %s pulses (median)", si(pu.Train.Low.CurrentA, "A")), "Ω", float64(pu.Train.Low.R.Median), nil, "follows each pulse, no drift", src)
	h.add("device.train_r_high_ohm", "Fig. 3d", fmt.Sprintf("R during the %s pulses (median)", si(pu.Train.High.CurrentA, "A")), "Ω", float64(pu.Train.High.R.Median), nil, "follows each pulse, no drift", src)
	h.add("device.train_cv_high", "Fig. 3d", "pulse-to-pulse CV of R at the high current", "fraction", float64(pu.Train.High.CV), nil, "uniform", src)
	if n := len(pu.VoltagePulses); n > 0 {
		a, b := pu.VoltagePulses[0], pu.VoltagePulses[n-1]
		h.add("device.voltage_pulse_r_first_ohm", "Fig. 3e", fmt.Sprintf("R after the %g V pulse", a.AmplitudeV), "Ω", float64(a.ROhm), nil, "R falls as the amplitude rises", src)
		h.add("device.voltage_pulse_r_last_ohm", "Fig. 3e", fmt.Sprintf("R after the %g V pulse", b.AmplitudeV), "Ω", float64(b.ROhm), nil, "R falls as the amplitude rises", src)
	}
	h.add("device.latency_s", "Fig. 3f", fmt.Sprintf("latency, %g V pulse through %s (device level)", pu.AmplitudeV, si(pu.SeriesROhm, "Ω")), "s", float64(pu.LatencyS), fp(experiment.PaperLatency), "", src)
	h.add("device.energy_J", "Fig. 3f", "energy per activation (device level)", "J", float64(pu.EnergyJ), fp(experiment.PaperEnergy), "", src)
	h.add("device.relaxation_s", "Fig. 1f, 3d", "relaxation to the insulating state after the pulse", "s", float64(pu.RelaxationS), nil, "volatile: relaxes when the drive is removed", src)
	h.add("device.tft_vth_sigma_V", "Fig. S5", fmt.Sprintf("TFT threshold spread over %d sampled TFTs", tft.Devices), "V", float64(tft.Vth.Sigma), fp(experiment.PaperTFTVthSigma), "", "device/tft/tft.json")

	tr, np := p.Transfer, p.NeuronPulse
	src = "neuron/transfer/transfer.json"
	h.add("neuron.off_level_V", "Fig. 3i", "Vout for every input ≤ 0", "V", float64(tr.MaxVoutNonPositive), fp(0), "0 (ReLU)", src)
	h.add("neuron.threshold_current_A", "Fig. 3i", "threshold current (Vout 50 mV above its off level)", "A", float64(tr.ThresholdCurrent), nil, "–", src)
	h.add("neuron.i90_A", "Fig. 3i", "input current at 90 % of VDD", "A", float64(tr.I90), nil, "sub-10 µA operation", src)
	h.add("neuron.slope_V_per_A", "Fig. 3i", "slope of the linear part", "Ω", float64(tr.Slope), nil, "linear", src)
	h.add("neuron.r2", "Fig. 3i", "R² of a line over 10-90 % of the swing", "", float64(tr.R2), nil, "linear", src)
	h.add("neuron.max_vout_V", "Fig. 3i", "largest Vout", "V", tr.MaxVout, nil, fmt.Sprintf("bounded by VDD = %g V", tr.VDD), src)
	src = "neuron/pulse/pulse.json"
	h.add("neuron.latency_s", "Fig. 3f (circuit)", fmt.Sprintf("latency of the whole 2T-1M circuit, %s input pulse", si(np.Pulse.Amplitude, "A")), "s", float64(np.Latency), fp(experiment.PaperLatency), "", src)
	if !np.Settled {
		h.text("none: " + np.Status)
	}
	h.add("neuron.energy_J", "Fig. 3f (circuit)", "energy per activation of the whole circuit (VDD + input)", "J", float64(np.Energy), fp(experiment.PaperEnergy), "", src)
	h.add("neuron.energy_memristor_J", "Fig. 3f (circuit)", "the memristor's own energy per activation in the circuit (the paper's definition)", "J", float64(np.EnergyMemristor), fp(experiment.PaperEnergy), "", src)
	if np.LatencyQuasiStatic != nil {
		h.add("neuron.latency_quasistatic_s", "Fig. 3f (circuit)", "latency of the circuit without parasitic capacitances (the paper's SPICE level)", "s", float64(*np.LatencyQuasiStatic), fp(experiment.PaperLatency), "", src)
	}
	if np.EnergyMemristorQuasiStatic != nil {
		h.add("neuron.energy_memristor_quasistatic_J", "Fig. 3f (circuit)", "the memristor's energy per activation without parasitic capacitances", "J", float64(*np.EnergyMemristorQuasiStatic), fp(experiment.PaperEnergy), "", src)
	}
	if sp := p.Spice; sp != nil {
		src = "neuron/spice/spice_compare.json"
		h.add("neuron.ngspice_max_diff_V", "Fig. 3i (SPICE)", fmt.Sprintf("max |Vout ours − ngspice|, %d points", sp.Points), "V", sp.MaxAbsDiff, nil, "SPICE and measurement agree", src)
		h.text(fmt.Sprintf("%s (%.2g %% of VDD)", si(sp.MaxAbsDiff, "V"), sp.MaxAbsDiffPct))
		h.add("neuron.ngspice_latency_rel_diff", "Fig. 3i (SPICE)", "pulse latency, ours vs ngspice", "fraction", float64(sp.LatencyRelDiff), nil, "–", src)
	} else {
		h.add("neuron.ngspice_max_diff_V", "Fig. 3i (SPICE)", "max |Vout ours − ngspice|", "V", math.NaN(), nil, "SPICE and measurement agree", "neuron/spice/")
		h.text("not run: " + r.SpiceNote)
	}
	mc, mt := p.MonteCarlo, p.MonteCarloTrim
	h.add("neuron.mc_dead", "Fig. S6", fmt.Sprintf("neurons of %d that never switch (shared VDD)", mc.Devices), "count", float64(mc.Dead), nil, "25 memristors: uniform", "neuron/montecarlo/montecarlo.json")
	h.add("neuron.mc_trim_dead", "Fig. S6", fmt.Sprintf("neurons of %d that never switch (VDD trimmed per neuron)", mt.Devices), "count", float64(mt.Dead), nil, "–", "neuron/montecarlo-trim/montecarlo.json")
	h.add("neuron.mc_trim_switching", "Fig. S6", fmt.Sprintf("neurons of %d that switch (supply trimmed per neuron, the design)", mt.Devices), "count", float64(mt.SwitchingDevices), nil, "25 memristors: uniform", "neuron/montecarlo-trim/montecarlo.json")
	h.add("neuron.mc_trim_off_above_50mV", "Fig. S6", fmt.Sprintf("neurons of %d resting above 50 mV (supply trimmed per neuron)", mt.Devices), "count", float64(mt.OffAbove50mV), nil, "–", "neuron/montecarlo-trim/montecarlo.json")
	h.add("neuron.mc_trim_i90_median_A", "Fig. S6", "I90 across the trimmed population (median)", "A", float64(mt.I90Median), nil, "–", "neuron/montecarlo-trim/montecarlo.json")

	f4 := p.Fig4
	src = "fig4/summary.json"
	epochs := r.Config.Fig4.Base.Epochs
	for _, run := range f4.Runs {
		name := strings.TrimPrefix(run.Folder, "runs/")
		if !isFig4Act(r.Config.Fig4, name) {
			continue
		}
		var paper *float64
		if v, ok := experiment.Fig4Paper[name]; ok {
			paper = fp(v)
		}
		label := name
		if name == experiment.ActMReLU {
			label = fmt.Sprintf("mrelu, %.1f %% temporal variation", 100*run.Variation)
		}
		h.add("fig4.accuracy."+name, "Fig. 4c", fmt.Sprintf("test accuracy after %d epochs, %s", epochs, label), "fraction", run.TestAccuracy, paper, "", src)
		fig4SeedsText(&h, run)
	}
	if ps := f4.PaperSetting; ps != nil {
		h.add("fig4.accuracy."+ps.Run, "Fig. 4c", fmt.Sprintf("test accuracy after %d epochs, %s (mean of %d seed(s))", epochs, ps.Label, len(ps.PerSeed)), "fraction", ps.Mean, ps.PaperAccuracy, "", src)
		h.text(fmt.Sprintf("%.2f ± %.2f %%", 100*ps.Mean, 100*ps.SD))
	}
	for _, run := range f4.Runs {
		name := strings.TrimPrefix(run.Folder, "runs/")
		if !isFig4Act(r.Config.Fig4, name) {
			continue
		}
		pt := "–"
		if name == "sigmoid" {
			pt = "first layer updated far less than the last (vanishing gradient)"
		}
		h.add("fig4.update_ratio_epoch1."+name, "Fig. 4g,h", "mean |ΔW| first / last synaptic layer, epoch 1, "+name, "", float64(run.UpdateRatioEpoch1), nil, pt, src)
	}
	for _, sp := range f4.Sweep {
		var paper *float64
		if sp.Variation == experiment.DefaultVariation {
			paper = fp(experiment.Fig4Paper[experiment.ActMReLU])
		}
		h.add(fmt.Sprintf("fig4.variation.%g", 100*sp.Variation), "Fig. 4i", fmt.Sprintf("test accuracy at %g %% temporal variation", 100*sp.Variation), "fraction", sp.TestAccuracy, paper, "", "fig4/fig4_variation.csv")
	}

	for _, e := range []struct {
		sum    *EdgesSummary
		suffix string
		src    string
	}{{p.Edges, "", "edges/edges.json"}, {p.EdgesVaried, "_variation", "edges/variation/edges.json"}} {
		if e.sum == nil {
			continue
		}
		for _, f := range e.sum.Filters {
			if e.suffix == "" {
				h.add("edges.pearson."+f.Name, "Fig. 5", "correlation of the output map with software ReLU, "+f.Name+" filter", "", float64(f.PearsonIdeal), nil, "edges extracted", e.src)
				h.add("edges.max_vout_negative_V."+f.Name, "Fig. 5", "largest Vout of a negative-current pixel, "+f.Name, "V", float64(f.MaxVoutNegative), fp(0), "0 V (rectified)", e.src)
				h.add("edges.vout_max_V."+f.Name, "Fig. 5", "largest Vout, "+f.Name, "V", float64(f.VoutMax), nil, "bounded by VDD = 2 V", e.src)
			} else {
				h.add("edges.pearson_variation."+f.Name, "Fig. 5", fmt.Sprintf("correlation with software ReLU, %s filter, %.3g %% variation", f.Name, 100*float64(e.sum.Variation)), "", float64(f.PearsonVaried), nil, "–", e.src)
			}
		}
	}

	if es := p.Energy; es != nil {
		src = "energy/energy.json"
		e := es.EnergyResult
		for _, sc := range e.Scenarios {
			var paperN *float64
			pt := "– (the paper gives energy per activation only)"
			who := map[string]string{"paper": "the paper's neuron (0.5 pJ, 650 ns)", "device": "our device-level neuron", "circuit": "our 2T-1M circuit (VDD + input)",
				"circuit-memristor": "the memristor in our 2T-1M circuit", "circuit-quasistatic": "the memristor in our 2T-1M circuit without parasitics"}[sc.Name]
			h.add("energy."+sc.Name+".neurons_per_inference_J", "energy", fmt.Sprintf("%d hidden neurons per inference, %s", sc.Neurons, who), "J", sc.NeuronsEnergy, paperN, pt, src)
			h.add("energy."+sc.Name+".crossbar_per_inference_J", "energy", fmt.Sprintf("crossbar read energy per inference, arrays read %s each (%s)", experiment.FormatTime(sc.ReadTime), who), "J", sc.Crossbar, nil, pt, src)
			h.add("energy."+sc.Name+".total_per_inference_J", "energy", "energy per inference, neurons + arrays, "+who, "J", sc.Total, nil, pt, src)
			h.add("energy."+sc.Name+".latency_per_inference_s", "energy", fmt.Sprintf("latency per inference (%d arrays × read time), %s", e.Arrays, who), "s", sc.Latency, nil, "–", src)
		}
		for _, a := range e.Alternatives {
			switch {
			case strings.Contains(a.Name, "VO2"):
				h.add("energy.ratio_vo2_over_ours", "text", "Mott VO2 ReLU (199.5 pJ) / our device-level energy per activation", "x", a.RatioToOurs, fp(a.PerActivation/experiment.PaperEnergy), "~400x (199.5 pJ / 0.5 pJ)", src)
				h.add("energy.ratio_vo2_over_circuit_quasistatic", "text", "Mott VO2 ReLU / the memristor's energy per activation in our circuit without parasitics", "x", a.RatioToCircuitQuasiStatic, fp(a.PerActivation/experiment.PaperEnergy), "~400x", src)
				h.add("energy.ratio_vo2_over_circuit_memristor", "text", "Mott VO2 ReLU / the memristor's energy per activation in our circuit with parasitics", "x", a.RatioToCircuitMemristor, fp(a.PerActivation/experiment.PaperEnergy), "~400x", src)
				h.add("energy.ratio_vo2_over_circuit_total", "text", "Mott VO2 ReLU / our whole circuit's energy per activation (VDD + input)", "x", a.RatioToCircuit, fp(a.PerActivation/experiment.PaperEnergy), "~400x", src)
			case strings.Contains(a.Name, "CMOS"):
				h.add("energy.ratio_cmos_over_ours", "Table 1", "analog CMOS sigmoid (3410 pJ) / our device-level energy per activation", "x", a.RatioToOurs, fp(a.PerActivation/experiment.PaperEnergy), "6820x (3410 pJ / 0.5 pJ)", src)
				h.add("energy.ratio_cmos_over_circuit_quasistatic", "Table 1", "analog CMOS sigmoid / the memristor's energy per activation in our circuit without parasitics", "x", a.RatioToCircuitQuasiStatic, fp(a.PerActivation/experiment.PaperEnergy), "6820x", src)
				h.add("energy.ratio_cmos_over_circuit_memristor", "Table 1", "analog CMOS sigmoid / the memristor's energy per activation in our circuit with parasitics", "x", a.RatioToCircuitMemristor, fp(a.PerActivation/experiment.PaperEnergy), "6820x", src)
				h.add("energy.ratio_cmos_over_circuit_total", "Table 1", "analog CMOS sigmoid / our whole circuit's energy per activation (VDD + input)", "x", a.RatioToCircuit, fp(a.PerActivation/experiment.PaperEnergy), "6820x", src)
			}
		}
		h.add("energy.crossbar_accuracy", "Fig. 4 (arrays)", fmt.Sprintf("test accuracy of the %s network on crossbar arrays (%d images)", e.Run, e.Images), "fraction", e.CrossbarAccuracy, nil, "–", src)
	}
	return h.v
}

// calibrationText is the caption of the latency-versus-amplitude figure:
// the amplitude of 650 ns and how the run's pulse amplitude relates to it.
func calibrationText(cfg experiment.PaperConfig, pu DevicePulseSummary) string {
	at := si(float64(pu.AmplitudeForPaperLatencyV), "V")
	if experiment.IsDefaultSetup(cfg.Device, cfg.Neuron) {
		return fmt.Sprintf("650 ns at %s; the default %g V is that calibration; energy_vs_amplitude.png shows the energy stays below the paper's 0.5 pJ wherever the latency is 650 ns or less", at, pu.AmplitudeV)
	}
	return fmt.Sprintf("this device reaches 650 ns at %s; the %g V pulse of Fig. 3f is the default device's calibration to 650 ns; energy_vs_amplitude.png shows this device's energy against the amplitude", at, pu.AmplitudeV)
}

// setupText states the device and supply of d and np in one line.
func setupText(d device.Params, np neuron.Params) string {
	m := d.Memristor
	return fmt.Sprintf("memristor Vth %g V, r_d %s, VDD %g V, margin VDD − Vth %s", m.Vth, si(m.RD, "Ω"), np.VDD, si(np.VDD-m.Vth, "V"))
}

// paramsLabel names where a run's parameters came from.
func paramsLabel(file string) string {
	if file == "" {
		return "the default device with --vdd"
	}
	return "from " + file
}

func isFig4Act(p experiment.Fig4Params, name string) bool {
	for _, a := range p.Acts {
		if a == name {
			return true
		}
	}
	return false
}

// neuronInputCaption summarises the hidden-layer input currents of a run.
func neuronInputCaption(r *experiment.Fig4Result, name string) string {
	run := r.Runs[name]
	if run == nil || run.Result == nil || len(run.Result.PreActivations) < 2 {
		return ""
	}
	var parts []string
	pre := run.Result.PreActivations
	for l, z := range pre[:len(pre)-1] {
		var s2 float64
		in := 0
		for _, v := range z {
			c := float64(v) * r.Neuron.IUnit
			s2 += c * c
			if math.Abs(c) < 10e-6 {
				in++
			}
		}
		parts = append(parts, fmt.Sprintf("layer %d: rms %.2g µA, %.1f %% within ±10 µA", l+1, 1e6*math.Sqrt(s2/float64(len(z))), 100*float64(in)/float64(len(z))))
	}
	return strings.Join(parts, "; ")
}

// paperPage lays the report out like the paper's figures and returns it
// with the list of embedded figures.
func paperPage(r *experiment.PaperResult, s *PaperSummary, c paperCommands) (HTMLPage, []string) {
	cfg := r.Config
	p := &s.Parts
	v := func(key string) string {
		if x := s.Value(key); x != nil {
			return x.OursText
		}
		return "–"
	}
	page := HTMLPage{Title: "mReLU: the paper reproduced in simulation",
		Subtitle: "J. Oh, S. Kim et al., Preventing Vanishing Gradient Problem of Hardware Neuromorphic System by Implementing Imidazole-Based Memristive ReLU Activation Neuron, Adv. Mater. 2023 (DOI 10.1002/adma.202300023): from device physics to network accuracy.",
		Footer:   fmt.Sprintf("Made by mrelu (%s, %d CPUs) on %s. Every number comes from this run; summary.json holds them, each part's folder its CSV/JSON data, PNG and SVG figures and params.json.", runtime.Version(), runtime.NumCPU(), s.Started)}
	params := "built-in defaults (docs/device.md, docs/neuron.md)"
	switch {
	case s.ParamsFile != "":
		params = s.ParamsFile + " (copied to params.json and device_params.json)"
	case !experiment.IsDefaultSetup(cfg.Device, cfg.Neuron):
		params = "the built-in device with the supply of --vdd (params.json)"
	}
	params += ": " + setupText(cfg.Device, cfg.Neuron)
	page.Meta = []HTMLMeta{
		{Key: "command", Value: s.Command, Code: true},
		{Key: "mode", Value: map[bool]string{true: "quick (--quick)", false: "full (the paper's settings)"}[cfg.Quick]},
		{Key: "parameters", Value: params},
		{Key: "seed", Value: fmt.Sprint(cfg.Seed)},
		{Key: "run time", Value: fmt.Sprintf("%.1f s of experiments (Fig. 4: %.1f s)", r.Total, r.Seconds["fig4"])},
		{Key: "ngspice", Value: map[bool]string{true: "cross-check ran", false: "cross-check not run: " + r.SpiceNote}[s.Ngspice.Ran]},
	}
	if cfg.Quick {
		for _, q := range s.QuickNotes {
			page.Notices = append(page.Notices, "Quick run: "+q+". Run without --quick for the paper's settings.")
		}
	} else if cfg.Fig4.Base.Data != "" {
		page.Notices = append(page.Notices, "Fig. 4 trained on "+cfg.Fig4.Base.Data+", not MNIST.")
	}
	if !s.Ngspice.Ran {
		page.Notices = append(page.Notices, "ngspice cross-check not run: "+r.SpiceNote+".")
	}
	if s.ParamsFile != "" {
		page.Notices = append(page.Notices, "Your device: every experiment (device, neuron, Fig. 4's solved neuron, edges, energy) used the parameters of "+s.ParamsFile+".")
	}

	// Paper versus ours (a run with another device: default, yours, paper).
	var rows [][]string
	var emph []bool
	withDefault := r.Default != nil
	for _, h := range s.Headlines {
		if withDefault {
			dt := h.DefaultText
			if h.Default == nil {
				dt = "–"
			}
			rows = append(rows, []string{h.Figure, h.Quantity, dt, h.OursText, h.PaperText, h.Source})
		} else {
			rows = append(rows, []string{h.Figure, h.Quantity, h.PaperText, h.OursText, h.Source})
		}
		emph = append(emph, h.Paper != nil)
	}
	summary := HTMLSection{ID: "summary", Title: "Paper versus ours",
		Intro:  []string{"Every number below was produced by this run (summary.json, \"headlines\"). Rows in bold are those where the paper gives a number; the others compare with its qualitative statement."},
		Tables: []HTMLTable{{Header: []string{"figure", "quantity", "paper", "ours", "file"}, Rows: rows, Emphasis: emph}}}
	if withDefault {
		summary.Title = "Default device, yours and the paper"
		summary.Intro = append(summary.Intro, fmt.Sprintf("yours: your device (%s; %s); default: the built-in device (%s), run with the same settings and seed for the device and neuron quantities (its files are in default/; \"–\" where it was not rerun: Monte Carlo, SPICE, Fig. 4, Fig. 5, energy per inference).",
			paramsLabel(s.ParamsFile), setupText(cfg.Device, cfg.Neuron), setupText(device.DefaultParams(), neuron.DefaultParams())))
		summary.Tables[0].Header = []string{"figure", "quantity", "default", "yours", "paper", "file"}
	}
	page.Sections = append(page.Sections, summary)

	var figs []string
	fig := func(id, label, title, img, paper, ours, cmd string, data ...string) HTMLFigure {
		figs = append(figs, img)
		return HTMLFigure{ID: id, Label: label, Title: title, Image: img, SVG: strings.TrimSuffix(img, ".png") + ".svg",
			Paper: paper, Ours: ours, Command: cmd, Data: data}
	}
	seed := "--seed " + c.seed
	ivCmd := c.device("iv", fmt.Sprintf("--cycles %d %s", cfg.IV.Cycles, seed))
	iv, sw, pu, tft := p.DeviceIV, p.DeviceSweep, p.DevicePulse, p.DeviceTFT
	dev := HTMLSection{ID: "device", Title: "Fig. 1 and 3: the volatile, gradually switching memristor",
		Intro: []string{"The Cu/p(V3D3-co-VI)/Al2O3 memristor as a state-variable compact model (docs/device.md): conductance by tunnelling between Cu nanoclusters (below G0), set only under positive bias, relaxation when the drive goes."}}
	dev.Figures = append(dev.Figures,
		fig("fig1f", "Fig. 1f", "DC I-V sweeps with 1 µA compliance, and a sweep to negative bias", "device/iv/iv.png",
			"volatile switching under positive bias with Icc = 1 µA; no switching under negative bias",
			fmt.Sprintf("set %s, hold %s (medians); negative sweep: %s", v("device.set_median_V"), v("device.hold_median_V"), v("device.negative_max_current_A")),
			ivCmd, "device/iv/iv.csv", "device/iv/iv_summary.json"),
		fig("fig3b", "Fig. 3a-b", fmt.Sprintf("Set and hold voltages over %d cycles", iv.Cycles), "device/iv/set_hold_cdf.png",
			"200 cycles: narrow set and hold distributions that do not overlap",
			fmt.Sprintf("set %s (σ %s), hold %s (σ %s); gap %s, overlap: %v", v("device.set_median_V"), v("device.set_sigma_V"), v("device.hold_median_V"), v("device.hold_sigma_V"), v("device.set_hold_gap_V"), iv.Overlap),
			ivCmd, "device/iv/set_hold.csv"),
		fig("fig1h", "Fig. 1h, 3c", "Resistance set gradually by the current (inset form R = Vth/I − r_d)", "device/sweep/r_vs_i.png",
			"R falls step by step as the current rises from 0 to 5 µA",
			fmt.Sprintf("%s → %s, %.2f decades, monotone: %v", v("device.r_first_ohm"), v("device.r_last_ohm"), sw.Decades, sw.Monotone),
			c.device("sweep", ""), "device/sweep/r_vs_i.csv", "device/sweep/sweep.json"),
		fig("fig1g", "Fig. 1g", "Conductance against the current: below the quantum G0", "device/sweep/g_vs_i.png",
			"conductance stays below G0 = 2e²/h = 77.5 µS (no quantised filament)",
			fmt.Sprintf("largest G = %s = %.3f·G0", si(sw.GMaxS, "S"), sw.GMaxOver),
			c.device("sweep", ""), "device/sweep/r_vs_i.csv"),
		fig("fig3d", "Fig. 3d", "Alternating current pulses: the resistance follows each pulse", "device/pulse/pulse_train.png",
			"100 nA and 1 µA pulses, 5 ms wide, 10 ms period: R follows each pulse, no drift",
			fmt.Sprintf("R %s at %s (CV %.2g %%), %s at %s (CV %.2g %%)", v("device.train_r_low_ohm"), si(pu.Train.Low.CurrentA, "A"), 100*float64(pu.Train.Low.CV), v("device.train_r_high_ohm"), si(pu.Train.High.CurrentA, "A"), 100*float64(pu.Train.High.CV)),
			c.device("pulse", seed), "device/pulse/pulse_train.csv", "device/pulse/pulse_train_readings.csv"),
		fig("fig3e", "Fig. 3e", "Voltage pulses of rising amplitude through 1 MΩ", "device/pulse/voltage_pulses_r.png",
			"the resistance falls as the pulse amplitude rises",
			fmt.Sprintf("%s → %s", v("device.voltage_pulse_r_first_ohm"), v("device.voltage_pulse_r_last_ohm")),
			c.device("pulse", seed), "device/pulse/voltage_pulses.csv", "device/pulse/voltage_pulses_readings.csv"),
		fig("fig3f", "Fig. 3f", "One voltage pulse resolved in time: latency and energy per activation", "device/pulse/single_pulse.png",
			"650 ns from pulse to saturated output; 0.5 pJ per activation",
			fmt.Sprintf("latency %s, energy %s (%g V through %s)", v("device.latency_s"), v("device.energy_J"), pu.AmplitudeV, si(pu.SeriesROhm, "Ω")),
			c.device("pulse", seed), "device/pulse/single_pulse.csv", "device/pulse/pulse.json"),
		fig("fig3famp", "Fig. 3f", "Latency against the pulse amplitude (the paper does not state it)", "device/pulse/latency_vs_amplitude.png",
			"650 ns and 0.5 pJ at an unstated amplitude",
			calibrationText(cfg, pu),
			c.device("pulse", seed), "device/pulse/latency_vs_amplitude.csv", "device/pulse/energy_vs_amplitude.png"),
		fig("relax", "Fig. 1f, 3d", "Relaxation after the pulse (volatility)", "device/pulse/relaxation.png",
			"volatile: the device returns to its insulating state when the drive is removed",
			fmt.Sprintf("back within 10 %% of the insulating resistance after %s", v("device.relaxation_s")),
			c.device("pulse", seed), "device/pulse/relaxation.csv"),
		fig("figs5", "Fig. S5", "a-IGZO TFTs: transfer curves of the sampled devices", "device/tft/tft_transfer_devices.png",
			"threshold voltage spread 0.038 V over 20 TFTs",
			fmt.Sprintf("σ(Vth) = %s over %d sampled TFTs (nominal Vth %.2f V)", v("device.tft_vth_sigma_V"), tft.Devices, tft.NominalVthV),
			c.device("tft", seed), "device/tft/tft_transfer.csv", "device/tft/tft_vth.csv", "device/tft/tft.json"),
	)
	page.Sections = append(page.Sections, dev)

	tr, np := p.Transfer, p.NeuronPulse
	neu := HTMLSection{ID: "neuron", Title: "Fig. 3i: the 2T-1M mReLU neuron",
		Intro: []string{"The neuron circuit solved by our MNA solver (docs/neuron.md): a current mirror copies the column current into the output TFT, which sinks it through the memristor from VDD; Vout = VDD − v_mem rises linearly with the current. " +
			fmt.Sprintf("Its DC behaviour is the paper's ReLU. Its switching in the circuit is slower and costs more than the device-level pulse of Fig. 3f, because at VDD = %g V, only %s above the memristor's threshold Vth = %g V, the memristor gets almost no overdrive (docs/neuron.md, section 5): both are reported.",
				cfg.Neuron.VDD, si(cfg.Neuron.VDD-cfg.Device.Memristor.Vth, "V"), cfg.Device.Memristor.Vth)}}
	neu.Figures = append(neu.Figures,
		fig("fig3i", "Fig. 3i", "Transfer curve: Vout/VDD against the mirror current", "neuron/transfer/transfer.png",
			"0 for negative input, linear rise with the mirror current, bounded by VDD = 2 V; SPICE and measurement agree",
			fmt.Sprintf("off level %s, threshold %s, 90 %% VDD at %s, slope %s, R² %.5f, max %s", v("neuron.off_level_V"), v("neuron.threshold_current_A"), v("neuron.i90_A"), v("neuron.slope_V_per_A"), float64(tr.R2), v("neuron.max_vout_V")),
			c.neuron("transfer", "transfer", ""), "neuron/transfer/transfer.csv", "neuron/transfer/transfer_detail.csv", "neuron/transfer/transfer.json"),
		fig("npulse", "Fig. 3f (circuit)", "The whole neuron's activation transient", "neuron/pulse/pulse.png",
			"650 ns, 0.5 pJ per activation (device-level pulse)",
			fmt.Sprintf("%s: latency %s, energy %s (VDD %s, input %s)", np.Status, v("neuron.latency_s"), v("neuron.energy_J"), experiment.FormatEnergy(float64(np.EnergySupply)), experiment.FormatEnergy(float64(np.EnergyInput))),
			c.neuron("pulse", "pulse", ""), "neuron/pulse/pulse.csv", "neuron/pulse/pulse.json", "neuron/pulse/cap_sweep.csv"),
		fig("stab", "Stability", "Critical output capacitance along the curve (above it the neuron oscillates)", "neuron/transfer/stability.png",
			"–", fmt.Sprintf("circuit %s, smallest critical %s at %s: stable at every input: %v", si(tr.OutputCapacitance, "F"), si(float64(tr.WorstCCrit), "F"), si(float64(tr.WorstCCritAt), "A"), tr.StableEverywhere),
			c.neuron("transfer", "transfer", ""), "neuron/transfer/transfer_detail.csv"),
	)
	if sp := p.Spice; sp != nil {
		neu.Figures = append(neu.Figures,
			fig("spice", "Fig. 3i (SPICE)", "Same netlist in our solver and in ngspice: DC", "neuron/spice/spice_compare.png",
				"SPICE simulation and measurement agree", fmt.Sprintf("max |ΔVout| %s over %d points", v("neuron.ngspice_max_diff_V"), sp.Points),
				c.neuron("spice", "spice", "--run"), "neuron/spice/spice_compare.csv", "neuron/spice/spice_compare.json", "neuron/spice/mrelu.cir"),
			fig("spicepulse", "Fig. 3i (SPICE)", "Same netlist in our solver and in ngspice: pulse", "neuron/spice/spice_pulse.png",
				"–", fmt.Sprintf("latency ours %s, ngspice %s (difference %s)", experiment.FormatTime(float64(sp.LatencyOurs)), experiment.FormatTime(float64(sp.LatencyNgspice)), v("neuron.ngspice_latency_rel_diff")),
				c.neuron("spice", "spice", "--run"), "neuron/spice/spice_pulse_ours.csv", "neuron/spice/spice_pulse_ngspice.csv", "neuron/spice/mrelu_tran.cir"))
	} else {
		neu.Intro = append(neu.Intro, "ngspice cross-check not run: "+r.SpiceNote+". The netlists are in neuron/spice/ (mrelu.cir, mrelu_tran.cir); install ngspice and rerun for the comparison.")
	}
	mc, mt := p.MonteCarlo, p.MonteCarloTrim
	neu.Figures = append(neu.Figures,
		fig("mc", "Fig. S6", fmt.Sprintf("%d neurons with device-to-device variation, one shared VDD (not the design: --trim-vdd=false)", mc.Devices), "neuron/montecarlo/montecarlo.png",
			"25 memristors: uniform volatile and incremental behaviour",
			fmt.Sprintf("%d of %d never switch (their memristor threshold lies above VDD); %d off level ≥ 50 mV: no shared VDD fits a 2 %% threshold spread (docs/neuron.md §7)", mc.Dead, mc.Devices, mc.OffAbove50mV),
			c.neuron("montecarlo", "montecarlo", seed+" --trim-vdd=false"), "neuron/montecarlo/montecarlo.csv", "neuron/montecarlo/montecarlo_devices.csv", "neuron/montecarlo/montecarlo.json"),
		fig("mctrim", "Fig. S6", fmt.Sprintf("The same population with each neuron's supply trimmed to its memristor's threshold + the nominal margin VDD − Vth = %s (the design)", si(cfg.Neuron.VDD-cfg.Device.Memristor.Vth, "V")), "neuron/montecarlo-trim/montecarlo.png",
			"–", fmt.Sprintf("%d of %d switch, %d off level ≥ 50 mV; I90 %s ± %s", mt.SwitchingDevices, mt.Devices, mt.OffAbove50mV, si(float64(mt.I90Median), "A"), si(float64(mt.I90Sigma), "A")),
			c.neuron("montecarlo", "montecarlo-trim", seed), "neuron/montecarlo-trim/montecarlo.csv", "neuron/montecarlo-trim/montecarlo.json"),
	)
	page.Sections = append(page.Sections, neu)

	// Fig. 4
	f4 := p.Fig4
	fc := cfg.Fig4
	var sweep []string
	for _, x := range fc.Sweep {
		sweep = append(sweep, fmt.Sprint(x))
	}
	fig4Cmd := fmt.Sprintf("mrelu fig4 --epochs %d --sweep %s --seed %d", fc.Base.Epochs, strings.Join(sweep, ","), cfg.Seed)
	if fc.Base.Data != "" {
		fig4Cmd += " --data " + ShellQuote(fc.Base.Data)
	}
	fig4Cmd += c.allParams + " --out " + ShellQuote(filepath.Join(c.out, "fig4"))
	fig4Note := ""
	acc := func() string {
		var a []string
		for _, name := range fc.Acts {
			a = append(a, fmt.Sprintf("%s %s", name, v("fig4.accuracy."+name)))
		}
		return strings.Join(a, ", ")
	}()
	sys := HTMLSection{ID: "fig4", Title: "Fig. 4: the 784-100-100-100-10 network on MNIST",
		Intro: []string{fmt.Sprintf("Minibatch %d, SGD lr %g, He-normal weights, %d epochs, seed %d; the hardware mReLU is the solved 2T-1M transfer curve in the loop, with per-evaluation temporal variation (docs/system.md).", fc.Base.Batch, fc.Base.LR, fc.Base.Epochs, cfg.Seed)}}
	if cfg.Quick {
		sys.Intro = append(sys.Intro, fmt.Sprintf("Quick run: %d epochs instead of 30, so the accuracies are below the paper's 30-epoch values; run without --quick for the paper's settings.", fc.Base.Epochs))
	}
	sys.Tables = append(sys.Tables, Fig4Table(f4, cfg.Quick))
	if h := f4.HardwareAware; h != nil {
		sys.Intro = append(sys.Intro, fmt.Sprintf("Hardware-aware training (%s noise, σ = %.3g %%, %d seed(s)): trained with the ideal mReLU and tested with the noisy one %.2f ± %.2f %%; trained and tested with the noisy one %.2f ± %.2f %% (ideal on ideal %.2f %%).",
			h.Noise, 100*h.Variation, len(h.TrainedNoisyTestedNoisy.PerSeed), 100*h.TrainedIdealTestedNoisy.Mean, 100*h.TrainedIdealTestedNoisy.SD,
			100*h.TrainedNoisyTestedNoisy.Mean, 100*h.TrainedNoisyTestedNoisy.SD, 100*h.TrainedIdealTestedIdeal.Mean))
	}
	var ratio, ratioFinal []string
	for _, run := range f4.Runs {
		if isFig4Act(fc, strings.TrimPrefix(run.Folder, "runs/")) {
			ratio = append(ratio, fmt.Sprintf("%s %.3f", strings.TrimPrefix(run.Folder, "runs/"), run.UpdateRatioEpoch1))
			ratioFinal = append(ratioFinal, fmt.Sprintf("%s %.3f", strings.TrimPrefix(run.Folder, "runs/"), run.UpdateRatioFinal))
		}
	}
	f4c := fig("fig4c", "Fig. 4c", "Test accuracy per epoch, and a zoom on the last epochs", "fig4/fig4c_accuracy.png",
		"sigmoid 91.2 %, ReLU 97 %, mReLU with 9.9 % variation 95.4 %", acc, fig4Cmd, "fig4/fig4_metrics.csv", "fig4/summary.json")
	f4c.Wide = true // two panels
	sys.Figures = append(sys.Figures, f4c,
		fig("fig4d", "Fig. 4d", "Normalised training loss per epoch", "fig4/fig4d_loss.png",
			"the loss falls faster with ReLU and mReLU than with sigmoid", finalLosses(f4), fig4Cmd, "fig4/fig4_metrics.csv"),
	)
	for _, name := range fc.Acts {
		img := "fig4/fig4ef_neuron_inputs_" + name + ".png"
		sys.Figures = append(sys.Figures, fig("fig4ef-"+name, "Fig. 4e,f", "Summation currents at the hidden neurons after training, "+name, img,
			"the neurons work with sub-10 µA summation currents", neuronInputCaption(r.Fig4, name), fig4Cmd, "fig4/fig4_neuron_inputs.csv"))
	}
	sys.Figures = append(sys.Figures,
		fig("fig4g", "Fig. 4g", "Weight updates of the first synaptic layer (final epoch)", "fig4/fig4g_weight_updates_first.png",
			"with sigmoid the first layer receives far smaller updates than the last (vanishing gradient)",
			"mean |ΔW| first / last layer, epoch 1: "+strings.Join(ratio, ", "), fig4Cmd, "fig4/fig4_weight_updates.csv"),
		fig("fig4h", "Fig. 4h", "Weight updates of the last synaptic layer (final epoch)", "fig4/fig4h_weight_updates_last.png",
			"the last layer is updated alike with every neuron; the first is not",
			fmt.Sprintf("mean |ΔW| first / last layer, epoch %d: %s", fc.Base.Epochs, strings.Join(ratioFinal, ", ")), fig4Cmd, "fig4/fig4_weight_updates.csv"),
		fig("fig4i", "Fig. 4i", "Test accuracy against the mReLU's temporal variation", "fig4/fig4i_variation.png",
			"95.4 % at 9.9 % variation (ideal mReLU: no variation)", sweepText(f4), fig4Cmd, "fig4/fig4_variation.csv"),
	)
	if t := saturationText(f4); t != "" {
		sys.Figures = append(sys.Figures, fig("fig4j", "Fig. 4 (ours)", "Neuron inputs at or above 90 % of VDD, per hidden layer and epoch (the bound made visible)", "fig4/fig4j_saturation.png",
			"–", t, fig4Cmd, "fig4/fig4_saturation.csv"))
	}
	for k := range sys.Figures {
		sys.Figures[k].Note = fig4Note
	}
	page.Sections = append(page.Sections, sys)

	// Fig. 5
	ed := HTMLSection{ID: "fig5", Title: "Fig. 5: edge detection through the crossbar and mReLU neurons",
		Intro: []string{"A 160×160 grayscale image convolved with vertical and lateral 3×3 filters on a crossbar; every summation current goes through the solved neuron (docs/vision.md)."}}
	edCmd := strings.TrimSpace(fmt.Sprintf("mrelu edges%s --out %s", c.allParams, ShellQuote(filepath.Join(c.out, "edges"))))
	if e := p.Edges; e != nil {
		var corr, neg []string
		for _, f := range e.Filters {
			corr = append(corr, fmt.Sprintf("%s r = %.4f", f.Name, float64(f.PearsonIdeal)))
			neg = append(neg, fmt.Sprintf("%s: I %s..%s, %.1f %% negative, their Vout ≤ %.4f V; Vout ≤ %.3f V", f.Name, si(float64(f.CurrentMin), "A"), si(float64(f.CurrentMax), "A"), 100*float64(f.NegativeFraction), float64(f.MaxVoutNegative), float64(f.VoutMax)))
		}
		ov := fig("fig5e", "Fig. 5a,e", "Input image with the four patches, and the output maps", "edges/edges.png",
			"vertical and lateral edges of the image as output voltages, rectified and bounded by 2 V",
			"correlation with software ReLU of the same convolution: "+strings.Join(corr, ", "), edCmd, "edges/edges.json")
		ov.Wide = true
		ed.Figures = append(ed.Figures, ov)
		for _, f := range e.Filters {
			pf := fig("fig5-"+f.Name, "Fig. 5b-d", f.Name+" filter: four 10×10 patches (input, current in µA, voltage in V; each cell's value written in it)", "edges/"+f.Name+"_patches.png",
				"the summation current depends in sign and size on the position; the neuron rectifies it", strings.Join(neg, "; "), edCmd,
				"edges/"+f.Name+"_current_A.csv", "edges/"+f.Name+"_vout_V.csv")
			pf.Wide = true // read cell by cell
			ed.Figures = append(ed.Figures, pf,
				fig("fig5c-"+f.Name, "Fig. 5", f.Name+" filter: summation current over the whole image", "edges/"+f.Name+"_current.png",
					"signed summation currents", fmt.Sprintf("%s .. %s", si(float64(f.CurrentMin), "A"), si(float64(f.CurrentMax), "A")), edCmd, "edges/"+f.Name+"_current_A.csv"))
		}
	}
	if e := p.EdgesVaried; e != nil {
		var corr []string
		for _, f := range e.Filters {
			corr = append(corr, fmt.Sprintf("%s r = %.4f", f.Name, float64(f.PearsonVaried)))
		}
		cmd := strings.TrimSpace(fmt.Sprintf("mrelu edges --variation %g --seed %d%s --out %s", float64(e.Variation), cfg.Seed, c.allParams, ShellQuote(filepath.Join(c.out, "edges", "variation"))))
		vf := fig("fig5var", "Fig. 5", fmt.Sprintf("Output maps with %.3g %% temporal variation", 100*float64(e.Variation)), "edges/variation/edges.png",
			"–", "correlation with software ReLU: "+strings.Join(corr, ", "), cmd, "edges/variation/edges.json")
		vf.Wide = true
		ed.Figures = append(ed.Figures, vf)
	}
	page.Sections = append(page.Sections, ed)

	// Table 1
	page.Sections = append(page.Sections, HTMLSection{ID: "table1", Title: "Table 1: analog neurons compared",
		Intro: []string{"The paper's table with our row computed by this run (highlighted): structure from the circuit, model from the solved transfer curve, energy from the device-level pulse and from the circuit transient. Files: table1/table1.csv, table1/table1.json, table1/table1.html."},
		Raw:   Table1HTML(r.Table1)})

	// Energy
	if es := p.Energy; es != nil {
		e := es.EnergyResult
		var erows [][]string
		var em []bool
		for _, row := range es.Rows {
			erows = append(erows, []string{row.Label, experiment.FormatEnergy(float64(row.PerActivation)), experiment.FormatTime(float64(row.Latency)),
				experiment.FormatEnergy(float64(row.NeuronsPerInference)), experiment.FormatTime(float64(row.ReadTime)), experiment.FormatEnergy(float64(row.Crossbar)),
				experiment.FormatEnergy(float64(row.Total)), experiment.FormatTime(float64(row.InferenceLatency))})
			em = append(em, row.Ours)
		}
		var arr []string
		for l := range e.ReadPower {
			arr = append(arr, fmt.Sprintf("array %d (%dx%d): mean input %.3g V, mean G %s, %s while read", l+1, e.Sizes[l], e.Sizes[l+1], e.MeanInputVoltage[l], si(e.MeanConductance[l], "S"), si(e.ReadPower[l], "W")))
		}
		sec := HTMLSection{ID: "energy", Title: "Energy and latency: per activation and per inference",
			Intro: []string{
				fmt.Sprintf("Per inference of the %v network: %d hidden neurons × energy per activation + the synapses' read energy t·Σ V²·G over the %d crossbar arrays (crossbar.Network.ReadEnergy, %d test images, the %q network with its solved neuron), each array read for t = the neuron latency; latency = %d × t. Assumptions: docs/paper.md.", e.Sizes, e.Neurons, e.Arrays, e.Images, e.Run, e.Arrays),
				fmt.Sprintf("Device level: the memristor alone under a %g V pulse through %s: latency %s, energy %s (the paper: 650 ns, 0.5 pJ). Circuit level: in the 2T-1M neuron at VDD = %g V, %s above the memristor's threshold, the memristor gets almost no overdrive, so the whole circuit switches in %s with %s (docs/neuron.md §5). Both are reported; bold rows are ours.",
					p.DevicePulse.AmplitudeV, si(p.DevicePulse.SeriesROhm, "Ω"), v("device.latency_s"), v("device.energy_J"), cfg.Neuron.VDD, si(cfg.Neuron.VDD-cfg.Device.Memristor.Vth, "V"), v("neuron.latency_s"), v("neuron.energy_J")),
				strings.Join(arr, "; ") + fmt.Sprintf(". Test accuracy on the arrays: %.2f %%.", 100*e.CrossbarAccuracy),
			},
			Tables: []HTMLTable{{Header: []string{"neuron", "energy / activation", "latency", "neurons / inference", "array read time", "arrays / inference", "total / inference", "latency / inference"}, Rows: erows, Emphasis: em}}}
		cmd := s.Command
		sec.Figures = append(sec.Figures,
			fig("eact", "Energy", "Energy per activation: ours against the paper and Table 1's alternatives", "energy/energy_per_activation.png",
				"mReLU 0.5 pJ; Mott VO2 ReLU 199.5 pJ (~400x); analog CMOS sigmoid 3410 pJ",
				fmt.Sprintf("device level %s, circuit level %s", v("device.energy_J"), v("neuron.energy_J")), cmd, "energy/energy.csv", "energy/energy.json"),
			fig("einf", "Energy", "Energy per inference: neurons alone and with the crossbar arrays", "energy/energy_per_inference.png",
				"– (per activation only)",
				fmt.Sprintf("device level %s, circuit level %s per inference", v("energy.device.total_per_inference_J"), v("energy.circuit.total_per_inference_J")), cmd, "energy/energy.csv", "energy/energy_arrays.csv"))
		page.Sections = append(page.Sections, sec)
	}

	// Timing
	var trows [][]string
	keys := make([]string, 0, len(r.Seconds))
	for k := range r.Seconds {
		keys = append(keys, k)
	}
	order := map[string]int{}
	for i, st := range experiment.PaperStages {
		order[st.Key] = i
	}
	sort.Slice(keys, func(a, b int) bool { return order[keys[a]] < order[keys[b]] })
	for _, k := range keys {
		title := k
		for _, st := range experiment.PaperStages {
			if st.Key == k {
				title = st.Title
			}
		}
		trows = append(trows, []string{k + "/", title, fmt.Sprintf("%.2f s", r.Seconds[k])})
	}
	trows = append(trows, []string{"", "all experiments", fmt.Sprintf("%.2f s", r.Total)})
	page.Sections = append(page.Sections, HTMLSection{ID: "timing", Title: "Run time and files",
		Intro:  []string{"Each folder holds the CSV of every plotted series, PNG and SVG of every figure, a JSON summary and params.json; summary.json holds every number of this page."},
		Tables: []HTMLTable{{Header: []string{"folder", "stage", "wall time"}, Rows: trows}}})
	return page, figs
}

func finalLosses(f Fig4Summary) string {
	var a []string
	for _, r := range f.Runs {
		if n := len(r.NormLossPerEpoch); n > 0 && !strings.Contains(r.Folder, "var") {
			a = append(a, fmt.Sprintf("%s %.3f", strings.TrimPrefix(r.Folder, "runs/"), r.NormLossPerEpoch[n-1]))
		}
	}
	return "final normalised loss: " + strings.Join(a, ", ")
}

// saturationText lists the final epoch's saturated fraction per hidden
// layer of each bounded run ("" when none reports it).
func saturationText(f Fig4Summary) string {
	var a []string
	for _, r := range f.Runs {
		if len(r.SaturatedFractionPerLayer) == 0 {
			continue
		}
		var l []string
		for _, e := range r.SaturatedFractionPerLayer {
			if len(e) > 0 {
				l = append(l, fmt.Sprintf("%.1f %%", 100*e[len(e)-1]))
			}
		}
		a = append(a, fmt.Sprintf("%s: %s", strings.TrimPrefix(r.Folder, "runs/"), strings.Join(l, " / ")))
	}
	if len(a) == 0 {
		return ""
	}
	return "final epoch, layers 1 / 2 / 3: " + strings.Join(a, "; ")
}

func sweepText(f Fig4Summary) string {
	var a []string
	for _, p := range f.Sweep {
		a = append(a, fmt.Sprintf("%g %%: %.2f %%", 100*p.Variation, 100*p.TestAccuracy))
	}
	return strings.Join(a, ", ")
}

// writePaperParts writes each part of r that was run into its folder (in
// parallel, the parts go to different folders and fill different fields of
// s) and fills s.Parts.
func writePaperParts(dir string, r *experiment.PaperResult, s *PaperSummary, logf func(string, ...any)) error {
	sub := func(parts ...string) (string, error) {
		d := filepath.Join(append([]string{dir}, parts...)...)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return d, fmt.Errorf("report: %w", err)
		}
		return d, nil
	}
	type step struct {
		key string
		fn  func(d string) error
	}
	steps := []step{
		{"device/iv", func(d string) (err error) { s.Parts.DeviceIV, err = WriteDeviceIV(d, r.IV, true); return }},
		{"device/sweep", func(d string) (err error) { s.Parts.DeviceSweep, err = WriteDeviceSweep(d, r.Sweep, true); return }},
		{"device/pulse", func(d string) (err error) { s.Parts.DevicePulse, err = WriteDevicePulse(d, r.Pulse, true); return }},
		{"device/tft", func(d string) (err error) { s.Parts.DeviceTFT, err = WriteDeviceTFT(d, r.TFT, true); return }},
		{"neuron/transfer", func(d string) (err error) { s.Parts.Transfer, err = WriteNeuronTransfer(d, r.Transfer, true); return }},
		{"neuron/pulse", func(d string) (err error) {
			s.Parts.NeuronPulse, err = WriteNeuronPulse(d, r.NeuronPulse, true)
			return
		}},
		{"neuron/spice", func(d string) (err error) { s.Parts.Spice, err = WriteNeuronSpice(d, r.Spice, true); return }},
		{"neuron/montecarlo", func(d string) (err error) {
			s.Parts.MonteCarlo, err = WriteNeuronMonteCarlo(d, r.MonteCarlo, true)
			return
		}},
		{"neuron/montecarlo-trim", func(d string) (err error) {
			s.Parts.MonteCarloTrim, err = WriteNeuronMonteCarlo(d, r.MonteCarloTrim, true)
			return
		}},
		{"fig4", func(d string) (err error) { s.Parts.Fig4, err = WriteFig4(d, r.Fig4, true); return }},
		{"edges", func(d string) (err error) { s.Parts.Edges, err = WriteEdges(d, r.Edges, true); return }},
		{"edges/variation", func(d string) (err error) {
			if r.EdgesVaried == nil {
				return nil
			}
			s.Parts.EdgesVaried, err = WriteEdges(d, r.EdgesVaried, true)
			return
		}},
		{"energy", func(d string) (err error) { s.Parts.Energy, err = WriteEnergy(d, r.Energy); return }},
		{"table1", func(d string) error { return WriteTable1(d, r.Table1) }},
	}
	// The parts go to different folders and fill different fields of s,
	// so they are written in parallel (plots dominate), the largest first.
	var todo []step
	for _, st := range steps {
		if st.key == "edges/variation" && r.EdgesVaried == nil {
			continue
		}
		if !paperHas(r, st.key) {
			continue // not run: the run failed before it
		}
		if _, err := sub(strings.Split(st.key, "/")...); err != nil {
			return err
		}
		todo = append(todo, st)
	}
	heavy := map[string]int{"fig4": 0, "edges": 1, "edges/variation": 2, "device/pulse": 3}
	sort.SliceStable(todo, func(a, b int) bool {
		ha, oka := heavy[todo[a].key]
		hb, okb := heavy[todo[b].key]
		return oka && (!okb || ha < hb)
	})
	errs := make([]error, len(todo))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), 4) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= len(todo) {
					return
				}
				st := todo[k]
				t := time.Now()
				if err := st.fn(filepath.Join(dir, filepath.FromSlash(st.key))); err != nil {
					errs[k] = fmt.Errorf("report: paper: %s: %w", st.key, err)
					continue
				}
				logf("wrote %s (%.1f s)", st.key+"/", time.Since(t).Seconds())
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// paperHas reports whether the part key of r was run (a failed run has the
// parts before its failed stage).
func paperHas(r *experiment.PaperResult, key string) bool {
	switch key {
	case "device/iv":
		return r.IV != nil
	case "device/sweep":
		return r.Sweep != nil
	case "device/pulse":
		return r.Pulse != nil
	case "device/tft":
		return r.TFT != nil
	case "neuron/transfer":
		return r.Transfer != nil
	case "neuron/pulse":
		return r.NeuronPulse != nil
	case "neuron/spice":
		return r.Spice != nil
	case "neuron/montecarlo":
		return r.MonteCarlo != nil
	case "neuron/montecarlo-trim":
		return r.MonteCarloTrim != nil
	case "fig4":
		return r.Fig4 != nil
	case "edges":
		return r.Edges != nil
	case "edges/variation":
		return r.EdgesVaried != nil
	case "energy", "table1":
		return r.Energy != nil
	}
	return false
}

// writePaperParams writes params.json and device_params.json: the
// parameters used, readable back by --params.
func writePaperParams(dir string, r *experiment.PaperResult, opt PaperOptions) error {
	cfg := r.Config
	pf := paperParamsFile{Memristor: cfg.Device.Memristor, TFT: cfg.Device.TFT, Neuron: cfg.Neuron}
	pf.Settings.Command, pf.Settings.Config = opt.Command, cfg
	if err := WriteJSON(filepath.Join(dir, "params.json"), pf); err != nil {
		return err
	}
	dp := cfg.Device
	dp.Settings = nil
	return WriteJSON(filepath.Join(dir, "device_params.json"), dp)
}

// PaperPartial is partial.json of a paper run that failed at one stage:
// the stages written, the failed one and its error, the ones not run.
type PaperPartial struct {
	Command   string   `json:"command"`
	Failed    string   `json:"failed_stage"`
	Title     string   `json:"failed_title"`
	Step      int      `json:"failed_step"` // 1-based, of Steps
	Steps     int      `json:"steps"`
	Error     string   `json:"error"`
	Completed []string `json:"completed"` // stage folders written
	NotRun    []string `json:"not_run"`
	Note      string   `json:"note"`
}

// WritePaperPartial writes what a failed paper run completed: each part
// run before the failed stage r.Failed into its folder, params.json,
// device_params.json, partial.json (which stage failed, why, what was
// kept, what was not run) and a report.html that marks the failed stage
// and shows the completed stages' figures. No summary.json: its numbers
// would be incomplete.
func WritePaperPartial(dir string, r *experiment.PaperResult, cause error, opt PaperOptions) (*PaperPartial, error) {
	var logMu sync.Mutex
	logf := func(format string, args ...any) {
		if opt.Log != nil {
			logMu.Lock()
			opt.Log(format, args...)
			logMu.Unlock()
		}
	}
	p := &PaperPartial{Command: opt.Command, Failed: r.Failed, Steps: len(experiment.PaperStages), Completed: []string{}, NotRun: []string{},
		Note: "the run stopped at the failed stage; the folders of the completed stages hold their data, plots and params.json; summary.json and the full report are written only by a complete run"}
	if cause != nil {
		p.Error = cause.Error()
	}
	failed := false
	for k, st := range experiment.PaperStages {
		switch {
		case st.Key == r.Failed:
			p.Title, p.Step, failed = st.Title, k+1, true
		case failed:
			p.NotRun = append(p.NotRun, st.Key)
		case paperHas(r, st.Key):
			p.Completed = append(p.Completed, st.Key)
		}
	}
	s := &PaperSummary{}
	if err := writePaperParts(dir, r, s, logf); err != nil {
		return p, err
	}
	if err := writePaperParams(dir, r, opt); err != nil {
		return p, err
	}
	if err := WriteJSON(filepath.Join(dir, "partial.json"), p); err != nil {
		return p, err
	}
	return p, WriteHTML(filepath.Join(dir, "report.html"), partialPage(dir, p))
}

// partialPage is report.html of a failed run: the failed part marked, the
// status of every stage, and the figures of the completed ones.
func partialPage(dir string, p *PaperPartial) HTMLPage {
	page := HTMLPage{Title: "mrelu paper: incomplete run",
		Subtitle: fmt.Sprintf("step %d of %d (%s) failed; the stages before it are kept", p.Step, p.Steps, p.Failed),
		Meta:     []HTMLMeta{{Key: "command", Value: p.Command, Code: true}},
		Notices:  []string{fmt.Sprintf("FAILED at step %d/%d, %s (%s): %s", p.Step, p.Steps, p.Failed, p.Title, p.Error), p.Note},
		Footer:   "partial.json holds the same in JSON."}
	status := HTMLTable{Caption: "stages", Header: []string{"step", "stage", "status"}}
	for k, st := range experiment.PaperStages {
		v := "not run"
		switch {
		case st.Key == p.Failed:
			v = "FAILED: " + p.Error
		case slices.Contains(p.Completed, st.Key):
			v = "done (" + st.Key + "/)"
		}
		status.Rows = append(status.Rows, []string{fmt.Sprint(k + 1), st.Title, v})
		status.Emphasis = append(status.Emphasis, st.Key == p.Failed)
	}
	page.Sections = append(page.Sections, HTMLSection{ID: "stages", Title: "Stages", Tables: []HTMLTable{status}})
	for _, key := range p.Completed {
		pngs, _ := filepath.Glob(filepath.Join(dir, filepath.FromSlash(key), "*.png"))
		sort.Strings(pngs)
		sec := HTMLSection{ID: strings.ReplaceAll(key, "/", "-"), Title: key}
		for _, f := range pngs[:min(len(pngs), 3)] {
			rel, err := filepath.Rel(dir, f)
			if err != nil {
				continue
			}
			rel = filepath.ToSlash(rel)
			sec.Figures = append(sec.Figures, HTMLFigure{ID: strings.NewReplacer("/", "-", ".", "-").Replace(rel), Title: rel, Image: rel,
				SVG: strings.TrimSuffix(rel, ".png") + ".svg"})
		}
		if len(sec.Figures) > 0 {
			page.Sections = append(page.Sections, sec)
		}
	}
	return page
}
