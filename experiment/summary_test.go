package experiment

import (
	"math"
	"testing"
)

// TestUpdateRatioReason: an undefined first/last update ratio comes with a
// reason.
func TestUpdateRatioReason(t *testing.T) {
	for _, tc := range []struct{ first, last float64 }{{0, 0}, {1e-9, 0}, {math.NaN(), 1}} {
		if r := updateRatioReason(1, tc.first, tc.last, 1e-50); r == "" {
			t.Errorf("no reason for %g/%g", tc.first, tc.last)
		}
	}
}

// TestFirstEpochAtTarget: the first epoch at or above the target, 0 for
// none or no target; the best accuracy and the median alongside.
func TestFirstEpochAtTarget(t *testing.T) {
	acc := []float64{0.9, PaperAccuracyReLU, 0.98, 0.96}
	for _, tc := range []struct {
		target float64
		want   int
	}{{PaperAccuracyReLU, 2}, {0.975, 3}, {0.99, 0}, {0, 0}} {
		if got := FirstEpochAtTarget(acc, tc.target); got != tc.want {
			t.Errorf("target %g: epoch %d, want %d", tc.target, got, tc.want)
		}
	}
	if b := BestAccuracy(acc); b != 0.98 {
		t.Errorf("best %g", b)
	}
	if m := Median(acc); m != 0.97 || Median(nil) != 0 { // the upper middle value
		t.Errorf("median %g", m)
	}
}
