package experiment_test

import (
	"fmt"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/neuron"
)

// Example solves the 2T-1M neuron and uses it as a network activation:
// pre-activations in network units in, output voltages out.
func Example() {
	model, err := experiment.SolveNeuron(device.DefaultParams(), neuron.DefaultParams())
	if err != nil {
		fmt.Println(err)
		return
	}
	act, _ := experiment.NewMReLU(model, 0, 1) // ideal: no temporal variation
	z := []float32{-1, 0, 1, 5}
	y := make([]float32, len(z))
	act.Forward(y, z)
	fmt.Printf("%s: I per unit %.2f µA; Vout %.2f %.2f %.2f %.2f V\n", act.Name(), model.IUnit*1e6, y[0], y[1], y[2], y[3])
	// Output: mrelu-ideal: I per unit 0.78 µA; Vout 0.03 0.03 0.98 1.87 V
}
