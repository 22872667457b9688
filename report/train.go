package report

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"

	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/nn"
)

// LayerStats summarises one synaptic layer after training
// (experiment.TrainRun.LayerStats).
type LayerStats = experiment.TrainLayerStats

// TrainSummary is summary.json of `mrelu train`.
type TrainSummary struct {
	Act                   string      `json:"act"`
	Epochs                int         `json:"epochs"`
	Sizes                 []int       `json:"sizes"`
	TestAccuracy          float64     `json:"test_accuracy"`
	TestAccuracyPerEpoch  []float64   `json:"test_accuracy_per_epoch"`
	TrainLossPerEpoch     []float64   `json:"train_loss_per_epoch"`
	NormTrainLossPerEpoch []float64   `json:"normalized_train_loss_per_epoch"`
	TestLossPerEpoch      []float64   `json:"test_loss_per_epoch"`
	EpochSeconds          []float64   `json:"epoch_seconds"`
	EvalSeconds           []float64   `json:"eval_seconds"`
	MeanAbsUpdatePerLayer [][]float64 `json:"mean_abs_update_per_layer"`
	UpdateRatioFirstLast  Num         `json:"update_ratio_first_last"`
	UpdateRatioPerEpoch   []Num       `json:"update_ratio_first_last_per_epoch"`
	// UpdateRatioNullReason says why an update ratio is null (empty when
	// every ratio is a number).
	UpdateRatioNullReason string                     `json:"update_ratio_null_reason,omitempty"`
	Layers                []LayerStats               `json:"layers"`
	Params                experiment.TrainParams     `json:"params"`
	Data                  map[string]int             `json:"data"`
	Machine               map[string]any             `json:"machine"`
	WallSeconds           float64                    `json:"wall_seconds"`
	Neuron                map[string]any             `json:"neuron,omitempty"`
	Crossbar              *experiment.CrossbarResult `json:"crossbar,omitempty"`
	// NoiseModel is the hardware neuron's noise model (act mrelu; "none"
	// for mrelu-ideal; absent for software neurons) and InputScaleA the
	// current per unit of pre-activation it was driven with.
	NoiseModel  string  `json:"noise_model,omitempty"`
	InputScaleA float64 `json:"input_scale_A,omitempty"`
	// SaturatedFractionPerLayer[l][e] is the fraction of hidden layer l+1's
	// neuron inputs, over the training samples of epoch e+1, at which the
	// noise-free neuron is at or above 90 % of VDD (bounded neurons only).
	SaturatedFractionPerLayer [][]float64 `json:"saturated_fraction_per_layer,omitempty"`
	// The test accuracy over seeds (mrelu train --seeds N; one seed: the
	// run's own, s.d. 0).
	experiment.SeedStats
	Notes []string `json:"notes"`
}

