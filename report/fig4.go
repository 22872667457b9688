package report

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/nn"
)

// Fig4Run is one neuron's line of the Fig. 4 summary.
type Fig4Run struct {
	Act                  string    `json:"act"`
	Variation            float64   `json:"variation"`
	TestAccuracy         float64   `json:"test_accuracy"`
	PaperAccuracy        *float64  `json:"paper_test_accuracy,omitempty"`
	BestAccuracy         float64   `json:"best_test_accuracy"`
	FirstEpochAtTarget   int       `json:"first_epoch_at_or_above_target"` // 0: never
	Target               float64   `json:"target_accuracy"`
	TestAccuracyPerEpoch []float64 `json:"test_accuracy_per_epoch"`
	NormLossPerEpoch     []float64 `json:"normalized_train_loss_per_epoch"`
	UpdateRatioEnds
	MedianEpochSeconds float64 `json:"median_epoch_seconds"`
	Folder             string  `json:"folder"`
	// NoiseModel is the hardware neuron's noise model (act mrelu; "none"
	// for mrelu-ideal; absent for software neurons).
	NoiseModel string `json:"noise_model,omitempty"`
	// SaturatedFractionPerLayer[l][e]: first seed, see TrainSummary.
	SaturatedFractionPerLayer [][]float64 `json:"saturated_fraction_per_layer,omitempty"`
	// InputScale is the current (A) per unit of pre-activation of a
	// hardware neuron; Label names a configuration run (Fig4Params.Configs).
	InputScale float64 `json:"input_scale_A,omitempty"`
	Label      string  `json:"label,omitempty"`
	// Training is a configuration's training neuron
	// (experiment.Fig4Config.Training): for "ideal" the run's accuracies
	// over the seeds are its networks' tested with the noise, while
	// test_accuracy_per_epoch is the ideal neuron's during training.
	Training string `json:"training,omitempty"`
	// The final test accuracy over the seeds, and per epoch its mean and
	// sample s.d.
	experiment.SeedCurves
}

// UpdateRatioEnds are the mean |ΔW| of the first synaptic layer over the
// last one's in the first and in the last epoch (a Fig. 4 run's first
// seed; a CNN study's mean over the seeds).
type UpdateRatioEnds struct {
	UpdateRatioEpoch1 Num `json:"update_ratio_first_last_epoch1"`
	UpdateRatioFinal  Num `json:"update_ratio_first_last_final"`
}

// Fig4Summary is summary.json of `mrelu fig4`.
type Fig4Summary struct {
	Runs     []Fig4Run               `json:"runs"`
	Accuracy map[string]float64      `json:"test_accuracy"` // by run name
	Sweep    []experiment.SweepPoint `json:"variation_sweep"`
	Neuron   map[string]any          `json:"neuron"`
	Params   experiment.Fig4Params   `json:"params"`
	// NoiseModel is the noise model of the mrelu runs, Seeds the number of
	// seeds per run.
	NoiseModel string `json:"noise_model"`
	Seeds      int    `json:"seeds"`
	// HardwareAware: trained with the ideal neuron and tested with the
	// noisy one, against trained and tested noisy (mean ± s.d. over seeds).
	HardwareAware *experiment.HardwareAware `json:"hardware_aware,omitempty"`
	Notes         []string                  `json:"notes"`
	// PaperSetting is the run under the assumptions that reproduce the
	// paper's 95.4 % (experiment.PaperSettingConfig; absent when not run),
	// BestHardwareAware our best run trained and tested with the noisy
	// neuron at the study's variation, the row it stands next to.
	PaperSetting      *Fig4Setting `json:"paper_setting,omitempty"`
	BestHardwareAware *Fig4Setting `json:"best_hardware_aware,omitempty"`
}

// Fig4Setting is a hardware-neuron run of the study in one line: its
// setting and its test accuracy over the seeds.
type Fig4Setting struct {
	Run        string  `json:"run"`
	Label      string  `json:"label"`
	NoiseModel string  `json:"noise_model"`
	Variation  float64 `json:"variation"`
	InputScale float64 `json:"input_scale_A"`
	// Training is the configuration's (experiment.Fig4Config.Training).
	Training string `json:"training,omitempty"`
	experiment.SeedStats
	PaperAccuracy *float64 `json:"paper_test_accuracy,omitempty"`
}

