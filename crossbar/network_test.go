package crossbar

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/nn"
)

// randNet returns a He-normal network with random biases.
func randNet(t testing.TB, sizes []int, seed uint64) *nn.Network {
	rng := rand.New(rand.NewPCG(seed, 1))
	net, err := nn.New(sizes, nn.ClippedReLU{Max: DefaultVDD}, rng)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range net.Layers {
		for j := range d.B {
			d.B[j] = float32(rng.NormFloat64() * 0.2)
		}
	}
	return net
}

// randSet returns n random images with pixel intensities in [0, 1), a
// third of them zero as in MNIST, and random labels.
func randSet(n, dim, classes int, seed uint64) *dataset.Set {
	rng := rand.New(rand.NewPCG(seed, 2))
	s := &dataset.Set{N: n, Rows: 1, Cols: dim, Classes: classes,
		Images: make([]float32, n*dim), Labels: make([]uint8, n)}
	for i := range s.Images {
		if rng.IntN(3) > 0 {
			s.Images[i] = rng.Float32()
		}
	}
	for i := range s.Labels {
		s.Labels[i] = uint8(rng.IntN(classes))
	}
	return s
}

// idealForward returns the nn package's pre-activations of every layer
// (the last are the logits) for set, computed by nn's own forward pass.
func idealForward(t testing.TB, net *nn.Network, set *dataset.Set) [][]float32 {
	tr, err := nn.NewTrainer(net, nn.Config{Epochs: 1, Batch: 128, LR: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	keep := make([][]float32, len(net.Layers))
	for l, d := range net.Layers {
		keep[l] = make([]float32, set.N*d.Out)
	}
	tr.Evaluate(set, keep)
	return keep
}

// countAbove counts the values of x above v.
func countAbove(x []float32, v float32) int {
	n := 0
	for _, z := range x {
		if z > v {
			n++
		}
	}
	return n
}

// maxRelDiff returns max |got/unit − want| over the slice, relative to
// max |want| (errors near a zero crossing are measured against the layer's
// scale, not against the tiny value).
func maxRelDiff(got []float32, unit float64, want []float32) float64 {
	scale, worst := 0.0, 0.0
	for i := range want {
		scale = math.Max(scale, math.Abs(float64(want[i])))
		worst = math.Max(worst, math.Abs(float64(got[i])/unit-float64(want[i])))
	}
	return worst / scale
}

// TestExactness: with every non-ideality off and the ideal neuron, the
// crossbar network computes the nn network's pre-activations (neuron input
// currents / CurrentPerUnit) and logits (output currents /
// ColumnCurrentPerUnit) up to float32 rounding, for several mappings.
func TestExactness(t *testing.T) {
	tests := []struct {
		name  string
		sizes []int
		p     Params
		// rescale replaces the neurons by ideal ones with each layer's
		// CurrentPerUnit (needed with a fixed MirrorGain).
		rescale bool
	}{
		{"paper 784-100-100-100-10", []int{784, 100, 100, 100, 10}, DefaultParams(), false},
		{"small 30-17-9-4", []int{30, 17, 9, 4}, DefaultParams(), false},
		{"single array 12-5", []int{12, 5}, DefaultParams(), false},
		{"zero GMin, 1 V reads", []int{50, 20, 10}, withParams(func(p *Params) { p.GMin, p.ReadScale = 0, 1 }), false},
		{"fixed GScale, matched mirror", []int{784, 100, 100, 10}, withParams(func(p *Params) { p.GScale = 3.33e-6; p.ReadScale = 1 }), false},
		{"fixed mirror gain 1, neurons rescaled", []int{784, 100, 100, 10}, withParams(func(p *Params) { p.MirrorGain = 1 }), true},
		// Another supply: the default neurons are bounded by Params.VDD,
		// relu2 at that VDD (ClippedReLU{Max: 1.6}) is the network.
		{"VDD 1.6 V", []int{30, 17, 9, 4}, withParams(func(p *Params) { p.VDD = 1.6 }), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			net := randNet(t, tc.sizes, 21)
			net.Act = nn.ClippedReLU{Max: float32(tc.p.VDD)}
			set := randSet(300, tc.sizes[0], tc.sizes[len(tc.sizes)-1], 22)
			want := idealForward(t, net, set)
			cb, err := New(net, nil, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			if tc.rescale {
				for l := range cb.Neurons {
					cb.Neurons[l] = IdealNeuron{UnitCurrent: float32(cb.Layers[l].CurrentPerUnit()), VMax: float32(tc.p.VDD)}
				}
			}
			for l, nr := range cb.Neurons {
				if in, ok := nr.(IdealNeuron); ok && in.VMax != float32(tc.p.VDD) {
					t.Errorf("hidden layer %d: ideal neuron bounded at %g V, want VDD = %g V", l, in.VMax, tc.p.VDD)
				}
			}
			if tc.p.VDD != DefaultVDD && countAbove(want[0], float32(tc.p.VDD)) == 0 {
				t.Errorf("no first-layer pre-activation above VDD = %g: the bound is not tested", tc.p.VDD)
			}
			for l, a := range cb.Layers {
				if a.Clipped() != 0 {
					t.Fatalf("layer %d clipped %d weights", l, a.Clipped())
				}
			}
			keep := make([][]float32, len(cb.Layers))
			for l, a := range cb.Layers {
				keep[l] = make([]float32, set.N*a.Out)
			}
			cb.NeuronCurrents(keep, set.Images, set.N)
			last := len(cb.Layers) - 1
			for l, a := range cb.Layers {
				unit := a.CurrentPerUnit()
				if l == last {
					unit = a.ColumnCurrentPerUnit()
				}
				if d := maxRelDiff(keep[l], unit, want[l]); d > 1e-5 {
					t.Errorf("layer %d: pre-activations differ from nn by %.3g of their scale", l, d)
				} else {
					t.Logf("layer %d: max difference %.2g of scale (%.3g µA per unit)", l, d, unit*1e6)
				}
			}
			out := make([]float32, set.N*cb.Classes())
			cb.Forward(out, set.Images, set.N)
			if d := maxRelDiff(out, cb.Layers[last].ColumnCurrentPerUnit(), want[last]); d > 1e-5 {
				t.Errorf("Forward: logits differ from nn by %.3g of their scale", d)
			}
		})
	}
}

// TestAccuracyMatchesNN labels random images with the nn network's own
// argmax, so the nn accuracy is 1 and every crossbar misclassification is
// a sample whose class the mapping changed; the 1100 images span three
// evaluation chunks.
func TestAccuracyMatchesNN(t *testing.T) {
	net := randNet(t, []int{64, 32, 32, 10}, 5)
	set := randSet(1100, 64, 10, 6)
	logits := idealForward(t, net, set)[len(net.Layers)-1]
	for i := range set.Labels {
		row := logits[i*10 : (i+1)*10]
		best := 0
		for j := range row {
			if row[j] > row[best] {
				best = j
			}
		}
		set.Labels[i] = uint8(best)
	}
	cb, err := New(net, nil, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	if got := cb.Accuracy(set.Images, set.Labels, set.N); got < 1-1.5/float64(set.N) {
		t.Errorf("ideal crossbar accuracy %.4f against the nn network's own classes, want 1", got)
	}
	// Coarse quantisation changes some classes.
	q, err := New(net, nil, withParams(func(p *Params) { p.Levels = 4 }))
	if err != nil {
		t.Fatal(err)
	}
	got := q.Accuracy(set.Images, set.Labels, set.N)
	if got >= 1 || got < 0.3 {
		t.Errorf("4-level crossbar agrees with nn on %.4f of the images, want fewer than all but far above chance", got)
	}
	t.Logf("agreement with nn: 4 levels %.4f", got)
}

// TestNetworkReadNoise: outputs change between evaluations of the same
// images, and are reproducible from the seed.
func TestNetworkReadNoise(t *testing.T) {
	net := randNet(t, []int{30, 12, 5}, 8)
	set := randSet(20, 30, 5, 9)
	p := withParams(func(p *Params) { p.ReadSigma = 0.02 })
	run := func() (a, b []float32) {
		cb, err := New(net, nil, p)
		if err != nil {
			t.Fatal(err)
		}
		a = make([]float32, 20*5)
		b = make([]float32, 20*5)
		cb.Forward(a, set.Images, 20)
		cb.Forward(b, set.Images, 20)
		return a, b
	}
	a1, b1 := run()
	a2, b2 := run()
	if equal(a1, b1) {
		t.Error("read noise did not change the outputs between evaluations")
	}
	if !equal(a1, a2) || !equal(b1, b2) {
		t.Error("same seed, different outputs")
	}
}

func TestNewErrors(t *testing.T) {
	net := randNet(t, []int{6, 5, 4, 3}, 1)
	idealN := IdealNeuron{UnitCurrent: float32(DefaultUnitCurrent), VMax: DefaultVDD}
	bad := net.Clone()
	bad.Layers[1] = &nn.Dense{In: 4, Out: 4, W: make([]float32, 16), B: make([]float32, 4)}
	tests := []struct {
		name    string
		net     *nn.Network
		neurons []Neuron
		p       Params
		want    string
	}{
		{"bad params", net, nil, withParams(func(p *Params) { p.Levels = 1 }), "Levels"},
		{"nil network", nil, nil, DefaultParams(), "no layers"},
		{"three neurons for two hidden layers", net, []Neuron{idealN, idealN, idealN}, DefaultParams(), "3 neurons"},
		{"nil neuron", net, []Neuron{idealN, nil}, DefaultParams(), "nil"},
		{"mismatched layers", bad, nil, DefaultParams(), "layer 1 takes 4 inputs"},
	}
	for _, tc := range tests {
		if _, err := New(tc.net, tc.neurons, tc.p); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	// One shared neuron or one per hidden layer are both accepted.
	calls := 0
	counting := NeuronFunc(func(dst, cur []float32) { calls++; idealN.Eval(dst, cur) })
	for _, ns := range [][]Neuron{{counting}, {counting, counting}} {
		cb, err := New(net, ns, DefaultParams())
		if err != nil {
			t.Fatal(err)
		}
		calls = 0
		cb.Forward(make([]float32, 3), make([]float32, 6), 1)
		if calls != 2 {
			t.Errorf("%d neuron evaluations for 2 hidden layers", calls)
		}
	}
}

func TestIdealNeuron(t *testing.T) {
	n := IdealNeuron{UnitCurrent: 2e-6, VMax: 2}
	cur := []float32{-1e-6, 0, 1e-6, 3.9e-6, 4e-6, 1e-3}
	want := []float32{0, 0, 0.5, 1.95, 2, 2}
	got := make([]float32, len(cur))
	n.Eval(got, cur)
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-6 {
			t.Errorf("Vout(%g A) = %g V, want %g V", cur[i], got[i], want[i])
		}
	}
}

// TestNetworkReadEnergy checks the network's energy against the layers'
// energies on the voltages that actually drive them.
func TestNetworkReadEnergy(t *testing.T) {
	net := randNet(t, []int{20, 10, 5}, 3)
	set := randSet(7, 20, 5, 4)
	cb, err := New(net, nil, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	const tRead = 1e-6
	got := cb.ReadEnergy(set.Images, set.N, tRead)
	// Rebuild the voltages by hand.
	v0 := make([]float32, len(set.Images))
	for i, x := range set.Images {
		v0[i] = float32(cb.Layers[0].ReadScale()) * x
	}
	cur := make([]float32, set.N*10)
	cb.Layers[0].NeuronInputs(cur, v0, set.N)
	v1 := make([]float32, len(cur))
	cb.Neurons[0].Eval(v1, cur)
	want := (cb.Layers[0].ReadEnergy(v0, set.N, tRead) + cb.Layers[1].ReadEnergy(v1, set.N, tRead)) / float64(set.N)
	if math.Abs(got/want-1) > 1e-6 || !(got > 0) {
		t.Errorf("network read energy %g J per inference, want %g J", got, want)
	}
}

// TestNetworkNoAllocs checks that a forward pass allocates nothing once the
// network is built, with and without read noise.
func TestNetworkNoAllocs(t *testing.T) {
	net := randNet(t, []int{64, 32, 16, 10}, 4)
	set := randSet(600, 64, 10, 5)
	for _, p := range []Params{DefaultParams(), withParams(func(p *Params) { p.ReadSigma = 0.05 })} {
		cb, err := New(net, nil, p)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]float32, set.N*10)
		cb.Forward(out, set.Images, set.N)
		if a := testing.AllocsPerRun(5, func() { cb.Forward(out, set.Images, set.N) }); a != 0 {
			t.Errorf("ReadSigma %g: %v allocations per Forward", p.ReadSigma, a)
		}
		if a := testing.AllocsPerRun(5, func() { cb.Accuracy(set.Images, set.Labels, set.N) }); a != 0 {
			t.Errorf("ReadSigma %g: %v allocations per Accuracy", p.ReadSigma, a)
		}
	}
}
