package nn

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/dataset"
)

func TestExpf(t *testing.T) {
	worst := 0.0
	for x := -87.0; x <= 88.5; x += 0.0137 {
		got := float64(expf(float32(x)))
		want := math.Exp(float64(float32(x)))
		rel := math.Abs(got-want) / want
		worst = math.Max(worst, rel)
	}
	if worst > 5e-7 {
		t.Fatalf("expf worst relative error %.3g, want <= 5e-7", worst)
	}
	cases := []struct {
		x    float32
		want float32
	}{{0, 1}, {-100, 0}, {100, float32(math.Inf(1))}}
	for _, c := range cases {
		if got := expf(c.x); got != c.want {
			t.Errorf("expf(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if v := expf(float32(math.NaN())); v == v {
		t.Errorf("expf(NaN) = %v, want NaN", v)
	}
}

// TestActivationDerivatives compares each activation's Derivative with a
// central finite difference of its Forward, away from kinks.
func TestActivationDerivatives(t *testing.T) {
	acts := []Activation{Sigmoid{}, ReLU{}, ClippedReLU{Max: 2}}
	zs := []float32{-5, -1.3, -0.2, 0.15, 0.7, 1.4, 1.9, 2.6, 7}
	const h = 1e-2
	for _, a := range acts {
		for _, z := range zs {
			y := make([]float32, 1)
			d := make([]float32, 1)
			a.Forward(y, []float32{z})
			a.Derivative(d, []float32{z}, y)
			yp, ym := make([]float32, 1), make([]float32, 1)
			a.Forward(yp, []float32{z + h})
			a.Forward(ym, []float32{z - h})
			fd := float64(yp[0]-ym[0]) / (2 * h)
			if math.Abs(fd-float64(d[0])) > 2e-3 {
				t.Errorf("%s at z=%v: derivative %v, finite difference %v", ActivationName(a), z, d[0], fd)
			}
		}
	}
}

func TestActivationValues(t *testing.T) {
	tests := []struct {
		name string
		z    []float32
		want []float32
	}{
		{"relu", []float32{-1, 0, 0.5, 3}, []float32{0, 0, 0.5, 3}},
		{"relu2", []float32{-1, 0, 0.5, 3}, []float32{0, 0, 0.5, 2}},
		{"sigmoid", []float32{0}, []float32{0.5}},
	}
	for _, tc := range tests {
		a, err := NewActivation(tc.name)
		if err != nil {
			t.Fatal(err)
		}
		if ActivationName(a) != tc.name {
			t.Errorf("name %q, want %q", ActivationName(a), tc.name)
		}
		y := make([]float32, len(tc.z))
		a.Forward(y, tc.z)
		for i := range y {
			if math.Abs(float64(y[i]-tc.want[i])) > 1e-6 {
				t.Errorf("%s(%v) = %v, want %v", tc.name, tc.z[i], y[i], tc.want[i])
			}
		}
	}
	if _, err := NewActivation("tanh"); err == nil {
		t.Error("unknown activation accepted")
	}
}

// TestActivationBound: WithBound sets relu2's bound (the run's VDD), the
// other built-ins ignore it, and a bound that is not positive and finite
// is refused.
func TestActivationBound(t *testing.T) {
	z := []float32{-1, 0.5, 1.5, 1.7, 3}
	tests := []struct {
		name  string
		bound float32
		want  []float32
		named string
	}{
		{"relu2", 1.6, []float32{0, 0.5, 1.5, 1.6, 1.6}, "relu-clip1.6"},
		{"relu2", DefaultBound, []float32{0, 0.5, 1.5, 1.7, 2}, "relu2"},
		{"relu", 1.6, []float32{0, 0.5, 1.5, 1.7, 3}, "relu"},
	}
	for _, tc := range tests {
		a, err := NewActivation(tc.name, WithBound(tc.bound))
		if err != nil {
			t.Fatal(err)
		}
		y := make([]float32, len(z))
		a.Forward(y, z)
		if !slices.Equal(y, tc.want) || ActivationName(a) != tc.named {
			t.Errorf("%s bound %g: %v named %q, want %v named %q", tc.name, tc.bound, y, ActivationName(a), tc.want, tc.named)
		}
		if s, ok := a.(Saturating); ok && s.SaturationInput() != 0.9*tc.bound {
			t.Errorf("%s bound %g: saturation input %g, want 90 %% of the bound", tc.name, tc.bound, s.SaturationInput())
		}
	}
	if a, _ := NewActivation("relu2"); a != (ClippedReLU{Max: DefaultBound}) {
		t.Errorf("relu2 without a bound is %+v, want Max = DefaultBound = %g", a, float32(DefaultBound))
	}
	for _, b := range []float32{0, -2, float32(math.NaN()), float32(math.Inf(1))} {
		if _, err := NewActivation("relu2", WithBound(b)); err == nil || !strings.Contains(err.Error(), "bound") {
			t.Errorf("bound %g: error %v, want one naming the bound", b, err)
		}
	}
}

// synthetic makes a linearly separable-ish data set: class c has its mass
// on input block c plus noise.
func synthetic(n, dim, classes int, seed uint64) *dataset.Set {
	rng := rand.New(rand.NewPCG(seed, 1))
	s := &dataset.Set{N: n, Rows: 1, Cols: dim, Classes: classes,
		Images: make([]float32, n*dim), Labels: make([]uint8, n)}
	block := dim / classes
	for i := 0; i < n; i++ {
		c := rng.IntN(classes)
		s.Labels[i] = uint8(c)
		for j := 0; j < dim; j++ {
			v := 0.3 * rng.Float64()
			if j/block == c {
				v += 0.6
			}
			s.Images[i*dim+j] = float32(v)
		}
	}
	return s
}

// TestGradientCheck compares backpropagated gradients of every layer's
// weights and biases with central finite differences of the loss, for
// every activation.
func TestGradientCheck(t *testing.T) {
	for _, name := range ActivationNames() {
		t.Run(name, func(t *testing.T) {
			act, _ := NewActivation(name)
			rng := rand.New(rand.NewPCG(7, 7))
			net, err := New([]int{6, 5, 4, 3}, act, rng)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range net.Layers {
				for j := range d.B {
					d.B[j] = float32(rng.NormFloat64() * 0.3)
				}
			}
			data := synthetic(4, 6, 3, 3)
			tr, err := NewTrainer(net, Config{Epochs: 1, Batch: 4, LR: 0.1})
			if err != nil {
				t.Fatal(err)
			}
			copy(tr.x, data.Images)
			copy(tr.labels, data.Labels)
			tr.gradients(4)
			// pattern records which side of each kink (0 and 2) every hidden
			// pre-activation is on: a finite difference across a kink is not
			// a derivative, so such parameters are skipped (and counted).
			pattern := func() string {
				var b []byte
				for l := 0; l < len(net.Layers)-1; l++ {
					for _, z := range tr.z[l][:4*net.Layers[l].Out] {
						b = append(b, byte(btoi(z > 0)+2*btoi(z < 2)))
					}
				}
				return string(b)
			}
			lossAt := func() (float64, string) {
				tr.forward(4)
				l, _ := tr.lossAndCorrect(4)
				return l / 4, pattern()
			}
			_, base := lossAt()
			const h = 3e-3
			checked, skipped := 0, 0
			for l, d := range net.Layers {
				params := []struct {
					p, g []float32
					kind string
				}{{d.W, append([]float32(nil), tr.dW[l]...), "W"}, {d.B, append([]float32(nil), tr.dB[l]...), "b"}}
				for _, pg := range params {
					for i := range pg.p {
						orig := pg.p[i]
						pg.p[i] = orig + h
						lp, pp := lossAt()
						pg.p[i] = orig - h
						lm, pm := lossAt()
						pg.p[i] = orig
						if pp != base || pm != base {
							skipped++
							continue
						}
						fd := (lp - lm) / (2 * h)
						if math.Abs(fd-float64(pg.g[i])) > 2e-3+0.03*math.Abs(fd) {
							t.Errorf("layer %d %s[%d]: backprop %.6g, finite difference %.6g", l, pg.kind, i, pg.g[i], fd)
						}
						checked++
					}
				}
			}
			t.Logf("%d parameters checked, %d skipped at kinks", checked, skipped)
			if checked+skipped != 6*5+5+5*4+4+4*3+3 || skipped > checked/10 {
				t.Fatalf("checked %d parameters, skipped %d at kinks", checked, skipped)
			}
		})
	}
}

func TestTrainLearnsAndIsDeterministic(t *testing.T) {
	train := synthetic(600, 20, 4, 1)
	test := synthetic(200, 20, 4, 2)
	run := func(seed uint64) (*Network, *Result) {
		net, err := New([]int{20, 16, 16, 4}, ReLU{}, rand.New(rand.NewPCG(seed, 2)))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Train(net, train, test, Config{Epochs: 5, Batch: 50, LR: 0.1, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		return net, res
	}
	n1, r1 := run(42)
	n2, r2 := run(42)
	n3, _ := run(43)
	if acc := r1.Epochs[len(r1.Epochs)-1].TestAccuracy; acc < 0.95 {
		t.Errorf("test accuracy %.3f on separable data, want >= 0.95", acc)
	}
	same := func(a, b *Network) bool {
		return slices.EqualFunc(a.Layers, b.Layers, func(p, q *Dense) bool { return slices.Equal(p.W, q.W) })
	}
	if !same(n1, n2) {
		t.Error("two runs with seed 42 gave different weights")
	}
	if same(n1, n3) {
		t.Error("seeds 42 and 43 gave identical weights")
	}
	for e := range r1.Epochs {
		if r1.Epochs[e].TrainLoss != r2.Epochs[e].TrainLoss {
			t.Errorf("epoch %d loss differs between identical runs", e+1)
		}
	}
	if len(r1.PreActivations) != 3 || len(r1.PreActivations[0]) != 200*16 {
		t.Errorf("pre-activation record has wrong shape")
	}
	for l, h := range r1.UpdateHist {
		if got, want := h.Total(), int64(5*12)*int64(len(n1.Layers[l].W))/5; got != want {
			t.Errorf("layer %d update histogram counts %d updates, want %d (one epoch)", l, got, want)
		}
	}
	for l, m := range r1.Epochs[0].MeanAbsUpdate {
		if !(m > 0) {
			t.Errorf("layer %d mean |update| %v", l, m)
		}
	}
}

func TestStepAllocatesNothing(t *testing.T) {
	data := synthetic(100, 784, 10, 5)
	net, _ := New([]int{784, 100, 100, 100, 10}, Sigmoid{}, rand.New(rand.NewPCG(1, 1)))
	tr, err := NewTrainer(net, Config{Epochs: 1, Batch: 100, LR: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	tr.Step(data.Images, data.Labels, 100)
	allocs := testing.AllocsPerRun(5, func() { tr.Step(data.Images, data.Labels, 100) })
	if allocs != 0 {
		t.Fatalf("Step allocates %v times per call, want 0", allocs)
	}
}

func TestDivergenceIsReported(t *testing.T) {
	train := synthetic(200, 20, 4, 1)
	net, _ := New([]int{20, 16, 4}, ReLU{}, rand.New(rand.NewPCG(1, 2)))
	_, err := Train(net, train, train, Config{Epochs: 3, Batch: 50, LR: 1e30})
	if !errors.Is(err, ErrDiverged) {
		t.Fatalf("lr 1e30: err = %v, want ErrDiverged", err)
	}
}

func TestBadInputs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	if _, err := New([]int{5}, ReLU{}, rng); err == nil {
		t.Error("single-width network accepted")
	}
	if _, err := New([]int{5, 0, 2}, ReLU{}, rng); err == nil {
		t.Error("zero-width layer accepted")
	}
	for _, c := range []Config{{Epochs: 0, Batch: 1, LR: 1}, {Epochs: 1, Batch: 0, LR: 1}, {Epochs: 1, Batch: 1, LR: math.NaN()}, {Epochs: 1, Batch: 1, LR: -1}} {
		if c.Validate() == nil {
			t.Errorf("config %+v accepted", c)
		}
	}
	net, _ := New([]int{5, 3}, ReLU{}, rng)
	bad := synthetic(10, 6, 3, 1)
	if _, err := Train(net, bad, bad, Config{Epochs: 1, Batch: 5, LR: 0.1}); err == nil {
		t.Error("input width mismatch accepted")
	}
}

func TestLogHistogram(t *testing.T) {
	var h LogHistogram
	for _, v := range []float32{1, -1, 1.1, 2, 0, 1e-8, -3e-5} {
		h.Add(v)
	}
	if h.Total() != 7 || h.Zero != 1 {
		t.Fatalf("total %d zero %d", h.Total(), h.Zero)
	}
	bins := h.MagnitudeBins()
	var n int64
	for _, b := range bins {
		if b.Hi <= b.Lo {
			t.Fatalf("bin %+v is empty", b)
		}
		n += b.Count
		if b.Lo <= 1 && 1 < b.Hi && b.Count != 3 { // 1, -1 and 1.1 share [1, 1.1892)
			t.Errorf("bin around 1 has %d values, want 3", b.Count)
		}
	}
	if n != 6 {
		t.Errorf("magnitude bins hold %d values, want 6", n)
	}
	med := h.Quantile(0.5)
	if med < 1e-5 || med > 1.2 {
		t.Errorf("median %v", med)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestMulDerivativeAgrees checks each fast path against Derivative.
func TestMulDerivativeAgrees(t *testing.T) {
	z := []float32{-3, -0.5, 0, float32(math.Copysign(0, -1)), 1e-30, 0.5, 1.99, 2, 2.5, 9}
	for _, name := range ActivationNames() {
		a, _ := NewActivation(name)
		m, ok := a.(DerivativeMultiplier)
		if !ok {
			continue
		}
		y := make([]float32, len(z))
		d := make([]float32, len(z))
		a.Forward(y, z)
		a.Derivative(d, z, y)
		g := make([]float32, len(z))
		for i := range g {
			g[i] = float32(i) - 3.5
		}
		want := make([]float32, len(z))
		for i := range g {
			want[i] = g[i] * d[i]
		}
		m.MulDerivative(g, z, y)
		for i := range g {
			if g[i] != want[i] {
				t.Errorf("%s z=%v: MulDerivative gives %v, Derivative gives %v", name, z[i], g[i], want[i])
			}
		}
	}
}
