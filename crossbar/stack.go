package crossbar

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/mrelu/mrelu/nn"
)

// Stack is a layered network (nn.Sequential) in crossbar hardware: every
// Dense and every Conv2D layer is one programmed array, a Neuron follows
// every array that the network follows with an activation, and pooling and
// flattening act on the neurons' output voltages as the network defines
// them (a periphery this package does not model: no energy, no noise).
//
// A Conv2D layer of K×K kernels over C_in channels to C_out channels is
// one array of K·K·C_in rows (plus the bias row) × C_out column pairs,
// its W matrix as nn stores it, read once per output position: the
// receptive field's K·K·C_in voltages (0 V over the zero padding) drive
// the rows and the C_out column currents go to C_out neurons, the same
// ones at every position. A Dense layer is an array read once per image.
// All the non-idealities of Params apply as for a Network (programming
// noise and quantisation once, read noise per read, neuron spread per
// column).
//
// The first array reads the input images at Params.ReadScale volts per
// unit (or takes them as row voltages, ForwardVolts), every later one the
// neuron voltages at HiddenReadScale. A Stack is not safe for concurrent
// use.
type Stack struct {
	Arrays  []*Layer
	Neurons []Neuron // one per activation layer of the network
	stages  []stage
	in      nn.Shape
	chunk   int
	size    int          // largest map of one image (values)
	taps    int          // largest im2col block of one image (values)
	buf     [2][]float32 // ping-pong stage outputs, chunk × largest map
	cur     []float32    // neuron input currents, chunk × largest map
	cols    []float32    // receptive fields of a convolution's reads
}

// stage is one step of a Stack: an array (with the geometry of its
// receptive fields for a convolution) and its neuron, or a layer of the
// network applied as is (pooling, flatten).
type stage struct {
	arr     *Layer
	conv    *nn.Conv2D // receptive fields; nil for a dense array
	neuron  int        // index in Neurons, or -1: the output currents
	op      nn.Layer   // a pass-through layer when arr is nil
	in, out nn.Shape
}

// stackChunk is the largest number of images a Stack runs at once.
const stackChunk = 100

// stackBudget bounds the values of one chunk's largest workspace (the
// im2col block of a convolution or the largest map): large images run in
// fewer images per chunk, down to one (16 MiB of float32 at most then,
// unless a single image needs more).
const stackBudget = 1 << 22

// NewStack programs every Dense and Conv2D layer of net into an array
// under p (the first with p.ReadScale, the others with HiddenReadScale)
// and attaches the neurons: nil gives every activation layer
// IdealNeuron{p.UnitCurrent, p.VDD}; one neuron is shared by all; otherwise
// one per activation layer. The network's activations are not used: the
// neurons replace them. An activation must follow an array; the last
// layer must be an array (its column currents are the output). All
// random draws come from a generator seeded by p.Seed.
func NewStack(net *nn.Sequential, neurons []Neuron, p Params) (*Stack, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if net == nil || len(net.Layers) == 0 {
		return nil, errors.New("crossbar: network has no layers")
	}
	s := &Stack{in: net.In, chunk: stackChunk}
	rng := rand.New(rand.NewPCG(p.Seed, streamNetwork))
	acts := 0
	for i, l := range net.Layers {
		in, out := l.Shapes()
		var w, b []float32
		var rows, cols int
		var conv *nn.Conv2D
		switch l := l.(type) {
		case *nn.Dense:
			w, b, rows, cols = l.W, l.B, l.In, l.Out
		case *nn.Conv2D:
			w, b, rows, cols, conv = l.W, l.B, l.Taps(), l.Out.C, l
		case *nn.Activate:
			if len(s.stages) == 0 || s.stages[len(s.stages)-1].arr == nil || s.stages[len(s.stages)-1].neuron >= 0 {
				return nil, fmt.Errorf("crossbar: layer %d: an activation must follow a Dense or Conv2D layer", i)
			}
			s.stages[len(s.stages)-1].neuron = acts
			acts++
			continue
		default:
			s.stages = append(s.stages, stage{op: l, neuron: -1, in: in, out: out})
			continue
		}
		pl := p
		if len(s.Arrays) > 0 {
			pl.ReadScale = HiddenReadScale
		}
		arr, err := Program(w, rows, cols, b, pl, rng)
		if err != nil {
			return nil, fmt.Errorf("crossbar: layer %d: %w", i, err)
		}
		s.Arrays = append(s.Arrays, arr)
		s.stages = append(s.stages, stage{arr: arr, conv: conv, neuron: -1, in: in, out: out})
	}
	if last := s.stages[len(s.stages)-1]; last.arr == nil || last.neuron >= 0 {
		return nil, errors.New("crossbar: the last layer must be a Dense or Conv2D layer without activation")
	}
	var err error
	if s.Neurons, err = expandNeurons(neurons, acts, p, "activation layer"); err != nil {
		return nil, err
	}
	s.size = net.In.Size()
	for _, st := range s.stages {
		s.size = max(s.size, st.out.Size())
		if st.conv != nil {
			s.taps = max(s.taps, st.out.H*st.out.W*st.conv.Taps())
		}
	}
	s.chunk = max(1, min(stackChunk, stackBudget/max(s.size, s.taps)))
	return s, nil
}

