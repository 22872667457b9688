package neuron

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// multiCurves returns n ReLU-like curves on one grid of knots knots from
// -2 to 10 (input units), each with its own off level, gain and bound.
func multiCurves(t testing.TB, n, knots int, rng *rand.Rand) []*Evaluator {
	t.Helper()
	x := make([]float64, knots)
	for i := range x {
		x[i] = -2 + 12*float64(i)/float64(knots-1)
	}
	var out []*Evaluator
	for range n {
		off, gain, top := 0.05*rng.Float64(), 0.5+rng.Float64(), 1.6+0.4*rng.Float64()
		y := make([]float64, knots)
		for i, v := range x {
			y[i] = math.Min(top, off+gain*math.Max(v, 0)+0.01*math.Max(v+1, 0)*math.Max(v+1, 0))
		}
		e, err := NewEvaluatorFromPoints(x, y, 2)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e.Scaled(0.75))
	}
	return out
}

// TestMultiEvaluatorMatchesCurves: each input of a row-major batch gets,
// bit for bit, its column's curve's EvalDeriv (and, varied, that times
// the factor, clipped), from the kernel in use and the Go loop alike, for
// widths 1-40, 100 and 129, whole and partial last rows, without writing
// outside the outputs.
func TestMultiEvaluatorMatchesCurves(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	curves := multiCurves(t, 7, 97, rng)
	m, err := NewMultiEvaluator(curves)
	if err != nil {
		t.Fatal(err)
	}
	if m.Curves() != 7 || m.Unit() != 0.75 {
		t.Fatalf("Curves %d, Unit %g", m.Curves(), m.Unit())
	}
	const guard = 19
	sentinel := float32(-12345)
	var widths []int
	for w := 1; w <= 40; w++ {
		widths = append(widths, w)
	}
	widths = append(widths, 100, 129)
	hi := float32(1.9)
	for _, w := range widths {
		cols := make([]int32, w)
		for j := range cols {
			cols[j] = int32(rng.IntN(len(curves)))
		}
		for _, n := range []int{0, 1, w, 3*w + w/2, 17 * w} {
			in := evalDerivInputs(curves[0], rng, n)
			fac := make([]float32, n)
			for i := range fac {
				fac[i] = float32(max(1+0.3*rng.NormFloat64(), 0))
			}
			wantV, wantD := make([]float32, n), make([]float32, n)
			one, oneD := make([]float32, 1), make([]float32, 1)
			for i, x := range in {
				curves[cols[i%w]].EvalDeriv(one, oneD, []float32{x})
				wantV[i], wantD[i] = one[0], oneD[0]
			}
			for _, varied := range []bool{false, true} {
				for _, goLoop := range []bool{false, true} {
					bufV, bufD := make([]float32, n+2*guard), make([]float32, n+2*guard)
					for i := range bufV {
						bufV[i], bufD[i] = sentinel, sentinel
					}
					v, d := bufV[guard:guard+n], bufD[guard:guard+n]
					switch {
					case goLoop && varied:
						m.rowsGo(v, d, in, fac, cols, hi)
					case goLoop:
						m.rowsGo(v, d, in, nil, cols, hi)
					case varied:
						m.EvalDerivRowsVaried(v, d, in, fac, cols, hi)
					default:
						m.EvalDerivRows(v, d, in, cols)
					}
					if goLoop {
						n = n / w * w // rowsGo: whole rows only
					}
					for i := range n {
						ev, ed := wantV[i], wantD[i]
						if varied {
							ev, ed = ev*fac[i], ed*fac[i]
							if ev > hi {
								ev, ed = hi, 0
							}
						}
						if !sameFloat32(v[i], ev) || !sameFloat32(d[i], ed) {
							t.Fatalf("width %d, n %d, varied %v, Go %v: input %d = %g (curve %d): %g, %g; want %g, %g",
								w, len(in), varied, goLoop, i, in[i], cols[i%w], v[i], d[i], ev, ed)
						}
					}
					for i := range bufV {
						if (i < guard || i >= guard+len(in)) && (bufV[i] != sentinel || bufD[i] != sentinel) {
							t.Fatalf("width %d, n %d: wrote element %d outside the outputs", w, len(in), i-guard)
						}
					}
					n = len(in)
				}
			}
		}
	}
}

// TestMultiEvaluatorErrors: curves on different grids, no curves, and
// misuse of the rows (panics).
func TestMultiEvaluatorErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	a := multiCurves(t, 2, 41, rng)
	b := multiCurves(t, 1, 42, rng)
	if _, err := NewMultiEvaluator(append(a, b...)); !errors.Is(err, ErrNotSameGrid) {
		t.Errorf("different knots: %v, want ErrNotSameGrid", err)
	}
	if _, err := NewMultiEvaluator([]*Evaluator{a[0], a[1].Scaled(2)}); !errors.Is(err, ErrNotSameGrid) {
		t.Errorf("different units: %v, want ErrNotSameGrid", err)
	}
	if _, err := NewMultiEvaluator(nil); err == nil {
		t.Error("no curves: no error")
	}
	m, err := NewMultiEvaluator(a)
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float32, 4)
	for name, f := range map[string]func(){
		"curve out of range": func() { m.EvalDerivRows(v, v, v, []int32{0, 2}) },
		"negative curve":     func() { m.EvalDerivRows(v, v, v, []int32{-1}) },
		"lengths":            func() { m.EvalDerivRows(v[:3], v, v, []int32{0}) },
		"factors":            func() { m.EvalDerivRowsVaried(v, v, v, v[:2], []int32{0}, 2) },
		"no columns":         func() { m.EvalDerivRows(v, v, v, nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// TestMultiEvaluatorDoesNotAllocate covers the kernel and the short row.
func TestMultiEvaluatorDoesNotAllocate(t *testing.T) {
	m, err := NewMultiEvaluator(multiCurves(t, 3, 41, rand.New(rand.NewPCG(1, 3))))
	if err != nil {
		t.Fatal(err)
	}
	in := make([]float32, 10*37+5)
	v, d, f := make([]float32, len(in)), make([]float32, len(in)), make([]float32, len(in))
	cols := make([]int32, 37)
	if a := testing.AllocsPerRun(50, func() { m.EvalDerivRowsVaried(v, d, in, f, cols, 2) }); a != 0 {
		t.Errorf("%g allocations per call", a)
	}
}

// BenchmarkMultiEvaluatorRows: a 64 x 100 block of a hidden layer
// (normally distributed inputs, a third below 0), 64 curves of 961 knots
// assigned at random to the 100 columns, with temporal factors; "asm" is
// EvalDerivRowsVaried (the AVX-512 kernel where available, else skipped),
// "go" the pure-Go loop.
func BenchmarkMultiEvaluatorRows(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	m, err := NewMultiEvaluator(multiCurves(b, 64, 961, rng))
	if err != nil {
		b.Fatal(err)
	}
	in := make([]float32, 64*100)
	fac := make([]float32, len(in))
	for i := range in {
		in[i] = float32(1.5 * rng.NormFloat64())
		fac[i] = float32(1 + 0.099*rng.NormFloat64())
	}
	cols := make([]int32, 100)
	for j := range cols {
		cols[j] = int32(rng.IntN(64))
	}
	v, d := make([]float32, len(in)), make([]float32, len(in))
	run := func(name string, f func()) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				f()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(in)), "ns/element")
		})
	}
	if evalDerivAsmName != "go" {
		run("asm", func() { m.EvalDerivRowsVaried(v, d, in, fac, cols, 2) })
	}
	run("go", func() { m.rowsGo(v, d, in, fac, cols, 2) })
}
