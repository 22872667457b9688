package crossbar

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mrelu/mrelu/nn"
)

// randConvNet is a small convolutional stack with the ideal bounded
// ReLU, He-normal weights and random biases.
func randConvNet(t testing.TB, seed uint64) *nn.Sequential {
	rng := rand.New(rand.NewPCG(seed, 1))
	act := nn.ClippedReLU{Max: DefaultVDD}
	s, err := nn.NewSequential(nn.Shape{H: 10, W: 9, C: 1}, rng,
		nn.ConvSpec(4, 3, 1, 1), nn.ActSpec(act), nn.MaxPoolSpec(2, 2),
		nn.ConvSpec(5, 3, 2, 1), nn.ActSpec(act), nn.AvgPoolSpec(2, 1),
		nn.FlattenSpec(), nn.DenseSpec(8), nn.ActSpec(act), nn.DenseSpec(3))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range s.Layers {
		for _, p := range l.Params() {
			if !p.Weight {
				for j := range p.Value {
					p.Value[j] = float32(rng.NormFloat64() * 0.2)
				}
			}
		}
	}
	return s
}

// TestStackExactness: with every non-ideality off and the ideal neuron, a
// convolutional stack on crossbar arrays computes the network's logits
// (output currents / ColumnCurrentPerUnit) up to float32 rounding.
func TestStackExactness(t *testing.T) {
	net := randConvNet(t, 3)
	set := randSet(230, net.In.Size(), 3, 4)
	for _, p := range []Params{DefaultParams(), withParams(func(p *Params) { p.GMin, p.ReadScale = 0, 1 }), withParams(func(p *Params) { p.VDD = 1.6 })} {
		// The network's relu2 at the neurons' supply.
		for _, l := range net.Layers {
			if a, ok := l.(*nn.Activate); ok {
				a.Act = nn.ClippedReLU{Max: float32(p.VDD)}
			}
		}
		want := net.Logits(set.Images, set.N)
		st, err := NewStack(net, nil, p)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]float32, set.N*st.Classes())
		st.Forward(got, set.Images, set.N)
		last := st.Arrays[len(st.Arrays)-1]
		if d := maxRelDiff(got, last.ColumnCurrentPerUnit(), want); d > 2e-5 || math.IsNaN(d) {
			t.Errorf("%+v: logits differ by %.3g of their scale", p, d)
		}
		if len(st.Arrays) != 4 || st.Arrays[0].In != 9 || st.Arrays[0].Out != 4 || st.Arrays[1].In != 36 {
			t.Errorf("arrays %dx%d, %dx%d", st.Arrays[0].In, st.Arrays[0].Out, st.Arrays[1].In, st.Arrays[1].Out)
		}
	}
}

