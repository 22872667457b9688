package neuron

import (
	"fmt"
	"testing"
	"github.com/mrelu/mrelu/circuit"
	"github.com/mrelu/mrelu/device"
)

func TestExplore(t *testing.T) {
	for _, vdd := range []float64{2.0, 2.02, 2.05, 2.1, 2.2, 2.4} {
	for _, amp := range []float64{3e-6, 6e-6} {
	p := DefaultParams(); p.VDD = vdd
	n := MustBuild(device.DefaultParams(), p)
	op, _ := n.C.OperatingPoint()
	v0, _ := op.Voltage(NodeOut)
	tstop := 3e-3
	n.In.W = circuit.Pulse{V1: 0, V2: amp, Delay: 1e-6, Rise: 10e-9, Fall: 10e-9, Width: tstop}
	tr, err := n.C.Transient(tstop, circuit.TranOptions{MaxStep: tstop/1000})
	if err != nil { t.Fatal(err) }
	vo, _ := tr.Voltage(NodeOut)
	fin := vo[len(vo)-1]
	lat := -1.0
	for k := range tr.Time { if vo[k] >= v0 + 0.9*(fin-v0) { lat = tr.Time[k]-1e-6; break } }
	fmt.Printf("VDD %.2f amp %.0e: Vout0 %.4f final %.4f latency %.3g s  points %d\n", vdd, amp, v0, fin, lat, tr.Len())
	}
	}
}
