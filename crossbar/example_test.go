package crossbar_test

import (
	"fmt"

	"github.com/mrelu/mrelu/crossbar"
	"github.com/mrelu/mrelu/nn"
)

// Program a 3-input, 2-output layer and read it with one input vector.
func Example() {
	w := []float32{ // 3 inputs × 2 outputs, as nn.Dense.W
		0.5, -1,
		1, 0.25,
		-0.5, 0,
	}
	b := []float32{0.1, -0.2}
	p := crossbar.DefaultParams() // 0.1–10 µS, 0.2 V per unit, matched mirror
	l, err := crossbar.Program(w, 3, 2, b, p, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	gp, gn := l.Conductances()
	fmt.Printf("GScale %.3g µS per unit weight; w = -1 is (G+, G-) = (%.3g, %.3g) µS\n", l.GScale()*1e6, gp[1]*1e6, gn[1]*1e6)

	x := []float32{1, 0.5, 0} // pixel intensities: z = x·W + b = (1.1, -1.075)
	volts := make([]float32, 3)
	for i, v := range x {
		volts[i] = float32(p.ReadScale) * v
	}
	col := make([]float32, 2)
	l.Currents(col, volts, 1)
	fmt.Printf("column currents %.4g µA, %.4g µA (%.3g µA per unit)\n", col[0]*1e6, col[1]*1e6, l.ColumnCurrentPerUnit()*1e6)

	in := make([]float32, 2)
	l.NeuronInputs(in, volts, 1)
	fmt.Printf("mirror gain %.4g: neuron inputs %.4g µA, %.4g µA\n", l.MirrorGain(), in[0]*1e6, in[1]*1e6)

	vout := make([]float32, 2)
	crossbar.IdealNeuron{UnitCurrent: float32(p.UnitCurrent), VMax: float32(p.VDD)}.Eval(vout, in)
	fmt.Printf("ideal mReLU outputs %.4g V, %.4g V\n", vout[0], vout[1])
	// Output:
	// GScale 9.9 µS per unit weight; w = -1 is (G+, G-) = (0.1, 10) µS
	// column currents 2.178 µA, -2.128 µA (1.98 µA per unit)
	// mirror gain 0.3928: neuron inputs 0.8556 µA, -0.8361 µA
	// ideal mReLU outputs 1.1 V, 0 V
}

// Run a small trained-looking network in crossbar hardware.
func ExampleNew() {
	net := &nn.Network{Sizes: []int{2, 2, 2}, Act: nn.ClippedReLU{Max: 2}, Layers: []*nn.Dense{
		{In: 2, Out: 2, W: []float32{1, -1, -1, 1}, B: []float32{0, 0}},
		{In: 2, Out: 2, W: []float32{1, -1, -1, 1}, B: []float32{0, 0}},
	}}
	cb, err := crossbar.New(net, nil, crossbar.DefaultParams()) // ideal neurons
	if err != nil {
		fmt.Println(err)
		return
	}
	images := []float32{0.9, 0.1, 0.2, 0.7} // two inputs: class 0, class 1
	out := make([]float32, 4)
	cb.Forward(out, images, 2)
	fmt.Printf("output currents: [%.3g %.3g] µA, [%.3g %.3g] µA\n", out[0]*1e6, out[1]*1e6, out[2]*1e6, out[3]*1e6)
	fmt.Println("accuracy:", cb.Accuracy(images, []uint8{0, 1}, 2))
	fmt.Printf("read energy at 650 ns: %.3g pJ per inference\n", cb.ReadEnergy(images, 2, 650e-9)*1e12)
	// Output:
	// output currents: [7.92 -7.92] µA, [-4.95 4.95] µA
	// accuracy: 1
	// read energy at 650 ns: 6.47 pJ per inference
}
