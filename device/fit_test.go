package device

import (
	"errors"
	"fmt"
	"io"
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
	f.Add("i_A,r_ohm\n1e-7," + strings.Repeat("x", 3000) + "\n")
	f.Fuzz(func(t *testing.T, in string) {
		pts, err := ReadRICSV(strings.NewReader(in), "fuzz")
		if err != nil {
			if len(err.Error()) > 300 {
				t.Fatalf("error of %d bytes quotes the input: %.100q", len(err.Error()), err)
			}
			return
		}
		if len(pts) > MaxRICSVRows {
			t.Fatalf("accepted %d rows", len(pts))
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

// TestFitDownsamplesLargeData (issue 12, class 5): 10,000 points (in
// random order, 50 repeats of 200 currents) are fitted on at most
// MaxFitPoints of them, spread over the whole log-current range; the
// report says so, and the residuals and model cover every point.
func TestFitDownsamplesLargeData(t *testing.T) {
	truth := DefaultMemristor()
	truth.Vth, truth.RD = 1.8, 0.25e6
	base := synthetic(t, truth, 200, 0.05e-6, 5e-6, 0, 3)
	rng := seeded(4)
	var pts []RIPoint
	for range 50 {
		for _, p := range base {
			pts = append(pts, RIPoint{I: p.I, R: p.R * (1 + 0.05*rng.NormFloat64())})
		}
	}
	rng.Shuffle(len(pts), func(i, j int) { pts[i], pts[j] = pts[j], pts[i] })
	got, rep, err := FitMemristor(pts, DefaultMemristor())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Points != len(pts) || rep.Used > MaxFitPoints || rep.Used < MaxFitPoints/2 {
		t.Errorf("points %d, used %d (max %d)", rep.Points, rep.Used, MaxFitPoints)
	}
	if !strings.Contains(rep.Note, "10000 data points down-sampled to") {
		t.Errorf("note %q", rep.Note)
	}
	if len(rep.Residuals) != len(pts) || len(rep.Model) != len(pts) {
		t.Errorf("%d residuals, %d model values for %d points", len(rep.Residuals), len(rep.Model), len(pts))
	}
	if !closeRel(got.Vth, truth.Vth, 0.01, 0) || !closeRel(got.RD, truth.RD, 0.03, 0) {
		t.Errorf("fit Vth=%g V RD=%g Ω, truth %g V %g Ω", got.Vth, got.RD, truth.Vth, truth.RD)
	}
	if rep.RMSLog10 > 0.03 || rep.RMSLog10 < 0.012 {
		t.Errorf("RMS log10 error %g over all points, want ≈ 0.0217 (the noise)", rep.RMSLog10)
	}
	// Small data sets are not touched.
	_, rep, err = FitMemristorWith(pts[:MaxFitPoints], DefaultMemristor(), FitOptions{MaxEvaluations: 10})
	if err != nil || rep.Used != MaxFitPoints || rep.Note != "" {
		t.Errorf("%d points: used %d, note %q, err %v", MaxFitPoints, rep.Used, rep.Note, err)
	}
}

// TestDownsample: at most n points, sorted by current, covering the
// range's both ends and every occupied decade; repeats fill the budget.
func TestDownsample(t *testing.T) {
	var pts []RIPoint
	// A dense decade (1e-7..1e-6, 9000 points) and a sparse one (1e-6..1e-5, 10 points).
	for k := range 9000 {
		pts = append(pts, RIPoint{I: 1e-7 * math.Pow(10, float64(k)/9000), R: 1})
	}
	for k := range 10 {
		pts = append(pts, RIPoint{I: 1e-6 * math.Pow(10, float64(k+1)/10), R: 2})
	}
	got := Downsample(pts, 100)
	if len(got) != 100 {
		t.Fatalf("%d points, want 100", len(got))
	}
	sparse := 0
	for k, p := range got {
		if k > 0 && p.I < got[k-1].I {
			t.Fatalf("not sorted at %d", k)
		}
		if p.R == 2 {
			sparse++
		}
	}
	if sparse != 10 {
		t.Errorf("%d of the 10 points of the sparse decade kept, want all", sparse)
	}
	// One current repeated: the budget is filled by rank.
	same := make([]RIPoint, 1000)
	for k := range same {
		same[k] = RIPoint{I: 1e-6, R: float64(k + 1)}
	}
	if got := Downsample(same, 50); len(got) != 50 {
		t.Errorf("one current: %d points, want 50", len(got))
	}
	if got := Downsample(same[:10], 50); len(got) != 10 {
		t.Errorf("fewer points than n: %d, want 10", len(got))
	}
}

// zeros is an endless stream of NUL bytes, as /dev/zero.
type zeros struct{ n int64 }

func (z *zeros) Read(p []byte) (int, error) {
	clear(p)
	z.n += int64(len(p))
	return len(p), nil
}

// TestReadRICSVLimits (issue 12, classes 4-6): the row limit, the line
// limit (an endless line without newline, a 1 MB line) and the file-size
// limit fail with the limit in the message, quickly, after reading little,
// and errors quote at most 40 bytes of a field.
func TestReadRICSVLimits(t *testing.T) {
	z := &zeros{}
	_, err := ReadRICSV(z, "/dev/zero")
	if err == nil || !errors.Is(err, ErrCSV) || !strings.Contains(err.Error(), "/dev/zero:1: line longer than 64 KiB") {
		t.Errorf("/dev/zero: %v", err)
	}
	if z.n > 1<<20 {
		t.Errorf("/dev/zero: read %d bytes before failing", z.n)
	}
	long := "i_A,r_ohm\n1e-7," + strings.Repeat("9", 1<<20) + "\n"
	if _, err := ReadRICSV(strings.NewReader(long), "long.csv"); err == nil || !strings.Contains(err.Error(), "long.csv:2: line longer than 64 KiB") || len(err.Error()) > 200 {
		t.Errorf("1 MB line: %.300v", err)
	}
	var b strings.Builder
	b.WriteString("i_A,r_ohm\n# a comment\n")
	for k := range MaxRICSVRows + 1 {
		fmt.Fprintf(&b, "%g,1e6\n", 1e-7*(1+float64(k)/MaxRICSVRows))
	}
	if pts, err := ReadRICSV(strings.NewReader(b.String()), "big.csv"); err == nil || !strings.Contains(err.Error(), "big.csv:100003: more than 100000 data rows (limit 100000 rows") {
		t.Errorf("%d rows: %d points, %v", MaxRICSVRows+1, len(pts), err)
	}
	exact := b.String()[:strings.LastIndex(strings.TrimSuffix(b.String(), "\n"), "\n")+1]
	if pts, err := ReadRICSV(strings.NewReader(exact), "max.csv"); err != nil || len(pts) != MaxRICSVRows {
		t.Errorf("%d rows: %d points, %v", MaxRICSVRows, len(pts), err)
	}
	huge := &csvLimiter{r: strings.NewReader(strings.Repeat("1e-7,1e6\n", 200)), maxBytes: 1000, maxLine: 100}
	if _, err := io.ReadAll(huge); err == nil || !strings.Contains(err.Error(), "file larger than") {
		t.Errorf("size limit: %v", err)
	}
	field := strings.Repeat("x", 5000)
	for _, in := range []string{"i_A,r_ohm\n1e-7," + field + "\n", "i_A," + field + "\n"} {
		_, err := ReadRICSV(strings.NewReader(in), "f.csv")
		if err == nil || len(err.Error()) > 200 || !strings.Contains(err.Error(), "xxx... (50") {
			t.Errorf("long field: %.300v", err)
		}
	}
}
