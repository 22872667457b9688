package report

import (
	"fmt"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/neuron"
)

// calibrationText is the caption of the latency-versus-amplitude figure:
// the amplitude of 650 ns and how the run's pulse amplitude relates to it.
func calibrationText(cfg experiment.PaperConfig, pu DevicePulseSummary) string {
	at := si(float64(pu.AmplitudeForPaperLatencyV), "V")
	if experiment.IsDefaultSetup(cfg.Device, cfg.Neuron) {
		return fmt.Sprintf("%s at %s; the default %g V is that calibration; energy_vs_amplitude.png shows the energy stays below the paper's %s wherever the latency is %s or less", experiment.PaperLatencyText, at, pu.AmplitudeV, experiment.PaperEnergyText, experiment.PaperLatencyText)
	}
	return fmt.Sprintf("this device reaches %s at %s; the %g V pulse of Fig. 3f is the default device's calibration to %s; energy_vs_amplitude.png shows this device's energy against the amplitude", experiment.PaperLatencyText, at, pu.AmplitudeV, experiment.PaperLatencyText)
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

// neuronInputCaption summarises the hidden-layer input currents of a run.
func neuronInputCaption(r *experiment.Fig4Result, name string) string {
	var parts []string
	for l, st := range r.InputCurrents(name) {
		parts = append(parts, fmt.Sprintf("layer %d: rms %.2g µA, %.1f %% within ±10 µA", l+1, 1e6*st.RMS, 100*float64(st.Within10uA)/float64(st.N)))
	}
	return strings.Join(parts, "; ")
}

// paperPage lays the report out like the paper's figures and returns it
// with the list of embedded figures.
// paperPage lays the report out like the paper's figures and returns it
// with the list of embedded figures: the header, then one section per
// builder below, in the paper's order.
func paperPage(r *experiment.PaperResult, s *PaperSummary, c paperCommands) (HTMLPage, []string) {
	b := &paperPageBuilder{r: r, s: s, c: c}
	page := b.header()
	for _, section := range []func(*HTMLPage){b.summary, b.device, b.neuron, b.fig4, b.fig5, b.table1, b.energy, b.cnn, b.timing} {
		section(&page)
	}
	return page, b.figs
}

// paperPageBuilder builds the sections of report.html from a run and its
// summary, collecting the embedded figures.
type paperPageBuilder struct {
	r    *experiment.PaperResult
	s    *PaperSummary
	c    paperCommands
	figs []string
}

// v is the text of headline key ("–" if absent).
func (b *paperPageBuilder) v(key string) string {
	if x := b.s.Value(key); x != nil {
		return x.OursText
	}
	return "–"
}

// fig is one embedded figure: its image, the paper's and our statement,
// the command that makes it and its data files.
func (b *paperPageBuilder) fig(id, label, title, img, paper, ours, cmd string, data ...string) HTMLFigure {
	b.figs = append(b.figs, img)
	return HTMLFigure{ID: id, Label: label, Title: title, Image: img, SVG: strings.TrimSuffix(img, ".png") + ".svg",
		Paper: paper, Ours: ours, Command: cmd, Data: data}
}

// header is the page's title, metadata and notices.
func (b *paperPageBuilder) header() HTMLPage {
	r, s, cfg := b.r, b.s, b.r.Config
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

	return page
}

// summary is the table of every headline number: paper versus ours.
func (b *paperPageBuilder) summary(page *HTMLPage) {
	r, s, cfg := b.r, b.s, b.r.Config
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
}

// device is Fig. 1 and 3: the memristor.
func (b *paperPageBuilder) device(page *HTMLPage) {
	c, cfg, p, v, fig, seed := b.c, b.r.Config, &b.s.Parts, b.v, b.fig, "--seed "+b.c.seed
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
			experiment.PaperLatencyText+" from pulse to saturated output; "+experiment.PaperEnergyText+" per activation",
			fmt.Sprintf("latency %s, energy %s (%g V through %s)", v("device.latency_s"), v("device.energy_J"), pu.AmplitudeV, si(pu.SeriesROhm, "Ω")),
			c.device("pulse", seed), "device/pulse/single_pulse.csv", "device/pulse/pulse.json"),
		fig("fig3famp", "Fig. 3f", "Latency against the pulse amplitude (the paper does not state it)", "device/pulse/latency_vs_amplitude.png",
			experiment.PaperLatencyText+" and "+experiment.PaperEnergyText+" at an unstated amplitude",
			calibrationText(cfg, pu),
			c.device("pulse", seed), "device/pulse/latency_vs_amplitude.csv", "device/pulse/energy_vs_amplitude.png"),
		fig("relax", "Fig. 1f, 3d", "Relaxation after the pulse (volatility)", "device/pulse/relaxation.png",
			"volatile: the device returns to its insulating state when the drive is removed",
			fmt.Sprintf("back within 10 %% of the insulating resistance after %s", v("device.relaxation_s")),
			c.device("pulse", seed), "device/pulse/relaxation.csv"),
		fig("figs5", "Fig. S5", "a-IGZO TFTs: transfer curves of the sampled devices", "device/tft/tft_transfer_devices.png",
			fmt.Sprintf("threshold voltage spread %s over %d TFTs", experiment.PaperTFTText, experiment.PaperTFTCount),
			fmt.Sprintf("σ(Vth) = %s over %d sampled TFTs (nominal Vth %.2f V)", v("device.tft_vth_sigma_V"), tft.Devices, tft.NominalVthV),
			c.device("tft", seed), "device/tft/tft_transfer.csv", "device/tft/tft_vth.csv", "device/tft/tft.json"),
	)
	page.Sections = append(page.Sections, dev)
}

