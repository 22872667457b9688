package device

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mrelu/mrelu/internal/testutil"
)

// evalInNgspice sweeps the voltage source "vs" (node "s") over
// [from, to] in steps and evaluates each expression as a behavioural
// voltage source; it returns the sweep values and one column per
// expression.
func evalInNgspice(t *testing.T, exe string, from, to, step float64, exprs []string) ([]float64, [][]float64) {
	t.Helper()
	var b strings.Builder
	b.WriteString("* SPICE expression check\nv_s s 0 DC 0\n")
	var vecs []string
	for k, e := range exprs {
		fmt.Fprintf(&b, "b_e%d e%d 0 V=%s\nr_e%d e%d 0 1\n", k, k, e, k, k)
		vecs = append(vecs, fmt.Sprintf("v(e%d)", k))
	}
	// Tight tolerances: ngspice must iterate until each behavioural
	// source is evaluated at the swept value, not at its linearisation.
	b.WriteString(".options reltol=1e-12 vntol=1e-30 abstol=1e-30 itl2=1000\n")
	b.WriteString(".control\nset wr_singlescale\nset wr_vecnames\nset numdgt=15\n")
	fmt.Fprintf(&b, "dc v_s %s %s %s\nwrdata out.txt %s\nquit 0\n.endc\n.end\n",
		num(from), num(to), num(step), strings.Join(vecs, " "))
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "check.cir"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-b", "check.cir")
	cmd.Dir = dir
	log, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ngspice: %v\n%s", err, log)
	}
	data, err := os.ReadFile(filepath.Join(dir, "out.txt"))
	if err != nil {
		t.Fatalf("no output: %v\n%s", err, log)
	}
	var sweep []float64
	cols := make([][]float64, len(exprs))
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != len(exprs)+1 {
			continue
		}
		s, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			continue // header
		}
		sweep = append(sweep, s)
		for k := range exprs {
			v, err := strconv.ParseFloat(f[k+1], 64)
			if err != nil {
				t.Fatalf("bad number %q", f[k+1])
			}
			cols[k] = append(cols[k], v)
		}
	}
	if len(sweep) == 0 {
		t.Fatalf("ngspice wrote no rows\n%s", log)
	}
	return sweep, cols
}

func relClose(a, b, rel, abs float64) bool {
	return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))+abs
}

