package nn

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// TestWorkspaceRowsChangeNothing: Train sizes its workspaces by the larger
// data set when the minibatch is larger; the weights, losses and
// pre-activations are those of workspaces of the full minibatch.
func TestWorkspaceRowsChangeNothing(t *testing.T) {
	train, test := synthetic(70, 12, 3, 1), synthetic(30, 12, 3, 2)
	cfg := Config{Epochs: 3, Batch: 256, LR: 0.2, Seed: 7}
	var nets [2]*Network
	var losses [2][]float64
	for k, rows := range []int{256, 70} {
		net, err := New([]int{12, 16, 8, 3}, ReLU{}, rand.New(rand.NewPCG(3, 4)))
		if err != nil {
			t.Fatal(err)
		}
		tr, err := newTrainer(net, cfg, rows)
		if err != nil {
			t.Fatal(err)
		}
		if len(tr.x) != rows*12 {
			t.Fatalf("rows %d: workspace of %d values", rows, len(tr.x))
		}
		for e := 1; e <= cfg.Epochs; e++ {
			l, _, _ := tr.Epoch(e, train, e == cfg.Epochs)
			tl, _ := tr.Evaluate(test, nil)
			losses[k] = append(losses[k], l, tl)
		}
		nets[k] = net
	}
	if !slices.Equal(losses[0], losses[1]) {
		t.Errorf("losses %v vs %v", losses[0], losses[1])
	}
	for l := range nets[0].Layers {
		if !slices.Equal(nets[0].Layers[l].W, nets[1].Layers[l].W) || !slices.Equal(nets[0].Layers[l].B, nets[1].Layers[l].B) {
			t.Errorf("layer %d differs", l)
		}
	}
}

// TestMemoryOf: the estimate of the trainer's buffers equals what
// NewTrainer and New allocate (runtime.MemStats), within 10 %.
func TestMemoryOf(t *testing.T) {
	sizes := []int{784, 300, 200, 10}
	m := MemoryOf(sizes, 400, 1000, 500)
	if want := int64((785*300 + 301*200 + 201*10)); m.Params != want {
		t.Fatalf("params %d, want %d", m.Params, want)
	}
	if m.Activations != 4*400*(784+3*510+300+320+224+32)+8*1000 {
		t.Errorf("activations %d", m.Activations)
	}
	if m.Checkpoint != CheckpointBytesPerParam*m.Params || m.PreActivations != 4*500*510 || m.Histograms != 8*500*300 {
		t.Errorf("memory %+v", m)
	}
	// Rows: min(batch, larger set).
	if small := MemoryOf(sizes, 400, 50, 20); small.Activations != 4*50*(784+3*510+300+320+224+32)+8*50 {
		t.Errorf("activations with 50 images: %d", small.Activations)
	}
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	net, err := New(sizes, ReLU{}, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := newTrainer(net, Config{Epochs: 1, Batch: 400, LR: 0.1}, 400)
	if err != nil {
		t.Fatal(err)
	}
	tr.perm = make([]int, 1000)
	runtime.ReadMemStats(&m1)
	runtime.KeepAlive(tr)
	got := float64(m1.TotalAlloc - m0.TotalAlloc)
	want := float64(m.Network + m.Gradients + m.Activations)
	if got < 0.9*want || got > 1.1*want+64<<10 {
		t.Errorf("allocated %g bytes, estimate %g", got, want)
	}
}
