package neuron

import (
	"errors"
	"fmt"
	"math"

	"github.com/mrelu/mrelu/circuit"
)

// TransferCurve is a solved DC transfer curve Vout(I) of one neuron: one
// row per input current, from a DC sweep with continuation.
type TransferCurve struct {
	// VDD is the supply in V.
	VDD float64
	// I holds the input currents in A (into the mirror; negative values
	// flow out of it, through the clamp).
	I []float64
	// Vout is the output node voltage in V.
	Vout []float64
	// Vin is the mirror input node voltage in V.
	Vin []float64
	// State is the memristor state x.
	State []float64
	// ISupply is the current delivered by the VDD supply in A (≥ 0).
	ISupply []float64
	// CCrit is the critical output-node capacitance in F at each point:
	// above it the operating point is unstable and the neuron oscillates
	// instead of settling (small-signal Hopf bound, see StabilityLimit);
	// +Inf where no capacitance destabilises it.
	CCrit []float64
}

// Transfer solves the DC transfer curve of the neuron at the given input
// currents (A) by a DC sweep with continuation from each point to the
// next. The currents should be increasing (the continuation follows the
// branch the previous point is on). An error wraps
// circuit.ErrNoConvergence and names the current.
func Transfer(n *Circuit, currents []float64) (*TransferCurve, error) {
	if len(currents) == 0 {
		return nil, errors.New("neuron: transfer: no currents")
	}
	r, err := n.C.DCSweep(SourceIn, currents)
	if err != nil {
		return nil, fmt.Errorf("neuron: transfer: %w", err)
	}
	c := &TransferCurve{VDD: n.Params.VDD, I: append([]float64(nil), currents...)}
	if c.Vout, c.Vin, c.State, c.ISupply, err = readColumns(r); err != nil {
		return nil, fmt.Errorf("neuron: transfer: %w", err)
	}
	c.setCCrit(n)
	return c, nil
}

// setCCrit sets c.CCrit to the stability limit of every point of c.
func (c *TransferCurve) setCCrit(n *Circuit) {
	c.CCrit = make([]float64, len(c.I))
	for k := range c.I {
		c.CCrit[k] = n.StabilityLimit(c.Vout[k], c.Vin[k], c.State[k])
	}
}

// columns is a result table of the neuron's circuit: a DC sweep, a
// transient or an ngspice run.
type columns interface {
	Voltage(node string) ([]float64, error)
	Current(element string) ([]float64, error)
	State(element string) ([]float64, error)
}

// readColumns returns the output and input voltages, the memristor state
// and the current the VDD supply delivers (≥ 0: the table's SPICE sign,
// negative for a delivering supply, flipped) from t.
func readColumns(t columns) (vout, vin, x, isupply []float64, err error) {
	var errs []error
	col := func(v []float64, err error) []float64 {
		errs = append(errs, err)
		return v
	}
	vout, vin = col(t.Voltage(NodeOut)), col(t.Voltage(NodeIn))
	x, isupply = col(t.State(ElemMemristor)), col(t.Current(SourceVDD))
	if err := errors.Join(errs...); err != nil {
		return nil, nil, nil, nil, err
	}
	for k := range isupply {
		isupply[k] = -isupply[k]
	}
	return vout, vin, x, isupply, nil
}

// Linspace returns n values evenly spaced from a to b inclusive (n ≥ 2;
// n = 1 gives {a}): a + (b−a)·k/(n−1), the last exactly b. It is the
// project's one linspace; gonum's floats.Span computes a + k·((b−a)/(n−1)),
// which rounds differently and would move the currents of every transfer
// curve in their last bits.
func Linspace(a, b float64, n int) []float64 {
	if n <= 0 {
		return nil
	}
	if n == 1 {
		return []float64{a}
	}
	out := make([]float64, n)
	for k := range out {
		out[k] = a + (b-a)*float64(k)/float64(n-1)
	}
	out[n-1] = b
	return out
}

