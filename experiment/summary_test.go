package experiment

import (
	"fmt"
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

// TestMeanSDPerEpoch: per epoch over the seeds, up to the epochs every
// seed has; nil without seeds.
func TestMeanSDPerEpoch(t *testing.T) {
	mean, sd := MeanSDPerEpoch([][]float64{{0.5, 0.7, 0.9}, {0.7, 0.9}})
	if len(mean) != 2 || mean[0] != 0.6 || math.Abs(mean[1]-0.8) > 1e-15 || math.Abs(sd[0]-math.Sqrt(0.02)) > 1e-15 {
		t.Errorf("mean %v sd %v", mean, sd)
	}
	if mean, sd := MeanSDPerEpoch(nil); mean != nil || sd != nil {
		t.Errorf("no seeds: %v %v", mean, sd)
	}
}

// TestCDF: NaN left out, sorted, cumulative percentages up to 100.
func TestCDF(t *testing.T) {
	c := newCDF([]float64{2, math.NaN(), 1, 3, 2})
	if fmt.Sprint(c.X) != "[1 2 2 3]" || fmt.Sprint(c.Percent) != "[25 50 75 100]" {
		t.Errorf("CDF %v %v", c.X, c.Percent)
	}
	if c := newCDF([]float64{math.NaN()}); c.X != nil || c.Percent != nil {
		t.Errorf("CDF of NaN only: %+v", c)
	}
}
