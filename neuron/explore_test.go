package neuron

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"github.com/mrelu/mrelu/device"
)

func TestExplore(t *testing.T) {
	for _, trim := range []bool{false, true} {
	s, err := MonteCarlo(device.DefaultParams(), DefaultParams(), MCConfig{N: 25, Variation: device.DefaultDeviceVariation(), Currents: Linspace(-2e-6, 10e-6, 601), TrimVDD: trim}, rand.New(rand.NewPCG(1, 2)))
	if err != nil { t.Fatal(err) }
	for _, x := range s { if x.Err != nil { fmt.Println(x.Err); continue }; fmt.Printf("floor %.3f th %.3g i90 %.3g max %.3f slope %.3g memVth %.3f\n", x.Metrics.Floor, x.Metrics.ThresholdCurrent, x.Metrics.I90, x.Metrics.MaxVout, x.Metrics.Slope, x.Devices.Memristor.Vth) }
	}
}
