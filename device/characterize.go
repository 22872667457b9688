package device

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// MaxDuration is the longest span of simulated time a characterisation
// accepts for one integration (a sweep cycle, a pulse, a gap, a relaxation),
// s. The set transient needs steps of ~1e-9 s or less, which float64 time
// no longer resolves much beyond 1e6 s (its resolution there is ~1e-10 s),
// so longer spans end in an integration error; 1e6 s (11.6 days) is far
// beyond any measurement of the paper.
const MaxDuration = 1e6

// checkDuration refuses a span (s) longer than MaxDuration.
func checkDuration(name string, v float64) error {
	if v > MaxDuration {
		return fmt.Errorf("device: %s = %g s: longer than %g s, beyond what the state integrator resolves: %w", name, v, MaxDuration, ErrInvalidParam)
	}
	return nil
}

// errNeedRNG is returned when variation is requested without a source of
// randomness.
var errNeedRNG = errors.New("device: variation requested but rng is nil (pass a seeded *rand.Rand)")

// checkCycled validates the inputs of a characterisation that redraws
// the device m from cv at every switching event: m, its configuration
// (validate), cv, and a source of randomness unless cv is zero.
func checkCycled(m *Memristor, validate func() error, cv CycleVariation, rng *rand.Rand) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if err := validate(); err != nil {
		return err
	}
	if err := cv.Validate(); err != nil {
		return err
	}
	if !cv.IsZero() && rng == nil {
		return errNeedRNG
	}
	return nil
}

// sampleCycle returns the device of one switching event: m redrawn from
// c, or m itself when c is zero (drawing nothing from rng).
func (c CycleVariation) sampleCycle(m Memristor, rng *rand.Rand) Memristor {
	if c.IsZero() {
		return m
	}
	return c.Sample(m, rng)
}

func checkFinite(name, unit string, v float64, positive bool) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || (positive && v <= 0) {
		cond := "finite"
		if positive {
			cond = "finite and > 0"
		}
		return fmt.Errorf("device: %s = %g %s: must be %s: %w", name, v, unit, cond, ErrInvalidParam)
	}
	return nil
}

// ---------------------------------------------------------------------------
// Relaxation (volatility)

// RelaxationResult follows the zero-bias resistance after a set pulse.
type RelaxationResult struct {
	Pulse PulseConfig
	// T is the time after the end of the pulse, s; R the zero-bias
	// resistance 1/G(x) at T, Ω; X the state.
	T, R, X []float64
	// RInsulating is the zero-bias resistance of the relaxed device, Ω.
	RInsulating float64
	// RSet is the zero-bias resistance at the end of the pulse, Ω.
	RSet float64
	// RelaxationTime is the time after the pulse until R first returns
	// within 10 % of RInsulating (R ≥ 0.9·RInsulating), s; NaN if not
	// within the simulated time.
	RelaxationTime float64
	// StateTimeConstant is the time for the state to fall to 1/e of its
	// value at the end of the pulse, s.
	StateTimeConstant float64
}

// Relaxation applies the set pulse p (through its series resistor) to the
// relaxed device, removes the drive and follows the zero-bias resistance
// for the time span (s) until it returns within 10 % of the insulating
// value.
func Relaxation(m Memristor, p PulseConfig, span float64) (RelaxationResult, error) {
	res := RelaxationResult{Pulse: p, RelaxationTime: math.NaN(), StateTimeConstant: math.NaN()}
	if err := m.Validate(); err != nil {
		return res, err
	}
	if err := p.validate(); err != nil {
		return res, err
	}
	if err := checkFinite("relaxation span", "s", span, true); err != nil {
		return res, err
	}
	if err := checkDuration("PulseConfig.Width", p.Width); err != nil {
		return res, err
	}
	if err := checkDuration("relaxation span", span); err != nil {
		return res, err
	}
	inf := math.Inf(1)
	_, xs, err := simulate(&m, m.RelaxedState(), []segment{{source{vs: p.Amplitude, rs: p.SeriesR, ilim: inf}, p.Width}}, dxPulse)
	if err != nil {
		return res, fmt.Errorf("device: relaxation set pulse: %w", err)
	}
	w, _, err := simulate(&m, xs, []segment{{source{vs: 0, rs: p.SeriesR, ilim: inf}, span}}, dxSweep)
	if err != nil {
		return res, fmt.Errorf("device: relaxation: %w", err)
	}
	res.RInsulating = m.InsulatingResistance()
	res.RSet = m.Resistance(xs)
	xe := xs / math.E
	if res.RSet >= 0.9*res.RInsulating {
		// The pulse never set the device: it is already relaxed.
		res.RelaxationTime, res.StateTimeConstant = 0, 0
	}
	for k, s := range w {
		r := m.Resistance(s.X)
		res.T = append(res.T, s.T)
		res.R = append(res.R, r)
		res.X = append(res.X, s.X)
		if k == 0 {
			continue
		}
		a := w[k-1]
		if math.IsNaN(res.StateTimeConstant) && s.X <= xe {
			res.StateTimeConstant = a.T + (a.X-xe)/(a.X-s.X)*(s.T-a.T)
		}
		if math.IsNaN(res.RelaxationTime) && r >= 0.9*res.RInsulating {
			ra := res.R[k-1]
			if r == ra {
				res.RelaxationTime = s.T
				continue
			}
			res.RelaxationTime = a.T + (0.9*res.RInsulating-ra)/(r-ra)*(s.T-a.T)
		}
	}
	return res, nil
}

// ---------------------------------------------------------------------------
// Device-to-device spread (Fig. S6)

// D2DResult holds the steady-state resistance of a sampled population.
type D2DResult struct {
	Devices  []Memristor
	Currents []float64   // A
	R        [][]float64 // R[d][k]: device d at Currents[k], Ω
	Stats    []Stats     // per current, over devices
}

// DeviceToDevice samples n memristors (the paper: 25) from dv and returns
// their steady-state resistance at each current.
func DeviceToDevice(nominal Memristor, dv DeviceVariation, n int, currents []float64, rng *rand.Rand) (D2DResult, error) {
	res := D2DResult{Currents: currents}
	if err := nominal.Validate(); err != nil {
		return res, err
	}
	if err := dv.Validate(); err != nil {
		return res, err
	}
	if rng == nil {
		return res, errNeedRNG
	}
	if n < 1 {
		return res, fmt.Errorf("device: DeviceToDevice n = %d: must be ≥ 1: %w", n, ErrInvalidParam)
	}
	res.Devices = dv.SampleMemristors(nominal, n, rng)
	for d := range res.Devices {
		row := make([]float64, len(currents))
		for k, i := range currents {
			p, err := res.Devices[d].SteadyPoint(i)
			if err != nil {
				return res, err
			}
			row[k] = p.R
		}
		res.R = append(res.R, row)
	}
	for k := range currents {
		col := make([]float64, n)
		for d := range col {
			col[d] = res.R[d][k]
		}
		res.Stats = append(res.Stats, Summarize(col))
	}
	return res, nil
}
