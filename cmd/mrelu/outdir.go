package main

import (
	"flag"
	"io"
	"path/filepath"
	"time"

	"github.com/mrelu/mrelu/report"
)

// outFlags are --out and --force: the output folder of a run.
type outFlags struct {
	out   *string
	force *bool
}

// addOutFlags defines --out and --force; kind names the default folder in
// the usage text (mrelu-out/<kind>-<time>).
func addOutFlags(fs *flag.FlagSet, kind string) outFlags {
	return outFlags{
		out:   fs.String("out", "", "output folder `DIR` (default: a new mrelu-out/"+kind+"-<time>)"),
		force: fs.Bool("force", false, "write into a non-empty --out"),
	}
}

// dir is --out, or a new mrelu-out/<kind>-<time>.
func (o outFlags) dir(kind string) string {
	if *o.out == "" {
		return defaultOut(kind)
	}
	return *o.out
}

// prepare creates and locks the output folder of a run (see dir); --force
// allows a non-empty one.
func (o outFlags) prepare(kind string) (string, error) {
	dir := o.dir(kind)
	return dir, report.PrepareOut(dir, *o.force)
}

// defaultOut is a fresh folder per run, so the default never overwrites.
func defaultOut(kind string) string {
	return filepath.Join("mrelu-out", kind+"-"+time.Now().Format("20060102-150405"))
}

// startRun creates the output folder of a run of the command name (see
// prepare) and returns it with the command line for the run's records and
// a progress bar on stderr.
func (o outFlags) startRun(name string, args []string, stderr io.Writer) (dir, command string, bar *progressBar, err error) {
	if dir, err = o.prepare(name); err != nil {
		return dir, "", nil, err
	}
	return dir, commandLine(name, args), newProgress(stderr), nil
}

// modeName names the mode of a run: "quick", or full.
func modeName(quick bool, full string) string {
	if quick {
		return "quick"
	}
	return full
}

// commandLine is `mrelu <name> <args>` quoted as a shell would take it, for
// the records of a run.
func commandLine(name string, args []string) string {
	command := "mrelu " + name
	for _, a := range args {
		command += " " + report.ShellQuote(a)
	}
	return command
}
