package converge_test

import (
	"errors"
	"fmt"

	"github.com/mrelu/mrelu/circuit"
	"github.com/mrelu/mrelu/device"
)

// A failure of either solver answers to both packages' name for the
// condition.
func Example() {
	err := fmt.Errorf("neuron: transfer at 1e-06 A: %w", circuit.ErrNoConvergence)
	fmt.Println(errors.Is(err, device.ErrNoConvergence))
	// Output: true
}
