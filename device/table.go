package device

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/mrelu/mrelu/internal/clip"
	"github.com/mrelu/mrelu/internal/pchip"
)

// MaxTableRows bounds the rows of a tabulated memristor (Table): a
// measured R(I) has tens to hundreds; the SPICE export writes one
// expression segment per row.
const MaxTableRows = 1000

// Table is a measured current-controlled steady state of the memristor,
// used directly instead of the compact model's form Vth − RD·I (docs/
// device.md §1b, "tabulated devices"): at each current I[k] (A) the
// device holds V[k] (V), i.e. R(I[k]) = V[k]/I[k].
//
// What the table replaces is the set threshold: the compact drive
// (v + RD·i − Vth)/V0 becomes (v − Vhold(i))/V0, where the hold voltage
// Vhold(i) is a monotone (Fritsch–Carlson) cubic through knots computed
// so that the model's steady state passes exactly through every row: at
// row k the conduction law gives the state x_k that carries I[k] at V[k],
// and Vhold(I[k]) = V[k] − V0·(logit(q_k) + ln(TauRelax/TauSet)) with
// q_k = x_k·TauSet/((1−x_k)·TauRelax) (the balance of set and relaxation).
// Below the first row Vhold continues linearly (the first segment's end
// tangent) down to zero current; Vhold(i ≤ 0) = Vhold(0) (no switching
// under negative bias); above the last row it continues linearly with
// the last tangent. Conduction (GMin, GMax, Gap0, Lambda, VNL), the
// kinetics (V0, TauRelax, TauSet, TauSetTh, VA) and the variation stay
// the compact model's; the fields Vth and RD are not used (Threshold and
// EffectiveRD stand for them).
//
// Build a Table with NewTable (or decode it from JSON; Memristor.Validate
// checks it); do not copy a Table value, share the pointer. The exported
// fields must not change once the table is in use.
type Table struct {
	// I is the current of each row in A: finite, > 0, strictly increasing.
	I []float64 `json:"i_A"`
	// V is the steady-state device voltage at I in V: finite, > 0, and
	// V/I (the resistance) non-increasing from row to row (a volatile
	// threshold switch conducts more the more current it carries; every
	// operating point under current control is then on the switched
	// branch).
	V []float64 `json:"v_V"`
	// ShiftV is added to the hold voltage Vhold in V (default 0): the
	// device-to-device and cycle-to-cycle variation of the threshold
	// (DeviceVariation, CycleVariation), or a threshold moved by hand
	// (WithThreshold).
	ShiftV float64 `json:"shift_V,omitempty"`
	// Source names where the rows came from (a file name; informational,
	// at most 300 bytes).
	Source string `json:"source,omitempty"`
	// DefaultKinetics lists the JSON keys of the kinetic parameters that
	// were left at their defaults when the table was made (informational:
	// the latency and energy of a tabulated device rest on them).
	DefaultKinetics []string `json:"default_kinetics,omitempty"`

	cache atomic.Pointer[holdCurve]
}

// KineticKeys are the JSON keys of the memristor parameters a measured
// steady state does not determine: they set how fast the device switches
// and relaxes (latency, energy, relaxation), not R(I).
var KineticKeys = []string{"v0_V", "tau_relax_s", "tau_set_s", "tau_set_th_s", "v_acc_V"}

// ErrTable is wrapped by every error about a table's rows.
var ErrTable = errors.New("bad memristor table")

// NewTable returns the table of the rows (i[k] A, v[k] V); source names
// where they came from. It copies the slices. The rows are checked
// against the memristor that uses them by Memristor.Validate.
func NewTable(i, v []float64, source string) (*Table, error) {
	t := &Table{I: append([]float64(nil), i...), V: append([]float64(nil), v...), Source: source}
	if err := t.checkRows(); err != nil {
		return nil, err
	}
	return t, nil
}

// TableFromRI returns the table of resistance–current points (the rows of
// an R(I) CSV, device.ReadRICSV): V = R·I. The points must have strictly
// increasing currents (see SortRI).
func TableFromRI(pts []RIPoint, source string) (*Table, error) {
	i, v := make([]float64, len(pts)), make([]float64, len(pts))
	for k, p := range pts {
		i[k], v[k] = p.I, p.R*p.I
	}
	return NewTable(i, v, source)
}

// rowErr names the row (1-based, as in a file) and the key.
func rowErr(k int, key string, val float64, why string) error {
	return fmt.Errorf("memristor.table (json \"table\") row %d: %s = %g: %s: %w", k+1, key, val, why, ErrTable)
}