// SummarizeTrain builds the summary of a finished run.
func SummarizeTrain(r *experiment.TrainRun) TrainSummary {
	eps := r.Result.Epochs
	nl := len(r.Sizes) - 1
	s := TrainSummary{Act: r.Params.Act, Epochs: len(eps), Sizes: r.Sizes, Params: r.Params,
		Data:        map[string]int{"train": r.TrainN, "test": r.TestN, "inputs": r.Sizes[0], "classes": r.Sizes[nl]},
		Machine:     map[string]any{"threads": r.Threads, "go": r.GoVersion},
		WallSeconds: r.WallSecond, Crossbar: r.Crossbar,
		Notes: []string{
			"normalized_train_loss = train loss / ln(classes), the loss of a uniform guess",
			"mean_abs_update_per_layer[l][e] = mean |dW| of synaptic layer l+1 over all weights and steps of epoch e+1, dW = -lr*grad",
			"update_ratio_first_last = mean |dW| of the first synaptic layer / that of the last, final epoch",
			"epoch_seconds is the training pass only; eval_seconds the test evaluation",
		}}
	s.MeanAbsUpdatePerLayer = make([][]float64, nl)
	for _, e := range eps {
		s.TestAccuracyPerEpoch = append(s.TestAccuracyPerEpoch, e.TestAccuracy)
		s.TrainLossPerEpoch = append(s.TrainLossPerEpoch, e.TrainLoss)
		s.TestLossPerEpoch = append(s.TestLossPerEpoch, e.TestLoss)
		s.EpochSeconds = append(s.EpochSeconds, e.Seconds)
		s.EvalSeconds = append(s.EvalSeconds, e.EvalSeconds)
		for l := range nl {
			s.MeanAbsUpdatePerLayer[l] = append(s.MeanAbsUpdatePerLayer[l], e.MeanAbsUpdate[l])
		}
	}
	s.NormTrainLossPerEpoch = r.NormTrainLoss()
	ratios, reason := r.UpdateRatios()
	for _, v := range ratios {
		s.UpdateRatioPerEpoch = append(s.UpdateRatioPerEpoch, Num(v))
	}
	s.UpdateRatioNullReason = reason
	s.UpdateRatioFirstLast = Num(math.NaN())
	if len(eps) > 0 {
		s.TestAccuracy = eps[len(eps)-1].TestAccuracy
		s.UpdateRatioFirstLast = Num(r.UpdateRatio(len(eps)))
	}
	s.SaturatedFractionPerLayer = experiment.SaturatedPerLayer(eps)
	if s.SaturatedFractionPerLayer != nil {
		s.Notes = append(s.Notes, "saturated_fraction_per_layer[l][e] = fraction of hidden layer l+1's neuron inputs, over epoch e+1's training samples, at or above the input where the noise-free neuron reaches 90 % of its bound (VDD)")
	}
	if len(eps) > 0 {
		s.SeedStats = experiment.NewSeedStats([]experiment.SeedAccuracy{{Seed: r.Params.Seed, TestAccuracy: eps[len(eps)-1].TestAccuracy}})
	}
	s.NoiseModel, s.InputScaleA = r.HardwareSetting()
	if r.Neuron != nil {
		m := r.Neuron.Metrics
		s.Neuron = map[string]any{"iunit_A": r.Neuron.IUnit, "vdd_V": m.VDD, "threshold_A": m.ThresholdCurrent,
			"i90_A": m.I90, "r2": m.R2, "max_vout_V": m.MaxVout, "variation": r.Params.Variation,
			"note": "network unit z drives the neuron with I = z*iunit_A; outputs are volts"}
	}
	s.Layers = r.LayerStats()
	return s
}

