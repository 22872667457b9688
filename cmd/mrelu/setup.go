package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/internal/quantity"
	"github.com/mrelu/mrelu/neuron"
	"github.com/mrelu/mrelu/params"
)

// The --params and --vdd flags of every command that builds a neuron read
// their file through the library's one codec (package params) and check
// the neuron before any long work (experiment.CheckViability).

const (
	paramsFlagUsage = "parameter JSON `FILE`: the params.json of any run or of 'mrelu device fit', or hand-written {\"memristor\", \"tft\", \"neuron\"} (absent keys keep the defaults)"
	vddFlagUsage    = "supply VDD of the neuron in `V` (default: the --params file's neuron.vdd_V, else 2 V)"
)

// addVDDFlag defines --vdd (0: not given).
func addVDDFlag(fs *flag.FlagSet) *float64 {
	return quantity.Float(fs, "vdd", 0, quantity.Volt, vddFlagUsage)
}

// vddGiven reports whether --vdd was on the command line.
func vddGiven(fs *flag.FlagSet) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "vdd" })
	return given
}

// loadSetup returns the --params file's setup (the defaults when path is
// ""), with the supply set to vdd when given is true. A bad file is an
// error naming the file (exit 1), a bad --vdd a usage error (exit 2).
func loadSetup(path string, vdd float64, given bool) (params.Setup, error) {
	s := params.Default()
	if path != "" {
		var err error
		if s, err = params.Load(path); err != nil {
			return s, fmt.Errorf("--params: %w", err)
		}
	}
	if given {
		var err error
		if s, err = s.WithVDD(vdd); err != nil {
			return s, usagef("%v", err)
		}
	}
	return s, nil
}

// setupFlags are --params and --vdd: the devices and supply of a command
// that builds a neuron.
type setupFlags struct {
	fs     *flag.FlagSet
	params *string
	vdd    *float64
}

// addSetupFlags defines --params (its usage text paramsUsage) and --vdd.
func addSetupFlags(fs *flag.FlagSet, paramsUsage string) setupFlags {
	return setupFlags{fs: fs, params: fs.String("params", "", paramsUsage), vdd: addVDDFlag(fs)}
}

// load returns the setup of --params and --vdd (loadSetup).
func (f setupFlags) load() (params.Setup, error) {
	return loadSetup(*f.params, *f.vdd, vddGiven(f.fs))
}

// loadViable reads the setup of --params and --vdd into the command's
// configuration (*d, *n), checks that configuration with validate (an
// error is a usage error, prefixed with prefix) and refuses a neuron that
// is not viable (requireViable). validate is a closure over the
// configuration, not its method value cfg.Validate, which would check a
// copy made before the setup is read.
func (f setupFlags) loadViable(prefix string, d *device.Params, n *neuron.Params, validate func() error) error {
	s, err := f.load()
	if err != nil {
		return err
	}
	*d, *n = s.Device, s.Neuron
	if err := validate(); err != nil {
		return usagef("%s%v", prefix, err)
	}
	return requireViable(s)
}

// requireViable refuses a neuron that is not a working ReLU (exit 1, the
// verdict of `mrelu neuron check` in one line), before any work.
func requireViable(s params.Setup) error {
	if err := experiment.RequireViable(s); err != nil {
		if errors.Is(err, experiment.ErrNotViable) {
			return fmt.Errorf("%w (mrelu neuron check prints the details)", err)
		}
		return err
	}
	return nil
}

// loadNeuronParams reads a parameter file through params.Load (kept for
// the sweep runner).
func loadNeuronParams(path string) (device.Params, neuron.Params, error) {
	s, err := params.Load(path)
	return s.Device, s.Neuron, err
}

// saveRunParams writes dir/params.json: the setup the run used and its
// settings, in the form --params reads back.
func saveRunParams(dir string, s params.Setup, command string, config any) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return params.Save(filepath.Join(dir, "params.json"), s, params.Settings{Command: command, Config: config})
}
