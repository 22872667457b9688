package main

import (
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// goldenCase is one command line whose exit status, terminal output and
// list of written files are kept in testdata/golden/<name>.txt.
type goldenCase struct {
	name string
	// args is the command line; its placeholders are $OUT (the output
	// folder), $TD (testdata/golden) and the inputs of goldenInputs
	// ($DATA, $SPEC, $IMG), made for the case when it names them.
	args []string
	// setup are command lines (same placeholders) run before args, each
	// of which must exit 0; their output is not kept (other cases keep it).
	setup [][]string
	// tool is a program the case needs on PATH: without it the case is
	// skipped (a failure when CI is set; requireTool).
	tool string
	// numbers: replace every number on the lines matching this pattern by
	// "#" (results that depend on floating-point summation order, which
	// the GEMM's blocking may change between CPUs).
	numbers string
	// sortStderr sorts the lines of stderr: the command runs work side by
	// side (one run per core), so its progress lines come in the order
	// the runs happen to report.
	sortStderr bool
	// show are output files (relative to $OUT) whose content goes into
	// the golden file, with the values of keys naming a time masked.
	show []string
}

// goldenCases are small settings of every command: the golden files fail
// the test when a command's output, status or files change, and are
// rewritten with `go test ./cmd/mrelu -run Golden -update` after a change
// that is meant.
var goldenCases = []goldenCase{
	{name: "help", args: []string{"--help"}},
	{name: "no-command", args: []string{}},
	{name: "unknown-command", args: []string{"frob"}},
	{name: "version", args: []string{"--version"}},
	{name: "device-sweep", args: []string{"device", "sweep", "--points", "25", "--out", "$OUT"}, show: []string{"sweep.json"}},
	{name: "device-tft", args: []string{"device", "tft", "--devices", "4", "--out", "$OUT"}},
	{name: "device-iv", args: []string{"device", "iv", "--cycles", "2", "--out", "$OUT"}},
	{name: "device-pulse", args: []string{"device", "pulse", "--pulses", "4", "--out", "$OUT"}, show: []string{"pulse.json"}},
	{name: "device-fit", args: []string{"device", "fit", "--data", "$TD/ri.csv", "--out", "$OUT"}},
	{name: "device-tabulate", args: []string{"device", "tabulate", "--data", "$TD/ri.csv", "--out", "$OUT"},
		show: []string{"tabulate.json", "tabulate.csv"}},
	{name: "neuron-check", args: []string{"neuron", "check", "--out", "$OUT"}, show: []string{"check.json"}},
	{name: "neuron-check-low-vdd", args: []string{"neuron", "check", "--vdd", "1.5V", "--out", "$OUT"}},
	{name: "neuron-transfer", args: []string{"neuron", "transfer", "--points", "41", "--out", "$OUT"}, show: []string{"transfer.json"}},
	{name: "neuron-pulse", args: []string{"neuron", "pulse", "--out", "$OUT"}, show: []string{"pulse.json"}},
	{name: "neuron-montecarlo", args: []string{"neuron", "montecarlo", "--devices", "4", "--points", "41", "--out", "$OUT"},
		show: []string{"montecarlo.json", "montecarlo_devices.csv"}},
	{name: "neuron-spice", args: []string{"neuron", "spice", "--points", "21", "--out", "$OUT"}, show: []string{"mrelu.cir"}},
	// ngspice's numbers depend on its version: only ours stay unmasked
	// (in neuron-spice and neuron-pulse).
	{name: "neuron-spice-run", args: []string{"neuron", "spice", "--points", "21", "--run", "--out", "$OUT"}, tool: "ngspice", numbers: "ngspice"},
	{name: "train-relu", args: []string{"train", "--act", "relu", "--epochs", "1", "--hidden", "16,16", "--batch", "50", "--data", "$DATA", "--out", "$OUT"},
		numbers: "accuracy|loss|dW"},
	{name: "train-mrelu", args: []string{"train", "--act", "mrelu", "--epochs", "1", "--hidden", "16,16", "--batch", "50", "--data", "$DATA", "--out", "$OUT"},
		numbers: "accuracy|loss|dW", show: []string{"params.json"}},
	{name: "train-lenet5", args: []string{"train", "--model", "lenet5", "--act", "mrelu", "--epochs", "1", "--batch", "30", "--data", "$TD/cnn-data", "--out", "$OUT"},
		numbers: "accuracy|loss|dW", show: []string{"params.json"}},
	{name: "fig4-tiny", args: []string{"fig4", "--acts", "relu,mrelu", "--epochs", "1", "--hidden", "16,16", "--sweep", "", "--seeds", "2", "--batch", "50",
		"--data", "$DATA", "--out", "$OUT"}, numbers: "test accuracy|seeds:|reproducing", sortStderr: true, show: []string{"params.json"}},
	{name: "edges", args: []string{"edges", "--variation", "0.099", "--seed", "3", "--out", "$OUT"}, show: []string{"params.json"}},
	{name: "compare", args: []string{"compare", "$TD/compare-device.json", "--quick", "--epochs", "1", "--data", "$DATA", "--out", "$OUT"},
		numbers: "accuracy", show: []string{"compare.csv"}},
	{name: "paper-quick", args: []string{"paper", "--quick", "--epochs", "1", "--data", "$DATA", "--image", "$IMG", "--ngspice=false", "--out", "$OUT"},
		numbers: `test accuracy|per inference(:|, neurons)|sigmoid \d`, sortStderr: true},
	{name: "bad-unit", args: []string{"device", "pulse", "--amplitude", "1uA", "--out", "$OUT"}},
	{name: "bad-params", args: []string{"neuron", "transfer", "--params", "$TD/no-such.json", "--out", "$OUT"}},
	{name: "sweep-list", args: []string{"sweep", "list", "../../examples/sweeps/transfer-rd-vdd.json"}},
	{name: "sweep-run-shard", args: []string{"sweep", "$SPEC", "--out", "$OUT", "--shard", "1/2"}, show: []string{"points/1/result.json"}},
	{name: "sweep-merge", setup: [][]string{{"sweep", "$SPEC", "--out", "$OUT", "--shard", "0/2"}, {"sweep", "$SPEC", "--out", "$OUT", "--shard", "1/2"}},
		args: []string{"sweep", "merge", "$OUT"}, show: []string{"results.csv", "summary.csv"}},
	{name: "sweep-k8s", args: []string{"sweep", "k8s", "$SPEC", "--shards", "2"}},
}

// goldenInputs make the inputs the placeholders of a case name: the tiny
// MNIST-format set, the tiny sweep spec and a small image.
var goldenInputs = map[string]func(t *testing.T) string{
	"$DATA": tinyData,
	"$SPEC": func(t *testing.T) string { return writeSpec(t, tinyTransferSpec) },
	"$IMG": func(t *testing.T) string {
		p := filepath.Join(t.TempDir(), "image.png")
		writeEdgeImage(t, p)
		return p
	},
}

var (
	// goldenTimeLines are the lines that print a wall time (training
	// epochs, solves, stages, shards, points, file writing).
	goldenTimeLines = regexp.MustCompile(`points, |epoch|neurons \(seed \d+|neuron sweep |^time: ours |^mrelu (compare|paper) \(|^  done in |^  wrote \S+/ \(|^point \d+ \[|^shard \d+/\d+: `)
	// A time on the terminal: "0.123s", "(1.2 s)", "12 ms".
	goldenTime = regexp.MustCompile(`\b\d+(\.\d+)?(e[-+]?\d+)? ?(s|ms)\b`)
	// The share of a shard's wall time spent outside its points' runs.
	goldenShare = regexp.MustCompile(`(outside them #s = )\d+(\.\d+)? %`)
	// A number, not the digits of a name ("lenet5", "var30").
	goldenNum = regexp.MustCompile(`[-+]?\b\d+(\.\d+)?(e[-+]?\d+)?`)
	// A JSON value of a time taken: "solve_seconds": 0.0012.
	goldenSeconds = regexp.MustCompile(`("[a-z_]*seconds[a-z_]*": ?)[-+0-9.e]+`)
)

// goldenNormalize replaces the run's folders and inputs (paths: values of
// made) by their placeholders, the Go version by $GOVERSION, the times
// (and, on the lines matching numbers, every number) by "#".
func goldenNormalize(s string, c goldenCase, made map[string]string) string {
	phs := slices.Collect(maps.Keys(made))
	slices.SortFunc(phs, func(a, b string) int { return len(made[b]) - len(made[a]) }) // a path before its prefixes
	for _, ph := range phs {
		s = strings.ReplaceAll(s, made[ph], ph)
	}
	s = strings.ReplaceAll(s, runtime.Version(), "$GOVERSION")
	var numRE *regexp.Regexp
	if c.numbers != "" {
		numRE = regexp.MustCompile(c.numbers)
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if goldenTimeLines.MatchString(l) {
			l = goldenShare.ReplaceAllString(goldenTime.ReplaceAllString(l, "#s"), "${1}#%")
		}
		if numRE != nil && numRE.MatchString(l) {
			l = goldenNum.ReplaceAllString(l, "#")
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

// sortedLines returns the lines of s sorted.
func sortedLines(s string) string {
	lines := strings.SplitAfter(s, "\n")
	slices.Sort(lines)
	return strings.Join(lines, "")
}

// goldenCommand is the command line args as a shell would take it back
// (an empty or spaced argument quoted).
func goldenCommand(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if q[i] = a; a == "" || strings.ContainsAny(a, " \t") {
			q[i] = strconv.Quote(a)
		}
	}
	return strings.Join(q, " ")
}

// goldenRun runs a golden case and returns what its golden file holds:
// the command line, exit status, stdout, stderr, the files written and
// the content of the files to show.
func goldenRun(t *testing.T, c goldenCase) string {
	t.Helper()
	if c.tool != "" {
		requireTool(t, c.name, c.tool)
	}
	const td = "testdata/golden" // relative: the messages that name a file stay the same on every machine
	made := map[string]string{"$OUT": filepath.Join(t.TempDir(), "out")}
	expand := func(line []string) []string {
		args := make([]string, len(line))
		for i, a := range line {
			for ph, mk := range goldenInputs {
				if _, ok := made[ph]; !ok && strings.Contains(a, ph) {
					made[ph] = mk(t)
				}
			}
			a = strings.ReplaceAll(a, "$TD", td)
			for ph, v := range made {
				a = strings.ReplaceAll(a, ph, v)
			}
			args[i] = a
		}
		return args
	}
	var b strings.Builder
	for _, s := range c.setup {
		runOK(t, expand(s)...)
		fmt.Fprintf(&b, "(before: mrelu %s)\n", goldenCommand(s))
	}
	code, so, se := runCode(expand(c.args)...)
	se, stderrHead := goldenNormalize(se, c, made), "--- stderr\n"
	if c.sortStderr {
		se, stderrHead = sortedLines(se), "--- stderr (lines sorted)\n"
	}
	fmt.Fprintf(&b, "$ mrelu %s\nexit %d\n--- stdout\n%s%s%s--- files\n",
		goldenCommand(c.args), code, goldenNormalize(so, c, made), stderrHead, se)
	out := made["$OUT"]
	for _, f := range filesUnder(out) {
		b.WriteString(f + "\n")
	}
	for _, f := range c.show {
		content := readString(t, filepath.Join(out, f))
		fmt.Fprintf(&b, "--- %s\n%s", f, goldenSeconds.ReplaceAllString(goldenNormalize(content, c, made), "${1}#"))
	}
	return b.String()
}

// goldenDiff describes the first difference between a case's output got
// and its golden file's content want ("" when they are equal).
func goldenDiff(got, want string) string {
	if got == want {
		return ""
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(gl), len(wl)) {
		g, w := "(none)", "(none)"
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			return fmt.Sprintf("line %d:\n  got  %q\n  want %q", i+1, g, w)
		}
	}
	return "they differ" // not reached: equal lines make equal texts
}

// TestGolden runs each golden case and compares its exit status, stdout,
// stderr and written files with testdata/golden/<name>.txt.
func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			got := goldenRun(t, c)
			path := filepath.Join("testdata/golden", c.name+".txt")
			want, updated := golden(t, path, got, "Golden")
			if d := goldenDiff(got, string(want)); !updated && d != "" {
				t.Errorf("mrelu %s differs from %s at %s\n--- got\n%s\n--- want\n%s\n(if the change is meant: go test ./cmd/mrelu -run Golden -update)",
					goldenCommand(c.args), path, d, got, want)
			}
		})
	}
}

