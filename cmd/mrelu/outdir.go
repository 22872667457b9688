package main

import "github.com/mrelu/mrelu/report"

// prepareOutDir creates and locks the output folder of a run (out, or a new
// mrelu-out/<kind>-<time> when out is ""); force allows a non-empty one.
func prepareOutDir(out, kind string, force bool) (string, error) {
	dir := out
	if dir == "" {
		dir = defaultOut(kind)
	}
	return dir, report.PrepareOut(dir, force)
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