// WriteFig4 writes the study: summary.json, CSVs, the Fig. 4 plots, and
// each run's own training report in runs/<name>/.
func WriteFig4(dir string, r *experiment.Fig4Result, plots bool) (Fig4Summary, error) {
	s := Fig4Summary{Accuracy: map[string]float64{}, Sweep: r.Sweep, Params: r.Params,
		Notes: []string{
			"update_ratio_first_last = mean |dW| of the first synaptic layer / the last one, over all weights and steps of the epoch",
			"neuron inputs are shown as the current the neuron would see on the crossbar: I = z * iunit_A (matched mirror gain)",
			"the paper's 5-layer network has 4 synaptic layers here (784-100-100-100-10); its fifth synaptic layer is our last",
		}}
	s.NoiseModel = experiment.NoiseName(r.Params.Base.Noise)
	s.Seeds = max(1, r.Params.Seeds)
	s.HardwareAware = r.HardwareAware
	s.Notes = append(s.Notes,
		"test_accuracy_mean/_sd: mean and sample s.d. of the final test accuracy over the seeds (params.seeds; s.d. 0 for one seed); every other per-run number is the first seed's",
		"saturated_fraction_per_layer[l][e]: fraction of hidden layer l+1's neuron inputs over epoch e+1's training samples at or above the input where the noise-free neuron reaches 90 % of VDD")
	iunit := experiment.InputScaleFor(r.Params.Base, r.Neuron)
	m := r.Neuron.Metrics
	s.Neuron = map[string]any{"iunit_A": r.Neuron.IUnit, "input_scale_A": iunit, "vdd_V": m.VDD, "threshold_current_A": m.ThresholdCurrent,
		"i_at_90pct_vdd_A": m.I90, "r2": m.R2, "max_vout_V": m.MaxVout, "max_vout_nonpositive_input_V": m.MaxVoutNonPositive}
	var accSeries, lossSeries []Series
	var rows [][]string
	for _, name := range r.Names {
		run := r.Runs[name]
		sub := filepath.Join(dir, "runs", name)
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return s, fmt.Errorf("report: %w", err)
		}
		ts, err := WriteTrain(sub, run, plots)
		if err != nil {
			return s, err
		}
		fr := Fig4Run{Act: run.Params.Act, Variation: run.Params.Variation, TestAccuracy: ts.TestAccuracy,
			TestAccuracyPerEpoch: ts.TestAccuracyPerEpoch, NormLossPerEpoch: ts.NormTrainLossPerEpoch,
			MedianEpochSeconds: run.MedianEpochSeconds(),
			Folder:             filepath.Join("runs", name), Target: experiment.Fig4Targets[name]}
		if k, _ := nn.LookupActivation(run.Params.Act); !k.Noisy {
			fr.Variation = 0
		}
		fr.NoiseModel = ts.NoiseModel
		fr.SaturatedFractionPerLayer = ts.SaturatedFractionPerLayer
		fr.SeedCurves = r.SeedCurves(name)
		fr.UpdateRatioFinal = ts.UpdateRatioFirstLast
		if len(ts.UpdateRatioPerEpoch) > 0 {
			fr.UpdateRatioEpoch1 = ts.UpdateRatioPerEpoch[0]
		}
		if v, ok := experiment.Fig4Paper[name]; ok {
			fr.PaperAccuracy = &v
		}
		if experiment.IsHardware(run.Params.Act) {
			fr.InputScale = experiment.InputScaleFor(run.Params, r.Neuron)
		}
		if c := r.Params.Config(name); c != nil {
			fr.Label, fr.Training = c.Label, c.Training
			fr.NoiseModel, fr.Variation = experiment.NoiseName(c.Noise), c.Variation
			if c.TrainedIdeal() && len(fr.PerSeed) > 0 {
				fr.TestAccuracy = fr.PerSeed[0].TestAccuracy // tested with the noise
			}
			if c.Paper > 0 {
				v := c.Paper
				fr.PaperAccuracy = &v
			}
		}
		fr.BestAccuracy, fr.FirstEpochAtTarget = run.BestAccuracy(), run.FirstEpochAtTarget(fr.Target)
		s.Runs = append(s.Runs, fr)
		s.Accuracy[name] = ts.TestAccuracy
		epochs := make([]float64, len(ts.TestAccuracyPerEpoch))
		for i := range epochs {
			epochs[i] = float64(i + 1)
			rows = append(rows, []string{name, strconv.Itoa(i + 1), F(ts.TrainLossPerEpoch[i]), F(ts.NormTrainLossPerEpoch[i]), F(ts.TestAccuracyPerEpoch[i])})
		}
		if r.IsMain(name) {
			acc := Series{Name: name, X: epochs, Y: scaled(ts.TestAccuracyPerEpoch, 100)}
			if len(r.Seeds[name]) > 1 && len(fr.TestAccuracyPerEpochMean) == len(epochs) {
				acc.Name = fmt.Sprintf("%s (mean ± s.d., %d seeds)", name, len(r.Seeds[name]))
				acc.Y = scaled(fr.TestAccuracyPerEpochMean, 100)
				for i, m := range fr.TestAccuracyPerEpochMean {
					acc.Lo = append(acc.Lo, 100*(m-fr.TestAccuracyPerEpochSD[i]))
					acc.Hi = append(acc.Hi, 100*(m+fr.TestAccuracyPerEpochSD[i]))
				}
			}
			accSeries = append(accSeries, acc)
			lossSeries = append(lossSeries, Series{Name: name, X: epochs, Y: ts.NormTrainLossPerEpoch})
		}
	}
	if err := WriteCSV(filepath.Join(dir, "fig4_metrics.csv"), []string{"run", "epoch", "train_loss", "normalized_train_loss", "test_accuracy"}, rows); err != nil {
		return s, err
	}
	s.PaperSetting, s.BestHardwareAware = fig4Settings(r, s.Runs)
	if s.PaperSetting != nil {
		s.Notes = append(s.Notes, "paper_setting: the run under the stated assumptions that reproduce the paper's "+experiment.PaperMReLUText+" (docs/system.md, \"The paper's "+experiment.PaperMReLUText+"\"); best_hardware_aware: our best run trained and tested with the noisy neuron at the study's variation")
	}
	if err := writeFig4Accuracy(filepath.Join(dir, "fig4_accuracy.csv"), s.Runs); err != nil {
		return s, err
	}
	if err := plotIf(plots, func() error { return fig4Accuracy(filepath.Join(dir, "fig4c_accuracy"), accSeries) }); err != nil {
		return s, err
	}
	if err := plotIf(plots, func() error {
		return LinePlot(filepath.Join(dir, "fig4d_loss"), Axes{Title: "Normalised training loss per epoch (Fig. 4d)", X: "epoch (–)", Y: "training loss / ln 10 (–)", LogY: true, XMin: 0, XMax: 1, IntX: true}, lossSeries...)
	}); err != nil {
		return s, err
	}
	// Neuron inputs (summation currents) per layer, per neuron type.
	var inRows [][]string
	for _, name := range r.Names {
		if !r.IsMain(name) {
			continue
		}
		run := r.Runs[name]
		var bars []Bars
		for l, z := range run.Result.PreActivations[:len(run.Result.PreActivations)-1] {
			cur := make([]float32, len(z))
			for i, v := range z {
				cur[i] = v * float32(iunit*1e6)
			}
			h := nn.NewHistogram(cur, 80, true)
			b := Bars{Name: fmt.Sprintf("hidden layer %d", l+1)}
			w := (h.Hi - h.Lo) / float64(len(h.Counts))
			for k, c := range h.Counts {
				lo := h.Lo + float64(k)*w
				b.Edges = append(b.Edges, lo)
				b.Counts = append(b.Counts, float64(c)/float64(len(z)))
				inRows = append(inRows, []string{name, strconv.Itoa(l + 1), F(lo * 1e-6), F((lo + w) * 1e-6), strconv.FormatInt(c, 10)})
			}
			b.Edges = append(b.Edges, h.Hi)
			bars = append(bars, b)
		}
		if err := plotIf(plots, func() error {
			return HistPlot(filepath.Join(dir, "fig4ef_neuron_inputs_"+name), Axes{Title: "Neuron input currents after training, " + name + " (Fig. 4e,f)", X: "summation current at the neuron (µA)", Y: "fraction of inputs (–)"}, bars...)
		}); err != nil {
			return s, err
		}
	}
	if err := WriteCSV(filepath.Join(dir, "fig4_neuron_inputs.csv"), []string{"run", "hidden_layer", "i_lo_A", "i_hi_A", "count"}, inRows); err != nil {
		return s, err
	}
	// Weight-update distributions of the first and the last synaptic
	// layer (Fig. 4g, 4h), one plot each, every compared neuron.
	var updRows [][]string
	for _, which := range []struct {
		base, title string
		last        bool
	}{{"fig4g_weight_updates_first", "first synaptic layer", false}, {"fig4h_weight_updates_last", "last synaptic layer", true}} {
		var upd []Bars
		for _, name := range r.Names {
			if !r.IsMain(name) {
				continue
			}
			run := r.Runs[name]
			l := 0
			if which.last {
				l = len(run.Result.UpdateHist) - 1
			}
			b := octaveBars(run.Result.UpdateHist[l])
			b.Name = name
			upd = append(upd, b)
			for k := range b.Counts {
				updRows = append(updRows, []string{name, strconv.Itoa(l + 1), F(b.Edges[k]), F(b.Edges[k+1]), F(b.Counts[k])})
			}
		}
		if err := plotIf(plots, func() error {
			return HistPlot(filepath.Join(dir, which.base), Axes{Title: "|weight update| per step, final epoch, " + which.title, X: "|ΔW| per step (–)", Y: "fraction of updates (1/decade)", LogX: true, LegendLeft: true}, upd...)
		}); err != nil {
			return s, err
		}
	}
	if err := WriteCSV(filepath.Join(dir, "fig4_weight_updates.csv"), []string{"run", "layer", "abs_lo", "abs_hi", "fraction_per_decade"}, updRows); err != nil {
		return s, err
	}
	// Accuracy versus variation.
	var vx, vy, vlo, vhi []float64
	var vrows [][]string
	for _, p := range r.Sweep {
		vx = append(vx, 100*p.Variation)
		vy = append(vy, 100*p.TestAccuracyMean)
		vlo = append(vlo, 100*(p.TestAccuracyMean-p.TestAccuracySD))
		vhi = append(vhi, 100*(p.TestAccuracyMean+p.TestAccuracySD))
		vrows = append(vrows, []string{F(p.Variation), F(p.TestAccuracy), p.Run, F(p.TestAccuracyMean), F(p.TestAccuracySD)})
	}
	if err := WriteCSV(filepath.Join(dir, "fig4_variation.csv"), []string{"variation", "test_accuracy", "run", "test_accuracy_mean", "test_accuracy_sd"}, vrows); err != nil {
		return s, err
	}
	varSeries := Series{Name: "mReLU, one seed per point", X: vx, Y: vy}
	if s.Seeds > 1 {
		varSeries.Name = fmt.Sprintf("mReLU, mean ± s.d. over %d seeds", s.Seeds)
		varSeries.Lo, varSeries.Hi = vlo, vhi
	}
	if err := plotIf(plots, func() error {
		return LinePlot(filepath.Join(dir, "fig4i_variation"), Axes{Title: "Test accuracy vs mReLU " + s.NoiseModel + " variation (Fig. 4i)", X: "variation σ (%)", Y: "test accuracy (%)"}, varSeries)
	}); err != nil {
		return s, err
	}
	if err := plotIf(plots, func() error { return fig4Saturation(dir, r) }); err != nil {
		return s, err
	}
	return s, WriteJSON(filepath.Join(dir, "summary.json"), s)
}

