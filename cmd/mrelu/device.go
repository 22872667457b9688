package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/internal/quantity"
	"github.com/mrelu/mrelu/neuron"
	"github.com/mrelu/mrelu/params"
	"github.com/mrelu/mrelu/report"
)

func init() {
	registerGroup("device", "simulated device measurements: iv, sweep, pulse, tft, fit, tabulate (Fig. 1f, 1h, 3a-f, S5)", deviceIntro, deviceNotes)
}

const deviceIntro = `Simulated measurements of the volatile Cu memristor and the a-IGZO TFT of the mReLU neuron,
and a fit of the memristor model to measured data. Each writes CSV, JSON and PNG/SVG files
and params.json (device parameters and settings used) into --out.`

const deviceNotes = `Every sub-command takes --out DIR, --force, --plots and --params FILE (device parameters as JSON,
replacing the built-in defaults; the params.json of any run is accepted); iv, pulse and
tft take --seed N. Run 'mrelu device <sub-command> --help' for the flags.

Example:
  mrelu device iv --cycles 200 --out runs/iv`

// addDeviceCommon defines the flags every device sub-command takes.
func addDeviceCommon(fs *flag.FlagSet, name, kind string, withSeed bool) *commonFlags {
	return addCommonFlags(fs, name, kind, withSeed, "random `N` seeding the cycle-to-cycle or device-to-device variation")
}

// deviceParams returns the --params file, or the defaults.
func (c *commonFlags) deviceParams() (device.Params, error) {
	if *c.params == "" {
		return device.DefaultParams(), nil
	}
	p, err := loadDeviceParams(*c.params)
	if err != nil {
		return p, c.paramsError(err)
	}
	return p, nil
}

// deviceRun checks cfg (an invalid one is a usage error), reads --params,
// creates --out, runs the experiment exp on the device with --seed (0
// where the sub-command takes none) and writes its files with write; it
// returns their summary and the folder.
func deviceRun[C validator, R, S any](c *commonFlags, cfg C, exp func(device.Params, C, uint64) (R, error), write func(string, R, bool) (S, error)) (s S, dir string, err error) {
	var p device.Params
	dir, err = c.setup(cfg.Validate(), func() (err error) {
		p, err = c.deviceParams()
		return err
	})
	if err == nil {
		_, s, err = produce(func() (R, error) { return exp(p, cfg, c.seedValue()) }, write, dir, *c.plots)
	}
	return s, dir, err
}

// noSeed adapts an experiment that takes no seed to deviceRun.
func noSeed[C, R any](exp func(device.Params, C) (R, error)) func(device.Params, C, uint64) (R, error) {
	return func(p device.Params, cfg C, _ uint64) (R, error) { return exp(p, cfg) }
}

// measuredFlags are the flags of the sub-commands that read measured data
// (fit, tabulate): --data and the common flags.
type measuredFlags struct {
	*commonFlags
	data *string
}

// addMeasuredFlags defines --data and the common flags, with paramsUsage
// the usage text of --params.
func addMeasuredFlags(fs *flag.FlagSet, name, kind, paramsUsage string) measuredFlags {
	m := measuredFlags{commonFlags: addDeviceCommon(fs, name, kind, false),
		data: fs.String("data", "", "measured data CSV `FILE` (columns i_A,r_ohm or v_V,i_A); required")}
	fs.Lookup("params").Usage = paramsUsage
	return m
}

// requireData refuses a command line without --data (a usage error).
func (m measuredFlags) requireData() error {
	if *m.data == "" {
		return usagef("%s: --data FILE.csv is required (columns i_A,r_ohm or v_V,i_A)", m.name)
	}
	return nil
}

// load reads the device parameters of --params (the start) and the
// measured points of --data.
func (m measuredFlags) load() (device.Params, []device.RIPoint, error) {
	start, err := m.deviceParams()
	if err != nil {
		return start, nil, err
	}
	pts, err := experiment.LoadRIData(*m.data)
	if err != nil {
		return start, nil, fmt.Errorf("%s: %w", m.name, err)
	}
	return start, pts, nil
}

