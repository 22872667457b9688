package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/nn"
)

// PaperValue is one headline number: ours beside the paper's.
type PaperValue struct {
	Key      string `json:"key"`
	Figure   string `json:"figure"`
	Quantity string `json:"quantity"`
	Unit     string `json:"unit"`
	Ours     Num    `json:"ours"`
	OursText string `json:"ours_text"`
	// Paper is the paper's number (nil where it gives none); PaperText
	// what it says.
	Paper     *float64 `json:"paper"`
	PaperText string   `json:"paper_text"`
	// Source is the file (under the output folder) the number comes from.
	Source string `json:"source"`
	// Default is the default device's number (only in a run with another
	// device, for the device and neuron quantities; its files are under
	// default/), DefaultText as shown.
	Default     *Num   `json:"default,omitempty"`
	DefaultText string `json:"default_text,omitempty"`
}

func fp(v float64) *float64 { return &v }

// FormatValue formats a number of the report (a headline, a comparison)
// for its unit ("V", "A", "Ω", "s", "J", "fraction", "count", "x", ...),
// "–" for NaN: as the report shows it.
func FormatValue(v float64, unit string) string {
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
		paperText = FormatValue(*paper, unit)
	case paperText == "":
		paperText = "–"
	}
	h.v = append(h.v, PaperValue{Key: key, Figure: fig, Quantity: qty, Unit: unit, Ours: Num(ours),
		OursText: FormatValue(ours, unit), Paper: paper, PaperText: paperText, Source: source})
}

// text sets the ours text of the last value.
func (h *headlines) text(s string) { h.v[len(h.v)-1].OursText = s }

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
		if !r.Config.Fig4.IsMain(name) {
			continue
		}
		var paper *float64
		if v, ok := experiment.Fig4Paper[name]; ok {
			paper = fp(v)
		}
		label := name
		if k, _ := nn.LookupActivation(name); k.Noisy {
			label = fmt.Sprintf("%s, %.1f %% temporal variation", name, 100*run.Variation)
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
		if !r.Config.Fig4.IsMain(name) {
			continue
		}
		pt := "–"
		if k, _ := nn.LookupActivation(name); k.VanishingGradient {
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
				h.add("edges.vout_max_V."+f.Name, "Fig. 5", "largest Vout, "+f.Name, "V", float64(f.VoutMax), nil, "bounded by "+experiment.PaperVDDText, e.src)
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
			who := map[string]string{"paper": "the paper's neuron (" + experiment.PaperEnergyText + ", " + experiment.PaperLatencyText + ")", "device": "our device-level neuron", "circuit": "our 2T-1M circuit (VDD + input)",
				"circuit-memristor": "the memristor in our 2T-1M circuit", "circuit-quasistatic": "the memristor in our 2T-1M circuit without parasitics"}[sc.Name]
			h.add("energy."+sc.Name+".neurons_per_inference_J", "energy", fmt.Sprintf("%d hidden neurons per inference, %s", sc.Neurons, who), "J", sc.NeuronsEnergy, paperN, pt, src)
			h.add("energy."+sc.Name+".crossbar_per_inference_J", "energy", fmt.Sprintf("crossbar read energy per inference, arrays read %s each (%s)", experiment.FormatTime(sc.ReadTime), who), "J", sc.Crossbar, nil, pt, src)
			h.add("energy."+sc.Name+".total_per_inference_J", "energy", "energy per inference, neurons + arrays, "+who, "J", sc.Total, nil, pt, src)
			h.add("energy."+sc.Name+".latency_per_inference_s", "energy", fmt.Sprintf("latency per inference (%d arrays × read time), %s", e.Arrays, who), "s", sc.Latency, nil, "–", src)
		}
		for _, a := range e.Alternatives {
			switch {
			case strings.Contains(a.Name, "VO2"):
				h.add("energy.ratio_vo2_over_ours", "text", "Mott VO2 ReLU ("+experiment.PaperMottEText+") / our device-level energy per activation", "x", a.RatioToOurs, fp(a.PaperRatio()), experiment.PaperMottText+" ("+experiment.PaperMottEText+" / "+experiment.PaperEnergyText+")", src)
				h.add("energy.ratio_vo2_over_circuit_quasistatic", "text", "Mott VO2 ReLU / the memristor's energy per activation in our circuit without parasitics", "x", a.RatioToCircuitQuasiStatic, fp(a.PaperRatio()), experiment.PaperMottText, src)
				h.add("energy.ratio_vo2_over_circuit_memristor", "text", "Mott VO2 ReLU / the memristor's energy per activation in our circuit with parasitics", "x", a.RatioToCircuitMemristor, fp(a.PaperRatio()), experiment.PaperMottText, src)
				h.add("energy.ratio_vo2_over_circuit_total", "text", "Mott VO2 ReLU / our whole circuit's energy per activation (VDD + input)", "x", a.RatioToCircuit, fp(a.PaperRatio()), experiment.PaperMottText, src)
			case strings.Contains(a.Name, "CMOS"):
				h.add("energy.ratio_cmos_over_ours", "Table 1", "analog CMOS sigmoid ("+experiment.PaperCMOSEText+") / our device-level energy per activation", "x", a.RatioToOurs, fp(a.PaperRatio()), experiment.PaperCMOSText+" ("+experiment.PaperCMOSEText+" / "+experiment.PaperEnergyText+")", src)
				h.add("energy.ratio_cmos_over_circuit_quasistatic", "Table 1", "analog CMOS sigmoid / the memristor's energy per activation in our circuit without parasitics", "x", a.RatioToCircuitQuasiStatic, fp(a.PaperRatio()), experiment.PaperCMOSText, src)
				h.add("energy.ratio_cmos_over_circuit_memristor", "Table 1", "analog CMOS sigmoid / the memristor's energy per activation in our circuit with parasitics", "x", a.RatioToCircuitMemristor, fp(a.PaperRatio()), experiment.PaperCMOSText, src)
				h.add("energy.ratio_cmos_over_circuit_total", "Table 1", "analog CMOS sigmoid / our whole circuit's energy per activation (VDD + input)", "x", a.RatioToCircuit, fp(a.PaperRatio()), experiment.PaperCMOSText, src)
			}
		}
		h.add("energy.crossbar_accuracy", "Fig. 4 (arrays)", fmt.Sprintf("test accuracy of the %s network on crossbar arrays (%d images)", e.Run, e.Images), "fraction", e.CrossbarAccuracy, nil, "–", src)
	}
	return h.v
}
