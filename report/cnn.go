package report

// Files of `mrelu cnn` (the CNN study of issue 15, beyond the paper):
// summary.json, the CSVs of every plotted series, the figures and
// report.html with the CNN section; the same section in the paper's
// report.html (`mrelu paper --cnn DIR`) from a finished study's
// summary.json, copied with its files into the paper's cnn/ folder.

import (
	"encoding/json"
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/nn"
)

// CNNOptions are the presentation settings of WriteCNN.
type CNNOptions struct {
	// Command is the command line of the run (shown in the report).
	Command string
	// Plots writes the PNG/SVG figures (false: data files and a
	// report.html of tables only).
	Plots bool
}

// CNNSummary is summary.json of `mrelu cnn`. Accuracies are fractions.
type CNNSummary struct {
	Title   string `json:"title"`
	Command string `json:"command"`
	// Config is the study's settings with their defaults
	// (experiment.CNNStudyConfig).
	Config experiment.CNNStudyConfig `json:"config"`
	// TrainImages and TestImages are the sizes of the sets used.
	TrainImages int `json:"train_images"`
	TestImages  int `json:"test_images"`
	// Layers describes every layer of the network; WeightedLayers names
	// the synaptic ones, the order of every per-layer list below.
	Layers         []string `json:"layers"`
	WeightedLayers []string `json:"weighted_layers"`
	// Acts holds one summary per compared neuron, in the study's order.
	Acts []CNNActSummary `json:"acts"`
	// Arrays is the network on crossbar arrays: the same for every run.
	Arrays *experiment.CNNArrays `json:"arrays,omitempty"`
	// Neuron is the solved hardware neuron (hardware neurons only).
	Neuron  map[string]any `json:"neuron,omitempty"`
	Machine map[string]any `json:"machine"`
	// WallSeconds is the whole study's wall time.
	WallSeconds float64 `json:"wall_seconds"`
	// Figures lists the figures written (none with --plots=false).
	Figures []string `json:"figures"`
	Notes   []string `json:"notes"`
}

// CNNActSummary is one neuron of the study: its final accuracy (software
// and on the arrays), per-epoch curves and per-layer weight updates as
// mean ± sample s.d. over the seeds, energy and latency per inference,
// and every seed's run.
type CNNActSummary struct {
	Act        string  `json:"act"`
	NoiseModel string  `json:"noise_model,omitempty"`
	Variation  float64 `json:"variation"`
	InputScale float64 `json:"input_scale_A,omitempty"`
	// The test accuracy over the seeds, final and per epoch.
	experiment.SeedCurves
	// CrossbarAccuracy is the test accuracy on crossbar arrays.
	CrossbarAccuracy experiment.SeedStats `json:"crossbar_test_accuracy"`
	// UpdateRatio*: mean |ΔW| of the first weighted layer over the last's,
	// per epoch and in the first and last epochs (mean over the seeds).
	UpdateRatioPerEpochMean []Num `json:"update_ratio_first_last_per_epoch_mean"`
	UpdateRatioPerEpochSD   []Num `json:"update_ratio_first_last_per_epoch_sd"`
	UpdateRatioEnds
	// LayerUpdateRatio*: each weighted layer's mean |ΔW| over the last
	// layer's, in the first and in the last epoch.
	LayerUpdateRatioEpoch1Mean []Num `json:"layer_update_ratio_epoch1_mean"`
	LayerUpdateRatioEpoch1SD   []Num `json:"layer_update_ratio_epoch1_sd"`
	LayerUpdateRatioFinalMean  []Num `json:"layer_update_ratio_final_mean"`
	LayerUpdateRatioFinalSD    []Num `json:"layer_update_ratio_final_sd"`
	// MeanAbsUpdateFinal is each weighted layer's mean |ΔW| per step in
	// the last epoch.
	MeanAbsUpdateFinal []Num `json:"mean_abs_update_final_epoch"`
	// Energy per inference on the arrays: synapses and neurons (mean and
	// s.d. over the seeds), the synapses alone, the neurons alone; latency
	// per inference.
	EnergyMean         Num `json:"energy_per_inference_J_mean"`
	EnergySD           Num `json:"energy_per_inference_J_sd"`
	CrossbarEnergyMean Num `json:"crossbar_energy_per_inference_J_mean"`
	NeuronsEnergy      Num `json:"neurons_energy_per_inference_J"`
	Latency            Num `json:"latency_per_inference_s"`
	// MedianEpochSeconds is the median training pass over every epoch of
	// every seed.
	MedianEpochSeconds float64                  `json:"median_epoch_seconds"`
	Runs               []experiment.CNNStudyRun `json:"runs"`
}

