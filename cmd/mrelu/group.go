package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// subcommand is one sub-command of a command group, such as `mrelu device iv`.
type subcommand struct {
	group, name, summary string
	run                  func(args []string, stdout, stderr io.Writer) error
}

// subcommands is the one table of the groups' sub-commands: each row names
// its group, and a group's rows are in its help order.
var subcommands = []subcommand{
	{"device", "iv", "DC I-V sweeps with compliance over many cycles; set/hold voltages (Fig. 1f, 3a, 3b)", runDeviceIV},
	{"device", "sweep", "current-controlled steady state: R and G vs I (Fig. 1h, 3c)", runDeviceSweep},
	{"device", "pulse", "current pulse train, rising voltage pulses, single-pulse latency/energy, relaxation (Fig. 3d-f)", runDevicePulse},
	{"device", "tft", "a-IGZO TFT transfer and output curves, threshold spread of sampled TFTs (Fig. S5)", runDeviceTFT},
	{"device", "fit", "fit the memristor model to measured R(I) or I-V data; writes a params.json for --params", runDeviceFit},
	{"device", "tabulate", "use measured R(I) or I-V data directly as the memristor's steady state; writes a params.json for --params", runDeviceTabulate},
	{"neuron", "check", "does this device make a working ReLU neuron at this VDD? off level, knee, reach, stability; why not, what would", runNeuronCheck},
	{"neuron", "transfer", "DC transfer curve Vout(I) with ReLU metrics and stability map (Fig. 3i)", runNeuronTransfer},
	{"neuron", "pulse", "transient activation: latency, energy, settling; largest stable output capacitance (Fig. 3f)", runNeuronPulse},
	{"neuron", "spice", "export the ngspice netlists; with --run, run ngspice and compare with our solver", runNeuronSpice},
	{"neuron", "montecarlo", "transfer curves of neurons sampled with device-to-device variation", runNeuronMonteCarlo},
}

// groups maps each command group (registerGroup) to its rows of
// subcommands; a group's errors are prefixed with the sub-command's full
// name ("device iv").
var groups = map[string][]subcommand{}

// registerGroup registers the command group name, whose sub-commands are
// its rows of subcommands and whose usage is intro, the table of those
// sub-commands and notes (runGroup).
func registerGroup(name, summary, intro, notes string) {
	var subs []subcommand
	for _, s := range subcommands {
		if s.group == name {
			subs = append(subs, s)
		}
	}
	groups[name] = subs
	register(name, summary, func(args []string, stdout, stderr io.Writer) error {
		return runGroup(name, intro, notes, subs, args, stdout, stderr)
	})
}

// runGroup runs the sub-command named by args[0] of the command group
// (`mrelu <group> <sub-command> [flags]`), or prints the group's usage on
// -h, -help, --help or help. The usage is the intro, the table of subs and
// the notes (the flags the sub-commands share and an "Example:" line).
// A missing or unknown sub-command is a usage error.
func runGroup(group, intro, notes string, subs []subcommand, args []string, stdout, stderr io.Writer) error {
	names := make([]string, len(subs))
	for i, s := range subs {
		names[i] = s.name
	}
	if len(args) == 0 {
		return usagef("%s: missing sub-command (one of %s; see mrelu %s --help)", group, strings.Join(names, ", "), group)
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		printGroupUsage(stdout, group, intro, notes, subs)
		return flag.ErrHelp
	}
	for _, s := range subs {
		if s.name == args[0] {
			return s.run(args[1:], stdout, stderr)
		}
	}
	return usagef("%s: unknown sub-command %q (want one of %s)", group, args[0], strings.Join(names, ", "))
}

func printGroupUsage(w io.Writer, group, intro, notes string, subs []subcommand) {
	width := 6 // the names are padded to the longest, at least 6 columns
	for _, s := range subs {
		width = max(width, len(s.name))
	}
	fmt.Fprintf(w, "Usage: mrelu %s <sub-command> [flags]\n\n%s\n\nSub-commands:\n", group, intro)
	for _, s := range subs {
		fmt.Fprintf(w, "  %-*s %s\n", width, s.name, s.summary)
	}
	fmt.Fprintf(w, "\n%s\n", notes)
}

// commonFlags holds the flags every sub-command of a group takes: --out,
// --force, --params, --plots and, where randomness enters, --seed.
type commonFlags struct {
	outFlags
	name   string // "device iv", prefixing errors
	kind   string // "device-iv", for the default --out
	params *string
	plots  *bool
	seed   *uint64 // nil where no randomness enters
}

// addCommonFlags defines the common flags on fs, with --seed (its usage
// text seedUsage) when withSeed is true.
func addCommonFlags(fs *flag.FlagSet, name, kind string, withSeed bool, seedUsage string) *commonFlags {
	c := &commonFlags{outFlags: addOutFlags(fs, kind), name: name, kind: kind}
	c.params = fs.String("params", "", paramsFlagUsage)
	c.plots = fs.Bool("plots", true, "write the PNG/SVG plots (--plots=false: data files only)")
	if withSeed {
		c.seed = fs.Uint64("seed", 1, seedUsage)
	}
	return c
}

// paramsError names the sub-command and --params in an error reading the
// --params file.
func (c *commonFlags) paramsError(err error) error {
	return fmt.Errorf("%s: --params: %w", c.name, err)
}

// setup turns invalid (the error of the configuration's Validate) into a
// usage error, then runs load (reading --params) and creates --out.
func (c *commonFlags) setup(invalid error, load func() error) (string, error) {
	if invalid != nil {
		return "", usagef("%s: %v", c.name, invalid)
	}
	if err := load(); err != nil {
		return "", err
	}
	return c.prepare(c.kind)
}

// validator is an experiment's configuration, which checks itself.
type validator interface{ Validate() error }

// produce runs an experiment (exp) and writes its files into dir with
// write: the result and the files' summary, or the first error.
func produce[R, S any](exp func() (R, error), write func(dir string, r R, plots bool) (S, error), dir string, plots bool) (r R, s S, err error) {
	if r, err = exp(); err == nil {
		s, err = write(dir, r, plots)
	}
	return r, s, err
}

// seedValue is --seed, or 0 where the sub-command takes none.
func (c *commonFlags) seedValue() uint64 {
	if c.seed == nil {
		return 0
	}
	return *c.seed
}
