package main

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeFlagsExist compares the README's command table with the
// commands: every flag the table shows for a command (or for each of its
// sub-commands, for a group row such as `mrelu neuron check|transfer|...`)
// is a flag of that command's --help. The table lists the main flags only,
// so the check is one way: the README never shows a flag that does not
// exist.
func TestReadmeFlagsExist(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	sec := string(b)
	i, j := strings.Index(sec, "## Commands"), strings.Index(sec, "## Results")
	if i < 0 || j < i {
		t.Fatal("README has no Commands section before Results")
	}
	cmdCell := regexp.MustCompile("^\\| `mrelu ([a-z0-9]+)((?: [a-z|\\\\]+)?)([^`]*)`")
	flag := regexp.MustCompile(`--([a-z][a-z0-9-]*)`)
	rows := 0
	for _, line := range strings.Split(sec[i:j], "\n") {
		m := cmdCell.FindStringSubmatch(line)
		if m == nil || m[1] == "sweep" { // sweep's row lists three forms of the command
			continue
		}
		rows++
		subs := []string{""}
		if s := strings.TrimSpace(strings.ReplaceAll(m[2], "\\", "")); s != "" && !strings.HasPrefix(s, "-") {
			subs = strings.Split(s, "|")
		}
		for _, sub := range subs {
			args := []string{m[1]}
			if sub != "" {
				args = append(args, sub)
			}
			var so, se bytes.Buffer
			if code := run(append(args, "--help"), &so, &se); code != 0 {
				t.Errorf("mrelu %s --help: exit %d: %s", strings.Join(args, " "), code, se.String())
				continue
			}
			for _, f := range flag.FindAllStringSubmatch(m[3], -1) {
				if !strings.Contains(so.String(), "-"+f[1]+" ") && !strings.Contains(so.String(), "-"+f[1]+"\n") {
					t.Errorf("README shows --%s for mrelu %s, which has no such flag", f[1], strings.Join(args, " "))
				}
			}
		}
	}
	if rows < 6 {
		t.Errorf("%d command rows read from the README", rows)
	}
}
