package crossbar

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/nn"
)

// Neuron is the hardware activation between two arrays: it turns the input
// currents of a layer's neurons (A) into their output voltages (V),
// element-wise, dst[i] = Vout(currents[i]); len(dst) ≥ len(currents). Eval
// may be stochastic (temporal variation drawn per call). Any fast evaluator
// of the mReLU transfer curve in amperes → volts fits.
type Neuron interface {
	Eval(dst, currents []float32)
}

// NeuronFunc adapts a function to Neuron.
type NeuronFunc func(dst, currents []float32)

// Eval implements Neuron.
func (f NeuronFunc) Eval(dst, currents []float32) { f(dst, currents) }

// IdealNeuron is the mReLU without device effects in physical units:
// Vout = min(max(I/UnitCurrent, 0), VMax) in V for an input current I in A.
// With UnitCurrent = Params.UnitCurrent and VMax = Params.VDD it is
// nn.ClippedReLU{Max: VDD/1 V} (relu2 at the run's VDD) read in volts, the
// activation the exactness test matches.
type IdealNeuron struct {
	UnitCurrent float32 // A per volt of output on the linear part
	VMax        float32 // output bound in V
}

// Eval implements Neuron.
func (n IdealNeuron) Eval(dst, currents []float32) {
	dst = dst[:len(currents)]
	inv := 1 / n.UnitCurrent
	vmax := n.VMax
	for i, c := range currents {
		// Branch-free clamp: the signs of the currents are random, so a
		// branch would mispredict half the time.
		dst[i] = min(max(c*inv, 0), vmax)
	}
}

// evalBatch is the number of input vectors a Network evaluates at once
// (the paper's minibatch).
const evalBatch = 500

// Network is a multilayer perceptron in crossbar hardware: one programmed
// Layer per synaptic layer, a Neuron after every array but the last, and
// the last array's column currents as the output (its largest current is
// the class; there is no neuron and no ADC-free softmax in hardware).
//
// The first array's inputs are the pixel intensities times
// Params.ReadScale (V); every later array is driven by the previous
// neurons' output voltages directly, HiddenReadScale = 1 V per unit.
//
// A Network is not safe for concurrent use.
type Network struct {
	Layers  []*Layer
	Neurons []Neuron // one per hidden layer (len(Layers) − 1)

	volts [][]float32 // volts[l]: input voltages of array l > 0, evalBatch×In (volts[0] is nil)
	cur   [][]float32 // cur[l]: neuron input currents (last: column currents), evalBatch×Out
	xbuf  []float32   // SetAccuracy's batch of input images
}

// New programs every synaptic layer of net into an array under p (the
// first with p.ReadScale, the others with HiddenReadScale) and attaches
// the neurons: nil gives every hidden layer IdealNeuron{p.UnitCurrent, p.VDD};
// one neuron is shared by all hidden layers; otherwise there must be one
// per hidden layer. net.Act is not used: the neurons replace it. All random
// draws come from a generator seeded by p.Seed.
func New(net *nn.Network, neurons []Neuron, p Params) (*Network, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if net == nil || len(net.Layers) == 0 {
		return nil, errors.New("crossbar: network has no layers")
	}
	nw := &Network{}
	var err error
	if nw.Neurons, err = expandNeurons(neurons, len(net.Layers)-1, p, "hidden layer"); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(p.Seed, streamNetwork))
	for l, d := range net.Layers {
		if l > 0 && d.In != net.Layers[l-1].Out {
			return nil, fmt.Errorf("%w: layer %d takes %d inputs but layer %d has %d outputs", ErrShape, l, d.In, l-1, net.Layers[l-1].Out)
		}
		pl := p
		if l > 0 {
			pl.ReadScale = HiddenReadScale
		}
		arr, err := Program(d.W, d.In, d.Out, d.B, pl, rng)
		if err != nil {
			return nil, fmt.Errorf("crossbar: layer %d: %w", l, err)
		}
		nw.Layers = append(nw.Layers, arr)
		var v []float32
		if l > 0 {
			v = make([]float32, evalBatch*d.In)
		}
		nw.volts = append(nw.volts, v)
		nw.cur = append(nw.cur, make([]float32, evalBatch*d.Out))
	}
	return nw, nil
}

