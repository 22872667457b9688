package crossbar

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// randWeights returns in×out He-normal weights and out biases.
func randWeights(rng *rand.Rand, in, out int) (w, b []float32) {
	w = make([]float32, in*out)
	std := math.Sqrt(2 / float64(in))
	for i := range w {
		w[i] = float32(rng.NormFloat64() * std)
	}
	b = make([]float32, out)
	for j := range b {
		b[j] = float32(rng.NormFloat64() * 0.1)
	}
	return w, b
}

// randVolts returns batch×in voltages uniform in [0, vmax).
func randVolts(rng *rand.Rand, batch, in int, vmax float64) []float32 {
	v := make([]float32, batch*in)
	for i := range v {
		v[i] = float32(rng.Float64() * vmax)
	}
	return v
}

func withParams(edit func(*Params)) Params {
	p := DefaultParams()
	if edit != nil {
		edit(&p)
	}
	return p
}

func TestProgramErrors(t *testing.T) {
	w := make([]float32, 6)
	tests := []struct {
		name    string
		w       []float32
		in, out int
		b       []float32
		p       Params
		is      error
	}{
		{"bad params", w, 2, 3, nil, withParams(func(p *Params) { p.GMax = 0 }), ErrInvalidParam},
		{"zero inputs", nil, 0, 3, nil, DefaultParams(), ErrShape},
		{"weights short", w[:5], 2, 3, nil, DefaultParams(), ErrShape},
		{"bias long", w, 2, 3, make([]float32, 4), DefaultParams(), ErrShape},
		{"NaN weight", []float32{0, 0, float32(math.NaN()), 0, 0, 0}, 2, 3, nil, DefaultParams(), nil},
		{"Inf bias", w, 2, 3, []float32{0, float32(math.Inf(-1)), 0}, DefaultParams(), nil},
	}
	for _, tc := range tests {
		_, err := Program(tc.w, tc.in, tc.out, tc.b, tc.p, nil)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
		} else if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("%s: error %v is not %v", tc.name, err, tc.is)
		}
	}
}

// TestLayerMapping checks the ideal mapping of one array: the currents are
// ReadScale·GScale·(x·W + b), the read-back weights are the programmed
// ones, and the scales are as documented.
func TestLayerMapping(t *testing.T) {
	tests := []struct {
		name string
		p    Params
	}{
		{"auto scale, matched mirror", DefaultParams()},
		{"fixed scale, fixed mirror", withParams(func(p *Params) { p.GScale, p.MirrorGain, p.ReadScale = 5e-6, 1, 1 })},
		{"zero GMin", withParams(func(p *Params) { p.GMin = 0 })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 4))
			in, out, batch := 37, 11, 9
			w, b := randWeights(rng, in, out)
			l, err := Program(w, in, out, b, tc.p, rng)
			if err != nil {
				t.Fatal(err)
			}
			maxW := 0.0
			for _, v := range append(append([]float32(nil), w...), b...) {
				maxW = math.Max(maxW, math.Abs(float64(v)))
			}
			wantScale := tc.p.GScale
			if wantScale == 0 {
				wantScale = (tc.p.GMax - tc.p.GMin) / maxW
			}
			if math.Abs(l.GScale()/wantScale-1) > 1e-12 || l.Clipped() != 0 {
				t.Errorf("GScale %g S, clipped %d; want %g S, 0", l.GScale(), l.Clipped(), wantScale)
			}
			wantMirror := tc.p.MirrorGain
			if wantMirror == 0 {
				wantMirror = tc.p.UnitCurrent / (tc.p.ReadScale * wantScale)
				if math.Abs(l.CurrentPerUnit()/tc.p.UnitCurrent-1) > 1e-12 {
					t.Errorf("matched mirror: CurrentPerUnit %g A, want UnitCurrent %g A", l.CurrentPerUnit(), tc.p.UnitCurrent)
				}
			}
			if math.Abs(l.MirrorGain()/wantMirror-1) > 1e-12 {
				t.Errorf("MirrorGain %g, want %g", l.MirrorGain(), wantMirror)
			}
			ew, eb := l.Weights()
			for k := range w {
				if math.Abs(float64(ew[k]-w[k])) > 1e-6*maxW {
					t.Fatalf("weight %d reads back as %g, programmed %g", k, ew[k], w[k])
				}
			}
			for j := range b {
				if math.Abs(float64(eb[j]-b[j])) > 1e-6*maxW {
					t.Fatalf("bias %d reads back as %g, programmed %g", j, eb[j], b[j])
				}
			}
			x := randVolts(rng, batch, in, 1)
			volts := make([]float32, len(x))
			for i, v := range x {
				volts[i] = float32(tc.p.ReadScale) * v
			}
			cur := make([]float32, batch*out)
			l.Currents(cur, volts, batch)
			unit := l.ColumnCurrentPerUnit()
			for r := 0; r < batch; r++ {
				for j := 0; j < out; j++ {
					z, zabs := float64(b[j]), math.Abs(float64(b[j]))
					for i := 0; i < in; i++ {
						z += float64(x[r*in+i]) * float64(w[i*out+j])
						zabs += math.Abs(float64(x[r*in+i]) * float64(w[i*out+j]))
					}
					got := float64(cur[r*out+j]) / unit
					if math.Abs(got-z) > 1e-5*zabs {
						t.Fatalf("row %d column %d: I/(ReadScale·GScale) = %g, z = %g", r, j, got, z)
					}
				}
			}
			gains := l.Gains()
			ni := make([]float32, batch*out)
			l.NeuronInputs(ni, volts, batch)
			for i := range ni {
				if g := gains[i%out]; float32(l.MirrorGain()) != g || ni[i] != cur[i]*g {
					t.Fatalf("neuron input %d: %g, want gain %g × %g", i, ni[i], g, cur[i])
				}
			}
		})
	}
}

