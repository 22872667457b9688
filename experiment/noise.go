package experiment

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/neuron"
)

// Noise models of the hardware neuron at network level (--noise). Each
// acts on every evaluation, in training and test alike; σ is the run's
// Variation. docs/system.md §"Noise models" compares them.
const (
	// NoiseProportional multiplies each output by 1 + σ·ε (clipped to
	// [0, VDD]): the relative temporal variation of the paper's Fig. 4i.
	// The default.
	NoiseProportional = "proportional"
	// NoiseFullScale adds σ·VDD·ε to each output (clipped to [0, VDD]):
	// an output-referred noise of fixed size, as large on an off neuron as
	// on a saturated one.
	NoiseFullScale = "fullscale"
	// NoiseInput adds σ_I·ε to the neuron's input current before the
	// transfer curve, σ_I = σ·I90 (I90: the input current at which the
	// nominal neuron reaches 90 % of VDD, 1.45 µA with the defaults).
	NoiseInput = "input"
	// NoiseD2D gives each hidden neuron its own transfer curve from the
	// device-to-device Monte Carlo (neuron.MonteCarlo, default spreads,
	// per-neuron supply trim), fixed for the network's life, and
	// proportional temporal noise on top.
	NoiseD2D = "d2d"
)

// NoiseModels lists the noise model names.
func NoiseModels() []string {
	return []string{NoiseProportional, NoiseFullScale, NoiseInput, NoiseD2D}
}

// NoiseName returns the noise model name, "" meaning the default
// (proportional).
func NoiseName(s string) string {
	if s == "" {
		return NoiseProportional
	}
	return s
}

// CheckNoise returns an error naming the valid choices for an unknown
// noise model ("" is the default).
func CheckNoise(name string) error {
	for _, n := range NoiseModels() {
		if n == NoiseName(name) {
			return nil
		}
	}
	return fmt.Errorf("unknown noise model %q (want one of %s)", name, strings.Join(NoiseModels(), ", "))
}

// D2DCurves is the number of device-to-device neurons solved for the d2d
// noise model; hidden neurons draw one of them each.
const D2DCurves = 64

// d2dSeed seeds the sampled device population of the d2d model (the
// chip's devices, the same for every run; the run's seed picks which
// neuron gets which curve).
const d2dSeed = 1

// NoiseConfig is how the hardware neuron acts in a network.
type NoiseConfig struct {
	// Model is the noise model ("" = proportional).
	Model string
	// Sigma is the variation σ (fraction, 0..10).
	Sigma float64
	// InputScale is the current (A) per unit of pre-activation, I = z·InputScale;
	// 0 is the neuron's own IUnit.
	InputScale float64
	// Hidden are the hidden layer widths (d2d: one curve per neuron).
	Hidden []int
	// Seed seeds the temporal noise and the d2d assignment.
	Seed uint64
}

// noise kinds of an MReLU.
const (
	kindProportional = iota
	kindFullScale
	kindInput
	kindD2D
)

// NewNoisyMReLU returns the hardware activation under the noise model of
// c. With c.Model proportional (or "") and c.InputScale 0 or the model's
// IUnit it is NewMReLU(model, c.Sigma, c.Seed).
func NewNoisyMReLU(model *NeuronModel, c NoiseConfig) (*MReLU, error) {
	if err := CheckNoise(c.Model); err != nil {
		return nil, fmt.Errorf("experiment: %w", err)
	}
	if c.InputScale != 0 && (!(c.InputScale > 0) || math.IsInf(c.InputScale, 0)) {
		return nil, fmt.Errorf("experiment: input scale %v A must be finite and > 0", c.InputScale)
	}
	m, err := NewMReLU(model, c.Sigma, c.Seed)
	if err != nil {
		return nil, err
	}
	m.noiseModel = NoiseName(c.Model)
	iunit := model.IUnit
	if c.InputScale != 0 && c.InputScale != model.IUnit {
		iunit = c.InputScale
		m.eval = model.EvalA.Scaled(iunit)
	}
	m.iunit = iunit
	m.satInput = float32(model.Metrics.I90 / iunit)
	switch m.noiseModel {
	case NoiseFullScale:
		m.kind = kindFullScale
		m.addScale = m.sigma * m.vdd
	case NoiseInput:
		m.kind = kindInput
		m.addScale = float32(c.Sigma * model.Metrics.I90 / iunit)
	case NoiseD2D:
		m.kind = kindD2D
		curves, err := model.D2D()
		if err != nil {
			return nil, err
		}
		if len(c.Hidden) == 0 {
			return nil, fmt.Errorf("experiment: d2d noise needs the hidden layer widths")
		}
		if m.bank, err = newD2DBank(curves, iunit, c.Hidden, c.Seed); err != nil {
			return nil, err
		}
	}
	m.noise.SetOffset(m.addScale) // the draws only read the tables
	return m, nil
}

// NoiseModel returns the activation's noise model name.
func (m *MReLU) NoiseModel() string { return NoiseName(m.noiseModel) }

// InputScale returns the current (A) per unit of pre-activation.
func (m *MReLU) InputScale() float64 { return m.iunit }

// SaturationInput implements nn.Saturating: the input z at which the
// nominal neuron reaches 90 % of VDD, I90/InputScale.
func (m *MReLU) SaturationInput() float32 { return m.satInput }