// loadDeviceParams reads the device part of a parameter file through the
// one codec, params.Load: any run's params.json is accepted (its "neuron"
// and "settings" are not used by the device commands).
func loadDeviceParams(path string) (device.Params, error) {
	s, err := params.Load(path)
	return s.Device, err
}

// readParamsFile reads a parameter file of at most device.MaxParamsBytes,
// the limit every parameter loader shares ("params file X is larger than
// 1 MiB (the limit for a parameter file)").
func readParamsFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return device.ReadParamsData(f, path)
}

// ---------------------------------------------------------------------------

func runDeviceIV(args []string, stdout, stderr io.Writer) error {
	def := experiment.DefaultDeviceIVConfig()
	fs := newFlags("device iv", "Bidirectional DC voltage sweeps 0 -> vmax -> 0 with a current compliance, repeated --cycles\ntimes with cycle-to-cycle variation, then one 0 -> vneg -> 0 sweep (paper Fig. 1f, 3a, 3b).\nWrites iv.csv, set_hold.csv, iv_summary.json, iv.png/.svg, set_hold_cdf.png/.svg, params.json.",
		"mrelu device iv --cycles 200 --icc 1e-6 --seed 1 --out runs/iv", stdout)
	cycles := fs.Int("cycles", def.Cycles, "number of positive sweep cycles")
	icc := quantity.Float(fs, "icc", def.Icc, quantity.Ampere, "current compliance in `A`")
	vmax := quantity.Float(fs, "vmax", def.VMax, quantity.Volt, "turning point of the positive sweeps in `V`")
	vneg := quantity.Float(fs, "vneg", def.VNeg, quantity.Volt, "turning point of the negative sweep in `V` (<= 0)")
	step := quantity.Float(fs, "step", def.Step, quantity.Volt, "voltage step in `V`")
	dwell := quantity.Float(fs, "dwell", def.Dwell, quantity.Second, "time per step in `s`")
	variation := addCycleVariationFlags(fs, "cycle-to-cycle")
	com := addDeviceCommon(fs, "device iv", "device-iv", true)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg := def
	cfg.Cycles, cfg.Icc, cfg.VMax, cfg.VNeg, cfg.Step, cfg.Dwell = *cycles, *icc, *vmax, *vneg, *step, *dwell
	if err := variation.apply(&cfg.Variation, "device iv", stderr); err != nil {
		return err
	}
	s, dir, err := deviceRun(com, cfg, experiment.DeviceIV, report.WriteDeviceIV)
	if err != nil {
		return err
	}
	st := func(name string, d report.DeviceStats) {
		outf(stdout, "%-4s median %.3f V  sigma %.3f V  range [%.3f, %.3f] V\n", name, float64(d.Median), float64(d.Sigma), float64(d.Min), float64(d.Max))
	}
	outf(stdout, "%d cycles, Icc = %g A:\n", s.Cycles, s.IccA)
	st("set", s.Set)
	st("hold", s.Hold)
	ov := "no"
	if s.Overlap {
		ov = "YES"
	}
	outf(stdout, "set > hold in %d of %d cycles; overlap %s (gap %.3f V)\n", s.SetAboveHold, s.Cycles, ov, float64(s.GapV))
	sw := "no switching"
	if s.NegativeSwitch {
		sw = "SWITCHED"
	}
	outf(stdout, "negative sweep to %g V: max |I| = %.3g A (%.2f %% of Icc), %s\n", s.NegativeVNegV, s.NegativeMaxI, 100*s.NegativeMaxIcc, sw)
	outf(stdout, "wrote %s\n", dir)
	if s.NullReason != "" {
		// Degenerate: the files are written, but the run measured nothing.
		return fmt.Errorf("device iv: %s (see %s); lower --icc or raise --vmax", s.NullReason, filepath.Join(dir, "iv_summary.json"))
	}
	return nil
}