// SummarizeCNN maps a finished study to its summary.
func SummarizeCNN(r *experiment.CNNStudyResult, command string) *CNNSummary {
	s := &CNNSummary{Title: "LeNet-5 on crossbar arrays with mReLU neurons (beyond the paper)", Command: command,
		Config: r.Config, TrainImages: r.TrainN, TestImages: r.TestN, Layers: r.Layers, WeightedLayers: r.WeightedLayers,
		Machine: map[string]any{"threads": r.Threads, "go": r.GoVersion}, WallSeconds: r.WallSeconds, Figures: []string{},
		Notes: []string{
			"accuracies are fractions (0..1); _mean and _sd are the mean and sample s.d. over the seeds (s.d. 0 for one seed)",
			"update_ratio_first_last = mean |dW| per step of the first weighted layer (conv1) / that of the last (the output layer), over all weights and steps of an epoch; layer_update_ratio_*[l] = the same for weighted layer l: far below 1 towards the input when the gradient vanishes",
			"energy per inference on the arrays = the synapses' read energy t·Σ V²·G (mean over the images evaluated) + neuron activations × energy per activation (the paper's 0.5 pJ); latency = Σ reads per inference × t, t = the paper's 650 ns per array read",
			"runs[].epochs and runs[].crossbar: each seed's run as trained (experiment.CNNStudyRun)",
		}}
	for k := range r.Acts {
		a := &r.Acts[k]
		as := CNNActSummary{Act: a.Act, SeedCurves: a.SeedCurves(), CrossbarAccuracy: a.CrossbarAccuracy(), Runs: a.Runs,
			MedianEpochSeconds: a.MedianEpochSeconds(), MeanAbsUpdateFinal: nums(a.MeanAbsUpdate(0))}
		as.NoiseModel, as.Variation, as.InputScale = r.HardwareSetting(a.Act)
		um, usd := a.UpdateRatioPerEpoch()
		as.UpdateRatioPerEpochMean, as.UpdateRatioPerEpochSD = nums(um), nums(usd)
		as.UpdateRatioEpoch1, as.UpdateRatioFinal = Num(at(um, 0)), Num(at(um, len(um)-1))
		m, sd := a.LayerUpdateRatio(1)
		as.LayerUpdateRatioEpoch1Mean, as.LayerUpdateRatioEpoch1SD = nums(m), nums(sd)
		m, sd = a.LayerUpdateRatio(0)
		as.LayerUpdateRatioFinalMean, as.LayerUpdateRatioFinalSD = nums(m), nums(sd)
		em, esd := a.Energy()
		cm, _ := a.CrossbarEnergy()
		as.EnergyMean, as.EnergySD, as.CrossbarEnergyMean = Num(em), Num(esd), Num(cm)
		as.NeuronsEnergy, as.Latency = Num(a.NeuronsEnergy()), Num(a.Latency())
		s.Acts = append(s.Acts, as)
	}
	s.Arrays = r.Arrays()
	if n := r.Neuron; n != nil {
		m := n.Metrics
		s.Neuron = map[string]any{"iunit_A": n.IUnit, "vdd_V": m.VDD, "threshold_current_A": m.ThresholdCurrent,
			"i_at_90pct_vdd_A": m.I90, "r2": m.R2, "max_vout_V": m.MaxVout}
	}
	return s
}

