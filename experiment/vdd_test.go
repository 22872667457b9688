package experiment

import (
	"testing"

	"github.com/mrelu/mrelu/crossbar"
	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/neuron"
	"github.com/mrelu/mrelu/nn"
)

// TestRunVDD: the bounds' defaults are the default neuron's supply, and a
// run's supply is its solved neuron's, else the one given, else that
// default.
func TestRunVDD(t *testing.T) {
	def := neuron.DefaultParams().VDD
	for name, v := range map[string]float64{"nn.DefaultBound": nn.DefaultBound, "crossbar.DefaultVDD": crossbar.DefaultVDD} {
		if v != def {
			t.Errorf("%s = %g, want the default neuron's VDD %g V", name, v, def)
		}
	}
	m, err := SolveNeuron(device.DefaultParams(), neuron.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		vdd   float64
		model *NeuronModel
		want  float64
	}{{0, nil, def}, {1.6, nil, 1.6}, {1.6, m, m.VDD()}, {0, m, m.VDD()}} {
		if got := runVDD(tc.vdd, tc.model); got != tc.want {
			t.Errorf("runVDD(%g, model %v) = %g V, want %g V", tc.vdd, tc.model != nil, got, tc.want)
		}
	}
	a, err := softwareActivation("relu2", 1.6)
	if err != nil || a != (nn.ClippedReLU{Max: 1.6}) {
		t.Errorf("relu2 at 1.6 V: %+v, %v", a, err)
	}
}
