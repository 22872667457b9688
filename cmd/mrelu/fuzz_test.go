package main

import (
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
// in the error. The seed corpus is in testdata/fuzz/FuzzLoadParams (the
// named files: hand-written cases; the others: found by fuzzing).
func FuzzLoadParams(f *testing.F) {
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := writeFile(t, filepath.Join(dir, "params.json"), string(data))
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