// The files of a CNN study, relative to its folder.
const (
	cnnAccuracyFig    = "cnn_accuracy"
	cnnLayerRatioFig  = "cnn_update_ratio"
	cnnEpochRatioFig  = "cnn_update_ratio_epochs"
	cnnAccuracyCSV    = "cnn_accuracy.csv"
	cnnRunsCSV        = "cnn_runs.csv"
	cnnEpochsCSV      = "cnn_epochs.csv"
	cnnEpochsMeanCSV  = "cnn_epochs_mean.csv"
	cnnLayersCSV      = "cnn_layers.csv"
	cnnSummaryFile    = "summary.json"
	cnnReportFile     = "report.html"
	maxCNNSummarySize = 64 << 20
)

// WriteCNN writes the study into dir: summary.json, cnn_accuracy.csv (one
// row per neuron), cnn_runs.csv (per seed), cnn_epochs.csv (per seed and
// epoch), cnn_epochs_mean.csv (per epoch, mean ± s.d.), cnn_layers.csv
// (per weighted layer), the figures cnn_accuracy, cnn_update_ratio and
// cnn_update_ratio_epochs (PNG and SVG, when opt.Plots) and report.html.
func WriteCNN(dir string, r *experiment.CNNStudyResult, opt CNNOptions) (*CNNSummary, error) {
	s := SummarizeCNN(r, opt.Command)
	if err := writeCNNData(dir, s); err != nil {
		return s, err
	}
	if opt.Plots {
		if err := writeCNNPlots(dir, s); err != nil {
			return s, err
		}
		for _, f := range []string{cnnAccuracyFig, cnnLayerRatioFig, cnnEpochRatioFig} {
			s.Figures = append(s.Figures, f+".png")
		}
	}
	if err := WriteJSON(filepath.Join(dir, cnnSummaryFile), s); err != nil {
		return s, err
	}
	return s, WriteHTML(filepath.Join(dir, cnnReportFile), cnnPage(s))
}

