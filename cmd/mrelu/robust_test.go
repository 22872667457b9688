package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/report"
)

// TestErrorLinesNameTheCommand (issue 12, class 6): failing runs of every
// kind, whatever layer the error comes from (dataset, report, device,
// vision, the params loaders), print one line starting "mrelu: <command>:"
// with the limit or the reason, and never more than ~100 bytes of the
// user's data.
func TestErrorLinesNameTheCommand(t *testing.T) {
	dir := t.TempDir()
	big := writeFile(t, filepath.Join(dir, "big.json"), strings.Repeat(" ", 2<<20)) // a params file over the limit
	file := writeFile(t, filepath.Join(dir, "afile"), "x")
	longLine := writeFile(t, filepath.Join(dir, "oneline.csv"), "i_A,r_ohm,"+strings.Repeat("7", 3<<20)) // one 3 MB line
	badKernel := writeFile(t, filepath.Join(dir, "k.txt"), "1 2 "+strings.Repeat("z", 5000)+"\n")
	out := func(name string) string { return filepath.Join(dir, "out-"+name) }
	tests := []struct {
		args   []string
		prefix string
		want   []string
	}{
		{[]string{"train", "--data", filepath.Join(dir, "none"), "--epochs", "1", "--out", out("a")}, "train", []string{"no such file"}},
		{[]string{"device", "sweep", "--out", file}, "device sweep", []string{"is not a folder"}},
		{[]string{"device", "fit", "--data", "/dev/zero", "--out", out("b")}, "device fit", []string{"/dev/zero:1: line longer than 64 KiB"}},
		{[]string{"device", "fit", "--data", longLine, "--out", out("c")}, "device fit", []string{"line longer than 64 KiB"}},
		{[]string{"device", "iv", "--params", big, "--out", out("d")}, "device iv", []string{"params file " + big + " is larger than 1 MiB"}},
		{[]string{"neuron", "transfer", "--params", big, "--out", out("e")}, "neuron transfer", []string{"params file " + big + " is larger than 1 MiB"}},
		{[]string{"edges", "--params", big, "--out", out("f")}, "edges", []string{"is larger than 1 MiB"}},
		{[]string{"paper", "--params", big, "--out", out("g")}, "paper", []string{"is larger than 1 MiB"}},
		{[]string{"edges", "--image", "/dev/zero", "--out", out("h")}, "edges", []string{"not a PNG or JPEG image", "character device"}},
		{[]string{"edges", "--filter", big, "--out", out("i")}, "edges", []string{"larger than 64 KiB"}},
		{[]string{"edges", "--filter", badKernel, "--out", out("j")}, "edges", []string{"is not a number", "(5000 bytes)"}},
		{[]string{"fig4", "--resume", filepath.Join(dir, "none"), "--out", out("k")}, "fig4", []string{"no such file"}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args[:2], " "), func(t *testing.T) {
			code, _, msg := runCode(tc.args...)
			if code != 1 && code != 2 {
				t.Fatalf("exit %d, want 1 or 2; stderr %q", code, msg)
			}
			if !strings.HasPrefix(msg, "mrelu: "+tc.prefix+": ") || strings.Count(msg, "\n") != 1 {
				t.Errorf("stderr %q: want one line starting %q", msg, "mrelu: "+tc.prefix+": ")
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("stderr %q lacks %q", msg, w)
				}
			}
			if n := len(msg) - len(dir)*strings.Count(msg, dir); n > 300 {
				t.Errorf("stderr is %d bytes besides the paths: %.400q", n, msg)
			}
			if strings.Contains(msg, "unexpected end of JSON input") || strings.Contains(msg, "empty") {
				t.Errorf("stderr %q: the limit or the reason, please", msg)
			}
		})
	}
}

// TestWithCommand: the central prefix is added once, and an error line is
// bounded.
func TestWithCommand(t *testing.T) {
	for _, tc := range []struct{ name, msg, want string }{
		{"train", "dataset: x", "train: dataset: x"},
		{"train", "train: x", "train: x"},
		{"device iv", "device: x", "device iv: device: x"},
		{"device iv", "device iv: x", "device iv: x"},
		{"edges", "a\nb", "edges: a b"},
	} {
		if got := withCommand(tc.name, tc.msg); got != tc.want {
			t.Errorf("withCommand(%q, %q) = %q, want %q", tc.name, tc.msg, got, tc.want)
		}
	}
	if got := withCommand("x", strings.Repeat("é", 5000)); len(got) > maxErrorLine+40 || !strings.HasSuffix(got, "more bytes)") {
		t.Errorf("long message: %d bytes, ends %q", len(got), got[len(got)-30:])
	}
}

