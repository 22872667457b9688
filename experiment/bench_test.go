package experiment

import (
	"math/rand/v2"
	"testing"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/nn"
)

// benchEpoch times one training epoch of 784-100-100-100-10 on MNIST with
// the given activation (batch 500, lr 0.1, both cores).
func benchEpoch(b *testing.B, act nn.Activation) {
	train := benchMNIST(b)
	tr := epochTrainer(b, act, train)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tr.Epoch(i+2, train, false)
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/epoch")
}

// benchMNIST returns the MNIST training set (the benchmark is skipped
// without it).
func benchMNIST(b *testing.B) *dataset.Set {
	train, _, err := dataset.LoadMNIST()
	if err != nil {
		b.Skip("MNIST not available:", err)
	}
	return train
}

// epochTrainer returns a trainer of 784-100-100-100-10 with act (batch
// 500, lr 0.1), after one warm-up epoch on train.
func epochTrainer(b *testing.B, act nn.Activation, train *dataset.Set) *nn.Trainer {
	net, _ := nn.New([]int{784, 100, 100, 100, 10}, act, rand.New(rand.NewPCG(1, 1)))
	tr, err := nn.NewTrainer(net, nn.Config{Epochs: 1, Batch: 500, LR: 0.1, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	tr.Epoch(1, train, false)
	return tr
}

// BenchmarkEpochSoftwareReLU is the reference for the hardware neuron's
// cost (issue: an mReLU epoch with variation must cost at most 1.5x this).
func BenchmarkEpochSoftwareReLU(b *testing.B) { benchEpoch(b, nn.ReLU{}) }

// BenchmarkEpochMReLUVariation is an epoch with the solved 2T-1M neuron in
// the loop and 9.9 % temporal variation per evaluation.
func BenchmarkEpochMReLUVariation(b *testing.B) {
	m, err := SolveNeuron(defaultDevice(), defaultNeuron())
	if err != nil {
		b.Fatal(err)
	}
	act, err := NewMReLU(m, DefaultVariation, 1)
	if err != nil {
		b.Fatal(err)
	}
	benchEpoch(b, act)
}

// BenchmarkEpochMReLUIdeal is the same neuron without variation.
func BenchmarkEpochMReLUIdeal(b *testing.B) {
	m, err := SolveNeuron(defaultDevice(), defaultNeuron())
	if err != nil {
		b.Fatal(err)
	}
	act, _ := NewMReLU(m, 0, 1)
	benchEpoch(b, act)
}