// writeCNNData writes the CSVs of s.
func writeCNNData(dir string, s *CNNSummary) error {
	var acc, runs, epochs, mean, layers [][]string
	for _, a := range s.Acts {
		acc = append(acc, []string{a.Act, a.NoiseModel, F(a.Variation), strconv.Itoa(len(a.PerSeed)), F(a.Mean), F(a.SD),
			F(a.CrossbarAccuracy.Mean), F(a.CrossbarAccuracy.SD), F(float64(a.EnergyMean)), F(float64(a.EnergySD)),
			F(float64(a.CrossbarEnergyMean)), F(float64(a.NeuronsEnergy)), F(float64(a.Latency)),
			F(float64(a.UpdateRatioEpoch1)), F(float64(a.UpdateRatioFinal))})
		for _, run := range a.Runs {
			cb := run.Crossbar
			runs = append(runs, []string{a.Act, strconv.FormatUint(run.Seed, 10), F(run.TestAccuracy), F(cb.TestAccuracy),
				F(cb.Energy), F(cb.CrossbarEnergy), F(cb.NeuronsEnergy), F(cb.Latency), strconv.Itoa(cb.Clipped), F(run.WallSeconds)})
			for _, e := range run.Epochs {
				row := []string{a.Act, strconv.FormatUint(run.Seed, 10), strconv.Itoa(e.Epoch), F(e.TrainLoss), F(e.TestLoss),
					F(e.TestAccuracy), F(e.UpdateRatio)}
				for l := range s.WeightedLayers {
					row = append(row, F(at(e.MeanAbsUpdate, l)))
				}
				for l := range s.WeightedLayers {
					row = append(row, F(at(e.RelativeUpdate, l)))
				}
				epochs = append(epochs, append(row, F(e.Seconds)))
			}
		}
		for e := range a.TestAccuracyPerEpochMean {
			mean = append(mean, []string{a.Act, strconv.Itoa(e + 1), F(a.TestAccuracyPerEpochMean[e]), F(a.TestAccuracyPerEpochSD[e]),
				F(float64(at(a.UpdateRatioPerEpochMean, e))), F(float64(at(a.UpdateRatioPerEpochSD, e)))})
		}
		for l, name := range s.WeightedLayers {
			layers = append(layers, []string{a.Act, strconv.Itoa(l + 1), name,
				F(float64(at(a.LayerUpdateRatioEpoch1Mean, l))), F(float64(at(a.LayerUpdateRatioEpoch1SD, l))),
				F(float64(at(a.LayerUpdateRatioFinalMean, l))), F(float64(at(a.LayerUpdateRatioFinalSD, l))),
				F(float64(at(a.MeanAbsUpdateFinal, l)))})
		}
	}
	epochHeader := []string{"act", "seed", "epoch", "train_loss", "test_loss", "test_accuracy", "update_ratio_first_last"}
	for _, name := range s.WeightedLayers {
		epochHeader = append(epochHeader, "mean_abs_update_"+name)
	}
	for _, name := range s.WeightedLayers {
		epochHeader = append(epochHeader, "relative_update_"+name)
	}
	return writeData(dir, "", nil,
		csvFile{cnnAccuracyCSV, []string{"act", "noise_model", "variation", "seeds", "test_accuracy_mean", "test_accuracy_sd",
			"crossbar_test_accuracy_mean", "crossbar_test_accuracy_sd", "energy_per_inference_J_mean", "energy_per_inference_J_sd",
			"crossbar_energy_per_inference_J_mean", "neurons_energy_per_inference_J", "latency_per_inference_s",
			"update_ratio_first_last_epoch1", "update_ratio_first_last_final"}, acc},
		csvFile{cnnRunsCSV, []string{"act", "seed", "test_accuracy", "crossbar_test_accuracy", "energy_per_inference_J",
			"crossbar_energy_per_inference_J", "neurons_energy_per_inference_J", "latency_per_inference_s", "clipped_weights", "wall_seconds"}, runs},
		csvFile{cnnEpochsCSV, append(epochHeader, "epoch_seconds"), epochs},
		csvFile{cnnEpochsMeanCSV, []string{"act", "epoch", "test_accuracy_mean", "test_accuracy_sd", "update_ratio_first_last_mean", "update_ratio_first_last_sd"}, mean},
		csvFile{cnnLayersCSV, []string{"act", "layer", "name", "update_ratio_to_last_epoch1_mean", "update_ratio_to_last_epoch1_sd",
			"update_ratio_to_last_final_mean", "update_ratio_to_last_final_sd", "mean_abs_update_final"}, layers})
}

// at is v[i], or the zero value (NaN for a float) when v is shorter.
func at[T ~float64](v []T, i int) T {
	if i < 0 || i >= len(v) {
		return T(math.NaN())
	}
	return v[i]
}

