package nn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Dense is a fully connected synaptic layer: z = x·W + b, with W stored
// row-major as In rows of Out columns (W[i*Out+j] connects input i to
// output j).
type Dense struct {
	In, Out int
	W       []float32
	B       []float32
}

// Network is a multilayer perceptron: Dense layers with the hidden
// activation Act between them and a softmax output.
type Network struct {
	Sizes  []int // layer widths, input first, classes last
	Layers []*Dense
	Act    Activation
}

// ErrShape reports an invalid network shape.
var ErrShape = errors.New("nn: invalid network shape")

// New builds a network of the given layer widths (input, hidden..., classes)
// with He-normal weights (standard deviation sqrt(2/fan_in)) and zero
// biases, drawn from rng.
func New(sizes []int, act Activation, rng *rand.Rand) (*Network, error) {
	if len(sizes) < 2 {
		return nil, fmt.Errorf("%w: need at least input and output widths, got %v", ErrShape, sizes)
	}
	for i, s := range sizes {
		if s <= 0 {
			return nil, fmt.Errorf("%w: layer %d has width %d", ErrShape, i, s)
		}
	}
	if act == nil {
		return nil, errors.New("nn: nil activation")
	}
	net := &Network{Sizes: append([]int(nil), sizes...), Act: act}
	for l := 0; l+1 < len(sizes); l++ {
		in, out := sizes[l], sizes[l+1]
		d := &Dense{In: in, Out: out, W: make([]float32, in*out), B: make([]float32, out)}
		std := math.Sqrt(2 / float64(in))
		for i := range d.W {
			d.W[i] = float32(rng.NormFloat64() * std)
		}
		net.Layers = append(net.Layers, d)
	}
	return net, nil
}

// Inputs is the width of the input layer.
func (n *Network) Inputs() int { return n.Sizes[0] }

// Classes is the width of the output layer.
func (n *Network) Classes() int { return n.Sizes[len(n.Sizes)-1] }

// Clone returns a deep copy of the weights and biases sharing Act.
func (n *Network) Clone() *Network {
	c := &Network{Sizes: append([]int(nil), n.Sizes...), Act: n.Act}
	for _, d := range n.Layers {
		c.Layers = append(c.Layers, &Dense{In: d.In, Out: d.Out,
			W: append([]float32(nil), d.W...), B: append([]float32(nil), d.B...)})
	}
	return c
}
