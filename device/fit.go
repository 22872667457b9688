package device

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/mrelu/mrelu/internal/clip"
	"gonum.org/v1/gonum/optimize"
)

// RIPoint is one measured (or modelled) resistance at a current.
type RIPoint struct {
	I float64 // current, A (> 0)
	R float64 // resistance, Ω (> 0)
}

// FitParam names a memristor parameter that FitMemristorWith can adjust.
type FitParam int

// The fittable parameters. Vth and RD shape the steady-state R(I) to first
// order (elasticity of R ≈ 1–3 each over 0.1–5 µA); the others change
// log10 R by less than 0.1 % per % and are only identifiable from data
// that reach the saturation (GMax, Gap0, V0) or the insulating branch
// (GMin).
const (
	FitVth FitParam = iota
	FitRD
	FitV0
	FitGap0
	FitGMax
	FitGMin
)

// fitSpec holds the accessor and the search bounds (log space) of a FitParam.
type fitSpec struct {
	name   string
	unit   string
	lo, hi float64
	ptr    func(m *Memristor) *float64
}

var fitSpecs = map[FitParam]fitSpec{
	FitVth:  {"Vth", "V", 0.1, 20, func(m *Memristor) *float64 { return &m.Vth }},
	FitRD:   {"RD", "Ω", 1e2, 1e10, func(m *Memristor) *float64 { return &m.RD }},
	FitV0:   {"V0", "V", 1e-3, 0.5, func(m *Memristor) *float64 { return &m.V0 }},
	FitGap0: {"Gap0", "m", 0.1e-9, 10e-9, func(m *Memristor) *float64 { return &m.Gap0 }},
	FitGMax: {"GMax", "S", 1e-8, 0.99 * G0, func(m *Memristor) *float64 { return &m.GMax }},
	FitGMin: {"GMin", "S", 1e-15, 1e-5, func(m *Memristor) *float64 { return &m.GMin }},
}

// String returns the field name of the parameter.
func (p FitParam) String() string {
	if s, ok := fitSpecs[p]; ok {
		return s.name
	}
	return fmt.Sprintf("FitParam(%d)", int(p))
}

// FitOptions selects the parameters to fit.
type FitOptions struct {
	// Free lists the parameters to adjust. Default (nil): Vth and RD.
	Free []FitParam
	// MaxEvaluations bounds the objective evaluations. Default 4000.
	MaxEvaluations int
	// MaxPoints bounds the data points the objective evaluates: larger
	// data sets are down-sampled to this many points spread evenly in
	// log-current (Downsample). Default MaxFitPoints; negative: no limit.
	MaxPoints int
}

// MaxFitPoints is the default bound on the data points in the fit's
// objective. Each evaluation solves the steady state at every point
// (~10 µs each) for up to MaxEvaluations evaluations, so 10,000 points took
// 47 s; 200 points spread in log-current determine the two to six
// parameters as well, in about a second.
const MaxFitPoints = 200

// FitReport describes a fit of the steady-state R(I) curve.
type FitReport struct {
	Free        []FitParam
	Start       []float64 // starting values of Free, SI units
	Fitted      []float64 // fitted values of Free, SI units
	Points      int       // number of data points
	Used        int       // data points in the objective (Points, or fewer when down-sampled)
	Note        string    // how the data were down-sampled; "" when they were not
	RMSLog10    float64   // RMS of log10(R_model) − log10(R_data) over all Points
	Residuals   []float64 // log10 residual per data point, in input order
	Model       []float64 // fitted model's R at each data point's current, Ω, in input order
	Curve       []RIPoint // fitted model on 100 log-spaced currents over the data range
	Evaluations int       // objective evaluations
	Status      string    // optimiser termination status

	// The fit's quality (issue 13). Lower and Upper are the search bounds
	// of each Free parameter (SI); AtBound is "lower" or "upper" for a
	// fitted value within 1 % (of the log range) of a bound, else "".
	// Sigma is each fitted value's 1-σ uncertainty (SI) from the Jacobian
	// of the log10 residuals at the optimum, Cov = s²·(JᵀJ)⁻¹ with
	// s² = Σr²/(n − p) over the points of the objective; +Inf when the
	// data do not determine it. Fixed lists every other memristor
	// parameter, at its start value (the switching kinetics tau_set_s,
	// tau_relax_s among them: a fit of R(I) says nothing about them).
	Lower, Upper []float64
	AtBound      []string
	Sigma        []float64
	Fixed        []FixedParam
	// NoiseLog10 is the data's own scatter in log10 R, estimated without a
	// model from each point against its neighbours (NaN with too few
	// points); Verdict compares RMSLog10 with it: FitGood (≤ 1.5×),
	// FitFair (≤ 3×), FitPoor (the model does not describe the data), or
	// "" when the scatter is unknown. Warnings says in words what is
	// wrong: parameters at a bound or undetermined, a poor fit.
	NoiseLog10 float64
	Verdict    string
	Warnings   []string
}

