package experiment

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/neuron"
	"github.com/mrelu/mrelu/nn"
)

// noiseStats evaluates n copies of the input z through act (one row of
// width n, layer 0) and returns the mean and standard deviation of the
// outputs.
func noiseStats(act *MReLU, z float32, n int) (mean, sd float64) {
	in := make([]float32, n)
	for i := range in {
		in[i] = z
	}
	y := make([]float32, n)
	act.Forward(y, in)
	var s, ss float64
	for _, v := range y {
		s += float64(v)
	}
	mean = s / float64(n)
	for _, v := range y {
		ss += (float64(v) - mean) * (float64(v) - mean)
	}
	return mean, math.Sqrt(ss / float64(n-1))
}

// TestNoiseModelStatistics checks each noise model's mean and spread at
// an input on the linear part of the transfer curve (z = 1, f ≈ 1 V, far
// from both clips), against its definition.
func TestNoiseModelStatistics(t *testing.T) {
	m := solvedNeuron(t)
	const sigma, z, n = 0.099, 1.0, 200000
	f := m.Eval.At(z)
	slope := m.Eval.DerivAt(z)
	sI := sigma * m.Metrics.I90 / m.IUnit // input noise in network units
	for _, c := range []struct {
		model         string
		mean, sd, tol float64
	}{
		{NoiseProportional, f, sigma * f, 0.02},
		{NoiseFullScale, f, sigma * m.Curve.VDD, 0.02},
		{NoiseInput, f, slope * sI, 0.05}, // linear around z: f'(z)·σ_I
	} {
		act, err := NewNoisyMReLU(m, NoiseConfig{Model: c.model, Sigma: sigma, Hidden: []int{n}, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		mean, sd := noiseStats(act, z, n)
		if math.Abs(mean-c.mean) > 3*c.sd/math.Sqrt(n)+1e-3 {
			t.Errorf("%s: mean %.5f V, want %.5f", c.model, mean, c.mean)
		}
		if math.Abs(sd/c.sd-1) > c.tol {
			t.Errorf("%s: s.d. %.5f V, want %.5f (±%.0f %%)", c.model, sd, c.sd, 100*c.tol)
		}
	}
}

// TestNoiseD2D checks the device-to-device model: each neuron keeps its
// own curve (two evaluations without temporal noise agree per neuron,
// across rows and calls), neurons differ from each other, and the same
// seed gives the same assignment while another seed gives another.
func TestNoiseD2D(t *testing.T) {
	m := solvedNeuron(t)
	const width, rows = 50, 4
	z := make([]float32, width*rows)
	for i := range z {
		z[i] = 1
	}
	eval := func(seed uint64, sigma float64) []float32 {
		act, err := NewNoisyMReLU(m, NoiseConfig{Model: NoiseD2D, Sigma: sigma, Hidden: []int{width, width}, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		y := make([]float32, len(z))
		act.ForwardLayer(1, width, y, z)
		y2 := make([]float32, len(z))
		act.ForwardLayer(1, width, y2, z)
		if sigma == 0 {
			for i := range y {
				if y[i] != y2[i] {
					t.Fatalf("neuron %d: %v then %v: not fixed for the network's life", i%width, y[i], y2[i])
				}
			}
		}
		return y
	}
	a := eval(3, 0)
	for r := 1; r < rows; r++ {
		for j := 0; j < width; j++ {
			if a[r*width+j] != a[j] {
				t.Fatalf("neuron %d gives %v in row 0 and %v in row %d", j, a[j], a[r*width+j], r)
			}
		}
	}
	var s, ss float64
	for _, v := range a[:width] {
		s += float64(v)
	}
	mean := s / width
	for _, v := range a[:width] {
		ss += (float64(v) - mean) * (float64(v) - mean)
	}
	if sd := math.Sqrt(ss / (width - 1)); sd < 0.01 || sd > 0.5 {
		t.Errorf("spread of Vout over neurons at z = 1: %.4f V, want a device spread of 0.01-0.5 V", sd)
	}
	b := eval(3, 0)
	c := eval(4, 0)
	same := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("seed 3 twice: neuron %d differs", i)
		}
		if a[i] == c[i] {
			same++
		}
	}
	if same == len(a) {
		t.Error("seeds 3 and 4 give the same assignment")
	}
	// With temporal noise on top: deterministic for a seed, and the
	// relative spread about each neuron's own curve is σ.
	n1, n2 := eval(5, 0.099), eval(5, 0.099)
	for i := range n1 {
		if n1[i] != n2[i] {
			t.Fatalf("seed 5 twice with noise: element %d differs", i)
		}
	}
}

// TestD2DMatchesColumnByColumn: the multi-curve d2d evaluation gives,
// bit for bit, what a column-by-column one gives for the same seed (kept
// here as the reference: each column gathered, evaluated with its
// neuron's own evaluator, varied by the factor of each element's noise
// index, computed here one element at a time from the definition, and
// scattered back), values and cached derivatives, over successive calls,
// several blocks, a partial last block and a partial last row, with and
// without temporal noise. (The reference used to replay the sequential
// generator's column order; the noise is now counter based, a function of
// the step, layer and element, so that it does not depend on how the
// trainer splits a batch between threads.)
func TestD2DMatchesColumnByColumn(t *testing.T) {
	m := solvedNeuron(t)
	curves, err := m.D2D()
	if err != nil {
		t.Fatal(err)
	}
	const seed = 9
	for _, sigma := range []float64{0, 0.099, 0.3} {
		hidden := []int{100, 37}
		act, err := NewNoisyMReLU(m, NoiseConfig{Model: NoiseD2D, Sigma: sigma, Hidden: hidden, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		ref := neuron.NewNoiseTable(seed)
		ref.SetSigma(float32(sigma))
		rng := rand.New(rand.NewPCG(seed, 0xa551))
		var evals [][]*neuron.Evaluator // [layer][neuron]
		for _, w := range hidden {
			var l []*neuron.Evaluator
			for range w {
				l = append(l, curves[rng.IntN(len(curves))].Scaled(m.IUnit))
			}
			evals = append(evals, l)
		}
		reference := func(l, width int, y, d, z []float32) {
			key := neuron.LayerKey(ref.Next(), l)
			col, cy, cd := make([]float32, len(z)), make([]float32, len(z)), make([]float32, len(z))
			for j := 0; j < width && j < len(z); j++ {
				n := (len(z) - j + width - 1) / width
				for r := range n {
					col[r] = z[j+r*width]
				}
				evals[l][j].EvalDeriv(cy[:n], cd[:n], col[:n])
				for r := range n {
					p := uint64(j + r*width)
					v, g := cy[r], cd[r]
					if sigma != 0 {
						f1 := make([]float32, 1)
						ref.Factors(f1, key, p) // element p on its own: the one-at-a-time path
						f := f1[0]
						v, g = v*f, g*f
						if v > act.vdd {
							v, g = act.vdd, 0
						}
					}
					y[j+r*width], d[j+r*width] = v, g
				}
			}
		}
		zr := rand.New(rand.NewPCG(2, 4))
		for call, c := range []struct{ l, rows, extra int }{{0, 500, 0}, {1, 130, 0}, {0, 64, 0}, {1, 3, 11}, {0, 200, 0}} {
			width := hidden[c.l]
			z := make([]float32, c.rows*width+c.extra)
			for i := range z {
				z[i] = float32(1.2 * zr.NormFloat64())
			}
			y, wantY, wantD := make([]float32, len(z)), make([]float32, len(z)), make([]float32, len(z))
			act.ForwardLayer(c.l, width, y, z)
			d, ok := act.cached(y, len(z))
			if !ok {
				t.Fatal("no cached derivative")
			}
			reference(c.l, width, wantY, wantD, z)
			for i := range z {
				if math.Float32bits(y[i]) != math.Float32bits(wantY[i]) || math.Float32bits(d[i]) != math.Float32bits(wantD[i]) {
					t.Fatalf("σ %g, call %d, element %d (neuron %d of layer %d): %g, %g; column by column %g, %g",
						sigma, call, i, i%width, c.l, y[i], d[i], wantY[i], wantD[i])
				}
			}
		}
	}
}

// TestNoiseDeterministic: every model gives the same outputs for the same
// seed and other outputs for another seed.
func TestNoiseDeterministic(t *testing.T) {
	m := solvedNeuron(t)
	z := make([]float32, 1000)
	for i := range z {
		z[i] = float32(i%40)/10 - 1
	}
	for _, model := range NoiseModels() {
		run := func(seed uint64) []float32 {
			act, err := NewNoisyMReLU(m, NoiseConfig{Model: model, Sigma: 0.099, Hidden: []int{100}, Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			y := make([]float32, len(z))
			act.ForwardLayer(0, 100, y, z)
			act.ForwardLayer(0, 100, y, z) // the second draw
			return y
		}
		a, b, c := run(1), run(1), run(2)
		diff := 0
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("%s: seed 1 twice differs at %d", model, i)
			}
			if a[i] != c[i] {
				diff++
			}
		}
		if diff < len(a)/4 {
			t.Errorf("%s: seeds 1 and 2 differ in %d of %d outputs", model, diff, len(a))
		}
	}
}

// TestNoiseDerivativeFiniteDifference checks, for every model, the
// derivative Forward caches against central differences of Forward with
// the same noise draw (the generator state restored between calls).
func TestNoiseDerivativeFiniteDifference(t *testing.T) {
	m := solvedNeuron(t)
	const h = 1e-3
	for _, model := range NoiseModels() {
		act, err := NewNoisyMReLU(m, NoiseConfig{Model: model, Sigma: 0.099, Hidden: []int{7}, Seed: 11})
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for z0 := float32(-0.8); z0 < 3.5; z0 += 0.0731 {
			z := []float32{z0, z0 + 0.01, z0 + 0.02, z0 + 0.03, z0 + 0.04, z0 + 0.05, z0 + 0.06}
			zp, zm := make([]float32, 7), make([]float32, 7)
			for i := range z {
				zp[i], zm[i] = z[i]+h, z[i]-h
			}
			state := act.noise.State()
			y, yp, ym, g := make([]float32, 7), make([]float32, 7), make([]float32, 7), make([]float32, 7)
			act.ForwardLayer(0, 7, yp, zp)
			act.noise.SetState(state)
			act.ForwardLayer(0, 7, ym, zm)
			act.noise.SetState(state)
			act.ForwardLayer(0, 7, y, z)
			for i := range g {
				g[i] = 1
			}
			act.MulDerivative(g, z, y)
			for i := range z {
				fd := float64(yp[i]-ym[i]) / (2 * h)
				// Skip points where a clip falls between z-h and z+h.
				clip := func(v float32) bool { return v <= 0 || v >= act.vdd }
				if (clip(y[i]) || clip(yp[i]) || clip(ym[i])) && (y[i] != yp[i] || y[i] != ym[i]) {
					continue
				}
				checked++
				if math.Abs(fd-float64(g[i])) > 0.03+0.03*math.Abs(fd) {
					t.Errorf("%s z=%.4f: derivative %v, finite difference %v", model, z[i], g[i], fd)
				}
			}
		}
		if checked < 300 {
			t.Errorf("%s: only %d points checked", model, checked)
		}
	}
}

func TestMeanSD(t *testing.T) {
	for _, c := range []struct {
		v        []float64
		mean, sd float64
	}{
		{[]float64{0.97}, 0.97, 0},
		{[]float64{1, 3}, 2, math.Sqrt2},
		{[]float64{2, 4, 4, 4, 5, 5, 7, 9}, 5, math.Sqrt(32.0 / 7)},
	} {
		m, sd := MeanSD(c.v)
		if math.Abs(m-c.mean) > 1e-12 || math.Abs(sd-c.sd) > 1e-12 {
			t.Errorf("MeanSD(%v) = %v, %v; want %v, %v", c.v, m, sd, c.mean, c.sd)
		}
	}
	if m, sd := MeanSD(nil); !math.IsNaN(m) || !math.IsNaN(sd) {
		t.Errorf("MeanSD(nil) = %v, %v", m, sd)
	}
	// The mean and s.d. of a sweep's seeds (report.WriteSweep).
	if m, sd := MeanSD([]float64{1, 2, 3}); m != 2 || math.Abs(sd-1) > 1e-15 {
		t.Errorf("MeanSD(1, 2, 3) = %v, %v", m, sd)
	}
	if m, sd := MeanSD([]float64{0.1, 0.1, 0.1}); m != 0.1 || sd != 0 {
		t.Errorf("equal values: mean %v sd %v", m, sd)
	}
	if got := SeedList(5, 3); len(got) != 3 || got[0] != 5 || got[2] != 7 {
		t.Errorf("SeedList(5, 3) = %v", got)
	}
}

// TestSaturationInput: the mReLU's saturation input is where its
// noise-free output reaches 90 % of VDD, and scales with the input scale.
func TestSaturationInput(t *testing.T) {
	m := solvedNeuron(t)
	for _, scale := range []float64{0, m.IUnit, 2 * m.IUnit} {
		act, err := NewNoisyMReLU(m, NoiseConfig{InputScale: scale})
		if err != nil {
			t.Fatal(err)
		}
		s := scale
		if s == 0 {
			s = m.IUnit
		}
		z := act.SaturationInput()
		if got := m.EvalA.At(float64(z) * s); math.Abs(got-0.9*m.Curve.VDD) > 0.01 {
			t.Errorf("scale %g: output at the saturation input %v is %v V, want %v", scale, z, got, 0.9*m.Curve.VDD)
		}
	}
}

// TestNoiseRowsSplit: ForwardRows gives, bit for bit, the outputs and
// derivatives of one call over the whole batch when the batch is split
// into row ranges evaluated at once from several goroutines.
func TestNoiseRowsSplit(t *testing.T) {
	m := solvedNeuron(t)
	const width, rows = 37, 53
	zr := rand.New(rand.NewPCG(3, 5))
	z := make([]float32, width*rows)
	for i := range z {
		z[i] = float32(1.2 * zr.NormFloat64())
	}
	for _, model := range NoiseModels() {
		act, err := NewNoisyMReLU(m, NoiseConfig{Model: model, Sigma: 0.099, Hidden: []int{50, width}, Seed: 4})
		if err != nil {
			t.Fatal(err)
		}
		act.BeginStep()
		y, d := make([]float32, len(z)), make([]float32, len(z))
		act.ForwardRows(1, width, 0, y, d, z)
		ys, ds := make([]float32, len(z)), make([]float32, len(z))
		var wg sync.WaitGroup
		for _, r := range [][2]int{{0, 1}, {1, 14}, {14, 15}, {15, 40}, {40, rows}} {
			wg.Add(1)
			go func(r0, r1 int) {
				defer wg.Done()
				lo, hi := r0*width, r1*width
				act.ForwardRows(1, width, r0, ys[lo:hi], ds[lo:hi], z[lo:hi])
			}(r[0], r[1])
		}
		wg.Wait()
		for i := range z {
			if math.Float32bits(y[i]) != math.Float32bits(ys[i]) || math.Float32bits(d[i]) != math.Float32bits(ds[i]) {
				t.Fatalf("%s: element %d: %v, %v whole; %v, %v split", model, i, y[i], d[i], ys[i], ds[i])
			}
		}
	}
}

// TestNoisyTrainingThreads: a trainer on 1 and on 2 threads gives bit
// for bit the same weights, losses and test loss with the noisy mReLU
// under every noise model (the noise does not depend on the row split).
func TestNoisyTrainingThreads(t *testing.T) {
	m := solvedNeuron(t)
	const dim, classes, n = 64, 10, 700
	r := rand.New(rand.NewPCG(8, 8))
	set := &dataset.Set{N: n, Rows: 8, Cols: 8, Classes: classes, Images: make([]float32, n*dim), Labels: make([]uint8, n)}
	for i := range set.Labels {
		set.Labels[i] = uint8(r.IntN(classes))
		for j := 0; j < dim; j++ {
			v := r.Float32()
			if j%classes == int(set.Labels[i]) {
				v += 0.5
			}
			set.Images[i*dim+j] = v
		}
	}
	for _, model := range NoiseModels() {
		train := func(threads int) (*nn.Network, *nn.Result) {
			act, err := NewNoisyMReLU(m, NoiseConfig{Model: model, Sigma: 0.099, Hidden: []int{40, 30}, Seed: 6})
			if err != nil {
				t.Fatal(err)
			}
			net, err := nn.New([]int{dim, 40, 30, classes}, act, rand.New(rand.NewPCG(1, 2)))
			if err != nil {
				t.Fatal(err)
			}
			res, err := nn.Train(net, set, set, nn.Config{Epochs: 2, Batch: 100, LR: 0.1, Seed: 3, Threads: threads})
			if err != nil {
				t.Fatal(err)
			}
			return net, res
		}
		n1, r1 := train(1)
		n2, r2 := train(2)
		for l := range n1.Layers {
			for i, w := range n1.Layers[l].W {
				if math.Float32bits(w) != math.Float32bits(n2.Layers[l].W[i]) {
					t.Fatalf("%s: layer %d weight %d: %v on 1 thread, %v on 2", model, l, i, w, n2.Layers[l].W[i])
				}
			}
		}
		for e := range r1.Epochs {
			if a, b := r1.Epochs[e], r2.Epochs[e]; a.TrainLoss != b.TrainLoss || a.TestLoss != b.TestLoss {
				t.Errorf("%s: epoch %d: losses %v, %v on 1 thread, %v, %v on 2", model, e+1, a.TrainLoss, a.TestLoss, b.TrainLoss, b.TestLoss)
			}
		}
	}
}