// fig4Accuracy writes Fig. 4c: test accuracy per epoch over the whole
// range, and beside it a zoom on the last epochs of the curves that end
// within 5 points of the best (ReLU and the mReLUs crowd the top of the
// full axis), its area marked on the full panel.
func fig4Accuracy(base string, series []Series) error {
	ax := Axes{Title: "Test accuracy per epoch (Fig. 4c)", X: "epoch (–)", Y: "test accuracy (%)", XMin: 0, XMax: 1, IntX: true}
	full := newPlot(ax)
	if err := addSeries(full, ax, 0, series...); err != nil {
		return fmt.Errorf("report: plot %s: %w", base, err)
	}
	n, best := 0, math.Inf(-1)
	for _, s := range series {
		n = max(n, len(s.X))
		if len(s.Y) > 0 {
			best = math.Max(best, s.Y[len(s.Y)-1])
		}
	}
	if n < 2 || math.IsInf(best, 0) {
		return Save(full, base)
	}
	// The zoom: last half of the epochs, the top curves' range there.
	e0 := math.Max(1, math.Floor(float64(n)/2))
	zoom := newPlot(Axes{Title: fmt.Sprintf("Zoom: epochs %g-%d", e0, n), X: "epoch (–)", Y: "test accuracy (%)", IntX: true})
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, s := range series {
		if len(s.Y) == 0 || s.Y[len(s.Y)-1] < best-5 {
			continue
		}
		var x, y, elo, ehi []float64
		spread := len(s.Lo) == len(s.X) && len(s.Hi) == len(s.X)
		for k := range s.X {
			if s.X[k] >= e0 {
				x, y = append(x, s.X[k]), append(y, s.Y[k])
				lo, hi = math.Min(lo, s.Y[k]), math.Max(hi, s.Y[k])
				if spread {
					elo, ehi = append(elo, s.Lo[k]), append(ehi, s.Hi[k])
					lo, hi = math.Min(lo, s.Lo[k]), math.Max(hi, s.Hi[k])
				}
			}
		}
		if err := addSeries(zoom, ax, i, Series{X: x, Y: y, Lo: elo, Hi: ehi}); err != nil {
			return fmt.Errorf("report: plot %s: %w", base, err)
		}
	}
	pad := math.Max(0.1, 0.12*(hi-lo))
	lo, hi = lo-pad, hi+pad
	zoom.X.Min, zoom.X.Max = e0-0.02*float64(n), float64(n)+0.02*float64(n)
	zoom.Y.Min, zoom.Y.Max = lo, hi
	// Its area on the full panel.
	box, err := plotter.NewLine(plotter.XYs{{X: zoom.X.Min, Y: lo}, {X: zoom.X.Max, Y: lo}, {X: zoom.X.Max, Y: hi}, {X: zoom.X.Min, Y: hi}, {X: zoom.X.Min, Y: lo}})
	if err != nil {
		return fmt.Errorf("report: plot %s: %w", base, err)
	}
	box.Color, box.Width, box.Dashes = color.Gray{Y: 90}, vg.Points(0.8), []vg.Length{vg.Points(3), vg.Points(2)}
	full.Add(box)
	return SaveFigure(base, Figure{W: 9.5 * vg.Inch, H: PlotHeight, Panels: []Panel{
		{Plot: full, Rect: vg.Rectangle{Max: vg.Point{X: 0.6, Y: 1}}},
		{Plot: zoom, Rect: vg.Rectangle{Min: vg.Point{X: 0.62}, Max: vg.Point{X: 1, Y: 1}}},
	}})
}

