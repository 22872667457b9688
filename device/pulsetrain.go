package device

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Current pulse train (Fig. 3d)

// PulseTrainConfig describes alternating current pulses from a current
// source with voltage compliance.
type PulseTrainConfig struct {
	// ILow and IHigh are the alternating pulse currents, A. Defaults
	// 100e-9 A and 1e-6 A (Fig. 3d).
	ILow, IHigh float64
	// Width is the pulse width, s. Default 5e-3 s (Fig. 3d).
	Width float64
	// Period is the pulse period, s (zero current between pulses).
	// Default 10e-3 s (Fig. 3d).
	Period float64
	// Pulses is the total number of pulses, starting with ILow. Default 20.
	Pulses int
	// VCompliance is the voltage compliance of the current source, V.
	// Default 10 V.
	VCompliance float64
}

// DefaultPulseTrainConfig returns the pulse train of Fig. 3d.
func DefaultPulseTrainConfig() PulseTrainConfig {
	return PulseTrainConfig{ILow: 100e-9, IHigh: 1e-6, Width: 5e-3, Period: 10e-3, Pulses: 20, VCompliance: 10}
}

func (c PulseTrainConfig) validate() error {
	for _, f := range []struct {
		name, unit string
		v          float64
	}{{"ILow", "A", c.ILow}, {"IHigh", "A", c.IHigh}, {"Width", "s", c.Width}, {"Period", "s", c.Period}, {"VCompliance", "V", c.VCompliance}} {
		if err := checkFinite("PulseTrainConfig."+f.name, f.unit, f.v, true); err != nil {
			return err
		}
	}
	if err := checkDuration("PulseTrainConfig.Period", c.Period); err != nil {
		return err
	}
	if c.Width > c.Period {
		return fmt.Errorf("device: PulseTrainConfig.Width = %g s exceeds Period = %g s: %w", c.Width, c.Period, ErrInvalidParam)
	}
	if c.Pulses < 1 || c.Pulses > 100000 {
		return fmt.Errorf("device: PulseTrainConfig.Pulses = %d: must be in [1, 100000]: %w", c.Pulses, ErrInvalidParam)
	}
	return nil
}

// PulseReading is the device at the end of one pulse.
type PulseReading struct {
	Index int     // pulse number from 0
	T     float64 // time of the reading (end of the pulse), s
	Drive float64 // pulse current (A) or source amplitude (V)
	V     float64 // device voltage, V
	I     float64 // device current, A
	R     float64 // device resistance V/I, Ω
	X     float64 // state
}

// PulseTrainResult holds a simulated current pulse train.
type PulseTrainResult struct {
	Config   PulseTrainConfig
	Waveform []Sample
	Readings []PulseReading
	// Low and High summarise the resistance read at the end of the ILow and
	// IHigh pulses, Ω.
	Low, High Stats
}

// PulseTrain simulates alternating ILow/IHigh current pulses (Fig. 3d) and
// reads the resistance at the end of each pulse. With a non-zero cv the
// device parameters are redrawn at each pulse (switching event).
func PulseTrain(m Memristor, cfg PulseTrainConfig, cv CycleVariation, rng *rand.Rand) (PulseTrainResult, error) {
	res := PulseTrainResult{Config: cfg}
	if err := checkCycled(&m, cfg.validate, cv, rng); err != nil {
		return res, err
	}
	x := m.RelaxedState()
	t0 := 0.0
	var lows, highs []float64
	for k := 0; k < cfg.Pulses; k++ {
		dev := cv.sampleCycle(m, rng)
		ip := cfg.ILow
		if k%2 == 1 {
			ip = cfg.IHigh
		}
		on := source{vs: cfg.VCompliance, ilim: ip}
		off := source{}
		segs := []segment{{on, cfg.Width}}
		if cfg.Period > cfg.Width {
			segs = append(segs, segment{off, cfg.Period - cfg.Width})
		}
		w, xe, err := simulate(&dev, x, segs[:1], dxSweep)
		if err != nil {
			return res, fmt.Errorf("device: pulse train pulse %d: %w", k, err)
		}
		end := w[len(w)-1]
		rd := PulseReading{Index: k, T: t0 + end.T, Drive: ip, V: end.V, I: end.I, R: end.V / end.I, X: end.X}
		res.Readings = append(res.Readings, rd)
		if k%2 == 0 {
			lows = append(lows, rd.R)
		} else {
			highs = append(highs, rd.R)
		}
		var gap []Sample
		if len(segs) > 1 {
			if gap, xe, err = simulate(&dev, xe, segs[1:], dxSweep); err != nil {
				return res, fmt.Errorf("device: pulse train gap %d: %w", k, err)
			}
		}
		res.Waveform = appendPeriod(res.Waveform, w, gap, cfg.Width, t0, k == 0)
		x = xe
		t0 += cfg.Period
	}
	res.Low = Summarize(lows)
	res.High = Summarize(highs)
	return res, nil
}

// ---------------------------------------------------------------------------
// Voltage pulses of rising amplitude through a series resistor (Fig. 3e)

