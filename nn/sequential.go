package nn

import (
	"errors"
	"fmt"
	"math/rand/v2"
)

// Sequential is a stack of layers applied in order to NHWC samples of
// shape In; the last layer's outputs are the class scores (logits), which
// the trainer turns into probabilities with a softmax and trains with the
// softmax cross-entropy, as Trainer does for an MLP.
type Sequential struct {
	In     Shape
	Layers []Layer
}

// Spec builds one layer for inputs of shape in, drawing any initial
// weights from rng.
type Spec func(in Shape, rng *rand.Rand) (Layer, error)

// DenseSpec is a fully connected layer of out neurons over all of its
// input's values, He-normal weights (as New) and zero biases.
func DenseSpec(out int) Spec {
	return func(in Shape, rng *rand.Rand) (Layer, error) {
		if out < 1 || !in.valid() {
			return nil, fmt.Errorf("%w: dense layer of %d outputs over %v", ErrShape, out, in)
		}
		d := &Dense{In: in.Size(), Out: out, W: make([]float32, in.Size()*out), B: make([]float32, out)}
		heNormal(d.W, d.In, rng)
		return d, nil
	}
}

// ConvSpec is a Conv2D of cout channels, k×k kernels, stride and padding.
func ConvSpec(cout, k, stride, pad int) Spec {
	return func(in Shape, rng *rand.Rand) (Layer, error) { return NewConv2D(in, cout, k, stride, pad, rng) }
}

// MaxPoolSpec is a MaxPool2D of k×k windows and stride.
func MaxPoolSpec(k, stride int) Spec {
	return func(in Shape, _ *rand.Rand) (Layer, error) { return NewMaxPool2D(in, k, stride) }
}

// AvgPoolSpec is an AvgPool2D of k×k windows and stride.
func AvgPoolSpec(k, stride int) Spec {
	return func(in Shape, _ *rand.Rand) (Layer, error) { return NewAvgPool2D(in, k, stride) }
}

// FlattenSpec is a Flatten.
func FlattenSpec() Spec {
	return func(in Shape, _ *rand.Rand) (Layer, error) { return &Flatten{In: in}, nil }
}

// ActSpec applies the activation a; NewSequential numbers the activation
// layers (Activate.Index) in order.
func ActSpec(a Activation) Spec {
	return func(in Shape, _ *rand.Rand) (Layer, error) {
		if a == nil {
			return nil, errors.New("nn: nil activation")
		}
		return &Activate{Act: a, Shape: in}, nil
	}
}

// NewSequential builds the layers of specs in order for inputs of shape
// in, drawing the initial weights from rng layer by layer.
func NewSequential(in Shape, rng *rand.Rand, specs ...Spec) (*Sequential, error) {
	if !in.valid() {
		return nil, fmt.Errorf("%w: input shape %v", ErrShape, in)
	}
	if len(specs) == 0 {
		return nil, fmt.Errorf("%w: no layers", ErrShape)
	}
	s := &Sequential{In: in}
	cur := in
	for i, sp := range specs {
		l, err := sp(cur, rng)
		if err != nil {
			return nil, fmt.Errorf("nn: layer %d: %w", i, err)
		}
		s.Layers = append(s.Layers, l)
		_, cur = l.Shapes()
	}
	return s, s.check()
}

// check verifies that every layer takes as many values as the one before
// gives, and numbers the activation layers.
func (s *Sequential) check() error {
	cur := s.In
	act := 0
	for i, l := range s.Layers {
		in, out := l.Shapes()
		if in.Size() != cur.Size() {
			return fmt.Errorf("%w: layer %d (%T) takes %v but receives %v", ErrShape, i, l, in, cur)
		}
		if a, ok := l.(*Activate); ok {
			a.Index = act
			act++
		}
		cur = out
	}
	return nil
}

// FromNetwork returns the MLP net as a Sequential: its Dense layers (the
// same weights, not copies) with net.Act between them. Trained with the
// same Config it takes exactly the steps Trainer takes.
func FromNetwork(net *Network) *Sequential {
	s := &Sequential{In: Vec(net.Inputs())}
	for l, d := range net.Layers {
		s.Layers = append(s.Layers, d)
		if l+1 < len(net.Layers) {
			s.Layers = append(s.Layers, &Activate{Act: net.Act, Shape: Vec(d.Out)})
		}
	}
	if err := s.check(); err != nil {
		panic(err) // a Network's layers always chain
	}
	return s
}

// Classes is the width of the last layer's output.
func (s *Sequential) Classes() int {
	_, out := s.Layers[len(s.Layers)-1].Shapes()
	return out.Size()
}

// Weighted returns the indices of the layers with trainable weights
// (Dense, Conv2D), in order: the synaptic layers of the statistics.
func (s *Sequential) Weighted() []int {
	var w []int
	for i, l := range s.Layers {
		for _, p := range l.Params() {
			if p.Weight {
				w = append(w, i)
				break
			}
		}
	}
	return w
}

// MeanAbsWeights returns the mean |w| of each weighted layer (Weighted
// order): the denominator of the relative update |ΔW|/|W|.
func (s *Sequential) MeanAbsWeights() []float64 {
	var m []float64
	for _, i := range s.Weighted() {
		var sum float64
		var cnt int
		for _, p := range s.Layers[i].Params() {
			if p.Weight {
				for _, v := range p.Value {
					sum += float64(abs32(v))
				}
				cnt += len(p.Value)
			}
		}
		m = append(m, sum/float64(cnt))
	}
	return m
}

// Logits runs n samples x (n × In.Size()) through the layers and returns
// the last layer's outputs (n × Classes()), allocating its buffers: for
// inference outside training and for tests, not for a hot loop.
func (s *Sequential) Logits(x []float32, n int) []float32 {
	in := x[:n*s.In.Size()]
	for _, l := range s.Layers {
		_, out := l.Shapes()
		y := make([]float32, n*out.Size())
		l.Forward(y, in, n)
		in = y
	}
	return in
}