// checkRows checks what does not depend on the memristor: sizes,
// finiteness, order and the falling resistance.
func (t *Table) checkRows() error {
	n := len(t.I)
	if n != len(t.V) {
		return fmt.Errorf("memristor.table: \"i_A\" has %d rows, \"v_V\" %d: %w", n, len(t.V), ErrTable)
	}
	if n < 2 {
		return fmt.Errorf("memristor.table: %d rows, need at least 2: %w", n, ErrTable)
	}
	if n > MaxTableRows {
		return fmt.Errorf("memristor.table: %d rows, at most %d: %w", n, MaxTableRows, ErrTable)
	}
	if len(t.Source) > 300 {
		return fmt.Errorf("memristor.table: \"source\" is %d bytes, at most 300: %w", len(t.Source), ErrTable)
	}
	if math.IsNaN(t.ShiftV) || math.IsInf(t.ShiftV, 0) || math.Abs(t.ShiftV) > 100 {
		return fmt.Errorf("memristor.table: \"shift_V\" = %g V must be finite and within ±100 V: %w", t.ShiftV, ErrTable)
	}
	if len(t.DefaultKinetics) > len(KineticKeys) {
		return fmt.Errorf("memristor.table: \"default_kinetics\" lists %d keys, at most %d: %w", len(t.DefaultKinetics), len(KineticKeys), ErrTable)
	}
	for _, k := range t.DefaultKinetics {
		if !isKineticKey(k) {
			return fmt.Errorf("memristor.table: \"default_kinetics\": %q is not one of %s: %w", clip.String(k), strings.Join(KineticKeys, ", "), ErrTable)
		}
	}
	for k := 0; k < n; k++ {
		i, v := t.I[k], t.V[k]
		switch {
		case math.IsNaN(i) || math.IsInf(i, 0) || i <= 0:
			return rowErr(k, "i_A", i, "current must be finite and > 0 A")
		case math.IsNaN(v) || math.IsInf(v, 0) || v <= 0:
			return rowErr(k, "v_V", v, "voltage must be finite and > 0 V")
		case k > 0 && i <= t.I[k-1]:
			return rowErr(k, "i_A", i, fmt.Sprintf("currents must increase strictly (row %d has %g A)", k, t.I[k-1]))
		case k > 0 && v/i > t.V[k-1]/t.I[k-1]*(1+1e-9):
			return rowErr(k, "v_V", v, fmt.Sprintf("the resistance rises from %.4g Ω (row %d) to %.4g Ω: a volatile threshold switch's R(I) must not rise with the current (pool the rows: mrelu device tabulate does by default)",
				t.V[k-1]/t.I[k-1], k, v/i))
		}
	}
	return nil
}

func isKineticKey(k string) bool {
	for _, x := range KineticKeys {
		if x == k {
			return true
		}
	}
	return false
}

// holdKey holds the parameters the hold voltage depends on.
type holdKey struct {
	gmin, gmax, gap0, lambda, vnl, v0, taur, taus, shift float64
}

// holdCurve is Vhold on the table's knots with its tangents.
type holdCurve struct {
	key     holdKey
	i, h, m []float64
	h0      float64 // Vhold(0)
	x       []float64
	err     error
}

func (m *Memristor) holdKey() holdKey {
	return holdKey{m.GMin, m.GMax, m.Gap0, m.Lambda, m.VNL, m.V0, m.TauRelax, m.TauSet, m.Table.ShiftV}
}

// hold returns the hold curve of m's table for m's parameters, computing
// it on first use (and again when the parameters differ from the cached
// ones; a sampled device gets a table of its own).
func (m *Memristor) hold() *holdCurve {
	k := m.holdKey()
	if c := m.Table.cache.Load(); c != nil && c.key == k {
		return c
	}
	c := m.buildHold(k)
	m.Table.cache.Store(c)
	return c
}

// NeededState returns, for row k of the table, the conductance (S) and
// state x the conduction law needs to carry I[k] at V[k].
func (m *Memristor) neededState(k int) (g, x float64) {
	s, _ := m.shape(m.Table.V[k])
	g = m.Table.I[k] / s
	x = 1 + math.Log((g-m.GMin)/(m.GMax-m.GMin))*m.Lambda/m.Gap0
	return g, x
}