// grow sizes the workspaces for b images; they are allocated on the first
// pass, for no more images than it runs, and reused.
func (s *Stack) grow(b int) {
	if len(s.cur) >= b*s.size && len(s.cols) >= b*s.taps {
		return
	}
	for k := range s.buf {
		s.buf[k] = make([]float32, b*s.size)
	}
	s.cur = make([]float32, b*s.size)
	s.cols = make([]float32, b*s.taps)
}

// Inputs is the number of values of one input image.
func (s *Stack) Inputs() int { return s.in.Size() }

// Classes is the number of output columns of the last array.
func (s *Stack) Classes() int { return s.Arrays[len(s.Arrays)-1].Out }

// Outputs is the number of output currents per image: the last array's
// output map, positions × columns for a convolution (Classes for a dense
// layer).
func (s *Stack) Outputs() int { return s.stages[len(s.stages)-1].out.Size() }

// Reads returns, per array, how many times it is read per inference: the
// output positions of a convolution, 1 for a dense layer.
func (s *Stack) Reads() []int {
	var r []int
	for _, st := range s.stages {
		if st.arr != nil {
			r = append(r, st.out.H*st.out.W)
		}
	}
	return r
}

// Activations returns the number of neuron activations per inference:
// the output values of every array followed by a neuron (positions ×
// channels of a convolution).
func (s *Stack) Activations() int {
	a := 0
	for _, st := range s.stages {
		if st.arr != nil && st.neuron >= 0 {
			a += st.out.Size()
		}
	}
	return a
}

// pass runs b ≤ chunk images x (network units, or with volts the first
// array's row voltages in V) through the stages and returns the last
// array's column currents (b × Outputs) and, when t > 0, the arrays' read
// energy in J for reads of t seconds.
func (s *Stack) pass(x []float32, b int, t float64, volts bool) (out []float32, energy float64) {
	s.grow(b)
	vin := x[:b*s.in.Size()]
	first := true
	for k, st := range s.stages {
		dst := s.buf[k%2][:b*st.out.Size()]
		if st.arr == nil {
			st.op.Forward(dst, vin, b)
			vin = dst
			continue
		}
		scale := 1.0
		if first {
			if !volts {
				scale = st.arr.ReadScale()
			}
			first = false
		}
		rowsIn, reads := vin, b
		if st.conv != nil {
			c := st.conv
			reads = b * st.out.H * st.out.W
			rowsIn = s.cols[:reads*c.Taps()]
			nn.Im2col(rowsIn, vin, b, c.In, c.K, c.Stride, c.Pad)
		}
		if t > 0 {
			energy += st.arr.readEnergy(rowsIn, reads, t, scale)
		}
		if st.neuron < 0 {
			st.arr.currents(dst, rowsIn, reads, float32(scale))
		} else {
			cur := s.cur[:len(dst)]
			st.arr.currents(cur, rowsIn, reads, float32(scale))
			st.arr.applyGains(cur)
			s.Neurons[st.neuron].Eval(dst, cur)
		}
		vin = dst
	}
	return vin, energy
}

func (s *Stack) check(images []float32, n int) { checkImages(images, n, s.Inputs()) }