// fig4Saturation writes fig4j_saturation: per epoch and hidden layer, the
// fraction of neuron inputs at which the (noise-free) neuron is at or
// above 90 % of VDD, for every compared bounded neuron, and its CSV. It
// writes nothing when no run reports saturation.
func fig4Saturation(dir string, r *experiment.Fig4Result) error {
	var series []Series
	var rows [][]string
	k := 0
	for _, name := range r.Names {
		if !r.IsMain(name) {
			continue
		}
		sat := experiment.SaturatedPerLayer(r.Runs[name].Result.Epochs)
		if sat == nil {
			continue
		}
		for l, f := range sat {
			x := make([]float64, len(f))
			for e := range f {
				x[e] = float64(e + 1)
				rows = append(rows, []string{name, strconv.Itoa(l + 1), strconv.Itoa(e + 1), F(f[e])})
			}
			series = append(series, Series{Name: fmt.Sprintf("%s, layer %d", name, l+1), X: x, Y: scaled(f, 100),
				Dashed: k%2 == 1, Color: Palette[len(series)%len(Palette)]})
		}
		k++
	}
	if len(series) == 0 {
		return nil
	}
	if err := WriteCSV(filepath.Join(dir, "fig4_saturation.csv"), []string{"run", "hidden_layer", "epoch", "saturated_fraction"}, rows); err != nil {
		return err
	}
	return LinePlot(filepath.Join(dir, "fig4j_saturation"), Axes{Title: "Neuron inputs at or above 90 % of VDD, per hidden layer", X: "epoch (–)", Y: "inputs at ≥ 90 % VDD (%)", XMin: 0, XMax: 1, IntX: true, LegendLeft: true}, series...)
}