// TestGoldenDetectsChange: a golden case fails when its output changes.
// The case device-sweep equals its golden file; the same case with
// another setting, and copies of its output with one number, one file or
// the exit status altered, all differ from it.
func TestGoldenDetectsChange(t *testing.T) {
	c := goldenCases[slices.IndexFunc(goldenCases, func(c goldenCase) bool { return c.name == "device-sweep" })]
	want := readString(t, filepath.Join("testdata/golden", c.name+".txt"))
	got := goldenRun(t, c)
	if d := goldenDiff(got, want); d != "" && !*update {
		t.Fatalf("device-sweep differs from its golden file at %s", d)
	}
	changed := c
	changed.args = slices.Clone(c.args)
	changed.args[slices.Index(changed.args, "25")] = "26"
	if goldenDiff(goldenRun(t, changed), want) == "" {
		t.Error("device sweep --points 26 gives the golden output of --points 25")
	}
	for _, alter := range []struct{ old, new string }{
		{`"points": 25,`, `"points": 24,`},
		{"r_vs_i.csv\n", ""},
		{"exit 0\n", "exit 1\n"},
	} {
		if !strings.Contains(got, alter.old) {
			t.Fatalf("device-sweep output lacks %q", alter.old)
		}
		if d := goldenDiff(strings.Replace(got, alter.old, alter.new, 1), got); d == "" {
			t.Errorf("%q -> %q: no difference reported", alter.old, alter.new)
		}
	}
}

