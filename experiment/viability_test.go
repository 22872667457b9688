package experiment

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/params"
)

// powerLaw returns R = r1·(I/1 µA)^exp Ω at 30 currents log-spaced from
// 0.1 to 8 µA with 5 % Gaussian noise from a fixed seed: the measured-
// looking devices of issue 13.
func powerLaw(r1, exp float64) []device.RIPoint {
	rng := rand.New(rand.NewPCG(13, 7))
	pts := make([]device.RIPoint, 30)
	for k := range pts {
		i := 0.1e-6 * math.Pow(80, float64(k)/29)
		pts[k] = device.RIPoint{I: i, R: r1 * math.Pow(i/1e-6, exp) * (1 + 0.05*rng.NormFloat64())}
	}
	return pts
}

func TestViabilityDefault(t *testing.T) {
	v, err := CheckViability(params.Default())
	if err != nil {
		t.Fatal(err)
	}
	if !v.Viable || v.Err() != nil || len(v.Why) > 0 {
		t.Fatalf("default neuron not viable: %s", v.Verdict())
	}
	if v.OffLevel > 0.04 || v.Knee > 0.1e-6 || v.I90 > 1.5e-6 || math.Abs(v.Margin-0.02) > 1e-12 || !(v.CCrit > v.COut) {
		t.Errorf("default: off %g V, knee %g A, I90 %g A, margin %g V, Ccrit %g F", v.OffLevel, v.Knee, v.I90, v.Margin, v.CCrit)
	}
	if _, err := json.Marshal(v); err != nil {
		t.Error(err)
	}
}

// TestViabilityHostileDevices: the two power-law devices of issue 13,
// fitted by the library fit, are not viable at VDD = 2 V; the verdict
// says why in physical terms, and each change it proposes was checked.
func TestViabilityHostileDevices(t *testing.T) {
	for _, tc := range []struct {
		name    string
		r1, exp float64
		why     []string
	}{
		{"steep", 2e5, -0.9, []string{"far below VDD 2 V", "always on"}},
		{"shallow", 2e6, -0.5, []string{"below VDD 2 V", "switched on at zero input", "reaches only", "saturates"}},
	} {
		m, _, err := device.FitMemristor(powerLaw(tc.r1, tc.exp), device.DefaultMemristor())
		if err != nil {
			t.Fatal(err)
		}
		s := params.Default()
		s.Device.Memristor = m
		v, err := CheckViability(s)
		if err != nil {
			t.Fatal(err)
		}
		msg := v.Verdict()
		if v.Viable || !errors.Is(v.Err(), ErrNotViable) || v.Err().Error() != msg {
			t.Fatalf("%s: viable %v, err %v", tc.name, v.Viable, v.Err())
		}
		for _, w := range tc.why {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: verdict lacks %q: %s", tc.name, w, msg)
			}
		}
		if len(v.Try) == 0 || strings.HasPrefix(v.Try[0], "none") {
			t.Errorf("%s: no working change found: %v", tc.name, v.Try)
		}
		if strings.Contains(msg, "NaN") || strings.Contains(msg, "Inf") {
			t.Errorf("%s: verdict prints NaN/Inf: %s", tc.name, msg)
		}
		b, err := json.Marshal(v)
		if err != nil || !json.Valid(b) {
			t.Errorf("%s: check.json: %v", tc.name, err)
		}
	}
}

// TestViabilityMargin: the default device with VDD below its threshold
// cannot switch; the check proposes the design's margin and it works.
func TestViabilityMargin(t *testing.T) {
	s, _ := params.Default().WithVDD(1.9)
	v, err := CheckViability(s)
	if err != nil {
		t.Fatal(err)
	}
	if v.Viable || !strings.Contains(v.Verdict(), "above VDD") || len(v.Try) == 0 || !strings.HasPrefix(v.Try[0], "--vdd 2 ") {
		t.Errorf("VDD 1.9 V: %s", v.Verdict())
	}
	// The paper's own round 1 design (margin 0) still works.
	s, _ = params.Default().WithVDD(1.98)
	if err := RequireViable(s); err != nil {
		t.Errorf("margin 0: %v", err)
	}
}