// Inputs is the width of the first array.
func (nw *Network) Inputs() int { return nw.Layers[0].In }

// Classes is the width of the last array.
func (nw *Network) Classes() int { return nw.Layers[len(nw.Layers)-1].Out }

// pass runs b input vectors x (b×Inputs, network units) through every
// array. Afterwards nw.cur[l] holds the neuron input currents of layer l
// (the column currents for the last) and nw.volts[l] the input voltages of
// array l > 0. When t > 0 it returns the synapses' read energy in J for a read
// time t per array.
func (nw *Network) pass(x []float32, b int, t float64) (energy float64) {
	last := len(nw.Layers) - 1
	for l, arr := range nw.Layers {
		// The first array reads the pixels x at ReadScale volts per unit
		// (the scale is folded into the product); the others the neurons'
		// output voltages.
		var vin []float32
		var scale float64
		if l == 0 {
			vin, scale = x[:b*arr.In], arr.ReadScale()
		} else {
			vin, scale = nw.volts[l][:b*arr.In], 1
		}
		cur := nw.cur[l][:b*arr.Out]
		if t > 0 {
			energy += arr.readEnergy(vin, b, t, scale)
		}
		arr.currents(cur, vin, b, float32(scale))
		if l < last {
			arr.applyGains(cur)
			nw.Neurons[l].Eval(nw.volts[l+1][:b*arr.Out], cur)
		}
	}
	return energy
}

// checkImages panics unless n ≥ 0 and images holds n inputs of dim
// values (Network and Stack).
func checkImages(images []float32, n, dim int) {
	if n < 0 || len(images) < n*dim {
		panic(fmt.Sprintf("crossbar: %d images of %d values need %d, have %d", n, dim, n*dim, len(images)))
	}
}

func (nw *Network) check(images []float32, n int) { checkImages(images, n, nw.Inputs()) }

// Forward writes the output column currents in A of n input vectors
// (images: n×Inputs, pixel intensities) into dst (n×Classes). Dividing by
// Layers[last].ColumnCurrentPerUnit() gives the network's logits.
func (nw *Network) Forward(dst, images []float32, n int) {
	nw.check(images, n)
	k, dim := nw.Classes(), nw.Inputs()
	if len(dst) < n*k {
		panic(fmt.Sprintf("crossbar: Forward of %d images needs %d outputs, have %d", n, n*k, len(dst)))
	}
	for lo := 0; lo < n; lo += evalBatch {
		b := min(evalBatch, n-lo)
		nw.pass(images[lo*dim:], b, 0)
		copy(dst[lo*k:(lo+b)*k], nw.cur[len(nw.cur)-1][:b*k])
	}
}

// NeuronCurrents stores the neuron input currents in A of every hidden
// layer, and the output column currents of the last, for n input vectors:
// keep[l] needs n×Layers[l].Out values (sample major). These are the
// summation currents whose distribution the paper shows per layer.
func (nw *Network) NeuronCurrents(keep [][]float32, images []float32, n int) {
	nw.check(images, n)
	if len(keep) != len(nw.Layers) {
		panic(fmt.Sprintf("crossbar: NeuronCurrents needs %d slices, have %d", len(nw.Layers), len(keep)))
	}
	for l, arr := range nw.Layers {
		if len(keep[l]) < n*arr.Out {
			panic(fmt.Sprintf("crossbar: NeuronCurrents: layer %d needs %d values, have %d", l, n*arr.Out, len(keep[l])))
		}
	}
	dim := nw.Inputs()
	for lo := 0; lo < n; lo += evalBatch {
		b := min(evalBatch, n-lo)
		nw.pass(images[lo*dim:], b, 0)
		for l, arr := range nw.Layers {
			copy(keep[l][lo*arr.Out:(lo+b)*arr.Out], nw.cur[l][:b*arr.Out])
		}
	}
}

