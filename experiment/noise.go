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
			Currents: neuron.Linspace(neuronSweep.lo, neuronSweep.hi, neuronSweep.n), TrimVDD: true},
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
// row-major batch in place.
type d2dBank struct {
	multi  *neuron.MultiEvaluator // all curves, network units in, V out
	assign [][]int32
	cols   []int32   // a layer's columns when the batch's width is not its own
	fac    []float32 // a block's temporal factors
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
	if cap(b.cols) < width {
		b.cols = make([]int32, width)
	}
	c := b.cols[:width]
	for j := range c {
		c[j] = a[j%len(a)]
	}
	return c
}

// evalDeriv evaluates the row-major batch z (rows of width neurons of
// layer l; width 0: the layer's own), each neuron with its own curve, and
// applies the temporal noise t (σ > 0, proportional): y and its
// derivative d. The noise factors are drawn a block of d2dRows rows at a
// time, column by column, in the order of the earlier column-by-column
// evaluation (so a seed gives the same outputs as it did), then the
// multi-curve evaluator runs over the block's rows with them.
func (b *d2dBank) evalDeriv(l, width int, y, d, z []float32, t *normalTable, sigma, vdd float32) {
	cols := b.columns(l, width)
	width = len(cols)
	y, d = y[:len(z)], d[:len(z)]
	if sigma == 0 {
		b.multi.EvalDerivRows(y, d, z, cols)
		return
	}
	if cap(b.fac) < d2dRows*width {
		b.fac = make([]float32, d2dRows*width)
	}
	for b0 := 0; b0 < len(z); b0 += d2dRows * width {
		zb := z[b0:min(b0+d2dRows*width, len(z))]
		fac := b.fac[:len(zb)]
		t.columnFactors(fac, width, sigma)
		b.multi.EvalDerivRowsVaried(y[b0:b0+len(zb)], d[b0:b0+len(zb)], zb, fac, cols, vdd)
	}
}

// d2dRows is the number of rows d2dBank.evalDeriv draws the noise of at
// a time (part of the draw order: changing it changes a seed's outputs).
const d2dRows = 64

// columnFactors fills the row-major block fac (rows of width) with
// factors max(1 + σε, 0), drawn column after column as apply would draw
// them for each column on its own.
func (t *normalTable) columnFactors(fac []float32, width int, sigma float32) {
	if sigma != t.sigma {
		t.setSigma(sigma)
	}
	tab := &t.factor
	for j := 0; j < width && j < len(fac); j++ {
		n := (len(fac) - j + width - 1) / width
		for n0 := 0; n0 < n; n0 += len(t.idx) {
			idx := t.indices(min(len(t.idx), n-n0), n0+len(t.idx) >= n)
			k := j + n0*width
			for _, x := range idx {
				fac[k] = tab[x&(1<<12-1)]
				k += width
			}
		}
	}
}

// The noise passes draw the table index of each element from the xorshift
// stream in one order: five 12-bit fields per 64-bit number, low bits
// first, and at the end of a pass one more number for the n mod 5
// elements left (taken even when none are left). indices and chunks
// produce that order; apply, applyAdd, shift and columnFactors consume it.

// noiseChunk is the number of indices drawn at a time (a multiple of 5).
const noiseChunk = 1000

// indices draws the table indices of the next n ≤ noiseChunk elements
// into t.idx: n must be a multiple of 5 unless last (the pass's end).
func (t *normalTable) indices(n int, last bool) []uint16 {
	idx := t.idx[:n]
	i := 0
	for ; i+5 <= n; i += 5 {
		r := t.next()
		x := idx[i : i+5 : i+5]
		x[0], x[1], x[2] = uint16(r&(1<<12-1)), uint16(r>>12&(1<<12-1)), uint16(r>>24&(1<<12-1))
		x[3], x[4] = uint16(r>>36&(1<<12-1)), uint16(r>>48&(1<<12-1))
	}
	if last {
		r := t.next()
		for ; i < n; i++ {
			idx[i] = uint16(r & (1<<12 - 1))
			r >>= 12
		}
	}
	return idx
}

// chunks runs a noise pass over n elements: f gets each chunk's first
// element and its table indices.
func (t *normalTable) chunks(n int, f func(lo int, idx []uint16)) {
	lo := 0
	for ; lo+noiseChunk < n; lo += noiseChunk {
		f(lo, t.indices(noiseChunk, false))
	}
	f(lo, t.indices(n-lo, true))
}

// setOffset fills the additive table a·ε for a scale a.
func (t *normalTable) setOffset(a float32) {
	t.offScale = a
	for i, e := range t.v {
		t.off[i] = a * e
	}
}

// applyAdd adds a random a·ε_i to y[i], clips it to [0, vdd] and sets
// d[i] to 0 where it clipped (the fullscale model).
func (t *normalTable) applyAdd(y, d []float32, a, vdd float32) {
	if a != t.offScale {
		t.setOffset(a)
	}
	d = d[:len(y)]
	off := &t.off
	t.chunks(len(y), func(lo int, idx []uint16) {
		yy, dd := y[lo:lo+len(idx)], d[lo:lo+len(idx)]
		for i, x := range idx {
			v := yy[i] + off[x&(1<<12-1)]
			yy[i] = min(max(v, 0), vdd)
			dd[i] = math.Float32frombits(math.Float32bits(dd[i]) & insideMask(v, vdd))
		}
	})
}

// insideMask is all ones when 0 < v < vdd and 0 otherwise (also for
// NaN), from the sign bits, without a branch.
func insideMask(v, vdd float32) uint32 {
	b := math.Float32bits(v)
	u := math.Float32bits(vdd - v)
	in := ((-b) >> 31) &^ (b >> 31) & ((-u) >> 31) &^ (u >> 31)
	return -in
}

// shift writes dst[i] = src[i] + a·ε_i (the input model).
func (t *normalTable) shift(dst, src []float32, a float32) {
	if a != t.offScale {
		t.setOffset(a)
	}
	dst = dst[:len(src)]
	off := &t.off
	t.chunks(len(src), func(lo int, idx []uint16) {
		ss, dd := src[lo:lo+len(idx)], dst[lo:lo+len(idx)]
		for i, x := range idx {
			dd[i] = ss[i] + off[x&(1<<12-1)]
		}
	})
}

// NoisyMReLUForRun returns the hardware activation of a training run with
// settings p (act mrelu or mrelu-ideal) on model, seeded as TrainWith
// seeds it.
func NoisyMReLUForRun(p TrainParams, model *NeuronModel) (*MReLU, error) {
	sigma := p.Variation
	if p.Act == ActMReLUIdeal {
		sigma = 0
	}
	c := NoiseConfig{Model: p.Noise, Sigma: sigma, InputScale: p.InputScale, Hidden: p.Hidden, Seed: p.Seed ^ 0x5eed5eed}
	if p.Act == ActMReLUIdeal {
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