// neuron is Fig. 3i: the 2T-1M circuit, its SPICE check and Monte Carlo.
func (b *paperPageBuilder) neuron(page *HTMLPage) {
	r, c, cfg, p, v, fig, seed := b.r, b.c, b.r.Config, &b.s.Parts, b.v, b.fig, "--seed "+b.c.seed
	tr, np := p.Transfer, p.NeuronPulse
	neu := HTMLSection{ID: "neuron", Title: "Fig. 3i: the 2T-1M mReLU neuron",
		Intro: []string{"The neuron circuit solved by our MNA solver (docs/neuron.md): a current mirror copies the column current into the output TFT, which sinks it through the memristor from VDD; Vout = VDD − v_mem rises linearly with the current. " +
			fmt.Sprintf("Its DC behaviour is the paper's ReLU. Its switching in the circuit is slower and costs more than the device-level pulse of Fig. 3f, because at VDD = %g V, only %s above the memristor's threshold Vth = %g V, the memristor gets almost no overdrive (docs/neuron.md, section 5): both are reported.",
				cfg.Neuron.VDD, si(cfg.Neuron.VDD-cfg.Device.Memristor.Vth, "V"), cfg.Device.Memristor.Vth)}}
	neu.Figures = append(neu.Figures,
		fig("fig3i", "Fig. 3i", "Transfer curve: Vout/VDD against the mirror current", "neuron/transfer/transfer.png",
			"0 for negative input, linear rise with the mirror current, bounded by "+experiment.PaperVDDText+"; SPICE and measurement agree",
			fmt.Sprintf("off level %s, threshold %s, 90 %% VDD at %s, slope %s, R² %.5f, max %s", v("neuron.off_level_V"), v("neuron.threshold_current_A"), v("neuron.i90_A"), v("neuron.slope_V_per_A"), float64(tr.R2), v("neuron.max_vout_V")),
			c.neuron("transfer", "transfer", ""), "neuron/transfer/transfer.csv", "neuron/transfer/transfer_detail.csv", "neuron/transfer/transfer.json"),
		fig("npulse", "Fig. 3f (circuit)", "The whole neuron's activation transient", "neuron/pulse/pulse.png",
			experiment.PaperPulseText+" per activation (device-level pulse)",
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
}

// fig4 is Fig. 4: the network on MNIST.
func (b *paperPageBuilder) fig4(page *HTMLPage) {
	r, c, cfg, p, v, fig := b.r, b.c, b.r.Config, &b.s.Parts, b.v, b.fig
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
		if fc.IsMain(strings.TrimPrefix(run.Folder, "runs/")) {
			ratio = append(ratio, fmt.Sprintf("%s %.3f", strings.TrimPrefix(run.Folder, "runs/"), run.UpdateRatioEpoch1))
			ratioFinal = append(ratioFinal, fmt.Sprintf("%s %.3f", strings.TrimPrefix(run.Folder, "runs/"), run.UpdateRatioFinal))
		}
	}
	f4c := fig("fig4c", "Fig. 4c", "Test accuracy per epoch, and a zoom on the last epochs", "fig4/fig4c_accuracy.png",
		fmt.Sprintf("sigmoid %s, ReLU %s, mReLU with %s variation %s", experiment.PaperSigmoidText, experiment.PaperReLUText, experiment.PaperVarText, experiment.PaperMReLUText), acc, fig4Cmd, "fig4/fig4_metrics.csv", "fig4/summary.json")
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
			experiment.PaperMReLUText+" at "+experiment.PaperVarText+" variation (ideal mReLU: no variation)", sweepText(f4), fig4Cmd, "fig4/fig4_variation.csv"),
	)
	if t := saturationText(f4); t != "" {
		sys.Figures = append(sys.Figures, fig("fig4j", "Fig. 4 (ours)", "Neuron inputs at or above 90 % of VDD, per hidden layer and epoch (the bound made visible)", "fig4/fig4j_saturation.png",
			"–", t, fig4Cmd, "fig4/fig4_saturation.csv"))
	}
	for k := range sys.Figures {
		sys.Figures[k].Note = fig4Note
	}
	page.Sections = append(page.Sections, sys)
}