// minFitPoints is the smallest data set accepted for fitting.
const minFitPoints = 5

// FitMemristor fits Vth and RD, the parameters that shape the steady-state
// resistance–current curve, to measured R(I) points by Nelder–Mead on the
// log10 R residuals, with the parameters searched in log space within
// bounds. The other parameters are taken from start.
func FitMemristor(points []RIPoint, start Memristor) (Memristor, FitReport, error) {
	return FitMemristorWith(points, start, FitOptions{})
}

// FitMemristorWith is FitMemristor with a choice of free parameters.
func FitMemristorWith(points []RIPoint, start Memristor, opt FitOptions) (Memristor, FitReport, error) {
	free := opt.Free
	if len(free) == 0 {
		free = []FitParam{FitVth, FitRD}
	}
	rep := FitReport{Free: free, Points: len(points)}
	if err := start.Validate(); err != nil {
		return start, rep, fmt.Errorf("device: fit start: %w", err)
	}
	if len(points) < minFitPoints {
		return start, rep, fmt.Errorf("device: fit needs at least %d points, got %d", minFitPoints, len(points))
	}
	for k, p := range points {
		if !(p.I > 0) || !(p.R > 0) || math.IsInf(p.I, 0) || math.IsInf(p.R, 0) {
			return start, rep, fmt.Errorf("device: fit point %d (I = %g A, R = %g Ω): current and resistance must be finite and > 0", k, p.I, p.R)
		}
	}
	seen := map[FitParam]bool{}
	specs := make([]fitSpec, len(free))
	for k, f := range free {
		s, ok := fitSpecs[f]
		if !ok || seen[f] {
			return start, rep, fmt.Errorf("device: fit parameter %v unknown or repeated", f)
		}
		seen[f] = true
		specs[k] = s
	}
	maxEval := opt.MaxEvaluations
	if maxEval <= 0 {
		maxEval = 4000
	}
	// Map z ∈ ℝ to lo·(hi/lo)^logistic(z).
	toParam := func(s fitSpec, z float64) float64 {
		a, b := math.Log(s.lo), math.Log(s.hi)
		return math.Exp(a + (b-a)*logistic(z))
	}
	toZ := func(s fitSpec, p float64) float64 {
		a, b := math.Log(s.lo), math.Log(s.hi)
		u := (math.Log(p) - a) / (b - a)
		u = math.Min(math.Max(u, 1e-6), 1-1e-6)
		return math.Log(u / (1 - u))
	}
	build := func(z []float64) Memristor {
		m := start
		for k, s := range specs {
			*s.ptr(&m) = toParam(s, z[k])
		}
		return m
	}
	used := points
	maxPts := opt.MaxPoints
	if maxPts == 0 {
		maxPts = MaxFitPoints
	}
	if maxPts > 0 && len(points) > maxPts {
		used = Downsample(points, maxPts)
		rep.Note = fmt.Sprintf("%d data points down-sampled to %d spread evenly in log-current for the fit (the residuals and RMS are over all %d)", len(points), len(used), len(points))
	}
	rep.Used = len(used)
	residuals := func(m *Memristor, pts []RIPoint, out, model []float64) error {
		for k, p := range pts {
			_, _, r, err := m.SteadyStateAtCurrent(p.I)
			if err != nil {
				return err
			}
			out[k] = math.Log10(r) - math.Log10(p.R)
			if model != nil {
				model[k] = r
			}
		}
		return nil
	}
	res := make([]float64, len(used))
	objective := func(z []float64) float64 {
		m := build(z)
		if m.Validate() != nil {
			return 1e6
		}
		if residuals(&m, used, res, nil) != nil {
			return 1e6
		}
		ss := 0.0
		for _, r := range res {
			ss += r * r
		}
		return ss
	}
	z0 := make([]float64, len(specs))
	for k, s := range specs {
		v := *s.ptr(&start)
		rep.Start = append(rep.Start, v)
		z0[k] = toZ(s, v)
	}
	prob := optimize.Problem{Func: objective}
	settings := &optimize.Settings{
		FuncEvaluations: maxEval,
		Converger:       &optimize.FunctionConverge{Absolute: 1e-12, Relative: 1e-10, Iterations: 200},
	}
	result, err := optimize.Minimize(prob, z0, settings, &optimize.NelderMead{SimplexSize: 0.2})
	if err != nil && result == nil {
		return start, rep, fmt.Errorf("device: fit: %w", err)
	}
	best := build(result.X)
	if verr := best.Validate(); verr != nil {
		return start, rep, fmt.Errorf("device: fit left the valid region: %w", verr)
	}
	rep.Status = result.Status.String()
	rep.Evaluations = result.Stats.FuncEvaluations
	for _, s := range specs {
		rep.Fitted = append(rep.Fitted, *s.ptr(&best))
	}
	rep.Residuals = make([]float64, len(points))
	rep.Model = make([]float64, len(points))
	if err := residuals(&best, points, rep.Residuals, rep.Model); err != nil {
		return start, rep, fmt.Errorf("device: fit: %w", err)
	}
	ss := 0.0
	for _, r := range rep.Residuals {
		ss += r * r
	}
	rep.RMSLog10 = math.Sqrt(ss / float64(len(points)))
	fitQuality(&rep, best, specs, used, points)
	lo, hi := math.Inf(1), 0.0
	for _, p := range points {
		lo, hi = math.Min(lo, p.I), math.Max(hi, p.I)
	}
	const nCurve = 100
	for k := 0; k < nCurve; k++ {
		i := lo * math.Pow(hi/lo, float64(k)/(nCurve-1))
		if hi == lo {
			i = lo
		}
		_, _, r, err := best.SteadyStateAtCurrent(i)
		if err != nil {
			return start, rep, err
		}
		rep.Curve = append(rep.Curve, RIPoint{I: i, R: r})
	}
	return best, rep, nil
}

