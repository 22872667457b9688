package device

import (
	"math"
	"strings"
	"testing"
)

func TestVariationIsSeededAndReproducible(t *testing.T) {
	dv := DefaultDeviceVariation()
	a := dv.SampleMemristors(DefaultMemristor(), 25, seeded(9))
	b := dv.SampleMemristors(DefaultMemristor(), 25, seeded(9))
	c := dv.SampleMemristors(DefaultMemristor(), 25, seeded(10))
	for k := range a {
		if a[k] != b[k] {
			t.Fatalf("device %d differs for the same seed", k)
		}
	}
	if a[0] == c[0] {
		t.Error("different seeds gave the same device")
	}
	cv := DefaultCycleVariation()
	x := cv.Sample(DefaultMemristor(), seeded(4))
	y := cv.Sample(DefaultMemristor(), seeded(4))
	if x != y {
		t.Error("cycle sample not reproducible")
	}
}

func TestTFTThresholdSpread(t *testing.T) {
	dv := DefaultDeviceVariation()
	ts := dv.SampleTFTs(DefaultTFT(), 20000, seeded(5))
	vth := make([]float64, len(ts))
	for k, d := range ts {
		vth[k] = d.Vth
		if err := d.Validate(); err != nil {
			t.Fatalf("sampled TFT %d invalid: %v", k, err)
		}
	}
	s := Summarize(vth)
	if !closeRel(s.Std, 0.038, 0.03, 0) || math.Abs(s.Mean-DefaultTFT().Vth) > 0.002 {
		t.Errorf("TFT Vth: mean %g V, std %g V; want %g V, 0.038 V", s.Mean, s.Std, DefaultTFT().Vth)
	}
}

func TestSampledMemristorsValidWithSpread(t *testing.T) {
	dv := DefaultDeviceVariation()
	nom := DefaultMemristor()
	ms := dv.SampleMemristors(nom, 5000, seeded(6))
	rd := make([]float64, len(ms))
	for k, m := range ms {
		if err := m.Validate(); err != nil {
			t.Fatalf("sampled memristor %d invalid: %v", k, err)
		}
		rd[k] = math.Log(m.RD / nom.RD)
	}
	if s := Summarize(rd); !closeRel(s.Std, dv.MemRDRel, 0.05, 0) || math.Abs(s.Mean) > 0.005 {
		t.Errorf("log RD spread: mean %g, std %g; want 0, %g", s.Mean, s.Std, dv.MemRDRel)
	}
	cv := DefaultCycleVariation()
	vth := make([]float64, 5000)
	rng := seeded(7)
	for k := range vth {
		m := cv.Sample(nom, rng)
		if err := m.Validate(); err != nil {
			t.Fatalf("cycle sample %d invalid: %v", k, err)
		}
		vth[k] = math.Log(m.Vth / nom.Vth)
	}
	if s := Summarize(vth); !closeRel(s.Std, cv.VthRel, 0.05, 0) {
		t.Errorf("cycle Vth spread %g, want %g", s.Std, cv.VthRel)
	}
}

func TestVariationValidateRejects(t *testing.T) {
	cv := DefaultCycleVariation()
	cv.RDRel = -0.1
	if err := cv.Validate(); err == nil || !strings.Contains(err.Error(), "RDRel") {
		t.Errorf("CycleVariation: got %v", err)
	}
	cv = DefaultCycleVariation()
	cv.VthRel = math.NaN()
	if err := cv.Validate(); err == nil || !strings.Contains(err.Error(), "VthRel") {
		t.Errorf("CycleVariation NaN: got %v", err)
	}
	dv := DefaultDeviceVariation()
	dv.TFTVthSigma = math.Inf(1)
	if err := dv.Validate(); err == nil || !strings.Contains(err.Error(), "TFTVthSigma") {
		t.Errorf("DeviceVariation: got %v", err)
	}
	dv = DefaultDeviceVariation()
	dv.MemGMaxRel = -1
	if err := dv.Validate(); err == nil || !strings.Contains(err.Error(), "MemGMaxRel") {
		t.Errorf("DeviceVariation: got %v", err)
	}
}

func TestSummarize(t *testing.T) {
	s := Summarize([]float64{3, math.NaN(), 1, 2, 4})
	if s.N != 4 || s.Median != 2.5 || s.Min != 1 || s.Max != 4 || s.Mean != 2.5 || !closeRel(s.Std, math.Sqrt(5.0/3), 1e-12, 0) {
		t.Errorf("Summarize = %+v", s)
	}
	if e := Summarize(nil); e.N != 0 || !math.IsNaN(e.Median) {
		t.Errorf("Summarize(nil) = %+v", e)
	}
}