// TestConductanceWindow checks that every device stays within [GMin, GMax]
// whatever the weights and non-idealities, and that a fixed GScale clips
// exactly the weights that do not fit.
func TestConductanceWindow(t *testing.T) {
	tests := []struct {
		name        string
		p           Params
		wantClipped int
	}{
		{"ideal", DefaultParams(), 0},
		{"programming noise 50 %", withParams(func(p *Params) { p.ProgramSigma = 0.5 }), 0},
		{"quantised + noise", withParams(func(p *Params) { p.Levels, p.ProgramSigma = 5, 0.2 }), 0},
		{"fixed scale clips", withParams(func(p *Params) { p.GScale = 50e-6 }), -1},
		{"all non-idealities", withParams(func(p *Params) {
			p.GScale, p.Levels, p.ProgramSigma, p.ReadSigma, p.NeuronSpread = 80e-6, 3, 1, 1, 1
		}), -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(5, 6))
			in, out := 64, 32
			w, b := randWeights(rng, in, out)
			l, err := Program(w, in, out, b, tc.p, rng)
			if err != nil {
				t.Fatal(err)
			}
			gp, gn := l.Conductances()
			if len(gp) != (in+1)*out || len(gn) != len(gp) {
				t.Fatalf("%d, %d conductances, want %d", len(gp), len(gn), (in+1)*out)
			}
			lo, hi := float32(tc.p.GMin), float32(tc.p.GMax)
			for k := range gp {
				for _, g := range []float32{gp[k], gn[k]} {
					if !(g >= lo && g <= hi) {
						t.Fatalf("device %d: %g S outside [%g, %g] S", k, g, lo, hi)
					}
				}
			}
			want := tc.wantClipped
			if want < 0 {
				want = 0
				for _, v := range append(w, b...) {
					if math.Abs(float64(v))*tc.p.GScale > tc.p.GMax-tc.p.GMin {
						want++
					}
				}
				if want == 0 {
					t.Fatal("test weights do not exceed the window")
				}
			}
			if l.Clipped() != want {
				t.Errorf("Clipped() = %d, want %d", l.Clipped(), want)
			}
		})
	}
}

// TestQuantisation checks that every device takes one of the N equally
// spaced levels and that the effective weights are within half a level of
// the programmed ones.
func TestQuantisation(t *testing.T) {
	for _, levels := range []int{2, 3, 8, 64} {
		p := withParams(func(p *Params) { p.Levels = levels })
		rng := rand.New(rand.NewPCG(uint64(levels), 1))
		in, out := 50, 20
		w, b := randWeights(rng, in, out)
		l, err := Program(w, in, out, b, p, rng)
		if err != nil {
			t.Fatal(err)
		}
		step := (p.GMax - p.GMin) / float64(levels-1)
		distinct := map[float32]bool{}
		gp, gn := l.Conductances()
		for _, g := range append(gp, gn...) {
			distinct[g] = true
			k := (float64(g) - p.GMin) / step
			if math.Abs(k-math.Round(k)) > 1e-4 {
				t.Fatalf("%d levels: %g S is not a level (index %g)", levels, g, k)
			}
		}
		if len(distinct) > levels {
			t.Errorf("%d levels: %d distinct conductances", levels, len(distinct))
		}
		ew, eb := l.Weights()
		half := step / 2 / l.GScale()
		for k := range w {
			if d := math.Abs(float64(ew[k] - w[k])); d > half*(1+1e-5) {
				t.Fatalf("%d levels: weight %d off by %g, more than half a level %g", levels, k, d, half)
			}
		}
		for j := range b {
			if d := math.Abs(float64(eb[j] - b[j])); d > half*(1+1e-5) {
				t.Fatalf("%d levels: bias %d off by %g, more than half a level %g", levels, j, d, half)
			}
		}
		t.Logf("%d levels: %d distinct conductances", levels, len(distinct))
	}
}

