package nn

import (
	"math/rand/v2"
	"testing"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/internal/kernel"
)

// benchEpoch times one training epoch of the paper's network
// (784-100-100-100-10, batch 500, lr 0.1) on the real MNIST training set.
func benchEpoch(b *testing.B, act Activation, threads int) {
	train, _, err := dataset.LoadMNIST()
	if err != nil {
		b.Skip("MNIST not available:", err)
	}
	prev := kernel.Threads()
	kernel.SetThreads(threads)
	defer kernel.SetThreads(prev)
	net, _ := New([]int{784, 100, 100, 100, 10}, act, rand.New(rand.NewPCG(1, 1)))
	tr, err := NewTrainer(net, Config{Epochs: 1, Batch: 500, LR: 0.1, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	tr.Epoch(1, train, false) // warm-up
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tr.Epoch(i+2, train, false)
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/epoch")
}

func BenchmarkEpochReLU1Thread(b *testing.B)     { benchEpoch(b, ReLU{}, 1) }
func BenchmarkEpochReLU2Threads(b *testing.B)    { benchEpoch(b, ReLU{}, 2) }
func BenchmarkEpochSigmoid2Threads(b *testing.B) { benchEpoch(b, Sigmoid{}, 2) }

// BenchmarkStep times one SGD step of batch 500 (no data shuffling).
func BenchmarkStep(b *testing.B) {
	x := make([]float32, 500*784)
	y := make([]uint8, 500)
	rng := rand.New(rand.NewPCG(2, 2))
	for i := range x {
		x[i] = rng.Float32()
	}
	for i := range y {
		y[i] = uint8(rng.IntN(10))
	}
	net, _ := New([]int{784, 100, 100, 100, 10}, ReLU{}, rand.New(rand.NewPCG(1, 1)))
	tr, _ := NewTrainer(net, Config{Epochs: 1, Batch: 500, LR: 0.1})
	tr.Step(x, y, 500)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tr.Step(x, y, 500)
	}
}