// TestStackMatchesNetwork: an MLP as a Stack (nn.FromNetwork) is the
// Network of the same weights, non-idealities included: the same
// conductances, the same read-noise draws, so the same accuracy and read
// energy.
func TestStackMatchesNetwork(t *testing.T) {
	net := randNet(t, []int{40, 20, 12, 5}, 5)
	set := randSet(700, 40, 5, 6)
	p := withParams(func(p *Params) { p.ProgramSigma, p.ReadSigma, p.Levels, p.NeuronSpread = 0.03, 0.02, 33, 0.05 })
	a, err := New(net, nil, p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewStack(nn.FromNetwork(net), nil, p)
	if err != nil {
		t.Fatal(err)
	}
	ga, gb := make([]float32, set.N*5), make([]float32, set.N*5)
	a.Forward(ga, set.Images, set.N)
	b.Forward(gb, set.Images, set.N)
	for i := range ga {
		if ga[i] != gb[i] {
			t.Fatalf("output current %d: Network %g A, Stack %g A", i, ga[i], gb[i])
		}
	}
	ea, eb := a.ReadEnergy(set.Images, set.N, 1e-6), b.ReadEnergy(set.Images, set.N, 1e-6)
	if math.Abs(ea-eb) > 1e-9*ea {
		t.Errorf("read energy per inference: Network %g J, Stack %g J", ea, eb)
	}
}

func TestStackLeNet5Counts(t *testing.T) {
	net, err := nn.LeNet5(nn.Shape{H: 28, W: 28, C: 1}, nn.ReLU{}, 10, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	st, err := NewStack(net, nil, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	reads := st.Reads()
	want := []int{784, 100, 1, 1, 1}
	for i := range want {
		if reads[i] != want[i] {
			t.Fatalf("reads per inference %v, want %v", reads, want)
		}
	}
	if a := st.Activations(); a != 28*28*6+10*10*16+120+84 {
		t.Errorf("%d activations per inference", a)
	}
	if st.Arrays[0].In != 25 || st.Arrays[0].Out != 6 || st.Arrays[1].In != 150 || st.Arrays[1].Out != 16 {
		t.Errorf("conv arrays %dx%d and %dx%d, want 25x6 and 150x16", st.Arrays[0].In, st.Arrays[0].Out, st.Arrays[1].In, st.Arrays[1].Out)
	}
	// The read energy of a convolution grows with its reads: doubling the
	// read time doubles it.
	set := randSet(20, 784, 10, 1)
	e1, e2 := st.ReadEnergy(set.Images, 20, 1e-6), st.ReadEnergy(set.Images, 20, 2e-6)
	if !(e1 > 0) || math.Abs(e2-2*e1) > 1e-9*e2 {
		t.Errorf("read energy %g J at 1 µs, %g J at 2 µs", e1, e2)
	}
}

func TestStackErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	relu := nn.ActSpec(nn.ReLU{})
	for _, tc := range []struct {
		name  string
		specs []nn.Spec
	}{
		{"activation first", []nn.Spec{relu, nn.DenseSpec(3)}},
		{"activation after pooling", []nn.Spec{nn.ConvSpec(2, 3, 1, 0), nn.MaxPoolSpec(2, 2), relu, nn.DenseSpec(3)}},
		{"two activations", []nn.Spec{nn.DenseSpec(4), relu, relu, nn.DenseSpec(3)}},
		{"ends in an activation", []nn.Spec{nn.DenseSpec(4), relu}},
		{"ends in pooling", []nn.Spec{nn.ConvSpec(2, 3, 1, 0), nn.MaxPoolSpec(2, 2)}},
	} {
		net, err := nn.NewSequential(nn.Shape{H: 6, W: 6, C: 1}, rng, tc.specs...)
		if err != nil {
			t.Fatal(tc.name, err)
		}
		if _, err := NewStack(net, nil, DefaultParams()); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	net := randConvNet(t, 1)
	if _, err := NewStack(net, []Neuron{IdealNeuron{1, 2}, IdealNeuron{1, 2}}, DefaultParams()); err == nil {
		t.Error("2 neurons for 3 activation layers: no error")
	}
}

// TestStackConvOutput: a stack ending in a convolution returns its whole
// output map per image (Outputs = positions × columns): Forward,
// ForwardEnergy and ForwardVolts (inputs already scaled to volts) agree,
// their energy is ReadEnergy's, and large images run in smaller chunks
// with workspaces sized to the images actually run.
func TestStackConvOutput(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, tc := range []struct {
		name  string
		in    nn.Shape
		specs []nn.Spec
		n     int
	}{
		{"one conv", nn.Shape{H: 7, W: 5, C: 1}, []nn.Spec{nn.ConvSpec(3, 3, 1, 1)}, 130},
		{"conv, relu, pool, conv", nn.Shape{H: 9, W: 8, C: 2}, []nn.Spec{nn.ConvSpec(4, 3, 1, 1), nn.ActSpec(nn.ReLU{}), nn.MaxPoolSpec(2, 2), nn.ConvSpec(2, 2, 1, 0)}, 7},
		{"large image", nn.Shape{H: 700, W: 690, C: 1}, []nn.Spec{nn.ConvSpec(2, 3, 1, 0)}, 2},
	} {
		net, err := nn.NewSequential(tc.in, rng, tc.specs...)
		if err != nil {
			t.Fatal(tc.name, err)
		}
		p := DefaultParams()
		st, err := NewStack(net, nil, p)
		if err != nil {
			t.Fatal(tc.name, err)
		}
		_, out := net.Layers[len(net.Layers)-1].Shapes()
		if st.Outputs() != out.Size() || st.Classes() != out.C {
			t.Fatalf("%s: %d outputs, %d columns; want %d, %d", tc.name, st.Outputs(), st.Classes(), out.Size(), out.C)
		}
		if len(st.cols) != 0 || len(st.cur) != 0 {
			t.Errorf("%s: workspaces allocated before the first pass", tc.name)
		}
		if want := max(1, min(stackChunk, stackBudget/max(st.size, st.taps))); st.chunk != want {
			t.Errorf("%s: chunk %d, want %d", tc.name, st.chunk, want)
		}
		set := randSet(tc.n, tc.in.Size(), 2, 3)
		a := make([]float32, tc.n*st.Outputs())
		st.Forward(a, set.Images, tc.n)
		if len(st.cur) > min(tc.n, st.chunk)*st.size {
			t.Errorf("%s: workspace of %d values for chunks of %d images of %d", tc.name, len(st.cur), min(tc.n, st.chunk), st.size)
		}
		const tr = 1e-6
		b := make([]float32, len(a))
		e := st.ForwardEnergy(b, set.Images, tc.n, tr)
		volts := make([]float32, len(set.Images))
		for i, x := range set.Images {
			volts[i] = float32(p.ReadScale) * x
		}
		c := make([]float32, len(a))
		ev := st.ForwardVolts(c, volts, tc.n, tr)
		if d := maxRelDiff(b, 1, a); d != 0 {
			t.Errorf("%s: ForwardEnergy's currents differ from Forward's by %.3g", tc.name, d)
		}
		if d := maxRelDiff(c, 1, a); d > 1e-5 || math.IsNaN(d) {
			t.Errorf("%s: ForwardVolts differs from Forward by %.3g of the scale", tc.name, d)
		}
		if re := st.ReadEnergy(set.Images, tc.n, tr); !(e > 0) || e != re || math.Abs(ev-e) > 1e-6*e {
			t.Errorf("%s: energy %g J (ForwardEnergy), %g J (ReadEnergy), %g J (ForwardVolts)", tc.name, e, re, ev)
		}
		if ev := st.ForwardVolts(c, volts, tc.n, 0); ev != 0 {
			t.Errorf("%s: ForwardVolts without a read time gave %g J", tc.name, ev)
		}
	}
}