// WriteTrain writes summary.json, metrics.csv, the histogram CSVs and the
// plots of a training run into dir.
func WriteTrain(dir string, r *experiment.TrainRun, plots bool) (TrainSummary, error) {
	s := SummarizeTrain(r)
	if err := WriteJSON(filepath.Join(dir, "summary.json"), s); err != nil {
		return s, err
	}
	nl := len(r.Sizes) - 1
	header := []string{"epoch", "train_loss", "normalized_train_loss", "test_loss", "test_accuracy", "epoch_seconds", "eval_seconds"}
	for l := range nl {
		header = append(header, "mean_abs_update_L"+strconv.Itoa(l+1))
	}
	var rows [][]string
	epochs := make([]float64, len(r.Result.Epochs))
	for i, e := range r.Result.Epochs {
		epochs[i] = float64(e.Epoch)
		row := []string{strconv.Itoa(e.Epoch), F(e.TrainLoss), F(s.NormTrainLossPerEpoch[i]), F(e.TestLoss), F(e.TestAccuracy), F(e.Seconds), F(e.EvalSeconds)}
		for _, m := range e.MeanAbsUpdate {
			row = append(row, F(m))
		}
		rows = append(rows, row)
	}
	if err := WriteCSV(filepath.Join(dir, "metrics.csv"), header, rows); err != nil {
		return s, err
	}
	name := r.Params.Act
	if err := plotIf(plots, func() error {
		return LinePlot(filepath.Join(dir, "accuracy"), Axes{Title: "Test accuracy per epoch", X: "epoch (–)", Y: "test accuracy (%)", XMin: 0, XMax: 1, IntX: true},
			Series{Name: name, X: epochs, Y: scaled(s.TestAccuracyPerEpoch, 100)})
	}); err != nil {
		return s, err
	}
	if err := plotIf(plots, func() error {
		return LinePlot(filepath.Join(dir, "loss"), Axes{Title: "Normalised training loss per epoch", X: "epoch (–)", Y: "training loss / ln(classes) (–)", XMin: 0, XMax: 1, IntX: true},
			Series{Name: name, X: epochs, Y: s.NormTrainLossPerEpoch})
	}); err != nil {
		return s, err
	}
	// Neuron inputs (pre-activations) per layer.
	var preBars []Bars
	var preRows [][]string
	for l, z := range r.Result.PreActivations {
		h := nn.NewHistogram(z, 80, true)
		b := Bars{Name: fmt.Sprintf("layer %d (%dx%d)", l+1, r.Sizes[l], r.Sizes[l+1])}
		w := (h.Hi - h.Lo) / float64(len(h.Counts))
		total := float64(len(z))
		for k, c := range h.Counts {
			lo := h.Lo + float64(k)*w
			b.Edges = append(b.Edges, lo)
			b.Counts = append(b.Counts, float64(c)/total)
			preRows = append(preRows, []string{strconv.Itoa(l + 1), F(lo), F(lo + w), strconv.FormatInt(c, 10)})
		}
		b.Edges = append(b.Edges, h.Hi)
		preBars = append(preBars, b)
	}
	if err := WriteCSV(filepath.Join(dir, "neuron_input_hist.csv"), []string{"layer", "lo", "hi", "count"}, preRows); err != nil {
		return s, err
	}
	if err := plotIf(plots, func() error {
		return HistPlot(filepath.Join(dir, "neuron_input_hist"), Axes{Title: "Neuron inputs (pre-activations) after training, test set", X: "neuron input z (–)", Y: "fraction of inputs (–)"}, preBars...)
	}); err != nil {
		return s, err
	}
	// Weight updates: every layer to CSV, first and last in the plot.
	var updRows [][]string
	var updBars []Bars
	for l, h := range r.Result.UpdateHist {
		bins := h.MagnitudeBins()
		b := Bars{Name: fmt.Sprintf("layer %d (%dx%d)", l+1, r.Sizes[l], r.Sizes[l+1])}
		for _, bin := range bins {
			updRows = append(updRows, []string{strconv.Itoa(l + 1), F(bin.Lo), F(bin.Hi), strconv.FormatInt(bin.Count, 10)})
		}
		ob := octaveBars(h)
		b.Edges, b.Counts = ob.Edges, ob.Counts
		if l == 0 || l == len(r.Result.UpdateHist)-1 {
			updBars = append(updBars, b)
		}
	}
	if err := WriteCSV(filepath.Join(dir, "weight_update_hist.csv"), []string{"layer", "abs_lo", "abs_hi", "count"}, updRows); err != nil {
		return s, err
	}
	if err := plotIf(plots, func() error {
		return HistPlot(filepath.Join(dir, "weight_update_hist"), Axes{Title: "|weight update| per step, final epoch: first vs last layer", X: "|ΔW| per step (–)", Y: "fraction of updates (1/decade)", LogX: true, LegendLeft: true}, updBars...)
	}); err != nil {
		return s, err
	}
	return s, nil
}

// plotIf draws a figure unless plots is false (--plots=false: data files
// only).
func plotIf(plots bool, draw func() error) error {
	if !plots {
		return nil
	}
	return draw()
}
