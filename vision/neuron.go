package vision

import (
	"fmt"

	"github.com/mrelu/mrelu/neuron"
)

// Default transfer sweep of the neuron: −1 µA to 4 µA in 501 points
// (10 nA apart). It covers the off region, the knee (~0.05 µA), the linear
// rise and the saturation (~1.6 µA) of the default mReLU; beyond its ends
// the evaluator holds the end values (off level below, the envelope's
// saturation above).
const (
	DefaultTransferIMin   = -1e-6
	DefaultTransferIMax   = 4e-6
	DefaultTransferPoints = 501
)

// OnsetTolerance is how far above its off level (V) the neuron's output
// may be at Neuron.Onset (neuron.OnsetTolerance).
const OnsetTolerance = neuron.OnsetTolerance

// Neuron is the mReLU every output pixel goes through: the solved neuron
// of the neuron package (one DC transfer curve, solved once by the
// circuit simulator, and its fast monotone evaluator), shared by every
// filter and pixel of a run. It is the same type the network's hardware
// activation and the crossbar evaluate.
type Neuron = neuron.Model

// DefaultTransferCurrents returns the default sweep (DefaultTransferIMin
// to DefaultTransferIMax, DefaultTransferPoints points).
func DefaultTransferCurrents() []float64 {
	return neuron.Linspace(DefaultTransferIMin, DefaultTransferIMax, DefaultTransferPoints)
}

// DefaultNeuron solves the default 2T-1M circuit (neuron.Default) over the
// default sweep.
func DefaultNeuron() (*Neuron, error) {
	return NewNeuron(neuron.Default(), DefaultTransferCurrents())
}

// NewNeuron solves the transfer curve of ckt at the given equally spaced,
// increasing currents (A) and builds its evaluator.
func NewNeuron(ckt *neuron.Circuit, currents []float64) (*Neuron, error) {
	c, err := neuron.Transfer(ckt, currents)
	if err != nil {
		return nil, fmt.Errorf("vision: neuron: %w", err)
	}
	return NeuronFromCurve(c)
}

// NeuronFromCurve builds a Neuron from an already solved curve; it
// refuses a curve whose output never rises (no edge could show).
func NeuronFromCurve(c *neuron.TransferCurve) (*Neuron, error) {
	n, err := neuron.ModelFromCurve(c)
	if err != nil {
		return nil, fmt.Errorf("vision: neuron: %w", err)
	}
	if !n.Rises() {
		return nil, fmt.Errorf("vision: neuron: the output never rises (%.4g V to %.4g V over %.3g..%.3g A)",
			n.Floor, n.MaxVout, c.I[0], c.I[len(c.I)-1])
	}
	return n, nil
}
