package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/params"
	"github.com/mrelu/mrelu/report"
)

func init() {
	register("compare", "devices side by side: the default, yours and the paper (curves, latency, energy, accuracy, Table 1)", runCompare)
}

const compareSynopsis = `mrelu compare A.json [B.json ...] [--quick] [--vdd V] [--seed N] [--names a,b] --out DIR [--force]

Compares devices side by side in one report: the default device (always the first column), each
parameter file given (a params.json from 'mrelu device fit', from any run, or written by hand) and
the paper's reported values (the last column). For every device: the verdict of 'mrelu neuron
check', the transfer curve Vout(I) and the memristor's steady-state R(I), latency and energy of
one activation (device level as 'mrelu device pulse', in the 2T-1M circuit as 'mrelu neuron
pulse'), its row of Table 1, and the test accuracy per epoch of an MLP trained with its neuron in
the loop (as 'mrelu train --act mrelu', 9.9 % temporal variation). A device that is not a working
ReLU does not stop the comparison: its column shows the verdict, its curves, and "not viable:
<why>" where its training would be.

Writes compare.json and compare.csv (one row per quantity, a column per device and the paper;
null or an empty cell where a number does not exist), transfer.csv, r_of_i.csv, accuracy.csv,
the figures transfer, r_of_i, accuracy, latency and energy (PNG + SVG), params/<name>.json (each
device's parameters, readable by --params) and compare.html (one self-contained page).

The full run trains Fig. 4's network for 30 epochs on the whole data set per device (about 15 s
each on 2 cores); --quick trains 3 epochs on the first 20000 training images (tested on all).
--vdd sets the supply of the devices given (not the default's). Columns are named after the
files (a file named params.json after its folder); --names names them instead.`

func runCompare(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("compare", compareSynopsis, "mrelu compare runs/fit/params.json --quick --out runs/compare", stdout)
	quick := fs.Bool("quick", false, "reduced training: 3 epochs on the first 20000 training images")
	vdd := addVDDFlag(fs)
	seed := fs.Uint64("seed", 1, "random `N` seeding the training and its temporal variation")
	names := fs.String("names", "", "comma-separated column `names` of the files, in order (default: from the file names)")
	epochs := fs.Int("epochs", 0, "training epochs (0: 30, or 3 with --quick)")
	data := fs.String("data", "", "folder with train-*/t10k-* IDX files (default: built-in MNIST)")
	out := addOutFlags(fs, "compare")
	plots := fs.Bool("plots", true, "write the PNG/SVG figures and compare.html (--plots=false: compare.json and the CSVs only)")
	files, err := parseFlagsAndFiles(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("compare: no parameter file given (mrelu compare A.json [B.json ...])")
	}
	if *epochs < 0 {
		return usagef("compare: --epochs %d: must be ≥ 0", *epochs)
	}
	cfg := experiment.DefaultCompareConfig()
	if *quick {
		cfg = experiment.QuickCompareConfig()
	}
	cfg.Seed = *seed
	cfg.Train.Data = *data
	if *epochs > 0 {
		cfg.Train.Epochs = *epochs
	}
	var named []string
	if *names != "" {
		named = strings.Split(*names, ",")
		if len(named) != len(files) {
			return usagef("compare: --names has %d names for %d files", len(named), len(files))
		}
	}
	for k, f := range files {
		s, err := params.Load(f)
		if err != nil {
			return err // params.Load names the file
		}
		if vddGiven(fs) {
			if s, err = s.WithVDD(*vdd); err != nil {
				return usagef("compare: %s: %v", f, err)
			}
		}
		name := deviceName(f)
		if named != nil {
			name = strings.TrimSpace(named[k])
		}
		cfg.Devices = append(cfg.Devices, experiment.CompareDevice{Name: name, Source: f, Setup: s})
	}
	if err := cfg.Validate(); err != nil {
		return usagef("%v", err)
	}
	dir, command, bar, err := out.startRun("compare", args, stderr)
	if err != nil {
		return err
	}
	bar.Line("mrelu compare: %s run, %d devices and the paper, seed %d, writing %s", modeName(cfg.Quick, "full"), len(cfg.Devices)+1, cfg.Seed, dir)
	n := cfg.Train.Epochs
	res, err := experiment.CompareWith(context.Background(), cfg, experiment.CompareProgress{
		Device: func(k, total int, name string) { bar.Line("compare [%d/%d] %s", k+1, total, name) },
		Train: func(name string) experiment.Progress {
			return bar.training(name, n, "  %s: test accuracy %.4f after %d epochs", 1)
		},
	})
	bar.Done()
	if err != nil {
		return err
	}
	s, err := report.WriteCompare(dir, res, report.CompareOptions{Command: command, NoPlots: !*plots})
	if err != nil {
		return err
	}
	printCompare(stdout, s)
	outf(stdout, "wrote %s (open %s in a browser)\n", dir, filepath.Join(dir, "compare.html"))
	return nil
}

// parseFlagsAndFiles parses flags and positional parameter files in any
// order (flags start with -).
func parseFlagsAndFiles(fs *flag.FlagSet, args []string) ([]string, error) {
	var files []string
	usage := fs.Usage
	fs.Usage = func() {}
	defer func() { fs.Usage = usage }()
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				usage()
				return nil, flag.ErrHelp
			}
			return nil, usagef("%s: %v", fs.Name(), err)
		}
		if fs.NArg() == 0 {
			return files, nil
		}
		files, args = append(files, fs.Arg(0)), fs.Args()[1:]
	}
}

// deviceName names a file's column: its name without .json, or its
// folder's name for a params.json (the output of a run or of device fit).
func deviceName(path string) string {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if base == "params" || base == "device_params" {
		if d := filepath.Base(filepath.Dir(path)); d != "." && d != "/" && d != "" {
			return d
		}
	}
	return base
}

// printCompare prints the main quantities, a column per device and the
// paper.
func printCompare(w io.Writer, s *report.CompareSummary) {
	line := func(label string, cells []string) {
		fmt.Fprintf(w, "  %s", clip(label, 34))
		for _, c := range cells {
			fmt.Fprintf(w, " %s", clip(c, 16))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "mrelu compare (%s run, seed %d): %.1f s\n", s.Mode, s.Seed, s.Seconds)
	line("", s.Columns)
	for _, key := range []string{"verdict", "vdd_V", "v_th_V", "r_d_ohm", "off_level_V", "i90_A", "device_latency_s", "device_energy_J",
		"latency_s", "energy_memristor_J", "energy_J", "test_accuracy"} {
		q := s.Row(key)
		if q == nil {
			continue
		}
		var cells []string
		if q.Text != nil {
			for _, t := range q.Text {
				cells = append(cells, strings.SplitN(t, ":", 2)[0])
			}
		} else {
			for _, v := range q.Values {
				cells = append(cells, report.FormatValue(float64(v), q.Unit))
			}
		}
		line(q.Label, cells)
	}
}