// octaveBars turns a log histogram into whole-octave bars, as a density
// per decade, from its 0.1 % quantile up (the tail below holds the rare
// near-zero updates and would stretch the axis over many empty decades).
func octaveBars(h *nn.LogHistogram) Bars {
	var b Bars
	bins := h.MagnitudeBins()
	total := float64(h.Total())
	floor := h.Quantile(1e-3)
	for k := 0; k+4 <= len(bins); k += 4 {
		lo, hi := bins[k].Lo, bins[k+3].Hi
		if lo <= 0 || hi < floor {
			continue
		}
		c := bins[k].Count + bins[k+1].Count + bins[k+2].Count + bins[k+3].Count
		if len(b.Edges) == 0 {
			b.Edges = append(b.Edges, lo)
		}
		b.Edges = append(b.Edges, hi)
		b.Counts = append(b.Counts, float64(c)/total/math.Log10(hi/lo))
	}
	return b
}

// fig4Settings returns the lines of the paper-setting run and our best
// hardware-aware one (experiment.Fig4Result.SettingRuns), each nil when
// absent.
func fig4Settings(r *experiment.Fig4Result, runs []Fig4Run) (paper, best *Fig4Setting) {
	paperRun, bestRun := r.SettingRuns()
	for _, fr := range runs {
		name := strings.TrimPrefix(fr.Folder, "runs/")
		st := &Fig4Setting{Run: name, Label: fr.Label, NoiseModel: fr.NoiseModel, Variation: fr.Variation, InputScale: fr.InputScale,
			Training: fr.Training, SeedStats: fr.SeedStats, PaperAccuracy: fr.PaperAccuracy}
		switch name {
		case paperRun:
			paper = st
		case bestRun:
			st.Label = "our best hardware-aware result"
			best = st
		}
	}
	return paper, best
}

