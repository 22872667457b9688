package device

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// synthetic returns n model points log-spaced over [lo, hi] A with
// multiplicative Gaussian noise of relative size noise.
func synthetic(t *testing.T, m Memristor, n int, lo, hi, noise float64, seed uint64) []RIPoint {
	t.Helper()
	rng := seeded(seed)
	pts := make([]RIPoint, n)
	for k := range pts {
		i := lo * math.Pow(hi/lo, float64(k)/float64(n-1))
		_, _, r, err := m.SteadyStateAtCurrent(i)
		if err != nil {
			t.Fatal(err)
		}
		pts[k] = RIPoint{I: i, R: r * (1 + noise*rng.NormFloat64())}
	}
	return pts
}

func TestFitRecoversKnownParameters(t *testing.T) {
	truth := DefaultMemristor()
	truth.Vth, truth.RD = 1.8, 0.25e6
	pts := synthetic(t, truth, 80, 0.05e-6, 5e-6, 0.05, 11)
	got, rep, err := FitMemristor(pts, DefaultMemristor())
	if err != nil {
		t.Fatal(err)
	}
	if !closeRel(got.Vth, truth.Vth, 0.02, 0) || !closeRel(got.RD, truth.RD, 0.05, 0) {
		t.Errorf("fit Vth=%g V RD=%g Ω, truth %g V %g Ω", got.Vth, got.RD, truth.Vth, truth.RD)
	}
	// The residual is the noise: 5 % in R is 0.0217 in log10 R.
	if rep.RMSLog10 > 0.03 || rep.RMSLog10 < 0.012 {
		t.Errorf("RMS log10 error %g, want ≈ 0.0217 (the noise)", rep.RMSLog10)
	}
	if len(rep.Curve) != 100 || len(rep.Residuals) != len(pts) || len(rep.Fitted) != 2 {
		t.Errorf("report incomplete: %d curve points, %d residuals, %d fitted", len(rep.Curve), len(rep.Residuals), len(rep.Fitted))
	}
	if rep.Curve[0].I != pts[0].I || !closeRel(rep.Curve[99].I, pts[len(pts)-1].I, 1e-12, 0) {
		t.Errorf("curve spans [%g, %g] A", rep.Curve[0].I, rep.Curve[99].I)
	}
	t.Logf("Vth %.4f V (truth 1.8), RD %.4g Ω (truth 2.5e5), RMS %.4f, %d evaluations", got.Vth, got.RD, rep.RMSLog10, rep.Evaluations)
}

// With data into saturation, GMax becomes identifiable too.
func TestFitWithSaturationRecoversGMax(t *testing.T) {
	truth := DefaultMemristor()
	truth.Vth, truth.RD, truth.GMax = 2.1, 0.35e6, 30e-6
	pts := synthetic(t, truth, 60, 0.05e-6, 8e-6, 0.01, 12)
	start := DefaultMemristor()
	got, rep, err := FitMemristorWith(pts, start, FitOptions{Free: []FitParam{FitVth, FitRD, FitGMax}})
	if err != nil {
		t.Fatal(err)
	}
	if !closeRel(got.Vth, truth.Vth, 0.01, 0) || !closeRel(got.RD, truth.RD, 0.02, 0) || !closeRel(got.GMax, truth.GMax, 0.15, 0) {
		t.Errorf("fit Vth=%g RD=%g GMax=%g, truth %g %g %g (RMS %g)", got.Vth, got.RD, got.GMax, truth.Vth, truth.RD, truth.GMax, rep.RMSLog10)
	}
}

func TestFitRejectsBadInput(t *testing.T) {
	good := synthetic(t, DefaultMemristor(), 10, 1e-7, 1e-6, 0, 1)
	if _, _, err := FitMemristor(good[:4], DefaultMemristor()); err == nil {
		t.Error("accepted 4 points")
	}
	bad := append([]RIPoint(nil), good...)
	bad[3].R = math.NaN()
	if _, _, err := FitMemristor(bad, DefaultMemristor()); err == nil {
		t.Error("accepted NaN resistance")
	}
	start := DefaultMemristor()
	start.RD = -1
	if _, _, err := FitMemristor(good, start); err == nil || !strings.Contains(err.Error(), "RD") {
		t.Errorf("invalid start: %v", err)
	}
	if _, _, err := FitMemristorWith(good, DefaultMemristor(), FitOptions{Free: []FitParam{FitVth, FitVth}}); err == nil {
		t.Error("accepted a repeated parameter")
	}
}

