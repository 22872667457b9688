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
	train := benchMNIST(b, threads)
	net, _ := New([]int{784, 100, 100, 100, 10}, act, rand.New(rand.NewPCG(1, 1)))
	tr, err := NewTrainer(net, Config{Epochs: 1, Batch: 500, LR: 0.1, Seed: 1, Threads: threads})
	if err != nil {
		b.Fatal(err)
	}
	timeEpochs(b, func(e int) { tr.Epoch(e, train, false) })
}

// benchMNIST returns the MNIST training set, skipping the benchmark
// without it, and runs the kernels on threads threads until it ends.
func benchMNIST(b *testing.B, threads int) *dataset.Set {
	train, _, err := dataset.LoadMNIST()
	if err != nil {
		b.Skip("MNIST not available:", err)
	}
	prev := kernel.Threads()
	kernel.SetThreads(threads)
	b.Cleanup(func() { kernel.SetThreads(prev) })
	return train
}

// timeEpochs times epoch(e) for e = 2, 3, ... after a warm-up epoch 1.
func timeEpochs(b *testing.B, epoch func(e int)) {
	epoch(1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		epoch(i + 2)
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/epoch")
}

// timeSteps times step (an SGD step of batch 500 on benchBatch) after a
// warm-up step, with its allocations.
func timeSteps(b *testing.B, step func(x []float32, y []uint8)) {
	x, y := benchBatch()
	step(x, y)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		step(x, y)
	}
}

// benchBatch returns 500 random 28x28 images and labels.
func benchBatch() ([]float32, []uint8) {
	x := make([]float32, 500*784)
	y := make([]uint8, 500)
	rng := rand.New(rand.NewPCG(2, 2))
	for i := range x {
		x[i] = rng.Float32()
	}
	for i := range y {
		y[i] = uint8(rng.IntN(10))
	}
	return x, y
}

func BenchmarkEpochReLU1Thread(b *testing.B)     { benchEpoch(b, ReLU{}, 1) }
func BenchmarkEpochReLU2Threads(b *testing.B)    { benchEpoch(b, ReLU{}, 2) }
func BenchmarkEpochSigmoid2Threads(b *testing.B) { benchEpoch(b, Sigmoid{}, 2) }

// BenchmarkEpochReLUStack is BenchmarkEpochReLU2Threads with the network
// described as a stack (MLP) and trained through the stack API
// (StackTrainer), which runs it on the fused MLP trainer.
func BenchmarkEpochReLUStack(b *testing.B) {
	train := benchMNIST(b, 2)
	s, _ := MLP([]int{784, 100, 100, 100, 10}, ReLU{}, rand.New(rand.NewPCG(1, 1)))
	tr, err := NewStackTrainer(s, Config{Epochs: 1, Batch: 500, LR: 0.1, Seed: 1, Threads: 2})
	if err != nil || !tr.Fused() {
		b.Fatal("the MLP stack does not run on the fused trainer:", err)
	}
	timeEpochs(b, func(e int) { tr.Epoch(e, train, false) })
}

// BenchmarkStep times one SGD step of batch 500 (no data shuffling).
func BenchmarkStep(b *testing.B) {
	net, _ := New([]int{784, 100, 100, 100, 10}, ReLU{}, rand.New(rand.NewPCG(1, 1)))
	tr, _ := NewTrainer(net, Config{Epochs: 1, Batch: 500, LR: 0.1})
	timeSteps(b, func(x []float32, y []uint8) { tr.Step(x, y, 500) })
}

// benchInference times Evaluate on the 10,000 MNIST test images (pixel
// bytes converted inside, forward, loss and accuracy) with a trained-shape
// network and reports images per second.
func benchInference(b *testing.B, threads int) {
	train, test, err := dataset.LoadMNIST()
	if err != nil {
		b.Skip("MNIST not available:", err)
	}
	net, _ := New([]int{784, 100, 100, 100, 10}, ReLU{}, rand.New(rand.NewPCG(1, 1)))
	tr, err := newTrainer(net, Config{Epochs: 1, Batch: 500, LR: 0.1, Seed: 1, Threads: threads}, min(500, max(train.N, test.N)))
	if err != nil {
		b.Fatal(err)
	}
	tr.Evaluate(test, nil) // warm-up
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tr.Evaluate(test, nil)
	}
	b.ReportMetric(float64(test.N)*float64(b.N)/b.Elapsed().Seconds(), "images/s")
}

func BenchmarkInference1Thread(b *testing.B)  { benchInference(b, 1) }
func BenchmarkInference2Threads(b *testing.B) { benchInference(b, 2) }

// BenchmarkEpochReLUSideBySide trains two networks at once, one thread
// each (Config.Threads = 1), and reports the wall time divided by the
// epochs done (two per op): the throughput of independent runs of a study
// scheduled side by side, to compare with BenchmarkEpochReLU2Threads (one
// run on both cores at a time).
func BenchmarkEpochReLUSideBySide(b *testing.B) {
	train, _, err := dataset.LoadMNIST()
	if err != nil {
		b.Skip("MNIST not available:", err)
	}
	var trs [2]*Trainer
	for k := range trs {
		net, _ := New([]int{784, 100, 100, 100, 10}, ReLU{}, rand.New(rand.NewPCG(uint64(k+1), 1)))
		trs[k], err = NewTrainer(net, Config{Epochs: 1, Batch: 500, LR: 0.1, Seed: uint64(k + 1), Threads: 1})
		if err != nil {
			b.Fatal(err)
		}
		trs[k].Epoch(1, train, false) // warm-up
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		done := make(chan struct{})
		go func() {
			trs[1].Epoch(i+2, train, false)
			close(done)
		}()
		trs[0].Epoch(i+2, train, false)
		<-done
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(2*b.N), "s/epoch")
}
