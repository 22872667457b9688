package nn

import (
	"math/rand/v2"
	"testing"
)

// benchLeNet5 times one training epoch of LeNet-5 on the 60,000 MNIST
// training images (batch 500, lr 0.1), the test evaluation excluded.
func benchLeNet5(b *testing.B, act Activation, threads int) {
	train := benchMNIST(b, threads)
	net, err := LeNet5(Shape{28, 28, 1}, act, 10, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		b.Fatal(err)
	}
	tr, err := NewSeqTrainer(net, Config{Epochs: 1, Batch: 500, LR: 0.1, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	timeEpochs(b, func(e int) { tr.Epoch(e, train, false) })
}

// BenchmarkEpochLeNet5 is a LeNet-5 epoch with ReLU on both cores, the
// figure compared with bench/peer/torch_cnn.py.
func BenchmarkEpochLeNet5(b *testing.B) { benchLeNet5(b, ReLU{}, 2) }

func BenchmarkEpochLeNet5OneThread(b *testing.B) { benchLeNet5(b, ReLU{}, 1) }

// BenchmarkStepLeNet5 times one SGD step of batch 500 on random images.
func BenchmarkStepLeNet5(b *testing.B) {
	net, _ := LeNet5(Shape{28, 28, 1}, ReLU{}, 10, rand.New(rand.NewPCG(1, 1)))
	tr, _ := NewSeqTrainer(net, Config{Epochs: 1, Batch: 500, LR: 0.1})
	timeSteps(b, func(x []float32, y []uint8) { tr.Step(x, y, 500) })
}
