package experiment

// The result of the Fig. 4 study (fig4.go runs it) and the numbers derived
// from it for the report: accuracies over the seeds, per epoch, the
// paper-setting and best hardware-aware runs, the neuron input currents.

import (
	"math"
	"slices"

	"github.com/mrelu/mrelu/nn"
)

// SweepPoint is one point of accuracy versus neuron variation.
type SweepPoint struct {
	Variation    float64 `json:"variation"`
	TestAccuracy float64 `json:"test_accuracy"` // first seed
	Run          string  `json:"run"`           // the run it comes from
	// The mean and sample s.d. over the seeds (Fig4Params.Seeds).
	TestAccuracyMean float64 `json:"test_accuracy_mean"`
	TestAccuracySD   float64 `json:"test_accuracy_sd"`
}

// SeedRun is what Fig4 keeps of one seed of a run.
type SeedRun struct {
	Seed                 uint64      `json:"seed"`
	TestAccuracy         float64     `json:"test_accuracy"`
	TestAccuracyPerEpoch []float64   `json:"test_accuracy_per_epoch"`
	SaturatedFraction    [][]float64 `json:"saturated_fraction_per_layer,omitempty"` // [layer][epoch]
	// TestAccuracyIdeal is, for a configuration trained with the ideal
	// neuron (Fig4Config.TrainedIdeal), the final test accuracy with that
	// neuron; TestAccuracy is then the same network's with the noisy one,
	// and TestAccuracyPerEpoch the ideal neuron's during training.
	TestAccuracyIdeal float64 `json:"test_accuracy_ideal_neuron,omitempty"`
}

// HardwareAware compares training with and without the noisy neuron in
// the loop, over the seeds: the networks trained with the ideal mReLU
// tested with the noisy one (Base.Noise, Base.Variation), against those
// trained and tested with it (the mrelu run).
type HardwareAware struct {
	Noise                   string    `json:"noise_model"`
	Variation               float64   `json:"variation"`
	TrainedIdealTestedIdeal SeedStats `json:"trained_ideal_tested_ideal"`
	TrainedIdealTestedNoisy SeedStats `json:"trained_ideal_tested_noisy"`
	TrainedNoisyTestedNoisy SeedStats `json:"trained_noisy_tested_noisy"`
}

// SaturatedPerLayer returns [layer][epoch] of the runs' per-epoch
// saturated fractions (nil when the activation reports none).
func SaturatedPerLayer(eps []nn.EpochStats) [][]float64 {
	var out [][]float64
	for _, e := range eps {
		if e.SaturatedFraction == nil {
			return nil
		}
		if out == nil {
			out = make([][]float64, len(e.SaturatedFraction))
		}
		for l, f := range e.SaturatedFraction {
			if l < len(out) {
				out[l] = append(out[l], f)
			}
		}
	}
	return out
}

// Fig4Result holds every run of the study.
type Fig4Result struct {
	Params Fig4Params
	Neuron *NeuronModel
	// Runs by name, in Params.Acts order, then the extra sweep runs
	// named "mrelu-var<percent>".
	Names []string
	Runs  map[string]*TrainRun
	Sweep []SweepPoint
	// Seeds holds every seed of every run (the first is Runs[name]).
	Seeds map[string][]SeedRun
	// HardwareAware is set when both mrelu-ideal and mrelu were run.
	HardwareAware *HardwareAware
}

// SeedStats returns the accuracy statistics of the named run over its
// seeds.
func (r *Fig4Result) SeedStats(name string) SeedStats {
	var per []SeedAccuracy
	for _, s := range r.Seeds[name] {
		per = append(per, SeedAccuracy{Seed: s.Seed, TestAccuracy: s.TestAccuracy, TestAccuracyIdeal: s.TestAccuracyIdeal})
	}
	return NewSeedStats(per)
}

// Fig4Targets are the accuracies the project aims at (issue 5): software
// ReLU and sigmoid the paper's (Fig. 4c), the hardware mReLU with and
// without variation 96.5 %.
var Fig4Targets = map[string]float64{"relu": PaperAccuracyReLU, ActMReLU: 0.965, ActMReLUIdeal: 0.965, "sigmoid": PaperAccuracySigmoid}

// IsMain reports whether name is one of the compared neurons (not an
// extra variation-sweep run).
func (r *Fig4Result) IsMain(name string) bool { return r.Params.IsMain(name) }

// IsMain reports whether the run name is one of the compared neurons
// (Acts), not an extra run of the variation sweep or a configuration.
func (p Fig4Params) IsMain(name string) bool { return slices.Contains(p.Acts, name) }

// SeedCurves returns the named run's test accuracy over its seeds, final
// and per epoch (SeedStats, PerEpochMeanSD).
func (r *Fig4Result) SeedCurves(name string) SeedCurves {
	c := SeedCurves{SeedStats: r.SeedStats(name)}
	c.TestAccuracyPerEpochMean, c.TestAccuracyPerEpochSD = r.PerEpochMeanSD(name)
	return c
}

// PerEpochMeanSD returns, per epoch, the mean and sample s.d. of the named
// run's seeds' test accuracies (over the epochs every seed has).
func (r *Fig4Result) PerEpochMeanSD(name string) (mean, sd []float64) {
	var series [][]float64
	for _, s := range r.Seeds[name] {
		series = append(series, s.TestAccuracyPerEpoch)
	}
	return MeanSDPerEpoch(series)
}

// InputCurrentStats summarise the input currents of a hidden layer's
// neurons, z·IUnit (A), over the test set after training.
type InputCurrentStats struct {
	// RMS is their root mean square (A); Within10uA of the N currents
	// are within ±10 µA.
	RMS           float64
	Within10uA, N int
}

// InputCurrents is, for each hidden layer of the named run (its first
// seed), the statistics of its neurons' input currents; nil without the
// run or its neuron inputs.
func (r *Fig4Result) InputCurrents(name string) []InputCurrentStats {
	run := r.Runs[name]
	if run == nil || run.Result == nil || len(run.Result.PreActivations) < 2 {
		return nil
	}
	var out []InputCurrentStats
	pre := run.Result.PreActivations
	for _, z := range pre[:len(pre)-1] {
		var s2 float64
		st := InputCurrentStats{N: len(z)}
		for _, v := range z {
			c := float64(v) * r.Neuron.IUnit
			s2 += c * c
			if math.Abs(c) < 10e-6 {
				st.Within10uA++
			}
		}
		st.RMS = math.Sqrt(s2 / float64(len(z)))
		out = append(out, st)
	}
	return out
}

// SettingRuns names the paper-setting run and our best hardware-aware one
// (the act mrelu run at the study's variation, not a configuration, with
// the highest mean accuracy over its seeds), each "" when absent.
func (r *Fig4Result) SettingRuns() (paper, best string) {
	bestMean := 0.0
	for _, name := range r.Names {
		run := r.Runs[name]
		switch c := r.Params.Config(name); {
		case c != nil && name == PaperSettingName:
			paper = name
		case c == nil && actKind(run.Params.Act).Noisy && run.Params.Variation == r.Params.Base.Variation:
			if m := r.SeedStats(name).Mean; best == "" || m > bestMean {
				best, bestMean = name, m
			}
		}
	}
	return paper, best
}
