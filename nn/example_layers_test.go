package nn_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/mrelu/mrelu/nn"
)

// ExampleNewSequential builds a small convolutional stack for 8x8 gray
// images (NHWC), prints its shapes and trains it one SGD step.
func ExampleNewSequential() {
	net, err := nn.NewSequential(nn.Shape{H: 8, W: 8, C: 1}, rand.New(rand.NewPCG(1, 1)),
		nn.ConvSpec(4, 3, 1, 1), nn.ActSpec(nn.ReLU{}), nn.MaxPoolSpec(2, 2),
		nn.FlattenSpec(), nn.DenseSpec(3))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range net.Layers {
		in, out := l.Shapes()
		fmt.Printf("%T %v -> %v\n", l, in, out)
	}
	tr, _ := nn.NewSeqTrainer(net, nn.Config{Epochs: 1, Batch: 2, LR: 0.1})
	x := make([]float32, 2*64)
	x[10], x[100] = 1, 1
	loss := tr.Step(x, []uint8{0, 2}, 2)
	fmt.Printf("loss before the step %.2f (a uniform guess: ln 3 = 1.10)\n", loss)
	// Output:
	// *nn.Conv2D 8x8x1 -> 8x8x4
	// *nn.Activate 8x8x4 -> 8x8x4
	// *nn.MaxPool2D 8x8x4 -> 4x4x4
	// *nn.Flatten 4x4x4 -> 1x1x64
	// *nn.Dense 1x1x64 -> 1x1x3
	// loss before the step 1.05 (a uniform guess: ln 3 = 1.10)
}