// Accuracy returns the fraction of the n images (n×Inputs) whose largest
// output column current is at the index of their label.
func (nw *Network) Accuracy(images []float32, labels []uint8, n int) float64 {
	nw.check(images, n)
	if len(labels) < n {
		panic(fmt.Sprintf("crossbar: %d labels for %d images", len(labels), n))
	}
	if n == 0 {
		return 0
	}
	dim := nw.Inputs()
	correct := 0
	for lo := 0; lo < n; lo += evalBatch {
		b := min(evalBatch, n-lo)
		nw.pass(images[lo*dim:], b, 0)
		correct += nw.countCorrect(labels[lo:lo+b], b)
	}
	return float64(correct) / float64(n)
}

// SetAccuracy is Accuracy over the images of a data set, copied (and a
// byte set's pixels converted) one batch at a time into a buffer of the
// network's, so that a byte set is never held as float32 whole.
func (nw *Network) SetAccuracy(set *dataset.Set) float64 {
	if set.Dim() != nw.Inputs() {
		panic(fmt.Sprintf("crossbar: images of %d pixels for %d inputs", set.Dim(), nw.Inputs()))
	}
	if set.N == 0 {
		return 0
	}
	dim := nw.Inputs()
	if len(nw.xbuf) < evalBatch*dim {
		nw.xbuf = make([]float32, evalBatch*dim)
	}
	correct := 0
	for lo := 0; lo < set.N; lo += evalBatch {
		b := min(evalBatch, set.N-lo)
		set.CopyRange(nw.xbuf, lo, lo+b)
		nw.pass(nw.xbuf, b, 0)
		correct += nw.countCorrect(set.Labels[lo:lo+b], b)
	}
	return float64(correct) / float64(set.N)
}

// countCorrect counts the b rows of the last pass whose largest output
// column current is at the index of their label.
func (nw *Network) countCorrect(labels []uint8, b int) int {
	return countCorrect(nw.cur[len(nw.cur)-1], labels, b, nw.Classes())
}

// countCorrect counts the b rows of out (rows of k output column
// currents) whose largest value (the first of equal ones) is at the index
// of their label.
func countCorrect(out []float32, labels []uint8, b, k int) int {
	correct := 0
	for r := 0; r < b; r++ {
		row := out[r*k : (r+1)*k]
		best := 0
		for j := 1; j < k; j++ {
			if row[j] > row[best] {
				best = j
			}
		}
		if best == int(labels[r]) {
			correct++
		}
	}
	return correct
}

// ReadEnergy returns the synapses' mean read energy per inference in J
// when each array is read for t seconds: the mean over the n images of
// Σ over arrays of t·Σ_i V_i²·Σ_j (G+_ij + G−_ij) (Layer.ReadEnergy). It
// runs the network to obtain the hidden voltages. t must be > 0.
func (nw *Network) ReadEnergy(images []float32, n int, t float64) float64 {
	return meanReadEnergy(images, n, nw.Inputs(), evalBatch, t, func(in []float32, b int) float64 {
		return nw.pass(in, b, t)
	})
}

// meanReadEnergy is ReadEnergy of Network and Stack: the mean over the n
// images (dim values each) of the read energies in J that pass returns
// for runs of at most chunk images, each array read for t seconds.
func meanReadEnergy(images []float32, n, dim, chunk int, t float64, pass func(in []float32, b int) float64) float64 {
	checkImages(images, n, dim)
	if !(t > 0) || !finite(t) {
		panic(fmt.Sprintf("crossbar: read time %g s must be finite and > 0", t))
	}
	if n == 0 {
		return 0
	}
	var e float64
	for lo := 0; lo < n; lo += chunk {
		b := min(chunk, n-lo)
		e += pass(images[lo*dim:], b)
	}
	return e / float64(n)
}
