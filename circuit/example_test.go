package circuit_test

import (
	"fmt"

	"github.com/mrelu/mrelu/circuit"
)

// A resistive divider: operating point, then a DC sweep of the supply.
func Example() {
	c := circuit.New()
	c.AddVoltageSource("vdd", "in", "0", circuit.DC(2))
	c.AddResistor("r1", "in", "out", 1e3)
	c.AddResistor("r2", "out", "0", 3e3)

	op, err := c.OperatingPoint()
	if err != nil {
		fmt.Println(err)
		return
	}
	v, _ := op.Voltage("out")
	i, _ := op.Current("vdd") // SPICE sign: negative while delivering power
	fmt.Printf("V(out) = %.4f V, I(vdd) = %.4g A\n", v, i)

	sweep, err := c.DCSweep("vdd", []float64{0, 1, 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	out, _ := sweep.Voltage("out")
	fmt.Printf("V(out) over the sweep: %.3f\n", out)
	// Output:
	// V(out) = 1.5000 V, I(vdd) = -0.0005 A
	// V(out) over the sweep: [0.000 0.750 1.500]
}

// The step response of an RC low-pass (τ = 1 ms) to a 1 V pulse edge at
// 1 ms, and the energy the source delivered.
func ExampleCircuit_Transient() {
	c := circuit.New()
	c.AddVoltageSource("vin", "in", "0", circuit.Pulse{V1: 0, V2: 1, Delay: 1e-3, Rise: 1e-9, Width: 1})
	c.AddResistor("r", "in", "out", 1e3)
	c.AddCapacitor("c", "out", "0", 1e-6)
	res, err := c.Transient(6e-3, circuit.TranOptions{RelTol: 1e-4})
	if err != nil {
		fmt.Println(err)
		return
	}
	v, _ := res.Voltage("out")
	e, _ := res.Energy("vin")
	fmt.Printf("V(out) at 6 ms = %.3f V (1 - e^-5 = 0.993)\n", v[len(v)-1])
	fmt.Printf("energy from the source = %.3g J (C·V²·(1 - e^-5) = 9.93e-07 J)\n", e)
	// Output:
	// V(out) at 6 ms = 0.993 V (1 - e^-5 = 0.993)
	// energy from the source = 9.93e-07 J (C·V²·(1 - e^-5) = 9.93e-07 J)
}
