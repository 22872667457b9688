package experiment

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/internal/kernel"
	"github.com/mrelu/mrelu/neuron"
	"github.com/mrelu/mrelu/nn"
)

// Hardware neuron names accepted wherever an activation is named.
const (
	ActMReLU      = "mrelu"       // 2T-1M circuit neuron with temporal variation
	ActMReLUIdeal = "mrelu-ideal" // the same neuron without variation
)

// DefaultVariation is the temporal (cycle-to-cycle) variation of the
// hardware neuron at system level, as in the paper (9.9 %).
const DefaultVariation = device.TemporalVariation

// ActivationNames lists every activation name: software and hardware.
func ActivationNames() []string {
	n := append(nn.ActivationNames(), ActMReLU, ActMReLUIdeal)
	sort.Strings(n)
	return n
}

// IsHardware reports whether name is a hardware neuron.
func IsHardware(name string) bool { return actKind(name).Hardware }

// CheckActivation returns an error naming the valid choices for an
// unknown activation name.
func CheckActivation(name string) error {
	for _, n := range ActivationNames() {
		if n == name {
			return nil
		}
	}
	return fmt.Errorf("unknown activation %q (want one of %s)", name, strings.Join(ActivationNames(), ", "))
}

// NeuronModel is the solved mReLU: its transfer curve and the fast
// evaluator in network units (input z, with I = z·IUnit at the neuron;
// output Vout in V, which is the next layer's input).
type NeuronModel struct {
	// Model is the solved neuron in SI units (Curve, Metrics, its
	// evaluator in A, the off and saturation levels, VDD): the type the
	// crossbar and the edge detection use too.
	*neuron.Model
	IUnit float64           // A per network unit
	Eval  *neuron.Evaluator // network units in, V out (Model.Eval scaled by IUnit)
	EvalA *neuron.Evaluator // A in, V out (Model.Eval, for the crossbar level)

	d2d *d2dCache // the device-to-device curves (D2D), solved on first use
}

// SolveNeuron builds the 2T-1M circuit from the device and neuron
// parameters, solves its transfer curve and returns the evaluator scaled
// to network units with IUnit = neuron.IUnitFor(RD, circuit) (so that the
// ideal neuron has slope ≈ 1 and bound VDD (2 V by default) in network units).
func SolveNeuron(d device.Params, np neuron.Params) (*NeuronModel, error) {
	ckt, err := neuron.Build(d, np)
	if err != nil {
		return nil, fmt.Errorf("experiment: neuron: %w", err)
	}
	curve, err := neuron.Transfer(ckt, neuron.DefaultSweep())
	if err != nil {
		return nil, fmt.Errorf("experiment: neuron transfer curve: %w", err)
	}
	m, err := neuron.ModelFromCurve(curve)
	if err != nil {
		return nil, fmt.Errorf("experiment: neuron evaluator: %w", err)
	}
	iunit := neuron.IUnitFor(d.Memristor.EffectiveRD(), np)
	if math.IsNaN(iunit) {
		return nil, fmt.Errorf("experiment: neuron: no linear gain (memristor slope %g Ω, load %g Ω): not a working ReLU", d.Memristor.EffectiveRD(), np.RLoad)
	}
	return &NeuronModel{Model: m, IUnit: iunit, Eval: m.Eval.Scaled(iunit), EvalA: m.Eval,
		d2d: &d2dCache{params: &neuronParams{d, np}}}, nil
}

