package experiment

import (
	"errors"
	"math"
	"slices"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/nn"
)

// MaxSeeds bounds --seeds.
const MaxSeeds = 100

// SeedAccuracy is one seed's test accuracy.
type SeedAccuracy struct {
	Seed         uint64  `json:"seed"`
	TestAccuracy float64 `json:"test_accuracy"`
	// TestAccuracyIdeal is, for a network trained with the ideal neuron
	// and tested with the noise (Fig4Config.TrainedIdeal), its accuracy
	// with the ideal neuron (0: not such a run).
	TestAccuracyIdeal float64 `json:"test_accuracy_ideal_neuron,omitempty"`
}

// SeedStats are the test accuracies of several seeds: their mean, sample
// standard deviation (0 for one seed) and the list.
type SeedStats struct {
	Mean    float64        `json:"test_accuracy_mean"`
	SD      float64        `json:"test_accuracy_sd"`
	PerSeed []SeedAccuracy `json:"test_accuracy_per_seed"`
}

// SeedCurves is a run's test accuracy over its seeds: after the last
// epoch (SeedStats) and, for each epoch every seed has, the mean and the
// sample s.d.
type SeedCurves struct {
	SeedStats
	TestAccuracyPerEpochMean []float64 `json:"test_accuracy_per_epoch_mean"`
	TestAccuracyPerEpochSD   []float64 `json:"test_accuracy_per_epoch_sd"`
}

// NewSeedStats summarises per-seed accuracies.
func NewSeedStats(per []SeedAccuracy) SeedStats {
	v := make([]float64, len(per))
	for i, p := range per {
		v[i] = p.TestAccuracy
	}
	m, sd := MeanSD(v)
	return SeedStats{Mean: m, SD: sd, PerSeed: per}
}

// MeanSD returns the mean and the sample standard deviation (n − 1) of v;
// the deviation is 0 for fewer than two values, and both are NaN for none.
// Equal values give that value and 0 exactly (no rounding noise of the
// sum: 0.1 three times has mean 0.1, s.d. 0).
func MeanSD(v []float64) (mean, sd float64) {
	if len(v) == 0 {
		return math.NaN(), math.NaN()
	}
	if !slices.ContainsFunc(v, func(x float64) bool { return x != v[0] }) {
		return v[0], 0
	}
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	if len(v) < 2 {
		return mean, 0
	}
	var ss float64
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(v)-1))
}

// MeanSDPerEpoch returns, for each epoch that every series has (a series
// is one seed's values per epoch), the mean and sample s.d. over the
// series (MeanSD); nil for no series.
func MeanSDPerEpoch(series [][]float64) (mean, sd []float64) {
	if len(series) == 0 {
		return nil, nil
	}
	n := len(series[0])
	for _, s := range series {
		n = min(n, len(s))
	}
	v := make([]float64, len(series))
	for e := range n {
		for i, s := range series {
			v[i] = s[e]
		}
		m, d := MeanSD(v)
		mean, sd = append(mean, m), append(sd, d)
	}
	return mean, sd
}

// SeedList returns the n seeds first, first+1, ... (n < 1: one).
func SeedList(first uint64, n int) []uint64 {
	n = max(n, 1)
	out := make([]uint64, n)
	for i := range out {
		out[i] = first + uint64(i)
	}
	return out
}

// TestWith returns the test accuracy of the trained net evaluated with the
// hidden activation act instead of its own (e.g. trained with the ideal
// neuron, tested with the noisy one), in minibatches of batch.
func TestWith(net *nn.Network, act nn.Activation, test *dataset.Set, batch int) (float64, error) {
	if net == nil || act == nil || test == nil || test.N == 0 {
		return math.NaN(), errors.New("experiment: TestWith needs a network, an activation and a test set")
	}
	swapped := &nn.Network{Sizes: net.Sizes, Layers: net.Layers, Act: act}
	tr, err := nn.NewTrainer(swapped, nn.Config{Epochs: 1, Batch: batch, LR: 1})
	if err != nil {
		return math.NaN(), err
	}
	_, acc := tr.Evaluate(test, nil)
	return acc, nil
}
