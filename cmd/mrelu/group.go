package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/mrelu/mrelu/report"
)

// subcommand is one sub-command of a command group, such as `mrelu device iv`.
type subcommand struct {
	name, summary string
	run           func(args []string, stdout, stderr io.Writer) error
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
	name   string // "device iv", prefixing errors
	kind   string // "device-iv", for the default --out
	out    *string
	force  *bool
	params *string
	plots  *bool
	seed   *uint64 // nil where no randomness enters
}

// addCommonFlags defines the common flags on fs with the given usage
// texts for --params and --seed; an empty seedUsage leaves --seed out.
func addCommonFlags(fs *flag.FlagSet, name, kind, paramsUsage, seedUsage string) *commonFlags {
	c := &commonFlags{name: name, kind: kind}
	c.out = fs.String("out", "", "output folder `DIR` (default: a new mrelu-out/"+kind+"-<time>)")
	c.force = fs.Bool("force", false, "write into a non-empty --out")
	c.params = fs.String("params", "", paramsUsage)
	c.plots = fs.Bool("plots", true, "write the PNG/SVG plots (--plots=false: data files only)")
	if seedUsage != "" {
		c.seed = fs.Uint64("seed", 1, seedUsage)
	}
	return c
}

// paramsError names the sub-command and --params in an error reading the
// --params file.
func (c *commonFlags) paramsError(err error) error {
	return fmt.Errorf("%s: --params: %w", c.name, err)
}

// prepare creates the output folder.
func (c *commonFlags) prepare() (string, error) {
	dir := *c.out
	if dir == "" {
		dir = defaultOut(c.kind)
	}
	return dir, report.PrepareOut(dir, *c.force)
}

// seedValue is --seed, or 0 where the sub-command takes none.
func (c *commonFlags) seedValue() uint64 {
	if c.seed == nil {
		return 0
	}
	return *c.seed
}