// fig5 is Fig. 5: edge detection.
func (b *paperPageBuilder) fig5(page *HTMLPage) {
	c, cfg, p, fig := b.c, b.r.Config, &b.s.Parts, b.fig
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
			fmt.Sprintf("vertical and lateral edges of the image as output voltages, rectified and bounded by %g V", experiment.PaperVDD),
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
}

// table1 is Table 1 with our row.
func (b *paperPageBuilder) table1(page *HTMLPage) {
	r := b.r
	page.Sections = append(page.Sections, HTMLSection{ID: "table1", Title: "Table 1: analog neurons compared",
		Intro: []string{"The paper's table with our row computed by this run (highlighted): structure from the circuit, model from the solved transfer curve, energy from the device-level pulse and from the circuit transient. Files: table1/table1.csv, table1/table1.json, table1/table1.html."},
		Raw:   Table1HTML(r.Table1)})
}

// energy is the energy and latency per activation and per inference.
func (b *paperPageBuilder) energy(page *HTMLPage) {
	s, cfg, p, v, fig := b.s, b.r.Config, &b.s.Parts, b.v, b.fig
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
				fmt.Sprintf("Device level: the memristor alone under a %g V pulse through %s: latency %s, energy %s (the paper: %s). Circuit level: in the 2T-1M neuron at VDD = %g V, %s above the memristor's threshold, the memristor gets almost no overdrive, so the whole circuit switches in %s with %s (docs/neuron.md §5). Both are reported; bold rows are ours.",
					p.DevicePulse.AmplitudeV, si(p.DevicePulse.SeriesROhm, "Ω"), v("device.latency_s"), v("device.energy_J"), experiment.PaperPulseText, cfg.Neuron.VDD, si(cfg.Neuron.VDD-cfg.Device.Memristor.Vth, "V"), v("neuron.latency_s"), v("neuron.energy_J")),
				strings.Join(arr, "; ") + fmt.Sprintf(". Test accuracy on the arrays: %.2f %%.", 100*e.CrossbarAccuracy),
			},
			Tables: []HTMLTable{{Header: []string{"neuron", "energy / activation", "latency", "neurons / inference", "array read time", "arrays / inference", "total / inference", "latency / inference"}, Rows: erows, Emphasis: em}}}
		cmd := s.Command
		sec.Figures = append(sec.Figures,
			fig("eact", "Energy", "Energy per activation: ours against the paper and Table 1's alternatives", "energy/energy_per_activation.png",
				fmt.Sprintf("mReLU %s; Mott VO2 ReLU %s (%s); analog CMOS sigmoid %s", experiment.PaperEnergyText, experiment.PaperMottEText, experiment.PaperMottText, experiment.PaperCMOSEText),
				fmt.Sprintf("device level %s, circuit level %s", v("device.energy_J"), v("neuron.energy_J")), cmd, "energy/energy.csv", "energy/energy.json"),
			fig("einf", "Energy", "Energy per inference: neurons alone and with the crossbar arrays", "energy/energy_per_inference.png",
				"– (per activation only)",
				fmt.Sprintf("device level %s, circuit level %s per inference", v("energy.device.total_per_inference_J"), v("energy.circuit.total_per_inference_J")), cmd, "energy/energy.csv", "energy/energy_arrays.csv"))
		page.Sections = append(page.Sections, sec)
	}
}

// timing is the run time per stage.
func (b *paperPageBuilder) timing(page *HTMLPage) {
	r := b.r
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