// StabilityLimit returns the critical output-node capacitance in F of the
// operating point (Vout, Vin, x): the small-signal linearisation of the
// output node with the memristor's state,
//
//	(C·s + G + g_v)·(s − f_x) + g_x·f_v = 0,
//
// (g_v = ∂i/∂v, g_x = ∂i/∂x, f_v = ∂f/∂v, f_x = ∂f/∂x of the memristor at
// fixed voltage; G = the other conductances on the node) has roots in the
// left half-plane for every C when f_x ≤ 0, and for C < (G + g_v)/f_x when
// f_x > 0 (on the NDR branch the set feedback makes f_x > 0). At larger C
// the node oscillates: the classic relaxation oscillator of a
// current-driven S-type device with a parallel capacitance. C counts every
// capacitance on the output node (OutputCapacitance). It returns +Inf when
// no capacitance destabilises the point, and 0 when the point is unstable
// even at C = 0 (a DC-unstable point, which the solver should not return).
// The mirror input node is treated as an AC ground (its time constant,
// ~0.1 µs, is far below the memristor's).
func (n *Circuit) StabilityLimit(vout, vin, x float64) float64 {
	m := &n.Devices.Memristor
	v := n.Params.VDD - vout
	_, gv, gx := m.Current(v, x)
	_, fv, fx := m.StateRate(v, x)
	_, _, gds := n.Devices.Output.Ids(vin, vout)
	g := 1/n.Params.RLoad + gds + n.gmin()
	if gx*fv-(g+gv)*fx <= 0 {
		return 0
	}
	if fx <= 0 {
		return math.Inf(1)
	}
	return (g + gv) / fx
}

func (n *Circuit) gmin() float64 {
	if g := n.C.Options.Gmin; g > 0 {
		return g
	}
	if n.C.Options.Gmin < 0 {
		return 0
	}
	return circuit.DefaultOptions().Gmin
}

// TransferMetrics summarise a transfer curve as a ReLU.
type TransferMetrics struct {
	// VDD is the supply in V.
	VDD float64 `json:"vdd_V"`
	// MaxVoutNonPositive is the largest Vout at an input ≤ 0 (V; NaN if the
	// curve has no such input). A ReLU needs it below 0.05 V.
	MaxVoutNonPositive float64 `json:"max_vout_nonpositive_input_V"`
	// Floor is Vout at the lowest input (V).
	Floor float64 `json:"floor_V"`
	// ThresholdCurrent is the first input current (A, > 0) at which Vout
	// reaches Floor + 0.05 V: where the output starts to rise. Interpolated
	// between sweep points; NaN if never.
	ThresholdCurrent float64 `json:"threshold_current_A"`
	// I90 is the first input current (A) at which Vout reaches 90 % of VDD;
	// NaN if it never does.
	I90 float64 `json:"i_at_90pct_vdd_A"`
	// MaxVout is the largest Vout (V) and IAtMax the current where it
	// occurs (A).
	MaxVout float64 `json:"max_vout_V"`
	IAtMax  float64 `json:"i_at_max_vout_A"`
	// Slope (V/A), Intercept (V) and R2 describe the least-squares line
	// Vout = Slope·I + Intercept through the rising part of the curve
	// between 10 % and 90 % of the swing (Floor … MaxVout); FitFrom/FitTo
	// are its current range (A) and FitPoints the number of points. The
	// line crosses Vout = Floor at LineZero (A), the knee of the ideal ReLU
	// it approximates. MaxLineDev is the largest |Vout − line| in the range
	// (V).
	Slope      float64 `json:"slope_V_per_A"`
	Intercept  float64 `json:"intercept_V"`
	R2         float64 `json:"r2"`
	FitFrom    float64 `json:"fit_from_A"`
	FitTo      float64 `json:"fit_to_A"`
	FitPoints  int     `json:"fit_points"`
	LineZero   float64 `json:"line_zero_A"`
	MaxLineDev float64 `json:"max_line_dev_V"`
	// Monotone reports whether Vout never decreases with the current
	// (within 1 µV, the solver tolerance). LargestDrop is the largest
	// decrease from a running maximum (V) and DropAt the current where it
	// is largest (A).
	Monotone    bool    `json:"monotone"`
	LargestDrop float64 `json:"largest_drop_V"`
	DropAt      float64 `json:"largest_drop_at_A"`
	// AboveVDD reports whether any Vout exceeds VDD (+1 µV); BelowZero
	// whether any is below −1 µV.
	AboveVDD  bool `json:"above_vdd"`
	BelowZero bool `json:"below_zero"`
}

// monotoneTol is the decrease in V tolerated before a curve counts as
// non-monotone: the DC solver's voltage tolerance scale.
const monotoneTol = 1e-6

// crossing returns the first current at which v reaches level, by linear
// interpolation, searching from index from; NaN if never.
func crossing(i, v []float64, level float64, from int) float64 {
	for k := max(from, 0); k < len(v); k++ {
		if v[k] >= level {
			if k == 0 || v[k-1] >= level {
				return i[k]
			}
			a := (level - v[k-1]) / (v[k] - v[k-1])
			return i[k-1] + a*(i[k]-i[k-1])
		}
	}
	return math.NaN()
}

