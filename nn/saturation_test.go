package nn

import (
	"math/rand/v2"
	"testing"

	"github.com/mrelu/mrelu/dataset"
)

func TestCountAtOrAbove(t *testing.T) {
	for _, c := range []struct {
		z    []float32
		thr  float32
		want int
	}{
		{nil, 1.8, 0},
		{[]float32{1.8}, 1.8, 1}, // at the threshold counts
		{[]float32{1.79, 1.8, 1.81, -5, 100}, 1.8, 3},
		{[]float32{-1, 0, 0.5}, 0, 2},
	} {
		if got := CountAtOrAbove(c.z, c.thr); got != c.want {
			t.Errorf("CountAtOrAbove(%v, %v) = %d, want %d", c.z, c.thr, got, c.want)
		}
	}
}

// TestSaturatedFractionHandMade: one input, four hidden relu2 neurons of
// weights 0.5, 1, 2, 4 (saturation input 1.8), inputs 1, 0.5 and 0.25:
// 2 + 1 + 0 of the 12 neuron inputs are at or above 1.8, so 0.25 every
// epoch (the learning rate is too small to move a weight).
func TestSaturatedFractionHandMade(t *testing.T) {
	net, err := New([]int{1, 4, 2}, ClippedReLU{Max: 2}, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	copy(net.Layers[0].W, []float32{0.5, 1, 2, 4})
	clear(net.Layers[0].B)
	set := &dataset.Set{N: 3, Rows: 1, Cols: 1, Images: []float32{1, 0.5, 0.25}, Labels: []uint8{0, 1, 0}, Classes: 2}
	res, err := Train(net, set, set, Config{Epochs: 2, Batch: 3, LR: 1e-30, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Epochs {
		if len(e.SaturatedFraction) != 1 || e.SaturatedFraction[0] != 0.25 {
			t.Errorf("epoch %d: saturated fraction %v, want [0.25]", e.Epoch, e.SaturatedFraction)
		}
	}
	// Batches of one: the same fraction over the epoch's three steps.
	net2, _ := New([]int{1, 4, 2}, ClippedReLU{Max: 2}, rand.New(rand.NewPCG(1, 1)))
	copy(net2.Layers[0].W, []float32{0.5, 1, 2, 4})
	clear(net2.Layers[0].B)
	res, err = Train(net2, set, set, Config{Epochs: 1, Batch: 1, LR: 1e-30, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Epochs[0].SaturatedFraction; len(f) != 1 || f[0] != 0.25 {
		t.Errorf("batch 1: saturated fraction %v, want [0.25]", f)
	}
	// A non-saturating activation reports none.
	net3, _ := New([]int{1, 4, 2}, ReLU{}, rand.New(rand.NewPCG(1, 1)))
	res, err = Train(net3, set, set, Config{Epochs: 1, Batch: 3, LR: 0.1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Epochs[0].SaturatedFraction; f != nil {
		t.Errorf("relu: saturated fraction %v, want none", f)
	}
}
