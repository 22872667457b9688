package experiment

import (
	"errors"
	"fmt"

	"github.com/mrelu/mrelu/crossbar"
)

// CrossbarResult is a trained network evaluated on crossbar arrays.
type CrossbarResult struct {
	Params       crossbar.Params `json:"params"`
	Ideal        bool            `json:"ideal"` // every non-ideality off
	TestAccuracy float64         `json:"test_accuracy"`
	// Clipped counts weights outside the conductance window (fixed GScale).
	Clipped int    `json:"clipped_weights"`
	Note    string `json:"note"`
}

// CrossbarEval writes the trained network of r into crossbar arrays under
// xp and measures its test accuracy in physical units: pixels to read
// voltages, Kirchhoff column currents, current mirrors, and the run's own
// neuron on the currents (the solved 2T-1M circuit for mrelu, with its
// temporal variation; the software function of I/UnitCurrent otherwise).
// With every non-ideality off it reproduces the software accuracy. The
// neurons' bound xp.VDD is the run's (the supply of its neuron, TrainRun.VDD).
func CrossbarEval(r *TrainRun, xp crossbar.Params) (*CrossbarResult, error) {
	if r == nil || r.Test == nil || r.Net == nil {
		return nil, errors.New("experiment: crossbar evaluation needs a finished run with its test set")
	}
	xp.VDD = r.vdd()
	if err := xp.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: crossbar: %w", err)
	}
	var neu crossbar.Neuron
	var layers []crossbar.Neuron
	switch {
	case IsHardware(r.Params.Act) && r.Neuron != nil && (NoiseName(r.Params.Noise) != NoiseProportional || InputScaleFor(r.Params, r.Neuron) != r.Neuron.IUnit):
		// The run's own activation (noise model, input scale, d2d
		// devices) on z = I/UnitCurrent, one neuron per hidden layer.
		act, err := NoisyMReLUForRun(r.Params, r.Neuron)
		if err != nil {
			return nil, err
		}
		unit := float32(xp.UnitCurrent)
		var z []float32
		for l, w := range r.Params.Hidden {
			layers = append(layers, crossbar.NeuronFunc(func(dst, cur []float32) {
				if cap(z) < len(cur) {
					z = make([]float32, len(cur))
				}
				z = z[:len(cur)]
				for i, c := range cur {
					z[i] = c / unit
				}
				act.ForwardLayer(l, w, dst, z)
			}))
		}
	case IsHardware(r.Params.Act):
		if r.Neuron == nil {
			return nil, errors.New("experiment: crossbar: hardware run without its neuron model")
		}
		sigma := r.Params.Variation
		if !actKind(r.Params.Act).Noisy || sigma == 0 {
			neu = r.Neuron.EvalA
		} else {
			neu = r.Neuron.EvalA.WithVariation(sigma, xp.Seed^0xc205)
		}
	default:
		act, err := softwareActivation(r.Params.Act, xp.VDD)
		if err != nil {
			return nil, err
		}
		unit := float32(xp.UnitCurrent)
		var z []float32
		neu = crossbar.NeuronFunc(func(dst, cur []float32) {
			if cap(z) < len(cur) {
				z = make([]float32, len(cur))
			}
			z = z[:len(cur)]
			for i, c := range cur {
				z[i] = c / unit
			}
			act.Forward(dst, z)
		})
	}
	if layers == nil {
		layers = []crossbar.Neuron{neu}
	}
	nw, err := crossbar.New(r.Net, layers, xp)
	if err != nil {
		return nil, fmt.Errorf("experiment: crossbar: %w", err)
	}
	res := &CrossbarResult{Params: xp, Ideal: xp.Ideal()}
	for _, l := range nw.Layers {
		res.Clipped += l.Clipped()
	}
	res.TestAccuracy = nw.SetAccuracy(r.Test)
	res.Note = "inference only: the network trained in network units is written into the arrays once (programming noise), then read (read noise per evaluation)"
	return res, nil
}