// Metrics computes the ReLU figures of the curve (see TransferMetrics).
func (c *TransferCurve) Metrics() TransferMetrics {
	m := TransferMetrics{VDD: c.VDD, MaxVoutNonPositive: math.NaN(), Monotone: true}
	n := len(c.I)
	if n == 0 {
		return m
	}
	m.Floor = c.Vout[0]
	kmax := 0
	for k := range c.Vout {
		if c.Vout[k] > c.Vout[kmax] {
			kmax = k
		}
		if c.I[k] <= 0 && (math.IsNaN(m.MaxVoutNonPositive) || c.Vout[k] > m.MaxVoutNonPositive) {
			m.MaxVoutNonPositive = c.Vout[k]
		}
		if c.Vout[k] > c.VDD+monotoneTol {
			m.AboveVDD = true
		}
		if c.Vout[k] < -monotoneTol {
			m.BelowZero = true
		}
	}
	m.MaxVout, m.IAtMax = c.Vout[kmax], c.I[kmax]
	run := c.Vout[0]
	for k := 1; k < n; k++ {
		if d := run - c.Vout[k]; d > m.LargestDrop {
			m.LargestDrop, m.DropAt = d, c.I[k]
		}
		run = math.Max(run, c.Vout[k])
	}
	m.Monotone = m.LargestDrop <= monotoneTol

	first := 0 // first positive input
	for first < n && c.I[first] <= 0 {
		first++
	}
	m.ThresholdCurrent = crossing(c.I, c.Vout, m.Floor+0.05, first)
	m.I90 = crossing(c.I, c.Vout, 0.9*c.VDD, 0)

	// Line through the rising part, 10 %..90 % of the swing, up to the
	// maximum.
	lo := m.Floor + 0.1*(m.MaxVout-m.Floor)
	hi := m.Floor + 0.9*(m.MaxVout-m.Floor)
	var sx, sy, sxx, sxy, cnt float64
	m.FitFrom, m.FitTo = math.NaN(), math.NaN()
	for k := first; k <= kmax; k++ {
		if c.Vout[k] < lo || c.Vout[k] > hi {
			continue
		}
		if cnt == 0 {
			m.FitFrom = c.I[k]
		}
		m.FitTo = c.I[k]
		x, y := c.I[k], c.Vout[k]
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
		cnt++
	}
	m.FitPoints = int(cnt)
	m.Slope, m.Intercept, m.R2, m.LineZero = math.NaN(), math.NaN(), math.NaN(), math.NaN()
	if cnt >= 3 {
		mx, my := sx/cnt, sy/cnt
		den := sxx - cnt*mx*mx
		if den > 0 {
			m.Slope = (sxy - cnt*mx*my) / den
			m.Intercept = my - m.Slope*mx
			var ssr, sst float64
			for k := first; k <= kmax; k++ {
				if c.Vout[k] < lo || c.Vout[k] > hi {
					continue
				}
				f := m.Slope*c.I[k] + m.Intercept
				ssr += (c.Vout[k] - f) * (c.Vout[k] - f)
				sst += (c.Vout[k] - my) * (c.Vout[k] - my)
				m.MaxLineDev = math.Max(m.MaxLineDev, math.Abs(c.Vout[k]-f))
			}
			if sst > 0 {
				m.R2 = 1 - ssr/sst
			}
			if m.Slope != 0 {
				m.LineZero = (m.Floor - m.Intercept) / m.Slope
			}
		}
	}
	return m
}

// Envelope returns the monotone envelope of the curve that the network
// level uses: the running maximum of Vout from the lowest current up,
// clipped to [0, VDD]. Where the raw curve is non-decreasing it is the raw
// curve; it flattens the small dip just above zero input (the memristor
// passing the peak of its S-curve, ~17 mV with the defaults) and the slow
// decline beyond saturation (the on-resistance, ~0.02 V/µA).
func (c *TransferCurve) Envelope() []float64 {
	out := make([]float64, len(c.Vout))
	run := math.Inf(-1)
	for k, v := range c.Vout {
		run = math.Max(run, v)
		out[k] = math.Min(math.Max(run, 0), c.VDD)
	}
	return out
}

// EnvelopeDeviation returns the largest |Envelope − Vout| in V.
func (c *TransferCurve) EnvelopeDeviation() float64 {
	d := 0.0
	for k, e := range c.Envelope() {
		d = math.Max(d, math.Abs(e-c.Vout[k]))
	}
	return d
}