func runDeviceSweep(args []string, stdout, stderr io.Writer) error {
	def := experiment.DefaultDeviceSweepConfig()
	fs := newFlags("device sweep", "Current-controlled steady state of the memristor from 0 to --imax: resistance and conductance\nvs current (paper Fig. 1h, 3c). Writes r_vs_i.csv (i_A,r_ohm,g_S; readable by 'device fit'),\nsweep.json, r_vs_i.png/.svg, g_vs_i.png/.svg, params.json.",
		"mrelu device sweep --imax 5e-6 --points 51 --out runs/sweep", stdout)
	imax := quantity.Float(fs, "imax", def.IMax, quantity.Ampere, "largest current in `A`")
	points := fs.Int("points", def.Points, "number of currents, equally spaced from 0 to --imax")
	com := addDeviceCommon(fs, "device sweep", "device-sweep", false)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg := experiment.DeviceSweepConfig{IMax: *imax, Points: *points}
	s, dir, err := deviceRun(com, cfg, noSeed(experiment.DeviceSweep), report.WriteDeviceSweep)
	if err != nil {
		return err
	}
	mono := "monotone"
	if !s.Monotone {
		mono = "NOT monotone"
	}
	outf(stdout, "R(0) = %.3g ohm (zero bias, relaxed)\nR(%.3g A) = %.3g ohm -> R(%.3g A) = %.3g ohm: %.2f decades, %s\n",
		s.R0Ohm, s.RFirst.IA, s.RFirst.ROhm, s.RLast.IA, s.RLast.ROhm, s.Decades, mono)
	outf(stdout, "max G = %.3g S = %.3f G0; max |v - (Vth - RD*I)| = %.3g V for I >= 0.1 uA\n", s.GMaxS, s.GMaxOver, float64(s.MaxDevV))
	outf(stdout, "wrote %s\n", dir)
	return nil
}