// MReLU is the hardware neuron as an nn.Activation. Forward evaluates the
// solved circuit's transfer curve (monotone cubic interpolant) at I = z·IUnit
// and, with variation σ > 0, multiplies each output by 1 + σ·ε with a fresh
// standard normal ε per neuron and evaluation, clipped to [0, VDD]: the
// temporal variation of the paper's system-level study.
//
// Backward goes through the device model: the derivative of each
// evaluation is f'(z)·(1 + σ·ε) for the same ε, and 0 where the output was
// clipped or z lies outside the solved sweep (below -2 µA: the neuron is off
// and flat, as ReLU is for z < 0; above 10 µA: saturated). Inside the
// sweep the interpolant is C¹, so the derivative is defined everywhere,
// including at the knee, where it rises smoothly from 0 instead of jumping
// as ReLU's does.
//
// That is the default, proportional noise model; NewNoisyMReLU sets up
// the others (fullscale, input, d2d: see NoiseModels) and another input
// scale.
//
// The noise of an evaluation is a function of the seed, the step (a
// counter that BeginStep, and each Forward or ForwardLayer call, advance),
// the hidden layer and the element's place in the batch (neuron.NoiseTable), so
// that the trainer may evaluate a batch's rows from several goroutines
// (nn.RowActivation: ForwardRows returns the derivative of the same draw)
// and get the same result on any number of threads.
//
// Forward remembers the derivative of its last evaluation per output
// buffer, so Derivative and MulDerivative called with that buffer reuse
// the same noise draw. An MReLU is not safe for concurrent use, except
// for ForwardRows calls between BeginSteps.
type MReLU struct {
	name    string
	model   *NeuronModel
	sigma   float32
	vdd     float32
	noise   *neuron.NoiseTable
	stepKey uint64 // the key of the current step (BeginStep)
	derivs  map[*float32][]float32
	tmp     []float32
	scratch sync.Pool // *[]float32: ForwardRows' noisy inputs (input) or factors (d2d)

	// The noise model (NewNoisyMReLU; NewMReLU: proportional).
	noiseModel string
	kind       int
	eval       *neuron.Evaluator // network units in (I = z·iunit), V out
	iunit      float64
	addScale   float32  // fullscale: σ·VDD (V); input: σ·I90/iunit (network units)
	bank       *d2dBank // d2d: the per-neuron curves
	satInput   float32
}

// NewMReLU returns the hardware activation for model with relative
// temporal variation sigma (0: the ideal, deterministic neuron), its noise
// drawn from a stream seeded by seed.
func NewMReLU(model *NeuronModel, sigma float64, seed uint64) (*MReLU, error) {
	if !(sigma >= 0) || sigma > 10 || math.IsInf(sigma, 0) {
		return nil, fmt.Errorf("experiment: variation %v out of range 0..10", sigma)
	}
	name := ActMReLU
	if sigma == 0 {
		name = ActMReLUIdeal
	}
	m := &MReLU{name: name, model: model, sigma: float32(sigma), vdd: float32(model.Curve.VDD),
		noise: neuron.NewNoiseTable(seed), derivs: map[*float32][]float32{},
		noiseModel: NoiseProportional, kind: kindProportional, eval: model.Eval, iunit: model.IUnit,
		satInput: float32(model.Metrics.I90 / model.IUnit)}
	m.noise.SetSigma(m.sigma)
	return m, nil
}

// Name implements nn.Named.
func (m *MReLU) Name() string { return m.name }

// Sigma returns the relative temporal variation.
func (m *MReLU) Sigma() float64 { return float64(m.sigma) }

func (m *MReLU) derivBuf(y []float32) []float32 {
	if len(y) == 0 {
		return nil
	}
	d := m.derivs[&y[0]]
	if cap(d) < len(y) {
		d = make([]float32, len(y))
		m.derivs[&y[0]] = d
	}
	return d[:len(y)]
}

// Forward implements nn.Activation. For the d2d model it evaluates the
// neurons of the first hidden layer (ForwardLayer tells which).
func (m *MReLU) Forward(y, z []float32) { m.ForwardLayer(0, 0, y, z) }

// ForwardLayer implements nn.LayerForwarder: z is a row-major batch of
// hidden layer layer, width neurons per row (0: the layer's own width).
// Only the d2d model, whose neurons differ, uses width. Each call is a
// new step (BeginStep) whose batch starts at row 0.
func (m *MReLU) ForwardLayer(layer, width int, y, z []float32) {
	y = y[:len(z)]
	d := m.derivBuf(y)
	m.BeginStep()
	if width <= 0 && m.kind != kindD2D {
		width = len(z) // one row: only the element's place matters
	}
	m.ForwardRows(layer, width, 0, y, d, z)
}

// BeginStep implements nn.RowActivation: it advances the step counter
// (the state that MarshalBinary saves) and makes the step's key.
func (m *MReLU) BeginStep() {
	m.stepKey = m.noise.Next()
}