// meanStd returns the mean and sample standard deviation of x.
func meanStd(x []float64) (mean, std float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		std += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(std / float64(len(x)-1))
}

// TestProgramNoise programs every weight to the middle of the window and
// checks the relative spread of the written conductances (the partner
// devices at GMin are clipped one-sidedly and are not used).
func TestProgramNoise(t *testing.T) {
	for _, sigma := range []float64{0.02, 0.05, 0.1} {
		p := withParams(func(p *Params) { p.ProgramSigma = sigma; p.GScale = 4.95e-6 })
		in, out := 100, 100
		w := make([]float32, in*out)
		for i := range w {
			w[i] = 1 // G+ = GMin + 4.95 µS = 5.05 µS, mid-window
		}
		l, err := Program(w, in, out, nil, p, rand.New(rand.NewPCG(9, 9)))
		if err != nil {
			t.Fatal(err)
		}
		target := p.GMin + 4.95e-6
		gp, _ := l.Conductances()
		rel := make([]float64, in*out)
		for k := range rel {
			rel[k] = float64(gp[k])/target - 1
		}
		mean, std := meanStd(rel)
		// Standard errors with 10^4 samples: σ/100 for the mean, σ/141 for σ.
		if math.Abs(mean) > 4*sigma/100 || math.Abs(std/sigma-1) > 4/141.0 {
			t.Errorf("ProgramSigma %g: relative error mean %.4g, sigma %.4g", sigma, mean, std)
		}
		t.Logf("ProgramSigma %g: measured mean %.2g, sigma %.4g", sigma, mean, std)
	}
}

