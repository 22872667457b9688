package main

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/mrelu/mrelu/internal/npy"
	"github.com/mrelu/mrelu/report"
)

// `train` exports the trained network (issue 13, item 8): weights and
// biases as .npy with the layer shapes, the G+/G− maps of every array in
// siemens, and a confusion matrix whose counts add up to the test set and
// whose diagonal gives the reported accuracy.
func TestTrainExports(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	runOK(t, "train", "--data", tinyData(t), "--act", "relu", "--epochs", "3", "--batch", "30", "--hidden", "16,8", "--out", out)
	for _, f := range report.ExportFiles(3) {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	sizes := []int{35, 16, 8, 3}
	for l := 1; l <= 3; l++ {
		for _, c := range []struct {
			name  string
			shape []int
		}{{"W", []int{sizes[l-1], sizes[l]}}, {"b", []int{sizes[l]}}} {
			f, err := os.Open(filepath.Join(out, "weights", "layer"+strconv.Itoa(l)+"_"+c.name+".npy"))
			if err != nil {
				t.Fatal(err)
			}
			shape, vals, err := npy.Read(f)
			f.Close()
			if err != nil || !slices.Equal(shape, c.shape) || len(vals) == 0 {
				t.Errorf("layer %d %s: shape %v (%v), want %v", l, c.name, shape, err, c.shape)
			}
		}
		g := readCSVNumbers(t, filepath.Join(out, "conductance", "array"+strconv.Itoa(l)+"_gplus_S.csv"))
		if len(g) != sizes[l-1]+1 || len(g[0]) != sizes[l] {
			t.Errorf("array %d G+: %d rows of %d, want %d of %d", l, len(g), len(g[0]), sizes[l-1]+1, sizes[l])
		}
		for _, row := range g {
			for _, v := range row {
				if !(v > 0 && v < 1e-3) {
					t.Fatalf("array %d: conductance %g S outside (0, 1 mS)", l, v)
				}
			}
		}
	}
	cm := readCSVNumbers(t, filepath.Join(out, "confusion.csv"))
	total, diag := 0.0, 0.0
	for i, row := range cm {
		for j, v := range row[1:] {
			total += v
			if i == j {
				diag += v
			}
		}
	}
	var s struct {
		TestAccuracy float64 `json:"test_accuracy"`
	}
	readSummary(t, out, &s)
	if total != 90 || diag/total != s.TestAccuracy {
		t.Errorf("confusion: %g samples, diagonal %g (accuracy %g, summary %g)", total, diag, diag/total, s.TestAccuracy)
	}
}

// readCSVNumbers reads a CSV of numbers (readCSV), with or without a
// header line.
func readCSVNumbers(t *testing.T, path string) [][]float64 {
	t.Helper()
	head, recs := readCSV(t, path)
	if _, err := strconv.ParseFloat(head[0], 64); err == nil {
		recs = append([][]string{head}, recs...)
	}
	out := make([][]float64, len(recs))
	for k, r := range recs {
		for _, c := range r {
			v, err := strconv.ParseFloat(c, 64)
			if err != nil {
				t.Fatalf("%s row %d: %v", path, k+1, err)
			}
			out[k] = append(out[k], v)
		}
	}
	return out
}