func (m *Memristor) buildHold(key holdKey) *holdCurve {
	t := m.Table
	c := &holdCurve{key: key}
	if c.err = t.checkRows(); c.err != nil {
		return c
	}
	n := len(t.I)
	c.i, c.h, c.x = t.I, make([]float64, n), make([]float64, n)
	l := math.Log(m.TauRelax / m.TauSet)
	g0, _ := m.Conductance(0)
	g1, _ := m.Conductance(1)
	for k := 0; k < n; k++ {
		g, x := m.neededState(k)
		if !(g > g0) {
			c.err = rowErr(k, "v_V", t.V[k], fmt.Sprintf("R = %.4g Ω needs a conductance of %.4g S, not above the relaxed device's %.4g S (raise \"g_max_S\" or lower \"g_min_S\")", t.V[k]/t.I[k], g, g0))
			return c
		}
		q := x * m.TauSet / ((1 - x) * m.TauRelax)
		if !(g < g1) || !(q < 0.999) {
			c.err = rowErr(k, "v_V", t.V[k], fmt.Sprintf("R = %.4g Ω needs a conductance of %.4g S, at or too near the closed gap's g_max_S = %.4g S (raise \"g_max_S\", below G0 = %.4g S)", t.V[k]/t.I[k], g, m.GMax, G0))
			return c
		}
		c.x[k] = x
		c.h[k] = t.V[k] - m.V0*(math.Log(q/(1-q))+l) + t.ShiftV
	}
	c.m = pchip.Tangents(c.i, c.h)
	c.h0 = c.h[0] - c.m[0]*c.i[0]
	if !(c.h0 > 0) {
		c.err = fmt.Errorf("memristor.table: the hold voltage extrapolated from rows 1–2 to zero current is %.4g V, not > 0 (add rows at lower currents): %w", c.h0, ErrTable)
	}
	return c
}

// eval returns Vhold(i) (V) and dVhold/di (Ω).
func (c *holdCurve) eval(i float64) (h, dh float64) {
	if c.err != nil {
		return math.NaN(), 0 // an invalid table (Validate says why)
	}
	n := len(c.i)
	switch {
	case i <= 0:
		return c.h0, 0
	case i <= c.i[0]:
		return c.h[0] + c.m[0]*(i-c.i[0]), c.m[0]
	case i >= c.i[n-1]:
		return c.h[n-1] + c.m[n-1]*(i-c.i[n-1]), c.m[n-1]
	}
	k := sort.SearchFloat64s(c.i, i) - 1 // c.i[k] < i ≤ c.i[k+1]
	return pchip.Hermite(c.i[k], c.i[k+1], c.h[k], c.h[k+1], c.m[k], c.m[k+1], i)
}

// validateTable checks the table against m's conduction law and kinetics.
func (m *Memristor) validateTable() error {
	return m.hold().err
}

// Tabulated reports whether m uses a measured steady state (Table).
func (m *Memristor) Tabulated() bool { return m.Table != nil }

// HoldVoltage returns the hold voltage Vhold(i) in V, the voltage against
// which the set drive is measured, and dVhold/di (Ω): Vth − RD·i for the
// compact model, the table's curve (Table) for a tabulated device.
func (m *Memristor) HoldVoltage(i float64) (h, dh float64) {
	if m.Table == nil {
		return m.Vth - m.RD*i, -m.RD
	}
	return m.hold().eval(i)
}

// Threshold returns the device's threshold in V: the hold voltage at
// vanishing current, the voltage a neuron's supply must exceed by its
// margin (VDD = Threshold + 20 mV in the design). It is Vth for the
// compact model and Vhold(0) for a tabulated device (NaN for an invalid
// table; Validate says why).
func (m *Memristor) Threshold() float64 {
	return m.fromHold(m.Vth, func(c *holdCurve) float64 { return c.h0 })
}

// EffectiveRD returns the slope of the hold voltage in Ω, the neuron's
// gain per unit of memristor current (Vout rises by ≈ EffectiveRD·ΔI):
// RD for the compact model; for a tabulated device the mean fall of
// Vhold from zero current to the table's last row,
// (Vhold(0) − Vhold(I_max))/I_max (negative when the hold voltage rises
// with the current, as in a power-law device with R ∝ I^−p, p < 1).
func (m *Memristor) EffectiveRD() float64 {
	return m.fromHold(m.RD, func(c *holdCurve) float64 {
		n := len(c.i)
		return (c.h0 - c.h[n-1]) / c.i[n-1]
	})
}

// fromHold returns compact for the compact model and, for a tabulated
// device, f of its hold curve (NaN for an invalid table).
func (m *Memristor) fromHold(compact float64, f func(c *holdCurve) float64) float64 {
	if m.Table == nil {
		return compact
	}
	c := m.hold()
	if c.err != nil {
		return math.NaN()
	}
	return f(c)
}

