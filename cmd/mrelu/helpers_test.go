package main

// The helpers the command tests share: running a command line, the tiny
// data sets, and reading and writing the files of a run.

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/dataset"
)

// runCode runs a command line and returns its exit status and output.
func runCode(args ...string) (int, string, string) {
	var so, se bytes.Buffer
	code := run(args, &so, &se)
	return code, so.String(), se.String()
}

// runOK runs a command line, fails the test unless it exits 0 and returns
// its stdout and stderr.
func runOK(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	code, so, se := runCode(args...)
	if code != 0 {
		t.Fatalf("mrelu %s: exit %d\n%s%s", strings.Join(args, " "), code, so, se)
	}
	return so, se
}

// wantExit runs a command line and checks that it exits with code and
// that stderr holds every want; it returns stderr.
func wantExit(t *testing.T, code int, args []string, want ...string) string {
	t.Helper()
	got, so, se := runCode(args...)
	if got != code {
		t.Errorf("mrelu %s: exit %d, want %d; stderr %q, stdout %q", strings.Join(args, " "), got, code, se, so)
	}
	for _, w := range want {
		if !strings.Contains(se, w) {
			t.Errorf("mrelu %s: stderr %q lacks %q", strings.Join(args, " "), se, w)
		}
	}
	return se
}

// wantOneLine fails unless msg (an error message on stderr) is one line.
func wantOneLine(t *testing.T, args []string, msg string) {
	t.Helper()
	if n := strings.Count(strings.TrimSpace(msg), "\n"); n > 0 {
		t.Errorf("%v: message of %d lines, want one: %q", args, n+1, msg)
	}
}

// tinyData writes the tiny synthetic train and test sets (300 and 90
// images) into a new folder and returns it.
func tinyData(t *testing.T) string {
	t.Helper()
	return tinySets(t, 300, 90, 1)
}

// tinySets writes dataset.WriteTinySet's 7x5, 3-class IDX sets of nTrain
// training (from trainSeed) and nTest test images into a new folder and
// returns it.
func tinySets(t *testing.T, nTrain, nTest int, trainSeed uint64) string {
	t.Helper()
	dir := t.TempDir()
	if err := errors.Join(dataset.WriteTinySet(dir, nTrain, "train", trainSeed), dataset.WriteTinySet(dir, nTest, "t10k", 2)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// paperInputs makes a folder with the tiny data sets and a small image
// for the runs of `mrelu paper`.
func paperInputs(t *testing.T) (dir, data, img string) {
	t.Helper()
	dir, data = t.TempDir(), tinyData(t)
	img = filepath.Join(dir, "edges.png")
	writeEdgeImage(t, img)
	return dir, data, img
}

// readString returns the content of a file.
func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// writeFile writes text into path and returns path.
func writeFile(t *testing.T, path, text string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// readJSON reads the JSON file path into v and returns its bytes.
func readJSON(t *testing.T, path string, v any) []byte {
	t.Helper()
	b := []byte(readString(t, path))
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return b
}

// readSummary reads dir/summary.json into v and returns its bytes.
func readSummary(t *testing.T, dir string, v any) []byte {
	t.Helper()
	return readJSON(t, filepath.Join(dir, "summary.json"), v)
}

// requireFiles checks that the files exist in dir and are not empty.
func requireFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		st, err := os.Stat(filepath.Join(dir, n))
		if err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", n, err)
		}
	}
}

// readCSV returns the header and rows of a CSV file.
func readCSV(t *testing.T, path string) ([]string, [][]string) {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(readString(t, path))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(recs) == 0 {
		t.Fatalf("%s: empty", path)
	}
	return recs[0], recs[1:]
}

// writeGreyPNG writes a w x h 8-bit grey PNG with the intensities of
// pix(x, y).
func writeGreyPNG(t *testing.T, path string, w, h int, pix func(x, y int) uint8) {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetGray(x, y, color.Gray{Y: pix(x, y)})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, buf.String())
}

// writeEdgeImage writes a small grayscale PNG with a bright square (a
// fast stand-in for the 160x160 camera image in Fig. 5).
func writeEdgeImage(t *testing.T, path string) {
	t.Helper()
	writeGreyPNG(t, path, 40, 40, func(x, y int) uint8 {
		if x > 10 && x < 30 && y > 12 && y < 28 {
			return 230
		}
		return uint8(40 + 2*x)
	})
}

// requireTool returns the path of the first of names on PATH. Without
// one it skips the test (what: the part that needs it), unless CI is set:
// there a missing tool is a failure.
func requireTool(t *testing.T, what string, names ...string) string {
	t.Helper()
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if ci := os.Getenv("CI"); ci != "" {
		t.Fatalf("%s is not installed but CI=%q is set (Debian: apt-get install -y %s)", names[0], ci, names[0])
	}
	t.Skipf("%s not installed and CI unset: skipping %s (Debian: apt-get install -y %s)", names[0], what, names[0])
	return ""
}