// writeCNNPlots draws the study's figures into dir.
func writeCNNPlots(dir string, s *CNNSummary) error {
	// Test accuracy per epoch, mean ± s.d. over the seeds; below, the
	// last half of the epochs of the curves that end within 5 points of
	// the best (ReLU and the mReLU crowd the top of the whole range).
	var full []Series
	n, best := 0, math.Inf(-1)
	for k, a := range s.Acts {
		x := make([]float64, len(a.TestAccuracyPerEpochMean))
		for e := range x {
			x[e] = float64(e + 1)
		}
		sr := Series{Name: a.Act, X: x, Y: scaled(a.TestAccuracyPerEpochMean, 100), Color: pal(k)}
		if len(a.PerSeed) > 1 {
			sr.Lo = scaled(a.TestAccuracyPerEpochMean, 100)
			sr.Hi = scaled(a.TestAccuracyPerEpochMean, 100)
			for e, sd := range a.TestAccuracyPerEpochSD {
				sr.Lo[e] -= 100 * sd
				sr.Hi[e] += 100 * sd
			}
		}
		full = append(full, sr)
		if len(x) > 0 {
			n, best = max(n, len(x)), math.Max(best, sr.Y[len(x)-1])
		}
	}
	title := "LeNet-5 test accuracy per epoch"
	if seeds := len(s.Config.Seeds); seeds > 1 {
		title += fmt.Sprintf(" (mean ± s.d. over %d seeds)", seeds)
	}
	ax := Axes{Title: title, Y: "test accuracy (%)", XMin: 0, XMax: 1, IntX: true, LegendBottom: true}
	panels := []Lines{{Axes: ax, Series: full}}
	if e0 := max(1, n/2); n >= 2 {
		zoom := ax
		zoom.Title = fmt.Sprintf("Zoom: epochs %d-%d", e0, n)
		zoom.XMin, zoom.XMax = 0, 0
		var top []Series
		for _, sr := range full {
			if len(sr.Y) < e0 || sr.Y[len(sr.Y)-1] < best-5 {
				continue
			}
			sr.Name, sr.X, sr.Y = "", sr.X[e0-1:], sr.Y[e0-1:]
			if sr.Lo != nil {
				sr.Lo, sr.Hi = sr.Lo[e0-1:], sr.Hi[e0-1:]
			}
			top = append(top, sr)
		}
		panels = append(panels, Lines{Axes: zoom, Series: top})
	}
	if err := StackPlot(filepath.Join(dir, cnnAccuracyFig), 0.75, "epoch (–)", panels...); err != nil {
		return err
	}
	// Update ratio per weighted layer, first and last epoch.
	var names []string
	for l, n := range s.WeightedLayers {
		names = append(names, fmt.Sprintf("%d %s", l+1, n))
	}
	var layer []Series
	for k, a := range s.Acts {
		spread := len(a.PerSeed) > 1
		layer = append(layer, logSpread(a.Act, a.LayerUpdateRatioEpoch1Mean, a.LayerUpdateRatioEpoch1SD, spread, pal(k), false),
			logSpread("", a.LayerUpdateRatioFinalMean, a.LayerUpdateRatioFinalSD, spread, pal(k), true))
	}
	if err := LinePlot(filepath.Join(dir, cnnLayerRatioFig), Axes{Title: fmt.Sprintf("Mean |ΔW| per layer over the output layer's: epoch 1 solid, epoch %d dashed", s.Config.Epochs),
		X: "weighted layer (" + strings.Join(names, ", ") + ")", Y: "mean |ΔW| / mean |ΔW| of the last layer (–)", LogY: true, IntX: true, LegendBottom: true}, layer...); err != nil {
		return err
	}
	// First/last update ratio per epoch.
	var ratio []Series
	for k, a := range s.Acts {
		ratio = append(ratio, logSpread(a.Act, a.UpdateRatioPerEpochMean, a.UpdateRatioPerEpochSD, len(a.PerSeed) > 1, pal(k), false))
	}
	return LinePlot(filepath.Join(dir, cnnEpochRatioFig), Axes{Title: "Mean |ΔW| of conv1 over the output layer's, per epoch",
		X: "epoch (–)", Y: "update ratio first / last layer (–)", LogY: true, XMin: 0, XMax: 1, IntX: true}, ratio...)
}

// logSpread is a series of mean over 1, 2, … on a log axis with error
// bars mean ± sd when spread is set; a lower bar that would reach zero or
// below is left out (the log axis cannot show it).
func logSpread(name string, mean, sd []Num, spread bool, c color.Color, dashed bool) Series {
	sr := Series{Name: name, Color: c, Dashed: dashed}
	for i, m := range mean {
		sr.X, sr.Y = append(sr.X, float64(i+1)), append(sr.Y, float64(m))
		if spread {
			d := float64(at(sd, i))
			lo := float64(m) - d
			if !(lo > 0) {
				lo = float64(m)
			}
			sr.Lo, sr.Hi = append(sr.Lo, lo), append(sr.Hi, float64(m)+d)
		}
	}
	return sr
}

