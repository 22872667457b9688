package device

import (
	"fmt"
	"math"
	"reflect"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// FixedParam is a memristor parameter a fit did not adjust: it keeps the
// start value (the default device's unless --params gave another).
type FixedParam struct {
	Name  string  `json:"name"`  // Go field of Memristor
	Key   string  `json:"key"`   // params.json key, with its unit
	Value float64 `json:"value"` // SI
}

// The fit verdicts of FitReport.Verdict.
const (
	FitGood = "good" // RMS error within 1.5× the data's own scatter
	FitFair = "fair" // 1.5–3×: a systematic deviation
	FitPoor = "poor" // above 3×: the model does not describe the data
)

// fitBoundTol is how close (as a fraction of the log search range) a fitted
// value must be to a bound to count as at the bound.
const fitBoundTol = 0.01

// fitQuality fills the quality fields of rep for the optimum best: the
// fixed parameters, the bounds and which free parameters sit at one, the
// uncertainties from the Jacobian of the log10 residuals over pts, the
// data's own scatter and the verdict.
func fitQuality(rep *FitReport, best Memristor, specs []fitSpec, pts, all []RIPoint) {
	rep.Fixed = fixedParams(best, specs)
	n, p := len(pts), len(specs)
	rep.Sigma = make([]float64, p)
	rep.AtBound = make([]string, p)
	for k, s := range specs {
		rep.Lower = append(rep.Lower, s.lo)
		rep.Upper = append(rep.Upper, s.hi)
		u := (math.Log(*s.ptr(&best)) - math.Log(s.lo)) / (math.Log(s.hi) - math.Log(s.lo))
		switch {
		case u <= fitBoundTol:
			rep.AtBound[k] = "lower"
		case u >= 1-fitBoundTol:
			rep.AtBound[k] = "upper"
		}
		rep.Sigma[k] = math.Inf(1)
	}
	// Residuals r(θ) = log10 R_model − log10 R_data; J = ∂r/∂ln θ by
	// central differences; Cov(ln θ) = s²·(JᵀJ)⁻¹, s² = Σr²/(n − p).
	res := func(m Memristor) []float64 {
		out := make([]float64, n)
		for k, q := range pts {
			_, _, r, err := m.SteadyStateAtCurrent(q.I)
			if err != nil || !(r > 0) {
				return nil
			}
			out[k] = math.Log10(r) - math.Log10(q.R)
		}
		return out
	}
	r0 := res(best)
	if r0 != nil && n > p {
		const h = 1e-3
		J := mat.NewDense(n, p, nil)
		ok := true
		for j, s := range specs {
			up, dn := best, best
			*s.ptr(&up) *= math.Exp(h)
			*s.ptr(&dn) *= math.Exp(-h)
			ru, rd := res(up), res(dn)
			if ru == nil || rd == nil {
				ok = false
				break
			}
			for k := range ru {
				J.Set(k, j, (ru[k]-rd[k])/(2*h))
			}
		}
		ss := 0.0
		for _, r := range r0 {
			ss += r * r
		}
		s2 := ss / float64(n-p)
		var A, inv mat.Dense
		A.Mul(J.T(), J)
		if ok && inv.Inverse(&A) == nil {
			for j, s := range specs {
				if v := s2 * inv.At(j, j); v >= 0 && !math.IsNaN(v) {
					rep.Sigma[j] = *s.ptr(&best) * math.Sqrt(v)
				}
			}
		}
	}
	rep.NoiseLog10 = scatterLog10(all)
	ratio := rep.RMSLog10 / rep.NoiseLog10
	switch {
	case math.IsNaN(ratio) || math.IsInf(ratio, 0):
		rep.Verdict = ""
	case ratio <= 1.5:
		rep.Verdict = FitGood
	case ratio <= 3:
		rep.Verdict = FitFair
	default:
		rep.Verdict = FitPoor
	}
	for k, s := range specs {
		if b := rep.AtBound[k]; b != "" {
			lim := s.lo
			if b == "upper" {
				lim = s.hi
			}
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s = %.4g %s is at the %s bound (%.3g %s) of the search: the data do not determine it; the model's form may not fit the data",
				fitKey(s), *s.ptr(&best), s.unit, b, lim, s.unit))
		} else if math.IsInf(rep.Sigma[k], 1) || rep.Sigma[k] > *s.ptr(&best) {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s = %.4g %s is not determined by the data (uncertainty %s): fix it (leave it out of --free) or measure where it matters",
				fitKey(s), *s.ptr(&best), s.unit, fmtSigma(rep.Sigma[k], s.unit)))
		}
	}
	switch rep.Verdict {
	case FitPoor:
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("RMS log10 R error %.3g is %.0f× the data's own scatter (%.3g, from neighbouring points): the compact model R(I) ≈ Vth/I − r_d does not describe these data, so the fitted parameters are not a description of the device",
			rep.RMSLog10, ratio, rep.NoiseLog10))
	case FitFair:
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("RMS log10 R error %.3g is %.1f× the data's own scatter (%.3g): a systematic deviation (see the residuals in fit.csv)",
			rep.RMSLog10, ratio, rep.NoiseLog10))
	}
}

func fmtSigma(s float64, unit string) string {
	if math.IsInf(s, 0) || math.IsNaN(s) {
		return "unbounded"
	}
	return fmt.Sprintf("±%.2g %s", s, unit)
}

// fitKey is the params.json key of a fit parameter.
func fitKey(s fitSpec) string {
	t := reflect.TypeOf(Memristor{})
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Name == s.name {
			if k, _, _ := strings.Cut(f.Tag.Get("json"), ","); k != "" {
				return k
			}
		}
	}
	return s.name
}

// fixedParams lists the float parameters of m that are not among specs.
func fixedParams(m Memristor, specs []fitSpec) []FixedParam {
	free := map[string]bool{}
	for _, s := range specs {
		free[s.name] = true
	}
	var out []FixedParam
	v := reflect.ValueOf(m)
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Type.Kind() != reflect.Float64 || free[f.Name] {
			continue
		}
		k, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if k == "" || k == "-" {
			continue
		}
		out = append(out, FixedParam{Name: f.Name, Key: k, Value: v.Field(i).Float()})
	}
	return out
}

// scatterLog10 estimates the data's own scatter (standard deviation of
// log10 R) without a model: each point against the straight line in
// log I–log R through its two neighbours, e = y_k − (w·y_{k−1} + (1−w)·y_{k+1}),
// whose variance for independent noise σ is σ²·(1 + w² + (1 − w)²). NaN
// with fewer than 5 points of distinct currents.
func scatterLog10(points []RIPoint) float64 {
	pts := sortedByCurrent(points)
	var sum float64
	var cnt int
	for k := 1; k+1 < len(pts); k++ {
		x0, x1, x2 := math.Log(pts[k-1].I), math.Log(pts[k].I), math.Log(pts[k+1].I)
		if !(x2 > x0) {
			continue
		}
		w := (x2 - x1) / (x2 - x0)
		y0, y1, y2 := math.Log10(pts[k-1].R), math.Log10(pts[k].R), math.Log10(pts[k+1].R)
		e := y1 - (w*y0 + (1-w)*y2)
		sum += e * e / (1 + w*w + (1-w)*(1-w))
		cnt++
	}
	if cnt < 3 {
		return math.NaN()
	}
	return math.Sqrt(sum / float64(cnt))
}
