package circuit

import (
	"math"
	"testing"
)

func linspace(a, b float64, n int) []float64 {
	v := make([]float64, n)
	for k := range v {
		v[k] = a + (b-a)*float64(k)/float64(n-1)
	}
	return v
}

// mustSweep is c.DCSweep, failing the test on an error.
func mustSweep(t *testing.T, c *Circuit, source string, values []float64) *SweepResult {
	t.Helper()
	r, err := c.DCSweep(source, values)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCurrentMirror(t *testing.T) {
	c := mirrorCircuit()
	in := linspace(0, 20e-6, 41)
	r := mustSweep(t, c, "iin", in)
	out, _ := r.Voltage("out")
	g, _ := r.Voltage("g")
	i1, _ := r.Current("m1")
	i2, _ := r.Current("m2")
	irl, _ := r.Current("rl")
	fet := squareFET{K: 1e-4, Vt: 0.5, Lambda: 0.02}
	for k, iin := range in {
		// KCL: the input current flows through M1, less the gmin leak.
		const gmin = 1e-12
		if math.Abs(i1[k]-(iin-gmin*g[k])) > 1e-18+1e-9*iin {
			t.Errorf("I=%g: I(m1) = %g", iin, i1[k])
		}
		// The load current flows through M2.
		if math.Abs(irl[k]-i2[k]-gmin*out[k]) > 1e-18+1e-9*i2[k] {
			t.Errorf("I=%g: I(rl) = %g, I(m2) = %g", iin, irl[k], i2[k])
		}
		// Vout = VDD − RL·I2.
		if math.Abs(out[k]-(2-50e3*i2[k])) > 1e-6 {
			t.Errorf("I=%g: Vout = %g, 2 − RL·I2 = %g", iin, out[k], 2-50e3*i2[k])
		}
		// Both in saturation: the copy ratio is the CLM factor.
		if iin > 1e-6 && out[k] > g[k]-fet.Vt {
			want := (iin - gmin*g[k]) * (1 + fet.Lambda*out[k]) / (1 + fet.Lambda*g[k])
			if math.Abs(i2[k]-want) > 1e-9*want {
				t.Errorf("I=%g: I(m2) = %g, want %g", iin, i2[k], want)
			}
		}
	}
	if out[len(out)-1] > 1.1 || out[0] < 1.999 {
		t.Errorf("output swing %g..%g", out[0], out[len(out)-1])
	}
}

func TestDiodeResistor(t *testing.T) {
	// A stiff exponential: Newton must be damped from the zero start.
	for _, vs := range []float64{0.3, 1, 5, 50} {
		c := New()
		d := diode{Is: 1e-14, NVt: 0.02585}
		c.AddVoltageSource("v1", "a", "0", DC(vs))
		c.AddResistor("r1", "a", "k", 1e3)
		c.AddStateful("d1", "k", "0", d)
		sol, err := c.OperatingPoint()
		if err != nil {
			t.Fatalf("Vs=%g: %v", vs, err)
		}
		vk, _ := sol.Voltage("k")
		id, _ := sol.Current("d1")
		ir := (vs-vk)/1e3 - 1e-12*vk // less the gmin leak
		if math.Abs(id-ir) > 1e-9*ir+1e-18 {
			t.Errorf("Vs=%g: KCL: diode %g A, resistor %g A", vs, id, ir)
		}
		t.Logf("Vs=%g V: Vd = %.6f V, I = %.6g A", vs, vk, id)
	}
}

// Driven by a voltage, the toy memristor is bistable: sweeping up it stays
// off until the set threshold, sweeping down it stays on until the hold
// voltage. Continuation must follow each branch and jump at the folds.
func TestMemristorHysteresis(t *testing.T) {
	c := New()
	c.AddVoltageSource("v1", "a", "0", DC(0))
	c.AddResistor("rs", "a", "b", 100)
	c.AddStateful("m", "b", "0", defaultToyMem())
	up := linspace(0, 1.2, 121)
	down := linspace(1.2, 0, 121)
	vals := append(append([]float64{}, up...), down[1:]...)
	r := mustSweep(t, c, "v1", vals)
	x, _ := r.State("m")
	at := func(v float64, rising bool) float64 {
		for k, vv := range vals {
			if math.Abs(vv-v) < 1e-9 && (k < len(up)) == rising {
				return x[k]
			}
		}
		t.Fatalf("no point at %g", v)
		return 0
	}
	if lo, hi := at(0.8, true), at(0.8, false); !(lo < 0.05 && hi > 0.9) {
		t.Errorf("at 0.8 V: rising x = %g, falling x = %g: want off and on", lo, hi)
	}
	if x0 := x[len(x)-1]; x0 > 1e-6 {
		t.Errorf("relaxed state at 0 V = %g", x0)
	}
	// Exactly one jump each way.
	jumpsUp, jumpsDown := 0, 0
	for k := 1; k < len(x); k++ {
		switch d := x[k] - x[k-1]; {
		case d > 0.5:
			jumpsUp++
			t.Logf("set between %g and %g V", vals[k-1], vals[k])
		case d < -0.5:
			jumpsDown++
			t.Logf("reset between %g and %g V", vals[k-1], vals[k])
		}
	}
	if jumpsUp != 1 || jumpsDown != 1 {
		t.Errorf("jumps up %d, down %d; want 1 and 1", jumpsUp, jumpsDown)
	}
	t.Logf("substeps %d", r.Substeps)
}

// Driven by a current, the toy memristor's voltage falls as the current
// rises once it sets: negative differential resistance, solved by
// continuation without jumps.
func TestMemristorNDR(t *testing.T) {
	c := New()
	c.AddCurrentSource("i1", "0", "a", DC(0))
	c.AddStateful("m", "a", "0", defaultToyMem())
	in := linspace(0, 60e-6, 601)
	r := mustSweep(t, c, "i1", in)
	v, _ := r.Voltage("a")
	x, _ := r.State("m")
	peak := 0
	for k := range v {
		if v[k] > v[peak] {
			peak = k
		}
	}
	if peak == 0 || peak == len(v)-1 {
		t.Fatalf("no interior voltage peak (peak at %d)", peak)
	}
	// dV/dI < 0 just after the peak.
	ndr := 0
	for k := peak + 1; k < len(v); k++ {
		if v[k] < v[k-1] {
			ndr++
		}
	}
	if ndr < 50 {
		t.Errorf("only %d falling steps after the peak", ndr)
	}
	for k := 1; k < len(x); k++ {
		if math.Abs(x[k]-x[k-1]) > 0.05 {
			t.Errorf("state jumps from %g to %g at %g A", x[k-1], x[k], in[k])
		}
	}
	t.Logf("peak %.4f V at %.3g A; V at %.3g A = %.4f", v[peak], in[peak], in[len(in)-1], v[len(v)-1])
}

// TestSweep10k: 10,000 points on the nonlinear neuron circuit, each one
// converged, agreeing with independent operating points.
func TestSweep10k(t *testing.T) {
	c := neuronCircuit()
	in := linspace(0, 20e-6, 10000)
	r := mustSweep(t, c, "iin", in)
	if r.Len() != len(in) {
		t.Fatalf("%d points", r.Len())
	}
	out, _ := r.Voltage("out")
	for k, v := range out {
		if !finite(v) || v < 0 || v > 2 {
			t.Fatalf("point %d: Vout = %g", k, v)
		}
	}
	// Spot checks against operating points solved from scratch.
	for _, k := range []int{0, 1, 137, 2500, 5000, 9999} {
		d := neuronCircuit()
		d.Element("iin").(*CurrentSource).W = DC(in[k])
		sol, err := d.OperatingPoint()
		if err != nil {
			t.Fatalf("op at %g: %v", in[k], err)
		}
		v, _ := sol.Voltage("out")
		if math.Abs(v-out[k]) > 1e-6 {
			t.Errorf("I=%g: sweep %g, operating point %g", in[k], out[k], v)
		}
	}
	t.Logf("Vout: %.4f at 0, %.4f at 20 µA; substeps %d, Newton iterations %d", out[0], out[len(out)-1], r.Substeps, r.NewtonIterations)
}

func TestNewtonDoesNotAllocate(t *testing.T) {
	c := neuronCircuit()
	if _, err := c.DCSweep("iin", []float64{0, 1e-6}); err != nil {
		t.Fatal(err)
	}
	s := c.ws
	src := c.Element("iin").(*CurrentSource)
	ctx := s.dcCtx()
	i := 0.0
	allocs := testing.AllocsPerRun(200, func() {
		i += 1e-9
		src.swept, src.sweepVal = true, i
		if f := s.newton(ctx); f != nil {
			t.Fatal(f)
		}
	})
	if allocs != 0 {
		t.Errorf("Newton solve allocates %g times", allocs)
	}
}