// VoltagePulsesConfig describes voltage pulses of rising amplitude through a
// series resistor.
type VoltagePulsesConfig struct {
	// Amplitudes are the source pulse amplitudes in order, V. Default 1.6 V
	// to 3.2 V in 0.2 V steps (choice; Fig. 3e gives no values).
	Amplitudes []float64
	// Width is the pulse width, s. Default 1e-3 s (Fig. 3e).
	Width float64
	// Gap is the zero-bias time after each pulse, s. Default 1e-3 s.
	Gap float64
	// SeriesR is the series resistance, Ω. Default 1e6 Ω (Fig. 3e).
	SeriesR float64
}

// DefaultVoltagePulsesConfig returns the setting of Fig. 3e.
func DefaultVoltagePulsesConfig() VoltagePulsesConfig {
	amps := make([]float64, 9)
	for k := range amps {
		amps[k] = 1.6 + 0.2*float64(k)
	}
	return VoltagePulsesConfig{Amplitudes: amps, Width: 1e-3, Gap: 1e-3, SeriesR: 1e6}
}

// VoltagePulsesResult holds the readings at the end of each pulse.
type VoltagePulsesResult struct {
	Config   VoltagePulsesConfig
	Waveform []Sample
	Readings []PulseReading // Drive is the amplitude, V
}

// VoltagePulses simulates 1 ms voltage pulses of rising amplitude through a
// series resistor (Fig. 3e) and reads the device resistance V/I at the end
// of each pulse.
func VoltagePulses(m Memristor, cfg VoltagePulsesConfig) (VoltagePulsesResult, error) {
	res := VoltagePulsesResult{Config: cfg}
	if err := m.Validate(); err != nil {
		return res, err
	}
	if len(cfg.Amplitudes) == 0 {
		return res, fmt.Errorf("device: VoltagePulsesConfig.Amplitudes is empty: %w", ErrInvalidParam)
	}
	for k, a := range cfg.Amplitudes {
		if err := checkFinite(fmt.Sprintf("VoltagePulsesConfig.Amplitudes[%d]", k), "V", a, false); err != nil {
			return res, err
		}
	}
	if err := checkFinite("VoltagePulsesConfig.Width", "s", cfg.Width, true); err != nil {
		return res, err
	}
	if err := checkFinite("VoltagePulsesConfig.Gap", "s", cfg.Gap, false); err != nil {
		return res, err
	}
	if cfg.Gap < 0 {
		return res, fmt.Errorf("device: VoltagePulsesConfig.Gap = %g s: must be ≥ 0: %w", cfg.Gap, ErrInvalidParam)
	}
	if err := checkDuration("VoltagePulsesConfig.Width", cfg.Width); err != nil {
		return res, err
	}
	if err := checkDuration("VoltagePulsesConfig.Gap", cfg.Gap); err != nil {
		return res, err
	}
	if err := checkFinite("VoltagePulsesConfig.SeriesR", "Ω", cfg.SeriesR, false); err != nil || cfg.SeriesR < 0 {
		return res, fmt.Errorf("device: VoltagePulsesConfig.SeriesR = %g Ω: must be finite and ≥ 0: %w", cfg.SeriesR, ErrInvalidParam)
	}
	inf := math.Inf(1)
	x := m.RelaxedState()
	t0 := 0.0
	for k, a := range cfg.Amplitudes {
		w, xe, err := simulate(&m, x, []segment{{source{vs: a, rs: cfg.SeriesR, ilim: inf}, cfg.Width}}, dxSweep)
		if err != nil {
			return res, fmt.Errorf("device: voltage pulse %d (%g V): %w", k, a, err)
		}
		end := w[len(w)-1]
		r := math.Inf(1)
		if end.I != 0 {
			r = end.V / end.I
		}
		res.Readings = append(res.Readings, PulseReading{Index: k, T: t0 + end.T, Drive: a, V: end.V, I: end.I, R: r, X: end.X})
		var gap []Sample
		if cfg.Gap > 0 {
			if gap, xe, err = simulate(&m, xe, []segment{{source{vs: 0, rs: cfg.SeriesR, ilim: inf}, cfg.Gap}}, dxSweep); err != nil {
				return res, fmt.Errorf("device: gap after voltage pulse %d: %w", k, err)
			}
		}
		res.Waveform = appendPeriod(res.Waveform, w, gap, cfg.Width, t0, k == 0)
		x = xe
		t0 += cfg.Width + cfg.Gap
	}
	return res, nil
}

// appendPeriod appends one period of a pulse experiment starting at time t0
// (s) to the waveform wave: the pulse's samples pulse, then those of the
// gap after it (nil for none; its first sample repeats the pulse's last),
// each timed from its own start. A period after the first drops its first
// sample, which repeats the previous period's last.
func appendPeriod(wave, pulse, gap []Sample, width, t0 float64, first bool) []Sample {
	w := pulse
	if gap != nil {
		for j := range gap {
			gap[j].T += width
		}
		w = append(w, gap[1:]...)
	}
	for j := range w {
		w[j].T += t0
	}
	if !first {
		w = w[1:]
	}
	return append(wave, w...)
}
