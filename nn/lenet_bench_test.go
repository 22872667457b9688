package nn

import (
	"math/rand/v2"
	"testing"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/internal/kernel"
)

// benchLeNet5 times one training epoch of LeNet-5 on the 60,000 MNIST
// training images (batch 500, lr 0.1), the test evaluation excluded.
func benchLeNet5(b *testing.B, act Activation, threads int) {
	train, _, err := dataset.LoadMNIST()
	if err != nil {
		b.Skip("MNIST not available:", err)
	}
	prev := kernel.Threads()
	kernel.SetThreads(threads)
	defer kernel.SetThreads(prev)
	net, err := LeNet5(Shape{28, 28, 1}, act, 10, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		b.Fatal(err)
	}
	tr, err := NewSeqTrainer(net, Config{Epochs: 1, Batch: 500, LR: 0.1, Seed: 1})
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

// BenchmarkEpochLeNet5 is a LeNet-5 epoch with ReLU on both cores, the
// figure compared with bench/peer/torch_cnn.py.
func BenchmarkEpochLeNet5(b *testing.B) { benchLeNet5(b, ReLU{}, 2) }

func BenchmarkEpochLeNet5OneThread(b *testing.B) { benchLeNet5(b, ReLU{}, 1) }

// BenchmarkStepLeNet5 times one SGD step of batch 500 on random images.
func BenchmarkStepLeNet5(b *testing.B) {
	net, _ := LeNet5(Shape{28, 28, 1}, ReLU{}, 10, rand.New(rand.NewPCG(1, 1)))
	tr, _ := NewSeqTrainer(net, Config{Epochs: 1, Batch: 500, LR: 0.1})
	rng := rand.New(rand.NewPCG(2, 2))
	x := make([]float32, 500*784)
	y := make([]uint8, 500)
	for i := range x {
		x[i] = rng.Float32()
	}
	for i := range y {
		y[i] = uint8(rng.IntN(10))
	}
	tr.Step(x, y, 500)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tr.Step(x, y, 500)
	}
}
