package nn

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/mrelu/mrelu/internal/kernel"
)

// Activation is a neuron's transfer function, applied element-wise to a
// layer's pre-activations (the summation the neuron sees).
//
// Forward may be stochastic (a hardware neuron with cycle-to-cycle
// variation draws new noise on every call); Derivative must then describe
// the evaluation that Forward just made, which is why it receives both the
// input z and the output y of that evaluation.
type Activation interface {
	// Forward writes y[i] = f(z[i]). len(y) == len(z).
	Forward(y, z []float32)
	// Derivative writes d[i] = dy/dz at z[i], where y[i] is the output
	// Forward produced for z[i].
	Derivative(d, z, y []float32)
}

// DerivativeMultiplier is an optional fast path of an Activation: it
// multiplies g in place by the derivative, g[i] *= f'(z[i]), in one pass
// (backpropagation through the neuron). It must agree with Derivative.
type DerivativeMultiplier interface {
	MulDerivative(g, z, y []float32)
}

// LayerForwarder is an optional interface of an Activation whose neurons
// differ from each other (device-to-device variation): the trainer calls
// ForwardLayer instead of Forward, telling it which hidden layer (0-based)
// it evaluates and the layer's width, so that element i of the row-major
// batch is neuron i % width of that layer.
type LayerForwarder interface {
	ForwardLayer(layer, width int, y, z []float32)
}

// Saturating is an optional interface of a bounded Activation:
// SaturationInput is the input at and above which the (noise-free) output
// is at or above 90 % of its bound. The trainer then counts, per hidden
// layer and epoch, the fraction of neuron inputs at or above it
// (EpochStats.SaturatedFraction).
type Saturating interface {
	SaturationInput() float32
}

// Named is implemented by activations that report their command-line name.
type Named interface{ Name() string }

// ActivationName returns the name of a, or its Go type when it has none.
func ActivationName(a Activation) string {
	if n, ok := a.(Named); ok {
		return n.Name()
	}
	return fmt.Sprintf("%T", a)
}

// Sigmoid is the logistic function 1/(1+e^-z), the classic neuron whose
// derivative (at most 1/4) makes gradients vanish in deep networks.
type Sigmoid struct{}

// Name implements Named.
func (Sigmoid) Name() string { return "sigmoid" }

// Forward implements Activation.
func (Sigmoid) Forward(y, z []float32) {
	y = y[:len(z)]
	for i, v := range z {
		y[i] = 1 / (1 + expf(-v))
	}
}

// Derivative implements Activation: y(1-y).
func (Sigmoid) Derivative(d, z, y []float32) {
	d = d[:len(z)]
	y = y[:len(z)]
	for i := range d {
		d[i] = y[i] * (1 - y[i])
	}
}

// ReLU is max(0, z), the software rectifier. Its derivative is taken as 0
// at z = 0 (the usual subgradient choice).
type ReLU struct{}

// Name implements Named.
func (ReLU) Name() string { return "relu" }

// Forward implements Activation. It is branch-free (the sign bit masks
// the value), since pre-activations are positive or negative at random and
// a branch would mispredict half the time; kernel.ReLU runs it 16 lanes
// at a time with AVX-512.
func (ReLU) Forward(y, z []float32) { kernel.ReLU(y, z) }

// Derivative implements Activation: 1 for z > 0, else 0, branch-free.
func (ReLU) Derivative(d, z, y []float32) {
	d = d[:len(z)]
	for i, v := range z {
		d[i] = positive(v)
	}
}

// MulDerivative implements DerivativeMultiplier: g is kept where z > 0 and
// zeroed elsewhere, by masking bits (kernel.ReLUMask).
func (ReLU) MulDerivative(g, z, y []float32) { kernel.ReLUMask(g, z) }

// MulDerivative implements DerivativeMultiplier.
func (Sigmoid) MulDerivative(g, z, y []float32) {
	g = g[:len(z)]
	y = y[:len(z)]
	for i := range g {
		g[i] *= y[i] * (1 - y[i])
	}
}

