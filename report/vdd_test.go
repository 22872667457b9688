package report

import (
	"testing"

	"github.com/mrelu/mrelu/crossbar"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/nn"
	"github.com/mrelu/mrelu/params"
)

// TestRunVDDEndToEnd: a neuron with VDD = 1.6 V (a memristor whose
// threshold is 1.58 V, the default 20 mV margin) bounds everything of the
// run at 1.6 V, not the default 2 V: relu2 trained with that supply, the
// crossbar's ideal neurons, and the bound the training report states.
func TestRunVDDEndToEnd(t *testing.T) {
	const vdd = 1.6
	s := params.Default()
	s.Device.Memristor.Vth = vdd - 0.02
	s, err := s.WithVDD(vdd)
	if err != nil {
		t.Fatal(err)
	}
	if err := experiment.RequireViable(s); err != nil {
		t.Fatal(err)
	}
	model, err := experiment.SolveNeuron(s.Device, s.Neuron)
	if err != nil {
		t.Fatal(err)
	}
	train, test, err := experiment.LoadData(tinyData(t, 300, 100))
	if err != nil {
		t.Fatal(err)
	}
	p := experiment.DefaultTrainParams()
	p.Hidden, p.Epochs, p.Batch = []int{16, 8}, 2, 30

	// relu2 with the run's supply (as `mrelu train --act relu2 --vdd 1.6V`).
	p.Act = "relu2"
	run, err := experiment.TrainWith(p, train, test, nil, experiment.TrainOptions{VDD: s.Neuron.VDD})
	if err != nil {
		t.Fatal(err)
	}
	if run.Net.Act != (nn.ClippedReLU{Max: vdd}) || run.VDD != vdd {
		t.Errorf("relu2 run: activation %+v, VDD %g V; want ReLU clipped at %g", run.Net.Act, run.VDD, vdd)
	}
	if run.Crossbar, err = experiment.CrossbarEval(run, crossbar.DefaultParams()); err != nil {
		t.Fatal(err)
	}
	xp := run.Crossbar.Params
	nw, err := crossbar.New(run.Net, nil, xp)
	if err != nil {
		t.Fatal(err)
	}
	for l, n := range nw.Neurons {
		if in, ok := n.(crossbar.IdealNeuron); !ok || in.VMax != vdd {
			t.Errorf("crossbar (VDD %g V): hidden layer %d's default neuron %+v, want an IdealNeuron bounded at %g V", xp.VDD, l, n, vdd)
		}
	}
	// The ideal crossbar computes the trained relu2 network: same accuracy.
	if got, want := run.Crossbar.TestAccuracy, run.FinalAccuracy(); got != want {
		t.Errorf("relu2 at %g V on ideal arrays: accuracy %g, software %g", vdd, got, want)
	}

	// The hardware neuron of that device: the report states its bound.
	p.Act = experiment.ActMReLUIdeal
	hw, err := experiment.TrainWith(p, train, test, model, experiment.TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if hw.Crossbar, err = experiment.CrossbarEval(hw, crossbar.DefaultParams()); err != nil {
		t.Fatal(err)
	}
	// (The solved neuron's VDD() is its evaluator's float32.)
	if float32(hw.VDD) != vdd || float32(hw.Crossbar.Params.VDD) != vdd {
		t.Errorf("mrelu-ideal run: VDD %g V, crossbar VDD %g V, want %g V", hw.VDD, hw.Crossbar.Params.VDD, vdd)
	}
	sum, err := WriteTrain(t.TempDir(), hw, false)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := sum.Neuron["vdd_V"].(float64); !ok || got != vdd {
		t.Errorf("train report states VDD %v, want %g V", sum.Neuron["vdd_V"], vdd)
	}
	if top, ok := sum.Neuron["max_vout_V"].(float64); !ok || !(top > 0.9*vdd && top <= vdd) {
		t.Errorf("train report's largest Vout %v, want within 90..100 %% of VDD = %g V", sum.Neuron["max_vout_V"], vdd)
	}
}
