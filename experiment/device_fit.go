package experiment

// Fitting the compact model to measured data, and tabulating it.

import (
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/neuron"
	"github.com/mrelu/mrelu/params"
)

// ---------------------------------------------------------------------------
// Fit of the memristor to measured R(I) data

// fitNames maps the --free names to fit parameters.
var fitNames = map[string]device.FitParam{
	"vth": device.FitVth, "rd": device.FitRD, "v0": device.FitV0,
	"gap0": device.FitGap0, "gmax": device.FitGMax, "gmin": device.FitGMin,
}

// FitParamNames lists the names ParseFitParams accepts.
func FitParamNames() []string { return []string{"vth", "rd", "v0", "gap0", "gmax", "gmin"} }

// ParseFitParams reads a comma-separated list of fit parameter names
// ("vth,rd,gmax", case-insensitive). An empty list means Vth and RD.
func ParseFitParams(s string) ([]device.FitParam, error) {
	var out []device.FitParam
	seen := map[device.FitParam]bool{}
	for _, f := range strings.Split(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		if f == "" {
			continue
		}
		p, ok := fitNames[f]
		if !ok {
			return nil, fmt.Errorf("unknown fit parameter %q (want some of %s)", f, strings.Join(FitParamNames(), ","))
		}
		if seen[p] {
			return nil, fmt.Errorf("fit parameter %q given twice", f)
		}
		seen[p] = true
		out = append(out, p)
	}
	if len(out) == 0 {
		out = []device.FitParam{device.FitVth, device.FitRD}
	}
	return out, nil
}

// LoadRIData reads resistance–current data from a CSV file (see
// device.ReadRICSV); errors name the file and line.
func LoadRIData(path string) ([]device.RIPoint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("experiment: %w", err)
	}
	defer f.Close()
	return ReadRIData(f, path)
}

// ReadRIData is LoadRIData on a reader; name labels errors.
func ReadRIData(r io.Reader, name string) ([]device.RIPoint, error) {
	return device.ReadRICSV(r, name)
}

// DeviceFitResult is the outcome of DeviceFit.
type DeviceFitResult struct {
	Data   string // where the data came from (file name)
	Points []device.RIPoint
	Start  device.Params
	Fitted device.Params // Start with the fitted memristor
	Report device.FitReport
	// Model is the fitted model's R at each data current, Ω.
	Model []float64
	// StartCurve is the starting model on the currents of Report.Curve.
	StartCurve []device.RIPoint
}

// DeviceFit fits the memristor of start to the data points, adjusting the
// free parameters (nil: Vth and RD). A tabulated start memristor is fitted
// as the compact model with its other parameters.
func DeviceFit(points []device.RIPoint, data string, start device.Params, free []device.FitParam) (*DeviceFitResult, error) {
	if err := start.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: device fit: %w", err)
	}
	// A tabulated start: fit the compact model from its compact
	// parameters (a table's Vth and RD hold its threshold and slope).
	start.Memristor.Table = nil
	m, rep, err := device.FitMemristorWith(points, start.Memristor, device.FitOptions{Free: free})
	if err != nil {
		return nil, fmt.Errorf("experiment: device fit: %w", err)
	}
	r := &DeviceFitResult{Data: data, Points: points, Start: start, Fitted: start, Report: rep, Model: rep.Model}
	r.Fitted.Memristor = m
	sm := start.Memristor
	for _, c := range rep.Curve {
		_, _, rr, err := sm.SteadyStateAtCurrent(c.I)
		if err != nil {
			return nil, fmt.Errorf("experiment: device fit: %w", err)
		}
		r.StartCurve = append(r.StartCurve, device.RIPoint{I: c.I, R: rr})
	}
	return r, nil
}

// ---------------------------------------------------------------------------
// A tabulated memristor from measured data

// DeviceTabulateResult is the outcome of DeviceTabulate.
type DeviceTabulateResult struct {
	Data   string           // where the data came from (file name)
	Points []device.RIPoint // as read
	Prep   device.TableRows // sorted, merged, pooled rows
	// Params is the start's devices with the tabulated memristor (and
	// GMin/GMax widened where the rows need it).
	Params device.Params
	// Widened says which conduction bounds were moved and why.
	Widened []string
	// DefaultKinetics are the kinetic keys at their default values.
	DefaultKinetics []string
	// MaxRowError is the largest relative difference between the model's
	// steady-state R and the table at the rows (rounding only).
	MaxRowError float64
	// Curve is the model's steady state on 121 log-spaced currents from
	// a tenth of the first row to twice the last (I, R, V) with the hold
	// voltage; Region[k] is "below", "table" or "above".
	Curve  []device.RIPoint
	CurveV []float64
	Hold   []float64
	Region []string
	// Viability is the neuron check of the tabulated device in the
	// default circuit (VDD = 2 V).
	Viability *Viability
}