// D2D returns the D2DCurves transfer curves (evaluators in A) of the
// device-to-device population around the model's devices, solved once
// and kept: neuron.MonteCarlo with device.DefaultDeviceVariation, the
// per-neuron supply trim (the design, docs/neuron.md §7), the model's own
// current sweep and a fixed seed. Neurons that do not solve are left out.
func (n *NeuronModel) D2D() ([]*neuron.Evaluator, error) {
	c := n.d2d
	if c == nil { // a model not made by SolveNeuron: solve without keeping
		c = &d2dCache{}
	}
	c.once.Do(func() {
		dev, np := device.DefaultParams(), neuron.DefaultParams()
		if c.params != nil {
			dev, np = c.params.d, c.params.n
		}
		samples, err := neuron.MonteCarlo(dev, np, neuron.MCConfig{N: D2DCurves, Variation: device.DefaultDeviceVariation(),
			Currents: neuron.DefaultSweep(), TrimVDD: true},
			rand.New(rand.NewPCG(d2dSeed, 0xd2d)))
		if err != nil {
			c.err = fmt.Errorf("experiment: d2d curves: %w", err)
			return
		}
		for _, s := range samples {
			if s.Err != nil {
				continue
			}
			ev, err := neuron.NewEvaluator(s.Curve)
			if err != nil {
				continue
			}
			c.evals = append(c.evals, ev)
		}
		if len(c.evals) == 0 {
			c.err = fmt.Errorf("experiment: d2d curves: none of %d sampled neurons solved", D2DCurves)
		}
	})
	return c.evals, c.err
}

// d2dCache keeps a NeuronModel's device-to-device curves, solved on first
// use (safe for concurrent use).
type d2dCache struct {
	once   sync.Once
	params *neuronParams
	evals  []*neuron.Evaluator
	err    error
}

// neuronParams are the devices a NeuronModel was solved from.
type neuronParams struct {
	d device.Params
	n neuron.Params
}

// d2dBank holds the per-neuron transfer curves of the d2d model: each
// hidden neuron (layer, index) evaluates curve assign[layer][index],
// fixed for the network's life. The curves share their knots (one
// current sweep), so they live in one multi-curve table that evaluates a
// row-major batch in place. A bank is safe for concurrent use.
type d2dBank struct {
	multi  *neuron.MultiEvaluator // all curves, network units in, V out
	assign [][]int32
}

func newD2DBank(curves []*neuron.Evaluator, iunit float64, hidden []int, seed uint64) (*d2dBank, error) {
	scaled := make([]*neuron.Evaluator, len(curves))
	for k, c := range curves {
		scaled[k] = c.Scaled(iunit)
	}
	multi, err := neuron.NewMultiEvaluator(scaled)
	if err != nil {
		return nil, fmt.Errorf("experiment: d2d curves: %w", err)
	}
	b := &d2dBank{multi: multi}
	rng := rand.New(rand.NewPCG(seed, 0xa551))
	for _, w := range hidden {
		a := make([]int32, w)
		for j := range a {
			a[j] = int32(rng.IntN(len(curves)))
		}
		b.assign = append(b.assign, a)
	}
	return b, nil
}

// columns returns the curve of each of the width neurons of layer l
// (width 0: the layer's own; a batch wider than the layer repeats its
// assignment).
func (b *d2dBank) columns(l, width int) []int32 {
	a := b.assign[l%len(b.assign)]
	if width <= 0 || width == len(a) {
		return a
	}
	c := make([]int32, width)
	for j := range c {
		c[j] = a[j%len(a)]
	}
	return c
}

// evalDeriv evaluates the row-major batch z (rows of width neurons of
// layer l; width 0: the layer's own), each neuron with its own curve, and
// applies the proportional temporal noise of σ = t.Sigma() when it is not
// 0: y and its derivative d. The noise factors of elements p0, p0+1, …
// are those of key (neuron.NoiseTable.Factors), made d2dRows rows at a time
// into fac (scratch) before the multi-curve evaluator runs over the
// block's rows with them.
func (b *d2dBank) evalDeriv(l, width int, y, d, z []float32, t *neuron.NoiseTable, key, p0 uint64, vdd float32, fac *[]float32) {
	cols := b.columns(l, width)
	width = len(cols)
	y, d = y[:len(z)], d[:len(z)]
	if t.Sigma() == 0 {
		b.multi.EvalDerivRows(y, d, z, cols)
		return
	}
	if cap(*fac) < d2dRows*width {
		*fac = make([]float32, d2dRows*width)
	}
	for b0 := 0; b0 < len(z); b0 += d2dRows * width {
		zb := z[b0:min(b0+d2dRows*width, len(z))]
		f := (*fac)[:len(zb)]
		t.Factors(f, key, p0+uint64(b0))
		b.multi.EvalDerivRowsVaried(y[b0:b0+len(zb)], d[b0:b0+len(zb)], zb, f, cols, vdd)
	}
}

// d2dRows is the number of rows d2dBank.evalDeriv makes the noise
// factors of at a time.
const d2dRows = 64

// NoisyMReLUForRun returns the hardware activation of a training run with
// settings p (act mrelu or mrelu-ideal) on model, seeded as TrainWith
// seeds it.
func NoisyMReLUForRun(p TrainParams, model *NeuronModel) (*MReLU, error) {
	sigma := p.Variation
	k := actKind(p.Act)
	ideal := k.Hardware && !k.Noisy // the neuron without variation
	if ideal {
		sigma = 0
	}
	c := NoiseConfig{Model: p.Noise, Sigma: sigma, InputScale: p.InputScale, Hidden: p.Hidden, Seed: p.Seed ^ 0x5eed5eed}
	if ideal {
		c.Model = NoiseProportional // the ideal neuron: nominal curve, no noise
	}
	return NewNoisyMReLU(model, c)
}

// InputScaleFor returns the current (A) per unit of pre-activation a run
// with settings p drives the neuron model with: p.InputScale, or the
// model's own IUnit when it is 0.
func InputScaleFor(p TrainParams, model *NeuronModel) float64 {
	if p.InputScale != 0 {
		return p.InputScale
	}
	return model.IUnit
}
