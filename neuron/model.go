package neuron

import (
	"fmt"
	"math"
)

// OnsetTolerance is how far above its off level (V) the neuron's output
// may be at Model.Onset: where the ReLU's knee is taken to be.
const OnsetTolerance = 1e-3

// Model is a solved mReLU neuron: its DC transfer curve, the curve's ReLU
// summary, the fast monotone evaluator in SI units (input current in A,
// output voltage in V) and the levels its consumers use. One Model type
// serves every consumer: the network's hardware activation evaluates it
// scaled to network units (Evaluator.Scaled), the crossbar and the edge
// detection evaluate it on column currents.
//
// A Model is immutable after construction and safe for concurrent use.
type Model struct {
	// Curve is the solved transfer curve and Metrics its ReLU summary.
	Curve   *TransferCurve
	Metrics TransferMetrics
	// Eval maps input currents (A) to Vout (V).
	Eval *Evaluator
	// Floor is the off level in V (the output at the lowest current of
	// the sweep), MaxVout the saturation level in V (at the highest).
	Floor, MaxVout float64
	// Onset is the largest input current in A at which Vout is still
	// within OnsetTolerance of Floor (NaN when the output never rises
	// that far within the sweep).
	Onset float64
}

// NewModel solves the transfer curve of ckt at the given equally spaced,
// increasing currents (A) and builds the model.
func NewModel(ckt *Circuit, currents []float64) (*Model, error) {
	c, err := Transfer(ckt, currents)
	if err != nil {
		return nil, err
	}
	return ModelFromCurve(c)
}

// ModelFromCurve builds the model of an already solved curve. It does not
// judge the curve: a device that is no working ReLU still gets its model
// (Metrics and Check say what is wrong with it).
func ModelFromCurve(c *TransferCurve) (*Model, error) {
	ev, err := NewEvaluator(c)
	if err != nil {
		return nil, err
	}
	env := c.Envelope()
	m := &Model{Curve: c, Metrics: c.Metrics(), Eval: ev, Floor: env[0], MaxVout: env[len(env)-1]}
	m.Onset = m.CurrentAt(m.Floor + OnsetTolerance)
	return m, nil
}

// VDD is the supply and output bound in V.
func (m *Model) VDD() float64 { return m.Eval.VDD() }

// Rises reports whether the output rises by more than twice
// OnsetTolerance over the sweep: whether the model has a knee at all.
func (m *Model) Rises() bool { return m.MaxVout > m.Floor+2*OnsetTolerance }

// CurrentAt returns the smallest input current in A at which the
// evaluator's output reaches v (V), by bisection to 1e-4 of the sweep
// step; NaN if it never does within the sweep.
func (m *Model) CurrentAt(v float64) float64 {
	lo, hi := m.Eval.Range()
	if m.Eval.At(hi) < v {
		return math.NaN()
	}
	if m.Eval.At(lo) >= v {
		return lo
	}
	tol := (hi - lo) / float64(m.Eval.Knots()-1) * 1e-4
	for hi-lo > tol {
		mid := (lo + hi) / 2
		if m.Eval.At(mid) >= v {
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
func (m *Model) TargetCurrent(frac float64) float64 {
	if i := m.CurrentAt(frac * m.VDD()); !math.IsNaN(i) {
		return i
	}
	return m.CurrentAt(m.Floor + frac*(m.MaxVout-m.Floor))
}

// String summarises the model for logs.
func (m *Model) String() string {
	return fmt.Sprintf("mReLU model: VDD %.4g V, off %.4g V, saturation %.4g V, onset %.4g A", m.VDD(), m.Floor, m.MaxVout, m.Onset)
}

// The default DC sweep of the network's hardware activation (and of its
// device-to-device curves): 961 points from −2 µA to 10 µA (12.5 nA
// apart), well past the default neuron's saturation (≈ 1.6 µA); beyond
// its ends the evaluator holds the end values. The edge detection solves
// the same Model type over a finer, narrower sweep of its own
// (vision.DefaultTransferCurrents: 10 nA apart, −1 µA to 4 µA).
const (
	DefaultSweepIMin   = -2e-6
	DefaultSweepIMax   = 10e-6
	DefaultSweepPoints = 961
)

// DefaultSweep returns the default sweep's currents (A).
func DefaultSweep() []float64 {
	return Linspace(DefaultSweepIMin, DefaultSweepIMax, DefaultSweepPoints)
}