// Forward writes the output column currents in A of n images (n ×
// Inputs, network units) into dst (n × Outputs; for a convolution last,
// each image's map position-major, its columns contiguous).
func (s *Stack) Forward(dst, images []float32, n int) {
	s.forward(dst, images, n, 0, false)
}

// ForwardEnergy is Forward that also returns the synapses' mean read
// energy per inference in J for reads of t seconds (ReadEnergy), from the
// same reads: the currents (read noise included) are those of one Forward.
func (s *Stack) ForwardEnergy(dst, images []float32, n int, t float64) float64 {
	checkReadTime(t)
	return s.forward(dst, images, n, t, false)
}

// ForwardVolts is ForwardEnergy for inputs given as the first array's row
// voltages in V (n × Inputs) rather than in network units, as a sensor
// front end drives them: the caller has applied ReadScale (the bias row
// is still driven at ReadScale). With t = 0 it computes no energy and
// returns 0.
func (s *Stack) ForwardVolts(dst, volts []float32, n int, t float64) float64 {
	if t != 0 {
		checkReadTime(t)
	}
	return s.forward(dst, volts, n, t, true)
}

func checkReadTime(t float64) {
	if !(t > 0) || !finite(t) {
		panic(fmt.Sprintf("crossbar: read time %g s must be finite and > 0", t))
	}
}

// forward runs the n images in chunks into dst and returns the mean read
// energy per image for reads of t seconds (0 with t = 0 or n = 0).
func (s *Stack) forward(dst, images []float32, n int, t float64, volts bool) float64 {
	s.check(images, n)
	k, dim := s.Outputs(), s.Inputs()
	if len(dst) < n*k {
		panic(fmt.Sprintf("crossbar: Forward of %d images: dst has %d values, want %d", n, len(dst), n*k))
	}
	if n == 0 {
		return 0
	}
	var e float64
	for lo := 0; lo < n; lo += s.chunk {
		b := min(s.chunk, n-lo)
		out, eb := s.pass(images[lo*dim:], b, t, volts)
		copy(dst[lo*k:(lo+b)*k], out)
		e += eb
	}
	return e / float64(n)
}

// Accuracy returns the fraction of the n images whose largest output
// column current is at their label.
func (s *Stack) Accuracy(images []float32, labels []uint8, n int) float64 {
	s.check(images, n)
	if n == 0 {
		return 0
	}
	k, dim := s.Classes(), s.Inputs()
	correct := 0
	for lo := 0; lo < n; lo += s.chunk {
		b := min(s.chunk, n-lo)
		out, _ := s.pass(images[lo*dim:], b, 0, false)
		correct += countCorrect(out, labels[lo:lo+b], b, k)
	}
	return float64(correct) / float64(n)
}

// ReadEnergy returns the synapses' mean read energy per inference in J
// when every read of an array lasts t seconds: a convolution's array is
// read once per output position, so its energy is the sum over the
// positions of t·Σ_i V_i²·Σ_j (G+_ij + G−_ij), bias row included
// (Layer.ReadEnergy).
func (s *Stack) ReadEnergy(images []float32, n int, t float64) float64 {
	return meanReadEnergy(images, n, s.Inputs(), s.chunk, t, func(in []float32, b int) float64 {
		_, e := s.pass(in, b, t, false)
		return e
	})
}

// expandNeurons returns one neuron per layer of n: IdealNeuron{p.UnitCurrent,
// p.VDD} for nil, neurons[0] for all when it is alone, else neurons itself,
// which must then have n non-nil entries (what names a layer in errors).
func expandNeurons(neurons []Neuron, n int, p Params, what string) ([]Neuron, error) {
	var out []Neuron
	switch {
	case neurons == nil:
		for range n {
			out = append(out, IdealNeuron{UnitCurrent: float32(p.UnitCurrent), VMax: float32(p.VDD)})
		}
	case len(neurons) == 1:
		for range n {
			out = append(out, neurons[0])
		}
	case len(neurons) == n:
		out = append(out, neurons...)
	default:
		return nil, fmt.Errorf("crossbar: %d neurons for %d %ss (want 1 or %d)", len(neurons), n, what, n)
	}
	for l, nr := range out {
		if nr == nil {
			return nil, fmt.Errorf("crossbar: neuron of %s %d is nil", what, l)
		}
	}
	return out, nil
}
