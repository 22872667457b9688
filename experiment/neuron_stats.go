package experiment

// Numbers derived from the neuron runners' results (neuron.go), for the
// report: package report only maps them to files and figures.

import "slices"

// VoutDiff is, at each input current of the DC comparison, our Vout minus
// ngspice's (V); nil without a run.
func (r *NeuronSpiceResult) VoutDiff() []float64 {
	if !r.Ran {
		return nil
	}
	diff := make([]float64, len(r.Ours.I))
	for k := range diff {
		diff[k] = r.Ours.Vout[k] - r.Spice.Vout[k]
	}
	return diff
}

// CurveSpread is the spread of the normalised transfer curves Vout/VDD of
// a population at the input currents I (A) they share: the lowest, the
// median (the mean of the middle two for an even count) and the highest.
type CurveSpread struct {
	I, Min, Median, Max []float64
}

// NormalizedSpread is the spread of the solved neurons' Vout/VDD (each
// over its own VDD); ok is false for fewer than two curves or when they
// do not share their currents.
func (r *NeuronMonteCarloResult) NormalizedSpread() (s CurveSpread, ok bool) {
	var curves [][]float64
	for _, x := range r.Samples {
		if x.Err != nil {
			continue
		}
		if s.I == nil {
			s.I = x.Curve.I
		}
		if len(x.Curve.I) != len(s.I) || len(x.Curve.Vout) != len(s.I) {
			return CurveSpread{}, false
		}
		for k := range s.I {
			if x.Curve.I[k] != s.I[k] {
				return CurveSpread{}, false
			}
		}
		y := make([]float64, len(x.Curve.Vout))
		for k, v := range x.Curve.Vout {
			y[k] = v * (1 / x.Curve.VDD)
		}
		curves = append(curves, y)
	}
	if len(curves) < 2 {
		return CurveSpread{}, false
	}
	v := make([]float64, len(curves))
	for k := range s.I {
		for i, c := range curves {
			v[i] = c[k]
		}
		slices.Sort(v)
		m := v[len(v)/2]
		if len(v)%2 == 0 {
			m = (v[len(v)/2-1] + m) / 2
		}
		s.Min, s.Median, s.Max = append(s.Min, v[0]), append(s.Median, m), append(s.Max, v[len(v)-1])
	}
	return s, true
}