// writeFig4Accuracy writes fig4_accuracy.csv: one row per run with its
// setting and its test accuracy over the seeds.
func writeFig4Accuracy(path string, runs []Fig4Run) error {
	var rows [][]string
	for _, fr := range runs {
		paper := ""
		if fr.PaperAccuracy != nil {
			paper = F(*fr.PaperAccuracy)
		}
		rows = append(rows, []string{strings.TrimPrefix(fr.Folder, "runs/"), fr.Label, fr.Act, fr.NoiseModel, F(fr.Variation), F(fr.InputScale),
			strconv.Itoa(len(fr.PerSeed)), F(fr.TestAccuracy), F(fr.Mean), F(fr.SD), paper})
	}
	return WriteCSV(path, []string{"run", "label", "act", "noise_model", "variation", "input_scale_A", "seeds", "test_accuracy",
		"test_accuracy_mean", "test_accuracy_sd", "paper_test_accuracy"}, rows)
}

// Fig4Table is the report's Fig. 4 accuracy table: the compared neurons,
// our best hardware-aware result and, next to it, the run reproducing the
// paper's setting (or why it was not run: quick says the run was the
// quick one), each as mean ± s.d. over the seeds beside the paper's
// number.
func Fig4Table(s Fig4Summary, quick bool) HTMLTable {
	t := HTMLTable{Caption: fmt.Sprintf("Fig. 4 test accuracy after %d epochs, mean ± sample s.d. over %d seed(s) (fig4/fig4_accuracy.csv)", s.Params.Base.Epochs, s.Seeds),
		Header: []string{"run", "setting", "test accuracy", "per seed", "paper"}}
	acc := func(st experiment.SeedStats) (string, string) {
		var per []string
		for _, p := range st.PerSeed {
			per = append(per, fmt.Sprintf("%.2f", 100*p.TestAccuracy))
		}
		return fmt.Sprintf("%.2f ± %.2f %%", 100*st.Mean, 100*st.SD), strings.Join(per, ", ")
	}
	paperText := func(p *float64) string {
		if p == nil {
			return "–"
		}
		return fmt.Sprintf("%.1f %%", 100**p)
	}
	row := func(name, setting string, st experiment.SeedStats, paper *float64, emph bool) {
		a, per := acc(st)
		t.Rows = append(t.Rows, []string{name, setting, a, per, paperText(paper)})
		t.Emphasis = append(t.Emphasis, emph)
	}
	setting := func(fr Fig4Run) string {
		k, _ := nn.LookupActivation(fr.Act)
		switch {
		case fr.Label != "":
			return configSetting(fr.NoiseModel, fr.Variation, fr.InputScale, fr.Training)
		case k.Hardware && !k.Noisy:
			return fmt.Sprintf("hardware mReLU without noise, %.4g µA per unit", 1e6*fr.InputScale)
		case k.Noisy:
			return fmt.Sprintf("%s noise, σ = %g %%, %.4g µA per unit, trained and tested with the noise", fr.NoiseModel, 100*fr.Variation, 1e6*fr.InputScale)
		}
		return "software"
	}
	for _, fr := range s.Runs {
		name := strings.TrimPrefix(fr.Folder, "runs/")
		if fr.Label != "" || !slices.Contains(s.Params.Acts, name) {
			continue // configurations below, sweep runs in Fig. 4i
		}
		label := setting(fr)
		if b := s.BestHardwareAware; b != nil && b.Run == name {
			label = "our best hardware-aware result: " + label
		}
		row(name, label, fr.SeedStats, fr.PaperAccuracy, false)
		if b := s.BestHardwareAware; b == nil || b.Run != name {
			continue
		}
		// Next to our best hardware-aware result: the paper's setting.
		if ps := s.PaperSetting; ps != nil {
			row(ps.Run, ps.Label+": "+configSetting(ps.NoiseModel, ps.Variation, ps.InputScale, ps.Training)+" (docs/system.md)",
				ps.SeedStats, ps.PaperAccuracy, true)
		} else {
			why := "not run (no paper-setting configuration: mrelu fig4 --paper-setting=false)"
			if quick {
				why = "not run in quick mode (the full mrelu paper runs it)"
			}
			p := experiment.Fig4Paper[experiment.ActMReLU]
			t.Rows = append(t.Rows, []string{experiment.PaperSettingName, "reproducing the paper's setting: " + why, "–", "–", paperText(&p)})
			t.Emphasis = append(t.Emphasis, true)
		}
	}
	for _, fr := range s.Runs { // other configurations
		if name := strings.TrimPrefix(fr.Folder, "runs/"); fr.Label != "" && name != experiment.PaperSettingName {
			row(name, fr.Label+": "+setting(fr), fr.SeedStats, fr.PaperAccuracy, false)
		}
	}
	return t
}

// configSetting describes a configuration run's setting for the Fig. 4
// table.
func configSetting(noise string, variation, inputScale float64, training string) string {
	trained := "trained and tested with the noise"
	if training == experiment.TrainedIdeal {
		trained = "trained with the ideal neuron, tested with the noise"
	}
	scale := ""
	if noise == experiment.NoiseFullScale {
		scale = " of VDD"
	}
	return fmt.Sprintf("%s noise, σ = %g %%%s, %.4g µA per unit, %s", noise, 100*variation, scale, 1e6*inputScale, trained)
}

// fig4SeedsText adds the mean ± s.d. over the seeds to the last headline
// (a Fig. 4 run's first-seed accuracy) when the run has several seeds.
func fig4SeedsText(h *headlines, run Fig4Run) {
	if n := len(run.PerSeed); n > 1 {
		h.text(fmt.Sprintf("%.2f %% (seed %d); %.2f ± %.2f %% over %d seeds", 100*run.TestAccuracy, run.PerSeed[0].Seed, 100*run.Mean, 100*run.SD, n))
	}
}
