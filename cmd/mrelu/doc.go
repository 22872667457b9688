// Command mrelu simulates the memristive ReLU neuron (mReLU) of Oh, Kim et
// al., Adv. Mater. 2023, from device physics up to network accuracy.
//
// Usage:
//
//	mrelu <command> [flags]
//
// Run `mrelu help` for the list of commands and `mrelu <command> --help`
// for each command's flags and an example.
//
// # Layering
//
// The command owns the command line only: flags (units through
// internal/quantity), the progress display and the exit codes. Each
// command's run(args, stdout, stderr) parses its flags, calls a runner of
// package experiment (or sweep), hands the result to a writer of package
// report, and keeps its output folder through package rundir; each is
// tested against a golden file (golden_test.go, testdata/golden, -update).
// It may import every package of the module; no package imports it.
package main
