package neuron

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestEvaluatorMatchesSolver: between the knots (10 nA apart) the
// evaluator agrees with fresh DC solutions to 0.1 % of VDD wherever the
// envelope is the raw curve, and with the envelope's flat value elsewhere.
func TestEvaluatorMatchesSolver(t *testing.T) {
	n, c := defaultCurve(t)
	e, err := NewEvaluator(c)
	if err != nil {
		t.Fatal(err)
	}
	env := c.Envelope()
	var mids []float64
	for k := 0; k+1 < len(c.I); k++ {
		for _, f := range []float64{0.25, 0.5, 0.75} {
			mids = append(mids, c.I[k]+f*(c.I[k+1]-c.I[k]))
		}
	}
	sol, err := Transfer(n, mids)
	if err != nil {
		t.Fatal(err)
	}
	tol := 1e-3 * c.VDD
	worst, at := 0.0, 0.0
	in32 := make([]float32, len(mids))
	for k, x := range mids {
		in32[k] = float32(x)
	}
	out32 := make([]float32, len(mids))
	e.Eval(out32, in32)
	for j, x := range mids {
		k := j / 3
		got := e.At(x)
		want := sol.Vout[j]
		if env[k] != c.Vout[k] || env[k+1] != c.Vout[k+1] {
			// Flattened part of the envelope: the evaluator holds the
			// running maximum.
			want = math.Max(env[k], math.Min(sol.Vout[j], env[k+1]))
		}
		if d := math.Abs(got - want); d > worst {
			worst, at = d, x
		}
		if d := math.Abs(float64(out32[j]) - got); d > 1e-5 {
			t.Errorf("float32 Eval(%g) = %g, float64 At = %g", x, out32[j], got)
		}
	}
	if worst > tol {
		t.Errorf("max |evaluator − solver| = %.3g V at %g A, limit %.3g V (0.1 %% VDD)", worst, at, tol)
	}
	t.Logf("%d knots, %d test points: max |evaluator − solver| = %.3g V (%.4f %% of VDD) at %g A", e.Knots(), len(mids), worst, 100*worst/c.VDD, at)
	// Flat extrapolation beyond the ends.
	lo, hi := e.Range()
	if e.At(lo-1e-6) != env[0] || e.At(hi+1e-3) != env[len(env)-1] || e.DerivAt(lo-1e-6) != 0 || e.DerivAt(hi+1) != 0 {
		t.Errorf("extrapolation not flat: %g %g", e.At(lo-1e-6), e.At(hi+1e-3))
	}
	if e.At(math.NaN()) != env[0] {
		t.Error("NaN input should give the off level")
	}
}

// TestEvaluatorDerivative: Deriv and DerivAt agree with central
// differences of the interpolant, and float32 with float64.
func TestEvaluatorDerivative(t *testing.T) {
	_, c := defaultCurve(t)
	e, err := NewEvaluator(c)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	lo, hi := e.Range()
	h := 1e-4 * (hi - lo) / float64(e.Knots()-1) // well inside one segment
	xs := make([]float32, 2000)
	for k := range xs {
		xs[k] = float32(lo + (hi-lo)*rng.Float64())
	}
	d32 := make([]float32, len(xs))
	e.Deriv(d32, xs)
	maxSlope := 0.0
	for k, x32 := range xs {
		x := float64(x32)
		fd := (e.At(x+h) - e.At(x-h)) / (2 * h)
		an := e.DerivAt(x)
		maxSlope = math.Max(maxSlope, math.Abs(an))
		if math.Abs(an-fd) > 1e-4*math.Abs(fd)+1e-3*0.31e6 {
			t.Errorf("x = %g: DerivAt %g, finite difference %g", x, an, fd)
		}
		if an < 0 {
			t.Errorf("negative derivative %g at %g", an, x)
		}
		if math.Abs(float64(d32[k])-an) > 1e-4*math.Abs(an)+1 {
			t.Errorf("x = %g: float32 Deriv %g, float64 %g", x, d32[k], an)
		}
	}
	t.Logf("largest slope %.3g V/A", maxSlope)
}

func TestEvaluatorMonotoneBounded(t *testing.T) {
	_, c := defaultCurve(t)
	e, _ := NewEvaluator(c)
	in := make([]float32, 100001)
	for k := range in {
		in[k] = float32(-5e-6 + 20e-6*float64(k)/float64(len(in)-1))
	}
	out := make([]float32, len(in))
	e.Eval(out, in)
	for k := range out {
		if out[k] < 0 || out[k] > float32(c.VDD) || (k > 0 && out[k] < out[k-1]) {
			t.Fatalf("at %g A: %g after %g", in[k], out[k], out[max(k-1, 0)])
		}
	}
}