func TestReadRICSV(t *testing.T) {
	five := "1e-7,2e7\n2e-7,1e7\n5e-7,4e6\n1e-6,1.7e6\n2e-6,7e5\n"
	tests := []struct {
		name    string
		in      string
		n       int
		wantErr string // substring; "" = no error
	}{
		{"plain", "i_A,r_ohm\n" + five, 5, ""},
		{"reordered with extra column and comments", "# measured\nr_ohm,note,i_A\n2e7,a,1e-7\n1e7,b,2e-7\n# mid\n4e6,c,5e-7\n1.7e6,d,1e-6\n7e5,e,2e-6\n", 5, ""},
		{"BOM and spaces", "\ufeffi_A, r_ohm\n" + five, 5, ""},
		{"IV file skips I<=0", "v_V,i_A\n-1,-1e-9\n0,0\n1.97,1e-7\n1.94,2e-7\n1.85,5e-7\n1.7,1e-6\n1.4,2e-6\n", 5, ""},
		{"missing column", "i_A,v_ohm\n" + five, 0, ":1: missing column r_ohm"},
		{"missing current", "r_ohm\n1\n", 0, ":1: missing column i_A"},
		{"empty", "", 0, "empty file"},
		{"non-numeric", "i_A,r_ohm\n1e-7,2e7\n2e-7,abc\n", 0, ":3: r_ohm: \"abc\" is not a number"},
		{"NaN", "i_A,r_ohm\n1e-7,NaN\n", 0, ":2: r_ohm: \"NaN\" is not finite"},
		{"Inf current", "i_A,r_ohm\n+Inf,1\n", 0, ":2: i_A"},
		{"negative R", "i_A,r_ohm\n1e-7,2e7\n2e-7,-5\n", 0, ":3: r_ohm = -5: resistance must be > 0"},
		{"zero R", "i_A,r_ohm\n1e-7,0\n", 0, ":2: r_ohm = 0"},
		{"zero current", "i_A,r_ohm\n0,1e6\n", 0, ":2: i_A = 0"},
		{"negative IV resistance", "v_V,i_A\n-1,1e-7\n", 0, ":2: resistance V/I"},
		{"short row", "i_A,r_ohm\n1e-7\n", 0, ":2: expected at least 2 fields"},
		{"too few points", "i_A,r_ohm\n1e-7,2e7\n2e-7,1e7\n", 0, "2 usable data points, need at least 5"},
		{"duplicate column", "i_A,i_A,r_ohm\n", 0, "appears twice"},
		{"bad quote", "i_A,r_ohm\n1e-7,\"2e7\n", 0, "f.csv:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pts, err := ReadRICSV(strings.NewReader(tc.in), "f.csv")
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if len(pts) != tc.n {
					t.Fatalf("%d points, want %d", len(pts), tc.n)
				}
				for _, p := range pts {
					if !(p.I > 0 && p.R > 0) {
						t.Errorf("bad point %+v", p)
					}
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "f.csv") {
				t.Errorf("error %q, want it to name f.csv and contain %q", err, tc.wantErr)
			}
			if !errors.Is(err, ErrCSV) {
				t.Errorf("error does not wrap ErrCSV")
			}
		})
	}
	// IV conversion: R = V/I.
	pts, _ := ReadRICSV(strings.NewReader("v_V,i_A\n2,1e-7\n2,2e-7\n2,4e-7\n2,8e-7\n2,1e-6\n"), "iv")
	if pts[0].R != 2e7 || pts[4].R != 2e6 {
		t.Errorf("IV conversion: %+v", pts)
	}
}

func FuzzReadRICSV(f *testing.F) {
	f.Add("i_A,r_ohm\n1e-7,2e7\n2e-7,1e7\n5e-7,4e6\n1e-6,1.7e6\n2e-6,7e5\n")
	f.Add("v_V,i_A\n-1,-1e-9\n1.9,1e-7\n1.8,5e-7\n1.7,1e-6\n1.4,2e-6\n1.1,3e-6\n")
	f.Add("r_ohm,x,i_A\n# c\n2e7,,1e-7\n")
	f.Add("i_A,r_ohm\n1e-7,\"2e7\n")
	f.Add("\ufeffi_A,r_ohm\nNaN,Inf\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		pts, err := ReadRICSV(strings.NewReader(in), "fuzz")
		if err != nil {
			return
		}
		if len(pts) < minFitPoints {
			t.Fatalf("accepted %d points", len(pts))
		}
		for _, p := range pts {
			if !(p.I > 0 && p.R > 0) || math.IsInf(p.I, 0) || math.IsInf(p.R, 0) {
				t.Fatalf("accepted invalid point %+v", p)
			}
		}
	})
}
