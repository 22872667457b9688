package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/dataset"
)

// stripesData writes writeStripes' sets of nTrain training and nTest test
// images into a new folder and returns it.
func stripesData(t *testing.T, nTrain, nTest int) string {
	t.Helper()
	dir := t.TempDir()
	writeStripes(t, dir, "train", nTrain, 1)
	writeStripes(t, dir, "t10k", nTest, 2)
	return dir
}

// writeStripes writes n 12x12 images in three classes (a bright vertical,
// horizontal or diagonal line at a random place) as prefix-*-ubyte IDX
// files: big enough for LeNet-5, learnt in a few epochs.
func writeStripes(t *testing.T, dir, prefix string, n int, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 5))
	img := &dataset.IDX{Type: dataset.TypeU8, Dims: []int{n, 12, 12}, U8: make([]uint8, n*144)}
	lab := &dataset.IDX{Type: dataset.TypeU8, Dims: []int{n}, U8: make([]uint8, n)}
	for i := 0; i < n; i++ {
		c, at := rng.IntN(3), 2+rng.IntN(8)
		lab.U8[i] = uint8(c)
		px := img.U8[i*144 : (i+1)*144]
		for p := range px {
			px[p] = uint8(rng.IntN(50))
		}
		for k := 0; k < 12; k++ {
			px[[3]int{k*12 + at, at*12 + k, k*12 + k}[c]] = 255
		}
	}
	if err := dataset.WriteIDX(filepath.Join(dir, prefix+"-images-idx3-ubyte"), img, false); err != nil {
		t.Fatal(err)
	}
	if err := dataset.WriteIDX(filepath.Join(dir, prefix+"-labels-idx1-ubyte"), lab, false); err != nil {
		t.Fatal(err)
	}
}

func TestTrainLeNet5EndToEnd(t *testing.T) {
	data := stripesData(t, 300, 90)
	out := filepath.Join(t.TempDir(), "run")
	so, _ := runOK(t, "train", "--model", "lenet5", "--data", data, "--act", "relu", "--epochs", "3", "--batch", "20", "--seeds", "2", "--out", out)
	var s cnnSummary
	readSummary(t, out, &s)
	if s.Params.Model != "lenet5" || s.Params.Epochs != 3 || len(s.Epochs) != 3 || len(s.Layers) != 12 || s.Crossbar == nil {
		t.Fatalf("summary: %+v", s)
	}
	if s.TestAccuracy < 0.8 || s.Crossbar.TestAccuracy < s.TestAccuracy-0.02 || !(s.Crossbar.Energy > 0) || !(s.Crossbar.Latency > 0) {
		t.Errorf("accuracy %.3f, on arrays %.3f, %g J, %g s", s.TestAccuracy, s.Crossbar.TestAccuracy, s.Crossbar.Energy, s.Crossbar.Latency)
	}
	if s.SeedStats == nil || len(s.SeedStats.PerSeed) != 2 || len(s.SeedsCrossbar) != 1 {
		t.Errorf("seed statistics %+v", s.SeedStats)
	}
	if _, err := os.Stat(filepath.Join(out, "params.json")); err != nil {
		t.Error(err)
	}
	if !strings.Contains(so, "lenet5 act relu seed 1") {
		t.Errorf("stdout: %s", so)
	}
	for _, bad := range [][]string{
		{"train", "--model", "resnet", "--data", data},
		{"train", "--model", "lenet5", "--hidden", "10", "--data", data},
		{"train", "--model", "lenet5", "--resume", out, "--data", data},
		{"train", "--model", "lenet5", "--act", "tanh", "--data", data},
	} {
		wantExit(t, 2, bad)
	}
}