// TestSpiceExpressionsMatchModels evaluates SpiceCurrent, SpiceRate and
// SpiceIds in ngspice over wide voltage ranges (the memristor beyond the
// linear continuation of its sinh at ±60 V, the TFT in every region and for
// vds < 0) and compares them with Current, StateRate and Ids.
func TestSpiceExpressionsMatchModels(t *testing.T) {
	exe := testutil.RequireNgspice(t, "the SPICE expression check")
	m := DefaultMemristor()
	// A second memristor with other values, so that no constant is
	// accidentally right.
	m2 := m
	m2.Vth, m2.RD, m2.VNL, m2.V0, m2.GMin = 1.8, 0.25e6, 1.2, 0.03, 2e-9
	// A third with the field acceleration on.
	m3 := m
	m3.TauSetTh, m3.VA = 0.9e-6, 0.1

	t.Run("memristor", func(t *testing.T) {
		xs := []float64{0, 0.05, 0.3, 0.5, 0.7, 0.9, 0.99, 1}
		var exprs []string
		type probe struct {
			m    *Memristor
			x    float64
			rate bool
		}
		var probes []probe
		for _, mm := range []*Memristor{&m, &m2, &m3} {
			for _, x := range xs {
				xe := num(x)
				exprs = append(exprs, mm.SpiceCurrent("v(s)", xe), mm.SpiceRate("v(s)", xe))
				probes = append(probes, probe{mm, x, false}, probe{mm, x, true})
			}
		}
		for _, r := range []struct{ from, to, step float64 }{{-3, 3.5, 0.01}, {-90, 90, 0.5}} {
			vs, cols := evalInNgspice(t, exe, r.from, r.to, r.step, exprs)
			worst := 0.0
			for k, p := range probes {
				for j, v := range vs {
					var want, abs float64
					if p.rate {
						// dx/dt = ks·(1−x) − x/TauRelax cancels near a
						// steady state: compare to the size of its terms.
						want, _, _ = p.m.StateRate(v, p.x)
						a, _ := p.m.Acceleration(v)
						abs = 1e-9 * (math.Abs(want) + 2*a*p.x/p.m.TauRelax)
					} else {
						want, _, _ = p.m.Current(v, p.x)
						abs = 1e-21
					}
					got := cols[k][j]
					if !relClose(got, want, 1e-9, abs) {
						t.Fatalf("x=%g v=%g rate=%v: ngspice %.15g, Go %.15g", p.x, v, p.rate, got, want)
					}
					if want != 0 {
						worst = math.Max(worst, math.Abs(got-want)/math.Abs(want))
					}
				}
			}
			t.Logf("v in [%g, %g]: %d expressions × %d points, worst relative difference %.2g", r.from, r.to, len(exprs), len(vs), worst)
		}
	})

	t.Run("tft", func(t *testing.T) {
		d := DefaultTFT()
		d2 := d
		d2.Vth, d2.Mobility, d2.SS, d2.LambdaCLM, d2.GLeak = 0.9, 1.3e-3, 0.3, 0.02, 3e-14
		vgss := []float64{-2, -0.5, 0, 0.8, 1, 1.2, 1.6, 2, 3}
		var exprs []string
		type probe struct {
			d   *TFT
			vgs float64
		}
		var probes []probe
		for _, dd := range []*TFT{&d, &d2} {
			for _, g := range vgss {
				exprs = append(exprs, dd.SpiceIds(num(g), "v(s)"))
				probes = append(probes, probe{dd, g})
			}
		}
		vs, cols := evalInNgspice(t, exe, -3, 4, 0.01, exprs)
		worst := 0.0
		for k, p := range probes {
			for j, v := range vs {
				want, _, _ := p.d.Ids(p.vgs, v)
				got := cols[k][j]
				// Absolute floor 1e-18 A: ln(1+e) vs log1p(e) for e < 1e-16,
				// and F(vgs−Vth) − F(vgs−vds−Vth) at the sweep's |vds| ~
				// 1e-14 V, where one ulp of vgs−vds is a few % of vds.
				if !relClose(got, want, 1e-9, 1e-18) {
					t.Fatalf("vgs=%g vds=%g: ngspice %.15g, Go %.15g", p.vgs, v, got, want)
				}
				if math.Abs(want) > 1e-15 {
					worst = math.Max(worst, math.Abs(got-want)/math.Abs(want))
				}
			}
		}
		t.Logf("%d expressions × %d points, worst relative difference %.2g where |Ids| > 1 fA", len(exprs), len(vs), worst)
	})
}

// TestSpiceInterfacesShape checks the expressions mention their arguments
// and that the state bounds are [0, 1].
func TestSpiceInterfacesShape(t *testing.T) {
	m := DefaultMemristor()
	if lo, hi := m.StateBounds(); lo != 0 || hi != 1 {
		t.Errorf("StateBounds = %g, %g", lo, hi)
	}
	for _, e := range []string{m.SpiceCurrent("V_A", "X_S"), m.SpiceRate("V_A", "X_S")} {
		if !strings.Contains(e, "V_A") || !strings.Contains(e, "X_S") {
			t.Errorf("expression does not use its arguments: %s", e)
		}
		if strings.Count(e, "(") != strings.Count(e, ")") {
			t.Errorf("unbalanced parentheses: %s", e)
		}
	}
	d := DefaultTFT()
	e := d.SpiceIds("VG_S", "VD_S")
	if !strings.Contains(e, "VG_S") || !strings.Contains(e, "VD_S") || strings.Count(e, "(") != strings.Count(e, ")") {
		t.Errorf("bad TFT expression: %s", e)
	}
}
