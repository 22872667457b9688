package device

import (
	"math"
	"testing"
)

func TestTFTDerivativesMatchFiniteDifferences(t *testing.T) {
	d := DefaultTFT()
	for _, vgs := range []float64{-1, 0, 0.5, 0.9, 1.0, 1.1, 1.5, 2, 3} {
		for _, vds := range []float64{-2, -0.5, -0.01, 0, 0.005, 0.1, 0.5, 1, 2, 5} {
			id, gm, gds := d.Ids(vgs, vds)
			const h = 1e-6
			fdgm, fdgds := partials(d.Ids, vgs, vds, h, h)
			scale := math.Abs(id) + 1e-15
			if !closeRel(gm, fdgm, 1e-5, scale) {
				t.Errorf("vgs=%g vds=%g: gm %.8g, finite difference %.8g", vgs, vds, gm, fdgm)
			}
			if !closeRel(gds, fdgds, 1e-5, scale) {
				t.Errorf("vgs=%g vds=%g: gds %.8g, finite difference %.8g", vgs, vds, gds, fdgds)
			}
		}
	}
}

// Current and derivatives have no jumps across the threshold: on a fine
// Vgs grid the change between neighbours stays below what the largest
// local slope allows.
func TestTFTContinuousAcrossThreshold(t *testing.T) {
	d := DefaultTFT()
	const dv = 1e-4
	for _, vds := range []float64{0.05, 1, 2} {
		var prev [3]float64
		var maxq [3]float64
		var maxJump [3]float64
		for k := 0; k <= 10000; k++ {
			vgs := d.Vth - 0.5 + float64(k)*dv
			id, gm, gds := d.Ids(vgs, vds)
			q := [3]float64{id, gm, gds}
			for j := range q {
				maxq[j] = math.Max(maxq[j], math.Abs(q[j]))
				if k > 0 {
					maxJump[j] = math.Max(maxJump[j], math.Abs(q[j]-prev[j]))
				}
			}
			prev = q
		}
		names := []string{"Ids", "gm", "gds"}
		for j := range names {
			// 1e-4 V steps: a smooth quantity changes by a tiny fraction
			// of its range per step.
			if maxJump[j] > 2e-3*maxq[j] {
				t.Errorf("vds=%g: %s jumps by %g (max %g) on a 0.1 mV grid", vds, names[j], maxJump[j], maxq[j])
			}
		}
	}
}

func TestTFTRegions(t *testing.T) {
	d := DefaultTFT()
	beta := d.Beta()
	wantBeta := 1e-3 * (8.8541878128e-12 * 9 / 30e-9) * 10
	if !closeRel(beta, wantBeta, 1e-9, 0) {
		t.Fatalf("beta = %g, want %g", beta, wantBeta)
	}
	// Saturation: square law with channel-length modulation.
	vov, vds := 1.0, 3.0
	id, _, _ := d.Ids(d.Vth+vov, vds)
	want := beta / 2 * vov * vov * (1 + d.LambdaCLM*(math.Hypot(vds, clmSmooth)-clmSmooth))
	if !closeRel(id, want, 0.01, 0) {
		t.Errorf("saturation Ids = %g, want %g", id, want)
	}
	// Triode at small Vds: Ids ≈ beta·Vov·Vds.
	id, _, _ = d.Ids(d.Vth+vov, 0.01)
	if !closeRel(id, beta*vov*0.01, 0.02, 0) {
		t.Errorf("triode Ids = %g, want %g", id, beta*vov*0.01)
	}
	// Subthreshold slope.
	i1, _, _ := d.Ids(d.Vth-0.6, 2)
	i2, _, _ := d.Ids(d.Vth-0.4, 2)
	if ss := 0.2 / math.Log10(i2/i1); !closeRel(ss, d.SS, 0.03, 0) {
		t.Errorf("subthreshold swing %g V/dec, want %g", ss, d.SS)
	}
	// Very low off current.
	if ioff, _, _ := d.Ids(0, 2); ioff > 1e-11 || ioff <= 0 {
		t.Errorf("off current at Vgs=0, Vds=2 V: %g A, want (0, 10 pA]", ioff)
	}
	if ioff, _, _ := d.Ids(-1, 2); ioff > 1e-13 {
		t.Errorf("off current at Vgs=-1 V: %g A, want ≤ 0.1 pA", ioff)
	}
	if id, _, _ := d.Ids(2, 0); id != 0 {
		t.Errorf("Ids at Vds=0 is %g, want 0", id)
	}
}

func TestTFTSourceDrainSymmetry(t *testing.T) {
	d := DefaultTFT()
	for _, vgs := range []float64{0, 1, 2} {
		for _, vds := range []float64{0.1, 1, 2} {
			a, _, _ := d.Ids(vgs, vds)
			// Swap source and drain: the gate–"source" voltage becomes
			// vgs − vds and the current reverses.
			b, _, _ := d.Ids(vgs-vds, -vds)
			if !closeRel(a, -b, 1e-12, 1e-20) {
				t.Errorf("vgs=%g vds=%g: Ids=%g, swapped %g", vgs, vds, a, b)
			}
		}
	}
}

func TestTFTValidateRejects(t *testing.T) {
	def := DefaultTFT()
	if err := def.Validate(); err != nil {
		t.Fatalf("default invalid: %v", err)
	}
	type mod struct {
		field, key string
		bad        []float64
		set        func(d *TFT, v float64)
	}
	nonPos := []float64{math.NaN(), math.Inf(1), -1, 0}
	mods := []mod{
		{"Vth", "v_th_V", []float64{math.NaN(), math.Inf(-1), 50}, func(d *TFT, v float64) { d.Vth = v }},
		{"Mobility", "mobility_m2_per_Vs", nonPos, func(d *TFT, v float64) { d.Mobility = v }},
		{"EpsR", "eps_r", nonPos, func(d *TFT, v float64) { d.EpsR = v }},
		{"Tox", "t_ox_m", nonPos, func(d *TFT, v float64) { d.Tox = v }},
		{"W", "w_m", nonPos, func(d *TFT, v float64) { d.W = v }},
		{"L", "l_m", nonPos, func(d *TFT, v float64) { d.L = v }},
		{"SS", "ss_V_per_dec", append(nonPos, 0.03), func(d *TFT, v float64) { d.SS = v }},
		{"Temperature", "temperature_K", nonPos, func(d *TFT, v float64) { d.Temperature = v }},
		{"LambdaCLM", "lambda_clm_per_V", []float64{math.NaN(), math.Inf(1), -0.1}, func(d *TFT, v float64) { d.LambdaCLM = v }},
		{"GLeak", "g_leak_S", []float64{math.NaN(), math.Inf(1), -1e-12}, func(d *TFT, v float64) { d.GLeak = v }},
	}
	for _, md := range mods {
		for _, b := range md.bad {
			d := DefaultTFT()
			md.set(&d, b)
			checkRejected(t, d.Validate(), md.field, md.key, b)
		}
	}
}