func TestEvaluatorRejectsBadKnots(t *testing.T) {
	for _, tc := range []struct {
		name string
		x, y []float64
	}{
		{"one knot", []float64{0}, []float64{0}},
		{"uneven", []float64{0, 1, 3}, []float64{0, 1, 1.5}},
		{"decreasing x", []float64{1, 0}, []float64{0, 1}},
		{"decreasing y", []float64{0, 1, 2}, []float64{0, 1, 0.5}},
		{"above vdd", []float64{0, 1}, []float64{0, 3}},
		{"length", []float64{0, 1}, []float64{0}},
	} {
		if _, err := NewEvaluatorFromPoints(tc.x, tc.y, 2); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	// A straight line is reproduced exactly, with its slope.
	e, err := NewEvaluatorFromPoints([]float64{0, 1, 2, 3}, []float64{0, 0.5, 1, 1.5}, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []float64{0.1, 1.7, 2.9} {
		if math.Abs(e.At(x)-x/2) > 1e-12 || math.Abs(e.DerivAt(x)-0.5) > 1e-12 {
			t.Errorf("line at %g: %g, slope %g", x, e.At(x), e.DerivAt(x))
		}
	}
}

// TestEvaluatorScaled: network units I = z·DefaultIUnit give a ReLU of
// slope ≈ 1 bounded near VDD = 2.
func TestEvaluatorScaled(t *testing.T) {
	_, c := defaultCurve(t)
	e, _ := NewEvaluator(c)
	s := e.Scaled(DefaultIUnit)
	if s.Unit() != DefaultIUnit {
		t.Errorf("unit %g", s.Unit())
	}
	for _, z := range []float64{-0.5, 0, 0.3, 1, 1.5, 1.9, 3} {
		if a, b := s.At(z), e.At(z*DefaultIUnit); math.Abs(a-b) > 1e-12 {
			t.Errorf("z = %g: scaled %g, amperes %g", z, a, b)
		}
	}
	slope := (s.At(1.5) - s.At(0.5)) / 1.0
	if slope < 0.95 || slope > 1.1 {
		t.Errorf("slope in network units = %g, want ≈ 1", slope)
	}
	if d := s.DerivAt(1); math.Abs(d-e.DerivAt(DefaultIUnit)*DefaultIUnit) > 1e-9 {
		t.Errorf("scaled derivative %g", d)
	}
	t.Logf("network units: f(0) = %.3f, f(1) = %.3f, slope(0.5..1.5) = %.3f, f(3) = %.3f", s.At(0), s.At(1), slope, s.At(3))
}

// TestVariationStatistics: the varied output has the requested relative
// standard deviation and mean, is reproducible for a seed and stays in
// [0, VDD].
func TestVariationStatistics(t *testing.T) {
	_, c := defaultCurve(t)
	e, _ := NewEvaluator(c)
	const sigma = 0.099
	const n = 200000
	in := make([]float32, n)
	for k := range in {
		in[k] = 0.7e-6 // Vout ≈ 0.85 V: no clipping at 0.099
	}
	base := float32(e.At(0.7e-6))
	out := make([]float32, n)
	v := e.WithVariation(sigma, 42)
	v.Eval(out, in)
	var s, ss float64
	for _, y := range out {
		r := float64(y/base) - 1
		s += r
		ss += r * r
	}
	mean := s / n
	sd := math.Sqrt(ss/n - mean*mean)
	// 5 standard errors.
	if math.Abs(mean) > 5*sigma/math.Sqrt(n) || math.Abs(sd-sigma) > 5*sigma/math.Sqrt(2*n) {
		t.Errorf("relative mean %.5f, sd %.5f, want 0 and %.3f", mean, sd, sigma)
	}
	t.Logf("σ = %.3f requested: relative mean %+.5f, sd %.5f over %d draws", sigma, mean, sd, n)
	// Same seed, same draws.
	out2 := make([]float32, n)
	e.WithVariation(sigma, 42).Eval(out2, in)
	for k := range out {
		if out[k] != out2[k] {
			t.Fatal("not reproducible for a fixed seed")
		}
	}
	// Large variation: clipped to [0, VDD]; EvalDeriv zero where clipped.
	big := e.WithVariation(1.0, 3)
	for k := range in {
		in[k] = float32(-2e-6 + 12e-6*float64(k%1000)/1000)
	}
	d := make([]float32, n)
	big.EvalDeriv(out, d, in)
	clipped := 0
	for k, y := range out {
		if y < 0 || y > float32(c.VDD) {
			t.Fatalf("output %g outside [0, VDD]", y)
		}
		if y == 0 || y == float32(c.VDD) {
			clipped++
			if d[k] != 0 {
				t.Fatalf("derivative %g at a clipped output", d[k])
			}
		}
	}
	if clipped == 0 {
		t.Error("σ = 1 never clipped")
	}
	// EvalDeriv uses one draw for both: output/f = deriv/f'.
	ve := e.WithVariation(0.1, 5)
	x := []float32{2e-6, 3e-6, 4e-6}
	y, dy := make([]float32, 3), make([]float32, 3)
	ve.EvalDeriv(y, dy, x)
	for k := range x {
		f, fp := e.At(float64(x[k])), e.DerivAt(float64(x[k]))
		if r1, r2 := float64(y[k])/f, float64(dy[k])/fp; math.Abs(r1-r2) > 1e-4 {
			t.Errorf("factor of output %g ≠ factor of derivative %g", r1, r2)
		}
	}
}

func TestEvaluatorDoesNotAllocate(t *testing.T) {
	_, c := defaultCurve(t)
	e, _ := NewEvaluator(c)
	v := e.WithVariation(0.099, 1)
	in := make([]float32, 512)
	for k := range in {
		in[k] = float32(k) * 2e-8
	}
	out, d := make([]float32, 512), make([]float32, 512)
	if a := testing.AllocsPerRun(50, func() {
		e.Eval(out, in)
		e.Deriv(d, in)
		v.Eval(out, in)
		v.EvalDeriv(out, d, in)
	}); a != 0 {
		t.Errorf("%g allocations per call", a)
	}
}
