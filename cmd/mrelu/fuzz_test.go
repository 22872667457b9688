package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/rundir"
)

// FuzzLoadParams feeds arbitrary bytes, as a --params or fig4.json file,
// to the readers of user parameter files: loadNeuronParams and
// loadDeviceParams (both params.Load, the one codec, fuzzed on its own by
// params.FuzzDecode) and rundir.LoadFig4Params (fig4 --resume). None may
// panic; an accepted file gives valid parameters; a refused one is named
// in the error.
func FuzzLoadParams(f *testing.F) {
	for _, s := range []string{
		`{}`,
		`{"neuron": {"vdd_V": 2.1, "clamp": false}, "memristor": {"v_th_V": 2}}`,
		`{"neuron": {"vdd_V": 1e400}}`,
		`{"neuron": {"bogus": 1}}`,
		`{"neuron": null, "settings": {"command": "neuron transfer"}}`,
		`{"memristor": {}, "tft": {"w_m": 1e-4}, "settings": [1, 2]}`,
		`{"tft": {"vth_V": NaN}}`,
		`{"base": {"act": "relu", "hidden": [100, 100, 100], "epochs": 30, "batch": 500, "lr": 0.1, "seed": 1, "data": "", "variation": 0.099}, "acts": ["relu"], "sweep": [0]}`,
		`{"base": {"epochs": -1}}`,
		`{"neuron": {"vdd_V": 2}} trailing`,
		`[`,
		"",
		`{"neuron": {"` + strings.Repeat("k", 2000) + `": 1}}`,
		`{"` + strings.Repeat("k", 2000) + `": 1}`,
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "params.json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		named := func(what string, err error) {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("%s: error does not name the file: %v", what, err)
			}
			if n := len(err.Error()) - strings.Count(err.Error(), path)*len(path); n > 400 {
				t.Fatalf("%s: error of %d bytes quotes the input: %.100q", what, n, err)
			}
		}
		if d, n, err := loadNeuronParams(path); err != nil {
			named("neuron", err)
		} else {
			if err := d.Validate(); err != nil {
				t.Fatalf("loadNeuronParams accepted invalid device parameters: %v", err)
			}
			if err := n.Validate(); err != nil {
				t.Fatalf("loadNeuronParams accepted invalid neuron parameters: %v", err)
			}
		}
		if d, err := loadDeviceParams(path); err != nil {
			named("device", err)
		} else if err := d.Validate(); err != nil {
			t.Fatalf("loadDeviceParams accepted invalid parameters: %v", err)
		}
		if p, err := rundir.LoadFig4Params(path); err != nil {
			named("fig4", err)
		} else if err := p.Validate(); err != nil {
			t.Fatalf("rundir.LoadFig4Params accepted invalid parameters: %v", err)
		}
	})
}
