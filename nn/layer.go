package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mrelu/mrelu/internal/kernel"
)

// Shape is the shape of one sample's activations, stored NHWC: a batch
// of n samples is n·H·W·C float32 values, sample major, then row, then
// column, with the C channels of a pixel adjacent. A fully connected
// layer's vector of width k is Shape{1, 1, k}; an MNIST image is
// Shape{28, 28, 1}, which is also how dataset.Set.Gather lays it out.
//
// NHWC is chosen because it is what the crossbar computes: a
// convolution's GEMM produces one row of C_out column currents per
// output position (n·H·W rows × C_out columns), so the output needs no
// transposition, and element i of a batch belongs to channel i % C, the
// same physical neuron circuit at every position (Activate passes C as
// the width to a LayerForwarder).
type Shape struct{ H, W, C int }

// Vec is the shape of a flat vector of k features.
func Vec(k int) Shape { return Shape{1, 1, k} }

// Size is the number of values per sample, H·W·C.
func (s Shape) Size() int { return s.H * s.W * s.C }

func (s Shape) String() string { return fmt.Sprintf("%dx%dx%d", s.H, s.W, s.C) }

func (s Shape) valid() bool { return s.H > 0 && s.W > 0 && s.C > 0 }

// Param is one trainable parameter slice of a Layer.
type Param struct {
	Name  string    // "W" or "b"
	Value []float32 // the values, updated in place by the trainer
	// Weight marks a synaptic weight (as opposed to a bias): the per-layer
	// update statistics (mean |ΔW|) count weights only, as the MLP
	// trainer's do.
	Weight bool
}

// Layer is one stage of a Sequential network, working on a batch of n
// samples laid out as Shape documents (NHWC). The trainer owns every
// buffer passed in (activations and gradients), so that a layer's
// results can be kept or compared; a layer keeps only workspaces it needs
// between Forward and the following Backward (an im2col matrix, the
// positions of the pooled maxima).
//
// Implementations: *Dense, *Conv2D, *MaxPool2D, *AvgPool2D, *Flatten and
// *Activate (any Activation, software or hardware).
type Layer interface {
	// Shapes returns the shape of one input sample and one output sample.
	Shapes() (in, out Shape)
	// Forward writes y (n × out.Size()) from x (n × in.Size()).
	Forward(y, x []float32, n int)
	// Backward takes dy = ∂L/∂y for the x and y of the last Forward (same
	// n) and writes ∂L/∂x into dx (nil when not needed: the first layer)
	// and ∂L/∂p of Params()[i] into grads[i] (overwritten).
	Backward(dx, dy, x, y []float32, n int, grads [][]float32)
	// Params returns the trainable parameters (nil for none).
	Params() []Param
}

// Shapes implements Layer: the input is In features (any shape of that
// size, since NHWC flattens in place), the output Out.
func (d *Dense) Shapes() (in, out Shape) { return Vec(d.In), Vec(d.Out) }

// Params implements Layer: W (In × Out) and B (Out).
func (d *Dense) Params() []Param {
	return []Param{{Name: "W", Value: d.W, Weight: true}, {Name: "b", Value: d.B}}
}

// Forward implements Layer: y = x·W + b, exactly as the MLP Trainer
// computes it (the bias copied in, then the GEMM accumulates).
func (d *Dense) Forward(y, x []float32, n int) {
	y = y[:n*d.Out]
	broadcastRows(y, d.B)
	kernel.Sgemm(false, false, n, d.Out, d.In, 1, x, d.In, d.W, d.Out, 1, y, d.Out)
}

// Backward implements Layer: ∂W = xᵀ·dy, ∂b = Σ_rows dy, dx = dy·Wᵀ.
func (d *Dense) Backward(dx, dy, x, y []float32, n int, grads [][]float32) {
	dy = dy[:n*d.Out]
	kernel.Sgemm(true, false, d.In, d.Out, n, 1, x, d.In, dy, d.Out, 0, grads[0], d.Out)
	sumRows(grads[1], dy)
	if dx != nil {
		kernel.Sgemm(false, true, n, d.In, d.Out, 1, dy, d.Out, d.W, d.Out, 0, dx, d.In)
	}
}