// cnnPage is report.html of `mrelu cnn`: a header and the CNN section.
func cnnPage(s *CNNSummary) HTMLPage {
	page := HTMLPage{Title: "mrelu cnn: " + s.Title,
		Subtitle: "Beyond the paper (issue 15): a convolutional network trained with software neurons and the hardware mReLU in the loop, then run on crossbar arrays.",
		Meta: []HTMLMeta{{Key: "command", Value: s.Command, Code: true},
			{Key: "data", Value: cnnDataText(s)},
			{Key: "run time", Value: fmt.Sprintf("%.1f s", s.WallSeconds)}},
		Footer: "Made by mrelu. Every number comes from this run; summary.json holds them, the CSV files every plotted series. `mrelu paper --cnn DIR` adds this section to the paper's report."}
	fig := func(id, label, title, img, paper, ours, cmd string, data ...string) HTMLFigure {
		return HTMLFigure{ID: id, Label: label, Title: title, Image: img, SVG: strings.TrimSuffix(img, ".png") + ".svg",
			Paper: paper, Ours: ours, Command: cmd, Data: data}
	}
	page.Sections = append(page.Sections, CNNSection(s, "", fig))
	return page
}

// cnnDataText says which images the study used.
func cnnDataText(s *CNNSummary) string {
	src := "MNIST"
	if s.Config.Data != "" {
		src = s.Config.Data
	}
	text := fmt.Sprintf("%s: %d training and %d test images", src, s.TrainImages, s.TestImages)
	if s.Config.TrainImages > 0 || s.Config.TestImages > 0 {
		text += " (the first of each set only: not comparable with a run on the whole set)"
	}
	return text
}

// CNNFigureFunc makes one embedded figure of a section (the paper's
// builder, or cnnPage's).
type CNNFigureFunc func(id, label, title, img, paper, ours, cmd string, data ...string) HTMLFigure