// WithThreshold returns m with its threshold moved to vth (V): Vth for
// the compact model, the table's ShiftV for a tabulated one (a new
// table; m's is not changed).
func (m Memristor) WithThreshold(vth float64) Memristor {
	if m.Table == nil {
		m.Vth = vth
		return m
	}
	return m.shifted(vth - m.Threshold())
}

// shifted returns m with a copy of its table whose hold voltage is moved
// by dv (V).
func (m Memristor) shifted(dv float64) Memristor {
	t := m.Table
	m.Table = &Table{I: t.I, V: t.V, ShiftV: t.ShiftV + dv, Source: t.Source, DefaultKinetics: t.DefaultKinetics}
	return m
}

// Equal reports whether m and o are the same device: the same
// parameters and, for tabulated devices, the same rows.
func (m Memristor) Equal(o Memristor) bool {
	mt, ot := m.Table, o.Table
	m.Table, o.Table = nil, nil
	if m != o {
		return false
	}
	if mt == nil || ot == nil {
		return mt == ot
	}
	if mt.ShiftV != ot.ShiftV || mt.Source != ot.Source || len(mt.I) != len(ot.I) || len(mt.V) != len(ot.V) || len(mt.DefaultKinetics) != len(ot.DefaultKinetics) {
		return false
	}
	for k := range mt.I {
		if mt.I[k] != ot.I[k] || mt.V[k] != ot.V[k] {
			return false
		}
	}
	for k := range mt.DefaultKinetics {
		if mt.DefaultKinetics[k] != ot.DefaultKinetics[k] {
			return false
		}
	}
	return true
}

// Describe returns one line on what kind of memristor m is: "compact
// model (Vth …, r_d …)" or, for a tabulated device, its rows, range,
// threshold and slope, and the kinetic parameters that are defaults.
func (m *Memristor) Describe() string {
	if m.Table == nil {
		return fmt.Sprintf("compact memristor model: Vth = %.4g V, r_d = %.4g Ω", m.Vth, m.RD)
	}
	t := m.Table
	src := t.Source
	if src == "" {
		src = "params file"
	}
	s := fmt.Sprintf("tabulated memristor (%d rows from %s, %.3g–%.3g A): threshold Vhold(0) = %.4g V, mean slope %.4g Ω; v_th_V and r_d_ohm are not used",
		len(t.I), clip.String(src), t.I[0], t.I[len(t.I)-1], m.Threshold(), m.EffectiveRD())
	if len(t.DefaultKinetics) > 0 {
		s += "; latency and energy use the default kinetics " + strings.Join(t.DefaultKinetics, ", ") + " (not measured; give them in --params)"
	}
	return s
}

// DefaultKineticsOf lists the keys of KineticKeys whose value in m equals
// the default memristor's.
func DefaultKineticsOf(m Memristor) []string {
	d := DefaultMemristor()
	vals := map[string][2]float64{
		"v0_V": {m.V0, d.V0}, "tau_relax_s": {m.TauRelax, d.TauRelax}, "tau_set_s": {m.TauSet, d.TauSet},
		"tau_set_th_s": {m.TauSetTh, d.TauSetTh}, "v_acc_V": {m.VA, d.VA},
	}
	var out []string
	for _, k := range KineticKeys {
		if v := vals[k]; v[0] == v[1] {
			out = append(out, k)
		}
	}
	return out
}

// tableSteadyStateRate is SteadyStateRate with the table's drive
// z = (v − Vhold(i))/V0 − ln(TauRelax/TauSet), i = i(v, x):
// dz/dv = (1 − Vhold'(i)·di/dv)/V0, dz/dx = −Vhold'(i)·di/dx/V0.
func (m *Memristor) tableSteadyStateRate(v, x, i, didv, didx float64) (g, dgdv, dgdx float64) {
	h, dh := m.hold().eval(i)
	ks, dks := m.setRateZ((v-h)/m.V0 - math.Log(m.TauRelax/m.TauSet)) // dks = dks/dz / V0
	kr := 1 / m.TauRelax
	g = ks*(1-x) - kr*x
	dgdv = dks * (1 - dh*didv) * (1 - x)
	dgdx = -dks*dh*didx*(1-x) - ks - kr
	return g, dgdv, dgdx
}

