package device

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// within runs f and fails the test if it does not return within d (the
// integrator used to loop forever on a NaN state).
func within(t *testing.T, d time.Duration, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		t.Fatalf("did not return within %v", d)
		return nil
	}
}

// TestAdvanceGivesUp: the integrator ends a segment it cannot integrate
// with an *IntegrationError wrapping ErrIntegration that names the time
// and the value, instead of looping.
func TestAdvanceGivesUp(t *testing.T) {
	m := DefaultMemristor()
	nan := math.NaN()
	tests := []struct {
		name  string
		x0    float64 // initial state
		t0    float64 // initial time, s
		dxMax float64
		src   source
		dur   float64
		what  string // IntegrationError.What
	}{
		{"NaN state", nan, 0, dxSweep, source{vs: 2, ilim: 1e-6}, 1e-3, "state"},
		{"NaN rate", 0.1, 0, dxSweep, source{vs: nan, ilim: math.Inf(1)}, 1e-3, "rate dx/dt"},
		{"Inf duration", 0.1, 0, dxSweep, source{vs: 2, ilim: 1e-6}, math.Inf(1), "segment duration"},
		{"step below time resolution", 0.01, 1e300, dxSweep, source{vs: 3, ilim: 1e-6}, 1e290, "step"},
		{"step budget", 0.9, 0, 1e-7, source{vs: 0, ilim: math.Inf(1)}, 1e-2, "steps"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := newStepper(&m, tc.x0, tc.dxMax, math.Inf(1))
			st.t = tc.t0
			err := within(t, 5*time.Second, func() error { return st.advance(tc.src, tc.dur, nil) })
			if !errors.Is(err, ErrIntegration) {
				t.Fatalf("err = %v, want ErrIntegration", err)
			}
			var ie *IntegrationError
			if !errors.As(err, &ie) || ie.What != tc.what {
				t.Fatalf("err = %#v, want an *IntegrationError about %q", err, tc.what)
			}
			if !strings.Contains(err.Error(), "t = ") || !strings.Contains(err.Error(), tc.what+" = ") {
				t.Errorf("message %q should name the time and the %s", err, tc.what)
			}
		})
	}
}

// TestAdvanceUnderflowIsNoConvergence: a step size underflow is still
// ErrNoConvergence, and also ErrIntegration.
func TestAdvanceUnderflowIsNoConvergence(t *testing.T) {
	m := DefaultMemristor()
	st := newStepper(&m, 0.01, 1e-300, math.Inf(1))
	st.hMin = 1e-9
	err := st.advance(source{vs: 2.4, rs: 1e6, ilim: math.Inf(1)}, 1e-3, nil)
	if !errors.Is(err, ErrNoConvergence) || !errors.Is(err, ErrIntegration) {
		t.Fatalf("err = %v, want ErrNoConvergence and ErrIntegration", err)
	}
}

// TestLongDurations: spans that used to hang either run (a slow sweep) or
// are refused up front with ErrInvalidParam naming the field, or end with
// ErrIntegration; none takes more than a few seconds.
func TestLongDurations(t *testing.T) {
	m := DefaultMemristor()
	sweep := func(dwell float64) func() error {
		return func() error {
			c := DefaultSweepConfig()
			c.Cycles, c.Dwell = 2, dwell
			r, err := IVSweep(m, c, CycleVariation{}, nil)
			if err == nil && r.Set.N != 2 {
				t.Errorf("dwell %g s: %d cycles set, want 2", dwell, r.Set.N)
			}
			return err
		}
	}
	pulse := func(width float64) func() error {
		return func() error {
			c := DefaultPulseConfig()
			c.Width = width
			_, err := SinglePulse(m, c)
			return err
		}
	}
	relax := func(width, span float64) func() error {
		return func() error {
			c := DefaultPulseConfig()
			c.Width = width
			_, err := Relaxation(m, c, span)
			return err
		}
	}
	train := func(period float64) func() error {
		return func() error {
			c := DefaultPulseTrainConfig()
			c.Pulses, c.Period = 2, period
			_, err := PulseTrain(m, c, CycleVariation{}, nil)
			return err
		}
	}
	tests := []struct {
		name string
		run  func() error
		want error  // nil: must succeed
		key  string // named in the message
	}{
		{"iv dwell 1 s", sweep(1), nil, ""},
		{"iv dwell 1e100 s", sweep(1e100), ErrInvalidParam, "SweepConfig.Dwell"},
		{"iv dwell 1e4 s", sweep(1e4), ErrInvalidParam, "SweepConfig.Dwell"},
		{"single pulse 1 s", pulse(1), nil, ""},
		{"single pulse 1e300 s", pulse(1e300), ErrInvalidParam, "PulseConfig.Width"},
		{"single pulse 1e6 s", pulse(1e6), nil, ""},
		{"relaxation pulse 1e300 s", relax(1e300, 1e-3), ErrInvalidParam, "PulseConfig.Width"},
		{"relaxation span 1e300 s", relax(4e-6, 1e300), ErrInvalidParam, "relaxation span"},
		{"pulse train period 1e300 s", train(1e300), ErrInvalidParam, "PulseTrainConfig.Period"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := within(t, 5*time.Second, tc.run)
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.key) {
				t.Fatalf("err = %v, want %v naming %q", err, tc.want, tc.key)
			}
		})
	}
}
