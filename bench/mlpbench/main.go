// Command mlpbench is the Go side of bench/train_vs_peers.sh: it trains the
// peers' network (784-100-100-100-10, ReLU, batch 500, lr 0.1, MNIST) with
// nn.Trainer for --epochs epochs on --threads threads, timing each training
// pass (gather, forward, backward, update) apart from the test evaluation,
// then times --infer-repeats passes of inference over the 10,000 test
// images (nn.Trainer.Evaluate: pixel bytes converted, forward, softmax,
// loss and accuracy) and prints one JSON line in the peers' schema
// (bench/peer/peercommon.py) with "infer_images_per_s" added.
//
//	go run ./bench/mlpbench --epochs 5 --threads 2
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/internal/kernel"
	"github.com/mrelu/mrelu/nn"
)

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func main() {
	epochs := flag.Int("epochs", 5, "training epochs")
	threads := flag.Int("threads", 2, "threads of a step (kernel.SetThreads and nn.Config.Threads)")
	repeats := flag.Int("infer-repeats", 20, "timed inference passes over the test set")
	act := flag.String("act", "relu", "hidden activation (relu, sigmoid, relu2)")
	data := flag.String("data", "", "MNIST-style IDX folder (default: the built-in MNIST)")
	flag.Parse()
	if *epochs < 1 || *threads < 1 || *repeats < 1 {
		fmt.Fprintln(os.Stderr, "mlpbench: --epochs, --threads and --infer-repeats must be >= 1")
		os.Exit(2)
	}
	var train, test *dataset.Set
	var err error
	if *data == "" {
		train, test, err = dataset.LoadMNIST()
	} else {
		train, test, err = dataset.LoadDir(*data)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mlpbench:", err)
		os.Exit(1)
	}
	a, err := nn.NewActivation(*act)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mlpbench:", err)
		os.Exit(2)
	}
	kernel.SetThreads(*threads)
	net, err := nn.New([]int{train.Dim(), 100, 100, 100, max(train.Classes, test.Classes)}, a, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		fmt.Fprintln(os.Stderr, "mlpbench:", err)
		os.Exit(1)
	}
	tr, err := nn.NewTrainer(net, nn.Config{Epochs: *epochs, Batch: 500, LR: 0.1, Seed: 1, Threads: *threads})
	if err != nil {
		fmt.Fprintln(os.Stderr, "mlpbench:", err)
		os.Exit(1)
	}
	var secs, accs, losses, evals []float64
	for e := 1; e <= *epochs; e++ {
		loss, _, s := tr.Epoch(e, train, false)
		t0 := time.Now()
		_, acc := tr.Evaluate(test, nil)
		ev := time.Since(t0).Seconds()
		secs, accs, losses, evals = append(secs, s), append(accs, acc), append(losses, loss), append(evals, ev)
		fmt.Fprintf(os.Stderr, "epoch %3d/%d  train %7.3f s  loss %.4f  test acc %.4f  (eval %.4f s)\n", e, *epochs, s, loss, acc, ev)
	}
	var infer []float64
	for i := 0; i < *repeats; i++ {
		t0 := time.Now()
		tr.Evaluate(test, nil)
		infer = append(infer, time.Since(t0).Seconds())
	}
	med := median(infer)
	out := map[string]any{
		"peer": "mrelu", "threads": *threads, "act": *act, "epochs": *epochs,
		"epoch_seconds": secs, "median_epoch_s": median(secs),
		"test_accuracy_per_epoch": accs, "test_accuracy": accs[len(accs)-1],
		"train_loss_per_epoch": losses, "eval_seconds": evals,
		"infer_seconds": infer, "infer_median_s": med, "infer_images": test.N,
		"infer_images_per_s": float64(test.N) / med,
		"lr":                 0.1, "batch": 500, "seed": 1,
		"versions": map[string]any{"go": runtime.Version(), "kernel": kernel.Impl(), "gomaxprocs": runtime.GOMAXPROCS(0)},
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
}
