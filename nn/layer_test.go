package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The layers are checked against plain float64 references written
// independently of them (direct convolution loops instead of im2col and
// GEMM), and their backward passes against central finite differences of
// those references, in float64.

func sigmoid64(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// refActivation evaluates the test activations in float64.
func refActivation(a Activation, z float64) float64 {
	switch a := a.(type) {
	case Sigmoid:
		return sigmoid64(z)
	case ReLU:
		return math.Max(z, 0)
	case ClippedReLU:
		return math.Min(math.Max(z, 0), float64(a.Max))
	}
	panic(fmt.Sprintf("no reference for %T", a))
}

// refForward is the float64 reference of layer l with parameters ps
// (ps[i] the values of l.Params()[i]) on n samples x.
func refForward(l Layer, ps [][]float64, x []float64, n int) []float64 {
	in, out := l.Shapes()
	y := make([]float64, n*out.Size())
	switch l := l.(type) {
	case *Dense:
		w, b := ps[0], ps[1]
		for s := 0; s < n; s++ {
			for j := 0; j < l.Out; j++ {
				v := b[j]
				for i := 0; i < l.In; i++ {
					v += x[s*l.In+i] * w[i*l.Out+j]
				}
				y[s*l.Out+j] = v
			}
		}
	case *Conv2D:
		w, b := ps[0], ps[1]
		for s := 0; s < n; s++ {
			for oy := 0; oy < out.H; oy++ {
				for ox := 0; ox < out.W; ox++ {
					for co := 0; co < out.C; co++ {
						v := b[co]
						for ky := 0; ky < l.K; ky++ {
							for kx := 0; kx < l.K; kx++ {
								iy, ix := oy*l.Stride-l.Pad+ky, ox*l.Stride-l.Pad+kx
								if iy < 0 || iy >= in.H || ix < 0 || ix >= in.W {
									continue
								}
								for ci := 0; ci < in.C; ci++ {
									v += x[((s*in.H+iy)*in.W+ix)*in.C+ci] * w[((ky*l.K+kx)*in.C+ci)*out.C+co]
								}
							}
						}
						y[((s*out.H+oy)*out.W+ox)*out.C+co] = v
					}
				}
			}
		}
	case *MaxPool2D, *AvgPool2D:
		var k, st int
		avg := false
		switch p := l.(type) {
		case *MaxPool2D:
			k, st = p.K, p.Stride
		case *AvgPool2D:
			k, st, avg = p.K, p.Stride, true
		}
		for s := 0; s < n; s++ {
			for oy := 0; oy < out.H; oy++ {
				for ox := 0; ox < out.W; ox++ {
					for c := 0; c < out.C; c++ {
						m, sum := math.Inf(-1), 0.0
						for ky := 0; ky < k; ky++ {
							for kx := 0; kx < k; kx++ {
								v := x[((s*in.H+oy*st+ky)*in.W+ox*st+kx)*in.C+c]
								m, sum = math.Max(m, v), sum+v
							}
						}
						if avg {
							m = sum / float64(k*k)
						}
						y[((s*out.H+oy)*out.W+ox)*out.C+c] = m
					}
				}
			}
		}
	case *Flatten:
		copy(y, x)
	case *Activate:
		for i, v := range x {
			y[i] = refActivation(l.Act, v)
		}
	default:
		panic(fmt.Sprintf("no reference for %T", l))
	}
	return y
}

func to64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

func paramValues64(l Layer) [][]float64 {
	var ps [][]float64
	for _, p := range l.Params() {
		ps = append(ps, to64(p.Value))
	}
	return ps
}

// randomInputs returns values uniform in ±1 kept at least margin away
// from 0 and from ±2 (the kinks of ReLU and the clipped ReLU at 2 after
// scaling), so that finite differences do not straddle a kink.
func randomInputs(rng *rand.Rand, n int, scale float64) []float32 {
	x := make([]float32, n)
	for i := range x {
		v := (0.05 + 0.95*rng.Float64()) * scale
		if rng.IntN(2) == 0 {
			v = -v
		}
		x[i] = float32(v)
	}
	return x
}

// closeTo reports whether got is within tol·(1 + |want|) of want.
func closeTo(got, want, tol float64) bool { return math.Abs(got-want) <= tol*(1+math.Abs(want)) }

func TestLayerGradients(t *testing.T) {
	newRng := func() *rand.Rand { return rand.New(rand.NewPCG(7, 7)) }
	mk := func(sp Spec, in Shape) Layer {
		l, err := sp(in, newRng())
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	tests := []struct {
		name  string
		layer Layer
		scale float64 // input scale
	}{
		{"dense 7→5", mk(DenseSpec(5), Vec(7)), 1},
		{"dense over a map 2x3x2→4", mk(DenseSpec(4), Shape{2, 3, 2}), 1},
		{"conv 3x3 s1 p0, 1→2 ch", mk(ConvSpec(2, 3, 1, 0), Shape{5, 6, 1}), 1},
		{"conv 3x3 s1 p1, 3→4 ch", mk(ConvSpec(4, 3, 1, 1), Shape{5, 5, 3}), 1},
		{"conv 5x5 s1 p2 (LeNet c1), 1→3 ch", mk(ConvSpec(3, 5, 1, 2), Shape{6, 7, 1}), 1},
		{"conv 3x3 s2 p1, 2→3 ch", mk(ConvSpec(3, 3, 2, 1), Shape{7, 6, 2}), 1},
		{"conv 2x2 s3 p0, 2→2 ch", mk(ConvSpec(2, 2, 3, 0), Shape{8, 8, 2}), 1},
		{"conv 3x3 s2 p2, 1→2 ch (tap-major)", mk(ConvSpec(2, 3, 2, 2), Shape{7, 5, 1}), 1},
		{"conv 4x4 s1 p3 over 2x3, 1→2 ch", mk(ConvSpec(2, 4, 1, 3), Shape{2, 3, 1}), 1},
		{"conv 1x1, 4→3 ch", mk(ConvSpec(3, 1, 1, 0), Shape{3, 3, 4}), 1},
		{"maxpool 2 s2", mk(MaxPoolSpec(2, 2), Shape{6, 4, 3}), 1},
		{"maxpool 3 s2 (overlapping)", mk(MaxPoolSpec(3, 2), Shape{7, 7, 2}), 1},
		{"maxpool 2 s2 odd size", mk(MaxPoolSpec(2, 2), Shape{5, 5, 1}), 1},
		{"avgpool 2 s2", mk(AvgPoolSpec(2, 2), Shape{4, 6, 3}), 1},
		{"avgpool 3 s1", mk(AvgPoolSpec(3, 1), Shape{5, 4, 2}), 1},
		{"flatten", mk(FlattenSpec(), Shape{3, 2, 2}), 1},
		{"relu", mk(ActSpec(ReLU{}), Shape{3, 3, 2}), 1},
		{"sigmoid", mk(ActSpec(Sigmoid{}), Shape{3, 3, 2}), 3},
		{"relu2", mk(ActSpec(ClippedReLU{Max: 2}), Vec(12)), 3},
	}
	const n = 3
	const h = 1e-6
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(11, 3))
			l := tc.layer
			for _, p := range l.Params() { // non-zero biases
				if !p.Weight {
					copy(p.Value, randomInputs(rng, len(p.Value), 0.3))
				}
			}
			in, out := l.Shapes()
			x := randomInputs(rng, n*in.Size(), tc.scale)
			if _, ok := l.(*Activate); ok && tc.scale == 3 {
				for i, v := range x { // keep away from the clip at 2
					if math.Abs(math.Abs(float64(v))-2) < 0.1 {
						x[i] = v * 0.8
					}
				}
			}
			y := make([]float32, n*out.Size())
			l.Forward(y, x, n)
			ps := paramValues64(l)
			want := refForward(l, ps, to64(x), n)
			for i := range want {
				if !closeTo(float64(y[i]), want[i], 1e-5) {
					t.Fatalf("forward[%d] = %v, reference %v", i, y[i], want[i])
				}
			}
			r := randomInputs(rng, len(y), 1) // dy: L = Σ r·y
			dx := make([]float32, len(x))
			for i := range dx {
				dx[i] = float32(math.NaN()) // must be overwritten
			}
			var grads [][]float32
			for _, p := range l.Params() {
				g := make([]float32, len(p.Value))
				for i := range g {
					g[i] = float32(math.NaN())
				}
				grads = append(grads, g)
			}
			l.Backward(dx, r, x, y, n, grads)
			r64 := to64(r)
			loss := func(ps [][]float64, x []float64) float64 {
				s := 0.0
				for i, v := range refForward(l, ps, x, n) {
					s += r64[i] * v
				}
				return s
			}
			x64 := to64(x)
			for i := range x64 {
				v := x64[i]
				x64[i] = v + h
				lp := loss(ps, x64)
				x64[i] = v - h
				lm := loss(ps, x64)
				x64[i] = v
				if fd := (lp - lm) / (2 * h); !closeTo(float64(dx[i]), fd, 1e-4) {
					t.Fatalf("dx[%d] = %v, finite difference %v", i, dx[i], fd)
				}
			}
			for k, p := range l.Params() {
				for i := range ps[k] {
					v := ps[k][i]
					ps[k][i] = v + h
					lp := loss(ps, x64)
					ps[k][i] = v - h
					lm := loss(ps, x64)
					ps[k][i] = v
					if fd := (lp - lm) / (2 * h); !closeTo(float64(grads[k][i]), fd, 1e-4) {
						t.Fatalf("d%s[%d] = %v, finite difference %v", p.Name, i, grads[k][i], fd)
					}
				}
			}
		})
	}
}

