package experiment

// Numbers derived from the device runners' results, for the report.

import (
	"fmt"
	"math"
	"slices"

	"github.com/mrelu/mrelu/device"
)

// ---------------------------------------------------------------------------
// Derived numbers of the device runs (package report only maps them to
// files)

// DeviceIVStats are the numbers derived from an I-V run.
type DeviceIVStats struct {
	// Overlap reports whether the set and hold distributions overlap (max
	// hold ≥ min set; false when either is empty); Gap is min set − max
	// hold (V).
	Overlap bool
	Gap     float64
	// SetAboveHold, NoSet and NoHold count the cycles with set > hold,
	// without a set and without a hold voltage.
	SetAboveHold, NoSet, NoHold int
	// MaxFinalState is the largest state x at 0 V after a backward sweep.
	MaxFinalState float64
	// NegativeMaxOverIcc is the negative sweep's largest |I| over Icc.
	NegativeMaxOverIcc float64
	// NullReason says why the set or hold statistics are empty ("" when
	// both have values or no cycle ran).
	NullReason string
	// PlottedCycles are up to five evenly spread cycles (0-based).
	PlottedCycles []int
}

// Stats derives the I-V run's summary numbers.
func (r *DeviceIVResult) Stats() DeviceIVStats {
	sw := r.Sweep
	s := DeviceIVStats{Overlap: sw.Hold.Max >= sw.Set.Min, Gap: sw.Set.Min - sw.Hold.Max,
		NegativeMaxOverIcc: sw.NegativeMaxCurrent / r.Config.Icc}
	if math.IsNaN(sw.Hold.Max) || math.IsNaN(sw.Set.Min) {
		s.Overlap = false
	}
	for _, c := range sw.Cycles {
		switch {
		case math.IsNaN(c.Set):
			s.NoSet++
		case math.IsNaN(c.Hold):
			s.NoHold++
		case c.Set > c.Hold:
			s.SetAboveHold++
		}
		if n := len(c.Backward); n > 0 {
			s.MaxFinalState = math.Max(s.MaxFinalState, c.Backward[n-1].X)
		}
	}
	switch {
	case len(sw.Cycles) == 0:
	case sw.Set.N == 0:
		s.NullReason = fmt.Sprintf("no cycle reached Icc/2 = %g A on the way up to v_max = %g V: the device never switched, so set_V and hold_V have no values",
			0.5*r.Config.Icc, r.Config.VMax)
	case sw.Hold.N == 0:
		s.NullReason = fmt.Sprintf("in no cycle did |I| drop below Icc/2 = %g A on the way back to 0 V: the device never released, so hold_V has no values",
			0.5*r.Config.Icc)
	}
	s.PlottedCycles = ivPlotCycles(len(sw.Cycles))
	return s
}

// CDF is an empirical distribution: the finite values X in increasing
// order and, at each, the percentage of them at or below it (0..100].
type CDF struct {
	X, Percent []float64
}

// newCDF is the distribution of the values of v that are not NaN.
func newCDF(v []float64) CDF {
	var c CDF
	for _, a := range v {
		if !math.IsNaN(a) {
			c.X = append(c.X, a)
		}
	}
	slices.Sort(c.X)
	for k := range c.X {
		c.Percent = append(c.Percent, 100*float64(k+1)/float64(len(c.X)))
	}
	return c
}

// VoltageCDFs are the distributions of the set and of the hold voltages
// over the cycles (Fig. 3b).
func (r *DeviceIVResult) VoltageCDFs() (set, hold CDF) {
	return newCDF(r.Sweep.SetVoltages()), newCDF(r.Sweep.HoldVoltages())
}

// ivPlotCycles picks up to five evenly spread cycles (0-based) to overlay.
func ivPlotCycles(n int) []int {
	var out []int
	for k := 0; k < 5 && k < n; k++ {
		c := 0
		if n > 1 {
			c = int(math.Round(float64(k) * float64(n-1) / float64(min(4, n-1))))
		}
		if len(out) == 0 || out[len(out)-1] != c {
			out = append(out, c)
		}
	}
	return out
}

// PulseLevelStats is the pulse-to-pulse variation at one current level of
// the pulse train.
type PulseLevelStats struct {
	Current float64
	R       device.Stats // R = V/I at the end of each pulse
	// CV is σ/mean and RelSpread (max − min)/median of R; NominalR and
	// NominalRelSpread the same without variation.
	CV, RelSpread              float64
	NominalR, NominalRelSpread float64
}

func pulseLevelStats(i float64, s, nominal device.Stats) PulseLevelStats {
	return PulseLevelStats{Current: i, R: s, CV: s.Std / s.Mean, RelSpread: s.RelativeSpread(),
		NominalR: nominal.Median, NominalRelSpread: nominal.RelativeSpread()}
}

// DevicePulseStats are the numbers derived from a pulse run.
type DevicePulseStats struct {
	// LatencyRatio and EnergyRatio are the single pulse's latency and
	// energy over the paper's (Fig. 3f).
	LatencyRatio, EnergyRatio float64
	// Switched reports whether the pulse set the device (zero-bias R at
	// its end below 0.9·R insulating); Relaxation is the relaxation time,
	// 0 when it did not switch.
	Switched   bool
	Relaxation float64
	// Low and High are the pulse train's two current levels.
	Low, High PulseLevelStats
}