// DeviceTabulate makes a tabulated memristor from measured R(I) points
// (device.PrepareTableRows with pooling unless strict): the start's
// conduction and kinetics, GMin lowered / GMax raised (below 0.95·G0)
// where a row needs a conductance outside them, and the table's
// threshold and mean slope written into Vth and RD for readers (the
// model does not use them).
func DeviceTabulate(points []device.RIPoint, data string, start device.Params, strict bool) (*DeviceTabulateResult, error) {
	if err := start.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: device tabulate: %w", err)
	}
	prep, err := device.PrepareTableRows(points, !strict)
	if err != nil {
		return nil, fmt.Errorf("experiment: device tabulate: %s: %w", data, err)
	}
	r := &DeviceTabulateResult{Data: data, Points: points, Prep: prep, Params: start}
	m := start.Memristor
	m.Table = nil
	r.DefaultKinetics = device.DefaultKineticsOf(m)
	tab, err := device.TableFromRI(prep.Rows, filepathBase(data))
	if err != nil {
		return nil, fmt.Errorf("experiment: device tabulate: %s: %w", data, err)
	}
	tab.DefaultKinetics = r.DefaultKinetics
	// The conductance each row needs, G = I/(VNL·sinh(V/VNL)).
	gmin, gmax, kmax := math.Inf(1), 0.0, 0
	for k, p := range prep.Rows {
		v := p.R * p.I
		g := p.I / (m.VNL * math.Sinh(v/m.VNL))
		gmin = math.Min(gmin, g)
		if g > gmax {
			gmax, kmax = g, k
		}
	}
	g0 := m.GMin + (m.GMax-m.GMin)*math.Exp(-m.Gap0/m.Lambda)
	if gmax >= 0.9*m.GMax {
		ng := math.Min(gmax/0.8, 0.95*device.G0)
		if gmax >= 0.9*ng {
			return nil, fmt.Errorf("experiment: device tabulate: %s: row %d (I = %.4g A, R = %.4g Ω) needs a conductance of %.4g S, too near or above the conductance quantum G0 = %.4g S that a tunnelling device stays below: %w",
				data, kmax+1, prep.Rows[kmax].I, prep.Rows[kmax].R, gmax, device.G0, device.ErrTable)
		}
		r.Widened = append(r.Widened, fmt.Sprintf("g_max_S raised from %.4g to %.4g S: row %d (R = %.4g Ω) needs %.4g S", m.GMax, ng, kmax+1, prep.Rows[kmax].R, gmax))
		m.GMax = ng
		g0 = m.GMin + (m.GMax-m.GMin)*math.Exp(-m.Gap0/m.Lambda)
	}
	if gmin <= 1.05*g0 {
		ng := gmin / 4
		r.Widened = append(r.Widened, fmt.Sprintf("g_min_S lowered from %.4g to %.4g S: the relaxed conductance must stay below the %.4g S the highest-resistance row needs", m.GMin, ng, gmin))
		m.GMin = ng
	}
	m.Table = tab
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: device tabulate: %s: %w", data, err)
	}
	if th := m.Threshold(); th > m.V0 {
		m.Vth = th
	}
	if rd := m.EffectiveRD(); rd > 0 {
		m.RD = rd
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: device tabulate: %s: %w", data, err)
	}
	r.Params.Memristor = m
	for _, p := range prep.Rows {
		_, _, rr, err := m.SteadyStateAtCurrent(p.I)
		if err != nil {
			return nil, fmt.Errorf("experiment: device tabulate: %w", err)
		}
		r.MaxRowError = math.Max(r.MaxRowError, math.Abs(rr/p.R-1))
	}
	lo, hi := prep.Rows[0].I, prep.Rows[len(prep.Rows)-1].I
	const n = 121
	for k := 0; k < n; k++ {
		i := lo / 10 * math.Pow(20*hi/lo, float64(k)/(n-1))
		_, v, rr, err := m.SteadyStateAtCurrent(i)
		if err != nil {
			return nil, fmt.Errorf("experiment: device tabulate: %w", err)
		}
		h, _ := m.HoldVoltage(i)
		reg := "table"
		if i < lo {
			reg = "below"
		} else if i > hi {
			reg = "above"
		}
		r.Curve, r.CurveV, r.Hold, r.Region = append(r.Curve, device.RIPoint{I: i, R: rr}), append(r.CurveV, v), append(r.Hold, h), append(r.Region, reg)
	}
	if r.Viability, err = CheckViability(params.Setup{Device: r.Params, Neuron: neuron.DefaultParams()}); err != nil {
		return nil, fmt.Errorf("experiment: device tabulate: %w", err)
	}
	return r, nil
}

// filepathBase is the last element of a slash- or backslash-separated
// path (the table's "source").
func filepathBase(p string) string {
	if k := strings.LastIndexAny(p, `/\`); k >= 0 {
		return p[k+1:]
	}
	return p
}