// broadcastRows copies b into every len(b)-wide row of y (len(y) a
// multiple of len(b)), doubling the filled part with each copy: a
// convolution's rows are only C_out values wide, too short for one copy
// call each.
func broadcastRows(y, b []float32) {
	if len(y) == 0 {
		return
	}
	filled := copy(y, b)
	for filled < len(y) {
		filled += copy(y[filled:], y[:filled])
	}
}

// sumRows writes the column sums of the len(s)-wide rows of m into s.
func sumRows(s, m []float32) {
	clear(s)
	addColumnSums(s, m)
}

// heNormal fills w with He-normal values, standard deviation
// sqrt(2/fanIn), drawn in order from rng (the initialisation of New).
func heNormal(w []float32, fanIn int, rng *rand.Rand) {
	std := math.Sqrt(2 / float64(fanIn))
	for i := range w {
		w[i] = float32(rng.NormFloat64() * std)
	}
}

// Flatten turns a map into a vector of the same size. In NHWC the values
// are already in that order, so it is a copy (and its gradient another).
type Flatten struct{ In Shape }

// Shapes implements Layer.
func (f *Flatten) Shapes() (in, out Shape) { return f.In, Vec(f.In.Size()) }

// Forward implements Layer.
func (f *Flatten) Forward(y, x []float32, n int) { copy(y[:n*f.In.Size()], x) }

// Backward implements Layer.
func (f *Flatten) Backward(dx, dy, x, y []float32, n int, grads [][]float32) {
	if dx != nil {
		copy(dx[:n*f.In.Size()], dy)
	}
}

// Params implements Layer: none.
func (f *Flatten) Params() []Param { return nil }

// Activate applies a neuron's Activation element-wise. Any Activation
// plugs in unchanged: software sigmoid and ReLU, the clipped ReLU, the
// hardware mReLU (experiment.MReLU, with its temporal variation drawn per
// evaluation). An activation that is a LayerForwarder (neurons that
// differ from each other) is told Index, the 0-based number of this
// activation layer in its network, and Shape.C as the width, so that
// element i belongs to neuron i % C: in a convolutional layer one neuron
// per output channel, reused at every position as in the crossbar.
type Activate struct {
	Act   Activation
	Shape Shape
	Index int

	deriv []float32 // workspace without a DerivativeMultiplier
}

// Shapes implements Layer.
func (a *Activate) Shapes() (in, out Shape) { return a.Shape, a.Shape }

// Forward implements Layer.
func (a *Activate) Forward(y, x []float32, n int) {
	m := n * a.Shape.Size()
	if lf, ok := a.Act.(LayerForwarder); ok {
		lf.ForwardLayer(a.Index, a.Shape.C, y[:m], x[:m])
		return
	}
	a.Act.Forward(y[:m], x[:m])
}

// Backward implements Layer: dx = dy·f'(x), with the derivative of the
// evaluation Forward made (y must be Forward's output buffer, which a
// stochastic activation keys its cached derivative by).
func (a *Activate) Backward(dx, dy, x, y []float32, n int, grads [][]float32) {
	if dx == nil {
		return
	}
	m := n * a.Shape.Size()
	dx, x, y = dx[:m], x[:m], y[:m]
	copy(dx, dy[:m])
	if mul, ok := a.Act.(DerivativeMultiplier); ok {
		mul.MulDerivative(dx, x, y)
		return
	}
	if cap(a.deriv) < m {
		a.deriv = make([]float32, m)
	}
	d := a.deriv[:m]
	a.Act.Derivative(d, x, y)
	for i, g := range d {
		dx[i] *= g
	}
}

// Params implements Layer: none.
func (a *Activate) Params() []Param { return nil }
