package nn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// runBits flattens everything a run measured and the final weights into
// bit patterns (wall times aside), so that two runs compare bit for bit.
func runBits(res *Result, layers []*Dense) []uint64 {
	var b []uint64
	f64 := func(vs ...float64) {
		for _, v := range vs {
			b = append(b, math.Float64bits(v))
		}
	}
	f32 := func(vs []float32) {
		for _, v := range vs {
			b = append(b, uint64(math.Float32bits(v)))
		}
	}
	for _, st := range res.Epochs {
		f64(float64(st.Epoch), st.TrainLoss, st.TestLoss, st.TestAccuracy)
		f64(st.MeanAbsUpdate...)
		f64(st.SaturatedFraction...)
	}
	for _, h := range res.UpdateHist {
		for _, bin := range h.MagnitudeBins() {
			f64(bin.Lo, bin.Hi, float64(bin.Count))
		}
	}
	for _, z := range res.PreActivations {
		f32(z)
	}
	for _, d := range layers {
		f32(d.W)
		f32(d.B)
	}
	return b
}

// denseLayers returns the Dense layers of s in order.
func denseLayers(s *Sequential) []*Dense {
	var ds []*Dense
	for _, l := range s.Layers {
		if d, ok := l.(*Dense); ok {
			ds = append(ds, d)
		}
	}
	return ds
}

// TestMLPStackMatchesTrain: an MLP built as a stack (MLP) starts from the
// weights New draws from the same rng and, trained through the stack API
// (TrainStack), takes the fused trainer's path and ends bit-identical to
// Train on New's network: losses, accuracies, updates, saturation,
// histograms, pre-activations and weights, on 1 and 2 threads.
func TestMLPStackMatchesTrain(t *testing.T) {
	train := synthetic(300, 20, 4, 1)
	test := synthetic(100, 20, 4, 2)
	cases := []struct {
		name    string
		act     func() Activation
		sizes   []int
		threads int
	}{
		{"relu/1", func() Activation { return ReLU{} }, []int{20, 16, 12, 4}, 1},
		{"relu/2", func() Activation { return ReLU{} }, []int{20, 16, 12, 4}, 2},
		{"sigmoid/2", func() Activation { return Sigmoid{} }, []int{20, 24, 4}, 2},
		{"clipped/1", func() Activation { return ClippedReLU{Max: 1} }, []int{20, 10, 10, 10, 4}, 1},
		{"clipped/2", func() Activation { return ClippedReLU{Max: 1} }, []int{20, 10, 10, 10, 4}, 2},
		{"stateful/2", func() Activation { return &noisyReLU{state: 9} }, []int{20, 12, 8, 4}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := Config{Epochs: 3, Batch: 32, LR: 0.1, Seed: 7, Threads: c.threads}
			ref, err := New(c.sizes, c.act(), rand.New(rand.NewPCG(1, 1)))
			if err != nil {
				t.Fatal(err)
			}
			stack, err := MLP(c.sizes, c.act(), rand.New(rand.NewPCG(1, 1)))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := runBits(&Result{}, denseLayers(stack)), runBits(&Result{}, ref.Layers); !slices.Equal(got, want) {
				t.Fatal("MLP's initial weights differ from New's")
			}
			want, err := Train(ref, train, test, cfg)
			if err != nil {
				t.Fatal(err)
			}
			got, err := TrainStack(stack, train, test, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Epochs) != cfg.Epochs || len(got.PreActivations) != len(ref.Layers) {
				t.Fatalf("%d epochs and %d pre-activation layers, want %d and %d", len(got.Epochs), len(got.PreActivations), cfg.Epochs, len(ref.Layers))
			}
			if !slices.Equal(runBits(got, denseLayers(stack)), runBits(want, ref.Layers)) {
				t.Fatalf("stack run differs from Train:\n got %+v\nwant %+v", got.Epochs, want.Epochs)
			}
		})
	}
}