// CNNSection is the report's CNN section from a study's summary: the
// settings, accuracy and energy table, the per-layer update ratios and
// the figures, whose files are under prefix ("" in the study's own
// folder, "cnn/" in a paper run's).
func CNNSection(s *CNNSummary, prefix string, fig CNNFigureFunc) HTMLSection {
	c := s.Config
	sec := HTMLSection{ID: "cnn", Title: "Beyond the paper: LeNet-5 on crossbar arrays with mReLU neurons"}
	sec.Intro = append(sec.Intro,
		fmt.Sprintf("LeNet-5 (%s; He-normal weights, plain SGD lr %g, batch %d, %d epochs, mean softmax cross-entropy) trained with each neuron in the loop and seeds %s, %s. The hardware mReLU is the solved 2T-1M circuit with one neuron per channel of a convolution (docs/cnn.md).",
			strings.Join(s.WeightedLayers, ", "), c.LR, c.Batch, c.Epochs, joinSeeds(c.Seeds), cnnDataText(s)))
	if a := s.Arrays; a != nil {
		sec.Intro = append(sec.Intro, fmt.Sprintf("On crossbar arrays (one per weighted layer: %s conductance pairs; a convolution's array read once per output position): %d array reads and %d neuron activations per inference (%s at %s each), each read lasting %s: latency %s per inference. The synapses' read energy depends on the trained weights and on the voltages driving the arrays, so it differs by neuron.",
			strings.Join(a.Arrays, ", "), a.TotalReads(), a.Activations, si(a.NeuronsEnergy, "J"), si(a.NeuronEnergy, "J"), si(a.ReadTime, "s"), si(a.Latency, "s")))
	}
	var rows [][]string
	for _, a := range s.Acts {
		var per []string
		for _, p := range a.PerSeed {
			per = append(per, fmt.Sprintf("%.2f", 100*p.TestAccuracy))
		}
		rows = append(rows, []string{a.Act, cnnSetting(a), pm(100*a.Mean, 100*a.SD, " %"), strings.Join(per, ", "),
			pm(100*a.CrossbarAccuracy.Mean, 100*a.CrossbarAccuracy.SD, " %"),
			si(float64(a.EnergyMean), "J") + " ± " + si(float64(a.EnergySD), "J"), si(float64(a.CrossbarEnergyMean), "J"),
			si(float64(a.NeuronsEnergy), "J"), si(float64(a.Latency), "s")})
	}
	sec.Tables = append(sec.Tables, HTMLTable{Caption: fmt.Sprintf("Test accuracy after %d epochs and per inference on crossbar arrays, mean ± sample s.d. over %d seed(s) (%s)", c.Epochs, len(c.Seeds), prefix+cnnAccuracyCSV),
		Header: []string{"neuron", "setting", "test accuracy", "per seed", "on crossbar arrays", "energy / inference", "synapses", "neurons", "latency / inference"}, Rows: rows})
	lt := HTMLTable{Caption: fmt.Sprintf("Mean |ΔW| per step of each weighted layer over the output layer's, mean ± s.d. over the seeds (%s): the vanishing gradient shows as ratios far below 1 towards the input", prefix+cnnLayersCSV),
		Header: append([]string{"neuron", "epoch"}, s.WeightedLayers...)}
	for _, a := range s.Acts {
		for _, w := range []struct {
			epoch    string
			mean, sd []Num
		}{{"1", a.LayerUpdateRatioEpoch1Mean, a.LayerUpdateRatioEpoch1SD}, {strconv.Itoa(len(a.TestAccuracyPerEpochMean)), a.LayerUpdateRatioFinalMean, a.LayerUpdateRatioFinalSD}} {
			row := []string{a.Act, w.epoch}
			for l := range s.WeightedLayers {
				row = append(row, ratioText(float64(at(w.mean, l)), float64(at(w.sd, l))))
			}
			lt.Rows = append(lt.Rows, row)
		}
	}
	sec.Tables = append(sec.Tables, lt)
	has := map[string]bool{}
	for _, f := range s.Figures {
		has[f] = true
	}
	var acc, ratio1, ratioN []string
	for _, a := range s.Acts {
		acc = append(acc, a.Act+" "+pm(100*a.Mean, 100*a.SD, " %"))
		ratio1 = append(ratio1, fmt.Sprintf("%s %s", a.Act, ratioText(float64(a.UpdateRatioEpoch1), float64(at(a.UpdateRatioPerEpochSD, 0)))))
		ratioN = append(ratioN, fmt.Sprintf("%s %s", a.Act, ratioText(float64(a.UpdateRatioFinal), float64(at(a.UpdateRatioPerEpochSD, len(a.UpdateRatioPerEpochSD)-1)))))
	}
	paper := "– (the paper trains a fully connected network only, Fig. 4)"
	if has[cnnAccuracyFig+".png"] {
		f := fig("cnn-accuracy", "CNN", "Test accuracy per epoch by neuron (error bars: ± s.d. over the seeds), and a zoom on the last epochs of the top curves", prefix+cnnAccuracyFig+".png",
			paper, fmt.Sprintf("after %d epochs: %s", c.Epochs, strings.Join(acc, ", ")), s.Command, prefix+cnnEpochsMeanCSV, prefix+cnnEpochsCSV)
		sec.Figures = append(sec.Figures, f)
	}
	if has[cnnLayerRatioFig+".png"] {
		sec.Figures = append(sec.Figures, fig("cnn-layers", "CNN", "Mean |ΔW| per weighted layer over the output layer's, first and last epoch", prefix+cnnLayerRatioFig+".png",
			paper, "conv1 / output layer, epoch 1: "+strings.Join(ratio1, ", "), s.Command, prefix+cnnLayersCSV))
	}
	if has[cnnEpochRatioFig+".png"] {
		sec.Figures = append(sec.Figures, fig("cnn-ratio", "CNN", "Mean |ΔW| of conv1 over the output layer's, per epoch", prefix+cnnEpochRatioFig+".png",
			paper, fmt.Sprintf("epoch %d: %s", c.Epochs, strings.Join(ratioN, ", ")), s.Command, prefix+cnnEpochsMeanCSV))
	}
	return sec
}

// cnnSetting describes a neuron of the study.
func cnnSetting(a CNNActSummary) string {
	scale := ""
	if a.InputScale > 0 {
		scale = fmt.Sprintf(", %.4g µA per unit", 1e6*a.InputScale)
	}
	switch k, _ := nn.LookupActivation(a.Act); {
	case k.Hardware && !k.Noisy:
		return "hardware mReLU without noise" + scale
	case k.Noisy:
		return fmt.Sprintf("hardware mReLU, %s noise, σ = %g %%%s, trained and tested with the noise", a.NoiseModel, 100*a.Variation, scale)
	}
	return "software"
}