func runDevicePulse(args []string, stdout, stderr io.Writer) error {
	def := experiment.DefaultDevicePulseConfig()
	fs := newFlags("device pulse", "Pulse experiments on the memristor (paper Fig. 3d-f): alternating 100 nA / 1 uA current pulses\n(5 ms wide, 10 ms period); 1 ms voltage pulses of rising amplitude through 1 MOhm; one voltage\npulse resolved in time (latency, energy per activation); the relaxation after it.\nWrites pulse.json, pulse_train.csv, voltage_pulses.csv, single_pulse.csv, relaxation.csv,\nper-pulse readings, plots of each, params.json.",
		"mrelu device pulse --amplitude 2.3 --width 1e-5 --seed 1 --out runs/pulse", stdout)
	amp := quantity.Float(fs, "amplitude", def.Single.Amplitude, quantity.Volt, "single-pulse amplitude in `V`")
	width := quantity.Float(fs, "width", def.Single.Width, quantity.Second, "single-pulse width in `s`")
	seriesR := quantity.Float(fs, "series-r", def.Single.SeriesR, quantity.Ohm, "series resistor of the single pulse and the voltage pulses in `Ω`")
	span := quantity.Float(fs, "relax-span", def.Single.RelaxSpan, quantity.Second, "time followed after the set pulse in `s`")
	pulses := fs.Int("pulses", def.Train.Pulses, "current pulses in the train (alternating low/high)")
	ilow := quantity.Float(fs, "ilow", def.Train.ILow, quantity.Ampere, "low pulse current in `A`")
	ihigh := quantity.Float(fs, "ihigh", def.Train.IHigh, quantity.Ampere, "high pulse current in `A`")
	variation := addCycleVariationFlags(fs, "pulse-to-pulse")
	com := addDeviceCommon(fs, "device pulse", "device-pulse", true)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg := def
	cfg.Single.Amplitude, cfg.Single.Width, cfg.Single.SeriesR, cfg.Single.RelaxSpan = *amp, *width, *seriesR, *span
	cfg.Voltage.SeriesR = *seriesR
	cfg.Train.Pulses, cfg.Train.ILow, cfg.Train.IHigh = *pulses, *ilow, *ihigh
	if err := variation.apply(&cfg.Variation, "device pulse", stderr); err != nil {
		return err
	}
	s, dir, err := deviceRun(com, cfg, experiment.DevicePulse, report.WriteDevicePulse)
	if err != nil {
		return err
	}
	outf(stdout, "single %g V pulse through %g ohm: latency %.0f ns (paper %.0f ns), energy %.3f pJ (paper %.1f pJ), saturated %v\n",
		s.AmplitudeV, s.SeriesROhm, float64(s.LatencyS)*1e9, s.PaperLatencyS*1e9, float64(s.EnergyJ)*1e12, s.PaperEnergyJ*1e12, s.Saturated)
	if !s.Switched {
		outf(stdout, "warning: the %g V pulse did not set the device (R at its end %.3g ohm, insulating %.3g ohm); latency and relaxation describe no switching\n",
			s.AmplitudeV, s.RSetOhm, s.RInsulatingOhm)
	}
	outf(stdout, "relaxation: R back within 10 %% of %.3g ohm after %.3g ms (state 1/e time %.3g ms)\n",
		s.RInsulatingOhm, float64(s.RelaxationS)*1e3, float64(s.StateTauS)*1e3)
	for _, l := range []report.DevicePulseLevel{s.Train.Low, s.Train.High} {
		outf(stdout, "pulse train %.3g A: R median %.4g ohm, CV %.2f %%, (max-min)/median %.2f %% over %d pulses (no variation: %.2g %%)\n",
			l.CurrentA, float64(l.R.Median), 100*float64(l.CV), 100*float64(l.RelSpread), l.Pulses, 100*float64(l.NominalRelSpread))
	}
	if n := len(s.VoltagePulses); n > 0 {
		a, b := s.VoltagePulses[0], s.VoltagePulses[n-1]
		outf(stdout, "voltage pulses: R %.3g ohm at %g V -> %.3g ohm at %g V\n", float64(a.ROhm), a.AmplitudeV, float64(b.ROhm), b.AmplitudeV)
	}
	outf(stdout, "wrote %s\n", dir)
	return nil
}

func runDeviceTFT(args []string, stdout, stderr io.Writer) error {
	def := experiment.DefaultDeviceTFTConfig()
	fs := newFlags("device tft", "a-IGZO TFT characteristics: transfer curves (log Id vs Vgs at Vds = 0.1 and 2 V), output curves\n(Id vs Vds at several Vgs), and the threshold voltages of --devices sampled TFTs (paper Fig. S5:\nsigma "+experiment.PaperTFTText+"). Writes tft_transfer.csv, tft_output.csv, tft_vth.csv, tft.json, plots, params.json.",
		"mrelu device tft --devices 20 --seed 1 --out runs/tft", stdout)
	devices := fs.Int("devices", def.Devices, "number of sampled TFTs")
	sigma := quantity.Float(fs, "tft-vth-sigma", def.Variation.TFTVthSigma, quantity.Volt, "device-to-device threshold sigma in `V`")
	deprecate(fs, "vth-sigma", "tft-vth-sigma")
	com := addDeviceCommon(fs, "device tft", "device-tft", true)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	noteDeprecated(fs, "device tft", stderr)
	cfg := def
	cfg.Devices = *devices
	cfg.Variation.TFTVthSigma = *sigma
	s, dir, err := deviceRun(com, cfg, experiment.DeviceTFT, report.WriteDeviceTFT)
	if err != nil {
		return err
	}
	outf(stdout, "nominal TFT: Vth %.3f V (extracted %.3f V), beta %.3g A/V^2, Id %.3g A at Vgs = %g V and %.3g A at Vgs = %g V (Vds = %g V)\n",
		s.NominalVthV, float64(s.NominalVthExtractedV), s.BetaAPerV2, s.IdOnA, s.OnOffBias[0], s.IdOffA, s.OnOffBias[1], s.OnOffBias[2])
	outf(stdout, "%d TFTs: Vth mean %.3f V, sigma %.4f V (extracted: mean %.3f V, sigma %.4f V); target %.3f V, paper %.3f V\n",
		s.Devices, float64(s.Vth.Mean), float64(s.Vth.Sigma), float64(s.VthExtracted.Mean), float64(s.VthExtracted.Sigma), s.SigmaTargetV, s.PaperSigmaV)
	outf(stdout, "wrote %s\n", dir)
	return nil
}