// ForwardRows implements nn.RowActivation: y = f(z) and d = dy/dz for
// rows of hidden layer layer (width neurons each; d2d: 0 is the layer's
// own width), the first being row row0 of the batch, with the noise of
// the current step for those elements.
func (m *MReLU) ForwardRows(layer, width, row0 int, y, d, z []float32) {
	y, d = y[:len(z)], d[:len(z)]
	if m.kind == kindD2D && width <= 0 {
		width = len(m.bank.columns(layer, 0))
	}
	key := neuron.LayerKey(m.stepKey, layer)
	p0 := uint64(row0) * uint64(width)
	switch m.kind {
	case kindFullScale:
		m.eval.EvalDeriv(y, d, z)
		if m.sigma != 0 {
			buf := m.buffer(len(z))
			m.noise.Add(y, d, *buf, key, p0, m.vdd)
			m.scratch.Put(buf)
		}
		return
	case kindInput:
		if m.sigma == 0 {
			m.eval.EvalDeriv(y, d, z)
			return
		}
		buf := m.buffer(len(z))
		zin := (*buf)[:len(z)]
		m.noise.Shift(zin, z, key, p0)
		m.eval.EvalDeriv(y, d, zin)
		m.scratch.Put(buf)
		return
	case kindD2D:
		buf := m.buffer(0)
		m.bank.evalDeriv(layer, width, y, d, z, m.noise, key, p0, m.vdd, buf)
		m.scratch.Put(buf)
		return
	default:
		m.eval.EvalDeriv(y, d, z)
	}
	if m.sigma == 0 {
		return
	}
	buf := m.buffer(len(z))
	m.noise.Scale(y, d, *buf, key, p0, m.vdd)
	m.scratch.Put(buf)
}

// buffer returns a scratch buffer of the pool with room for n elements
// (put it back after use).
func (m *MReLU) buffer(n int) *[]float32 {
	b, ok := m.scratch.Get().(*[]float32)
	if !ok {
		b = new([]float32)
	}
	if cap(*b) < n {
		*b = make([]float32, n)
	}
	return b
}

// Derivative implements nn.Activation.
func (m *MReLU) Derivative(d, z, y []float32) {
	d = d[:len(z)]
	if c, ok := m.cached(y, len(z)); ok {
		copy(d, c)
		return
	}
	// Not the buffer of the last Forward: recover the factor 1 + σε from
	// the output itself, y = f(z)(1 + σε) (proportional; d2d: with the
	// nominal curve, an approximation), or the clipping of y = f(z) + a·ε
	// (fullscale, exact). For the input model the draw cannot be recovered
	// and the derivative is the noise-free f'(z). The trainer always uses
	// the derivative cached by Forward.
	if cap(m.tmp) < len(z) {
		m.tmp = make([]float32, len(z))
	}
	f := m.tmp[:len(z)]
	m.eval.EvalDeriv(f, d, z)
	switch m.kind {
	case kindInput:
		return
	case kindFullScale:
		for i := range d {
			if y[i] <= 0 || y[i] >= m.vdd {
				d[i] = 0
			}
		}
		return
	}
	for i := range d {
		switch {
		case y[i] <= 0 || y[i] >= m.vdd:
			d[i] = 0
		case f[i] > 0:
			d[i] *= y[i] / f[i]
		}
	}
}

// MulDerivative implements nn.DerivativeMultiplier.
func (m *MReLU) MulDerivative(g, z, y []float32) {
	g = g[:len(z)]
	if c, ok := m.cached(y, len(z)); ok {
		kernel.Mul(g, c)
		return
	}
	if cap(m.tmp) < 2*len(z) {
		m.tmp = make([]float32, 2*len(z))
	}
	d := m.tmp[len(z) : 2*len(z)]
	m.Derivative(d, z, y)
	kernel.Mul(g, d)
}

func (m *MReLU) cached(y []float32, n int) ([]float32, bool) {
	if n == 0 {
		return nil, true
	}
	c, ok := m.derivs[&y[0]]
	if !ok || len(c) < n {
		return nil, false
	}
	return c[:n], true
}

func defaultDevice() device.Params { return device.DefaultParams() }
func defaultNeuron() neuron.Params { return neuron.DefaultParams() }