// TestStackEngine: only a stack of Dense layers with one shared hidden
// activation runs on the fused trainer; every other stack trains layer by
// layer, and TrainStack then gives exactly what TrainSequential gives.
func TestStackEngine(t *testing.T) {
	// relu and noisy make a new activation value per layer (and per build).
	relu := func(in Shape, _ *rand.Rand) (Layer, error) { return &Activate{Act: ReLU{}, Shape: in}, nil }
	noisy := func(in Shape, _ *rand.Rand) (Layer, error) {
		return &Activate{Act: &noisyReLU{state: 1}, Shape: in}, nil
	}
	cases := []struct {
		name  string
		in    Shape
		specs []Spec
		fused bool
	}{
		{"mlp", Vec(12), []Spec{DenseSpec(8), ActSpec(ReLU{}), DenseSpec(3)}, true},
		{"mlp of image", Shape{3, 4, 1}, []Spec{DenseSpec(8), ActSpec(Sigmoid{}), DenseSpec(6), ActSpec(Sigmoid{}), DenseSpec(3)}, true},
		{"equal stateless activations", Vec(12), []Spec{DenseSpec(8), relu, DenseSpec(6), relu, DenseSpec(3)}, true},
		{"no hidden layer", Vec(12), []Spec{DenseSpec(3)}, false},
		{"activation on the output", Vec(12), []Spec{DenseSpec(8), ActSpec(ReLU{}), DenseSpec(3), ActSpec(ReLU{})}, false},
		{"two activations", Vec(12), []Spec{DenseSpec(8), ActSpec(ReLU{}), DenseSpec(6), ActSpec(Sigmoid{}), DenseSpec(3)}, false},
		{"two stateful instances", Vec(12), []Spec{DenseSpec(8), noisy, DenseSpec(6), noisy, DenseSpec(3)}, false},
		{"flatten first", Shape{3, 4, 1}, []Spec{FlattenSpec(), DenseSpec(8), ActSpec(ReLU{}), DenseSpec(3)}, false},
		{"conv", Shape{6, 6, 1}, []Spec{ConvSpec(2, 3, 1, 0), ActSpec(ReLU{}), MaxPoolSpec(2, 2), FlattenSpec(), DenseSpec(3)}, false},
	}
	cfg := Config{Epochs: 2, Batch: 16, LR: 0.1, Seed: 3}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			build := func() *Sequential {
				s, err := NewSequential(c.in, rand.New(rand.NewPCG(4, 4)), c.specs...)
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
			s := build()
			if _, ok := s.Network(); ok != c.fused {
				t.Fatalf("Network() ok = %v, want %v", ok, c.fused)
			}
			tr, err := NewStackTrainer(s, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if tr.Fused() != c.fused {
				t.Fatalf("Fused() = %v, want %v", tr.Fused(), c.fused)
			}
			if c.fused {
				return
			}
			train := synthetic(80, c.in.Size(), 3, 1)
			test := synthetic(40, c.in.Size(), 3, 2)
			got, err := TrainStack(s, train, test, cfg)
			if err != nil {
				t.Fatal(err)
			}
			ref := build()
			want, err := TrainSequential(ref, train, test, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got.PreActivations != nil || !slices.Equal(runBits(got, denseLayers(s)), runBits(want, denseLayers(ref))) {
				t.Fatal("TrainStack on the general path differs from TrainSequential")
			}
		})
	}
}

// TestStackTrainerEpochMatchesTrainer: epoch by epoch, a StackTrainer of
// an MLP stack is the fused Trainer.
func TestStackTrainerEpochMatchesTrainer(t *testing.T) {
	set := synthetic(200, 20, 4, 1)
	cfg := Config{Epochs: 1, Batch: 32, LR: 0.1, Seed: 5}
	ref, _ := New([]int{20, 16, 4}, ReLU{}, rand.New(rand.NewPCG(2, 2)))
	stack, _ := MLP([]int{20, 16, 4}, ReLU{}, rand.New(rand.NewPCG(2, 2)))
	a, err := NewTrainer(ref, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewStackTrainer(stack, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for e := 1; e <= 2; e++ {
		la, ma, _ := a.Epoch(e, set, e == 2)
		lb, mb, _, err := b.Epoch(e, set, e == 2)
		if err != nil || la != lb || !slices.Equal(ma, mb) {
			t.Fatalf("epoch %d: loss %v %v, mean |ΔW| %v %v, err %v", e, la, lb, ma, mb, err)
		}
	}
	la, aa := a.Evaluate(set, nil)
	lb, ab := b.Evaluate(set)
	if la != lb || aa != ab {
		t.Fatalf("evaluation %v/%v vs %v/%v", la, aa, lb, ab)
	}
	if !slices.Equal(runBits(&Result{UpdateHist: b.UpdateHist()}, denseLayers(stack)), runBits(&Result{UpdateHist: a.updHist}, ref.Layers)) {
		t.Fatal("weights or update histograms differ")
	}
}

// TestNetworkRoundTripSharesWeights: FromNetwork and Network() convert
// both ways without copying a weight.
func TestNetworkRoundTripSharesWeights(t *testing.T) {
	net, err := New([]int{10, 7, 5, 3}, ClippedReLU{Max: 2}, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	s := FromNetwork(net)
	back, ok := s.Network()
	if !ok {
		t.Fatal("FromNetwork's stack is not an MLP")
	}
	if !slices.Equal(back.Sizes, net.Sizes) || back.Act != net.Act || len(back.Layers) != len(net.Layers) {
		t.Fatalf("round trip: sizes %v act %v, want %v %v", back.Sizes, back.Act, net.Sizes, net.Act)
	}
	for l, d := range net.Layers {
		if back.Layers[l] != d || &back.Layers[l].W[0] != &d.W[0] || &back.Layers[l].B[0] != &d.B[0] {
			t.Fatalf("layer %d is a copy", l)
		}
	}
	again := FromNetwork(back)
	for i, l := range s.Layers {
		if d, ok := l.(*Dense); ok && again.Layers[i] != d {
			t.Fatalf("stack layer %d is a copy", i)
		}
	}
	// Training the Network view trains the stack.
	before := s.Layers[0].(*Dense).W[0]
	tr, err := NewTrainer(back, Config{Epochs: 1, Batch: 4, LR: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	tr.Step(randomInputs(rng, 4*10, 1), []uint8{0, 1, 2, 0}, 4)
	if s.Layers[0].(*Dense).W[0] == before {
		t.Fatal("a step on the Network view left the stack's weights unchanged")
	}
}
