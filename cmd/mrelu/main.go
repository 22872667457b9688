package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/mrelu/mrelu/internal/quantity"
	"github.com/mrelu/mrelu/report"
)

// command is one subcommand: a thin layer of flags over a library call.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{}

func register(name, summary string, run func(args []string, stdout, stderr io.Writer) error) {
	commands[name] = command{summary: summary, run: run}
}

// usageError marks an error in the command line (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// exitError is a failure with its own exit status (130: interrupted).
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

func main() {
	// The heap may grow by half its live size between collections instead
	// of Go's default doubling: a training run's live heap is mostly the
	// data sets (MNIST as bytes, 55 MB), and the garbage of the report's
	// plots would otherwise double it (peak RSS of a 30-epoch train: 163
	// MB with GOGC=100, 131 MB with 50; BENCHMARKS.md). GOGC in the
	// environment still decides when set.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit status: 0 on success,
// 1 when the work failed, 2 for a bad command line.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return exitCode(args[1], c.run([]string{"--help"}, stdout, stderr), stderr)
			}
		}
		printUsage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "version" || args[0] == "--version" || args[0] == "-version" {
		fmt.Fprintln(stdout, versionLine())
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "mrelu: unknown command %q (run 'mrelu help' for the list)\n", args[0])
		return 2
	}
	// The output folder a command locked (report.PrepareOut) is released
	// when it returns, whatever the outcome.
	defer report.UnlockOutputs()
	return exitCode(commandName(args), c.run(args[1:], stdout, stderr), stderr)
}

// commandName is the name of the command args (without the program name)
// run: "train", or "device iv" for a sub-command of a group.
func commandName(args []string) string {
	name := args[0]
	if subs, ok := groups[name]; ok && len(args) > 1 {
		for _, s := range subs {
			if s.name == args[1] {
				return name + " " + s.name
			}
		}
	}
	return name
}

// withCommand returns msg starting with "name: ", as every error line
// must ("mrelu: <command>: ..."), whatever layer wrote the message.
// A message longer than maxErrorLine bytes is cut (it can only be that
// long by quoting input it should not have quoted).
func withCommand(name, msg string) string {
	if !strings.HasPrefix(msg, name+":") {
		msg = name + ": " + msg
	}
	if len(msg) > maxErrorLine {
		msg = fmt.Sprintf("%s... (%d more bytes)", strings.ToValidUTF8(msg[:maxErrorLine], ""), len(msg)-maxErrorLine)
	}
	return strings.ReplaceAll(msg, "\n", " ")
}

// maxErrorLine bounds the error line printed on stderr.
const maxErrorLine = 2000

// exitCode prints err as one line "mrelu: <name>: ..." on stderr and
// returns the exit status for it.
func exitCode(name string, err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "mrelu: %s\n", withCommand(name, ue.msg))
		return 2
	}
	var xe exitError
	if errors.As(err, &xe) {
		fmt.Fprintf(stderr, "mrelu: %s\n", withCommand(name, xe.msg))
		return xe.code
	}
	fmt.Fprintf(stderr, "mrelu: %s\n", withCommand(name, err.Error()))
	return 1
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "mrelu simulates the memristive ReLU neuron from device physics to network accuracy.")
	fmt.Fprintln(w, "\nUsage: mrelu <command> [flags]   (mrelu <command> --help for details)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
}

// newFlags returns a flag set that reports errors instead of exiting and
// prints usage with an example on --help.
func newFlags(name, synopsis, example string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fs.SetOutput(stdout)
		fmt.Fprintf(stdout, "Usage: mrelu %s\n\n%s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
		if quantity.Has(fs) {
			fmt.Fprintf(stdout, "\n%s\n", quantity.Help)
		}
		fmt.Fprintf(stdout, "\nExample:\n  %s\n", example)
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseFlags parses args, turning flag errors into usage errors (exit 2)
// and refusing stray positional arguments.
// The usage goes to stdout for --help only: a bad command line gets the
// one-line error on stderr and nothing else.
func parseFlags(fs *flag.FlagSet, args []string) error {
	usage := fs.Usage
	fs.Usage = func() {} // flag.Parse calls it on every error
	defer func() { fs.Usage = usage }()
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage()
			return flag.ErrHelp
		}
		return usagef("%s: %v", fs.Name(), err)
	}
	if fs.NArg() > 0 {
		return usagef("%s: unexpected argument %q (flags start with --)", fs.Name(), strings.Join(fs.Args(), " "))
	}
	return nil
}
