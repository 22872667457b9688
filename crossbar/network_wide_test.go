package crossbar

import (
	"math/rand/v2"
	"testing"

	"github.com/mrelu/mrelu/nn"
)

// TestHiddenWiderThanInput: a network whose hidden layer is wider than its
// input (tiny images) runs on exactly n×Inputs values without panicking.
func TestHiddenWiderThanInput(t *testing.T) {
	net, err := nn.New([]int{4, 16, 3}, nn.ClippedReLU{Max: 2}, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	nw, err := New(net, nil, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	images := []float32{0.1, 0.9, 0.3, 0.5, 1, 0, 0.2, 0.7} // exactly 2 images, no spare capacity
	labels := []uint8{0, 1}
	acc := nw.Accuracy(images[:8:8], labels, 2)
	if acc < 0 || acc > 1 {
		t.Fatalf("accuracy %v", acc)
	}
}