// MulDerivative implements DerivativeMultiplier: g is kept where
// 0 < z < Max, by masking bits.
func (c ClippedReLU) MulDerivative(g, z, y []float32) {
	g = g[:len(z)]
	for i, v := range z {
		b := math.Float32bits(v)
		u := math.Float32bits(c.Max - v)
		in := ((-b) >> 31) &^ (b >> 31) & ((-u) >> 31) &^ (u >> 31) // 1 inside
		g[i] = math.Float32frombits(math.Float32bits(g[i]) & -in)
	}
}

// positive is 1 when v > 0 (or a positive NaN) and 0 otherwise (including
// -0), computed from the bits without a branch.
func positive(v float32) float32 {
	b := math.Float32bits(v)
	return float32(((-b) >> 31) &^ (b >> 31))
}

// ClippedReLU is min(max(0, z), Max): the ideal bounded neuron. With
// Max = VDD/1 V it is the mReLU without device effects (output bounded by
// its supply VDD; one network unit is 1 V of neuron output). The
// derivative is 1 strictly inside (0, Max) and 0 outside.
type ClippedReLU struct{ Max float32 }

// Name implements Named: "relu2" at the default bound (DefaultBound),
// "relu-clip<Max>" otherwise, so that a checkpoint of a relu2 network
// bounded at another VDD names its bound (a resume with another bound is
// refused).
func (c ClippedReLU) Name() string {
	if c.Max == DefaultBound {
		return "relu2"
	}
	return fmt.Sprintf("relu-clip%g", c.Max)
}

// Forward implements Activation, branch-free (min/max compile to
// MINSS/MAXSS-style selects, avoiding mispredicted branches).
func (c ClippedReLU) Forward(y, z []float32) {
	y = y[:len(z)]
	m := c.Max
	for i, v := range z {
		b := math.Float32bits(v)
		pos := math.Float32frombits(b &^ uint32(int32(b)>>31)) // max(v, 0)
		y[i] = min(pos, m)
	}
}

// SaturationInput implements Saturating: 90 % of Max.
func (c ClippedReLU) SaturationInput() float32 { return 0.9 * c.Max }

// Derivative implements Activation.
func (c ClippedReLU) Derivative(d, z, y []float32) {
	d = d[:len(z)]
	for i, v := range z {
		d[i] = positive(v) * positive(c.Max-v)
	}
}

// DefaultBound is the bound of relu2 when NewActivation is given none
// (WithBound): 2, the paper's VDD = 2 V in network units of 1 V of neuron
// output. nn knows no device; a run that has a neuron passes its VDD.
const DefaultBound = 2

// ActivationSettings are the settings a software activation's constructor
// (ActivationKind.New) reads, after NewActivation has applied its options.
type ActivationSettings struct {
	// Bound is the output bound of a bounded activation (WithBound; the
	// run's VDD in V of neuron output), DefaultBound without the option.
	Bound float32
}

// ActivationOption is a setting of NewActivation.
type ActivationOption func(*ActivationSettings)

// WithBound sets the output bound of the bounded built-in activation:
// relu2 is ReLU clipped at bound, the run's VDD in volts of neuron output
// (DefaultBound = 2, for 2 V, without this option). The other built-ins
// ignore it. NewActivation rejects a bound that is not positive and
// finite.
func WithBound(bound float32) ActivationOption {
	return func(c *ActivationSettings) { c.Bound = bound }
}

// ActivationKind describes an activation registered by name
// (RegisterActivation): how to build it and the properties its consumers
// ask about, so that no package compares activation names.
type ActivationKind struct {
	// Name is the command-line name (--act), unique in the registry.
	Name string
	// Doc is a one-line description.
	Doc string
	// New builds the software activation from NewActivation's settings.
	// It is nil for a hardware neuron, which its registrant builds from
	// a solved circuit (nn knows no device).
	New func(ActivationSettings) Activation
	// Hardware: the activation is a device neuron; a run needs the solved
	// neuron circuit (its curve, VDD and input scale) to build it.
	Hardware bool
	// Noisy: the activation has temporal (cycle-to-cycle) variation, so
	// each evaluation draws new noise (mrelu, not mrelu-ideal); a run's
	// noise model and variation matter only for it.
	Noisy bool
	// Bounded: the output is bounded by the run's VDD (relu2, mrelu,
	// mrelu-ideal).
	Bounded bool
	// VanishingGradient: the derivative is well below 1 everywhere
	// (sigmoid: at most 1/4), so gradients shrink layer by layer and the
	// first layer is updated far less than the last (Fig. 4g,h).
	VanishingGradient bool
}

