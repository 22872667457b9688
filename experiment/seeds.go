package experiment

import (
	"errors"
	"math"

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
func MeanSD(v []float64) (mean, sd float64) {
	if len(v) == 0 {
		return math.NaN(), math.NaN()
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
