package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// groups (main.go) maps each command group to its sub-commands.

// leafCommands lists every runnable command line prefix: the top-level
// commands and each sub-command of a group ("device iv").
func leafCommands() [][]string {
	var out [][]string
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if subs, ok := groups[n]; ok {
			for _, s := range subs {
				out = append(out, []string{n, s.name})
			}
			continue
		}
		out = append(out, []string{n})
	}
	return out
}

// TestHelpEverywhere: every row of subcommands belongs to a registered
// group, and every command, group and sub-command prints its usage with
// exactly one example of itself on stdout for --help, -h and
// `mrelu help <command>`, exits 0, and writes nothing to stderr.
func TestHelpEverywhere(t *testing.T) {
	for _, s := range subcommands {
		if _, ok := groups[s.group]; !ok {
			t.Errorf("sub-command %s of the unregistered group %q", s.name, s.group)
		}
	}
	var lines [][]string
	for g := range groups {
		lines = append(lines, []string{g})
	}
	lines = append(lines, leafCommands()...)
	for _, cmd := range lines {
		for _, h := range []string{"--help", "-h"} {
			var so, se bytes.Buffer
			code := run(append(slices.Clone(cmd), h), &so, &se)
			name := strings.Join(cmd, " ")
			out := so.String()
			if code != 0 || se.Len() != 0 {
				t.Errorf("%s %s: exit %d, stderr %q", name, h, code, se.String())
			}
			if strings.Count(out, "Example:") != 1 || !strings.Contains(out, "Usage: mrelu "+name) {
				t.Errorf("%s %s: usage without one example: %q", name, h, out)
			}
			ex := out[strings.Index(out, "Example:"):]
			if !strings.Contains(ex, "mrelu "+name+" ") && !(len(cmd) == 1 && groups[cmd[0]] != nil && strings.Contains(ex, "mrelu "+name)) {
				t.Errorf("%s %s: the example is not of this command: %q", name, h, ex)
			}
		}
	}
	for _, n := range []string{"train", "edges", "device"} {
		var so, se bytes.Buffer
		if code := run([]string{"help", n}, &so, &se); code != 0 || !strings.Contains(so.String(), "Example:") {
			t.Errorf("help %s: exit %d, %q", n, code, so.String())
		}
	}
}

// floatFlags returns the names of the floating-point flags in a usage text
// (PrintDefaults shows "-name float", or the unit placeholder).
func floatFlags(usage string) []string {
	re := regexp.MustCompile(`(?m)^  -([a-z0-9-]+) (float|V|S|A)$`)
	var out []string
	for _, m := range re.FindAllStringSubmatch(usage, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestBadArgumentsEverywhere runs every command with an unknown flag, a
// stray argument, an unparsable value and, for every floating-point flag,
// NaN, +Inf and -Inf: each exits with status 2 and a one-line message on
// stderr naming the command and the flag, writes nothing on stdout and
// creates no output folder.
func TestBadArgumentsEverywhere(t *testing.T) {
	tmp := t.TempDir()
	nodata := filepath.Join(tmp, "no-data")
	checked := 0
	for _, cmd := range leafCommands() {
		name := strings.Join(cmd, " ")
		var help bytes.Buffer
		run(append(slices.Clone(cmd), "--help"), &help, &bytes.Buffer{})
		type probe struct {
			args []string
			want string
		}
		probes := []probe{{[]string{"--bogus"}, "flag provided but not defined: -bogus"}}
		if name != "compare" { // compare's arguments are its params files (a missing one: exit 1, compare_test.go)
			probes = append(probes, probe{[]string{"stray"}, `unexpected argument "stray"`})
		}
		if strings.Contains(help.String(), "\n  -force\n") {
			probes = append(probes, probe{[]string{"--force=maybe"}, `invalid boolean value "maybe" for -force`})
		}
		known := name == "train" || name == "fig4" || name == "edges" || groups[cmd[0]] != nil
		if known { // commands whose every float flag is validated before any work
			for _, f := range floatFlags(help.String()) {
				probes = append(probes, probe{[]string{"--" + f, "x1"}, "invalid value \"x1\" for flag -" + f})
				for _, v := range []string{"NaN", "Inf", "-Inf"} {
					probes = append(probes, probe{[]string{"--" + f, v}, ""})
				}
			}
		}
		for _, p := range probes {
			out := filepath.Join(tmp, "out-"+strings.ReplaceAll(name, " ", "-"))
			args := append(slices.Clone(cmd), "--out", out)
			if name == "train" || name == "fig4" {
				args = append(args, "--data", nodata) // never reach MNIST
			}
			args = append(args, p.args...)
			var so, se bytes.Buffer
			code := run(args, &so, &se)
			msg := strings.TrimSpace(se.String())
			checked++
			switch {
			case code != 2:
				t.Errorf("%v: exit %d (want 2): %q", args, code, msg)
			case strings.Contains(msg, "\n"):
				t.Errorf("%v: message of several lines: %q", args, msg)
			case !strings.HasPrefix(msg, "mrelu: "+name+":") && !strings.HasPrefix(msg, "mrelu: "+cmd[0]):
				t.Errorf("%v: message does not name the command: %q", args, msg)
			case p.want != "" && !strings.Contains(msg, p.want):
				t.Errorf("%v: message %q lacks %q", args, msg, p.want)
			case so.Len() != 0:
				t.Errorf("%v: wrote to stdout: %q", args, so.String())
			}
			if dirExists(out) {
				t.Errorf("%v: created the output folder", args)
			}
		}
	}
	t.Logf("%d bad command lines checked", checked)
}

func dirExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
