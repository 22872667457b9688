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
	set := dataset.Bands(rng, 200, 1, 8, 2, 0.2, 0.8)
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