// varyThreshold finishes a sampled device out, drawn from m with the
// compact parameters varied (its Vth drawn as out.Vth): for a tabulated m
// it gets its own copy of the table, whose hold voltage is moved by
// Threshold()·(out.Vth/m.Vth − 1), the relative threshold variation
// applied to the table's threshold (out.Vth, unused by the model, keeps
// the draw; RD keeps m's). The table stays the steady state of the
// sampled device up to that shift, whatever its sampled conduction and
// kinetics.
func varyThreshold(m, out Memristor) Memristor {
	if m.Table == nil {
		return out
	}
	out.RD = m.RD
	return out.shifted(m.Threshold() * (out.Vth/m.Vth - 1))
}

// TableRows is what PrepareTableRows did to measured points.
type TableRows struct {
	// Rows are the table's rows: increasing current, non-increasing R.
	Rows []RIPoint
	// Merged counts the points folded into a row of the same current
	// (an I–V sweep's compliance plateau, repeated readings).
	Merged int
	// Pooled lists the rows (1-based, in Rows) whose R was changed to
	// make R(I) non-increasing; PooledMaxLog10 is the largest change
	// (decades).
	Pooled         []int
	PooledMaxLog10 float64
}

// ErrRisingR is wrapped by PrepareTableRows' error for points whose
// resistance rises with the current when pooling is off.
var ErrRisingR = errors.New("resistance rises with the current")

// PrepareTableRows turns measured resistance–current points (any order,
// as ReadRICSV returns them) into table rows: sorted by current, points
// of equal current (within 1e-9 relative) merged into one row with the
// geometric mean R, and R(I) made non-increasing. With pool, runs of rows
// whose R rises are pooled adjacent violators (the least-squares
// non-increasing fit of log R, weighted by the points per row; noise in
// a measured R(I) makes such rises); without pool they are an error
// naming the first one (wrapping ErrRisingR). Fewer than 2 rows are an
// error.
func PrepareTableRows(pts []RIPoint, pool bool) (TableRows, error) {
	var out TableRows
	s := append([]RIPoint(nil), pts...)
	sort.SliceStable(s, func(a, b int) bool { return s[a].I < s[b].I })
	var logr, w []float64
	for _, p := range s {
		if !(p.I > 0) || !(p.R > 0) || math.IsInf(p.I, 0) || math.IsInf(p.R, 0) {
			return out, fmt.Errorf("device: table: point I = %g A, R = %g Ω: both must be finite and > 0: %w", p.I, p.R, ErrTable)
		}
		if n := len(out.Rows); n > 0 && p.I-out.Rows[n-1].I <= 1e-9*p.I {
			logr[n-1] = (logr[n-1]*w[n-1] + math.Log(p.R)) / (w[n-1] + 1)
			w[n-1]++
			out.Merged++
			continue
		}
		out.Rows = append(out.Rows, RIPoint{I: p.I})
		logr, w = append(logr, math.Log(p.R)), append(w, 1)
	}
	if len(out.Rows) < 2 {
		return out, fmt.Errorf("device: table: %d distinct currents, need at least 2: %w", len(out.Rows), ErrTable)
	}
	if len(out.Rows) > MaxTableRows {
		return out, fmt.Errorf("device: table: %d distinct currents, at most %d (thin the data): %w", len(out.Rows), MaxTableRows, ErrTable)
	}
	orig := append([]float64(nil), logr...)
	for k := 1; k < len(logr); k++ {
		if logr[k] > logr[k-1] && !pool {
			return out, fmt.Errorf("device: table: R rises from %.4g Ω at %.4g A to %.4g Ω at %.4g A (rows %d–%d after sorting): %w",
				math.Exp(logr[k-1]), out.Rows[k-1].I, math.Exp(logr[k]), out.Rows[k].I, k, k+1, ErrRisingR)
		}
	}
	// Pool adjacent violators: blocks of (mean, weight, length), each
	// block's mean not above the previous one's.
	type block struct {
		mean, w float64
		n       int
	}
	var bs []block
	for k := range logr {
		bs = append(bs, block{logr[k], w[k], 1})
		for len(bs) > 1 && bs[len(bs)-1].mean > bs[len(bs)-2].mean {
			a, b := bs[len(bs)-2], bs[len(bs)-1]
			bs = append(bs[:len(bs)-2], block{(a.mean*a.w + b.mean*b.w) / (a.w + b.w), a.w + b.w, a.n + b.n})
		}
	}
	k := 0
	for _, b := range bs {
		for j := 0; j < b.n; j++ {
			out.Rows[k].R = math.Exp(b.mean)
			if d := math.Abs(b.mean-orig[k]) / math.Ln10; d > 1e-12 {
				out.Pooled = append(out.Pooled, k+1)
				out.PooledMaxLog10 = math.Max(out.PooledMaxLog10, d)
			}
			k++
		}
	}
	return out, nil
}
