package circuit

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// kitchenSink holds one element of every kind.
func kitchenSink() *Circuit {
	c := New()
	fet := squareFET{K: 1e-4, Vt: 0.5, Lambda: 0.02}
	c.AddVoltageSource("vdd", "vdd", "0", Pulse{V1: 0, V2: 2, Delay: 1e-6, Rise: 1e-7, Fall: 1e-7, Width: 1e-6})
	c.AddCurrentSource("iin", "0", "g", DC(5e-6))
	c.AddFET("m1", "g", "g", "0", fet)
	c.AddFET("m2", "out", "g", "s2", fet)
	c.AddResistor("rs", "s2", "0", 1e3)
	c.AddStateful("mem", "vdd", "out", defaultToyMem())
	c.AddCapacitor("cout", "out", "0", 1e-12)
	c.AddResistor("rd", "vdd", "k", 1e4)
	c.AddStateful("d1", "k", "0", diode{Is: 1e-14, NVt: 0.02585})
	c.AddVoltageSource("vf", "f", "out", DC(0.1)) // floating source
	c.AddResistor("rf", "f", "0", 1e5)
	c.AddCapacitor("cf", "f", "g", 1e-12)
	return c
}

// TestJacobianMatchesFiniteDifferences checks every stamp's analytic
// Jacobian against central differences of the residual at random points,
// in DC, transient and held-state loads.
func TestJacobianMatchesFiniteDifferences(t *testing.T) {
	circuits := []struct {
		name  string
		build func() *Circuit
	}{
		{"kitchen sink", kitchenSink},
		{"neuron", neuronCircuit},
		{"mirror", mirrorCircuit},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, cc := range circuits {
		c := cc.build()
		s, err := c.compile()
		if err != nil {
			t.Fatal(err)
		}
		for trial := 0; trial < 40; trial++ {
			mode := []string{"dc", "tran", "hold"}[trial%3]
			t.Run(fmt.Sprintf("%s/%s/%d", cc.name, mode, trial), func(t *testing.T) {
				ctx := &loadCtx{mode: modeDC, srcScale: rng.Float64(), gmin: 1e-12 + 1e-6*rng.Float64(), t: 2e-6 * rng.Float64()}
				ctx.hist = make([]float64, len(s.dyn))
				for i := range s.holdX {
					s.holdX[i] = math.NaN()
				}
				switch mode {
				case "tran":
					ctx.mode = modeTran
					ctx.a0 = math.Pow(10, 3+6*rng.Float64())
					for k := range ctx.hist {
						ctx.hist[k] = rng.NormFloat64() * 1e-3
					}
				case "hold":
					ctx.hold = true
					for i := range s.holdX {
						if s.lay.kinds[i] == ukState && rng.IntN(2) == 0 {
							s.holdX[i] = s.lo[i] + (s.hi[i]-s.lo[i])*rng.Float64()
						}
					}
				}
				defer func() {
					for i := range s.holdX {
						s.holdX[i] = math.NaN()
					}
				}()
				for i := 0; i < s.n; i++ {
					switch s.lay.kinds[i] {
					case ukNode:
						s.x[i] = -1 + 2.5*rng.Float64()
					case ukBranch:
						s.x[i] = 1e-4 * rng.NormFloat64()
					default:
						s.x[i] = s.lo[i] + (s.hi[i]-s.lo[i])*rng.Float64()
					}
				}
				checkJacobian(t, s, ctx)
			})
		}
	}
}

func checkJacobian(t *testing.T, s *solver, ctx *loadCtx) {
	t.Helper()
	n, st := s.n, s.st
	s.load(ctx)
	ja := append([]float64(nil), s.J...)
	fp := make([]float64, n)
	fm := make([]float64, n)
	jfd := make([]float64, n*n)
	for j := 0; j < n; j++ {
		x0 := s.x[j]
		h := 1e-7 * math.Max(1, math.Abs(x0))
		if s.lay.kinds[j] == ukBranch {
			h = 1e-9
		}
		s.x[j] = x0 + h
		s.load(ctx)
		copy(fp, s.F[:n])
		s.x[j] = x0 - h
		s.load(ctx)
		copy(fm, s.F[:n])
		s.x[j] = x0
		for i := 0; i < n; i++ {
			jfd[i*n+j] = (fp[i] - fm[i]) / (2 * h)
		}
	}
	for i := 0; i < n; i++ {
		rowMax := 0.0
		for j := 0; j < n; j++ {
			rowMax = math.Max(rowMax, math.Abs(ja[i*st+j]))
		}
		for j := 0; j < n; j++ {
			a, f := ja[i*st+j], jfd[i*n+j]
			if math.Abs(a-f) > 1e-6*rowMax+1e-5*math.Abs(a) {
				t.Errorf("∂F[%s]/∂%s: analytic %.10g, finite difference %.10g (row max %.3g)",
					s.lay.names[i], s.lay.names[j], a, f, rowMax)
			}
		}
	}
}

// The test models' own derivatives, including the source/drain swap and
// the kinks of the square law.
func TestModelDerivatives(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	fet := squareFET{K: 1e-4, Vt: 0.5, Lambda: 0.02}
	mem := defaultToyMem()
	const h = 1e-7
	for k := 0; k < 2000; k++ {
		vgs, vds := -1+4*rng.Float64(), -3+6*rng.Float64()
		id, gm, gds := fet.Ids(vgs, vds)
		ip, _, _ := fet.Ids(vgs+h, vds)
		im, _, _ := fet.Ids(vgs-h, vds)
		jp, _, _ := fet.Ids(vgs, vds+h)
		jm, _, _ := fet.Ids(vgs, vds-h)
		if math.Abs((ip-im)/(2*h)-gm) > 1e-6*1e-4+1e-6*math.Abs(gm) || math.Abs((jp-jm)/(2*h)-gds) > 1e-6*1e-4+1e-6*math.Abs(gds) {
			t.Fatalf("FET at (%g, %g): id %g gm %g (fd %g) gds %g (fd %g)", vgs, vds, id, gm, (ip-im)/(2*h), gds, (jp-jm)/(2*h))
		}
		v, x := -2+4*rng.Float64(), rng.Float64()
		_, dfdv, dfdx := mem.StateRate(v, x)
		fp, _, _ := mem.StateRate(v+h, x)
		fm, _, _ := mem.StateRate(v-h, x)
		gp, _, _ := mem.StateRate(v, x+h)
		gm2, _, _ := mem.StateRate(v, x-h)
		if math.Abs((fp-fm)/(2*h)-dfdv) > 1e-5*(1e6+math.Abs(dfdv)) || math.Abs((gp-gm2)/(2*h)-dfdx) > 1e-5*(1e6+math.Abs(dfdx)) {
			t.Fatalf("toy memristor at (%g, %g): dfdv %g (fd %g) dfdx %g (fd %g)", v, x, dfdv, (fp-fm)/(2*h), dfdx, (gp-gm2)/(2*h))
		}
	}
}