// TestGoldenNormalizeMasksOnlyTimes: the normaliser masks the wall times,
// the folders and the Go version, and keeps the numbers that are results,
// including those in seconds.
func TestGoldenNormalizeMasksOnlyTimes(t *testing.T) {
	made := map[string]string{"$OUT": "/tmp/x/001/out", "$DATA": "/tmp/x/002"}
	for _, tc := range []struct{ in, want string }{
		{"4 neurons (seed 1, trim VDD true) in 0.0052 s: 0 never reach VDD/2", "4 neurons (seed 1, trim VDD true) in #s: 0 never reach VDD/2"},
		{"shard 1/2: 4 run, 0 done before, 0 failed; 0.021 s (runs 0.019 s, outside them 0.002 s = 8.0 %); results in /tmp/x/001/out/points",
			"shard 1/2: 4 run, 0 done before, 0 failed; #s (runs #s, outside them #s = #%); results in $OUT/points"},
		{"  done in 0.3 s: settled: latency 7.8 µs, energy 12.7 pJ", "  done in #s: settled: latency 7.8 µs, energy 12.7 pJ"},
		{"wrote mrelu.cir (21-point DC sweep) and mrelu_tran.cir (1.446e-06 A pulse, 0.00201 s)", "wrote mrelu.cir (21-point DC sweep) and mrelu_tran.cir (1.446e-06 A pulse, 0.00201 s)"},
		{"relaxation: R back within 10 % after 0.639 ms", "relaxation: R back within 10 % after 0.639 ms"},
		{"data set /tmp/x/002 " + runtime.Version(), "data set $DATA $GOVERSION"},
	} {
		if got := goldenNormalize(tc.in, goldenCase{}, made); got != tc.want {
			t.Errorf("goldenNormalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := goldenNormalize("lenet5 test accuracy 86.67% after 1 epochs", goldenCase{numbers: "accuracy"}, nil); got != "lenet5 test accuracy #% after # epochs" {
		t.Errorf("numbers: %q", got)
	}
}
