package vision

import (
	"fmt"
	"math"

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
// may be at Neuron.Onset.
const OnsetTolerance = 1e-3

// Neuron is the mReLU every output pixel goes through: one DC transfer
// curve, solved once by the circuit simulator, and its fast monotone
// evaluator, shared by every filter and pixel of a run.
type Neuron struct {
	// Curve is the solved transfer curve and Metrics its ReLU summary.
	Curve   *neuron.TransferCurve
	Metrics neuron.TransferMetrics
	// Eval maps input currents (A) to Vout (V).
	Eval *neuron.Evaluator
	// Floor is the off level in V (the output at the lowest current of the
	// sweep), MaxVout the saturation level in V.
	Floor, MaxVout float64
	// Onset is the largest input current in A at which Vout is still
	// within OnsetTolerance of Floor: where the ReLU's knee is.
	Onset float64
}

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

// NeuronFromCurve builds a Neuron from an already solved curve.
func NeuronFromCurve(c *neuron.TransferCurve) (*Neuron, error) {
	ev, err := neuron.NewEvaluator(c)
	if err != nil {
		return nil, fmt.Errorf("vision: neuron: %w", err)
	}
	env := c.Envelope()
	n := &Neuron{Curve: c, Metrics: c.Metrics(), Eval: ev, Floor: env[0], MaxVout: env[len(env)-1]}
	if !(n.MaxVout > n.Floor+2*OnsetTolerance) {
		return nil, fmt.Errorf("vision: neuron: the output never rises (%.4g V to %.4g V over %.3g..%.3g A)",
			n.Floor, n.MaxVout, c.I[0], c.I[len(c.I)-1])
	}
	n.Onset = n.CurrentAt(n.Floor + OnsetTolerance)
	return n, nil
}

// VDD is the supply and output bound in V.
func (n *Neuron) VDD() float64 { return n.Eval.VDD() }

// CurrentAt returns the smallest input current in A at which the
// evaluator's output reaches v (V), by bisection to 1e-4 of the sweep
// step; NaN if it never does within the sweep.
func (n *Neuron) CurrentAt(v float64) float64 {
	lo, hi := n.Eval.Range()
	if n.Eval.At(hi) < v {
		return math.NaN()
	}
	if n.Eval.At(lo) >= v {
		return lo
	}
	tol := (hi - lo) / float64(n.Eval.Knots()-1) * 1e-4
	for hi-lo > tol {
		mid := (lo + hi) / 2
		if n.Eval.At(mid) >= v {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// TargetCurrent returns the input current in A that drives Vout to
// frac·VDD, or, if the neuron saturates below that, to
// Floor + frac·(MaxVout − Floor).
func (n *Neuron) TargetCurrent(frac float64) float64 {
	if i := n.CurrentAt(frac * n.VDD()); !math.IsNaN(i) {
		return i
	}
	return n.CurrentAt(n.Floor + frac*(n.MaxVout-n.Floor))
}
