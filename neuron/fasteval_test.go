package neuron

import (
	"math"
	"math/rand/v2"
	"testing"
)

// reluEvaluator is a ReLU-like evaluator (0.03 V off level, slope 0.3 V/µA,
// saturating at 2 V) on 41 knots from -1 µA to 9 µA.
func reluEvaluator(t testing.TB) (*Evaluator, []float64) {
	t.Helper()
	x := make([]float64, 41)
	y := make([]float64, 41)
	for i := range x {
		x[i] = -1e-6 + float64(i)*0.25e-6
		y[i] = math.Min(2, math.Max(0.03, 0.3e6*x[i]))
	}
	e, err := NewEvaluatorFromPoints(x, y, 2)
	if err != nil {
		t.Fatal(err)
	}
	return e, x
}

// defaultEvaluator is the evaluator of the default circuit on 400 knots
// from -2 µA to 10 µA (the benchmark's).
func defaultEvaluator(t testing.TB) *Evaluator {
	t.Helper()
	c, err := Transfer(Default(), Linspace(-2e-6, 10e-6, 400))
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEvaluator(c)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestEvalDerivMatchesEvalAndDeriv compares the fused branch-free pass
// with the separate ones over the whole input range and beyond.
func TestEvalDerivMatchesEvalAndDeriv(t *testing.T) {
	e, x := reluEvaluator(t)
	rng := rand.New(rand.NewPCG(1, 1))
	in := make([]float32, 5000)
	for i := range in {
		in[i] = float32(-3e-6 + 16e-6*rng.Float64())
	}
	in[0], in[1], in[2] = float32(x[0]), float32(x[len(x)-1]), float32(math.NaN())
	v1, d1 := make([]float32, len(in)), make([]float32, len(in))
	v2, d2 := make([]float32, len(in)), make([]float32, len(in))
	e.Eval(v1, in)
	e.Deriv(d1, in)
	e.EvalDeriv(v2, d2, in)
	for i := range in {
		if i == 2 { // NaN in, NaN out
			if v2[i] == v2[i] || d2[i] == d2[i] {
				t.Errorf("NaN input gave %g, %g", v2[i], d2[i])
			}
			continue
		}
		if math.Abs(float64(v1[i]-v2[i])) > 1e-5 || math.Abs(float64(d1[i]-d2[i])) > 1e-5*math.Abs(float64(d1[i]))+1 {
			t.Fatalf("input %g: Eval/Deriv %g/%g, EvalDeriv %g/%g", in[i], v1[i], d1[i], v2[i], d2[i])
		}
	}
}

// evalDerivInputs returns n inputs for e, mixing uniform values over and
// beyond the knot range, values exactly on (and one ulp either side of)
// knots, and special values.
func evalDerivInputs(e *Evaluator, rng *rand.Rand, n int) []float32 {
	lo, hi := e.Range()
	w := hi - lo
	nan := float32(math.NaN())
	negNaN := math.Float32frombits(math.Float32bits(nan) | 1<<31)
	special := []float32{
		0, float32(math.Copysign(0, -1)), nan, negNaN,
		float32(math.Inf(1)), float32(math.Inf(-1)), math.MaxFloat32, -math.MaxFloat32,
		math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32, 1e30, -1e30,
		float32(lo), float32(hi), e.x0,
	}
	in := make([]float32, n)
	for i := range in {
		switch r := rng.IntN(16); {
		case r < 9: // inside
			in[i] = float32(lo + w*rng.Float64())
		case r < 10: // below the first knot
			in[i] = float32(lo - w*rng.Float64())
		case r < 11: // above the last knot
			in[i] = float32(hi + w*rng.Float64())
		case r < 14: // on a knot, or next to one
			k := rng.IntN(e.Knots())
			v := float32(lo + float64(k)*(w/float64(e.nseg)))
			switch rng.IntN(3) {
			case 1:
				v = math.Nextafter32(v, float32(math.Inf(1)))
			case 2:
				v = math.Nextafter32(v, float32(math.Inf(-1)))
			}
			in[i] = v
		default:
			in[i] = special[rng.IntN(len(special))]
		}
	}
	return in
}

// sameFloat32 reports whether a and b are the same value: bit for bit, or
// both NaN.
func sameFloat32(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || a != a && b != b
}

// TestEvalDerivKernelMatchesGo: the EvalDeriv in use (the AVX-512 kernel
// where the CPU has it) gives bit for bit the pure-Go loop's results, for
// every length 0-100, 1000, 4099 and 65573 (all tails, several calls), at offsets that misalign the
// slices, without writing past the end, for a ReLU-like evaluator, the
// default circuit's, and that one in network units (Scaled).
func TestEvalDerivKernelMatchesGo(t *testing.T) {
	t.Logf("EvalDeriv kernel: %s", evalDerivAsmName)
	relu, _ := reluEvaluator(t)
	def := defaultEvaluator(t)
	evs := []struct {
		name string
		e    *Evaluator
	}{{"relu", relu}, {"default", def}, {"scaled", def.Scaled(DefaultIUnit)}}
	const guard = 17
	sentinel := float32(-12345)
	rng := rand.New(rand.NewPCG(7, 11))
	var lengths []int
	for n := 0; n <= 100; n++ {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, 1000, 4099, 1<<16+37) // the last: more than one kernel call
	for _, ev := range evs {
		e := ev.e
		if evalDerivAsmName != "go" && !e.evalDerivAsm(make([]float32, 1), make([]float32, 1), make([]float32, 1)) {
			t.Fatalf("%s: the %s kernel was not used", ev.name, evalDerivAsmName)
		}
		for _, n := range lengths {
			off := rng.IntN(4)
			in := evalDerivInputs(e, rng, n+off+guard)[off : off+n]
			want, wantD := make([]float32, n), make([]float32, n)
			e.evalDerivGo(want, wantD, in)
			bufV, bufD := make([]float32, off+n+guard), make([]float32, off+n+guard)
			for i := range bufV {
				bufV[i], bufD[i] = sentinel, sentinel
			}
			got, gotD := bufV[off:off+n], bufD[off:off+n]
			e.EvalDeriv(got, gotD, in)
			for i := range in {
				if !sameFloat32(got[i], want[i]) || !sameFloat32(gotD[i], wantD[i]) {
					t.Fatalf("%s, n = %d, input %d = %g (%#08x): value %g (Go %g), derivative %g (Go %g)",
						ev.name, n, i, in[i], math.Float32bits(in[i]), got[i], want[i], gotD[i], wantD[i])
				}
			}
			for i := range bufV {
				if (i < off || i >= off+n) && (bufV[i] != sentinel || bufD[i] != sentinel) {
					t.Fatalf("%s, n = %d: wrote element %d outside [%d, %d)", ev.name, n, i, off, off+n)
				}
			}
		}
	}
}

// TestEvalDerivSpecialValues pins the behaviour at the edges, for the
// kernel in use: the off level and 0 below the first knot, the last knot's
// value and 0 at and above it, the first knot's value and slope at it, NaN
// out for a NaN in.
func TestEvalDerivSpecialValues(t *testing.T) {
	e, x := reluEvaluator(t)
	nan := float32(math.NaN())
	in := []float32{float32(math.Inf(-1)), -1, float32(x[0]), float32(x[len(x)-1]), 1, float32(math.Inf(1)), nan}
	v, d := make([]float32, len(in)), make([]float32, len(in))
	e.EvalDeriv(v, d, in)
	want := []float32{0.03, 0.03, 0.03, 2, 2, 2}
	for i, w := range want {
		if math.Abs(float64(v[i]-w)) > 1e-6 {
			t.Errorf("EvalDeriv(%g) = %g, want %g", in[i], v[i], w)
		}
	}
	for _, i := range []int{0, 1, 3, 4, 5} {
		if d[i] != 0 {
			t.Errorf("derivative at %g = %g, want 0", in[i], d[i])
		}
	}
	if !(v[6] != v[6] && d[6] != d[6]) {
		t.Errorf("NaN input gave %g, %g", v[6], d[6])
	}
}

// TestEvalDerivDoesNotAllocate covers both the kernel and the tail.
func TestEvalDerivDoesNotAllocate(t *testing.T) {
	e, _ := reluEvaluator(t)
	in := make([]float32, 37)
	v, d := make([]float32, len(in)), make([]float32, len(in))
	if a := testing.AllocsPerRun(50, func() { e.EvalDeriv(v, d, in) }); a != 0 {
		t.Errorf("%g allocations per call", a)
	}
}

// BenchmarkEvaluatorEvalDeriv: value and derivative for a batch of 4096
// normally distributed currents (σ = 3 µA, about a third of them below the
// first knot) with the default circuit's evaluator; "asm" is EvalDeriv (the
// AVX-512 kernel where available, else skipped), "go" the pure-Go loop.
func BenchmarkEvaluatorEvalDeriv(b *testing.B) {
	ev := defaultEvaluator(b)
	rng := rand.New(rand.NewPCG(1, 1))
	in := make([]float32, 4096)
	for i := range in {
		in[i] = float32(3e-6 * rng.NormFloat64())
	}
	v, d := make([]float32, len(in)), make([]float32, len(in))
	run := func(name string, f func(dst, deriv, in []float32)) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				f(v, d, in)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(in)), "ns/element")
		})
	}
	if evalDerivAsmName != "go" {
		run("asm", ev.EvalDeriv)
	}
	run("go", ev.evalDerivGo)
}