// pm is "m ± sd" with two decimals and unit.
func pm(m, sd float64, unit string) string {
	return fmt.Sprintf("%.2f ± %.2f%s", m, sd, unit)
}

// ratioText is a ratio with three significant digits and its s.d.
func ratioText(m, sd float64) string {
	if math.IsNaN(m) || math.IsInf(m, 0) {
		return "–"
	}
	if sd > 0 {
		return fmt.Sprintf("%.3g ± %.2g", m, sd)
	}
	return fmt.Sprintf("%.3g", m)
}

func joinSeeds(seeds []uint64) string {
	var a []string
	for _, s := range seeds {
		a = append(a, strconv.FormatUint(s, 10))
	}
	return strings.Join(a, ", ")
}

// ReadCNNSummary reads the summary.json of a `mrelu cnn` output folder
// (for `mrelu paper --cnn DIR`). A folder without one, or whose summary
// is not a CNN study's, is an error naming the file.
func ReadCNNSummary(dir string) (*CNNSummary, error) {
	path := filepath.Join(dir, cnnSummaryFile)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("report: cnn: %w (run mrelu cnn --out %s first)", err, dir)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxCNNSummarySize+1))
	if err != nil {
		return nil, fmt.Errorf("report: cnn: %s: %w", path, err)
	}
	if len(b) > maxCNNSummarySize {
		return nil, fmt.Errorf("report: cnn: %s is larger than %d MiB", path, maxCNNSummarySize>>20)
	}
	var s CNNSummary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("report: cnn: %s: %w", path, err)
	}
	if len(s.Acts) == 0 || len(s.WeightedLayers) == 0 {
		return nil, fmt.Errorf("report: cnn: %s is not the summary of mrelu cnn (no acts or weighted_layers)", path)
	}
	for _, fig := range s.Figures {
		if fig != filepath.Base(fig) || !strings.HasSuffix(fig, ".png") {
			return nil, fmt.Errorf("report: cnn: %s: figure %q is not a PNG of the folder", path, fig)
		}
	}
	return &s, nil
}

// CopyCNNFiles copies the files of a `mrelu cnn` output folder that the
// CNN section shows or links (summary.json, the CSVs, the figures listed
// in s) from src into dst, so that a paper run's folder holds them.
func CopyCNNFiles(src, dst string, s *CNNSummary) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	files := []string{cnnSummaryFile, cnnAccuracyCSV, cnnRunsCSV, cnnEpochsCSV, cnnEpochsMeanCSV, cnnLayersCSV}
	for _, f := range s.Figures {
		files = append(files, f, strings.TrimSuffix(f, ".png")+".svg")
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(src, f))
		if errors.Is(err, os.ErrNotExist) && strings.HasSuffix(f, ".svg") {
			continue // linked only
		}
		if err != nil {
			return fmt.Errorf("report: cnn: %w", err)
		}
		if err := WriteFileAtomic(filepath.Join(dst, f), b); err != nil {
			return err
		}
	}
	return nil
}

// cnn is the CNN section of the paper's report.html when the run was
// given a study (PaperSummary.CNN, copied into cnn/); without one, a line
// in the Fig. 4 section says how to add it.
func (b *paperPageBuilder) cnn(page *HTMLPage) {
	if s := b.s.CNN; s != nil {
		sec := CNNSection(s, "cnn/", b.fig)
		sec.Intro = append([]string{"Not part of this run: the section shows the mrelu cnn study copied into cnn/ (mrelu paper --cnn DIR), made by: " + s.Command + "."}, sec.Intro...)
		page.Sections = append(page.Sections, sec)
		return
	}
	for k := range page.Sections {
		if page.Sections[k].ID == "fig4" {
			page.Sections[k].Intro = append(page.Sections[k].Intro, "Beyond the paper, the same neurons in a convolutional network (LeNet-5) on crossbar arrays: run mrelu cnn --out DIR, then mrelu paper --cnn DIR adds that section to this report (docs/cnn.md).")
		}
	}
}
