package nn_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/nn"
)

// Example trains a small network on a toy two-class set (the class is
// which half of the inputs is bright) and reads the instruments.
func Example() {
	rng := rand.New(rand.NewPCG(1, 2))
	set := &dataset.Set{N: 200, Rows: 1, Cols: 8, Classes: 2, Images: make([]float32, 200*8), Labels: make([]uint8, 200)}
	for i := 0; i < set.N; i++ {
		c := rng.IntN(2)
		set.Labels[i] = uint8(c)
		for j := 0; j < 8; j++ {
			v := 0.2 * rng.Float32()
			if j/4 == c {
				v += 0.8
			}
			set.Images[i*8+j] = v
		}
	}
	net, _ := nn.New([]int{8, 6, 2}, nn.ReLU{}, rand.New(rand.NewPCG(3, 4)))
	res, err := nn.Train(net, set, set, nn.Config{Epochs: 5, Batch: 20, LR: 0.1, Seed: 5})
	if err != nil {
		fmt.Println(err)
		return
	}
	last := res.Epochs[len(res.Epochs)-1]
	fmt.Printf("accuracy %.2f, layers instrumented %d\n", last.TestAccuracy, len(last.MeanAbsUpdate))
	// Output: accuracy 1.00, layers instrumented 2
}