// Stats derives the pulse run's summary numbers.
func (r *DevicePulseResult) Stats() DevicePulseStats {
	sp, rl := r.Single, r.Relaxation
	s := DevicePulseStats{LatencyRatio: sp.Latency / PaperLatency, EnergyRatio: sp.Energy / PaperEnergy,
		Switched: rl.RSet < 0.9*rl.RInsulating, Relaxation: rl.RelaxationTime}
	if !s.Switched {
		s.Relaxation = 0
	}
	tc := r.Train.Config
	s.Low = pulseLevelStats(tc.ILow, r.Train.Low, r.TrainNominal.Low)
	s.High = pulseLevelStats(tc.IHigh, r.Train.High, r.TrainNominal.High)
	return s
}

// SingleEnergy is the device energy of the single pulse at each sample of
// its waveform (J): the integral of V·I from the pulse onset (t = 0), by
// the trapezoid rule (0 before the onset).
func (r *DevicePulseResult) SingleEnergy() []float64 {
	w := r.Single.Waveform
	out := make([]float64, len(w))
	energy := 0.0
	for k, p := range w {
		if k > 0 && p.T > 0 {
			a := w[k-1]
			lo := math.Max(a.T, 0)
			if p.T > lo && p.T != a.T {
				// trapezoid of V·I over [lo, p.T], a at a.T interpolated to lo
				pa := a.V*a.I + (lo-a.T)/(p.T-a.T)*(p.V*p.I-a.V*a.I)
				energy += 0.5 * (pa + p.V*p.I) * (p.T - lo)
			}
		}
		out[k] = energy
	}
	return out
}

// CurrentRange returns the smallest and largest current of the fit's
// data points (+Inf, 0 without points).
func (r *DeviceFitResult) CurrentRange() [2]float64 {
	out := [2]float64{math.Inf(1), 0}
	for _, p := range r.Points {
		out[0], out[1] = math.Min(out[0], p.I), math.Max(out[1], p.I)
	}
	return out
}

// RowHold returns the tabulated memristor's hold voltage at each table
// row's current.
func (r *DeviceTabulateResult) RowHold() []float64 {
	out := make([]float64, len(r.Prep.Rows))
	for k, p := range r.Prep.Rows {
		out[k], _ = r.Params.Memristor.HoldVoltage(p.I)
	}
	return out
}

// DeviceSweepStats are the numbers derived from a current sweep.
type DeviceSweepStats struct {
	// R0 is the zero-bias resistance (the I = 0 point); GMax the largest
	// conductance; Monotone whether R falls at every step.
	R0         float64
	GMax       float64
	GMaxOverG0 float64
	Monotone   bool
	// MaxDev is the largest |V − Vhold(I)| at I ≥ 0.1 µA (NaN: none).
	MaxDev float64
	// Decades is log10 of the first over the last non-zero-current R.
	Decades float64
}

// Stats derives the sweep's summary numbers.
func (r *DeviceSweepResult) Stats() DeviceSweepStats {
	m := r.Params.Memristor
	s := DeviceSweepStats{Monotone: true, MaxDev: math.NaN()}
	var first, last float64
	n := 0
	for k, p := range r.Points {
		s.GMax = math.Max(s.GMax, p.G)
		if k > 0 && !(p.R < r.Points[k-1].R) {
			s.Monotone = false
		}
		if p.I == 0 {
			s.R0 = p.R
			continue
		}
		if n == 0 {
			first = p.R
		}
		last = p.R
		n++
		if p.I >= 0.1e-6 {
			h, _ := m.HoldVoltage(p.I) // Vth − RD·I; a table's hold voltage
			d := math.Abs(p.V - h)
			if math.IsNaN(s.MaxDev) || d > s.MaxDev {
				s.MaxDev = d
			}
		}
	}
	if n > 0 {
		s.Decades = math.Log10(first / last)
	}
	s.GMaxOverG0 = s.GMax / device.G0
	return s
}

// DeviceTFTStats are the numbers derived from a TFT run.
type DeviceTFTStats struct {
	// IdOn and IdOff are the nominal TFT's drain current at (VgsMax,
	// VdsVth) and (VgsMin, VdsVth).
	IdOn, IdOff float64
	// Vth and VthExtracted summarise the sampled and the extracted
	// thresholds.
	Vth, VthExtracted device.Stats
}

// Stats derives the TFT run's summary numbers.
func (r *DeviceTFTResult) Stats() DeviceTFTStats {
	t, c := r.Params.TFT, r.Config
	var s DeviceTFTStats
	s.IdOn, _, _ = t.Ids(c.VgsMax, c.VdsVth)
	s.IdOff, _, _ = t.Ids(c.VgsMin, c.VdsVth)
	vths := make([]float64, len(r.Devices))
	for k, d := range r.Devices {
		vths[k] = d.Vth
	}
	s.Vth = device.Summarize(vths)
	s.VthExtracted = device.Summarize(r.VthExtracted)
	return s
}