// registry holds the registered activation kinds by name.
var registry = struct {
	sync.RWMutex
	kinds map[string]ActivationKind
}{kinds: map[string]ActivationKind{}}

// RegisterActivation adds kind to the activations known by name, usually
// from an init function of the package that defines it. It panics (a
// programmer error) when the name is empty or already registered, or
// when New is nil for a software kind or set for a hardware one.
func RegisterActivation(kind ActivationKind) {
	switch {
	case kind.Name == "":
		panic("nn: RegisterActivation: empty name")
	case kind.Hardware && kind.New != nil:
		panic(fmt.Sprintf("nn: RegisterActivation %q: a hardware kind has no New (its registrant builds it)", kind.Name))
	case !kind.Hardware && kind.New == nil:
		panic(fmt.Sprintf("nn: RegisterActivation %q: a software kind needs New", kind.Name))
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.kinds[kind.Name]; dup {
		panic(fmt.Sprintf("nn: RegisterActivation: activation %q registered twice", kind.Name))
	}
	registry.kinds[kind.Name] = kind
}

// LookupActivation returns the kind registered as name. For an unknown
// name it returns the zero ActivationKind (every property false) and
// false.
func LookupActivation(name string) (ActivationKind, bool) {
	registry.RLock()
	defer registry.RUnlock()
	k, ok := registry.kinds[name]
	return k, ok
}

// ActivationKinds returns every registered kind (software and hardware),
// sorted by name.
func ActivationKinds() []ActivationKind {
	registry.RLock()
	defer registry.RUnlock()
	kinds := make([]ActivationKind, 0, len(registry.kinds))
	for _, k := range registry.kinds {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return kinds[i].Name < kinds[j].Name })
	return kinds
}

func init() {
	RegisterActivation(ActivationKind{Name: "sigmoid", Doc: "logistic 1/(1+e^-z)",
		New: func(ActivationSettings) Activation { return Sigmoid{} }, VanishingGradient: true})
	RegisterActivation(ActivationKind{Name: "relu", Doc: "software rectifier max(0, z)",
		New: func(ActivationSettings) Activation { return ReLU{} }})
	RegisterActivation(ActivationKind{Name: "relu2", Doc: "ReLU clipped at the run's VDD (2 V by default)",
		New: func(s ActivationSettings) Activation { return ClippedReLU{Max: s.Bound} }, Bounded: true})
}

// ActivationNames lists the names NewActivation builds (the registered
// software kinds), sorted. Hardware kinds are listed by ActivationKinds.
func ActivationNames() []string {
	var names []string
	for _, k := range ActivationKinds() {
		if k.New != nil {
			names = append(names, k.Name)
		}
	}
	return names
}

// NewActivation returns the registered software activation called name,
// with the options applied (WithBound: relu2's bound, the run's VDD). A
// hardware kind is refused: its registrant builds it from a solved neuron.
func NewActivation(name string, opts ...ActivationOption) (Activation, error) {
	k, ok := LookupActivation(name)
	if !ok {
		return nil, fmt.Errorf("nn: unknown activation %q (want one of %s)", name, strings.Join(ActivationNames(), ", "))
	}
	if k.New == nil {
		return nil, fmt.Errorf("nn: activation %q is a hardware neuron: it is built from a solved neuron circuit, not by NewActivation", name)
	}
	c := ActivationSettings{Bound: DefaultBound}
	for _, o := range opts {
		o(&c)
	}
	if b := float64(c.Bound); !(b > 0) || math.IsInf(b, 1) {
		return nil, fmt.Errorf("nn: activation %s: bound %g must be positive and finite (the neuron's VDD in V)", name, b)
	}
	return k.New(c), nil
}