// Downsample returns at most n of points (n ≥ 1), sorted by current and
// spread evenly in log-current: the current range is cut into n bins of
// equal width in log I, and each non-empty bin gives up to q of its points,
// evenly spaced in rank (the bin's median when q = 1), with q the largest
// count that keeps the total within n, and the rest of the budget spent
// one point each on bins with more. Bins with many points (repeated
// measurements, densely sampled ranges) thus give more points when sparse
// ranges leave room, and no range is left out. O(len(points)·log).
func Downsample(points []RIPoint, n int) []RIPoint {
	if n < 1 {
		n = 1
	}
	sorted := sortedByCurrent(points)
	if len(sorted) <= n {
		return sorted
	}
	// The spans of the sorted points that fall in each non-empty bin.
	lo, hi := math.Log(sorted[0].I), math.Log(sorted[len(sorted)-1].I)
	var sizes []int
	bin := func(i float64) int {
		if !(hi > lo) {
			return 0
		}
		b := int(float64(n) * (math.Log(i) - lo) / (hi - lo))
		return min(max(b, 0), n-1)
	}
	type span struct{ start, size int }
	var spans []span
	last := -1
	for k, p := range sorted {
		if b := bin(p.I); b != last {
			spans = append(spans, span{start: k})
			last = b
		}
		spans[len(spans)-1].size++
	}
	for _, sp := range spans {
		sizes = append(sizes, sp.size)
	}
	take := func(q int) int {
		t := 0
		for _, s := range sizes {
			t += min(s, q)
		}
		return t
	}
	// The largest q with take(q) ≤ n (take(1) = len(spans) ≤ n).
	qlo, qhi := 1, n
	for qlo < qhi {
		mid := (qlo + qhi + 1) / 2
		if take(mid) <= n {
			qlo = mid
		} else {
			qhi = mid - 1
		}
	}
	// The rest of the budget: one more point from as many of the bins
	// with more than qlo points, spread evenly over them.
	extra, fuller := n-take(qlo), 0
	for _, s := range sizes {
		if s > qlo {
			fuller++
		}
	}
	out := make([]RIPoint, 0, n)
	c := 0
	for _, sp := range spans {
		m := min(sp.size, qlo)
		if sp.size > qlo {
			if (c+1)*extra/fuller > c*extra/fuller {
				m++
			}
			c++
		}
		for j := range m {
			out = append(out, sorted[sp.start+(2*j+1)*sp.size/(2*m)])
		}
	}
	return out
}