func TestNeuronSpread(t *testing.T) {
	const sigma = 0.08
	p := withParams(func(p *Params) { p.NeuronSpread = sigma })
	w, b := randWeights(rand.New(rand.NewPCG(1, 2)), 4, 20000)
	l, err := Program(w, 4, 20000, b, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	g := l.Gains()
	rel := make([]float64, len(g))
	for j, v := range g {
		rel[j] = float64(v)/l.MirrorGain() - 1
	}
	mean, std := meanStd(rel)
	if math.Abs(mean) > 4*sigma/math.Sqrt(20000) || math.Abs(std/sigma-1) > 4/math.Sqrt(40000) {
		t.Errorf("neuron gains: relative mean %.4g, sigma %.4g; want 0, %g", mean, std, sigma)
	}
}

// TestReadNoise evaluates one input many times: the currents change from
// evaluation to evaluation, their mean is the noiseless current and their
// spread is ReadSigma·sqrt(Σ V²·(G+² + G−²)), the model's prediction.
func TestReadNoise(t *testing.T) {
	const (
		sigma = 0.05
		reps  = 4000
	)
	rng := rand.New(rand.NewPCG(11, 12))
	in, out := 30, 8
	w, b := randWeights(rng, in, out)
	ideal, err := Program(w, in, out, b, DefaultParams(), rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	noisy, err := Program(w, in, out, b, withParams(func(p *Params) { p.ReadSigma = sigma }), rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	// The same input repeated reps times as one batch, and once more.
	x := randVolts(rng, 1, in, 0.2)
	volts := make([]float32, reps*in)
	for r := 0; r < reps; r++ {
		copy(volts[r*in:], x)
	}
	want := make([]float32, out)
	ideal.Currents(want, x, 1)
	cur := make([]float32, reps*out)
	noisy.Currents(cur, volts, reps)
	again := make([]float32, out)
	noisy.Currents(again, x, 1)
	gp, gn := noisy.Conductances()
	for j := 0; j < out; j++ {
		v := float64(noisy.ReadScale()) * float64(noisy.ReadScale()) * (sq(gp[in*out+j]) + sq(gn[in*out+j]))
		for i := 0; i < in; i++ {
			v += sq(x[i]) * (sq(gp[i*out+j]) + sq(gn[i*out+j]))
		}
		predicted := sigma * math.Sqrt(v)
		samples := make([]float64, reps)
		for r := range samples {
			samples[r] = float64(cur[r*out+j])
		}
		mean, std := meanStd(samples)
		if d := math.Abs(mean - float64(want[j])); d > 4*predicted/math.Sqrt(reps) {
			t.Errorf("column %d: mean current %g A, noiseless %g A: bias %g A > 4 standard errors", j, mean, want[j], d)
		}
		if math.Abs(std/predicted-1) > 4/math.Sqrt(2*reps) {
			t.Errorf("column %d: read-noise sigma %g A, predicted %g A", j, std, predicted)
		}
		if cur[j] == again[j] || cur[j] == cur[out+j] {
			t.Errorf("column %d: read noise did not change the current between evaluations", j)
		}
	}
}

func sq(v float32) float64 { return float64(v) * float64(v) }

// TestReadEnergy compares the energy with a direct double sum.
func TestReadEnergy(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	in, out, batch := 7, 5, 3
	w, b := randWeights(rng, in, out)
	l, err := Program(w, in, out, b, DefaultParams(), rng)
	if err != nil {
		t.Fatal(err)
	}
	volts := randVolts(rng, batch, in, 0.2)
	const tRead = 650e-9
	gp, gn := l.Conductances()
	want := 0.0
	for r := 0; r < batch; r++ {
		for i := 0; i <= in; i++ {
			v := l.ReadScale() // bias row
			if i < in {
				v = float64(volts[r*in+i])
			}
			for j := 0; j < out; j++ {
				want += v * v * (float64(gp[i*out+j]) + float64(gn[i*out+j])) * tRead
			}
		}
	}
	if got := l.ReadEnergy(volts, batch, tRead); math.Abs(got/want-1) > 1e-6 {
		t.Errorf("ReadEnergy = %g J, want %g J", got, want)
	}
}

// TestCurrentsNoAllocs checks that Currents allocates nothing after a
// warm-up call, with and without read noise.
func TestCurrentsNoAllocs(t *testing.T) {
	for _, sigma := range []float64{0, 0.05} {
		rng := rand.New(rand.NewPCG(15, 16))
		in, out, batch := 784, 100, 64
		w, b := randWeights(rng, in, out)
		l, err := Program(w, in, out, b, withParams(func(p *Params) { p.ReadSigma = sigma }), rng)
		if err != nil {
			t.Fatal(err)
		}
		volts := randVolts(rng, batch, in, 0.2)
		cur := make([]float32, batch*out)
		l.Currents(cur, volts, batch)
		if a := testing.AllocsPerRun(20, func() { l.Currents(cur, volts, batch) }); a != 0 {
			t.Errorf("ReadSigma %g: %v allocations per Currents call", sigma, a)
		}
		if a := testing.AllocsPerRun(20, func() { l.NeuronInputs(cur, volts, batch/2) }); a != 0 {
			t.Errorf("ReadSigma %g: %v allocations per NeuronInputs call", sigma, a)
		}
	}
}

func TestCurrentsPanicsOnShortSlices(t *testing.T) {
	l, err := Program(make([]float32, 6), 2, 3, nil, DefaultParams(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Error("short dst accepted")
		}
	}()
	l.Currents(make([]float32, 5), make([]float32, 4), 2)
}

// TestSeedStreams checks reproducibility and that each non-ideality has its
// own random stream: turning programming noise on does not change the
// neuron spread or the read noise.
func TestSeedStreams(t *testing.T) {
	w, b := randWeights(rand.New(rand.NewPCG(1, 1)), 20, 10)
	volts := randVolts(rand.New(rand.NewPCG(2, 2)), 4, 20, 0.2)
	run := func(p Params) (gains, cur []float32) {
		l, err := Program(w, 20, 10, b, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		cur = make([]float32, 40)
		l.Currents(cur, volts, 4)
		return l.Gains(), cur
	}
	base := withParams(func(p *Params) { p.ReadSigma, p.NeuronSpread = 0.05, 0.05 })
	g1, c1 := run(base)
	g2, c2 := run(base)
	if !equal(g1, g2) || !equal(c1, c2) {
		t.Error("same seed, different results")
	}
	other := base
	other.Seed = 2
	g3, c3 := run(other)
	if equal(g1, g3) || equal(c1, c3) {
		t.Error("different seeds, same results")
	}
	// Programming noise on: the gains are unchanged.
	withProg := base
	withProg.ProgramSigma = 0.05
	g4, _ := run(withProg)
	if !equal(g1, g4) {
		t.Error("programming noise changed the neuron spread")
	}
}

func equal(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
