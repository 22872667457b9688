package experiment

// The numbers derived from a finished training run for its summary
// (summary.json of mrelu train and of every Fig. 4 run): package report
// only maps them to files.

import (
	"fmt"
	"math"
	"sort"

	"github.com/mrelu/mrelu/nn"
)

// FirstEpochAtTarget returns the first epoch (1-based) whose test accuracy
// in acc is at or above target; 0 when none is or target is not > 0.
func FirstEpochAtTarget(acc []float64, target float64) int {
	if target <= 0 {
		return 0
	}
	for i, a := range acc {
		if a >= target {
			return i + 1
		}
	}
	return 0
}

// BestAccuracy returns the largest of acc (0 when empty).
func BestAccuracy(acc []float64) float64 {
	best := 0.0
	for _, a := range acc {
		best = max(best, a)
	}
	return best
}

// Median returns the middle value of v (the upper of the two middle ones
// for an even count; 0 when empty).
func Median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// MedianEpochSeconds is the median wall time of the run's training passes
// (one per epoch; Median's rule).
func (r *TrainRun) MedianEpochSeconds() float64 {
	return Median(r.perEpoch(func(e nn.EpochStats) float64 { return e.Seconds }))
}

// BestAccuracy is the best test accuracy after any epoch (0 without one).
func (r *TrainRun) BestAccuracy() float64 { return BestAccuracy(r.AccuracyPerEpoch()) }

// FirstEpochAtTarget is the first epoch (1-based) whose test accuracy is
// at or above target; 0 when none is or target is not > 0.
func (r *TrainRun) FirstEpochAtTarget(target float64) int {
	return FirstEpochAtTarget(r.AccuracyPerEpoch(), target)
}

// AccuracyPerEpoch is the test accuracy after each epoch.
func (r *TrainRun) AccuracyPerEpoch() []float64 {
	return r.perEpoch(func(e nn.EpochStats) float64 { return e.TestAccuracy })
}

// perEpoch is f of every epoch of the run.
func (r *TrainRun) perEpoch(f func(nn.EpochStats) float64) []float64 {
	var out []float64
	for _, e := range r.Result.Epochs {
		out = append(out, f(e))
	}
	return out
}

// NormTrainLoss returns the training loss per epoch over ln(classes), the
// loss of a uniform guess.
func (r *TrainRun) NormTrainLoss() []float64 {
	lnC := math.Log(float64(r.Sizes[len(r.Sizes)-1]))
	return r.perEpoch(func(e nn.EpochStats) float64 { return e.TrainLoss / lnC })
}

// UpdateRatios returns, per epoch, the mean |ΔW| of the first synaptic
// layer over that of the last (UpdateRatio), and why the last epoch
// whose ratio is not a number has none ("" when every ratio is one).
func (r *TrainRun) UpdateRatios() (perEpoch []float64, nullReason string) {
	for _, e := range r.Result.Epochs {
		first, last := e.MeanAbsUpdate[0], e.MeanAbsUpdate[len(r.Sizes)-2]
		ratio := first / last
		perEpoch = append(perEpoch, ratio)
		if math.IsNaN(ratio) || math.IsInf(ratio, 0) {
			nullReason = updateRatioReason(e.Epoch, first, last, r.Params.LR)
		}
	}
	return perEpoch, nullReason
}

// updateRatioReason explains a first/last update ratio that is not a
// number: the mean |dW| of the first and last layer in epoch are first and
// last.
func updateRatioReason(epoch int, first, last, lr float64) string {
	switch {
	case last == 0 && first == 0:
		return fmt.Sprintf("epoch %d: no weight of the first or last layer changed (mean |dW| = 0; lr = %g), so the first/last update ratio 0/0 is undefined", epoch, lr)
	case last == 0:
		return fmt.Sprintf("epoch %d: no weight of the last layer changed (mean |dW| = 0; lr = %g), so the first/last update ratio is infinite", epoch, lr)
	}
	return fmt.Sprintf("epoch %d: mean |dW| of the first layer %g, of the last %g: the ratio is not a number", epoch, first, last)
}

// HardwareSetting returns the hardware neuron's noise model ("none" for
// mrelu-ideal) and the current per unit of pre-activation it was driven
// with; "" and 0 for a software neuron.
func (r *TrainRun) HardwareSetting() (noise string, inputScale float64) {
	if r.Neuron == nil {
		return "", 0
	}
	noise = "none"
	if actKind(r.Params.Act).Noisy {
		noise = NoiseName(r.Params.Noise)
	}
	inputScale = r.Neuron.IUnit
	if r.Params.InputScale != 0 {
		inputScale = r.Params.InputScale
	}
	return noise, inputScale
}

// TrainLayerStats summarises one synaptic layer after training.
type TrainLayerStats struct {
	Layer  int    `json:"layer"` // 1-based synaptic layer
	Shape  string `json:"shape"` // "784x100"
	Inputs struct {
		Mean         float64 `json:"mean"`
		Std          float64 `json:"std"`
		Min          float64 `json:"min"`
		Max          float64 `json:"max"`
		FracNegative float64 `json:"frac_negative"`
	} `json:"neuron_inputs"` // pre-activations on the test set after training
	MedianAbsUpdate float64 `json:"median_abs_update_final_epoch"`
	P90AbsUpdate    float64 `json:"p90_abs_update_final_epoch"`
}

// LayerStats returns the statistics of every synaptic layer: its neuron
// inputs on the test set and the final epoch's update quantiles.
func (r *TrainRun) LayerStats() []TrainLayerStats {
	var out []TrainLayerStats
	for l := range len(r.Sizes) - 1 {
		ls := TrainLayerStats{Layer: l + 1, Shape: fmt.Sprintf("%dx%d", r.Sizes[l], r.Sizes[l+1])}
		if l < len(r.Result.PreActivations) {
			m := nn.Summarize(r.Result.PreActivations[l])
			ls.Inputs.Mean, ls.Inputs.Std, ls.Inputs.Min, ls.Inputs.Max, ls.Inputs.FracNegative = m.Mean, m.Std, m.Min, m.Max, m.FracNegative
		}
		if l < len(r.Result.UpdateHist) {
			ls.MedianAbsUpdate = r.Result.UpdateHist[l].Quantile(0.5)
			ls.P90AbsUpdate = r.Result.UpdateHist[l].Quantile(0.9)
		}
		out = append(out, ls)
	}
	return out
}