// TestShownNumbers: what commands print on stdout has no NaN, no Inf and
// no 300-digit number, and normal numbers keep their format.
func TestShownNumbers(t *testing.T) {
	for _, tc := range []struct {
		format string
		v      any
		want   string
	}{
		{"%.3f V", math.NaN(), "n/a V"},
		{"%.3f V", math.Inf(-1), "n/a V"},
		{"[%6.1f]", math.NaN(), "[   n/a]"},
		{"[%-6.1f]", math.NaN(), "[n/a   ]"},
		{"gain %.3f", 1e300, "gain 1e+300"},
		{"%+.3f", 2e7, "+2e+07"},
		{"%.3f", 1.23456, "1.235"},
		{"%6.2f%%", 12.345, " 12.35%"},
		{"%.3g", float32(2.5), "2.5"},
		{"%d", 7, "7"},
	} {
		if got := outs(tc.format, tc.v); got != tc.want {
			t.Errorf("outs(%q, %v) = %q, want %q", tc.format, tc.v, got, tc.want)
		}
	}
}

// longNumber matches a number printed with more than 30 digits.
var longNumber = regexp.MustCompile(`[0-9]{31,}`)

// TestHostileRunsPrintNoNaN (issue 12, classes 3, 6 and 7): runs whose
// statistics are NaN or whose result is degenerate print "n/a", never
// NaN or a 300-digit number, and exit 1 with the verdict; the 1e-300
// kernel's constant map is reported (vision.Result.Degenerate).
func TestHostileRunsPrintNoNaN(t *testing.T) {
	dir := t.TempDir()
	tiny := writeFile(t, filepath.Join(dir, "tiny.txt"), "1e-300 1e-300 1e-300\n1e-300 1e-300 1e-300\n1e-300 1e-300 1e-300\n")
	for _, tc := range []struct {
		args []string
		code int
		want []string // substrings of stdout+stderr
	}{
		{[]string{"device", "iv", "--icc", "1e300", "--cycles", "2", "--out", filepath.Join(dir, "iv")}, 1, []string{"median n/a V", "never switched"}},
		{[]string{"edges", "--filter", tiny, "--plots=false", "--out", filepath.Join(dir, "tiny")}, 1, []string{"constant", "too small to drive the neuron", "1e-300"}},
	} {
		t.Run(strings.Join(tc.args[:2], " "), func(t *testing.T) {
			code, so, se := runCode(tc.args...)
			all := strings.ReplaceAll(so+se, dir, "DIR")
			if code != tc.code {
				t.Fatalf("exit %d, want %d: %s", code, tc.code, all)
			}
			if strings.Contains(all, "NaN") || strings.Contains(all, "Inf") || longNumber.MatchString(all) {
				t.Errorf("output has NaN, Inf or a long number:\n%s", all)
			}
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("output lacks %q:\n%s", w, all)
				}
			}
		})
	}
}

// TestOutputFolderLocked (issue 12, class 8): while another run holds an
// output folder (here: this process, as a second goroutine running a
// command would), a run with --force and the same --out exits 1 with the
// holder's PID and the lock file, and writes nothing; once the holder is
// done, the same command runs.
func TestOutputFolderLocked(t *testing.T) {
	out := filepath.Join(t.TempDir(), "shared")
	if err := report.PrepareOut(out, true); err != nil {
		t.Fatal(err)
	}
	defer report.UnlockOutputs()
	args := []string{"device", "sweep", "--points", "5", "--out", out, "--force"}
	var so, se bytes.Buffer
	done := make(chan int)
	go func() { done <- run(args, &so, &se) }()
	code := <-done
	want := fmt.Sprintf("mrelu: device sweep: output folder %s is in use by process %d (lock file %s)", out, os.Getpid(), filepath.Join(out, report.LockFile))
	if code != 1 || !strings.HasPrefix(se.String(), want) {
		t.Errorf("exit %d, stderr %q; want 1 and %q", code, se.String(), want)
	}
	// (The refused run's UnlockOutputs released this process's lock too:
	// one command per process is the real case.)
	if entries, _ := os.ReadDir(out); len(entries) > 1 || len(entries) == 1 && entries[0].Name() != report.LockFile {
		t.Errorf("the refused run wrote into the folder: %v", entries)
	}
	report.UnlockOutputs()
	if code, _, se := runCode(args...); code != 0 {
		t.Errorf("after the holder is done: exit %d, %s", code, se)
	}
	if _, err := os.Stat(filepath.Join(out, report.LockFile)); !os.IsNotExist(err) {
		t.Errorf("lock file after the run: %v, want it removed", err)
	}
}
