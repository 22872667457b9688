package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// goldenCase is one command line whose exit status, terminal output and
// list of written files are kept in testdata/golden/<name>.txt.
type goldenCase struct {
	name string
	args []string // $OUT is the output folder, $DATA a tiny MNIST-format set, $TD testdata/golden
	// numbers: replace every number on the lines matching this pattern by
	// "#" (results that depend on floating-point summation order, which
	// the GEMM's blocking may change between CPUs).
	numbers string
	// show are output files (relative to $OUT) whose content goes into
	// the golden file, with the values of keys naming a time masked.
	show []string
}

// goldenCases are small settings of every command: the golden files fail
// the test when a command's output, status or files change, and are
// rewritten with `go test ./cmd/mrelu -run Golden -update` after a change
// that is meant.
var goldenCases = []goldenCase{
	{name: "device-sweep", args: []string{"device", "sweep", "--points", "25", "--out", "$OUT"}, show: []string{"sweep.json"}},
	{name: "device-tft", args: []string{"device", "tft", "--devices", "4", "--out", "$OUT"}},
	{name: "device-iv", args: []string{"device", "iv", "--cycles", "2", "--out", "$OUT"}},
	{name: "device-fit", args: []string{"device", "fit", "--data", "$TD/ri.csv", "--out", "$OUT"}},
	{name: "neuron-check", args: []string{"neuron", "check", "--out", "$OUT"}, show: []string{"check.json"}},
	{name: "neuron-check-low-vdd", args: []string{"neuron", "check", "--vdd", "1.5V", "--out", "$OUT"}},
	{name: "neuron-transfer", args: []string{"neuron", "transfer", "--points", "41", "--out", "$OUT"}, show: []string{"transfer.json"}},
	{name: "train-relu", args: []string{"train", "--act", "relu", "--epochs", "1", "--hidden", "16,16", "--batch", "50", "--data", "$DATA", "--out", "$OUT"},
		numbers: "accuracy|loss|dW"},
	{name: "bad-unit", args: []string{"device", "pulse", "--amplitude", "1uA", "--out", "$OUT"}},
	{name: "bad-params", args: []string{"neuron", "transfer", "--params", "$TD/no-such.json", "--out", "$OUT"}},
	{name: "sweep-list", args: []string{"sweep", "list", "../../examples/sweeps/transfer-rd-vdd.json"}},
}

var (
	// A time on the terminal: "0.123s", "(1.2 s)", "12 ms".
	goldenTime = regexp.MustCompile(`\b\d+(\.\d+)?(e[-+]?\d+)? ?(s|ms)\b`)
	goldenNum  = regexp.MustCompile(`[-+]?\d+(\.\d+)?(e[-+]?\d+)?`)
	// A JSON value of a time taken: "solve_seconds": 0.0012.
	goldenSeconds = regexp.MustCompile(`("[a-z_]*seconds[a-z_]*": )[-+0-9.e]+`)
)

// goldenNormalize replaces the run's folders by their names and the
// times (and, on the lines matching numbers, every number) by "#".
func goldenNormalize(s string, c goldenCase, out, data string) string {
	s = strings.ReplaceAll(s, out, "$OUT")
	if data != "" {
		s = strings.ReplaceAll(s, data, "$DATA")
	}
	var numRE *regexp.Regexp
	if c.numbers != "" {
		numRE = regexp.MustCompile(c.numbers)
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.Contains(l, "points, ") || strings.Contains(l, "epoch") {
			l = goldenTime.ReplaceAllString(l, "#s")
		}
		if numRE != nil && numRE.MatchString(l) {
			l = goldenNum.ReplaceAllString(l, "#")
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

// TestGolden runs each golden case and compares its exit status, stdout,
// stderr and written files with testdata/golden/<name>.txt.
func TestGolden(t *testing.T) {
	const td = "testdata/golden" // relative: the messages that name a file stay the same on every machine
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			var data string
			out := filepath.Join(t.TempDir(), "out")
			args := make([]string, len(c.args))
			for i, a := range c.args {
				if strings.Contains(a, "$DATA") && data == "" {
					data = tinyData(t)
				}
				a = strings.ReplaceAll(a, "$OUT", out)
				a = strings.ReplaceAll(a, "$TD", td)
				args[i] = strings.ReplaceAll(a, "$DATA", data)
			}
			code, so, se := runCode(args...)
			var b strings.Builder
			fmt.Fprintf(&b, "$ mrelu %s\nexit %d\n--- stdout\n%s--- stderr\n%s--- files\n",
				strings.Join(c.args, " "), code, goldenNormalize(so, c, out, data), goldenNormalize(se, c, out, data))
			for _, f := range filesUnder(out) {
				b.WriteString(f + "\n")
			}
			for _, f := range c.show {
				content := readString(t, filepath.Join(out, f))
				fmt.Fprintf(&b, "--- %s\n%s", f, goldenSeconds.ReplaceAllString(goldenNormalize(content, c, out, data), "${1}#"))
			}
			path := filepath.Join(td, c.name+".txt")
			want, updated := golden(t, path, b.String(), "Golden")
			if got := b.String(); !updated && got != string(want) {
				t.Errorf("mrelu %s differs from %s:\n--- got\n%s\n--- want\n%s\n(if the change is meant: go test ./cmd/mrelu -run Golden -update)",
					strings.Join(c.args, " "), path, got, want)
			}
		})
	}
}