func runDeviceFit(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("device fit", "Fits the memristor model's steady-state R(I) to measured data: a CSV with columns i_A,r_ohm, or an\nI-V sweep v_V,i_A (rows with I <= 0 skipped). Writes params.json (the fitted parameters, for --params\nof every command), fit.json (fitted values with uncertainties from the Jacobian, parameters at a\nbound of the search, the fixed ones, the data's own scatter and a verdict), fit.csv (data and\nmodel), fit_curve.csv, fit.png/.svg, fit_residuals.png/.svg.\nFree parameters: "+strings.Join(experiment.FitParamNames(), ", ")+" (default vth,rd).",
		"mrelu device fit --data measured_r_vs_i.csv --free vth,rd --out runs/fit", stdout)
	com := addMeasuredFlags(fs, "device fit", "device-fit", "device parameter JSON `FILE` with the start values (default: the built-in parameters)")
	free := fs.String("free", "vth,rd", "comma-separated parameters to fit: "+strings.Join(experiment.FitParamNames(), ","))
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := com.requireData(); err != nil {
		return err
	}
	freeParams, err := experiment.ParseFitParams(*free)
	if err != nil {
		return usagef("device fit: --free: %v", err)
	}
	start, pts, err := com.load()
	if err != nil {
		return err
	}
	dir, err := com.prepare(com.kind)
	if err != nil {
		return err
	}
	r, err := experiment.DeviceFit(pts, *com.data, start, freeParams)
	if err != nil {
		return err
	}
	s, err := report.WriteDeviceFit(dir, r, *com.plots)
	if err != nil {
		return err
	}
	outf(stdout, "fit to %s: %d points, I from %.3g to %.3g A\n", s.Data, s.Points, s.IRangeA[0], s.IRangeA[1])
	if s.PointsUsed < s.Points {
		outf(stdout, "  %d of them, spread evenly in log-current, in the fit's objective (see notes in fit.json)\n", s.PointsUsed)
	}
	outf(stdout, "fitted (1-sigma uncertainty from the Jacobian at the optimum):\n")
	for _, k := range s.Free {
		line := outs("  %-8s %.6g ± %s (start %.6g)", k, s.Fitted[k], fmtOpt("%.2g", float64(s.Uncertainty[k])), s.Start[k])
		if b := s.AtBound[k]; b != "" {
			line += outs("  AT THE %s BOUND of the search [%.3g, %.3g]", strings.ToUpper(b), s.Bounds[k][0], s.Bounds[k][1])
		}
		fmt.Fprintln(stdout, line)
	}
	fixed := make([]string, 0, len(s.Fixed))
	for _, k := range sortedKeys(s.Fixed) {
		fixed = append(fixed, outs("%s %.4g", k, s.Fixed[k]))
	}
	outf(stdout, "fixed at the start values (not fitted; the kinetics tau_* set the latency of every experiment): %s\n", strings.Join(fixed, ", "))
	verdict := s.Verdict
	if verdict == "" {
		verdict = "n/a (too few points to estimate the data's scatter)"
	}
	outf(stdout, "RMS log10 R error %.4f, the data's own scatter %s: fit %s (%d evaluations, %s)\n", s.RMSLog10, fmtOpt("%.4f", float64(s.NoiseLog10)), verdict, s.Evaluations, s.Status)
	for _, w := range s.Warnings {
		outf(stdout, "warning: %s\n", w)
	}
	v, err := experiment.CheckViability(params.Setup{Device: r.Fitted, Neuron: neuron.DefaultParams()})
	if err != nil {
		v = nil
	}
	printDeviceVerdict(stdout, v, dir)
	return nil
}

