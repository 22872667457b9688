package neuron

import (
	"fmt"
	"testing"
	"time"
)

func TestExplore(t *testing.T) {
	n := Default()
	c, err := Transfer(n, Linspace(-2e-6, 12e-6, 1401))
	if err != nil { t.Fatal(err) }
	fmt.Printf("%+v\n", c.Metrics())
	fmt.Println("env dev", c.EnvelopeDeviation(), "Cout", n.OutputCapacitance())
	for k := 0; k < len(c.I); k += 50 { fmt.Printf("I=%.3g V=%.4f Ccrit=%.3g\n", c.I[k], c.Vout[k], c.CCrit[k]) }
	t0 := time.Now()
	r, err := Pulse(n, DefaultPulseConfig())
	if err != nil { t.Fatal(err) }
	fmt.Println(time.Since(t0))
	fmt.Printf("%+v\n", *r)
	t0 = time.Now()
	s, err := MaxStableCapacitance(n, DefaultPulseConfig(), 100e-12)
	if err != nil { t.Fatal(err) }
	fmt.Println(time.Since(t0))
	fmt.Printf("%+v\n", *s)
}