// refLoss is the float64 mean softmax cross-entropy of the stack s with
// parameters ps (per layer) on n samples.
func refLoss(s *Sequential, ps [][][]float64, x []float64, labels []uint8, n int) float64 {
	for l, layer := range s.Layers {
		x = refForward(layer, ps[l], x, n)
	}
	k := s.Classes()
	loss := 0.0
	for r := 0; r < n; r++ {
		row := x[r*k : (r+1)*k]
		m := math.Inf(-1)
		for _, v := range row {
			m = math.Max(m, v)
		}
		z := 0.0
		for _, v := range row {
			z += math.Exp(v - m)
		}
		loss -= row[labels[r]] - m - math.Log(z)
	}
	return loss / float64(n)
}

// TestSequentialGradients checks every parameter gradient of a small
// convolutional stack (both convolutions, both poolings, three
// activations, flatten, two dense layers) through the softmax
// cross-entropy against finite differences of the float64 reference.
func TestSequentialGradients(t *testing.T) {
	s, err := NewSequential(Shape{6, 6, 2}, rand.New(rand.NewPCG(3, 1)),
		ConvSpec(3, 3, 1, 1), ActSpec(Sigmoid{}), MaxPoolSpec(2, 2),
		ConvSpec(4, 2, 1, 0), ActSpec(ClippedReLU{Max: 2}), AvgPoolSpec(2, 1),
		FlattenSpec(), DenseSpec(5), ActSpec(Sigmoid{}), DenseSpec(3))
	if err != nil {
		t.Fatal(err)
	}
	const n = 4
	rng := rand.New(rand.NewPCG(5, 5))
	x := randomInputs(rng, n*s.In.Size(), 1)
	labels := []uint8{0, 2, 1, 2}
	tr, err := NewSeqTrainer(s, Config{Epochs: 1, Batch: n, LR: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	loss := tr.Gradients(x, labels, n)
	var ps [][][]float64
	for _, l := range s.Layers {
		ps = append(ps, paramValues64(l))
	}
	x64 := to64(x)
	if want := refLoss(s, ps, x64, labels, n); !closeTo(loss, want, 1e-5) {
		t.Fatalf("loss %v, reference %v", loss, want)
	}
	const h = 1e-6
	checked := 0
	for l, layer := range s.Layers {
		for k, p := range layer.Params() {
			for i := range ps[l][k] {
				v := ps[l][k][i]
				ps[l][k][i] = v + h
				lp := refLoss(s, ps, x64, labels, n)
				ps[l][k][i] = v - h
				lm := refLoss(s, ps, x64, labels, n)
				ps[l][k][i] = v
				fd := (lp - lm) / (2 * h)
				if g := float64(tr.Grads()[l][k][i]); !closeTo(g, fd, 1e-4) {
					t.Fatalf("layer %d (%T) d%s[%d] = %v, finite difference %v", l, layer, p.Name, i, g, fd)
				}
				checked++
			}
		}
	}
	// conv 3x3x2→3, conv 2x2x3→4, (6x6 → pools → 1x1x4) dense 4→5, dense 5→3
	if checked != 3*3*2*3+3+2*2*3*4+4+4*5+5+5*3+3 {
		t.Fatalf("checked %d parameters", checked)
	}
}

// TestIm2colAdjoint checks ⟨Col2im(c), x⟩ = ⟨c, Im2col(x)⟩ for padded and
// strided windows.
func TestIm2colAdjoint(t *testing.T) {
	for _, tc := range []struct {
		in                Shape
		k, stride, pad, n int
	}{{Shape{5, 7, 3}, 3, 1, 1, 2}, {Shape{6, 6, 1}, 5, 1, 2, 1}, {Shape{9, 8, 2}, 3, 2, 2, 3}, {Shape{7, 5, 1}, 3, 2, 2, 2}, {Shape{2, 3, 1}, 4, 1, 3, 2}, {Shape{9, 7, 1}, 3, 1, 1, 2}, {Shape{3, 8, 1}, 5, 1, 2, 2}} {
		rng := rand.New(rand.NewPCG(1, 9))
		oh, ow := ConvOutSize(tc.in.H, tc.k, tc.stride, tc.pad), ConvOutSize(tc.in.W, tc.k, tc.stride, tc.pad)
		x := randomInputs(rng, tc.n*tc.in.Size(), 1)
		c := randomInputs(rng, tc.n*oh*ow*tc.k*tc.k*tc.in.C, 1)
		cols := make([]float32, len(c))
		for _, f := range []struct {
			name          string
			im2col, adj   func(dst, src []float32, n int, in Shape, k, stride, pad int)
			transposeRows int // Im2colT: the transpose of Im2col
		}{{"Im2col", Im2col, Col2im, 0}, {"Im2colT", Im2colT, Col2imT, tc.n * oh * ow}} {
			for i := range cols {
				cols[i] = float32(math.NaN()) // must be overwritten
			}
			f.im2col(cols, x, tc.n, tc.in, tc.k, tc.stride, tc.pad)
			dx := make([]float32, len(x))
			for i := range dx {
				dx[i] = float32(math.NaN())
			}
			f.adj(dx, c, tc.n, tc.in, tc.k, tc.stride, tc.pad)
			var a, b float64
			for i := range x {
				a += float64(dx[i]) * float64(x[i])
			}
			for i := range c {
				b += float64(c[i]) * float64(cols[i])
			}
			if !closeTo(a, b, 1e-5) {
				t.Errorf("%s %+v: <adjoint(c), x> = %v, <c, gather(x)> = %v", f.name, tc, a, b)
			}
			if m := f.transposeRows; m > 0 {
				ref := make([]float32, len(cols))
				Im2col(ref, x, tc.n, tc.in, tc.k, tc.stride, tc.pad)
				taps := len(cols) / m
				for p := 0; p < m; p++ {
					for q := 0; q < taps; q++ {
						if cols[q*m+p] != ref[p*taps+q] {
							t.Fatalf("%+v: Im2colT[%d][%d] = %v, Im2col[%d][%d] = %v", tc, q, p, cols[q*m+p], p, q, ref[p*taps+q])
						}
					}
				}
			}
		}
	}
}

// TestSequentialMatchesTrainer: the MLP as a Sequential (FromNetwork)
// takes the same SGD steps as Trainer, bit for bit, and reports the same
// per-layer mean |ΔW|.
func TestSequentialMatchesTrainer(t *testing.T) {
	for _, act := range []Activation{ReLU{}, Sigmoid{}} {
		a, err := New([]int{20, 16, 12, 4}, act, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		b := a.Clone()
		cfg := Config{Epochs: 1, Batch: 8, LR: 0.1}
		ta, _ := NewTrainer(a, cfg)
		tb, err := NewSeqTrainer(FromNetwork(b), cfg)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(2, 2))
		for step := 0; step < 5; step++ {
			n := 8 - step%3
			x := randomInputs(rng, n*20, 1)
			y := make([]uint8, n)
			for i := range y {
				y[i] = uint8(rng.IntN(4))
			}
			la, lb := ta.Step(x, y, n), tb.Step(x, y, n)
			if la != lb {
				t.Fatalf("%s step %d: loss %v (Trainer) vs %v (Sequential)", ActivationName(act), step, la, lb)
			}
		}
		for l := range a.Layers {
			for i := range a.Layers[l].W {
				if a.Layers[l].W[i] != b.Layers[l].W[i] {
					t.Fatalf("%s: layer %d weight %d differs: %v vs %v", ActivationName(act), l, i, a.Layers[l].W[i], b.Layers[l].W[i])
				}
			}
			for i := range a.Layers[l].B {
				if a.Layers[l].B[i] != b.Layers[l].B[i] {
					t.Fatalf("%s: layer %d bias %d differs", ActivationName(act), l, i)
				}
			}
		}
		for l := range ta.absUpd {
			if ta.absUpd[l] != tb.absUpd[l] {
				t.Fatalf("%s: layer %d Σ|ΔW| %v vs %v", ActivationName(act), l, ta.absUpd[l], tb.absUpd[l])
			}
		}
	}
}

func TestLeNet5Shapes(t *testing.T) {
	s, err := LeNet5(Shape{28, 28, 1}, ReLU{}, 10, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	want := []Shape{{28, 28, 6}, {28, 28, 6}, {14, 14, 6}, {10, 10, 16}, {10, 10, 16}, {5, 5, 16}, Vec(400), Vec(120), Vec(120), Vec(84), Vec(84), Vec(10)}
	params := 0
	for i, l := range s.Layers {
		if _, out := l.Shapes(); out != want[i] {
			t.Errorf("layer %d (%T) gives %v, want %v", i, l, out, want[i])
		}
		for _, p := range l.Params() {
			params += len(p.Value)
		}
	}
	if params != 61706 {
		t.Errorf("%d parameters, want 61706", params)
	}
	if w := s.Weighted(); len(w) != 5 || w[0] != 0 || w[4] != 11 {
		t.Errorf("weighted layers %v", w)
	}
	// He-normal: the first convolution's weights have std sqrt(2/25).
	c := s.Layers[0].(*Conv2D)
	var s2 float64
	for _, v := range c.W {
		s2 += float64(v) * float64(v)
	}
	if std := math.Sqrt(s2 / float64(len(c.W))); math.Abs(std-math.Sqrt(2.0/25)) > 0.06 {
		t.Errorf("conv1 weight std %v, want about %v", std, math.Sqrt(2.0/25))
	}
}

func TestSequentialShapeErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, tc := range []struct {
		name  string
		in    Shape
		specs []Spec
	}{
		{"no layers", Shape{4, 4, 1}, nil},
		{"bad input", Shape{0, 4, 1}, []Spec{DenseSpec(2)}},
		{"kernel too large", Shape{4, 4, 1}, []Spec{ConvSpec(2, 5, 1, 0)}},
		{"padding not below kernel", Shape{4, 4, 1}, []Spec{ConvSpec(2, 3, 1, 3)}},
		{"zero stride", Shape{4, 4, 1}, []Spec{ConvSpec(2, 3, 0, 0)}},
		{"pool too large", Shape{4, 4, 1}, []Spec{MaxPoolSpec(5, 1)}},
		{"nil activation", Shape{4, 4, 1}, []Spec{ActSpec(nil)}},
		{"no outputs", Shape{4, 4, 1}, []Spec{DenseSpec(0)}},
	} {
		if _, err := NewSequential(tc.in, rng, tc.specs...); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

// TestSeqStepAllocatesNothing: after the first step, SGD steps on a
// convolutional stack allocate nothing.
func TestSeqStepAllocatesNothing(t *testing.T) {
	s, err := NewSequential(Shape{8, 8, 1}, rand.New(rand.NewPCG(1, 1)),
		ConvSpec(4, 3, 1, 1), ActSpec(ReLU{}), MaxPoolSpec(2, 2), ConvSpec(4, 3, 1, 0), ActSpec(Sigmoid{}), AvgPoolSpec(2, 2),
		FlattenSpec(), DenseSpec(6), ActSpec(ClippedReLU{Max: 2}), DenseSpec(3))
	if err != nil {
		t.Fatal(err)
	}
	tr, _ := NewSeqTrainer(s, Config{Epochs: 1, Batch: 16, LR: 0.1})
	rng := rand.New(rand.NewPCG(1, 2))
	x := randomInputs(rng, 16*64, 1)
	y := make([]uint8, 16)
	tr.Step(x, y, 16)
	if a := testing.AllocsPerRun(10, func() { tr.Step(x, y, 16) }); a != 0 {
		t.Errorf("%v allocations per step", a)
	}
}
