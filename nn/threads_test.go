package nn

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/mrelu/mrelu/internal/kernel"
)

// TestThreadCountChangesNothing: the fused trainer gives the same losses,
// accuracies, updates, histograms, pre-activations and weights, bit for
// bit, on 1, 2, 3 and 4 threads (more threads than this machine may have
// cores: the split alone is under test), with a last batch shorter than
// the others.
func TestThreadCountChangesNothing(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	prev := kernel.Threads()
	kernel.SetThreads(4)
	defer kernel.SetThreads(prev)
	train := synthetic(530, 30, 5, 3)
	test := synthetic(120, 30, 5, 4)
	var want []uint64
	for threads := 1; threads <= 4; threads++ {
		net, err := New([]int{30, 40, 20, 5}, ReLU{}, rand.New(rand.NewPCG(2, 2)))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Train(net, train, test, Config{Epochs: 3, Batch: 100, LR: 0.1, Seed: 5, Threads: threads})
		if err != nil {
			t.Fatal(err)
		}
		got := runBits(res, net.Layers)
		if threads == 1 {
			want = got
			continue
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%d threads: the run differs from the 1-thread run", threads)
		}
	}
}