// printDeviceVerdict ends fit and tabulate: the neuron check of the
// written device (nil: none) and where its params.json is.
func printDeviceVerdict(stdout io.Writer, v *experiment.Viability, dir string) {
	pf := filepath.Join(dir, "params.json")
	if v != nil {
		if v.Viable {
			outf(stdout, "neuron at VDD = %.3g V: %s\n", v.VDD, v.Verdict())
		} else {
			outf(stdout, "neuron at VDD = %.3g V: not a working ReLU (mrelu neuron check --params %s says why and what would)\n", v.VDD, pf)
		}
	}
	outf(stdout, "wrote %s (use --params %s)\n", dir, pf)
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func runDeviceTabulate(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("device tabulate", "Makes a tabulated memristor from measured data, without the compact model's form: the\nsteady state passes through every measured R(I) point (monotone interpolation between them,\nlinear continuation outside, docs/device.md 1b). Reads the CSVs of 'device fit' (i_A,r_ohm, or\nan I-V sweep v_V,i_A; rows with I <= 0 skipped); points are sorted, equal currents merged and\nrises of R pooled (--strict: an error instead). The kinetics (tau_*, v0_V, v_acc_V) come from\n--params or stay at the defaults, and the outputs say which. Writes params.json (for --params\nof every command), tabulate.json, tabulate.csv, tabulate_curve.csv, tabulate.png/.svg.",
		"mrelu device tabulate --data measured_r_vs_i.csv --params kinetics.json --out runs/tab", stdout)
	com := addMeasuredFlags(fs, "device tabulate", "device-tabulate", "device parameter JSON `FILE` with the conduction and kinetic parameters (default: the built-in ones)")
	strict := fs.Bool("strict", false, "refuse data whose resistance rises with the current instead of pooling those points")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := com.requireData(); err != nil {
		return err
	}
	start, pts, err := com.load()
	if err != nil {
		return err
	}
	r, err := experiment.DeviceTabulate(pts, *com.data, start, *strict)
	if err != nil {
		return fmt.Errorf("device tabulate: %w", err)
	}
	dir, err := com.prepare(com.kind)
	if err != nil {
		return err
	}
	s, err := report.WriteDeviceTabulate(dir, r, *com.plots)
	if err != nil {
		return err
	}
	outf(stdout, "table from %s: %d points -> %d rows, I from %.3g to %.3g A, R from %.4g to %.4g Ohm\n", s.Data, s.Points, s.Rows, s.IRangeA[0], s.IRangeA[1], s.RRangeOhm[1], s.RRangeOhm[0])
	if s.Merged > 0 {
		outf(stdout, "  %d points of equal current merged\n", s.Merged)
	}
	if len(s.Pooled) > 0 {
		outf(stdout, "  %d rows pooled so that R does not rise with I (largest change %.3g decades; --strict refuses instead)\n", len(s.Pooled), s.PooledMaxLog10)
	}
	for _, w := range s.Widened {
		outf(stdout, "  %s\n", w)
	}
	outf(stdout, "threshold Vhold(0) %.4g V, mean slope %.4g Ohm; model error at the rows %.2g (relative)\n", s.ThresholdV, s.EffectiveRDOhm, s.MaxRowError)
	outf(stdout, "%s\n", s.Kinetics)
	printDeviceVerdict(stdout, r.Viability, dir)
	return nil
}
