package crossbar

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"math"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/internal/testutil"
	"github.com/mrelu/mrelu/neuron"
)

func TestDefaultParams(t *testing.T) {
	p := DefaultParams()
	if err := p.Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	if !p.Ideal() {
		t.Error("a non-ideality is on by default")
	}
	// The unit current is the default neuron's: one volt of mReLU output
	// per unit of pre-activation.
	if want := neuron.IUnitFor(device.DefaultMemristor().RD, neuron.DefaultParams()); math.Abs(DefaultUnitCurrent/want-1) > 1e-12 {
		t.Errorf("DefaultUnitCurrent = %g A, want neuron.IUnitFor(defaults) = %g A", DefaultUnitCurrent, want)
	}
	if p.GMax >= device.G0 {
		t.Errorf("GMax = %g S not below G0 = %g S", p.GMax, device.G0)
	}
	// The neurons' bound is the default neuron's supply.
	if vdd := neuron.DefaultParams().VDD; p.VDD != vdd || DefaultVDD != vdd {
		t.Errorf("VDD = %g V, DefaultVDD = %g V, want neuron.DefaultParams().VDD = %g V", p.VDD, DefaultVDD, vdd)
	}
}

func TestValidate(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		field string
		edit  func(*Params)
	}{
		{"GMin", func(p *Params) { p.GMin = -1e-7 }},
		{"GMin", func(p *Params) { p.GMin = nan }},
		{"GMax", func(p *Params) { p.GMax = 0 }},
		{"GMax", func(p *Params) { p.GMax = p.GMin }},
		{"GMax", func(p *Params) { p.GMax = inf }},
		{"GScale", func(p *Params) { p.GScale = -1e-6 }},
		{"GScale", func(p *Params) { p.GScale = nan }},
		{"ReadScale", func(p *Params) { p.ReadScale = 0 }},
		{"ReadScale", func(p *Params) { p.ReadScale = -0.2 }},
		{"ReadScale", func(p *Params) { p.ReadScale = inf }},
		{"MirrorGain", func(p *Params) { p.MirrorGain = -1 }},
		{"MirrorGain", func(p *Params) { p.MirrorGain = nan }},
		{"UnitCurrent", func(p *Params) { p.UnitCurrent = 0 }},
		{"UnitCurrent", func(p *Params) { p.UnitCurrent = -inf }},
		{"Levels", func(p *Params) { p.Levels = 1 }},
		{"Levels", func(p *Params) { p.Levels = -4 }},
		{"ProgramSigma", func(p *Params) { p.ProgramSigma = -0.01 }},
		{"ProgramSigma", func(p *Params) { p.ProgramSigma = 1.5 }},
		{"ReadSigma", func(p *Params) { p.ReadSigma = nan }},
		{"ReadSigma", func(p *Params) { p.ReadSigma = 2 }},
		{"NeuronSpread", func(p *Params) { p.NeuronSpread = -0.1 }},
		{"NeuronSpread", func(p *Params) { p.NeuronSpread = inf }},
		{"VDD", func(p *Params) { p.VDD = 0 }},
		{"VDD", func(p *Params) { p.VDD = -2 }},
		{"VDD", func(p *Params) { p.VDD = nan }},
		{"VDD", func(p *Params) { p.VDD = inf }},
	}
	for _, tc := range tests {
		p := DefaultParams()
		tc.edit(&p)
		err := p.Validate()
		if err == nil {
			t.Errorf("%s: %+v accepted", tc.field, p)
			continue
		}
		if !errors.Is(err, ErrInvalidParam) || !strings.Contains(err.Error(), "Params."+tc.field+" ") {
			t.Errorf("%s: error %q does not name the field or wrap ErrInvalidParam", tc.field, err)
		}
	}
	ok := []func(*Params){
		func(p *Params) { p.GMin = 0 },
		func(p *Params) { p.Levels = 2 },
		func(p *Params) { p.GScale = 1e-6; p.MirrorGain = 1 },
		func(p *Params) { p.ProgramSigma, p.ReadSigma, p.NeuronSpread = 1, 1, 1 },
		func(p *Params) { p.VDD = 1.6 },
	}
	for i, edit := range ok {
		p := DefaultParams()
		edit(&p)
		if err := p.Validate(); err != nil {
			t.Errorf("valid params %d rejected: %v", i, err)
		}
	}
}

func TestDecodeParams(t *testing.T) {
	p, err := DecodeParams(strings.NewReader(`{"levels": 16, "read_sigma": 0.02, "g_max_S": 5e-6}`))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultParams()
	want.Levels, want.ReadSigma, want.GMax = 16, 0.02, 5e-6
	if p != want {
		t.Errorf("decoded %+v, want %+v", p, want)
	}
	// VDD is the neuron's, recorded once in a run's params.json as the
	// neuron's vdd_V: the arrays' JSON does not repeat it (so it is the
	// same at any supply) and cannot set it.
	if b, err := json.Marshal(withParams(func(p *Params) { p.VDD = 1.6 })); err != nil || strings.Contains(strings.ToLower(string(b)), "vdd") {
		t.Errorf("JSON %s (%v) carries the VDD", b, err)
	}
	if _, err := DecodeParams(strings.NewReader(`{"vdd_V": 1.6}`)); err == nil {
		t.Error("a vdd_V key accepted")
	}
	bad := []struct{ doc, want string }{
		{`{"levels": 1}`, "Levels"},
		{`{"g_min": 1}`, "g_min"},
		{`{"levels": 2} {}`, "unexpected data"},
		{`{"read_scale_V": "x"}`, "read_scale_V"},
	}
	for _, b := range bad {
		if _, err := DecodeParams(strings.NewReader(b.doc)); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: error %v, want one naming %q", b.doc, err, b.want)
		}
	}
}

func FuzzDecodeParams(f *testing.F) {
	f.Add([]byte(`{"levels": 16, "read_sigma": 0.02}`))
	f.Add([]byte(`{"g_min_S": 1e-7, "g_max_S": 1e-5, "seed": 3}`))
	f.Add([]byte(`{"program_sigma": NaN}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"` + strings.Repeat("k", 2000) + `": 1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := DecodeParams(bytes.NewReader(data))
		if !testutil.Accepted(t, err, p.Validate) {
			if p != DefaultParams() {
				t.Fatalf("failed decode returned %+v, not the defaults", p)
			}
		}
	})
}

func TestAddFlags(t *testing.T) {
	p := DefaultParams()
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	p.AddFlags(fs)
	if err := fs.Parse([]string{"--levels", "8", "--read-sigma", "0.05", "--g-max", "2e-5", "--mirror-gain", "1"}); err != nil {
		t.Fatal(err)
	}
	want := DefaultParams()
	want.Levels, want.ReadSigma, want.GMax, want.MirrorGain = 8, 0.05, 2e-5, 1
	if p != want {
		t.Errorf("flags gave %+v, want %+v", p, want)
	}
}