// ErrCSV is wrapped by every ReadRICSV error.
var ErrCSV = errors.New("bad R(I) CSV")

// ReadRICSV reads resistance-versus-current data from CSV. The first
// non-comment row is a header naming the columns (any order, extra columns
// ignored, '#' starts a comment line):
//
//   - "i_A,r_ohm": current (A, > 0) and resistance (Ω, > 0) per row;
//   - "v_V,i_A" (an I–V sweep; used when there is no r_ohm column): rows with
//     I ≤ 0 are skipped (zero and negative branches carry no R(I)
//     information) and R = V/I is computed for the others, which must then
//     be positive.
//
// name labels errors (usually the file name). Errors give the line number;
// at least 5 usable points are required. The file is bounded before it is
// held in memory: at most MaxRICSVBytes, MaxRICSVRows data rows and
// MaxCSVLineBytes per line (so /dev/zero or a 50 MB line fails after
// reading 64 KiB), and errors quote at most 40 bytes of a field.
func ReadRICSV(r io.Reader, name string) ([]RIPoint, error) {
	lim := &csvLimiter{r: r, maxBytes: MaxRICSVBytes, maxLine: MaxCSVLineBytes}
	cr := csv.NewReader(lim)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	fail := func(line int, format string, a ...any) error {
		return fmt.Errorf("%s:%d: %s: %w", name, line, fmt.Sprintf(format, a...), ErrCSV)
	}
	readErr := func(err error) error {
		var le *csvLimitError
		if errors.As(err, &le) {
			return fmt.Errorf("%s:%d: %s: %w", name, le.line, le.msg, ErrCSV)
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return fail(pe.Line, "%v", pe.Err)
		}
		return fmt.Errorf("%s: %v: %w", name, err, ErrCSV)
	}
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty file, expected a header with columns i_A,r_ohm or v_V,i_A: %w", name, ErrCSV)
	}
	if err != nil {
		return nil, readErr(err)
	}
	hline, _ := cr.FieldPos(0)
	col := map[string]int{}
	for k, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := col[h]; dup && (h == "i_A" || h == "r_ohm" || h == "v_V") {
			return nil, fail(hline, "column %q appears twice", h)
		}
		col[h] = k
	}
	ci, okI := col["i_A"]
	cR, okR := col["r_ohm"]
	cv, okV := col["v_V"]
	ivMode := false
	switch {
	case okI && okR:
	case okI && okV:
		ivMode = true
	case !okI:
		return nil, fail(hline, "missing column i_A (header must name i_A,r_ohm or v_V,i_A; got %q)", clip.String(strings.Join(header, ",")))
	default:
		return nil, fail(hline, "missing column r_ohm (or v_V for an I-V file; got %q)", clip.String(strings.Join(header, ",")))
	}
	need := ci
	if ivMode {
		need = max(need, cv)
	} else {
		need = max(need, cR)
	}
	parse := func(line int, rec []string, c int, what string) (float64, error) {
		s := strings.TrimSpace(rec[c])
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, fail(line, "%s: %q is not a number", what, clip.String(s))
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fail(line, "%s: %q is not finite", what, clip.String(s))
		}
		return v, nil
	}
	var pts []RIPoint
	for rows := 0; ; rows++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, readErr(err)
		}
		line, _ := cr.FieldPos(0)
		if rows >= MaxRICSVRows {
			return nil, fail(line, "more than %d data rows (limit %d rows for an R(I) CSV; average repeated measurements or thin the data)", MaxRICSVRows, MaxRICSVRows)
		}
		if len(rec) <= need {
			return nil, fail(line, "expected at least %d fields, got %d", need+1, len(rec))
		}
		i, err := parse(line, rec, ci, "i_A")
		if err != nil {
			return nil, err
		}
		if ivMode {
			v, err := parse(line, rec, cv, "v_V")
			if err != nil {
				return nil, err
			}
			if i <= 0 {
				continue
			}
			res := v / i
			if !(res > 0) || math.IsInf(res, 0) {
				return nil, fail(line, "resistance V/I = %g/%g = %g Ω is not positive and finite", v, i, res)
			}
			pts = append(pts, RIPoint{I: i, R: res})
			continue
		}
		res, err := parse(line, rec, cR, "r_ohm")
		if err != nil {
			return nil, err
		}
		if i <= 0 {
			return nil, fail(line, "i_A = %g: current must be > 0", i)
		}
		if res <= 0 {
			return nil, fail(line, "r_ohm = %g: resistance must be > 0", res)
		}
		pts = append(pts, RIPoint{I: i, R: res})
	}
	if len(pts) < minFitPoints {
		return nil, fmt.Errorf("%s: %d usable data points, need at least %d: %w", name, len(pts), minFitPoints, ErrCSV)
	}
	return pts, nil
}

// Limits of an R(I) or I-V CSV (ReadRICSV), checked while reading.
const (
	// MaxRICSVRows bounds the data rows (comment lines not counted).
	// 100,000 rows read in ~0.1 s; the fit down-samples them (MaxFitPoints).
	MaxRICSVRows = 100_000
	// MaxRICSVBytes bounds the file (100,000 rows take ~4 MB).
	MaxRICSVBytes = 64 << 20
	// MaxCSVLineBytes bounds one line: the CSV reader holds a whole line
	// (a 50 MB line cost 643 MB), and /dev/zero has no line end.
	MaxCSVLineBytes = 64 << 10
)

// csvLimitError is a limit of csvLimiter reached at a line.
type csvLimitError struct {
	line int
	msg  string
}

func (e *csvLimitError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// csvLimiter passes a reader through, failing with a *csvLimitError as
// soon as the input exceeds maxBytes or a line exceeds maxLine bytes.
type csvLimiter struct {
	r                 io.Reader
	maxBytes, maxLine int64
	total, lineLen    int64
	line              int // 1-based line of the next byte
	err               error
}

func (l *csvLimiter) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	if l.line == 0 {
		l.line = 1
	}
	n, err := l.r.Read(p)
	for k, b := range p[:n] {
		l.total++
		if l.total > l.maxBytes {
			l.err = &csvLimitError{l.line, fmt.Sprintf("file larger than %d MiB (limit for an R(I) CSV)", l.maxBytes>>20)}
			return k, l.err
		}
		if b == '\n' {
			l.line++
			l.lineLen = 0
			continue
		}
		l.lineLen++
		if l.lineLen > l.maxLine {
			l.err = &csvLimitError{l.line, fmt.Sprintf("line longer than %d KiB (limit for an R(I) CSV; is it a CSV file?)", l.maxLine>>10)}
			return k, l.err
		}
	}
	return n, err
}

// sortedByCurrent returns a copy of points in increasing current (stable:
// equal currents keep their order).
func sortedByCurrent(points []RIPoint) []RIPoint {
	s := slices.Clone(points)
	slices.SortStableFunc(s, func(a, b RIPoint) int { return cmp.Compare(a.I, b.I) })
	return s
}
